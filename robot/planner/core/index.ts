// Public door of the planner core: paths on the campus graph, around blocked edges.
export { createPathPlanner, planPath } from './PathPlanner.ts';
export type { PathPlanner, PathPlannerOptions, PlanFailure, PlannedPath } from './PathPlanner.ts';
