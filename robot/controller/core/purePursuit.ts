/**
 * Regulated pure pursuit: steer along the arc through a lookahead point on the path, with the lookahead growing with
 * speed, the speed regulated for curvature, obstacles and the approach to the goal, and a rotate-in-place when the
 * path lies well off the robot's heading. One call per control tick; state in, state out, nothing allocated.
 */
import type { Pose2, Vec2 } from '../../../maps/core/types.ts';
import { exactHypot } from './exactHypot.ts';
import { type RegulationParams, defaultRegulationParams, regulateSpeed } from './regulation.ts';
import { type PathProjection, type TrackedPath, createPathProjection, pointAtArcLength, projectOntoPath } from './TrackedPath.ts';

export interface PurePursuitParams extends RegulationParams {
  /** Cruise speed on a straight, clear path, m/s. */
  desiredSpeedMps: number;
  /** Lookahead distance = speed × this, s (then clamped). */
  lookaheadTimeS: number;
  /** Shortest lookahead, m: shorter tracks tighter but oscillates. */
  minLookaheadM: number;
  /** Longest lookahead, m. */
  maxLookaheadM: number;
  /** Rotate in place when the lookahead point is more than this off the heading, rad. */
  rotateToHeadingMinAngleRad: number;
  /** Turn rate while rotating in place, rad/s. */
  rotateToHeadingSpeedRps: number;
  /** Largest turn rate ever commanded, rad/s. */
  maxAngularSpeedRps: number;
  /** Largest speed-up, m/s². */
  maxAccelMps2: number;
  /** Largest slow-down the controller asks for (emergency stops are the collision monitor's), m/s². */
  maxDecelMps2: number;
  /** How far ahead of the last progress the nearest-point search looks, m. */
  progressWindowM: number;
  /** The goal is reached within this distance of the path's end, m. */
  goalToleranceM: number;
}

/** Defaults for a ~1.5 m/s delivery robot on campus footways. */
export const defaultPurePursuitParams: Readonly<PurePursuitParams> = Object.freeze({
  ...defaultRegulationParams,
  desiredSpeedMps: 1.5,
  lookaheadTimeS: 0.8,
  minLookaheadM: 0.5,
  maxLookaheadM: 1.5,
  rotateToHeadingMinAngleRad: 0.9,
  rotateToHeadingSpeedRps: 1.0,
  maxAngularSpeedRps: 1.5,
  maxAccelMps2: 1.0,
  maxDecelMps2: 2.5,
  progressWindowM: 3,
  goalToleranceM: 0.15,
});

/** Problems with a parameter set, for a node to refuse at configure time (empty: fine). */
export function validatePurePursuitParams(p: Readonly<PurePursuitParams>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(p)) {
    if (!Number.isFinite(value) || value < 0) problems.push(`${name} must be a finite number ≥ 0 (got ${value})`);
  }
  if (!(p.minLookaheadM > 0 && p.minLookaheadM <= p.maxLookaheadM)) {
    problems.push(`need 0 < minLookaheadM (${p.minLookaheadM}) ≤ maxLookaheadM (${p.maxLookaheadM})`);
  }
  if (!(p.obstacleMinDistM < p.obstacleSlowdownDistM)) {
    problems.push(`obstacleMinDistM (${p.obstacleMinDistM}) must be below obstacleSlowdownDistM (${p.obstacleSlowdownDistM})`);
  }
  if (p.minRegulatedSpeedMps > p.desiredSpeedMps) {
    problems.push(`minRegulatedSpeedMps (${p.minRegulatedSpeedMps}) exceeds desiredSpeedMps (${p.desiredSpeedMps})`);
  }
  if (!(p.maxAngularSpeedRps > 0 && p.maxDecelMps2 > 0 && p.maxAccelMps2 > 0)) {
    problems.push('maxAngularSpeedRps, maxAccelMps2 and maxDecelMps2 must be > 0');
  }
  return problems;
}

/** What the controller remembers between ticks. Create with `createPurePursuitState`; reset it for a new path. */
export interface PurePursuitState {
  /** Segment the robot is on; only moves forward. */
  segmentIndex: number;
  /** Speed commanded last tick, m/s. */
  lastSpeedMps: number;
}

export function createPurePursuitState(): PurePursuitState {
  return { segmentIndex: 0, lastSpeedMps: 0 };
}

/** Per-tick inputs besides the path and the pose. */
export interface PurePursuitInput {
  /** Time since the last tick, s. */
  dtS: number;
  /** Distance to the nearest obstacle near the robot or its path, m (Infinity when none). */
  obstacleDistM: number;
  /** Track the path shifted this far to the left (negative: right), m; from local avoidance. */
  lateralOffsetM: number;
  /** Cap on the speed this tick (e.g. avoidance says blocked: 0), m/s. */
  speedLimitMps: number;
}

export type PurePursuitMode = 'tracking' | 'rotating' | 'goal-reached';

