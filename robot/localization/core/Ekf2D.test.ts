import { describe, expect, it } from 'vitest';
import { Random } from '../../../common/core/Random.ts';
import { Ekf2D, defaultEkfParams, validateEkfParams, wrapAngle } from './Ekf2D.ts';

function isSymmetricPsd(c: Float64Array): boolean {
  const sym = Math.abs(c[1]! - c[3]!) < 1e-12 && Math.abs(c[2]! - c[6]!) < 1e-12 && Math.abs(c[5]! - c[7]!) < 1e-12;
  const m1 = c[0]!;
  const m2 = c[0]! * c[4]! - c[1]! * c[3]!;
  const m3 =
    c[0]! * (c[4]! * c[8]! - c[5]! * c[7]!) - c[1]! * (c[3]! * c[8]! - c[5]! * c[6]!) + c[2]! * (c[3]! * c[7]! - c[4]! * c[6]!);
  return sym && m1 > 0 && m2 > 0 && m3 > 0;
}

describe('wrapAngle', () => {
  it('maps any angle into (-π, π]', () => {
    expect(wrapAngle(Math.PI)).toBeCloseTo(Math.PI, 12);
    expect(wrapAngle(-Math.PI)).toBeCloseTo(Math.PI, 12);
    expect(wrapAngle(3 * Math.PI / 2)).toBeCloseTo(-Math.PI / 2, 12);
    expect(wrapAngle(-7.5 * Math.PI)).toBeCloseTo(0.5 * Math.PI, 12);
    expect(wrapAngle(0.3)).toBe(0.3);
  });
});

