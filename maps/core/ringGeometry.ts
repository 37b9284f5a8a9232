import type { Vec2 } from './types.ts';

/** Area-weighted centroid of a closed metric ring (falls back to the vertex mean for a degenerate ring). */
export function ringCentroid(ring: readonly Vec2[]): Vec2 {
  let a2 = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const p = ring[j]!;
    const q = ring[i]!;
    const cross = p.x * q.y - q.x * p.y;
    a2 += cross;
    cx += (p.x + q.x) * cross;
    cy += (p.y + q.y) * cross;
  }
  if (Math.abs(a2) < 1e-9) {
    let sx = 0;
    let sy = 0;
    for (const p of ring) { sx += p.x; sy += p.y; }
    return { x: sx / ring.length, y: sy / ring.length };
  }
  return { x: cx / (3 * a2), y: cy / (3 * a2) };
}

/** Absolute area of a closed metric ring, m². */
export function ringAreaM2(ring: readonly Vec2[]): number {
  let a2 = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a2 += ring[j]!.x * ring[i]!.y - ring[i]!.x * ring[j]!.y;
  return Math.abs(a2) / 2;
}

/** Even-odd point-in-ring test. */
export function pointInRing(p: Vec2, ring: readonly Vec2[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

/** Distance from p to the nearest edge of a ring, metres. */
export function distanceToRingM(p: Vec2, ring: readonly Vec2[]): number {
  let best = Infinity;
  for (let i = 1; i < ring.length; i++) {
    const a = ring[i - 1]!;
    const b = ring[i]!;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const l2 = dx * dx + dy * dy;
    const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2));
    best = Math.min(best, Math.hypot(a.x + t * dx - p.x, a.y + t * dy - p.y));
  }
  return best;
}

/** True if segments ab and cd intersect (touching counts). */
export function segmentsIntersect(a: Vec2, b: Vec2, c: Vec2, d: Vec2): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && onSegment(a, c, b)) || (o2 === 0 && onSegment(a, d, b)) ||
    (o3 === 0 && onSegment(c, a, d)) || (o4 === 0 && onSegment(c, b, d));
}

/** True if the polyline enters, crosses or lies inside the closed ring. */
export function polylineTouchesRing(line: readonly Vec2[], ring: readonly Vec2[]): boolean {
  if (line.some((p) => pointInRing(p, ring))) return true;
  for (let i = 1; i < line.length; i++) {
    for (let j = 0, k = ring.length - 1; j < ring.length; k = j++) {
      if (segmentsIntersect(line[i - 1]!, line[i]!, ring[k]!, ring[j]!)) return true;
    }
  }
  return false;
}

function orient(a: Vec2, b: Vec2, c: Vec2): number {
  const v = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(a: Vec2, p: Vec2, b: Vec2): boolean {
  return Math.min(a.x, b.x) <= p.x && p.x <= Math.max(a.x, b.x) && Math.min(a.y, b.y) <= p.y && p.y <= Math.max(a.y, b.y);
}
