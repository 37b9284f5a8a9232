/** robot/: the onboard stack of one delivery robot. The public door for the simulator, CLI and fleet tests. */
export { createRobotStack, ROBOT_NODE_NAMES } from './RobotStack.ts';
export type { RobotNodeName, RobotStack, RobotStackOptions } from './RobotStack.ts';
export * from './nodes/index.ts';
export { createPathPlanner, planPath } from './planner/core/index.ts';
export type { PathPlanner, PathPlannerOptions, PlanFailure, PlannedPath } from './planner/core/index.ts';
export { ClosedLoopSim } from './closedLoop/ClosedLoopSim.ts';
export type { ClosedLoopSimOptions, SimRobot, SimRobotOptions } from './closedLoop/ClosedLoopSim.ts';
export { SimRobotDriver } from './closedLoop/SimRobotDriver.ts';
export type { DriverCounters, SimRobotDriverOptions } from './closedLoop/SimRobotDriver.ts';
export { RunMetrics } from './closedLoop/RunMetrics.ts';
export type { RunMetricsSummary } from './closedLoop/RunMetrics.ts';
export { loadCampusCached, ZJU_CAMPUS_FILE } from './closedLoop/campusCache.ts';
export { orderThrough } from './closedLoop/orders.ts';
export { findRoute, pointAlong, corridorClear } from './closedLoop/scenarios.ts';
