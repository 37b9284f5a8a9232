/**
 * The pose the controller tracks: wheel odometry carried into the map frame by a map→odom correction that follows
 * the localization estimate smoothly. The estimate itself jumps at each GNSS fix and scan match (~0.1 m at 1 Hz);
 * pure pursuit fed those jumps steers after every one. Here odometry gives the continuous motion and the correction
 * only creeps towards the estimate (first-order lag, rate-capped), as a Nav2 controller tracks in `odom` while the
 * map→odom transform absorbs localization's corrections. A correction gap too large to be noise (start-up, a
 * re-localization) is taken at once.
 */
import type { Pose2 } from '../../../maps/core/types.ts';
import { exactHypot } from './exactHypot.ts';

export interface PoseCorrectionParams {
  /** Time constant of the lag towards the estimate, s (0: follow the estimate exactly). */
  timeConstantS: number;
  /** Fastest the tracked position may be pulled towards the estimate, m/s. */
  maxRateMps: number;
  /** Fastest the tracked heading may be turned towards the estimate, rad/s. */
  maxRateRps: number;
  /** A position gap beyond this is taken at once, m. */
  snapDistanceM: number;
}

export const defaultPoseCorrectionParams: Readonly<PoseCorrectionParams> = Object.freeze({
  timeConstantS: 2,
  maxRateMps: 0.25,
  maxRateRps: 0.2,
  snapDistanceM: 2,
});

/** The smoothed map→odom transform: map = R(theta)·odom + (x, y). */
export interface PoseCorrection {
  x: number;
  y: number;
  theta: number;
  initialized: boolean;
}

export function createPoseCorrection(): PoseCorrection {
  return { x: 0, y: 0, theta: 0, initialized: false };
}

/** `odom` carried into the map frame by the correction `c`, written to `out`. */
export function applyPoseCorrection(c: Readonly<PoseCorrection>, odom: Readonly<Pose2>, out: Pose2): Pose2 {
  const cos = Math.cos(c.theta), sin = Math.sin(c.theta);
  const x = c.x + cos * odom.x - sin * odom.y;
  const y = c.y + sin * odom.x + cos * odom.y;
  out.x = x;
  out.y = y;
  out.theta = wrapAngle(odom.theta + c.theta);
  return out;
}

/** The transform that carries `odom` exactly onto `map` (the raw map→odom correction), written to `out`. */
export function poseCorrectionBetween(map: Readonly<Pose2>, odom: Readonly<Pose2>, out: PoseCorrection): PoseCorrection {
  const theta = wrapAngle(map.theta - odom.theta);
  const cos = Math.cos(theta), sin = Math.sin(theta);
  out.theta = theta;
  out.x = map.x - (cos * odom.x - sin * odom.y);
  out.y = map.y - (sin * odom.x + cos * odom.y);
  out.initialized = true;
  return out;
}

/**
 * One control tick: moves the correction so the tracked pose (odometry `odom` through it) goes a step of `dtS`
 * towards `target`, the estimate carried to the odometry's time; writes the tracked pose to `out`. The step is
 * taken at the robot, not about the odom origin, so a heading correction does not swing the position by the
 * distance driven.
 */
export function updatePoseCorrection(
  c: PoseCorrection,
  odom: Readonly<Pose2>,
  target: Readonly<Pose2>,
  dtS: number,
  p: Readonly<PoseCorrectionParams>,
  out: Pose2,
): Pose2 {
  applyPoseCorrection(c, odom, out);
  const ex = target.x - out.x, ey = target.y - out.y;
  const eTheta = wrapAngle(target.theta - out.theta);
  const gap = exactHypot(ex, ey);
  let nx = target.x, ny = target.y, nTheta = target.theta;
  if (c.initialized && gap <= p.snapDistanceM && p.timeConstantS > 0) {
    const dt = Math.max(0, dtS);
    const alpha = 1 - Math.exp(-dt / p.timeConstantS);
    const step = Math.min(alpha * gap, p.maxRateMps * dt);
    const k = gap > 1e-12 ? step / gap : 0;
    const turn = clampAbs(alpha * eTheta, p.maxRateRps * dt);
    nx = out.x + k * ex;
    ny = out.y + k * ey;
    nTheta = out.theta + turn;
  }
  out.x = nx;
  out.y = ny;
  out.theta = wrapAngle(nTheta);
  poseCorrectionBetween(out, odom, c);
  return out;
}

function clampAbs(v: number, limit: number): number {
  return v > limit ? limit : v < -limit ? -limit : v;
}

function wrapAngle(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}
