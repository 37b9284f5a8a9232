/** Route and place picking for closed-loop runs on a real campus: start and goal on the path graph, clear of walls. */
import type { CampusMap, Place, Vec2 } from '../../maps/index.ts';

export interface CampusRoute {
  from: Place;
  to: Place;
  /** Graph-node positions of the two places (on the network, clear of buildings). */
  a: Vec2;
  b: Vec2;
  points: Vec2[];
  lengthM: number;
  /** Heading of the route's first leg, rad. */
  startTheta: number;
}

const nodePos = (campus: CampusMap, p: Place): Vec2 => ({ x: campus.graph.nodeX[p.node]!, y: campus.graph.nodeY[p.node]! });

/**
 * First pair of drop places (in map order) whose route is within [minM, maxM], whose nodes are clear of walls, and
 * whose centre line keeps `corridorM` from every mapped obstacle. (Some mapped footways cross wall or fence lines
 * where the real campus has a gate; a robot that trusts the map's walls cannot pass those, so tests avoid them.)
 */
export function findRoute(campus: CampusMap, minM: number, maxM: number, clearanceM = 2, corridorM = 0.8): CampusRoute {
  const drops = campus.places.filter((p) => {
    if (p.kind !== 'drop') return false;
    const q = nodePos(campus, p);
    return campus.obstacles.nearestDistance(q.x, q.y, clearanceM + 1) >= clearanceM;
  });
  for (const from of drops) {
    for (const to of drops) {
      if (from === to) continue;
      const a = nodePos(campus, from), b = nodePos(campus, to);
      const r = campus.routePoints(a, b);
      if (!r.ok || r.value.lengthM < minM || r.value.lengthM > maxM) continue;
      const pts = r.value.points;
      if (!corridorClear(campus, pts, r.value.lengthM, corridorM)) continue;
      const k = pts.findIndex((p) => Math.hypot(p.x - a.x, p.y - a.y) > 0.5);
      const q = pts[Math.max(k, 1)]!;
      return { from, to, a, b, points: pts, lengthM: r.value.lengthM, startTheta: Math.atan2(q.y - a.y, q.x - a.x) };
    }
  }
  throw new RangeError(`findRoute: no drop-to-drop route of ${minM}–${maxM} m on ${campus.name}`);
}

/** The point `sM` metres along `points`, and the unit direction of travel there. */
export function pointAlong(points: readonly Vec2[], sM: number): { x: number; y: number; dx: number; dy: number } {
  let left = sM;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!, b = points[i]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (len === 0) continue;
    if (left <= len) return { x: a.x + ((b.x - a.x) * left) / len, y: a.y + ((b.y - a.y) * left) / len, dx: (b.x - a.x) / len, dy: (b.y - a.y) / len };
    left -= len;
  }
  const a = points[points.length - 2]!, b = points[points.length - 1]!;
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  return { x: b.x, y: b.y, dx: (b.x - a.x) / len, dy: (b.y - a.y) / len };
}

/** True when no mapped obstacle comes within `corridorM` of the polyline (sampled every 0.5 m). */
export function corridorClear(campus: CampusMap, points: readonly Vec2[], lengthM: number, corridorM: number): boolean {
  for (let s = 0; s <= lengthM; s += 0.5) {
    const p = pointAlong(points, s);
    if (campus.obstacles.nearestDistance(p.x, p.y, corridorM) < corridorM) return false;
  }
  return true;
}