describe('Ekf2D', () => {
  it('dead-reckons a quarter circle from odometry and yaw increments', () => {
    const ekf = new Ekf2D({ initialOdomScaleStd: 0, initialGyroBiasStdRps: 0 }, { x: 0, y: 0, theta: 0 });
    const radiusM = 5;
    const steps = 500;
    const dTheta = Math.PI / 2 / steps;
    const chord = 2 * radiusM * Math.sin(dTheta / 2);
    for (let i = 0; i < steps; i++) ekf.predict(chord, dTheta, 0.01);
    const p = ekf.pose();
    expect(p.x).toBeCloseTo(radiusM, 6);
    expect(p.y).toBeCloseTo(radiusM, 6);
    expect(p.theta).toBeCloseTo(Math.PI / 2, 9);
  });

  it('grows the covariance with distance travelled, most along the track', () => {
    const ekf = new Ekf2D({}, { x: 0, y: 0, theta: 0 });
    ekf.reset({ x: 0, y: 0, theta: 0 }, [1e-4, 0, 0, 0, 1e-4, 0, 0, 0, 1e-6]);
    const c0 = ekf.covariance();
    for (let i = 0; i < 100; i++) ekf.predict(0.15, 0, 0.1);
    const c1 = ekf.covariance();
    expect(c1[0]!).toBeGreaterThan(c0[0]!);
    expect(c1[4]!).toBeGreaterThan(c0[4]!);
    expect(isSymmetricPsd(c1)).toBe(true);
    // Standing still adds (almost) nothing: the noise is per metre and per radian, not per second.
    const c2 = ekf.covariance();
    for (let i = 0; i < 100; i++) ekf.predict(0, 0, 0.1);
    const c3 = ekf.covariance();
    expect(c3[0]! - c2[0]!).toBeLessThan(1e-9);
  });

  it('a GNSS fix pulls the estimate towards it and shrinks the covariance (Joseph form stays symmetric PSD)', () => {
    const ekf = new Ekf2D({}, { x: 0, y: 0, theta: 0 });
    const before = ekf.covariance();
    const o = ekf.updateGnss(3, -2, 4, 0, 4);
    expect(o.accepted).toBe(true);
    const p = ekf.pose();
    // Prior σ = 5 m, fix σ = 2 m: the gain is 25 / 29.
    expect(p.x).toBeCloseTo((3 * 25) / 29, 9);
    expect(p.y).toBeCloseTo((-2 * 25) / 29, 9);
    const after = ekf.covariance();
    expect(after[0]!).toBeCloseTo((25 * 4) / 29, 9);
    expect(after[0]!).toBeLessThan(before[0]!);
    expect(isSymmetricPsd(after)).toBe(true);
  });

  it('rejects a GNSS outlier beyond the chi-square gate and leaves the state alone', () => {
    const ekf = new Ekf2D({}, { x: 10, y: 10, theta: 0 });
    ekf.reset({ x: 10, y: 10, theta: 0 }, [0.04, 0, 0, 0, 0.04, 0, 0, 0, 0.001]);
    const o = ekf.updateGnss(40, 10, 4, 0, 4);
    expect(o.accepted).toBe(false);
    expect(o.nis).toBeGreaterThan(ekf.params.gnssGateChi2);
    expect(ekf.pose().x).toBe(10);
    // A fix 3 m off with σ = 2 m is plausible and is used.
    expect(ekf.updateGnss(13, 10, 4, 0, 4).accepted).toBe(true);
    expect(ekf.pose().x).toBeGreaterThan(10);
  });

  it('fuses a pose measurement across the ±π seam without spinning the heading', () => {
    const ekf = new Ekf2D({}, { x: 0, y: 0, theta: Math.PI - 0.01 });
    ekf.reset({ x: 0, y: 0, theta: Math.PI - 0.01 }, [0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01]);
    const o = ekf.updatePose({ x: 0, y: 0, theta: -Math.PI + 0.01 }, [0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01]);
    expect(o.accepted).toBe(true);
    expect(Math.abs(ekf.pose().theta)).toBeCloseTo(Math.PI, 6);
  });

  it('a measurement that constrains only one direction leaves the other one uncertain', () => {
    const ekf = new Ekf2D({}, { x: 0, y: 0, theta: 0 });
    ekf.reset({ x: 0, y: 0, theta: 0 }, [1, 0, 0, 0, 1, 0, 0, 0, 0.01]);
    // A wall along x pins y only: tight in y, 100 m² in x.
    ekf.updatePose({ x: 0, y: 0.5, theta: 0 }, [100, 0, 0, 0, 0.01, 0, 0, 0, 1]);
    const c = ekf.covariance();
    expect(c[0]!).toBeGreaterThan(0.9);
    expect(c[4]!).toBeLessThan(0.011);
    expect(ekf.pose().y).toBeGreaterThan(0.49);
  });

  it('learns a wheel-scale error and a gyro bias from fixes, and uses them while fixes are missing', () => {
    const rnd = new Random(3);
    const ekf = new Ekf2D({}, { x: 0, y: 0, theta: 0 });
    ekf.reset({ x: 0, y: 0, theta: 0 }, [0.01, 0, 0, 0, 0.01, 0, 0, 0, 1e-4]);
    let x = 0, y = 0, th = 0;
    const scale = 1 / 1.03; // odometry reads 3 % long
    const biasRps = 0.002;
    for (let k = 0; k < 6000; k++) {
      const w = 0.1 * Math.sin(k / 300);
      const ds = 0.15;
      x += ds * Math.cos(th + 0.5 * w * 0.1);
      y += ds * Math.sin(th + 0.5 * w * 0.1);
      th += w * 0.1;
      ekf.predict(ds / scale, w * 0.1 + biasRps * 0.1, 0.1);
      if (k % 5 === 0) {
        ekf.updatePose({ x: x + rnd.normal(0, 0.05), y: y + rnd.normal(0, 0.05), theta: th + rnd.normal(0, 0.01) },
          [0.0025, 0, 0, 0, 0.0025, 0, 0, 0, 1e-4]);
      }
    }
    expect((1 + ekf.odomScaleError) / scale).toBeCloseTo(1, 2);
    expect(ekf.gyroBiasRps).toBeCloseTo(biasRps, 3);
  });

  it('predictFused learns the gyro bias from the gyro–wheel difference alone, without any fix', () => {
    const rnd = new Random(5);
    const ekf = new Ekf2D({ yawRateStdRps: 0.005, odomRotationFrac: 0.02, headingVarPerMRad2: 4e-6 });
    ekf.reset({ x: 0, y: 0, theta: 0 }, [0.01, 0, 0, 0, 0.01, 0, 0, 0, 1e-4]);
    const biasRps = 0.004;
    // 200 s on a straight (no fixes at all): the wheels' heading is unbiased, the gyro's carries the bias.
    for (let k = 0; k < 2000; k++) {
      const wheel = rnd.normal(0, 0.002 * Math.sqrt(0.15));
      const gyro = (biasRps + rnd.normal(0, 0.005)) * 0.1;
      ekf.predictFused(0.15, gyro, wheel, 0.1);
    }
    expect(ekf.gyroBiasRps).toBeCloseTo(biasRps, 3);
    expect(isSymmetricPsd(ekf.covariance())).toBe(true);
  });

  it('NEES over many seeded GNSS-only runs averages near the state dimension', () => {
    let sum = 0;
    let n = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const rnd = new Random(seed);
      const ekf = new Ekf2D({ initialOdomScaleStd: 0, initialGyroBiasStdRps: 0, odomVarPerMM2: 0, headingVarPerMRad2: 0 });
      ekf.reset({ x: 0, y: 0, theta: 0 }, [1, 0, 0, 0, 1, 0, 0, 0, 0.01]);
      const truth = { x: rnd.normal(0, 1), y: rnd.normal(0, 1), theta: rnd.normal(0, 0.1) };
      for (let k = 0; k < 300; k++) {
        const ds = 0.1 * (1 + rnd.normal(0, 0.02));
        const dth = 0.002 + rnd.normal(0, 0.005) * 0.1;
        truth.x += 0.1 * Math.cos(truth.theta + 0.001);
        truth.y += 0.1 * Math.sin(truth.theta + 0.001);
        truth.theta += 0.002;
        ekf.predict(ds, dth, 0.1);
        if (k % 10 === 0) ekf.updateGnss(truth.x + rnd.normal(0, 2), truth.y + rnd.normal(0, 2), 4, 0, 4);
      }
      sum += ekf.nees(truth, 2);
      n++;
    }
    const mean = sum / n;
    // 40 runs of a 2-dof chi-square: mean 2, and a 95 % band of about [1.4, 2.7].
    expect(mean).toBeGreaterThan(1.2);
    expect(mean).toBeLessThan(3);
  });

  it('a scale error accumulates coherently: its variance grows with the square of the distance and of the turn', () => {
    const quiet = {
      odomDistanceFrac: 0, odomLateralFrac: 0, odomVarPerMM2: 0, odomRotationFrac: 0, odomTurnVarPerRad: 0,
      headingVarPerMRad2: 0, initialGyroBiasStdRps: 0, odomScaleVarPerM: 0, yawScaleVarPerRad: 0,
    };
    const ekf = new Ekf2D({ ...quiet, initialOdomScaleStd: 0.03, initialYawScaleStd: 0.02 });
    ekf.reset({ x: 0, y: 0, theta: 0 }, [1e-12, 0, 0, 0, 1e-12, 0, 0, 0, 1e-12]);
    // 10 m east in 100 steps: σx = 10 m × 3 %; nothing else moves.
    for (let i = 0; i < 100; i++) ekf.predict(0.1, 0, 0.1, false);
    let c = ekf.covariance();
    expect(c[0]!).toBeCloseTo((10 * 0.03) ** 2, 9);
    expect(c[4]!).toBeLessThan(1e-9);
    // Then 1 rad turned on the spot in 100 steps: σθ = 1 rad × 2 %, and x is still only the distance's.
    for (let i = 0; i < 100; i++) ekf.predict(0, 0.01, 0.1, false);
    c = ekf.covariance();
    expect(c[8]!).toBeCloseTo(0.02 ** 2, 9);
    expect(c[0]!).toBeCloseTo((10 * 0.03) ** 2, 9);
    // Then 5 m on the new heading: the heading's uncertainty bends it sideways (σ ≈ 5 m × 0.02 rad across the track).
    for (let i = 0; i < 50; i++) ekf.predict(0.1, 0, 0.1, false);
    c = ekf.covariance();
    const th = 1;
    const across = c[0]! * Math.sin(th) ** 2 - 2 * c[1]! * Math.sin(th) * Math.cos(th) + c[4]! * Math.cos(th) ** 2;
    const acrossFromDistance = (10 * 0.03 * Math.sin(th)) ** 2;
    expect(across - acrossFromDistance).toBeCloseTo((5 * 0.02) ** 2, 6);
  });

  it('turn slip noise follows the angle turned, not how many steps the turn was cut into', () => {
    const headingVarAfter = (steps: number) => {
      const ekf = new Ekf2D({ initialYawScaleStd: 0, headingVarPerMRad2: 0 });
      ekf.reset({ x: 0, y: 0, theta: 0 }, [0.01, 0, 0, 0, 0.01, 0, 0, 0, 1e-6]);
      for (let i = 0; i < steps; i++) ekf.predict(0, Math.PI / 2 / steps, 0.01, false);
      return ekf.covariance()[8]! - 1e-6;
    };
    const coarse = headingVarAfter(10);
    const fine = headingVarAfter(1000);
    expect(fine).toBeCloseTo(defaultEkfParams.odomTurnVarPerRad * (Math.PI / 2), 12);
    expect(fine / coarse).toBeCloseTo(1, 9);
  });

  it("learns the wheels' turn scale error from GNSS on a figure-of-eight, and its 3σ stays honest", () => {
    // The wheels read every turn 1.5 % short (unequal wheel sizes); GNSS σ 2 m at 1 Hz; 1.5 m/s.
    const rnd = new Random(11);
    const trueYawScale = 0.015;
    const ekf = new Ekf2D({ initialOdomScaleStd: 0, initialGyroBiasStdRps: 0 }, { x: 0, y: 0, theta: 0 });
    ekf.reset({ x: 0, y: 0, theta: 0 }, [0.01, 0, 0, 0, 0.01, 0, 0, 0, 1e-4]);
    const truth = { x: 0, y: 0, theta: 0 };
    let inside = 0, samples = 0;
    for (let k = 0; k < 20_000; k++) {
      // Circles of radius 8 m, alternating direction every lap: every lap turns 2π.
      const lap = Math.floor((k * 0.15) / (2 * Math.PI * 8));
      const dthTrue = ((lap % 2 === 0 ? 1 : -1) * 0.15) / 8;
      truth.x += 0.15 * Math.cos(truth.theta + dthTrue / 2);
      truth.y += 0.15 * Math.sin(truth.theta + dthTrue / 2);
      truth.theta = wrapAngle(truth.theta + dthTrue);
      ekf.predict(0.15, dthTrue / (1 + trueYawScale) + rnd.normal(0, 0.002 * Math.sqrt(0.15)), 0.1, false);
      if (k % 10 === 0) ekf.updateGnss(truth.x + rnd.normal(0, 2), truth.y + rnd.normal(0, 2), 4, 0, 4);
      if (k > 5000) {
        samples++;
        if (ekf.nees(truth, 2) <= 9) inside++;
      }
    }
    expect(Math.abs(ekf.yawScaleError - trueYawScale)).toBeLessThan(0.003);
    expect(inside / samples).toBeGreaterThan(0.985);
  });

  it('validates its parameters: defaults pass, a negative noise or zero gate is named', () => {
    expect(validateEkfParams(defaultEkfParams)).toEqual([]);
    const problems = validateEkfParams({ ...defaultEkfParams, odomDistanceFrac: -1, gnssGateChi2: 0 });
    expect(problems.some((m) => m.includes('odomDistanceFrac'))).toBe(true);
    expect(problems.some((m) => m.includes('gnssGateChi2'))).toBe(true);
  });
});

