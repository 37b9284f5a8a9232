import { describe, expect, it } from 'vitest';
import { Random } from '../../../common/core/Random.ts';
import { BruteForceScanSource } from './BruteForceScanSource.ts';
import { GnssSensor } from './GnssSensor.ts';
import { ImuSensor } from './ImuSensor.ts';
import { Lidar2D } from './Lidar2D.ts';
import { WheelOdometry } from './WheelOdometry.ts';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

describe('WheelOdometry', () => {
  it('drifts by about the configured scale error over a kilometre', () => {
    const ratios: number[] = [];
    const endErrors: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const odo = new WheelOdometry(new Random(seed), { scaleError: 0.02 });
      const truth = { vMps: 1, omegaRadps: 0 };
      let last = odo.sample(truth, 0);
      for (let i = 0; i < 10_000; i++) last = odo.sample(truth, 0.1);
      ratios.push(Math.abs(last.distanceM / 1000 - 1));
      endErrors.push(Math.hypot(last.x - 1000, last.y) / 1000);
    }
    expect(mean(ratios)).toBeGreaterThan(0.018);
    expect(mean(ratios)).toBeLessThan(0.022);
    // Heading noise adds cross-track error on top of the scale error, but it stays the same order.
    expect(mean(endErrors)).toBeGreaterThan(0.018);
    expect(mean(endErrors)).toBeLessThan(0.04);
  });

  it('reports no motion and no drift while standing still', () => {
    const odo = new WheelOdometry(new Random(3));
    let s = odo.sample({ vMps: 0, omegaRadps: 0 }, 0);
    for (let i = 0; i < 1000; i++) s = odo.sample({ vMps: 0, omegaRadps: 0 }, 0.1);
    expect([s.x, s.y, s.theta, s.distanceM]).toEqual([0, 0, 0, 0]);
  });
});

describe('ImuSensor', () => {
  it('reads yaw rate plus its bias, and the bias wanders as a random walk', () => {
    const imu = new ImuSensor(new Random(11), { gyroNoiseSdRadps: 0.01, gyroBiasSdRadps: 0.002, gyroBiasWalkRadpsPerSqrtS: 0 });
    const readings: number[] = [];
    for (let i = 0; i < 4000; i++) readings.push(imu.sample({ vMps: 0, omegaRadps: 0.3 }, 0.01).yawRateRadps);
    // Mean error equals the (fixed) bias within the noise's standard error.
    expect(mean(readings) - 0.3 - imu.gyroBiasRadps).toBeCloseTo(0, 3);
    expect(sd(readings)).toBeCloseTo(0.01, 3);

    const walk = 0.001;
    const drifts: number[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const s = new ImuSensor(new Random(seed), { gyroBiasWalkRadpsPerSqrtS: walk });
      const b0 = s.gyroBiasRadps;
      for (let i = 0; i < 100; i++) s.sample({ vMps: 0, omegaRadps: 0 }, 1);
      drifts.push(s.gyroBiasRadps - b0);
    }
    // After 100 s the bias has moved by walk·√100 (standard deviation across robots).
    expect(sd(drifts) / (walk * 10)).toBeGreaterThan(0.85);
    expect(sd(drifts) / (walk * 10)).toBeLessThan(1.15);
  });

  it('reads forward acceleration from the change in speed', () => {
    const imu = new ImuSensor(new Random(2), { accelNoiseSdMps2: 0 });
    imu.sample({ vMps: 0, omegaRadps: 0 }, 0.1);
    expect(imu.sample({ vMps: 0.1, omegaRadps: 0 }, 0.1).accelXMps2).toBeCloseTo(1, 9);
  });
});

