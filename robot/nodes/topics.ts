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

/** The controller asks the planner for a new path around what blocks it at (x, y). */
export interface ReplanRequest {
  goalMs: number;
  x: number;
  y: number;
}

/** What the planner reports per goal. */
export interface PlannerStatus {
  state: 'planned' | 'replanned' | 'failed' | 'cancelled';
  goalMs: number;
  lengthM?: number;
  blockedEdges?: number[];
  reason?: string;
}