/**
 * The measurement update as first written: dense Joseph form over all six states (P ← A P Aᵀ + K R Kᵀ, A = I − K H,
 * H = [I_m 0]). Kept as the reference the filter's structured update must match bit for bit. Returns the new state
 * and covariance, or undefined when the innovation is gated out.
 */
function referenceUpdate(s0: Float64Array, P0: Float64Array, nu: number[], R: number[], gate: number): { s: Float64Array; P: Float64Array } | undefined {
  const N = 6, m = nu.length;
  const S = new Float64Array(9), Si = new Float64Array(9), K = new Float64Array(N * 3);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) S[i * 3 + j] = P0[i * N + j]! + R[i * 3 + j]!;
  if (m === 2) {
    const det = S[0]! * S[4]! - S[1]! * S[3]!;
    if (!(det > 0)) return undefined;
    Si[0] = S[4]! / det;
    Si[1] = -S[1]! / det;
    Si[3] = -S[3]! / det;
    Si[4] = S[0]! / det;
  } else {
    // invert3 as the filter does it (cofactors over the determinant).
    const [a, b, c, d, e, f, g, h, k] = S as unknown as number[];
    const A0 = e! * k! - f! * h!, B0 = -(d! * k! - f! * g!), C0 = d! * h! - e! * g!;
    const inv = 1 / (a! * A0 + b! * B0 + c! * C0);
    Si.set([A0 * inv, -(b! * k! - c! * h!) * inv, (b! * f! - c! * e!) * inv, B0 * inv, (a! * k! - c! * g!) * inv,
      -(a! * f! - c! * d!) * inv, C0 * inv, -(a! * h! - b! * g!) * inv, (a! * e! - b! * d!) * inv]);
  }
  let nis = 0;
  for (let i = 0; i < m; i++) {
    let acc = 0;
    for (let j = 0; j < m; j++) acc += Si[i * 3 + j]! * nu[j]!;
    nis += nu[i]! * acc;
  }
  if (!(nis <= gate)) return undefined;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < 3; j++) {
      let acc = 0;
      if (j < m) for (let k = 0; k < m; k++) acc += P0[i * N + k]! * Si[k * 3 + j]!;
      K[i * 3 + j] = acc;
    }
  }
  const s = Float64Array.from(s0);
  for (let i = 0; i < N; i++) {
    let acc = 0;
    for (let j = 0; j < m; j++) acc += K[i * 3 + j]! * nu[j]!;
    s[i] = s[i]! + acc;
  }
  s[2] = wrapAngle(s[2]!);
  const A = new Float64Array(N * N), T = new Float64Array(N * N), P = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) A[i * N + j] = (i === j ? 1 : 0) - (j < m ? K[i * 3 + j]! : 0);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < N; k++) acc += A[i * N + k]! * P0[k * N + j]!;
      T[i * N + j] = acc;
    }
  }
  for (let i = 0; i < N; i++) {
    for (let j = i; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < N; k++) acc += T[i * N + k]! * A[j * N + k]!;
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) acc += K[i * 3 + a]! * R[a * 3 + b]! * K[j * 3 + b]!;
      P[i * N + j] = acc;
      P[j * N + i] = acc;
    }
  }
  // The filter's symmetrise step: average the (already equal) halves, clamp tiny pose variances.
  for (let i = 0; i < N; i++) for (let j = i + 1; j < N; j++) P[i * N + j] = P[j * N + i] = 0.5 * (P[i * N + j]! + P[j * N + i]!);
  for (let i = 0; i < 3; i++) if (P[i * N + i]! < 1e-12) P[i * N + i] = 1e-12;
  return { s, P };
}

