/**
 * The geometric primitives behind ObstacleIndex and its brute-force baseline: one ray against one segment, one ray
 * against one circle, one point against one segment. Flat scalar arguments (no objects) so the hot loops that call
 * them allocate nothing and V8 can inline them.
 *
 * Tolerances are in metres (or fractions of a segment) far below any sensor's resolution; they exist so that a ray
 * through a polygon corner, a ray along a wall, and a ray that starts on a wall give stable answers despite rounding
 * in cos/sin (cos(π/2) is 6e-17, not 0).
 */

/** |sin| of the angle between ray and segment below which they are treated as parallel. */
const PARALLEL_SIN_SQ = 1e-24;
/** A parallel segment whose line passes within this distance of the ray is collinear with it, metres. */
const ON_LINE_M = 1e-9;
/** Slack on the segment parameter so a ray through a shared corner hits one of the two edges. */
const U_EPS = 1e-9;
/** A hit this far behind the origin still counts (at distance 0): the ray starts on the segment, metres. */
const BEHIND_M = 1e-9;

/**
 * Distance along the ray from (px,py) in unit direction (dx,dy) to the segment from (ax,ay) to (ax+ex, ay+ey), or
 * Infinity if the ray misses it. A ray that starts on the segment gets 0 whatever its direction (the origin is
 * inside the obstacle); a ray running along a collinear segment hits the segment's nearer end (0 if it starts on it);
 * a zero-length segment is a point, hit only by a ray through it.
 */
export function raySegmentDistance(
  px: number, py: number, dx: number, dy: number,
  ax: number, ay: number, ex: number, ey: number,
): number {
  const apx = ax - px;
  const apy = ay - py;
  const denom = dx * ey - dy * ex;
  if (denom * denom <= PARALLEL_SIN_SQ * (ex * ex + ey * ey)) {
    const offLineM = apx * dy - apy * dx;
    if (offLineM > ON_LINE_M || offLineM < -ON_LINE_M) return Infinity;
    const tA = apx * dx + apy * dy;
    const tB = tA + ex * dx + ey * dy;
    const near = tA < tB ? tA : tB;
    const far = tA < tB ? tB : tA;
    if (far < -BEHIND_M) return Infinity;
    return near > 0 ? near : 0;
  }
  const t = (apx * ey - apy * ex) / denom;
  if (t < -BEHIND_M) return Infinity;
  const u = (apx * dy - apy * dx) / denom;
  if (u < -U_EPS || u > 1 + U_EPS) return Infinity;
  return t > 0 ? t : 0;
}

/**
 * Distance along the ray from (px,py) in unit direction (dx,dy) to the circle centred at (cx,cy), or Infinity if it
 * misses. An origin inside the circle gives 0 (so callers leave the sensing robot's own body out).
 */
export function rayCircleDistance(
  px: number, py: number, dx: number, dy: number,
  cx: number, cy: number, radiusM: number,
): number {
  const mx = px - cx;
  const my = py - cy;
  const c = mx * mx + my * my - radiusM * radiusM;
  if (c <= 0) return 0;
  const b = mx * dx + my * dy;
  if (b >= 0) return Infinity;
  const disc = b * b - c;
  if (disc < 0) return Infinity;
  return -b - Math.sqrt(disc);
}

/** Squared distance from (px,py) to the segment from (ax,ay) to (ax+ex, ay+ey); a zero-length segment is a point. */
export function pointSegmentDistanceSq(
  px: number, py: number,
  ax: number, ay: number, ex: number, ey: number,
): number {
  const lenSq = ex * ex + ey * ey;
  let u = lenSq > 0 ? ((px - ax) * ex + (py - ay) * ey) / lenSq : 0;
  if (u < 0) u = 0;
  else if (u > 1) u = 1;
  const qx = ax + u * ex - px;
  const qy = ay + u * ey - py;
  return qx * qx + qy * qy;
}
