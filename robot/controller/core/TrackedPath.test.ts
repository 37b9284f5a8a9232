import { describe, expect, it } from 'vitest';
import { createPathProjection, createTrackedPath, pointAtArcLength, projectOntoPath } from './TrackedPath.ts';

describe('TrackedPath', () => {
  it('measures arc length and drops duplicate vertices', () => {
    const p = createTrackedPath([{ x: 0, y: 0 }, { x: 3, y: 4 }, { x: 3, y: 4 }, { x: 3, y: 10 }]);
    expect(p.count).toBe(3);
    expect(p.lengthM).toBeCloseTo(11, 12);
    expect(() => createTrackedPath([])).toThrow(RangeError);
    expect(() => createTrackedPath([{ x: 0, y: NaN }])).toThrow(/not finite/);
  });

  it('projects with a signed lateral distance (left positive) and never moves progress backwards', () => {
    const p = createTrackedPath([0, 0, 10, 0, 10, 10, 0, 10]);
    const pr = createPathProjection();
    projectOntoPath(p, 4, 0.5, 0, 3, pr);
    expect(pr.segmentIndex).toBe(0);
    expect(pr.sM).toBeCloseTo(4, 12);
    expect(pr.lateralM).toBeCloseTo(0.5, 12);
    projectOntoPath(p, 10.5, 5, 0, 3, pr);
    expect(pr.segmentIndex).toBe(1);
    expect(pr.lateralM).toBeCloseTo(-0.5, 12);
    // The U-turn brings the third leg near the start, but searching from segment 0 with a short window ignores it.
    projectOntoPath(p, 4, 9, 0, 3, pr);
    expect(pr.segmentIndex).toBeLessThan(2);
  });

  it('answers for a single-point path, and interpolates points at an arc length with an offset', () => {
    const single = createTrackedPath([{ x: 2, y: 2 }]);
    const pr = projectOntoPath(single, 2, 5, 0, 3, createPathProjection());
    expect(pr.sM).toBe(0);
    expect(pr.lateralM).toBeCloseTo(3, 12);
    const p = createTrackedPath([0, 0, 10, 0, 10, 10]);
    const q = { x: 0, y: 0 };
    pointAtArcLength(p, 12, 0.5, 0, q);
    expect(q.x).toBeCloseTo(9.5, 12);
    expect(q.y).toBeCloseTo(2, 12);
  });
});
