/**
 * Candidate poses along the footways around a graph node, nearest first: what the parking and waiting-spot pickers
 * choose from. Pure: graph in, poses out, lazily, so a picker stops walking the campus once it has enough.
 */
import type { PathGraph, Pose2 } from '../../maps/index.ts';

export interface FootwayPose extends Pose2 {
  /** True for a graph node itself (heading 0), yielded when the walk reaches it. */
  atNode: boolean;
  /** Distance from the start node along the footways, m. */
  distanceM: number;
}

/** A pose waiting to be yielded, or a node the walk reaches at distance `d`. */
interface Pending {
  d: number;
  seq: number;
  pose?: FootwayPose;
  node?: number;
}

/**
 * Walks the footways out from `node` in order of distance along them (Dijkstra over the graph), with a step every
 * `spacingM` of polyline (the spacing carries over the polyline's corners), and at each step one pose per offset in
 * `lanesM` across the footway (left of the walking direction positive), heading along the edge. Every footway around
 * the node is walked at once, so the first poses lie on all of them, not along the first edge for its whole length
 * (issue #5: a 60-robot fleet's waiting spots lined 36 m of one footway, the one robots also drove through). Ties go
 * in the order they were found, so the walk is deterministic.
 */
export function* footwayPoses(g: PathGraph, node: number, spacingM: number, lanesM: readonly number[]): Generator<FootwayPose> {
  const settled = new Uint8Array(g.nodeCount);
  const heap = new PendingHeap();
  heap.push(0, { node });
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) {
    if (item.pose !== undefined) {
      yield item.pose;
      continue;
    }
    const n = item.node!;
    if (settled[n] === 1) continue;
    settled[n] = 1;
    yield { x: g.nodeX[n]!, y: g.nodeY[n]!, theta: 0, atNode: true, distanceM: item.d };
    for (let a = g.arcOffset[n]!; a < g.arcOffset[n + 1]!; a++) {
      const next = g.arcTarget[a]!;
      const e = g.arcEdge[a]!;
      const forward = g.edgeFrom[e] === n;
      const lo = g.geomOffset[e]!;
      const hi = g.geomOffset[e + 1]! - 1;
      let carried = 0;
      let along = item.d;
      for (let k = 0; k < hi - lo; k++) {
        const i0 = forward ? lo + k : hi - k;
        const i1 = forward ? i0 + 1 : i0 - 1;
        const x0 = g.geomX[i0]!, y0 = g.geomY[i0]!, x1 = g.geomX[i1]!, y1 = g.geomY[i1]!;
        const len = Math.hypot(x1 - x0, y1 - y0);
        if (len === 0) continue;
        const theta = Math.atan2(y1 - y0, x1 - x0);
        for (let s = spacingM - carried; s <= len; s += spacingM) {
          for (const lane of lanesM) {
            const x = x0 + ((x1 - x0) * s) / len - (lane * (y1 - y0)) / len;
            const y = y0 + ((y1 - y0) * s) / len + (lane * (x1 - x0)) / len;
            heap.push(along + s, { pose: { x, y, theta, atNode: false, distanceM: along + s } });
          }
        }
        carried = (carried + len) % spacingM;
        along += len;
      }
      if (settled[next] === 0) heap.push(along, { node: next });
    }
  }
}

/** A binary min-heap on (d, seq): nearest first, and first found first among equals. */
class PendingHeap {
  readonly #items: Pending[] = [];
  #seq = 0;

  push(d: number, item: { pose?: FootwayPose; node?: number }): void {
    const a = this.#items;
    const p: Pending = { d, seq: this.#seq++, ...item };
    let i = a.length;
    a.push(p);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(p, a[parent]!)) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = p;
  }

  pop(): Pending | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const c = l + 1 < a.length && before(a[l + 1]!, a[l]!) ? l + 1 : l;
      if (!before(a[c]!, last)) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

function before(p: Pending, q: Pending): boolean {
  return p.d < q.d || (p.d === q.d && p.seq < q.seq);
}
