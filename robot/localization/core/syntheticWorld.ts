/**
 * Tiny synthetic worlds for tests and benchmarks of the onboard algorithms: rectangles as outline segments and a
 * brute-force ray caster. The simulator uses the spatial index in maps/core; this one is deliberately naive so the
 * tests check the algorithms against independent geometry.
 */
import type { Circle, Pose2, Segment } from '../../../maps/core/types.ts';

/** The four sides of an axis-aligned rectangle from (x0, y0) to (x1, y1). */
export function rectangleSegments(x0: number, y0: number, x1: number, y1: number): Segment[] {
  return [
    { ax: x0, ay: y0, bx: x1, by: y0 },
    { ax: x1, ay: y0, bx: x1, by: y1 },
    { ax: x1, ay: y1, bx: x0, by: y1 },
    { ax: x0, ay: y1, bx: x0, by: y0 },
  ];
}

/**
 * Casts `out.length` beams from the sensor at `pose` (angles from `angleMinRad` by `angleIncrementRad`, sensor
 * frame = robot frame) against every segment and circle; a beam that hits nothing within `rangeMaxM` gets
 * Infinity. Writes into `out`.
 */
export function castScanBruteForce(
  segments: ReadonlyArray<Segment>,
  circles: ReadonlyArray<Circle>,
  pose: Pose2,
  angleMinRad: number,
  angleIncrementRad: number,
  rangeMaxM: number,
  out: Float32Array | Float64Array,
): void {
  for (let i = 0; i < out.length; i++) {
    const a = pose.theta + angleMinRad + i * angleIncrementRad;
    const dx = Math.cos(a), dy = Math.sin(a);
    let best = rangeMaxM;
    for (const s of segments) {
      // Ray (o + t·d) against segment (a + u·e): solve with 2D cross products.
      const ex = s.bx - s.ax, ey = s.by - s.ay;
      const den = dx * ey - dy * ex;
      if (Math.abs(den) < 1e-12) continue;
      const wx = s.ax - pose.x, wy = s.ay - pose.y;
      const t = (wx * ey - wy * ex) / den;
      const u = (wx * dy - wy * dx) / den;
      if (t > 0 && t < best && u >= 0 && u <= 1) best = t;
    }
    for (const c of circles) {
      const fx = pose.x - c.x, fy = pose.y - c.y;
      const b = fx * dx + fy * dy;
      const disc = b * b - (fx * fx + fy * fy - c.radiusM * c.radiusM);
      if (disc < 0) continue;
      const t = -b - Math.sqrt(disc);
      if (t > 0 && t < best) best = t;
    }
    out[i] = best < rangeMaxM ? best : Number.POSITIVE_INFINITY;
  }
}
