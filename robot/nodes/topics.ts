/**
 * Topic names shared by the robot's nodes and drivers (relative, so they resolve under the robot's namespace:
 * `/R1/odom`), and the small JSON status messages carried on std_msgs/String where ROS has no standard type.
 */
export const TOPICS = {
  odom: 'odom',
  imu: 'imu',
  gnss: 'gnss/fix',
  scan: 'scan',
  battery: 'battery',
  pose: 'pose',
  initialPose: 'initialpose',
  plan: 'plan',
  cmdVelNav: 'cmd_vel_nav',
  cmdVel: 'cmd_vel',
  plannerGoal: 'planner/goal',
  plannerCancel: 'planner/cancel',
  plannerStatus: 'planner/status',
  controllerStatus: 'controller/status',
  controllerReplan: 'controller/replan',
  speedLimit: 'controller/speed_limit',
  safetyStatus: 'safety/status',
} as const;

/**
 * What the controller reports (on change): `goalMs` is the stamp of the plan it works on, which is the stamp of the
 * goal that plan answers; `arrived` is the mission's cue that the node is reached.
 */
export interface ControllerStatus {
  state: 'idle' | 'tracking' | 'avoiding' | 'blocked' | 'arrived' | 'replan-requested';
  goalMs: number;
  x: number;
  y: number;
}

/**
 * Why the controller asks for a new path: `blocked`, its local avoidance found no way past what stands on the path
 * at (x, y) (the planner marks the edge there blocked); `stalled`, the watchdog saw no progress (held up by another
 * robot or a walker, turning on the spot: no evidence about the edge, so a fresh path from here, nothing marked).
 */
export type ReplanReason = 'blocked' | 'stalled';

/** The controller asks the planner for a new path from (x, y). A request without `reason` (older senders) is `blocked`. */
export interface ReplanRequest {
  goalMs: number;
  x: number;
  y: number;
  reason?: ReplanReason;
}

/** What the planner reports per goal. */
export interface PlannerStatus {
  state: 'planned' | 'replanned' | 'failed' | 'cancelled';
  goalMs: number;
  lengthM?: number;
  blockedEdges?: number[];
  reason?: string;
}
