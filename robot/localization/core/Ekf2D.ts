/**
 * A planar EKF for a wheeled robot: predicted from wheel-odometry increments and the IMU yaw rate, corrected by GNSS
 * position fixes and by scan-to-map pose matches. Besides the pose (x, y, θ) it estimates the odometry distance scale
 * error, the wheels' turn scale error and the gyro bias. The two scale errors are what unequal wheel sizes do (a
 * wheel pair misreads distance and turns by fixed fractions, the same way every metre and every turn, which no
 * white-noise model can be honest about); all three become observable from GNSS and scan matches and then carry
 * the pose through GNSS outages.
 * Everything lives in preallocated typed arrays so a predict or an update allocates nothing: the simulator calls
 * this ~6,000 times per wall-second.
 */
import type { Pose2 } from '../../../maps/core/types.ts';

/** Tuning of the filter. Variances are per unit of motion so the noise follows how far and how much the robot moved. */
export interface EkfParams {
  /** Std-dev of the odometry distance error as a fraction of the distance travelled, per step (–). */
  odomDistanceFrac: number;
  /** Std-dev of the sideways slip as a fraction of the distance travelled (–). */
  odomLateralFrac: number;
  /**
   * Position random walk per metre travelled, m²/m, added along and across the track: per-step fractions alone
   * shrink with the step size, while wheel slip on kerbs and grass does not.
   */
  odomVarPerMM2: number;
  /** Std-dev of the heading error as a fraction of the heading change when it comes from the wheels (–). */
  odomRotationFrac: number;
  /**
   * Heading random walk per radian turned on the wheels, rad²/rad: wheel slip in a turn. A per-step fraction alone
   * shrinks with the step and under-reports a turn taken in many small steps; this term does not.
   */
  odomTurnVarPerRad: number;
  /** Heading random walk per metre travelled, rad²/m: uneven ground turns the robot a little even on a straight. */
  headingVarPerMRad2: number;
  /** Std-dev of the IMU yaw rate (white noise per sample), rad/s; its variance × dt² enters the heading. */
  yawRateStdRps: number;
  /** Initial std-dev of the odometry scale error (–); 0.03 allows a 3 % wheel-size error. 0 disables its estimation. */
  initialOdomScaleStd: number;
  /** Random walk of the odometry scale error per metre, 1/m (load and tyre pressure change it slowly). */
  odomScaleVarPerM: number;
  /**
   * Initial std-dev of the wheels' turn scale error (–): true turn = wheel turn × (1 + k). 0.02 allows 2 %; 0
   * disables its estimation.
   */
  initialYawScaleStd: number;
  /** Random walk of the turn scale error per radian turned, 1/rad. */
  yawScaleVarPerRad: number;
  /** Initial std-dev of the gyro bias, rad/s. 0 disables its estimation. */
  initialGyroBiasStdRps: number;
  /** Random walk of the gyro bias, (rad/s)²/s (temperature drift). */
  gyroBiasVarPerS: number;
  /** Floor on the GNSS std-dev, m: receivers report optimistic σ, so never believe them below this. */
  gnssMinStdM: number;
  /** Chi-square gate for a 2-dof GNSS innovation (–); 13.82 is the 99.9 % point, so only outliers fail. */
  gnssGateChi2: number;
  /** Chi-square gate for a 3-dof scan-match pose innovation (–); 16.27 is the 99.9 % point. */
  poseGateChi2: number;
  /** Initial std-dev of x and y when the filter starts without a covariance, m. */
  initialPositionStdM: number;
  /** Initial std-dev of θ when the filter starts without a covariance, rad. */
  initialHeadingStdRad: number;
}

