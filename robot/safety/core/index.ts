// Public door of the safety core: the collision monitor, the only producer of commands the motors accept.
export {
  checkCollision,
  createCheckedCommand,
  defaultCollisionMonitorParams,
  validateCollisionMonitorParams,
} from './collisionMonitor.ts';
export type {
  CheckedCommand,
  CollisionAction,
  CollisionMonitorParams,
  CollisionStopReason,
  StampedScan,
} from './collisionMonitor.ts';
