import { describe, expect, it } from 'vitest';
import { Random } from '../../../common/core/Random.ts';
import type { Circle, Pose2, Segment } from '../../../maps/core/types.ts';
import { ScanMatcher, defaultScanMatcherParams, validateScanMatcherParams } from './ScanMatcher.ts';
import { SegmentGrid, createNearestSegment } from './SegmentGrid.ts';
import { castScanBruteForce, rectangleSegments } from './syntheticWorld.ts';

const BEAMS = 180;

function scanAt(segs: Segment[], people: Circle[], truth: Pose2, rnd: Random, noiseM = 0.02) {
  const ranges = new Float32Array(BEAMS);
  const scan = { ranges, angleMinRad: -Math.PI, angleIncrementRad: (2 * Math.PI) / BEAMS, rangeMinM: 0.1, rangeMaxM: 10 };
  castScanBruteForce(segs, people, truth, scan.angleMinRad, scan.angleIncrementRad, scan.rangeMaxM, ranges);
  for (let i = 0; i < BEAMS; i++) if (Number.isFinite(ranges[i]!)) ranges[i] = ranges[i]! + rnd.normal(0, noiseM);
  return scan;
}

/** A courtyard: an L of buildings and a kiosk, enough structure to pin x, y and θ. */
function courtyard(): Segment[] {
  return [
    ...rectangleSegments(-8, -6, 6, -4),
    ...rectangleSegments(6, -6, 8, 7),
    ...rectangleSegments(-3, 2, -1, 4),
  ];
}

describe('SegmentGrid', () => {
  it('finds the nearest segment within reach, and nothing beyond it', () => {
    const grid = new SegmentGrid(courtyard(), 1.5);
    const hit = createNearestSegment();
    expect(grid.nearest(0, -3.5, 1.5, hit)).toBe(true);
    expect(hit.distM).toBeCloseTo(0.5, 9);
    expect(hit.yM).toBeCloseTo(-4, 9);
    expect(grid.nearest(0, 0, 1.5, hit)).toBe(false);
    expect(hit.index).toBe(-1);
    expect(grid.nearest(0, -3.5, 0.3, hit)).toBe(false);
  });

  it('answers nearestAt exactly as a brute-force search over every segment does', () => {
    // Reference: the same point-to-segment arithmetic over all segments in order (later ones win ties, as the grid's
    // lists are in segment order), so the fields must match to the last bit.
    const segs = courtyard();
    const grid = new SegmentGrid(segs, 1.5);
    const hit = createNearestSegment(), viaXY = createNearestSegment();
    const at = new Float64Array(2);
    const rnd = new Random(11);
    let found = 0;
    for (let q = 0; q < 20_000; q++) {
      const x = rnd.uniform(-12, 12), y = rnd.uniform(-10, 11), maxD = rnd.chance(0.5) ? 1.5 : rnd.uniform(0.1, 3);
      let best2 = Math.min(maxD, 1.5) ** 2, index = -1, qxBest = 0, qyBest = 0, tBest = 0;
      for (let k = 0; k < segs.length; k++) {
        const s = segs[k]!;
        const dx = s.bx - s.ax, dy = s.by - s.ay;
        const len2 = dx * dx + dy * dy;
        let t = len2 > 0 ? ((x - s.ax) * dx + (y - s.ay) * dy) / len2 : 0;
        if (t < 0) t = 0;
        else if (t > 1) t = 1;
        const qx = s.ax + t * dx, qy = s.ay + t * dy;
        const d2 = (x - qx) * (x - qx) + (y - qy) * (y - qy);
        if (d2 <= best2) {
          best2 = d2;
          index = k;
          qxBest = qx;
          qyBest = qy;
          tBest = t;
        }
      }
      at[0] = x;
      at[1] = y;
      expect(grid.nearestAt(at, maxD, hit)).toBe(index >= 0);
      expect(grid.nearest(x, y, maxD, viaXY)).toBe(index >= 0);
      expect(viaXY).toEqual(hit);
      expect(hit.index).toBe(index);
      if (index < 0) continue;
      found++;
      expect([hit.xM, hit.yM, hit.t, hit.distM]).toEqual([qxBest, qyBest, tBest, Math.sqrt(best2)]);
    }
    expect(found).toBeGreaterThan(1000);
  });
});

