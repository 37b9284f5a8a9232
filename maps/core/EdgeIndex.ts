import type { PathGraph } from './PathGraph.ts';

/** Where a point lands on the graph: the closest point of the closest edge. */
export interface EdgeSnap {
  edge: number;
  /** Segment index within the edge polyline, and the fraction along it. */
  segment: number;
  t: number;
  x: number;
  y: number;
  distanceM: number;
  /** Distance along the edge from edgeFrom to the snapped point. */
  alongM: number;
}

/**
 * A uniform grid over edge segments for nearest-edge queries (snapping arbitrary points onto the network).
 * Searches rings of cells outward until the best hit is provably closest or `maxDistanceM` is exceeded.
 */
export class EdgeIndex {
  readonly #graph: PathGraph;
  readonly #cellM: number;
  readonly #cells = new Map<number, number[]>();
  /** Cumulative length at the start of each geometry point, per edge, for alongM. */
  readonly #cumM: Float64Array;
  readonly #minGx: number;
  readonly #minGy: number;
  readonly #maxGx: number;
  readonly #maxGy: number;

  constructor(graph: PathGraph, cellM = 25) {
    this.#graph = graph;
    this.#cellM = cellM;
    this.#cumM = new Float64Array(graph.geomX.length);
    let minGx = Infinity, minGy = Infinity, maxGx = -Infinity, maxGy = -Infinity;
    for (let e = 0; e < graph.edgeCount; e++) {
      const a = graph.geomOffset[e]!;
      const b = graph.geomOffset[e + 1]!;
      let cum = 0;
      for (let i = a; i < b; i++) {
        if (i > a) cum += Math.hypot(graph.geomX[i]! - graph.geomX[i - 1]!, graph.geomY[i]! - graph.geomY[i - 1]!);
        this.#cumM[i] = cum;
        if (i + 1 >= b) continue;
        const x0 = Math.floor(Math.min(graph.geomX[i]!, graph.geomX[i + 1]!) / cellM);
        const x1 = Math.floor(Math.max(graph.geomX[i]!, graph.geomX[i + 1]!) / cellM);
        const y0 = Math.floor(Math.min(graph.geomY[i]!, graph.geomY[i + 1]!) / cellM);
        const y1 = Math.floor(Math.max(graph.geomY[i]!, graph.geomY[i + 1]!) / cellM);
        minGx = Math.min(minGx, x0); maxGx = Math.max(maxGx, x1);
        minGy = Math.min(minGy, y0); maxGy = Math.max(maxGy, y1);
        for (let gx = x0; gx <= x1; gx++) {
          for (let gy = y0; gy <= y1; gy++) {
            const key = cellKey(gx, gy);
            const list = this.#cells.get(key);
            if (list === undefined) this.#cells.set(key, [i]);
            else list.push(i);
          }
        }
      }
    }
    this.#minGx = minGx; this.#minGy = minGy; this.#maxGx = maxGx; this.#maxGy = maxGy;
  }

  /** The closest point on any edge within `maxDistanceM` of (x, y), or undefined. */
  nearest(x: number, y: number, maxDistanceM = Infinity, accept?: (edge: number) => boolean): EdgeSnap | undefined {
    const g = this.#graph;
    const cx = Math.floor(x / this.#cellM);
    const cy = Math.floor(y / this.#cellM);
    const maxRing = Math.max(Math.abs(cx - this.#minGx), Math.abs(cx - this.#maxGx), Math.abs(cy - this.#minGy), Math.abs(cy - this.#maxGy));
    const ringLimit = Number.isFinite(maxDistanceM) ? Math.min(maxRing, Math.ceil(maxDistanceM / this.#cellM) + 1) : maxRing;
    let bestD2 = maxDistanceM * maxDistanceM;
    let bestPoint = -1;
    let bestT = 0;
    for (let r = 0; r <= ringLimit; r++) {
      // Anything in ring r is at least (r - 1) cells away.
      const ringMin = (r - 1) * this.#cellM;
      if (bestPoint >= 0 && ringMin > 0 && ringMin * ringMin > bestD2) break;
      for (let gx = cx - r; gx <= cx + r; gx++) {
        for (let gy = cy - r; gy <= cy + r; gy++) {
          if (Math.max(Math.abs(gx - cx), Math.abs(gy - cy)) !== r) continue;
          const list = this.#cells.get(cellKey(gx, gy));
          if (list === undefined) continue;
          for (const i of list) {
            const ax = g.geomX[i]!, ay = g.geomY[i]!, bx = g.geomX[i + 1]!, by = g.geomY[i + 1]!;
            const dx = bx - ax, dy = by - ay;
            const l2 = dx * dx + dy * dy;
            let t = l2 === 0 ? 0 : ((x - ax) * dx + (y - ay) * dy) / l2;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            const px = ax + t * dx - x, py = ay + t * dy - y;
            const d2 = px * px + py * py;
            if (d2 < bestD2 || (bestPoint < 0 && d2 <= bestD2)) {
              if (accept !== undefined && !accept(this.#edgeOfPoint(i))) continue;
              bestD2 = d2;
              bestPoint = i;
              bestT = t;
            }
          }
        }
      }
    }
    if (bestPoint < 0) return undefined;
    const e = this.#edgeOfPoint(bestPoint);
    const ax = g.geomX[bestPoint]!, ay = g.geomY[bestPoint]!;
    const sx = ax + bestT * (g.geomX[bestPoint + 1]! - ax);
    const sy = ay + bestT * (g.geomY[bestPoint + 1]! - ay);
    const segLen = this.#cumM[bestPoint + 1]! - this.#cumM[bestPoint]!;
    return {
      edge: e, segment: bestPoint - g.geomOffset[e]!, t: bestT, x: sx, y: sy, distanceM: Math.sqrt(bestD2),
      alongM: this.#cumM[bestPoint]! + bestT * segLen,
    };
  }

  /** The end of the nearest edge that is closer to (x, y) (usually, not always, the nearest node); -1 if no edges. */
  nearestNode(x: number, y: number): number {
    const snap = this.nearest(x, y);
    if (snap === undefined) return -1;
    const g = this.#graph;
    const a = g.edgeFrom[snap.edge]!;
    const b = g.edgeTo[snap.edge]!;
    return Math.hypot(g.nodeX[a]! - x, g.nodeY[a]! - y) <= Math.hypot(g.nodeX[b]! - x, g.nodeY[b]! - y) ? a : b;
  }

  #edgeOfPoint(i: number): number {
    // Binary search geomOffset for the edge whose polyline holds point i.
    const off = this.#graph.geomOffset;
    let lo = 0;
    let hi = this.#graph.edgeCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (off[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function cellKey(gx: number, gy: number): number {
  return (gx + 32768) * 65536 + (gy + 32768);
}
