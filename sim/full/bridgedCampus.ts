/**
 * The campus as full-fidelity robots meet it physically: obstacle outlines with a gap wherever a footway of the path
 * graph crosses one away from the footway's ends. Map data draws a river's outline straight across its bridges and a
 * building's across its passages; the fleet-fidelity robot glides over them, but a simulated body, its LiDAR and its
 * planner would meet a wall there (107 crossings on ZJU, among them every way over the river). A crossing at an edge's end
 * is cut only where the footway goes on through the node to the other side (drop point 62 and node 474 on ZJU: robots
 * stood blocked before the wall for hours); a dead end on a building's outline is where the footway stops, not a way
 * through. An outline's vertex on the footway counts for both its segments (one of them used to stay whole, leaving a
 * 1.5 m gap the safety zone could not pass).
 */
import { ObstacleIndex, type CampusMap, type PathGraph, type Segment } from '../../maps/index.ts';

export interface BridgedCampus {
  /** The same campus with `obstacles` replaced by the outlines with gaps. */
  campus: CampusMap;
  /** Footway crossings cut open. */
  gaps: number;
}

export interface BridgedCampusOptions {
  /** Half the width cut open, measured across the footway, m (default 1.5, the footway's half-width). */
  halfWidthM?: number;
  /** Crossings this close to an edge's end node are the footway arriving, not crossing, m (default 1). */
  endSlackM?: number;
}

const cache = new WeakMap<CampusMap, BridgedCampus>();

/** Cuts the gaps (once per campus object; later calls return the same result). Pure apart from that cache. */
export function bridgedCampus(campus: CampusMap, options: BridgedCampusOptions = {}): BridgedCampus {
  const hit = cache.get(campus);
  if (hit !== undefined) return hit;
  const halfWidthM = options.halfWidthM ?? 1.5;
  const endSlackM = options.endSlackM ?? 1;
  const obstacles = campus.obstacles;
  const segments = obstacles.segments;
  // Per obstacle segment, the stretches (in metres from its start) to remove.
  const cuts = new Map<number, Array<[number, number]>>();
  const g = campus.graph;
  let gaps = 0;
  for (let e = 0; e < g.edgeCount; e++) {
    const lo = g.geomOffset[e]!, hi = g.geomOffset[e + 1]! - 1;
    const sx = g.geomX[lo]!, sy = g.geomY[lo]!, ex = g.geomX[hi]!, ey = g.geomY[hi]!;
    for (let k = lo; k < hi; k++) {
      const ax = g.geomX[k]!, ay = g.geomY[k]!, bx = g.geomX[k + 1]!, by = g.geomY[k + 1]!;
      const len = Math.hypot(bx - ax, by - ay);
      if (len === 0) continue;
      obstacles.forEachSegmentNear((ax + bx) / 2, (ay + by) / 2, len / 2 + VERTEX_SLACK_M + 0.01, (s, index) => {
        const hitAt = intersect(ax, ay, bx, by, s);
        if (hitAt === undefined) return;
        const px = ax + (bx - ax) * hitAt.t, py = ay + (by - ay) * hitAt.t;
        const atStart = Math.hypot(px - sx, py - sy) < endSlackM, atEnd = Math.hypot(px - ex, py - ey) < endSlackM;
        if ((atStart && !passesThrough(g, e, g.edgeFrom[e]!, s)) || (atEnd && !passesThrough(g, e, g.edgeTo[e]!, s))) return;
        // Across the footway the gap is halfWidthM each side; along an obliquely crossed outline that is longer.
        const sinAngle = Math.max(0.25, Math.abs(hitAt.sin));
        const sLen = Math.hypot(s.bx - s.ax, s.by - s.ay);
        const mid = hitAt.u * sLen;
        const half = halfWidthM / sinAngle;
        const list = cuts.get(index);
        if (list === undefined) cuts.set(index, [[mid - half, mid + half]]);
        else list.push([mid - half, mid + half]);
        gaps++;
      });
    }
  }
  const kept: Segment[] = [];
  segments.forEach((s, i) => {
    const list = cuts.get(i);
    if (list === undefined) {
      kept.push(s);
      return;
    }
    const sLen = Math.hypot(s.bx - s.ax, s.by - s.ay);
    list.sort((a, b) => a[0] - b[0]);
    let from = 0;
    const at = (d: number) => ({ x: s.ax + ((s.bx - s.ax) * d) / sLen, y: s.ay + ((s.by - s.ay) * d) / sLen });
    for (const [c0, c1] of list) {
      if (c0 > from) {
        const a = at(from), b = at(Math.min(c0, sLen));
        kept.push({ ax: a.x, ay: a.y, bx: b.x, by: b.y });
      }
      from = Math.max(from, c1);
    }
    if (from < sLen) {
      const a = at(from);
      kept.push({ ax: a.x, ay: a.y, bx: s.bx, by: s.by });
    }
  });
  const cut = ObstacleIndex.fromSegments(kept.filter((s) => s.ax !== s.bx || s.ay !== s.by), { cellSizeM: obstacles.cellSizeM });
  const out: BridgedCampus = { campus: { ...campus, obstacles: cut }, gaps };
  cache.set(campus, out);
  return out;
}