describe('GnssSensor', () => {
  // A building: solid 20 × 20 m block whose west face is at x = 100.
  const building = new BruteForceScanSource([], [[{ x: 100, y: 0 }, { x: 120, y: 0 }, { x: 120, y: 20 }, { x: 100, y: 20 }]]);

  it('has the configured σ in the open, unbiased', () => {
    const g = new GnssSensor(new Random(5), { sigmaM: 2 }, building);
    const ex: number[] = [];
    const ey: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const s = g.sample({ x: 0, y: 10 }, i * 1000);
      if (!s.fix) throw new Error('unexpected dropout in the open');
      expect(s.sigmaM).toBe(2);
      ex.push(s.x);
      ey.push(s.y - 10);
    }
    expect(sd(ex)).toBeGreaterThan(1.9);
    expect(sd(ex)).toBeLessThan(2.1);
    expect(sd(ey)).toBeGreaterThan(1.9);
    expect(Math.abs(mean(ex))).toBeLessThan(0.1);
  });

  it('gets worse near buildings and drops out beside them', () => {
    const g = new GnssSensor(new Random(6), { sigmaM: 2, canyonSigmaFactor: 2, deepCanyonSigmaFactor: 4, deepCanyonDropoutProbability: 0.5 }, building);
    expect(g.canyonAt(80, 10)).toBe('open');
    expect(g.canyonAt(90, 10)).toBe('canyon');
    expect(g.canyonAt(97, 10)).toBe('deep');
    const near: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const s = g.sample({ x: 90, y: 10 }, i * 1000);
      if (s.fix) near.push(s.x - 90);
    }
    expect(near.length).toBe(3000);
    expect(sd(near)).toBeGreaterThan(3.7);
    expect(sd(near)).toBeLessThan(4.3);
    let lost = 0;
    for (let i = 0; i < 3000; i++) {
      const s = g.sample({ x: 97, y: 10 }, i * 1000);
      if (!s.fix) {
        expect(s.reason).toBe('canyon');
        lost++;
      } else expect(s.sigmaM).toBe(8);
    }
    expect(lost / 3000).toBeGreaterThan(0.45);
    expect(lost / 3000).toBeLessThan(0.55);
  });

  it('gives no fix in dropout zones and during scheduled outages, and fixes again after', () => {
    const g = new GnssSensor(new Random(7), {
      dropoutZones: [{ minX: -5, minY: -5, maxX: 5, maxY: 5 }],
      outages: [{ startMs: 10_000, endMs: 20_000 }],
    });
    expect(g.sample({ x: 0, y: 0 }, 0)).toEqual({ fix: false, reason: 'zone' });
    expect(g.sample({ x: 50, y: 0 }, 9_999).fix).toBe(true);
    expect(g.sample({ x: 50, y: 0 }, 10_000)).toEqual({ fix: false, reason: 'outage' });
    expect(g.sample({ x: 50, y: 0 }, 19_999)).toEqual({ fix: false, reason: 'outage' });
    expect(g.sample({ x: 50, y: 0 }, 20_000).fix).toBe(true);
  });

  it('correlates errors over time when asked, keeping the same spread', () => {
    const g = new GnssSensor(new Random(8), { sigmaM: 2, correlationTimeS: 10 });
    const e: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const s = g.sample({ x: 0, y: 0 }, i * 1000);
      if (s.fix) e.push(s.x);
    }
    const m = mean(e);
    let num = 0;
    let den = 0;
    for (let i = 0; i < e.length; i++) {
      den += (e[i]! - m) ** 2;
      if (i > 0) num += (e[i]! - m) * (e[i - 1]! - m);
    }
    expect(num / den).toBeCloseTo(Math.exp(-0.1), 1);
    expect(sd(e)).toBeGreaterThan(1.6);
    expect(sd(e)).toBeLessThan(2.4);
  });
});

