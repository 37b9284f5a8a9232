/**
 * Waiting spots at the hub: one per robot, beside the footways rather than on them, so a robot that has ended its trip
 * (or booted) waits where robots coming back and leaving pass it by. Pure: campus in, poses out.
 *
 * The spots lie outside the band a passing robot's local avoidance uses (the controller's `path_half_width_m` 1.5 m
 * plus the robot's half width and passing clearance): at 1.6 m off the centre line, a row of waiting robots took the
 * room two robots need to pass each other, and in the 60-robot day robots meeting head-on between two rows stood
 * until the watchdog (issue #5).
 */
import type { CampusMap, Pose2, Vec2 } from '../../maps/index.ts';
import { footwayPoses } from './footwayPoses.ts';

export interface HubSpotOptions {
  /** Distance between neighbouring spots along a footway, m (default 1.5: room to turn in between two waiting robots). */
  spacingM?: number;
  /** Offsets from the footway's centre line, left positive, m, tried in order at each step (default ±2.2: one row each side). */
  lanesM?: readonly number[];
  /** A spot's centre stays at least this far from every graph edge, m (default 2.1: clear of every footway's passing band). */
  offFootwayM?: number;
  /** ... and this far from buildings, walls and water, m (default 0.8). */
  clearanceM?: number;
  /** Two spots' centres at least this far apart, m (default 1.4). */
  apartM?: number;
  /** A spot's centre at most this far from the node in a straight line, m (default unlimited: a charger's reach). */
  withinM?: number;
  /** Spots already given out (another picker's), kept apartM away like the picker's own. */
  taken?: readonly Vec2[];
}

/**
 * `count` distinct spots around graph node `hubNode`, nearest first along the footways (all footways around the hub
 * at once), every spacingM along each and each lane across it. A spot is kept when it lies off every
 * footway, clear of obstacles, apart from the spots already taken, and the straight leg from the footway to it
 * (the robot's planner drives that leg) is clear too. May return fewer than `count` on a cramped map.
 */
export function hubSpots(campus: CampusMap, hubNode: number, count: number, o: HubSpotOptions = {}): Pose2[] {
  const spacingM = o.spacingM ?? 1.5;
  const lanes = o.lanesM ?? [2.2, -2.2];
  const offM = o.offFootwayM ?? 2.1;
  const clearanceM = o.clearanceM ?? 0.8;
  const apartM = o.apartM ?? 1.4;
  const withinM = o.withinM ?? Infinity;
  const taken = o.taken ?? [];
  const nx = campus.graph.nodeX[hubNode]!, ny = campus.graph.nodeY[hubNode]!;
  const out: Pose2[] = [];
  const clear = (x: number, y: number, m: number) => campus.obstacles.nearestDistance(x, y, m + 1) >= m;
  const legClear = (x: number, y: number) => {
    const snap = campus.edgeIndex.nearest(x, y);
    if (snap === undefined) return false;
    const steps = Math.ceil(snap.distanceM / 0.25);
    for (let k = 0; k <= steps; k++) {
      const f = k / steps;
      // The leg is driven with the robot's half width either side.
      if (!clear(snap.x + (x - snap.x) * f, snap.y + (y - snap.y) * f, 0.5)) return false;
    }
    return true;
  };
  const apart = (x: number, y: number) => (p: Vec2) => Math.hypot(p.x - x, p.y - y) >= apartM;
  const fits = (x: number, y: number) =>
    Math.hypot(x - nx, y - ny) <= withinM && out.every(apart(x, y)) && taken.every(apart(x, y)) && clear(x, y, clearanceM)
    && campus.edgeIndex.nearest(x, y, offM) === undefined && legClear(x, y);
  for (const c of footwayPoses(campus.graph, hubNode, spacingM, lanes)) {
    if (out.length >= count) break;
    if (!c.atNode && fits(c.x, c.y)) out.push({ x: c.x, y: c.y, theta: c.theta });
  }
  return out;
}