describe('Ekf2D measurement update', () => {
  it('matches the dense Joseph-form reference bit for bit on seeded random runs (GNSS and pose updates)', () => {
    const rnd = new Random(17);
    let compared = 0;
    for (let run = 0; run < 20; run++) {
      const ekf = new Ekf2D({ initialYawScaleStd: run % 2 === 0 ? 0.01 : 0 });
      ekf.reset({ x: rnd.uniform(-50, 50), y: rnd.uniform(-50, 50), theta: rnd.uniform(-3, 3) });
      for (let step = 0; step < 200; step++) {
        if (rnd.chance(0.5)) ekf.predictFused(rnd.uniform(0, 0.2), rnd.normal(0, 0.05), rnd.normal(0, 0.05), 0.1);
        else ekf.predict(rnd.uniform(-0.05, 0.2), rnd.normal(0, 0.05), 0.1, rnd.chance(0.5));
        if (!rnd.chance(0.4)) continue;
        const pose = ekf.pose();
        const s0 = Float64Array.from([pose.x, pose.y, pose.theta, ekf.odomScaleError, ekf.gyroBiasRps, ekf.yawScaleError]);
        const P0 = ekf.fullCovariance();
        let expected: ReturnType<typeof referenceUpdate>;
        let accepted: boolean;
        if (rnd.chance(0.5)) {
          const vx = rnd.uniform(0.01, 4), vy = rnd.uniform(0.01, 4), vxy = rnd.uniform(-0.5, 0.5) * Math.sqrt(vx * vy);
          const fx = pose.x + rnd.normal(0, 2), fy = pose.y + rnd.normal(0, 2);
          const floor = defaultEkfParams.gnssMinStdM ** 2;
          expected = referenceUpdate(s0, P0, [fx - s0[0]!, fy - s0[1]!], [Math.max(vx, floor), vxy, 0, vxy, Math.max(vy, floor), 0, 0, 0, 0], defaultEkfParams.gnssGateChi2);
          accepted = ekf.updateGnss(fx, fy, vx, vxy, vy).accepted;
        } else {
          const c = [rnd.uniform(0.001, 0.2), 0, 0, 0, rnd.uniform(0.001, 0.2), 0, 0, 0, rnd.uniform(1e-5, 1e-2)];
          c[1] = c[3] = rnd.uniform(-0.3, 0.3) * Math.sqrt(c[0]! * c[4]!);
          const m = { x: pose.x + rnd.normal(0, 0.3), y: pose.y + rnd.normal(0, 0.3), theta: pose.theta + rnd.normal(0, 0.05) };
          expected = referenceUpdate(s0, P0, [m.x - s0[0]!, m.y - s0[1]!, wrapAngle(m.theta - s0[2]!)], c, defaultEkfParams.poseGateChi2);
          accepted = ekf.updatePose(m, c).accepted;
        }
        expect(accepted).toBe(expected !== undefined);
        if (expected === undefined) continue;
        const after = ekf.pose();
        expect([after.x, after.y, after.theta, ekf.odomScaleError, ekf.gyroBiasRps, ekf.yawScaleError]).toEqual([...expected.s]);
        expect([...ekf.fullCovariance()]).toEqual([...expected.P]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});
