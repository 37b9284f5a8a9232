// Public door of the controller core: regulated pure pursuit, its speed regulation, and local avoidance.
export { createTrackedPath, createPathProjection, pointAtArcLength, projectOntoPath } from './TrackedPath.ts';
export type { PathProjection, TrackedPath } from './TrackedPath.ts';
export {
  approachConstraint,
  curvatureConstraint,
  defaultRegulationParams,
  proximityConstraint,
  regulateSpeed,
} from './regulation.ts';
export type { RegulationParams } from './regulation.ts';
export {
  createPurePursuitOutput,
  createPurePursuitState,
  defaultPurePursuitParams,
  purePursuitStep,
  validatePurePursuitParams,
} from './purePursuit.ts';
export type {
  PurePursuitInput,
  PurePursuitMode,
  PurePursuitOutput,
  PurePursuitParams,
  PurePursuitState,
} from './purePursuit.ts';
export { createAvoidanceState, defaultAvoidanceParams, updateAvoidance, validateAvoidanceParams } from './localAvoidance.ts';
export type { AvoidanceParams, AvoidanceState, AvoidanceStatus } from './localAvoidance.ts';
export {
  applyPoseCorrection,
  createPoseCorrection,
  defaultPoseCorrectionParams,
  poseCorrectionBetween,
  updatePoseCorrection,
} from './poseCorrection.ts';
export type { PoseCorrection, PoseCorrectionParams } from './poseCorrection.ts';
export { backUpHoldS, backUpSpeed, createBackUpState, defaultBackUpParams, startBackUp } from './backUp.ts';
export type { BackUpParams, BackUpState } from './backUp.ts';
export { exactHypot } from './exactHypot.ts';
export { createSideGaps, defaultTurnBesideParams, limitTurnBeside, measureSideGaps, validateTurnBesideParams } from './turnBeside.ts';
export type { SideGaps, TurnBesideParams } from './turnBeside.ts';
