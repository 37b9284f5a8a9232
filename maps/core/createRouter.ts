import { NodeHeap } from './NodeHeap.ts';
import type { PathGraph } from './PathGraph.ts';

export interface FoundRoute {
  found: true;
  /** Node ids from start to goal. */
  nodes: number[];
  /** Edge ids traversed, in order (nodes.length - 1 of them). */
  edges: number[];
  lengthM: number;
  cost: number;
}

/** The one "no route" value (frozen, shared): unreachable, blocked, or unknown endpoints. */
export const NO_ROUTE = Object.freeze({
  found: false as const,
  nodes: Object.freeze([]) as readonly number[],
  edges: Object.freeze([]) as readonly number[],
  lengthM: Infinity,
  cost: Infinity,
});
export type NoRoute = typeof NO_ROUTE;
export type RouteResult = FoundRoute | NoRoute;

/** A start or goal with an extra cost to reach it (used to route from a point part-way along an edge). */
export interface Terminal {
  node: number;
  extraCost: number;
}

export interface RouterOptions {
  /** Cost of traversing `edge` from `fromNode` to `toNode`; default the graph's arc cost (length × class factor). */
  cost?: (edge: number, fromNode: number, toNode: number) => number;
  /** Lower bound of the cost from `node` to `goal`; default Euclidean × graph.minCostFactor. Return 0 for Dijkstra. */
  heuristic?: (node: number, goal: number) => number;
  /** Closed edges (construction, a blocked corridor): checked during search, no rebuild needed. */
  blocked?: (edge: number) => boolean;
}

export interface Router {
  route(fromNode: number, toNode: number): RouteResult;
  /** Cheapest route from any start to any goal, each with an extra cost (multi-source, multi-target A*). */
  routeBetween(starts: readonly Terminal[], goals: readonly Terminal[]): RouteResult;
  /**
   * Cost from `fromNode` to every node (Dijkstra, same cost and blocked rules); Infinity where unreachable. One call
   * fills a whole row of a distance matrix (fleet dispatch between buildings).
   */
  costsFrom(fromNode: number): Float64Array;
}

/**
 * A* over a PathGraph. The search state (g-scores, parents, visit stamps, indexed heap) is allocated once and
 * reused by every query, so a query allocates only its result. Pairs in different components return NO_ROUTE
 * at once; a custom `cost` must stay ≥ minCostFactor × length or the default heuristic may overestimate.
 */
