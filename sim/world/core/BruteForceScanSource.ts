/**
 * A ScanSource by brute force over a handful of wall segments and polygons: every query looks at every segment.
 * Correct and tiny, for tests and toy worlds; campus-sized maps use maps/core/ObstacleIndex, which answers the same
 * questions through a spatial grid.
 */
import type { Circle, Pose2, Segment, Vec2 } from '../../../maps/core/types.ts';
import { rayCircle, type ScanSource } from './ScanSource.ts';

export class BruteForceScanSource implements ScanSource {
  readonly segments: readonly Segment[];
  readonly #polygons: ReadonlyArray<ReadonlyArray<Vec2>>;

  /** `segments` are walls; `polygons` are solid shapes (their edges are walls too, their inside is "in building"). */
  constructor(segments: readonly Segment[], polygons: ReadonlyArray<ReadonlyArray<Vec2>> = []) {
    const edges: Segment[] = [...segments];
    for (const ring of polygons) {
      for (let i = 0; i < ring.length; i++) {
        const a = ring[i]!;
        const b = ring[(i + 1) % ring.length]!;
        edges.push({ ax: a.x, ay: a.y, bx: b.x, by: b.y });
      }
    }
    this.segments = edges;
    this.#polygons = polygons;
  }

  /** The four walls of an axis-aligned rectangular room. */
  static room(minX: number, minY: number, maxX: number, maxY: number): BruteForceScanSource {
    return new BruteForceScanSource([
      { ax: minX, ay: minY, bx: maxX, by: minY },
      { ax: maxX, ay: minY, bx: maxX, by: maxY },
      { ax: maxX, ay: maxY, bx: minX, by: maxY },
      { ax: minX, ay: maxY, bx: minX, by: minY },
    ]);
  }

  castScan(
    pose: Pose2,
    angleMinRad: number,
    angleIncrementRad: number,
    count: number,
    maxRangeM: number,
    out: Float32Array,
    circles: ReadonlyArray<Circle> = [],
  ): Float32Array {
    for (let i = 0; i < count; i++) {
      const a = pose.theta + angleMinRad + i * angleIncrementRad;
      const dx = Math.cos(a);
      const dy = Math.sin(a);
      let best = Infinity;
      for (const s of this.segments) best = Math.min(best, raySegment(pose.x, pose.y, dx, dy, s));
      for (const c of circles) best = Math.min(best, rayCircle(pose.x, pose.y, dx, dy, c));
      out[i] = best <= maxRangeM ? best : Infinity;
    }
    return out;
  }

  isClear(x: number, y: number, maxRangeM: number): boolean {
    for (const s of this.segments) if (pointSegmentDistance(x, y, s) <= maxRangeM) return false;
    return true;
  }

  containsPoint(x: number, y: number): boolean {
    for (const ring of this.#polygons) if (insideRing(x, y, ring)) return true;
    return false;
  }
}

/** Distance along a unit ray to segment s, Infinity if it misses (parallel rays miss). */
function raySegment(px: number, py: number, dx: number, dy: number, s: Segment): number {
  const ex = s.bx - s.ax;
  const ey = s.by - s.ay;
  const denom = dx * ey - dy * ex;
  if (Math.abs(denom) < 1e-12) return Infinity;
  const wx = s.ax - px;
  const wy = s.ay - py;
  const t = (wx * ey - wy * ex) / denom;
  const u = (wx * dy - wy * dx) / denom;
  return t >= 0 && u >= 0 && u <= 1 ? t : Infinity;
}

function pointSegmentDistance(x: number, y: number, s: Segment): number {
  const ex = s.bx - s.ax;
  const ey = s.by - s.ay;
  const len2 = ex * ex + ey * ey;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - s.ax) * ex + (y - s.ay) * ey) / len2));
  return Math.hypot(x - (s.ax + t * ex), y - (s.ay + t * ey));
}

function insideRing(x: number, y: number, ring: ReadonlyArray<Vec2>): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}