describe('Lidar2D in a square room', () => {
  const room = BruteForceScanSource.room(0, 0, 10, 10);

  it('measures the walls where geometry puts them', () => {
    const lidar = new Lidar2D(new Random(1), room, { beams: 8, rangeNoiseSdM: 0, rangeMaxM: 10 });
    const scan = lidar.sample({ x: 5, y: 5, theta: 0 });
    expect(scan.angleMinRad).toBeCloseTo(-Math.PI, 12);
    expect(scan.angleIncrementRad).toBeCloseTo(Math.PI / 4, 12);
    // Beams at -180°, -135°, …, 135°: walls at 5 m straight out, 5√2 m on the diagonals.
    const expected = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? 5 : 5 * Math.SQRT2));
    Array.from(scan.ranges).forEach((r, i) => expect(r).toBeCloseTo(expected[i]!, 5));
  });

  it('rotates with the robot and sees off-centre geometry', () => {
    const lidar = new Lidar2D(new Random(1), room, { beams: 4, rangeNoiseSdM: 0 });
    // At (2, 7) facing north: beams at -180° (south), -90° (east), 0° (north), 90° (west) relative to the heading.
    const r = Array.from(lidar.sample({ x: 2, y: 7, theta: Math.PI / 2 }).ranges);
    expect(r[0]).toBeCloseTo(7, 5);
    expect(r[1]).toBeCloseTo(8, 5);
    expect(r[2]).toBeCloseTo(3, 5);
    expect(r[3]).toBeCloseTo(2, 5);
  });

  it('adds range noise, reports no return beyond range as Infinity, and sees pedestrians', () => {
    const lidar = new Lidar2D(new Random(4), room, { beams: 360, rangeNoiseSdM: 0.05, rangeMaxM: 6 });
    const scan = lidar.sample({ x: 5, y: 5, theta: 0 }, [{ x: 7, y: 5, radiusM: 0.3 }]);
    const front = scan.ranges[180]!; // beam at 0°
    expect(Math.abs(front - 1.7)).toBeLessThan(0.25);
    const diagonal = scan.ranges[180 + 45]!; // 45°: wall at 7.07 m, beyond 6 m
    expect(diagonal).toBe(Infinity);
    const behind = Array.from(scan.ranges.subarray(0, 10)); // around -180°: wall at ~5 m
    expect(Math.abs(mean(behind) - 5.0)).toBeLessThan(0.1);
    expect(sd(behind)).toBeGreaterThan(0.01);
  });

  it('skips ray casting when nothing is in range', () => {
    const hall = BruteForceScanSource.room(0, 0, 100, 100);
    const lidar = new Lidar2D(new Random(1), hall, { beams: 180, rangeMaxM: 10 });
    const scan = lidar.sample({ x: 50, y: 50, theta: 0 }, [{ x: 80, y: 50, radiusM: 0.3 }]);
    expect(scan.ranges.every((r) => r === Infinity)).toBe(true);
    expect(lidar.stats).toEqual({ raysCast: 0, scansSkipped: 1 });
    lidar.sample({ x: 50, y: 50, theta: 0 }, [{ x: 55, y: 50, radiusM: 0.3 }]);
    expect(lidar.stats).toEqual({ raysCast: 180, scansSkipped: 1 });
  });

  it("sees only this scan's circles when fewer are in reach than last time (its list of them is reused)", () => {
    const lidar = new Lidar2D(new Random(1), room, { beams: 4, rangeNoiseSdM: 0 });
    const pose = { x: 5, y: 5, theta: 0 };
    // Beam 2 looks along +x (wall at 5 m), beam 3 along +y.
    const east = { x: 7, y: 5, radiusM: 0.5 }, north = { x: 5, y: 8, radiusM: 0.5 };
    let r = lidar.sample(pose, [east, north]).ranges;
    expect([r[2], r[3]].map((v) => v!.toFixed(3))).toEqual(['1.500', '2.500']);
    r = lidar.sample(pose, [north]).ranges;
    expect([r[2], r[3]].map((v) => v!.toFixed(3))).toEqual(['5.000', '2.500']);
    r = lidar.sample(pose, []).ranges;
    expect([r[2], r[3]].map((v) => v!.toFixed(3))).toEqual(['5.000', '5.000']);
    r = lidar.sample(pose, [east, { x: 90, y: 90, radiusM: 0.5 }, north]).ranges;
    expect([r[2], r[3]].map((v) => v!.toFixed(3))).toEqual(['1.500', '2.500']);
  });
});

describe('ScanSource implementations agree', () => {
  it("maps' ObstacleIndex fits ScanSource and gives the brute-force ranges in a room with a pillar", async () => {
    const { ObstacleIndex } = await import('../../../maps/core/ObstacleIndex.ts');
    const pillar = [{ x: 6, y: 6 }, { x: 7, y: 6 }, { x: 7, y: 7 }, { x: 6, y: 7 }];
    const walls = BruteForceScanSource.room(0, 0, 10, 10).segments;
    const brute = new BruteForceScanSource(walls, [pillar]);
    const indexed = ObstacleIndex.fromPolygons([
      [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }, { x: 0, y: 10 }],
      pillar,
    ]);
    const a = new Lidar2D(new Random(1), brute, { beams: 90, rangeNoiseSdM: 0 });
    const b = new Lidar2D(new Random(1), indexed, { beams: 90, rangeNoiseSdM: 0 });
    const people = [{ x: 3, y: 4, radiusM: 0.3 }];
    for (const pose of [{ x: 2, y: 2, theta: 0.3 }, { x: 8.5, y: 5, theta: -2 }, { x: 5, y: 8, theta: 1 }]) {
      const ra = Array.from(a.sample(pose, people).ranges);
      const rb = Array.from(b.sample(pose, people).ranges);
      ra.forEach((r, i) => (r === Infinity ? expect(rb[i]).toBe(Infinity) : expect(rb[i]).toBeCloseTo(r, 4)));
    }
    expect(indexed.containsPoint(6.5, 6.5)).toBe(brute.containsPoint(6.5, 6.5));
  });
});
