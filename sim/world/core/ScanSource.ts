/**
 * What the world needs from the map's static obstacles: the slice of `maps/core/ObstacleIndex` used for LiDAR ray
 * casting, GNSS "urban canyon" degradation and footprint collisions. Declared here so sim/world depends on a small
 * interface rather than on the map index's class; ObstacleIndex satisfies it structurally, and tests implement it
 * from brute-force geometry.
 */
import type { Circle, Pose2 } from '../../../maps/core/types.ts';

export interface ScanSource {
  /**
   * Beam i at `pose.theta + angleMinRad + i * angleIncrementRad`; writes `count` ranges into `out`: the nearer of the
   * first static obstacle and the first circle, or Infinity when nothing lies within maxRangeM. Returns `out`.
   */
  castScan(
    pose: Pose2,
    angleMinRad: number,
    angleIncrementRad: number,
    count: number,
    maxRangeM: number,
    out: Float32Array,
    circles?: ReadonlyArray<Circle>,
  ): Float32Array;
  /** True if no static obstacle lies within maxRangeM of (x, y). */
  isClear(x: number, y: number, maxRangeM: number): boolean;
  /** True if (x, y) is inside an obstacle polygon (a building). */
  containsPoint(x: number, y: number): boolean;
}

/** A world with no static obstacles (open field), for kinematics-only runs. */
export const OPEN_FIELD: ScanSource = {
  castScan(pose, angleMinRad, angleIncrementRad, count, maxRangeM, out, circles) {
    for (let i = 0; i < count; i++) {
      const a = pose.theta + angleMinRad + i * angleIncrementRad;
      const dx = Math.cos(a);
      const dy = Math.sin(a);
      let best = Infinity;
      for (const c of circles ?? []) {
        const t = rayCircle(pose.x, pose.y, dx, dy, c);
        if (t < best && t <= maxRangeM) best = t;
      }
      out[i] = best;
    }
    return out;
  },
  isClear: () => true,
  containsPoint: () => false,
};

/** Distance along a unit ray from (px, py) to circle `c`, 0 if the origin is inside, Infinity if it misses. */
export function rayCircle(px: number, py: number, dx: number, dy: number, c: Circle): number {
  const ox = px - c.x;
  const oy = py - c.y;
  const cc = ox * ox + oy * oy - c.radiusM * c.radiusM;
  if (cc <= 0) return 0;
  const b = ox * dx + oy * dy;
  if (b >= 0) return Infinity;
  const disc = b * b - cc;
  if (disc < 0) return Infinity;
  return -b - Math.sqrt(disc);
}
