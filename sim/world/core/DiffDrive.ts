/**
 * Differential-drive (unicycle) kinematics with the limits a real base has: commanded (v, ω) are rate-limited by
 * acceleration and deceleration, capped in speed and yaw rate, and scaled so neither wheel exceeds the top speed;
 * the pose then moves along the exact arc for the step. Pure: state in, state out (mutated in place to avoid
 * allocating per tick).
 */
import { normalizeAngle } from '../../../robot/ros/core/messageHelpers.ts';

export interface DiffDriveLimits {
  /** Top forward speed, m/s (also each wheel's top speed). */
  maxSpeedMps: number;
  /** Top reverse speed, m/s (positive number). */
  maxReverseMps: number;
  /** Speeding up, m/s². */
  maxAccelMps2: number;
  /** Slowing down (toward zero), m/s²; larger than accel, as brakes are. */
  maxDecelMps2: number;
  maxYawRateRadps: number;
  maxYawAccelRadps2: number;
  /** Distance between the wheels, m. */
  wheelBaseM: number;
}

export const DEFAULT_DIFF_DRIVE_LIMITS: DiffDriveLimits = {
  maxSpeedMps: 1.5,
  maxReverseMps: 0.3,
  maxAccelMps2: 1.0,
  maxDecelMps2: 2.0,
  maxYawRateRadps: 1.5,
  maxYawAccelRadps2: 3.0,
  wheelBaseM: 0.45,
};

/** Ground-truth motion state: pose in the map frame and the velocities actually achieved. */
export interface DriveState {
  x: number;
  y: number;
  theta: number;
  vMps: number;
  omegaRadps: number;
}

export class DiffDrive {
  readonly limits: DiffDriveLimits;

  constructor(limits: Partial<DiffDriveLimits> = {}) {
    this.limits = { ...DEFAULT_DIFF_DRIVE_LIMITS, ...limits };
    for (const [k, v] of Object.entries(this.limits)) {
      if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`DiffDrive: limit ${k} must be a finite number > 0, got ${v}`);
    }
  }

  /** Advances `state` by `dtS` toward the command (vCmd m/s, ωCmd rad/s); returns `state`. */
  step(state: DriveState, vCmdMps: number, omegaCmdRadps: number, dtS: number): DriveState {
    const L = this.limits;
    // A NaN command is a controller bug; stopping is the safe reading of it.
    const vTarget = clamp(Number.isFinite(vCmdMps) ? vCmdMps : 0, -L.maxReverseMps, L.maxSpeedMps);
    const wTarget = clamp(Number.isFinite(omegaCmdRadps) ? omegaCmdRadps : 0, -L.maxYawRateRadps, L.maxYawRateRadps);

    const v0 = state.vMps;
    const speedingUp = Math.abs(vTarget) > Math.abs(v0) && Math.sign(vTarget) !== -Math.sign(v0);
    const dvMax = (speedingUp ? L.maxAccelMps2 : L.maxDecelMps2) * dtS;
    let v = v0 + clamp(vTarget - v0, -dvMax, dvMax);
    const dwMax = L.maxYawAccelRadps2 * dtS;
    const w = state.omegaRadps + clamp(wTarget - state.omegaRadps, -dwMax, dwMax);

    // Keep the turn and give up speed when a wheel would exceed its top speed: slowing is safe, cutting a turn is not.
    const wheelExcess = Math.abs(v) + (Math.abs(w) * L.wheelBaseM) / 2 - L.maxSpeedMps;
    if (wheelExcess > 0) v = Math.sign(v) * Math.max(0, Math.abs(v) - wheelExcess);

    const th = state.theta;
    const dth = w * dtS;
    if (Math.abs(dth) < 1e-9) {
      state.x += v * dtS * Math.cos(th + dth / 2);
      state.y += v * dtS * Math.sin(th + dth / 2);
    } else {
      const r = v / w;
      state.x += r * (Math.sin(th + dth) - Math.sin(th));
      state.y -= r * (Math.cos(th + dth) - Math.cos(th));
    }
    state.theta = normalizeAngle(th + dth);
    state.vMps = v;
    state.omegaRadps = w;
    return state;
  }

  /** Left and right wheel speeds, m/s, for a (v, ω). */
  wheelSpeeds(vMps: number, omegaRadps: number): { leftMps: number; rightMps: number } {
    const half = (omegaRadps * this.limits.wheelBaseM) / 2;
    return { leftMps: vMps - half, rightMps: vMps + half };
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