/** Defaults tuned for a campus delivery robot at ~1.5 m/s with 2 % odometry drift and a consumer GNSS and IMU. */
export const defaultEkfParams: Readonly<EkfParams> = Object.freeze({
  odomDistanceFrac: 0.02,
  odomLateralFrac: 0.01,
  odomVarPerMM2: 2e-4,
  odomRotationFrac: 0,
  odomTurnVarPerRad: 5e-5,
  headingVarPerMRad2: 6e-6,
  yawRateStdRps: 0.005,
  initialOdomScaleStd: 0.03,
  odomScaleVarPerM: 1e-8,
  initialYawScaleStd: 0.02,
  yawScaleVarPerRad: 1e-8,
  initialGyroBiasStdRps: 0.003,
  gyroBiasVarPerS: 1e-10,
  gnssMinStdM: 0.5,
  gnssGateChi2: 13.82,
  poseGateChi2: 16.27,
  initialPositionStdM: 5,
  initialHeadingStdRad: 0.5,
});

/**
 * Problems with a parameter set, for a node to refuse at configure time (empty: fine). Every variance-like
 * parameter must be finite and ≥ 0, and the gates positive.
 */
export function validateEkfParams(p: Readonly<EkfParams>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(p)) {
    if (!Number.isFinite(value) || value < 0) problems.push(`${name} must be a finite number ≥ 0 (got ${value})`);
  }
  if (!(p.gnssGateChi2 > 0)) problems.push(`gnssGateChi2 must be > 0 (got ${p.gnssGateChi2})`);
  if (!(p.poseGateChi2 > 0)) problems.push(`poseGateChi2 must be > 0 (got ${p.poseGateChi2})`);
  if (!(p.initialPositionStdM > 0)) problems.push(`initialPositionStdM must be > 0 (got ${p.initialPositionStdM})`);
  if (!(p.initialHeadingStdRad > 0)) problems.push(`initialHeadingStdRad must be > 0 (got ${p.initialHeadingStdRad})`);
  return problems;
}

/** What an update did with its measurement. */
export interface EkfUpdateOutcome {
  accepted: boolean;
  /** Normalised innovation squared (Mahalanobis distance²) of the measurement before the update. */
  nis: number;
}

/** Wraps an angle into (-π, π]. */
export function wrapAngle(a: number): number {
  if (a > -Math.PI && a <= Math.PI) return a;
  const t = (a + Math.PI) % (2 * Math.PI);
  return t <= 0 ? t + Math.PI : t - Math.PI;
}

/**
 * State size: x, y, θ, odometry scale error k (true distance = odometry × (1 + k)), gyro bias b (rad/s), wheel turn
 * scale error kθ (true turn = wheel turn × (1 + kθ)).
 */
const N = 6;
const NN = N * N;

/**
 * The filter. State and covariance are read through `pose()` / `covariance()`; both copy into the caller's object
 * or array when one is given, so a hot loop can read without allocating.
 */
export class Ekf2D {
  readonly params: Readonly<EkfParams>;
  readonly #s = new Float64Array(N);
  /** Covariance, N×N row-major. */
  readonly #P = new Float64Array(NN);
  // Scratch, sized for the largest case.
  readonly #F = new Float64Array(NN);
  readonly #T = new Float64Array(NN);
  readonly #A = new Float64Array(NN);
  readonly #S = new Float64Array(9);
  readonly #Sinv = new Float64Array(9);
  readonly #K = new Float64Array(N * 3);
  readonly #nu = new Float64Array(3);
  readonly #R = new Float64Array(9);
  readonly #outcome: EkfUpdateOutcome = { accepted: false, nis: 0 };

  constructor(params: Partial<EkfParams> = {}, initial?: Pose2) {
    this.params = Object.freeze({ ...defaultEkfParams, ...params });
    this.reset(initial ?? { x: 0, y: 0, theta: 0 });
  }