/** How far from `node` the footway is looked at on either side of an outline there, m. */
const SIDE_PROBE_M = 2;

/**
 * Whether the footway goes on through `node` across outline `s`: some other edge at the node leaves it on the other
 * side of the outline's line than edge `e` (each looked at SIDE_PROBE_M from the node). A dead end never does.
 */
function passesThrough(g: PathGraph, e: number, node: number, s: Segment): boolean {
  const side = (p: { x: number; y: number }) => Math.sign((s.bx - s.ax) * (p.y - s.ay) - (s.by - s.ay) * (p.x - s.ax));
  const mine = side(pointFrom(g, e, node, SIDE_PROBE_M));
  if (mine === 0) return false;
  for (let a = g.arcOffset[node]!; a < g.arcOffset[node + 1]!; a++) {
    const f = g.arcEdge[a]!;
    if (f !== e && side(pointFrom(g, f, node, SIDE_PROBE_M)) === -mine) return true;
  }
  return false;
}

/** The point `distM` along edge `e`'s polyline from its end at `node` (its far end if shorter). */
function pointFrom(g: PathGraph, e: number, node: number, distM: number): { x: number; y: number } {
  const lo = g.geomOffset[e]!, hi = g.geomOffset[e + 1]! - 1;
  const forward = g.edgeFrom[e] === node;
  let left = distM;
  for (let k = 0; k < hi - lo; k++) {
    const i0 = forward ? lo + k : hi - k, i1 = forward ? i0 + 1 : i0 - 1;
    const x0 = g.geomX[i0]!, y0 = g.geomY[i0]!, x1 = g.geomX[i1]!, y1 = g.geomY[i1]!;
    const len = Math.hypot(x1 - x0, y1 - y0);
    if (len >= left && len > 0) return { x: x0 + ((x1 - x0) * left) / len, y: y0 + ((y1 - y0) * left) / len };
    left -= len;
  }
  const end = forward ? hi : lo;
  return { x: g.geomX[end]!, y: g.geomY[end]! };
}

/** Slack past an outline segment's ends, m: a footway through (or a hair beside) the vertex two share crosses both. */
const VERTEX_SLACK_M = 0.05;

/** Where segment a→b crosses segment s: t along a→b, u along s (both in [0, 1]), and the sine of the angle. */
function intersect(ax: number, ay: number, bx: number, by: number, s: Segment): { t: number; u: number; sin: number } | undefined {
  const rx = bx - ax, ry = by - ay, qx = s.bx - s.ax, qy = s.by - s.ay;
  const den = rx * qy - ry * qx;
  if (den === 0) return undefined;
  const wx = s.ax - ax, wy = s.ay - ay;
  const t = (wx * qy - wy * qx) / den;
  const u = (wx * ry - wy * rx) / den;
  const slack = VERTEX_SLACK_M / Math.hypot(qx, qy);
  if (t < 0 || t > 1 || u < -slack || u > 1 + slack) return undefined;
  return { t, u: Math.min(1, Math.max(0, u)), sin: den / (Math.hypot(rx, ry) * Math.hypot(qx, qy)) };
}
