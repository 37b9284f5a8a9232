/** REST: the campus map for the console (paths, buildings, places in lon/lat). */
import { defineRoute, type RouteDef } from '../http/index.ts';
import type { ApiDeps } from './ApiDeps.ts';

export function mapRoutes(deps: ApiDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'get', path: '/api/map', summary: 'The campus map: paths, buildings and places (hub, drop points, docks)', tags: ['map'], auth: 'viewer',
      responses: { 200: { description: 'MapView (docs/console.md)' } },
      handler: () => deps.campus.mapView(),
    }),
  ];
}
