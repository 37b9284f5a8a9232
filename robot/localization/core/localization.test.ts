// End-to-end check of the localization core: a 2 km drive round a synthetic campus of rectangles, with noisy wheel
// odometry (2 % noise plus a 1.5 % wheel-radius bias), a biased noisy gyro, GNSS at 1 Hz with σ = 2 m and occasional
// multipath outliers, a 60 s GNSS outage between buildings, and scan matching of a brute-force ray-cast LiDAR.
import { describe, expect, it } from 'vitest';
import { Random } from '../../../common/core/Random.ts';
import type { Circle, Pose2, Segment } from '../../../maps/core/types.ts';
import { Ekf2D, wrapAngle } from './Ekf2D.ts';
import { ScanMatcher } from './ScanMatcher.ts';
import { castScanBruteForce, rectangleSegments } from './syntheticWorld.ts';

const A = 260; // straight length along x, m
const B = 120; // straight length along y, m
const R = 12; // corner radius, m
const PERIMETER = 2 * A + 2 * B + 2 * Math.PI * R;

/** Pose at arc length s on the rounded-rectangle loop, driven anticlockwise from (-A/2, -B/2-R) heading east. */
function loopPose(sRaw: number): Pose2 {
  let s = ((sRaw % PERIMETER) + PERIMETER) % PERIMETER;
  const arc = (Math.PI / 2) * R;
  const legs: Array<[number, number, number, number]> = [
    // start x, start y, heading, length
    [-A / 2, -B / 2 - R, 0, A],
    [A / 2 + R, -B / 2, Math.PI / 2, B],
    [A / 2, B / 2 + R, Math.PI, A],
    [-A / 2 - R, B / 2, -Math.PI / 2, B],
  ];
  const centres: Array<[number, number]> = [
    [A / 2, -B / 2],
    [A / 2, B / 2],
    [-A / 2, B / 2],
    [-A / 2, -B / 2],
  ];
  for (let k = 0; k < 4; k++) {
    const [x0, y0, h, len] = legs[k]!;
    if (s <= len) return { x: x0 + s * Math.cos(h), y: y0 + s * Math.sin(h), theta: h };
    s -= len;
    if (s <= arc) {
      const [cx, cy] = centres[k]!;
      const phi = h - Math.PI / 2 + s / R;
      return { x: cx + R * Math.cos(phi), y: cy + R * Math.sin(phi), theta: h + s / R };
    }
    s -= arc;
  }
  return loopPose(0);
}

/** Buildings along both sides of each straight, with a gap of open ground and one stretch of a single long wall. */
function campus(): Segment[] {
  const segs: Segment[] = [];
  // Bottom side (path y = -72): buildings both sides.
  for (let x = -A / 2; x < A / 2 - 10; x += 26) {
    segs.push(...rectangleSegments(x, -B / 2 - R - 16, x + 20, -B / 2 - R - 5));
    segs.push(...rectangleSegments(x + 6, -B / 2 - R + 5, x + 24, -B / 2 - R + 14));
  }
  // Right side (path x = 142): outside only.
  for (let y = -B / 2; y < B / 2 - 10; y += 22) segs.push(...rectangleSegments(A / 2 + R + 6, y, A / 2 + R + 18, y + 17));
  // Top side (path y = 72): an 80 m blank wall inside (a corridor-like stretch), buildings elsewhere outside.
  segs.push(...rectangleSegments(-40, B / 2 + R - 8, 40, B / 2 + R - 6));
  for (let x = -A / 2; x < -50; x += 25) segs.push(...rectangleSegments(x, B / 2 + R + 5, x + 18, B / 2 + R + 15));
  for (let x = 50; x < A / 2 - 10; x += 25) segs.push(...rectangleSegments(x, B / 2 + R + 5, x + 18, B / 2 + R + 15));
  // Left side (path x = -142): inside, with a 30 m open gap.
  for (let y = -B / 2; y < B / 2 - 10; y += 24) {
    if (y > -15 && y < 15) continue;
    segs.push(...rectangleSegments(-A / 2 - R + 5, y, -A / 2 - R + 15, y + 18));
  }
  return segs;
}

interface RunOptions {
  seed: number;
  lengthM: number;
  outageStartS?: number;
  outageLengthS?: number;
  scanMatching?: boolean;
}

interface RunStats {
  rmseM: number;
  maxErrM: number;
  contained3Sigma: number;
  meanNees: number;
  outageMaxErrM: number;
  gnssRejected: number;
  gnssOutliersInjected: number;
  gnssOutliersAccepted: number;
  matchesFused: number;
}