/** The command and what the controller saw. Write into one object per robot, reused every tick. */
export interface PurePursuitOutput {
  linearMps: number;
  angularRps: number;
  mode: PurePursuitMode;
  /** Signed distance from the path's centre line, left positive, m (the KPI). */
  crossTrackM: number;
  /** Signed distance from the (avoidance-shifted) path being tracked, m. */
  trackingErrorM: number;
  /** Arc length of the robot's projection on the path, m. */
  progressM: number;
  /** Path length left, m. */
  remainingM: number;
  /** Curvature of the pursuit arc, 1/m. */
  curvature: number;
  lookahead: Vec2;
}

export function createPurePursuitOutput(): PurePursuitOutput {
  return {
    linearMps: 0,
    angularRps: 0,
    mode: 'tracking',
    crossTrackM: 0,
    trackingErrorM: 0,
    progressM: 0,
    remainingM: 0,
    curvature: 0,
    lookahead: { x: 0, y: 0 },
  };
}

// Scratch shared by every call: the function is synchronous and single-threaded, so one is enough.
const projection: PathProjection = createPathProjection();

/**
 * One control tick: from the robot's `pose` on `path`, returns (in `out`) the velocity command. Updates `state`
 * (progress and last speed).
 */
export function purePursuitStep(
  path: TrackedPath,
  pose: Pose2,
  input: PurePursuitInput,
  state: PurePursuitState,
  p: Readonly<PurePursuitParams>,
  out: PurePursuitOutput,
): PurePursuitOutput {
  const proj = projectOntoPath(path, pose.x, pose.y, state.segmentIndex, p.progressWindowM, projection);
  state.segmentIndex = proj.segmentIndex;
  out.crossTrackM = proj.lateralM;
  out.trackingErrorM = proj.lateralM - input.lateralOffsetM;
  out.progressM = proj.sM;
  const remaining = path.lengthM - proj.sM;
  out.remainingM = remaining;

  const distToEnd = exactHypot(
    path.xy[2 * path.count - 2]! - pose.x,
    path.xy[2 * path.count - 1]! - pose.y,
  );
  if (remaining <= p.goalToleranceM && distToEnd <= p.goalToleranceM + Math.abs(input.lateralOffsetM)) {
    return stop(out, state, 'goal-reached');
  }

  const speedNow = Math.max(Math.abs(state.lastSpeedMps), p.minRegulatedSpeedMps);
  const lookaheadM = Math.min(p.maxLookaheadM, Math.max(p.minLookaheadM, speedNow * p.lookaheadTimeS));
  pointAtArcLength(path, proj.sM + lookaheadM, input.lateralOffsetM, proj.segmentIndex, out.lookahead);
  const dx = out.lookahead.x - pose.x, dy = out.lookahead.y - pose.y;
  const c = Math.cos(pose.theta), s = Math.sin(pose.theta);
  const lx = c * dx + s * dy;
  const ly = -s * dx + c * dy;
  const d2 = lx * lx + ly * ly;
  const curvature = d2 > 1e-12 ? (2 * ly) / d2 : 0;
  out.curvature = curvature;

  const headingErr = Math.atan2(ly, lx);
  if (Math.abs(headingErr) > p.rotateToHeadingMinAngleRad) {
    // Rotate in place, but no faster than would overshoot the heading within one tick.
    const rate = Math.min(p.rotateToHeadingSpeedRps, Math.abs(headingErr) / Math.max(input.dtS, 1e-3));
    stop(out, state, 'rotating');
    out.angularRps = headingErr > 0 ? rate : -rate;
    return out;
  }

  let v = regulateSpeed(p.desiredSpeedMps, curvature, input.obstacleDistM, remaining, p);
  v = Math.min(v, Math.max(0, input.speedLimitMps));
  const dt = Math.max(0, input.dtS);
  v = Math.min(v, state.lastSpeedMps + p.maxAccelMps2 * dt);
  v = Math.max(v, state.lastSpeedMps - p.maxDecelMps2 * dt, 0);
  // The speed limit is a hard cap even against the deceleration limit: blocked means blocked.
  v = Math.min(v, Math.max(0, input.speedLimitMps));
  let w = v * curvature;
  if (Math.abs(w) > p.maxAngularSpeedRps) {
    // Keep the arc, give up speed: the geometry is what keeps the robot on the path.
    w = w > 0 ? p.maxAngularSpeedRps : -p.maxAngularSpeedRps;
    v = Math.abs(w / curvature);
  }
  out.linearMps = v;
  out.angularRps = w;
  out.mode = 'tracking';
  state.lastSpeedMps = v;
  return out;
}

function stop(out: PurePursuitOutput, state: PurePursuitState, mode: PurePursuitMode): PurePursuitOutput {
  out.linearMps = 0;
  out.angularRps = 0;
  out.mode = mode;
  state.lastSpeedMps = 0;
  return out;
}
