/** fleet/: the fleet server. Its public door: start a server, or use its parts through their own index files. */
export { FleetServer } from './server/FleetServer.ts';
export type { FleetServerDeps } from './server/FleetServer.ts';
export { parseConfig, ConfigError, DEFAULT_CAMPUS } from './server/config.ts';
export type { FleetServerConfig } from './server/config.ts';
export { DispatchLoop } from './server/DispatchLoop.ts';
export type { DispatchLoopOptions } from './server/DispatchLoop.ts';
export { CampusModel } from './server/CampusModel.ts';
export { apiRoutes } from './api/index.ts';