function drive(opts: RunOptions): RunStats {
  const rnd = new Random(opts.seed);
  const segs = campus();
  const matcher = new ScanMatcher(segs);
  const speedMps = 1.5;
  const dtS = 0.1;
  const steps = Math.round(opts.lengthM / speedMps / dtS);
  const odomBias = 1.015;
  const gyroBiasRps = 0.0005;
  const beams = 180;
  const ranges = new Float32Array(beams);
  const scan = { ranges, angleMinRad: -Math.PI, angleIncrementRad: (2 * Math.PI) / beams, rangeMinM: 0.1, rangeMaxM: 10 };
  const people: Circle[] = [];
  for (let k = 0; k < 40; k++) {
    const p = loopPose(rnd.uniform(0, PERIMETER));
    const side = rnd.chance(0.5) ? 1 : -1;
    people.push({ x: p.x - side * 2.2 * Math.sin(p.theta), y: p.y + side * 2.2 * Math.cos(p.theta), radiusM: 0.25 });
  }

  let truth = loopPose(0);
  const ekf = new Ekf2D({}, truth);
  ekf.reset(truth, [0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.001]);
  const est: Pose2 = { x: 0, y: 0, theta: 0 };
  let sumErr2 = 0, maxErr = 0, inside = 0, neesSum = 0, outageMax = 0;
  let rejected = 0, injected = 0, outliersAccepted = 0, fused = 0;
  const near: Segment[] = [];
  for (let k = 1; k <= steps; k++) {
    const tS = k * dtS;
    const next = loopPose(k * dtS * speedMps);
    const ds = Math.hypot(next.x - truth.x, next.y - truth.y);
    const dth = wrapAngle(next.theta - truth.theta);
    truth = next;
    const odomDs = ds * odomBias + rnd.normal(0, 0.02 * ds);
    const gyroDth = dth + (gyroBiasRps + rnd.normal(0, 0.005)) * dtS;
    ekf.predict(odomDs, gyroDth, dtS, true);

    const inOutage =
      opts.outageStartS !== undefined && tS >= opts.outageStartS && tS < opts.outageStartS + (opts.outageLengthS ?? 0);
    if (k % 10 === 0 && !inOutage) {
      const outlier = rnd.chance(0.02);
      const gx = truth.x + rnd.normal(0, 2) + (outlier ? 25 : 0);
      const gy = truth.y + rnd.normal(0, 2) + (outlier ? -20 : 0);
      const o = ekf.updateGnss(gx, gy, 4, 0, 4);
      if (!o.accepted) rejected++;
      if (outlier) {
        injected++;
        if (o.accepted) outliersAccepted++;
      }
    }
    if ((opts.scanMatching ?? true) && k % 2 === 0) {
      near.length = 0;
      for (const s of segs) {
        if (Math.min(s.ax, s.bx) > truth.x + 11 || Math.max(s.ax, s.bx) < truth.x - 11) continue;
        if (Math.min(s.ay, s.by) > truth.y + 11 || Math.max(s.ay, s.by) < truth.y - 11) continue;
        near.push(s);
      }
      castScanBruteForce(near, people, truth, scan.angleMinRad, scan.angleIncrementRad, scan.rangeMaxM, ranges);
      for (let i = 0; i < beams; i++) if (Number.isFinite(ranges[i]!)) ranges[i] = ranges[i]! + rnd.normal(0, 0.03);
      const m = matcher.match(scan, ekf.pose(est));
      if (m.ok && ekf.updatePose(m.pose, m.covariance).accepted) fused++;
    }

    ekf.pose(est);
    const err = Math.hypot(est.x - truth.x, est.y - truth.y);
    sumErr2 += err * err;
    maxErr = Math.max(maxErr, err);
    const nees = ekf.nees(truth, 2);
    neesSum += nees;
    if (nees <= 9) inside++;
    if (inOutage) outageMax = Math.max(outageMax, err);
  }
  return {
    rmseM: Math.sqrt(sumErr2 / steps),
    maxErrM: maxErr,
    contained3Sigma: inside / steps,
    meanNees: neesSum / steps,
    outageMaxErrM: outageMax,
    gnssRejected: rejected,
    gnssOutliersInjected: injected,
    gnssOutliersAccepted: outliersAccepted,
    matchesFused: fused,
  };
}

describe('localization on a synthetic campus', () => {
  it('keeps position RMSE under 0.2 m over 2 km with an honest covariance, through a 60 s GNSS outage', () => {
    // Outage on the bottom straight, buildings on both sides (the drive starts there, second lap).
    const outageStartS = (PERIMETER + 20) / 1.5;
    const stats = drive({ seed: 7, lengthM: 2000, outageStartS, outageLengthS: 60 });
    if (process.env.LOC_STATS) console.log('2 km drive', JSON.stringify(stats));
    expect(stats.rmseM).toBeLessThan(0.2);
    expect(stats.outageMaxErrM).toBeGreaterThan(0);
    expect(stats.outageMaxErrM).toBeLessThan(1);
    expect(stats.contained3Sigma).toBeGreaterThanOrEqual(0.99);
    // Honest, not just huge: the mean 2-dof NEES of a consistent filter is 2; a wildly inflated one would be ≪ 1.
    expect(stats.meanNees).toBeGreaterThan(0.15);
    expect(stats.gnssOutliersInjected).toBeGreaterThan(0);
    expect(stats.gnssOutliersAccepted).toBe(0);
    expect(stats.matchesFused).toBeGreaterThan(5000);
  });

  it('without scan matching the error is GNSS-sized: the matcher is what brings it under 0.2 m', () => {
    const stats = drive({ seed: 7, lengthM: 600, scanMatching: false });
    if (process.env.LOC_STATS) console.log('GNSS only', JSON.stringify(stats));
    expect(stats.rmseM).toBeGreaterThan(0.3);
    expect(stats.contained3Sigma).toBeGreaterThanOrEqual(0.97);
  });

  it('without buildings to match, a 60 s outage grows the error but the covariance keeps covering it', () => {
    // No scan matching at all: GNSS for 8 minutes to learn the biases, then 60 s without any fix.
    const outageStartS = 480;
    const stats = drive({ seed: 11, lengthM: (outageStartS + 60) * 1.5, outageStartS, outageLengthS: 60, scanMatching: false });
    if (process.env.LOC_STATS) console.log('outage, GNSS only', JSON.stringify(stats));
    // GNSS-only accuracy (~1 m) plus 90 m of dead reckoning on the learned wheel scale and gyro bias.
    expect(stats.outageMaxErrM).toBeLessThan(3.5);
    expect(stats.contained3Sigma).toBeGreaterThanOrEqual(0.99);
  });
});
