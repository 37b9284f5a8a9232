/** Store-backed repositories of the fleet server. */
export { SqlTokenRepository } from './SqlTokenRepository.ts';
export { SqlRobotRepository, RobotRegistryError } from './SqlRobotRepository.ts';
export type { AddRobotInput, RegisteredRobot } from './SqlRobotRepository.ts';
export { SqlRobotStateRepository } from './SqlRobotStateRepository.ts';
export { SqlAlertRepository } from './SqlAlertRepository.ts';
export type { StoredAlert } from './SqlAlertRepository.ts';
export { TripRepository } from './TripRepository.ts';
export type { TripRecord, TripStatus, TripSummary } from './TripRepository.ts';
export { OverrideRepository } from './OverrideRepository.ts';
export type { RobotOverride } from './OverrideRepository.ts';
export { InstantActionRepository } from './InstantActionRepository.ts';
export type { InstantActionRecord, InstantActionStatus } from './InstantActionRepository.ts';
export { DockRepository } from './DockRepository.ts';
export type { BayOccupancy, BayStatus } from './DockRepository.ts';
