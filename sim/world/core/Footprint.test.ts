import { describe, expect, it } from 'vitest';
import { Random } from '../../../common/core/Random.ts';
import { ObstacleIndex } from '../../../maps/core/ObstacleIndex.ts';
import type { Pose2, Vec2 } from '../../../maps/core/types.ts';
import { DEFAULT_FOOTPRINT, circumscribedRadius, footprintCover, footprintHitsObstacles, type Footprint } from './Footprint.ts';
import type { ScanSource } from './ScanSource.ts';

/** The test as it was before the cover was precomputed: every value derived from the footprint on every call. */
function hitsReference(pose: Pose2, fp: Footprint, source: ScanSource, marginM = 0): boolean {
  if (source.containsPoint(pose.x, pose.y)) return true;
  if (fp.kind === 'circle') return !source.isClear(pose.x, pose.y, fp.radiusM + marginM);
  const n = Math.max(1, Math.ceil(fp.lengthM / fp.widthM));
  const step = fp.lengthM / n;
  const r = Math.hypot(step / 2, fp.widthM / 2) + marginM;
  if (source.isClear(pose.x, pose.y, circumscribedRadius(fp) + marginM)) return false;
  for (let i = 0; i < n; i++) {
    const along = -fp.lengthM / 2 + step * (i + 0.5);
    if (!source.isClear(pose.x + along * Math.cos(pose.theta), pose.y + along * Math.sin(pose.theta), r)) return true;
  }
  return false;
}

describe('footprintHitsObstacles with a precomputed cover', () => {
  it('answers as the per-call computation does on random poses around random buildings, for every footprint shape', () => {
    const random = new Random(5);
    const rings: Vec2[][] = Array.from({ length: 15 }, () => {
      const cx = random.uniform(0, 60), cy = random.uniform(0, 60), w = random.uniform(2, 10), h = random.uniform(2, 10);
      return [{ x: cx, y: cy }, { x: cx + w, y: cy }, { x: cx + w, y: cy + h }, { x: cx, y: cy + h }];
    });
    const source = ObstacleIndex.fromPolygons(rings);
    const footprints: Footprint[] = [
      DEFAULT_FOOTPRINT,
      { kind: 'rectangle', lengthM: 1.3, widthM: 0.4 },
      { kind: 'rectangle', lengthM: 0.3, widthM: 0.9 },
      { kind: 'circle', radiusM: 0.35 },
    ];
    let hits = 0, misses = 0;
    for (const fp of footprints) {
      const cover = footprintCover(fp);
      expect(cover.circumscribedM).toBe(circumscribedRadius(fp));
      for (let k = 0; k < 4000; k++) {
        const pose = { x: random.uniform(-5, 75), y: random.uniform(-5, 75), theta: random.uniform(-Math.PI, Math.PI) };
        const marginM = random.chance(0.5) ? 0 : random.uniform(0, 0.3);
        const expected = hitsReference(pose, fp, source, marginM);
        expect(footprintHitsObstacles(pose, fp, source, marginM, cover)).toBe(expected);
        expect(footprintHitsObstacles(pose, fp, source, marginM)).toBe(expected);
        if (expected) hits++;
        else misses++;
      }
    }
    // Both answers must be exercised, or the comparison proves little.
    expect(hits).toBeGreaterThan(1000);
    expect(misses).toBeGreaterThan(1000);
  });
});
