/**
 * Candidate poses along the footways around a graph node, nearest first: what the parking and waiting-spot pickers
 * choose from. Pure: graph in, poses out, lazily, so a picker stops walking the campus once it has enough.
 */
import type { PathGraph, Pose2 } from '../../maps/index.ts';

export interface FootwayPose extends Pose2 {
  /** True for the graph node itself (heading 0), yielded before the poses along its edges. */
  atNode: boolean;
}

/**
 * Walks the graph breadth-first from `node`; each edge is followed away from the node it was reached from, with a
 * step every `spacingM` of polyline (the spacing carries over the polyline's corners), and at each step one pose
 * per offset in `lanesM` across the footway (left of the edge's direction positive), heading along the edge.
 */
export function* footwayPoses(g: PathGraph, node: number, spacingM: number, lanesM: readonly number[]): Generator<FootwayPose> {
  const seen = new Uint8Array(g.nodeCount);
  const queue = [node];
  seen[node] = 1;
  for (let qi = 0; qi < queue.length; qi++) {
    const n = queue[qi]!;
    yield { x: g.nodeX[n]!, y: g.nodeY[n]!, theta: 0, atNode: true };
    for (let a = g.arcOffset[n]!; a < g.arcOffset[n + 1]!; a++) {
      const e = g.arcEdge[a]!;
      const forward = g.edgeFrom[e] === n;
      const lo = g.geomOffset[e]!;
      const hi = g.geomOffset[e + 1]! - 1;
      let carried = 0;
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
            yield { x, y, theta, atNode: false };
          }
        }
        carried = (carried + len) % spacingM;
      }
      const next = g.arcTarget[a]!;
      if (seen[next] === 0) {
        seen[next] = 1;
        queue.push(next);
      }
    }
  }
}
