/**
 * Speed regulation for pure pursuit (after Nav2's regulated pure pursuit): each constraint takes a speed and returns
 * a speed no larger, so they compose by plain chaining and each is tested alone.
 */

export interface RegulationParams {
  /** Below this turning radius the speed scales down in proportion to the radius, m. */
  curvatureMinRadiusM: number;
  /** Regulation never asks for less than this while driving (so the robot does not creep forever), m/s. */
  minRegulatedSpeedMps: number;
  /** Obstacles nearer than this to the robot or its path slow it down, m. */
  obstacleSlowdownDistM: number;
  /** At or below this obstacle distance the proximity constraint allows only `minRegulatedSpeedMps`, m. */
  obstacleMinDistM: number;
  /** Within this distance of the goal the speed scales down with the remaining distance, m. */
  approachDistM: number;
  /** Slowest approach speed, so the robot still reaches the goal tolerance, m/s. */
  approachMinSpeedMps: number;
}

export const defaultRegulationParams: Readonly<RegulationParams> = Object.freeze({
  curvatureMinRadiusM: 2.5,
  minRegulatedSpeedMps: 0.25,
  obstacleSlowdownDistM: 1.5,
  obstacleMinDistM: 0.5,
  approachDistM: 1.5,
  approachMinSpeedMps: 0.1,
});

/** Scales `speedMps` by radius / minRadius when the path's turning radius (1/|curvature|) is tighter than minRadius. */
export function curvatureConstraint(speedMps: number, curvature: number, minRadiusM: number): number {
  const k = Math.abs(curvature);
  if (k < 1e-9) return speedMps;
  const radius = 1 / k;
  return radius < minRadiusM ? (speedMps * radius) / minRadiusM : speedMps;
}

/**
 * Slows linearly from full speed at `slowdownDistM` to `minSpeedMps` at `minDistM` as the nearest obstacle to the
 * robot or its path gets closer. Infinity (nothing seen) leaves the speed alone.
 */
export function proximityConstraint(
  speedMps: number,
  obstacleDistM: number,
  slowdownDistM: number,
  minDistM: number,
  minSpeedMps: number,
): number {
  if (!(obstacleDistM < slowdownDistM)) return speedMps;
  const span = slowdownDistM - minDistM;
  const f = span > 0 ? Math.max(0, (obstacleDistM - minDistM) / span) : 0;
  return Math.min(speedMps, Math.max(minSpeedMps, speedMps * f));
}

/** Scales the speed with the distance left to the goal inside `approachDistM`, never below `minSpeedMps`. */
export function approachConstraint(speedMps: number, remainingM: number, approachDistM: number, minSpeedMps: number): number {
  if (!(remainingM < approachDistM)) return speedMps;
  return Math.min(speedMps, Math.max(minSpeedMps, (speedMps * remainingM) / approachDistM));
}

/** All three constraints in order, with the curvature and proximity ones floored at `minRegulatedSpeedMps`. */
export function regulateSpeed(
  desiredMps: number,
  curvature: number,
  obstacleDistM: number,
  remainingM: number,
  p: Readonly<RegulationParams>,
): number {
  let v = curvatureConstraint(desiredMps, curvature, p.curvatureMinRadiusM);
  v = proximityConstraint(v, obstacleDistM, p.obstacleSlowdownDistM, p.obstacleMinDistM, p.minRegulatedSpeedMps);
  v = Math.max(v, Math.min(desiredMps, p.minRegulatedSpeedMps));
  return approachConstraint(v, remainingM, p.approachDistM, p.approachMinSpeedMps);
}
