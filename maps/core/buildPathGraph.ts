import type { MapProblem, MapWay } from './CampusFeatures.ts';
import { classifyWay } from './classifyWay.ts';
import type { ClassifyOptions, WayClass } from './classifyWay.ts';
import type { LocalFrame } from './LocalFrame.ts';
import { MapValidationError } from './MapValidationError.ts';
import type { PathGraph } from './PathGraph.ts';

export interface BuildPathGraphOptions extends ClassifyOptions {
  /** Dangling way ends within this distance of another way are joined to it (default 2 m; 0 disables). */
  snapToleranceM?: number;
  /** Keep only the largest connected piece and report the others as problems (default true). */
  keepLargestComponent?: boolean;
  /** File name for error messages. */
  file?: string;
}

export interface BuildPathGraphResult {
  graph: PathGraph;
  problems: MapProblem[];
  stats: { waysUsed: number; waysExcluded: Record<string, number>; snappedEnds: number; droppedComponents: number };
}

interface Piece {
  xs: number[];
  ys: number[];
  from: number;
  to: number;
  way: MapWay;
  wayClass: WayClass;
  costFactor: number;
  widthM: number;
  oneway: 0 | 1;
  surface: string | undefined;
  inclinePct: number;
  layer: string;
}

/**
 * Builds the robot path graph from highway ways: keeps drivable ways (classifyWay), splits them at junctions
 * (shared OSM nodes, or identical coordinates when the source has no node ids), joins dangling ends to a way
 * within `snapToleranceM` on the same layer, finds connected components and keeps the largest (the rest become
 * `disconnected` problems naming their ways). Throws MapValidationError when nothing drivable remains.
 */
export function buildPathGraph(
  ways: readonly MapWay[], frame: LocalFrame, options: BuildPathGraphOptions = {},
): BuildPathGraphResult {
  const file = options.file ?? '(map)';
  const snapTolM = options.snapToleranceM ?? 2;
  const problems: MapProblem[] = [];
  const waysExcluded: Record<string, number> = {};

  // 1. Classify and project; give every vertex a key so shared vertices meet.
  const kept: { way: MapWay; keys: string[]; xs: number[]; ys: number[]; c: Extract<ReturnType<typeof classifyWay>, { drivable: true }> }[] = [];
  const useCount = new Map<string, number>();
  for (const way of ways) {
    const c = classifyWay(way.tags, options);
    if (!c.drivable) {
      waysExcluded[c.reason] = (waysExcluded[c.reason] ?? 0) + 1;
      continue;
    }
    const keys: string[] = [];
    const xs: number[] = [];
    const ys: number[] = [];
    way.coords.forEach((lonLat, i) => {
      const key = way.nodeIds?.[i] !== undefined ? `node/${way.nodeIds[i]}` : `${lonLat[0]},${lonLat[1]}`;
      if (keys.length > 0 && keys[keys.length - 1] === key) return;
      const p = frame.toMetric(lonLat);
      keys.push(key);
      xs.push(p.x);
      ys.push(p.y);
    });
    if (keys.length < 2) {
      problems.push({ code: 'short-line', featureId: way.id, message: 'way has fewer than 2 distinct points; skipped' });
      continue;
    }
    if (c.oneway === -1) {
      keys.reverse();
      xs.reverse();
      ys.reverse();
    }
    kept.push({ way, keys, xs, ys, c });
    keys.forEach((k, i) => useCount.set(k, (useCount.get(k) ?? 0) + (i === 0 || i === keys.length - 1 ? 2 : 1)));
  }
  if (kept.length === 0) {
    throw new MapValidationError(file, `no drivable ways (excluded: ${JSON.stringify(waysExcluded)})`);
  }

  // 2. Split at junctions (any vertex used twice, or a way end).
  const nodeIndex = new Map<string, number>();
  const nodeKey: string[] = [];
  const nx: number[] = [];
  const ny: number[] = [];
  const nodeOf = (key: string, x: number, y: number): number => {
    let id = nodeIndex.get(key);
    if (id === undefined) {
      id = nodeKey.length;
      nodeIndex.set(key, id);
      nodeKey.push(key);
      nx.push(x);
      ny.push(y);
    }
    return id;
  };
  let pieces: Piece[] = [];
  for (const k of kept) {
    let start = 0;
    for (let i = 1; i < k.keys.length; i++) {
      if (i < k.keys.length - 1 && useCount.get(k.keys[i]!)! < 2) continue;
      const from = nodeOf(k.keys[start]!, k.xs[start]!, k.ys[start]!);
      const to = nodeOf(k.keys[i]!, k.xs[i]!, k.ys[i]!);
      pieces.push({
        xs: k.xs.slice(start, i + 1), ys: k.ys.slice(start, i + 1), from, to, way: k.way,
        wayClass: k.c.wayClass, costFactor: k.c.costFactor, widthM: k.c.widthM, oneway: k.c.oneway === 0 ? 0 : 1,
        surface: k.c.surface, inclinePct: k.c.inclinePct, layer: k.way.tags.layer ?? '0',
      });
      start = i;
    }
  }

  // 3. Snap dangling ends onto the nearest other piece.
  let snappedEnds = 0;
  if (snapTolM > 0) {
    const r = snapDanglingEnds(pieces, nx, ny, nodeKey, snapTolM);
    pieces = r.pieces;
    snappedEnds = r.snapped;
  }

  // 4. Components (undirected), keep the largest.
  const n = nodeKey.length;
  const adj = undirectedAdjacency(n, pieces);
  const { component, sizes } = components(n, adj);
  let keepNode: (v: number) => boolean = () => true;
  let droppedComponents = 0;
  if (options.keepLargestComponent ?? true) {
    let largest = 0;
    sizes.forEach((s, i) => { if (s > sizes[largest]!) largest = i; });
    keepNode = (v) => component[v] === largest;
    const dropped = new Map<number, Set<string>>();
    const firstWay = new Map<number, string>();
    for (const p of pieces) {
      const c = component[p.from]!;
      if (c === largest) continue;
      let set = dropped.get(c);
      if (set === undefined) {
        dropped.set(c, (set = new Set()));
        firstWay.set(c, p.way.id);
      }
      set.add(p.way.tags.name === undefined ? p.way.id : `${p.way.id} "${p.way.tags.name}"`);
    }
    droppedComponents = dropped.size;
    for (const [c, names] of dropped) {
      const list = [...names];
      problems.push({
        code: 'disconnected',
        featureId: firstWay.get(c)!,
        message: `piece of ${sizes[c]} node(s) not connected to the main network (largest has ${sizes[largest]}); ` +
          `dropped ways: ${list.slice(0, 6).join(', ')}${list.length > 6 ? `, … (${list.length} in all)` : ''}`,
      });
    }
  }

  const graph = assemble(pieces, nx, ny, nodeKey, keepNode, component);
  return { graph, problems, stats: { waysUsed: kept.length, waysExcluded, snappedEnds, droppedComponents } };
}

