/** fleet/server: the composed fleet server, its configuration, dispatch loop and store-backed repositories. */
export { FleetServer } from './FleetServer.ts';
export type { DispatchLoopTuning, FleetServerDeps } from './FleetServer.ts';
export { parseConfig, parseFlags, configHelp, ConfigError, DEFAULT_CAMPUS } from './config.ts';
export type { FleetServerConfig } from './config.ts';
export { DispatchLoop } from './DispatchLoop.ts';
export type { DispatchLoopOptions, RecoveryResult } from './DispatchLoop.ts';
export { CampusModel, CampusModelError, nodeIdOf } from './CampusModel.ts';
export { buildTripOrder, buildReturnOrder, buildMoveOrder } from './core/buildTripOrder.ts';
export type { OrderPlace, TripOrderInput } from './core/buildTripOrder.ts';
export * from './repos/index.ts';