export function createRouter(graph: PathGraph, options: RouterOptions = {}): Router {
  const n = graph.nodeCount;
  const { nodeX, nodeY, arcOffset, arcTarget, arcEdge, arcCost, component } = graph;
  const costFn = options.cost;
  const blocked = options.blocked;
  const minFactor = graph.minCostFactor;
  const heuristicFn = options.heuristic;
  const g = new Float64Array(n);
  const f = new Float64Array(n);
  const h = new Float64Array(n);
  const parentArc = new Int32Array(n);
  const seen = new Uint32Array(n);
  const closed = new Uint32Array(n);
  const goalExtra = new Float64Array(n);
  const isGoal = new Uint32Array(n);
  const heap = new NodeHeap(n, f);
  let stamp = 0;

  let goals: readonly Terminal[] = [];
  let single = -1;
  let singleExtra = 0;
  const estimate = (v: number): number => {
    if (heuristicFn !== undefined) {
      let best = Infinity;
      for (const t of goals) best = Math.min(best, heuristicFn(v, t.node) + t.extraCost);
      return best;
    }
    if (single >= 0) return Math.hypot(nodeX[v]! - nodeX[single]!, nodeY[v]! - nodeY[single]!) * minFactor + singleExtra;
    let best = Infinity;
    for (const t of goals) {
      best = Math.min(best, Math.hypot(nodeX[v]! - nodeX[t.node]!, nodeY[v]! - nodeY[t.node]!) * minFactor + t.extraCost);
    }
    return best;
  };
  const checkNode = (node: number) => {
    if (!(node >= 0 && node < n)) throw new RangeError(`createRouter: node ${node} is not in the graph (0..${n - 1})`);
  };
  // route() reuses these two terminals so a plain query allocates only its result.
  const oneStart: Terminal[] = [{ node: 0, extraCost: 0 }];
  const oneGoal: Terminal[] = [{ node: 0, extraCost: 0 }];

  function search(starts: readonly Terminal[], targets: readonly Terminal[]): RouteResult {
    if (starts.length === 0 || targets.length === 0) return NO_ROUTE;
    for (const t of starts) checkNode(t.node);
    for (const t of targets) checkNode(t.node);
    let anyUsable = false;
    for (const s of starts) for (const t of targets) if (component[s.node] === component[t.node]) anyUsable = true;
    if (!anyUsable) return NO_ROUTE;

    stamp++;
    if (stamp === 0xffffffff) {
      seen.fill(0);
      closed.fill(0);
      isGoal.fill(0);
      stamp = 1;
    }
    heap.clear();
    goals = targets;
    single = targets.length === 1 ? targets[0]!.node : -1;
    singleExtra = targets.length === 1 ? targets[0]!.extraCost : 0;
    for (const t of targets) {
      if (isGoal[t.node] === stamp && goalExtra[t.node]! <= t.extraCost) continue;
      isGoal[t.node] = stamp;
      goalExtra[t.node] = t.extraCost;
    }
    for (const s of starts) {
      if (seen[s.node] === stamp && g[s.node]! <= s.extraCost) continue;
      seen[s.node] = stamp;
      g[s.node] = s.extraCost;
      h[s.node] = estimate(s.node);
      f[s.node] = s.extraCost + h[s.node]!;
      parentArc[s.node] = -1;
      heap.push(s.node);
    }
    let bestTotal = Infinity;
    let bestGoal = -1;
    while (heap.size > 0 && heap.peekKey() < bestTotal) {
      const v = heap.pop();
      closed[v] = stamp;
      if (isGoal[v] === stamp) {
        const total = g[v]! + goalExtra[v]!;
        if (total < bestTotal) {
          bestTotal = total;
          bestGoal = v;
        }
      }
      const gv = g[v]!;
      for (let k = arcOffset[v]!, end = arcOffset[v + 1]!; k < end; k++) {
        const w = arcTarget[k]!;
        if (closed[w] === stamp) continue;
        const e = arcEdge[k]!;
        if (blocked !== undefined && blocked(e)) continue;
        const c = costFn === undefined ? arcCost[k]! : costFn(e, v, w);
        if (!(c < Infinity)) continue;
        const tentative = gv + c;
        if (seen[w] !== stamp) {
          seen[w] = stamp;
          h[w] = estimate(w);
        } else if (tentative >= g[w]!) continue;
        g[w] = tentative;
        f[w] = tentative + h[w]!;
        parentArc[w] = k;
        heap.push(w);
      }
    }
    if (bestGoal < 0) return NO_ROUTE;
    const nodes: number[] = [bestGoal];
    const edges: number[] = [];
    let lengthM = 0;
    for (let v = bestGoal; parentArc[v] !== -1;) {
      const k = parentArc[v]!;
      const e = arcEdge[k]!;
      edges.push(e);
      lengthM += graph.edgeLengthM[e]!;
      v = graph.edgeFrom[e] === v ? graph.edgeTo[e]! : graph.edgeFrom[e]!;
      nodes.push(v);
    }
    nodes.reverse();
    edges.reverse();
    return { found: true, nodes, edges, lengthM, cost: bestTotal };
  }

  function costsFrom(fromNode: number): Float64Array {
    checkNode(fromNode);
    const out = new Float64Array(n).fill(Infinity);
    stamp++;
    if (stamp === 0xffffffff) {
      seen.fill(0);
      closed.fill(0);
      isGoal.fill(0);
      stamp = 1;
    }
    heap.clear();
    seen[fromNode] = stamp;
    f[fromNode] = 0;
    heap.push(fromNode);
    while (heap.size > 0) {
      const v = heap.pop();
      closed[v] = stamp;
      const gv = f[v]!;
      out[v] = gv;
      for (let k = arcOffset[v]!, end = arcOffset[v + 1]!; k < end; k++) {
        const w = arcTarget[k]!;
        if (closed[w] === stamp) continue;
        const e = arcEdge[k]!;
        if (blocked !== undefined && blocked(e)) continue;
        const c = costFn === undefined ? arcCost[k]! : costFn(e, v, w);
        if (!(c < Infinity)) continue;
        const tentative = gv + c;
        if (seen[w] === stamp && tentative >= f[w]!) continue;
        seen[w] = stamp;
        f[w] = tentative;
        heap.push(w);
      }
    }
    return out;
  }

  return {
    costsFrom,
    route: (fromNode, toNode) => {
      oneStart[0]!.node = fromNode;
      oneGoal[0]!.node = toNode;
      return search(oneStart, oneGoal);
    },
    routeBetween: search,
  };
}
