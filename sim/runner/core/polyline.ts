import type { Vec2 } from '../../../maps/core/types.ts';

/** A polyline with cumulative lengths, for interpolating a position along it. */
export interface MeasuredPolyline {
  points: readonly Vec2[];
  /** cum[i]: metres from points[0] to points[i]. */
  cum: Float64Array;
  lengthM: number;
}

export function measurePolyline(points: readonly Vec2[]): MeasuredPolyline {
  const cum = new Float64Array(points.length);
  for (let i = 1; i < points.length; i++) {
    cum[i] = cum[i - 1]! + Math.hypot(points[i]!.x - points[i - 1]!.x, points[i]!.y - points[i - 1]!.y);
  }
  return { points, cum, lengthM: points.length > 0 ? cum[points.length - 1]! : 0 };
}

/** The point `alongM` metres along the polyline (clamped to its ends) and the heading there. */
export function pointAlong(line: MeasuredPolyline, alongM: number): { x: number; y: number; theta: number } {
  const { points, cum } = line;
  if (points.length === 0) return { x: 0, y: 0, theta: 0 };
  if (points.length === 1 || alongM <= 0) {
    const a = points[0]!;
    const b = points[1] ?? a;
    return { x: a.x, y: a.y, theta: Math.atan2(b.y - a.y, b.x - a.x) };
  }
  let lo = 1;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! >= alongM) hi = mid;
    else lo = mid + 1;
  }
  const a = points[lo - 1]!;
  const b = points[lo]!;
  const seg = cum[lo]! - cum[lo - 1]!;
  const f = seg > 0 ? Math.min(1, (alongM - cum[lo - 1]!) / seg) : 1;
  return { x: a.x + f * (b.x - a.x), y: a.y + f * (b.y - a.y), theta: Math.atan2(b.y - a.y, b.x - a.x) };
}
