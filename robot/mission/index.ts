/** robot/mission: the VDA 5050 order executor, compartments and pickup-code handover. The public door. */
export { MissionExecutor } from './core/MissionExecutor.ts';
export type { MissionExecutorOptions } from './core/MissionExecutor.ts';
export type {
  CompartmentPurpose, InstantAction, KeypadResult, MapPose, MissionEffect, MissionEvent, StateBody,
} from './core/missionTypes.ts';
export { MemoryLogger, silentLogger } from './core/Logger.ts';
export { planRetryDelayS } from './core/planRetryDelayS.ts';
export type { PlanRetryBackOff } from './core/planRetryDelayS.ts';
export type { Logger } from './core/Logger.ts';
export { MissionRunner } from './MissionRunner.ts';
export type {
  ChargerPort, CompartmentPort, KeypadPort, MissionNotice, MissionRunnerOptions, MotionPort,
} from './MissionRunner.ts';
export { HeadlessRobot, StandInCharger, StandInCompartments, StandInMotion } from './HeadlessRobot.ts';
export type { DoorBehaviour, HeadlessRobotOptions, StandInMotionOptions } from './HeadlessRobot.ts';