function snapDanglingEnds(
  pieces: Piece[], nx: number[], ny: number[], nodeKey: string[], tolM: number,
): { pieces: Piece[]; snapped: number } {
  const degree = new Map<number, number>();
  for (const p of pieces) {
    degree.set(p.from, (degree.get(p.from) ?? 0) + 1);
    degree.set(p.to, (degree.get(p.to) ?? 0) + 1);
  }
  // Cells much larger than the tolerance: long diagonal segments cover a box of cells, which is quadratic in length.
  const cell = Math.max(tolM, 25);
  const grid = new Map<number, number[]>();
  const cellKey = (gx: number, gy: number) => (gx + 32768) * 65536 + (gy + 32768);
  pieces.forEach((p, pi) => {
    for (let s = 0; s + 1 < p.xs.length; s++) {
      const [x0, x1] = minMax(p.xs[s]!, p.xs[s + 1]!);
      const [y0, y1] = minMax(p.ys[s]!, p.ys[s + 1]!);
      for (let gx = Math.floor(x0 / cell); gx <= Math.floor(x1 / cell); gx++) {
        for (let gy = Math.floor(y0 / cell); gy <= Math.floor(y1 / cell); gy++) {
          const key = cellKey(gx, gy);
          const list = grid.get(key);
          if (list === undefined) grid.set(key, [pi * 65536 + s]);
          else list.push(pi * 65536 + s);
        }
      }
    }
  });
  // Split requests per piece: (segment, t, node); connectors to add.
  const splits = new Map<number, { seg: number; t: number; node: number }[]>();
  const connectors: Piece[] = [];
  let snapped = 0;
  pieces.forEach((own, ownIdx) => {
    for (const end of [own.from, own.to]) {
      if (degree.get(end) !== 1) continue;
      const ex = nx[end]!;
      const ey = ny[end]!;
      let best = { d: tolM, pi: -1, seg: 0, t: 0 };
      const gx = Math.floor(ex / cell);
      const gy = Math.floor(ey / cell);
      for (let i = gx - 1; i <= gx + 1; i++) {
        for (let j = gy - 1; j <= gy + 1; j++) {
          for (const code of grid.get(cellKey(i, j)) ?? []) {
            const pi = Math.floor(code / 65536);
            const seg = code % 65536;
            const p = pieces[pi]!;
            if (pi === ownIdx || p.from === end || p.to === end || p.layer !== own.layer) continue;
            const t = projectT(ex, ey, p.xs[seg]!, p.ys[seg]!, p.xs[seg + 1]!, p.ys[seg + 1]!);
            const px = p.xs[seg]! + t * (p.xs[seg + 1]! - p.xs[seg]!);
            const py = p.ys[seg]! + t * (p.ys[seg + 1]! - p.ys[seg]!);
            const d = Math.hypot(px - ex, py - ey);
            if (d < best.d) best = { d, pi, seg, t };
          }
        }
      }
      if (best.pi < 0) continue;
      const target = pieces[best.pi]!;
      const segLen = Math.hypot(target.xs[best.seg + 1]! - target.xs[best.seg]!, target.ys[best.seg + 1]! - target.ys[best.seg]!);
      let node: number;
      // Land on an existing node when the foot of the perpendicular is within 0.5 m of the piece's end.
      const atStart = best.seg === 0 && best.t * segLen < 0.5;
      const atEnd = best.seg === target.xs.length - 2 && (1 - best.t) * segLen < 0.5;
      if (atStart) node = target.from;
      else if (atEnd) node = target.to;
      else {
        node = nodeKey.length;
        nodeKey.push(`snap:${node}`);
        nx.push(target.xs[best.seg]! + best.t * (target.xs[best.seg + 1]! - target.xs[best.seg]!));
        ny.push(target.ys[best.seg]! + best.t * (target.ys[best.seg + 1]! - target.ys[best.seg]!));
        let list = splits.get(best.pi);
        if (list === undefined) splits.set(best.pi, (list = []));
        list.push({ seg: best.seg, t: best.t, node });
      }
      if (node === end) continue;
      degree.set(end, 2);
      snapped++;
      connectors.push({ ...own, xs: [ex, nx[node]!], ys: [ey, ny[node]!], from: end, to: node, oneway: 0 });
    }
  });

  const out: Piece[] = [];
  pieces.forEach((p, pi) => {
    const list = splits.get(pi);
    if (list === undefined) {
      out.push(p);
      return;
    }
    list.sort((a, b) => a.seg - b.seg || a.t - b.t);
    let xs = [p.xs[0]!];
    let ys = [p.ys[0]!];
    let from = p.from;
    let k = 0;
    for (let s = 0; s + 1 < p.xs.length; s++) {
      while (k < list.length && list[k]!.seg === s) {
        const sp = list[k++]!;
        if (sp.node === from) continue;
        xs.push(nx[sp.node]!);
        ys.push(ny[sp.node]!);
        out.push({ ...p, xs, ys, from, to: sp.node });
        xs = [nx[sp.node]!];
        ys = [ny[sp.node]!];
        from = sp.node;
      }
      xs.push(p.xs[s + 1]!);
      ys.push(p.ys[s + 1]!);
    }
    out.push({ ...p, xs, ys, from, to: p.to });
  });
  return { pieces: out.concat(connectors), snapped };
}

