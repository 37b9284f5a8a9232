/** fleet/api: the REST resources of the fleet server, one router file per resource. */
import type { RouteDef } from '../http/index.ts';
import type { ApiDeps } from './ApiDeps.ts';
import { alertRoutes } from './alerts.ts';
import { mapRoutes } from './map.ts';
import { parcelRoutes } from './parcels.ts';
import { robotRoutes } from './robots.ts';
import { tokenRoutes } from './tokens.ts';
import { trackRoutes } from './track.ts';

export type { ApiDeps } from './ApiDeps.ts';
export { trackingLookup } from './track.ts';
export type { TrackingGrant } from './track.ts';
export { toHttpError } from './toHttpError.ts';
export { parcelView, robotView, alertView } from './views.ts';
export { alertRoutes, mapRoutes, parcelRoutes, robotRoutes, tokenRoutes, trackRoutes };

/** Every REST route of the fleet server. */
export function apiRoutes(deps: ApiDeps): RouteDef[] {
  return [...parcelRoutes(deps), ...robotRoutes(deps), ...alertRoutes(deps), ...tokenRoutes(deps), ...trackRoutes(deps), ...mapRoutes(deps)];
}
