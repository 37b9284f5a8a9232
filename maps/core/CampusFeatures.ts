import type { LonLat } from './LocalFrame.ts';

/** OSM-style tags: string keys and values. */
export type Tags = Readonly<Record<string, string>>;

/** A non-fatal defect found while importing or building: shown by `map inspect`, never thrown. */
export interface MapProblem {
  /** Stable machine-readable kind, e.g. `short-line`, `open-ring`, `disconnected`, `missing-node`. */
  code: string;
  /** Feature or OSM id (`way/123`, `feature #17`) when one is to blame. */
  featureId?: string;
  message: string;
}

/** A linear way (path, road, wall, waterway) with its tags. */
export interface MapWay {
  id: string;
  coords: LonLat[];
  /** Source node identities (OSM node ids) parallel to coords, when the source has them; junctions use them. */
  nodeIds?: string[];
  tags: Tags;
}

export type AreaKind = 'building' | 'water' | 'wall' | 'campus_boundary' | 'other';

/** A polygon: first ring outer, the rest holes. Rings are closed (first = last). */
export interface MapArea {
  id: string;
  kind: AreaKind;
  rings: LonLat[][];
  tags: Tags;
}

/** A tagged point (entrance, amenity, gate, landmark). */
export interface MapPoi {
  id: string;
  lonLat: LonLat;
  tags: Tags;
}

/**
 * The one normalized model every importer produces (our GeoJSON schema, osmtogeojson GeoJSON, raw .osm XML) and
 * the graph builder, places and renderer consume.
 */
export interface CampusFeatures {
  name: string;
  attribution: string;
  source: { file: string; format: 'campus-geojson' | 'osm-geojson' | 'osm-xml' };
  /** Highway-like ways (drivability is decided later, by tags). */
  ways: MapWay[];
  /** Linear barriers (walls, fences) and waterways, kept apart from the routable ways. */
  lines: MapWay[];
  areas: MapArea[];
  pois: MapPoi[];
  problems: MapProblem[];
}

/** Kinds of linear barrier that block a robot and a LiDAR beam. */
export const WALL_BARRIERS: ReadonlySet<string> = new Set([
  'wall', 'fence', 'retaining_wall', 'city_wall', 'hedge', 'guard_rail', 'railing',
]);

/** Classifies an area's tags into an obstacle kind. */
export function areaKindFromTags(tags: Tags): AreaKind {
  if (tags.building !== undefined && tags.building !== 'no') return 'building';
  if (tags.natural === 'water' || tags.water !== undefined || tags.landuse === 'reservoir' || tags.landuse === 'basin') {
    return 'water';
  }
  if (tags.barrier !== undefined && WALL_BARRIERS.has(tags.barrier)) return 'wall';
  if (tags.amenity === 'university' || tags.amenity === 'college') return 'campus_boundary';
  return 'other';
}