describe('ScanMatcher', () => {
  it('gives a reused matcher the same answer as a fresh one, to the last bit, when the scan shape changes between scans', () => {
    // The matcher keeps per-scan-shape state (the beams' directions); a stale copy would move every beam end point.
    const rnd = new Random(8);
    const segs = courtyard();
    const shapes = [
      { beams: 180, angleMinRad: -Math.PI, fovRad: 2 * Math.PI },
      { beams: 90, angleMinRad: -Math.PI, fovRad: 2 * Math.PI },
      { beams: 181, angleMinRad: -0.75 * Math.PI, fovRad: 1.5 * Math.PI },
      { beams: 180, angleMinRad: -Math.PI + 0.01, fovRad: 2 * Math.PI },
    ];
    const reused = new ScanMatcher(segs);
    const answer = (m: ReturnType<ScanMatcher['match']>) => JSON.stringify([m.ok, m.failure, m.pose, [...m.covariance], m.inliers, m.iterations]);
    for (let k = 0; k < 24; k++) {
      const shape = shapes[k % shapes.length]!;
      const truth = { x: rnd.uniform(-2, 3), y: rnd.uniform(-2, 1), theta: rnd.uniform(-Math.PI, Math.PI) };
      const inc = shape.fovRad / shape.beams;
      const ranges = new Float32Array(shape.beams);
      castScanBruteForce(segs, [], truth, shape.angleMinRad, inc, 10, ranges);
      for (let i = 0; i < ranges.length; i++) if (Number.isFinite(ranges[i]!)) ranges[i] = ranges[i]! + rnd.normal(0, 0.02);
      const scan = { ranges, angleMinRad: shape.angleMinRad, angleIncrementRad: inc, rangeMinM: 0.1, rangeMaxM: 10 };
      const predicted = { x: truth.x + rnd.normal(0, 0.2), y: truth.y + rnd.normal(0, 0.2), theta: truth.theta + rnd.normal(0, 0.03) };
      const fresh = answer(new ScanMatcher(segs).match(scan, predicted));
      expect(answer(reused.match(scan, predicted))).toBe(fresh);
    }
  });

  it('recovers the true pose from a prediction 0.6 m and 5° off', () => {
    const rnd = new Random(1);
    const segs = courtyard();
    const truth = { x: 1, y: 0, theta: 0.3 };
    const matcher = new ScanMatcher(segs);
    const m = matcher.match(scanAt(segs, [], truth, rnd), { x: 1.4, y: -0.45, theta: 0.3 + 0.087 });
    expect(m.ok).toBe(true);
    expect(Math.hypot(m.pose.x - truth.x, m.pose.y - truth.y)).toBeLessThan(0.03);
    expect(Math.abs(m.pose.theta - truth.theta)).toBeLessThan(0.005);
    expect(m.inlierRatio).toBeGreaterThan(0.9);
    expect(m.degenerate).toBe(false);
    // Well-constrained: a few centimetres.
    expect(Math.sqrt(m.covariance[0]!)).toBeLessThan(0.1);
    expect(Math.sqrt(m.covariance[4]!)).toBeLessThan(0.1);
  });

  it('ignores pedestrians: their beams are outliers, the pose is still right', () => {
    const rnd = new Random(2);
    const segs = courtyard();
    const truth = { x: 0, y: -1, theta: -0.2 };
    const people: Circle[] = [
      { x: 1.5, y: -1.2, radiusM: 0.3 },
      { x: -1, y: 0.3, radiusM: 0.3 },
      { x: 2, y: 1.5, radiusM: 0.3 },
    ];
    const m = new ScanMatcher(segs).match(scanAt(segs, people, truth, rnd), { x: 0.2, y: -0.8, theta: -0.15 });
    expect(m.ok).toBe(true);
    expect(m.inlierRatio).toBeLessThan(1);
    expect(Math.hypot(m.pose.x - truth.x, m.pose.y - truth.y)).toBeLessThan(0.03);
  });

  it('along a single long wall it pins the distance to the wall and leaves the along-wall direction to the prior', () => {
    const rnd = new Random(3);
    const segs = rectangleSegments(-100, 3, 100, 4);
    const truth = { x: 0, y: 0, theta: 0 };
    const m = new ScanMatcher(segs).match(scanAt(segs, [], truth, rnd), { x: 0.7, y: 0.2, theta: 0.01 });
    expect(m.ok).toBe(true);
    expect(m.degenerate).toBe(true);
    expect(Math.abs(m.pose.y - truth.y)).toBeLessThan(0.03);
    // The along-wall coordinate is unobservable: stays at the prediction, with a variance near the prior's.
    expect(m.pose.x).toBeCloseTo(0.7, 1);
    expect(Math.sqrt(m.covariance[0]!)).toBeGreaterThan(2);
    expect(Math.sqrt(m.covariance[4]!)).toBeLessThan(0.1);
  });

  it('says no when too few beams return or too few fit the map', () => {
    const rnd = new Random(4);
    const segs = courtyard();
    const matcher = new ScanMatcher(segs);
    const empty = scanAt([], [], { x: 0, y: 0, theta: 0 }, rnd);
    const m1 = matcher.match(empty, { x: 0, y: 0, theta: 0 });
    expect(m1.ok).toBe(false);
    expect(m1.failure).toBe('too-few-beams');
    // Lots of returns, but from a crowd and not the map.
    const crowd: Circle[] = [];
    for (let k = 0; k < 24; k++) {
      const a = (k / 24) * 2 * Math.PI;
      crowd.push({ x: 2.5 * Math.cos(a), y: 2.5 * Math.sin(a) - 1, radiusM: 0.3 });
    }
    const m2 = matcher.match(scanAt(segs, crowd, { x: 0, y: -1, theta: 0 }, rnd), { x: 0, y: -1, theta: 0 });
    expect(m2.ok).toBe(false);
    expect(['too-few-inliers', 'low-inlier-ratio']).toContain(m2.failure);
  });

  it('leaves a direction that only a beam or two constrain to the prior (one beam past a corner is no fix)', () => {
    // A 30 m wall along x and a 0.8 m stub on it 6 m ahead: 3–4 beams hit the stub and claim x.
    const segs: Segment[] = [
      { ax: -15, ay: 2, bx: 15, by: 2 },
      { ax: 6, ay: 2, bx: 6, by: 1.2 },
    ];
    const truth = { x: 0, y: 0, theta: 0 };
    const predicted = { x: 0.15, y: 0.1, theta: 0 };
    const scan = scanAt(segs, [], truth, new Random(3));
    const strict = new ScanMatcher(segs).match(scan, predicted);
    expect(strict.ok).toBe(true);
    // x is left where the prediction put it, with the prior's variance; y (the wall's normal) is still pinned.
    expect(strict.pose.x).toBeCloseTo(predicted.x, 9);
    expect(strict.covariance[0]!).toBeGreaterThan(0.8 * defaultScanMatcherParams.priorPositionStdM ** 2);
    expect(Math.abs(strict.pose.y - truth.y)).toBeLessThan(0.03);
    expect(strict.covariance[4]!).toBeLessThan(0.01);
    expect(strict.degenerate).toBe(true);
    // Without the rule the stub's beams alone would claim x to within centimetres.
    const loose = new ScanMatcher(segs, { minDirectionBeams: 0 }).match(scan, predicted);
    expect(loose.ok).toBe(true);
    expect(loose.covariance[0]!).toBeLessThan(0.5);
  });

  it('validates its parameters', () => {
    expect(validateScanMatcherParams(defaultScanMatcherParams)).toEqual([]);
    expect(validateScanMatcherParams({ ...defaultScanMatcherParams, associationEndM: 2 })[0]).toMatch(/associationStartM/);
    expect(() => new ScanMatcher([], { associationEndM: 2 })).toThrow(RangeError);
  });
});
