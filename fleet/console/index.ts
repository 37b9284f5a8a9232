/**
 * fleet/console: the dispatchers' web console (static files), the router that serves it and the live-update hub
 * that pushes robot, parcel and alert changes to it. The REST/WebSocket contract is docs/console.md.
 */
export { LiveHub, LiveHubError, LIVE_PROTOCOL, CLOSE_TOO_SLOW } from './LiveHub.ts';
export type { LiveAuthenticate, LiveHubOptions, LiveHubStats } from './LiveHub.ts';
export { consoleRouter, CONSOLE_STATIC_DIR } from './consoleRouter.ts';
export type { ConsoleRouterOptions } from './consoleRouter.ts';
export { LatestWinsBuffer } from './core/LatestWinsBuffer.ts';
export { mapViewFromGeoJson } from './core/mapViewFromGeoJson.ts';
export type { CampusGeoJson, MapViewOptions } from './core/mapViewFromGeoJson.ts';
export type {
  AlertSeverity, AlertView, LineFeature, LiveMessage, LonLatPair, MapView, ParcelHistoryItem, ParcelPage, ParcelView,
  PlaceView, PlaceViewKind, PolygonFeature, RobotHealth, RobotMode, RobotView,
} from './core/types.ts';
