// The robot's onboard nodes on the ROS port, their topic names and message conversions.
export { LocalizationNode, localizationParams } from './LocalizationNode.ts';
export type { LocalizationCounters, LocalizationNodeOptions } from './LocalizationNode.ts';
export { PlannerNode, plannerParams } from './PlannerNode.ts';
export type { PlannerCounters } from './PlannerNode.ts';
export { ControllerNode, controllerParams } from './ControllerNode.ts';
export type { ControllerMetrics } from './ControllerNode.ts';
export { SafetyNode, safetyParams } from './SafetyNode.ts';
export type { SafetyCounters } from './SafetyNode.ts';
export { MissionNode, RosMotionPort, missionParams } from './MissionNode.ts';
export type { MissionNodeOptions } from './MissionNode.ts';
export { TOPICS } from './topics.ts';
export type { ControllerStatus, PlannerStatus, ReplanReason, ReplanRequest } from './topics.ts';
export { campusMatcher, campusSegments } from './campusMatcher.ts';
export * from './convert.ts';
