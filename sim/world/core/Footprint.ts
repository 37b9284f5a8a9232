/**
 * Robot footprints and the overlap tests the world uses to count collisions: a rectangle (length along the heading,
 * width across, centred on the pose) or a circle.
 */
import type { Circle, Pose2 } from '../../../maps/core/types.ts';
import type { ScanSource } from './ScanSource.ts';

export type Footprint = { kind: 'rectangle'; lengthM: number; widthM: number } | { kind: 'circle'; radiusM: number };

/** The delivery robot's body: 0.7 m long, 0.5 m wide. */
export const DEFAULT_FOOTPRINT: Footprint = { kind: 'rectangle', lengthM: 0.7, widthM: 0.5 };

/** Radius of the smallest circle around the pose containing the footprint. */
export function circumscribedRadius(fp: Footprint): number {
  return fp.kind === 'circle' ? fp.radiusM : Math.hypot(fp.lengthM / 2, fp.widthM / 2);
}

/** Distance from the footprint's boundary to the circle's edge; ≤ 0 means they overlap. */
export function footprintCircleGap(pose: Pose2, fp: Footprint, c: Circle): number {
  const dx = c.x - pose.x;
  const dy = c.y - pose.y;
  if (fp.kind === 'circle') return Math.hypot(dx, dy) - fp.radiusM - c.radiusM;
  // Circle centre in the robot frame, then distance to the rectangle (0 inside).
  const cos = Math.cos(pose.theta);
  const sin = Math.sin(pose.theta);
  const lx = dx * cos + dy * sin;
  const ly = -dx * sin + dy * cos;
  const ex = Math.max(Math.abs(lx) - fp.lengthM / 2, 0);
  const ey = Math.max(Math.abs(ly) - fp.widthM / 2, 0);
  return Math.hypot(ex, ey) - c.radiusM;
}

/**
 * Whether two footprints overlap: separating-axis test for rectangles, exact for circles. Returns the gap between
 * them when they do not (for rectangles a lower bound good enough for near-miss counting: the largest separation
 * along any of the four axes), ≤ 0 when they do.
 */
export function footprintGap(a: Pose2, fa: Footprint, b: Pose2, fb: Footprint): number {
  if (fa.kind === 'circle') return footprintCircleGap(b, fb, { x: a.x, y: a.y, radiusM: fa.radiusM });
  if (fb.kind === 'circle') return footprintCircleGap(a, fa, { x: b.x, y: b.y, radiusM: fb.radiusM });
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const axes = [a.theta, a.theta + Math.PI / 2, b.theta, b.theta + Math.PI / 2];
  let gap = -Infinity;
  for (const ang of axes) {
    const ux = Math.cos(ang);
    const uy = Math.sin(ang);
    const dist = Math.abs(dx * ux + dy * uy);
    const ra = halfExtent(a.theta, fa, ux, uy);
    const rb = halfExtent(b.theta, fb, ux, uy);
    gap = Math.max(gap, dist - ra - rb);
  }
  return gap;
}

function halfExtent(theta: number, fp: { lengthM: number; widthM: number }, ux: number, uy: number): number {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  return (fp.lengthM / 2) * Math.abs(c * ux + s * uy) + (fp.widthM / 2) * Math.abs(-s * ux + c * uy);
}

/**
 * What footprintHitsObstacles tests a footprint with: a rectangle is covered by `count` circles of `radiusM` spaced
 * `stepM` along its axis; `circumscribedM` is the fast path's radius. Depends on the footprint only, so a body
 * computes it once (two Math.hypot calls per test add up at 20 Hz per robot over a day).
 */
export interface FootprintCover {
  count: number;
  stepM: number;
  radiusM: number;
  circumscribedM: number;
}

export function footprintCover(fp: Footprint): FootprintCover {
  if (fp.kind === 'circle') return { count: 1, stepM: 0, radiusM: fp.radiusM, circumscribedM: fp.radiusM };
  const count = Math.max(1, Math.ceil(fp.lengthM / fp.widthM));
  const stepM = fp.lengthM / count;
  return { count, stepM, radiusM: Math.hypot(stepM / 2, fp.widthM / 2), circumscribedM: circumscribedRadius(fp) };
}

/**
 * Whether the footprint touches static obstacles. The rectangle is covered by a row of circles along its axis
 * (ScanSource answers "anything within r of a point"), which over-approximates the corners by a few centimetres;
 * a centre inside a building counts too. `cover` must be `footprintCover(fp)` (pass it to skip recomputing it).
 */
export function footprintHitsObstacles(pose: Pose2, fp: Footprint, source: ScanSource, marginM = 0, cover = footprintCover(fp)): boolean {
  if (source.containsPoint(pose.x, pose.y)) return true;
  if (fp.kind === 'circle') return !source.isClear(pose.x, pose.y, fp.radiusM + marginM);
  const n = cover.count;
  const step = cover.stepM;
  const r = cover.radiusM + marginM;
  // Fast path: nothing within the circumscribed circle means nothing within any covering circle.
  if (source.isClear(pose.x, pose.y, cover.circumscribedM + marginM)) return false;
  const cos = Math.cos(pose.theta);
  const sin = Math.sin(pose.theta);
  for (let i = 0; i < n; i++) {
    const along = -fp.lengthM / 2 + step * (i + 0.5);
    if (!source.isClear(pose.x + along * cos, pose.y + along * sin, r)) return true;
  }
  return false;
}
