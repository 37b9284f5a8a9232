import type { MapView, PlaceView } from '../console/core/types.ts';
import { createMatrixTravelModel, type MatrixTravelModel } from '../dispatch/index.ts';
import type { CampusMap, Place } from '../../maps/index.ts';
import type { OrderPlace } from './core/buildTripOrder.ts';
import { AppError } from '../../common/core/AppError.ts';

/** The campus cannot serve a fleet (no hub, no drop points). */
export class CampusModelError extends AppError {}

/**
 * What the fleet server needs from the campus map, computed once at start-up: the hub, drop points and docks, the
 * place × place travel matrix (route cost on the path graph, one Dijkstra per place), VDA 5050 node ids and
 * positions for orders, and the console's map view.
 */
export class CampusModel {
  readonly map: CampusMap;
  readonly hub: Place;
  readonly drops: readonly Place[];
  readonly docks: readonly Place[];
  readonly travel: MatrixTravelModel;
  readonly #byId: Map<string, Place>;
  #view: MapView | undefined;

  constructor(map: CampusMap, speedMps: number) {
    this.map = map;
    const hub = map.places.find((p) => p.kind === 'hub');
    if (hub === undefined) throw new CampusModelError('CAMPUS_NO_HUB', `campus ${map.name} has no hub place; add one in its places overlay`);
    this.hub = hub;
    this.drops = map.places.filter((p) => p.kind === 'drop');
    if (this.drops.length === 0) throw new CampusModelError('CAMPUS_NO_DROPS', `campus ${map.name} has no drop points`);
    this.docks = map.places.filter((p) => p.kind === 'dock');
    this.#byId = new Map(map.places.map((p) => [p.id, p]));
    const places = map.places;
    const n = places.length;
    const distancesM = new Float64Array(n * n);
    places.forEach((from, i) => {
      const costs = map.router.costsFrom(from.node);
      places.forEach((to, j) => {
        distancesM[i * n + j] = i === j ? 0 : (costs[to.node] ?? Infinity);
      });
    });
    this.travel = createMatrixTravelModel(places.map((p) => p.id), distancesM, speedMps);
  }

  /** The campus's VDA 5050 `mapId` (`CampusMap.mapId`): the map of every node position in our orders. */
  get mapId(): string {
    return this.map.mapId;
  }

  place(id: string): Place | undefined {
    return this.#byId.get(id);
  }

  /** Parcels may be addressed to drop points only. */
  isDropPlace = (id: string): boolean => this.#byId.get(id)?.kind === 'drop';

  placeName = (id: string): string | undefined => this.#byId.get(id)?.name;

  /** The VDA 5050 node of a place: the graph node it routes to, at that node's metric position. */
  orderPlace(id: string): OrderPlace | undefined {
    const p = this.#byId.get(id);
    if (p === undefined) return undefined;
    return { nodeId: nodeIdOf(p.node), x: this.map.graph.nodeX[p.node]!, y: this.map.graph.nodeY[p.node]!, name: p.name };
  }

  get hubNodeId(): string {
    return nodeIdOf(this.hub.node);
  }

  /** The console's map: paths, buildings, places, in lon/lat. */
  mapView(): MapView {
    this.#view ??= this.#buildView();
    return this.#view;
  }

  #buildView(): MapView {
    const f = this.map.features;
    const places: PlaceView[] = this.map.places.map((p) => ({ id: p.id, kind: p.kind, name: p.name, lonLat: [p.lonLat[0], p.lonLat[1]] }));
    let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity;
    const grow = ([lon, lat]: readonly [number, number]) => {
      west = Math.min(west, lon); east = Math.max(east, lon); south = Math.min(south, lat); north = Math.max(north, lat);
    };
    const buildings = f.areas.filter((a) => a.kind === 'building').map((a) => {
      for (const pt of a.rings[0] ?? []) grow(pt);
      return {
        type: 'Feature' as const,
        geometry: { type: 'Polygon' as const, coordinates: a.rings.map((r) => r.map(([lon, lat]) => [lon, lat] as [number, number])) },
        properties: { name: a.tags.name ?? null },
      };
    });
    for (const p of places) grow(p.lonLat);
    const paths = f.ways.map((w) => ({
      type: 'Feature' as const,
      geometry: { type: 'LineString' as const, coordinates: w.coords.map(([lon, lat]) => [lon, lat] as [number, number]) },
      properties: { class: w.tags.highway ?? 'path' },
    }));
    const mx = (east - west) * 0.04, my = (north - south) * 0.04;
    return {
      name: this.map.name,
      attribution: this.map.attribution,
      bboxLonLat: [west - mx, south - my, east + mx, north + my],
      paths: { type: 'FeatureCollection', features: paths },
      buildings: { type: 'FeatureCollection', features: buildings },
      places,
    };
  }
}

/** VDA 5050 node id of a path-graph node. */
export function nodeIdOf(graphNode: number): string {
  return `n${graphNode}`;
}