function undirectedAdjacency(n: number, pieces: readonly Piece[]): number[][] {
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (const p of pieces) {
    adj[p.from]!.push(p.to);
    adj[p.to]!.push(p.from);
  }
  return adj;
}

function components(n: number, adj: readonly number[][]): { component: Int32Array; sizes: number[] } {
  const component = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  const stack: number[] = [];
  for (let s = 0; s < n; s++) {
    if (component[s] !== -1 || adj[s]!.length === 0) continue;
    const c = sizes.length;
    let size = 0;
    component[s] = c;
    stack.push(s);
    while (stack.length > 0) {
      const v = stack.pop()!;
      size++;
      for (const w of adj[v]!) {
        if (component[w] === -1) {
          component[w] = c;
          stack.push(w);
        }
      }
    }
    sizes.push(size);
  }
  return { component, sizes };
}

function assemble(
  allPieces: readonly Piece[], nx: number[], ny: number[], keys: string[], keepNode: (v: number) => boolean,
  oldComponent: Int32Array,
): PathGraph {
  const remap = new Int32Array(keys.length).fill(-1);
  const nodeKey: string[] = [];
  for (let v = 0; v < keys.length; v++) {
    if (oldComponent[v] === -1 || !keepNode(v)) continue;
    remap[v] = nodeKey.length;
    nodeKey.push(keys[v]!);
  }
  const pieces = allPieces.filter((p) => remap[p.from]! >= 0);
  const nodeCount = nodeKey.length;
  const edgeCount = pieces.length;
  const nodeX = new Float64Array(nodeCount);
  const nodeY = new Float64Array(nodeCount);
  for (let v = 0; v < keys.length; v++) {
    if (remap[v]! < 0) continue;
    nodeX[remap[v]!] = nx[v]!;
    nodeY[remap[v]!] = ny[v]!;
  }
  const g: PathGraph = {
    nodeCount, nodeX, nodeY, nodeKey, edgeCount,
    edgeFrom: new Int32Array(edgeCount), edgeTo: new Int32Array(edgeCount),
    edgeLengthM: new Float64Array(edgeCount), edgeCost: new Float64Array(edgeCount),
    edgeWidthM: new Float32Array(edgeCount), edgeOneway: new Uint8Array(edgeCount),
    edgeInclinePct: new Float32Array(edgeCount), edgeClass: [], edgeWayId: [], edgeName: [], edgeSurface: [],
    geomOffset: new Int32Array(edgeCount + 1), geomX: new Float64Array(0), geomY: new Float64Array(0),
    arcOffset: new Int32Array(nodeCount + 1), arcTarget: new Int32Array(0), arcEdge: new Int32Array(0),
    arcCost: new Float64Array(0), component: new Int32Array(nodeCount), componentCount: 0, minCostFactor: 1,
  };
  let geomTotal = 0;
  for (const p of pieces) geomTotal += p.xs.length;
  g.geomX = new Float64Array(geomTotal);
  g.geomY = new Float64Array(geomTotal);
  let gi = 0;
  let minFactor = Infinity;
  const degree = new Int32Array(nodeCount);
  pieces.forEach((p, e) => {
    const from = remap[p.from]!;
    const to = remap[p.to]!;
    g.edgeFrom[e] = from;
    g.edgeTo[e] = to;
    let len = 0;
    g.geomOffset[e] = gi;
    for (let i = 0; i < p.xs.length; i++) {
      g.geomX[gi] = p.xs[i]!;
      g.geomY[gi] = p.ys[i]!;
      gi++;
      if (i > 0) len += Math.hypot(p.xs[i]! - p.xs[i - 1]!, p.ys[i]! - p.ys[i - 1]!);
    }
    g.edgeLengthM[e] = len;
    g.edgeCost[e] = len * p.costFactor;
    minFactor = Math.min(minFactor, p.costFactor);
    g.edgeWidthM[e] = p.widthM;
    g.edgeOneway[e] = p.oneway;
    g.edgeInclinePct[e] = p.inclinePct;
    g.edgeClass.push(p.wayClass);
    g.edgeWayId.push(p.way.id);
    g.edgeName.push(p.way.tags.name);
    g.edgeSurface.push(p.surface);
    degree[from]!++;
    if (p.oneway === 0) degree[to]!++;
  });
  g.geomOffset[edgeCount] = gi;
  g.minCostFactor = Number.isFinite(minFactor) ? minFactor : 1;
  for (let v = 0; v < nodeCount; v++) g.arcOffset[v + 1] = g.arcOffset[v]! + degree[v]!;
  const arcs = g.arcOffset[nodeCount]!;
  g.arcTarget = new Int32Array(arcs);
  g.arcEdge = new Int32Array(arcs);
  g.arcCost = new Float64Array(arcs);
  const fill = g.arcOffset.slice(0, nodeCount);
  const addArc = (a: number, b: number, e: number) => {
    const k = fill[a]!++;
    g.arcTarget[k] = b;
    g.arcEdge[k] = e;
    g.arcCost[k] = g.edgeCost[e]!;
  };
  for (let e = 0; e < edgeCount; e++) {
    addArc(g.edgeFrom[e]!, g.edgeTo[e]!, e);
    if (g.edgeOneway[e] === 0) addArc(g.edgeTo[e]!, g.edgeFrom[e]!, e);
  }
  // Components over the kept nodes (all one piece unless keepLargestComponent was off).
  const adj: number[][] = Array.from({ length: nodeCount }, () => []);
  for (let e = 0; e < edgeCount; e++) {
    adj[g.edgeFrom[e]!]!.push(g.edgeTo[e]!);
    adj[g.edgeTo[e]!]!.push(g.edgeFrom[e]!);
  }
  const comp = components(nodeCount, adj);
  g.component = comp.component;
  g.componentCount = comp.sizes.length;
  return g;
}

function projectT(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const l2 = dx * dx + dy * dy;
  if (l2 === 0) return 0;
  return Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / l2));
}

function minMax(a: number, b: number): [number, number] {
  return a < b ? [a, b] : [b, a];
}