  /**
   * Restarts at `pose` with the given pose covariance (3×3 row-major) or the default initial one; the odometry
   * scales and gyro bias restart at zero with their initial uncertainty.
   */
  reset(pose: Pose2, covariance?: ArrayLike<number>): void {
    const p = this.params;
    this.#s.fill(0);
    this.#s[0] = pose.x;
    this.#s[1] = pose.y;
    this.#s[2] = wrapAngle(pose.theta);
    const P = this.#P;
    P.fill(0);
    if (covariance) {
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) P[i * N + j] = covariance[i * 3 + j]!;
    } else {
      P[0] = p.initialPositionStdM ** 2;
      P[N + 1] = p.initialPositionStdM ** 2;
      P[2 * N + 2] = p.initialHeadingStdRad ** 2;
    }
    P[3 * N + 3] = p.initialOdomScaleStd ** 2;
    P[4 * N + 4] = p.initialGyroBiasStdRps ** 2;
    P[5 * N + 5] = p.initialYawScaleStd ** 2;
    this.#symmetrise();
  }

  /** Current pose estimate, copied into `out` when given. */
  pose(out: Pose2 = { x: 0, y: 0, theta: 0 }): Pose2 {
    out.x = this.#s[0]!;
    out.y = this.#s[1]!;
    out.theta = this.#s[2]!;
    return out;
  }

  /** Current pose covariance, 3×3 row-major over (x, y, θ), copied into `out` when given. */
  covariance(out: Float64Array = new Float64Array(9)): Float64Array {
    const P = this.#P;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[i * 3 + j] = P[i * N + j]!;
    return out;
  }

  /** The whole 6×6 covariance over (x, y, θ, k, b, kθ), row-major, copied into `out` (diagnostics and tests). */
  fullCovariance(out: Float64Array = new Float64Array(NN)): Float64Array {
    out.set(this.#P);
    return out;
  }

  /** Estimated odometry scale error k: true distance ≈ odometry distance × (1 + k). */
  get odomScaleError(): number {
    return this.#s[3]!;
  }

  /** Estimated gyro bias, rad/s (subtracted from the IMU yaw rate). */
  get gyroBiasRps(): number {
    return this.#s[4]!;
  }

  /** Estimated wheel turn scale error kθ: true turn ≈ wheel turn × (1 + kθ). */
  get yawScaleError(): number {
    return this.#s[5]!;
  }

  /**
   * Moves the estimate by one motion increment in the robot frame: `dForwardM` along the heading (wheel odometry),
   * `dThetaRad` turned. When `fromImu` is true the heading change came from integrating the IMU yaw rate over
   * `dtS` (the estimated gyro bias is removed and the gyro noise applies); otherwise it is the wheels' (scaled by
   * the estimated turn scale error, with the wheels' turn noise).
   */
  predict(dForwardM: number, dThetaRad: number, dtS: number, fromImu = true): void {
    const p = this.params;
    const dist = Math.abs(dForwardM * (1 + this.#s[3]!));
    if (fromImu) {
      const varTheta = (p.yawRateStdRps * dtS) ** 2 + p.headingVarPerMRad2 * dist;
      this.#propagate(dForwardM, dThetaRad - this.#s[4]! * dtS, dtS, 1, 0, varTheta);
    } else {
      this.#propagate(dForwardM, dThetaRad * (1 + this.#s[5]!), dtS, 0, dThetaRad, this.#wheelTurnVar(dThetaRad, dist));
    }
  }

  /** Heading variance of one step whose turn `dThetaRad` came from the wheels over `dist` metres. */
  #wheelTurnVar(dThetaRad: number, dist: number): number {
    const p = this.params;
    return (p.odomRotationFrac * dThetaRad) ** 2 + p.odomTurnVarPerRad * Math.abs(dThetaRad) + p.headingVarPerMRad2 * dist;
  }

  /**
   * The motion model: moves by `dForwardM` (scaled by the estimated odometry scale) and turns by the corrected `dth`,
   * of which `gyroShare` came from the gyro (so the bias enters with −gyroShare·dt) and the rest from the wheel turn
   * `wheelTurnRad` (so the turn scale error enters with (1 − gyroShare)·wheelTurnRad), with heading process noise
   * `varTheta`.
   */
  #propagate(dForwardM: number, dth: number, dtS: number, gyroShare: number, wheelTurnRad: number, varTheta: number): void {
    const p = this.params;
    const s = this.#s;
    const P = this.#P;
    const scale = 1 + s[3]!;
    const ds = dForwardM * scale;
    const dist = Math.abs(ds);
    // Midpoint heading: exact for a constant-curvature arc to second order, and cheap.
    const thm = s[2]! + 0.5 * dth;
    const c = Math.cos(thm);
    const sn = Math.sin(thm);
    s[0] = s[0]! + ds * c;
    s[1] = s[1]! + ds * sn;
    s[2] = wrapAngle(s[2]! + dth);

    // Jacobian of the motion w.r.t. the state: the identity plus rows 0–2 over columns 2–5 (the pose depends on
    // the heading, the two scale errors and the gyro bias; the scales and the bias only on themselves). P ← F P Fᵀ
    // is done on that structure: O(N²) instead of two dense O(N³) products, the EKF's hot spot in a fleet run.
    const dthBias = -dtS * gyroShare;
    const dthYawScale = (1 - gyroShare) * wheelTurnRad;
    const F = this.#F;
    // Row r of F (r = 0, 1, 2) as its entries on columns 2, 3, 4, 5.
    F[0] = -ds * sn;
    F[1] = dForwardM * c;
    F[2] = -0.5 * ds * sn * dthBias;
    F[3] = -0.5 * ds * sn * dthYawScale;
    F[4] = ds * c;
    F[5] = dForwardM * sn;
    F[6] = 0.5 * ds * c * dthBias;
    F[7] = 0.5 * ds * c * dthYawScale;
    F[8] = 1;
    F[9] = 0;
    F[10] = dthBias;
    F[11] = dthYawScale;
    // T = F P: rows 3.. are P's; rows 0–2 add F's off-identity entries (row 2's diagonal 1 is F[8], not added twice).
    const T = this.#T;
    for (let r = 0; r < 3; r++) {
      const f2 = F[r * 4]!, f3 = F[r * 4 + 1]!, f4 = F[r * 4 + 2]!, f5 = F[r * 4 + 3]!;
      for (let j = 0; j < N; j++) {
        T[r * N + j] =
          (r === 2 ? 0 : P[r * N + j]!) + f2 * P[2 * N + j]! + f3 * P[3 * N + j]! + f4 * P[4 * N + j]! + f5 * P[5 * N + j]!;
      }
    }
    // P' = T Fᵀ: column j of Fᵀ is row j of F. For j ≥ 3 that is e_j; for j < 3 the same sparse row.
    for (let i = 0; i < N; i++) {
      const ti = i < 3 ? T : P;
      const o = i * N;
      const t2 = ti[o + 2]!, t3 = ti[o + 3]!, t4 = ti[o + 4]!, t5 = ti[o + 5]!;
      for (let j = 0; j < 3; j++) {
        const f2 = F[j * 4]!, f3 = F[j * 4 + 1]!, f4 = F[j * 4 + 2]!, f5 = F[j * 4 + 3]!;
        this.#A[o + j] = (j === 2 ? 0 : ti[o + j]!) + f2 * t2 + f3 * t3 + f4 * t4 + f5 * t5;
      }
      for (let j = 3; j < N; j++) this.#A[o + j] = ti[o + j]!;
    }
    // Symmetric by construction; the upper triangle is mirrored so rounding cannot make it otherwise.
    const A = this.#A;
    for (let i = 0; i < N; i++) {
      for (let j = i; j < N; j++) {
        const v = A[i * N + j]!;
        P[i * N + j] = v;
        P[j * N + i] = v;
      }
    }

    // Process noise: along-track, cross-track (slip) and heading, mapped into (x, y, θ).
    const varAlong = (p.odomDistanceFrac * dist) ** 2 + p.odomVarPerMM2 * dist;
    const varLat = (p.odomLateralFrac * dist) ** 2 + p.odomVarPerMM2 * dist;
    // The heading noise during this step also bends the path: half the turn acts over the step.
    const h = 0.5 * ds;
    const q01 = c * sn * (varAlong - varLat) - h * h * sn * c * varTheta;
    P[0] = P[0]! + c * c * varAlong + sn * sn * varLat + h * h * sn * sn * varTheta;
    P[1] = P[1]! + q01;
    P[N] = P[1]!;
    P[N + 1] = P[N + 1]! + sn * sn * varAlong + c * c * varLat + h * h * c * c * varTheta;
    P[2] = P[2]! - h * sn * varTheta;
    P[2 * N] = P[2]!;
    P[N + 2] = P[N + 2]! + h * c * varTheta;
    P[2 * N + 1] = P[N + 2]!;
    P[2 * N + 2] = P[2 * N + 2]! + varTheta;
    if (p.initialOdomScaleStd > 0) P[3 * N + 3] = P[3 * N + 3]! + p.odomScaleVarPerM * dist;
    if (p.initialGyroBiasStdRps > 0) P[4 * N + 4] = P[4 * N + 4]! + p.gyroBiasVarPerS * dtS;
    if (p.initialYawScaleStd > 0) P[5 * N + 5] = P[5 * N + 5]! + p.yawScaleVarPerRad * Math.abs(wheelTurnRad);
  }

  /**
   * Moves the estimate by one motion increment whose heading change comes from BOTH the gyro (`dThetaGyroRad`,
   * integrated over `dtS`) and the wheels (`dThetaWheelRad`). The gyro is precise over a step but carries a bias that
   * wanders; the wheels are unbiased on a straight but slip and misread turns. The step's heading change is their
   * variance-weighted mean (the gyro's variance includes the bias uncertainty, so an unsettled bias leans on the
   * wheels, and a turn, where the wheels misread, leans on the gyro); their difference then measures the gyro bias.
   * At the variance-optimal weight the heading's process noise and that bias measurement are uncorrelated, so the
   * two steps are a consistent EKF.
   */
  predictFused(dForwardM: number, dThetaGyroRad: number, dThetaWheelRad: number, dtS: number): void {
    const p = this.params;
    const P = this.#P;
    const dist = Math.abs(dForwardM * (1 + this.#s[3]!));
    const gyroVar = (p.yawRateStdRps * dtS) ** 2;
    const wheelVar = this.#wheelTurnVar(dThetaWheelRad, dist);
    const biasVar = p.initialGyroBiasStdRps > 0 ? P[4 * N + 4]! * dtS * dtS : 0;
    const alpha = wheelVar + gyroVar + biasVar > 0 ? wheelVar / (wheelVar + gyroVar + biasVar) : 1;
    const dth = alpha * (dThetaGyroRad - this.#s[4]! * dtS) + (1 - alpha) * dThetaWheelRad * (1 + this.#s[5]!);
    const headingVar = alpha * alpha * gyroVar + (1 - alpha) * (1 - alpha) * wheelVar;
    this.#propagate(dForwardM, dth, dtS, alpha, dThetaWheelRad, headingVar);
    // The gyro–wheel difference per second measures the bias: b + (gyro noise − wheel error) / dt. Only on a
    // straight: in a turn the wheels' scale error is systematic, which the per-step variance does not describe, and
    // it would drag the bias.
    const straight = (p.odomRotationFrac * dThetaWheelRad) ** 2 <= p.headingVarPerMRad2 * dist;
    if (p.initialGyroBiasStdRps > 0 && dtS > 0 && straight) {
      this.#updateScalar(4, (dThetaGyroRad - dThetaWheelRad) / dtS - this.#s[4]!, (gyroVar + wheelVar) / (dtS * dtS));
    }
  }

  /**
   * Corrects with a GNSS position (metric frame) whose covariance is [[varXX, varXY], [varXY, varYY]] m².
   * An innovation beyond the chi-square gate (multipath near buildings) is rejected and leaves the state alone.
   * The returned outcome object is reused by the next update.
   */
  updateGnss(xM: number, yM: number, varXX: number, varXY: number, varYY: number): EkfUpdateOutcome {
    const floor = this.params.gnssMinStdM ** 2;
    const R = this.#R;
    R.fill(0);
    R[0] = Math.max(varXX, floor);
    R[1] = varXY;
    R[3] = varXY;
    R[4] = Math.max(varYY, floor);
    this.#nu[0] = xM - this.#s[0]!;
    this.#nu[1] = yM - this.#s[1]!;
    return this.#update(2, this.params.gnssGateChi2);
  }

  /**
   * Corrects with a full pose measurement (a scan-to-map match) with its 3×3 covariance, row-major. The heading
   * innovation is wrapped; a match beyond the chi-square gate is rejected (a wrong association must not drag the
   * estimate). The returned outcome object is reused by the next update.
   */
  updatePose(pose: Pose2, covariance: ArrayLike<number>): EkfUpdateOutcome {
    const R = this.#R;
    for (let i = 0; i < 9; i++) R[i] = covariance[i]!;
    // Symmetrise what the caller gave us: an asymmetric R would make S asymmetric and the gate meaningless.
    R[1] = R[3] = 0.5 * (R[1]! + R[3]!);
    R[2] = R[6] = 0.5 * (R[2]! + R[6]!);
    R[5] = R[7] = 0.5 * (R[5]! + R[7]!);
    this.#nu[0] = pose.x - this.#s[0]!;
    this.#nu[1] = pose.y - this.#s[1]!;
    this.#nu[2] = wrapAngle(pose.theta - this.#s[2]!);
    return this.#update(3, this.params.poseGateChi2);
  }

  /** Normalised estimation error squared of `truth` against the estimate, over x, y (dims=2) or x, y, θ (dims=3). */
  nees(truth: Pose2, dims: 2 | 3 = 2): number {
    const e0 = truth.x - this.#s[0]!;
    const e1 = truth.y - this.#s[1]!;
    const P = this.#P;
    if (dims === 2) {
      const det = P[0]! * P[N + 1]! - P[1]! * P[1]!;
      return (P[N + 1]! * e0 * e0 - 2 * P[1]! * e0 * e1 + P[0]! * e1 * e1) / det;
    }
    const e2 = wrapAngle(truth.theta - this.#s[2]!);
    const C = this.#S;
    this.covariance(C);
    const I = this.#Sinv;
    invert3(C, I);
    return (
      e0 * (I[0]! * e0 + I[1]! * e1 + I[2]! * e2) +
      e1 * (I[3]! * e0 + I[4]! * e1 + I[5]! * e2) +
      e2 * (I[6]! * e0 + I[7]! * e1 + I[8]! * e2)
    );
  }

  /**
   * Update with H = [I_m 0] (the measurement observes the first m state components), innovation in #nu, noise in #R
   * (3×3 storage, top-left m×m used). Joseph form keeps P symmetric positive semi-definite under rounding.
   */
  #update(m: 2 | 3, gate: number): EkfUpdateOutcome {
    const P = this.#P, R = this.#R, S = this.#S, Si = this.#Sinv, K = this.#K, nu = this.#nu;
    const out = this.#outcome;
    S.fill(0);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) S[i * 3 + j] = P[i * N + j]! + R[i * 3 + j]!;
    if (m === 2) {
      const det = S[0]! * S[4]! - S[1]! * S[3]!;
      if (!(det > 0)) {
        out.accepted = false;
        out.nis = Number.POSITIVE_INFINITY;
        return out;
      }
      Si.fill(0);
      Si[0] = S[4]! / det;
      Si[1] = -S[1]! / det;
      Si[3] = -S[3]! / det;
      Si[4] = S[0]! / det;
    } else if (!invert3(S, Si)) {
      out.accepted = false;
      out.nis = Number.POSITIVE_INFINITY;
      return out;
    }
    let nis = 0;
    for (let i = 0; i < m; i++) {
      let acc = 0;
      for (let j = 0; j < m; j++) acc += Si[i * 3 + j]! * nu[j]!;
      nis += nu[i]! * acc;
    }
    out.nis = nis;
    if (!(nis <= gate)) {
      out.accepted = false;
      return out;
    }
    // K = P Hᵀ S⁻¹ (N×m, stored N×3).
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < 3; j++) {
        let acc = 0;
        if (j < m) for (let k = 0; k < m; k++) acc += P[i * N + k]! * Si[k * 3 + j]!;
        K[i * 3 + j] = acc;
      }
    }
    const s = this.#s;
    for (let i = 0; i < N; i++) {
      let acc = 0;
      for (let j = 0; j < m; j++) acc += K[i * 3 + j]! * nu[j]!;
      s[i] = s[i]! + acc;
    }
    s[2] = wrapAngle(s[2]!);
    // Joseph form: P = A P Aᵀ + K R Kᵀ with A = I - K H. With H = [I_m 0], column k ≥ m of A is the unit vector e_k,
    // so of the dense sums' terms over k only those with k < m are products; the k = i (or j) term is the P (or T)
    // entry itself and the rest are exact zeros. Adding just the non-zero terms, in the same order, gives the same
    // sums bit for bit (a sum that starts at +0 never turns -0, so dropping ±0 terms changes nothing; P is finite),
    // at a third of the work: the update runs ten times a simulated second per robot.
    const A = this.#A, T = this.#T;
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < m; k++) A[i * N + k] = (i === k ? 1 : 0) - K[i * 3 + k]!;
    }
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        let acc = 0;
        for (let k = 0; k < m; k++) acc += A[i * N + k]! * P[k * N + j]!;
        if (i >= m) acc += P[i * N + j]!;
        T[i * N + j] = acc;
      }
    }
    for (let i = 0; i < N; i++) {
      for (let j = i; j < N; j++) {
        let acc = 0;
        for (let k = 0; k < m; k++) acc += T[i * N + k]! * A[j * N + k]!;
        if (j >= m) acc += T[i * N + j]!;
        for (let a = 0; a < m; a++) {
          const kia = K[i * 3 + a]!;
          for (let b = 0; b < m; b++) acc += kia * R[a * 3 + b]! * K[j * 3 + b]!;
        }
        P[i * N + j] = acc;
        P[j * N + i] = acc;
      }
    }
    this.#symmetrise();
    out.accepted = true;
    return out;
  }

  /** Update of state `i` alone with innovation `nu` and noise variance `r` (no gate: used for the gyro bias). */
  #updateScalar(i: number, nu: number, r: number): void {
    const P = this.#P, K = this.#K, s = this.#s;
    const S = P[i * N + i]! + r;
    if (!(S > 0)) return;
    for (let k = 0; k < N; k++) K[k] = P[k * N + i]! / S;
    for (let k = 0; k < N; k++) s[k] = s[k]! + K[k]! * nu;
    s[2] = wrapAngle(s[2]!);
    // P ← P − K S Kᵀ (symmetric by construction; symmetrise guards rounding).
    for (let a = 0; a < N; a++) for (let b = a; b < N; b++) {
      const v = P[a * N + b]! - K[a]! * K[b]! * S;
      P[a * N + b] = v;
      P[b * N + a] = v;
    }
    this.#symmetrise();
  }

  #symmetrise(): void {
    const P = this.#P;
    for (let i = 0; i < N; i++) {
      for (let j = i + 1; j < N; j++) {
        const v = 0.5 * (P[i * N + j]! + P[j * N + i]!);
        P[i * N + j] = v;
        P[j * N + i] = v;
      }
    }
    // Rounding can push a tiny pose variance negative after many updates; clamp so sqrt and the gate stay defined.
    for (let i = 0; i < 3; i++) if (P[i * N + i]! < 1e-12) P[i * N + i] = 1e-12;
  }
}

/** Inverts a 3×3 row-major matrix into `out`; false when it is singular. */
export function invert3(M: ArrayLike<number>, out: Float64Array): boolean {
  const a = M[0]!, b = M[1]!, c = M[2]!, d = M[3]!, e = M[4]!, f = M[5]!, g = M[6]!, h = M[7]!, i = M[8]!;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!(Math.abs(det) > 1e-300)) return false;
  const inv = 1 / det;
  out[0] = A * inv;
  out[1] = -(b * i - c * h) * inv;
  out[2] = (b * f - c * e) * inv;
  out[3] = B * inv;
  out[4] = (a * i - c * g) * inv;
  out[5] = -(a * f - c * d) * inv;
  out[6] = C * inv;
  out[7] = -(a * h - b * g) * inv;
  out[8] = (a * e - b * d) * inv;
  return true;
}
