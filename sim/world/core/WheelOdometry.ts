/**
 * Wheel odometry as a real base produces it: it integrates its own pose from what the wheels report, so its errors
 * accumulate. Each robot gets a fixed distance scale error (worn tyres, wrong wheel diameter: `scaleError` with a
 * random sign) and a fixed yaw-rate scale error, plus per-step slip noise that grows with distance travelled.
 */
import type { Random } from '../../../common/core/Random.ts';
import { normalizeAngle } from '../../../robot/ros/core/messageHelpers.ts';

export interface WheelOdometryParams {
  /** Fraction by which travelled distance is misread, e.g. 0.02 = 2 % (sign drawn per robot). */
  scaleError: number;
  /** Fraction by which turn rate is misread (sign drawn per robot). */
  yawScaleError: number;
  /** Slip noise on distance, m per √m travelled. */
  slipSdPerSqrtM: number;
  /** Heading noise, rad per √m travelled. */
  yawSlipSdPerSqrtM: number;
  /** Yaw-rate noise while turning, rad per √rad turned. */
  yawTurnSdPerSqrtRad: number;
}

export const DEFAULT_WHEEL_ODOMETRY: WheelOdometryParams = {
  scaleError: 0.02,
  yawScaleError: 0.01,
  slipSdPerSqrtM: 0.01,
  yawSlipSdPerSqrtM: 0.002,
  yawTurnSdPerSqrtRad: 0.005,
};

/** The odometry frame pose and twist, as nav_msgs/Odometry carries them (the node converts). */
export interface OdometrySample {
  x: number;
  y: number;
  theta: number;
  vMps: number;
  omegaRadps: number;
  /** Distance the odometry believes it has travelled, m. */
  distanceM: number;
}

export class WheelOdometry {
  readonly params: WheelOdometryParams;
  readonly #rng: Random;
  readonly #distScale: number;
  readonly #yawScale: number;
  readonly #sample: OdometrySample;

  /** Starts at the odom-frame origin unless given a start pose (REP 105: odom starts where the robot boots). */
  constructor(rng: Random, params: Partial<WheelOdometryParams> = {}, start = { x: 0, y: 0, theta: 0 }) {
    this.params = { ...DEFAULT_WHEEL_ODOMETRY, ...params };
    this.#rng = rng;
    this.#distScale = 1 + (rng.chance(0.5) ? 1 : -1) * this.params.scaleError;
    this.#yawScale = 1 + (rng.chance(0.5) ? 1 : -1) * this.params.yawScaleError;
    this.#sample = { x: start.x, y: start.y, theta: start.theta, vMps: 0, omegaRadps: 0, distanceM: 0 };
  }

  /** This robot's distance scale factor (truth, for metrics and tests). */
  get distanceScale(): number {
    return this.#distScale;
  }

  /**
   * Integrates one step of true motion (v, ω over dtS) as the wheels would misreport it; returns the odometry's
   * state, which is reused between calls (copy it to keep it).
   */
  sample(truth: { vMps: number; omegaRadps: number }, dtS: number): OdometrySample {
    const p = this.params;
    const trueDist = truth.vMps * dtS;
    const absDist = Math.abs(trueDist);
    const trueTurn = truth.omegaRadps * dtS;
    let d = trueDist * this.#distScale;
    let dth = trueTurn * this.#yawScale;
    if (absDist > 0) {
      d += this.#rng.normal(0, p.slipSdPerSqrtM * Math.sqrt(absDist));
      dth += this.#rng.normal(0, p.yawSlipSdPerSqrtM * Math.sqrt(absDist));
    }
    if (trueTurn !== 0) dth += this.#rng.normal(0, p.yawTurnSdPerSqrtRad * Math.sqrt(Math.abs(trueTurn)));
    const s = this.#sample;
    const mid = s.theta + dth / 2;
    s.x += d * Math.cos(mid);
    s.y += d * Math.sin(mid);
    s.theta = normalizeAngle(s.theta + dth);
    s.vMps = dtS > 0 ? d / dtS : 0;
    s.omegaRadps = dtS > 0 ? dth / dtS : 0;
    s.distanceM += Math.abs(d);
    return s;
  }
}
