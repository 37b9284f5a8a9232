import { err, ok } from '../../common/core/AppError.ts';
import type { Result } from '../../common/core/AppError.ts';
import type { Router, Terminal } from './createRouter.ts';
import type { EdgeIndex, EdgeSnap } from './EdgeIndex.ts';
import type { PathGraph } from './PathGraph.ts';
import type { Vec2 } from './types.ts';

export interface PointRoute {
  /** Full polyline in metres: the start point, its snap leg, the network path, the goal's snap leg, the goal. */
  points: Vec2[];
  /** Length along the network, partial first/last edges included, snap legs excluded. */
  lengthM: number;
  /** Straight-line distance from the two points to where they joined the network. */
  snapLegsM: number;
  cost: number;
  /** Graph nodes passed, in order (empty when both points are on the same edge and no node is passed). */
  nodes: number[];
  /** Edges touched, in order, including the partial first and last edge. */
  edges: number[];
  from: EdgeSnap;
  to: EdgeSnap;
}

export type PointRouteFailure =
  | { reason: 'off-network'; which: 'from' | 'to'; message: string }
  | { reason: 'unreachable'; message: string };

export interface RouteBetweenPointsOptions {
  /** A point farther than this from every edge is off the network (default 50 m). */
  maxSnapM?: number;
  /** Edges a point must not snap onto (should match the router's `blocked`). */
  blocked?: (edge: number) => boolean;
}

/**
 * Routes between two arbitrary metric points: each is snapped to the nearest edge (within maxSnapM), the search
 * starts part-way along that edge in whichever directions it allows, and the result is the full polyline with
 * length and ids. Off-network and unreachable are typed failures, never exceptions.
 */
export function routeBetweenPoints(
  graph: PathGraph, router: Router, index: EdgeIndex, from: Vec2, to: Vec2, options: RouteBetweenPointsOptions = {},
): Result<PointRoute, PointRouteFailure> {
  const maxSnapM = options.maxSnapM ?? 50;
  const accept = options.blocked === undefined ? undefined : (e: number) => !options.blocked!(e);
  const a = index.nearest(from.x, from.y, maxSnapM, accept);
  if (a === undefined) {
    return err({ reason: 'off-network', which: 'from', message: `start (${fmt(from)}) is more than ${maxSnapM} m from every path` });
  }
  const b = index.nearest(to.x, to.y, maxSnapM, accept);
  if (b === undefined) {
    return err({ reason: 'off-network', which: 'to', message: `goal (${fmt(to)}) is more than ${maxSnapM} m from every path` });
  }
  const factorA = costFactor(graph, a.edge);
  const factorB = costFactor(graph, b.edge);
  const lenA = graph.edgeLengthM[a.edge]!;
  const lenB = graph.edgeLengthM[b.edge]!;
  const onewayA = graph.edgeOneway[a.edge] === 1;
  const onewayB = graph.edgeOneway[b.edge] === 1;

  const starts: Terminal[] = [{ node: graph.edgeTo[a.edge]!, extraCost: (lenA - a.alongM) * factorA }];
  if (!onewayA) starts.push({ node: graph.edgeFrom[a.edge]!, extraCost: a.alongM * factorA });
  const goals: Terminal[] = [{ node: graph.edgeFrom[b.edge]!, extraCost: b.alongM * factorB }];
  if (!onewayB) goals.push({ node: graph.edgeTo[b.edge]!, extraCost: (lenB - b.alongM) * factorB });

  const snapLegsM = a.distanceM + b.distanceM;
  // Both on one edge: the direct run along it competes with any detour through the graph.
  let direct: PointRoute | undefined;
  if (a.edge === b.edge && (b.alongM >= a.alongM || !onewayA)) {
    const forward = b.alongM >= a.alongM;
    const mid = forward ? edgeSlice(graph, a.edge, a, b) : edgeSlice(graph, a.edge, b, a).reverse();
    direct = {
      points: [from, ...mid, to], lengthM: Math.abs(b.alongM - a.alongM), snapLegsM,
      cost: Math.abs(b.alongM - a.alongM) * factorA, nodes: [], edges: [a.edge], from: a, to: b,
    };
  }
  const r = router.routeBetween(starts, goals);
  if (!r.found) {
    if (direct !== undefined) return ok(direct);
    return err({ reason: 'unreachable', message: `no drivable route from (${fmt(from)}) to (${fmt(to)})` });
  }
  if (direct !== undefined && direct.cost <= r.cost) return ok(direct);

  const first = r.nodes[0]!;
  const last = r.nodes[r.nodes.length - 1]!;
  const points: Vec2[] = [from];
  // Leg from the start snap to the first node.
  if (first === graph.edgeTo[a.edge] && !(first === graph.edgeFrom[a.edge] && a.alongM < lenA - a.alongM)) {
    points.push(...edgeSlice(graph, a.edge, a, undefined));
  } else {
    points.push(...edgeSlice(graph, a.edge, undefined, a).reverse());
  }
  let lengthM = points.length > 1 ? polylineLength(points.slice(1)) : 0;
  let prev = first;
  for (const e of r.edges) {
    const pts = edgeSlice(graph, e, undefined, undefined);
    if (graph.edgeFrom[e] !== prev) pts.reverse();
    points.push(...pts.slice(1));
    lengthM += graph.edgeLengthM[e]!;
    prev = graph.edgeFrom[e] === prev ? graph.edgeTo[e]! : graph.edgeFrom[e]!;
  }
  const goalLeg = last === graph.edgeFrom[b.edge] && !(last === graph.edgeTo[b.edge] && lenB - b.alongM < b.alongM)
    ? edgeSlice(graph, b.edge, undefined, b)
    : edgeSlice(graph, b.edge, b, undefined).reverse();
  lengthM += polylineLength(goalLeg);
  points.push(...goalLeg.slice(1), to);
  return ok({
    points, lengthM, snapLegsM, cost: r.cost, nodes: r.nodes,
    edges: [a.edge, ...r.edges, b.edge], from: a, to: b,
  });
}

/** Cost per metre of an edge (its class/surface factor). */
function costFactor(graph: PathGraph, e: number): number {
  const len = graph.edgeLengthM[e]!;
  return len > 0 ? graph.edgeCost[e]! / len : 1;
}

/** Points of edge e between two snaps along it (undefined = the edge's own start or end), in edge direction. */
function edgeSlice(graph: PathGraph, e: number, start: EdgeSnap | undefined, end: EdgeSnap | undefined): Vec2[] {
  const off = graph.geomOffset[e]!;
  const count = graph.geomOffset[e + 1]! - off;
  const out: Vec2[] = [];
  if (start === undefined) out.push({ x: graph.geomX[off]!, y: graph.geomY[off]! });
  else out.push({ x: start.x, y: start.y });
  const firstIdx = start === undefined ? 1 : start.segment + 1;
  const lastIdx = end === undefined ? count - 1 : end.segment;
  for (let i = firstIdx; i <= lastIdx; i++) out.push({ x: graph.geomX[off + i]!, y: graph.geomY[off + i]! });
  if (end !== undefined) out.push({ x: end.x, y: end.y });
  return out;
}

function polylineLength(points: readonly Vec2[]): number {
  let len = 0;
  for (let i = 1; i < points.length; i++) len += Math.hypot(points[i]!.x - points[i - 1]!.x, points[i]!.y - points[i - 1]!.y);
  return len;
}

function fmt(p: Vec2): string {
  return `${p.x.toFixed(1)} m E, ${p.y.toFixed(1)} m N`;
}
