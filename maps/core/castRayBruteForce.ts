import type { Segment } from './types.ts';
import { raySegmentDistance } from './castRaySegment.ts';

/**
 * Packs segments as ObstacleIndex stores them: four numbers per segment, `ax, ay, ex, ey` with (ex,ey) = B − A.
 */
export function packSegments(segments: ReadonlyArray<Segment>): Float64Array {
  const packed = new Float64Array(segments.length * 4);
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    packed[4 * i] = s.ax;
    packed[4 * i + 1] = s.ay;
    packed[4 * i + 2] = s.bx - s.ax;
    packed[4 * i + 3] = s.by - s.ay;
  }
  return packed;
}

/**
 * The baseline ObstacleIndex is measured and checked against: tests the ray against every segment. Same primitive
 * and same direction vector as `ObstacleIndex.castRay`, so on the same input both return bit-identical distances.
 * Returns Infinity when nothing lies within maxRangeM.
 */
export function castRayBruteForce(
  packed: Float64Array, x: number, y: number, angleRad: number, maxRangeM: number,
): number {
  const dx = Math.cos(angleRad);
  const dy = Math.sin(angleRad);
  let best = Infinity;
  for (let k = 0; k < packed.length; k += 4) {
    const t = raySegmentDistance(x, y, dx, dy, packed[k]!, packed[k + 1]!, packed[k + 2]!, packed[k + 3]!);
    if (t < best) best = t;
  }
  return best <= maxRangeM ? best : Infinity;
}
