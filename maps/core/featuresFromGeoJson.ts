import { areaKindFromTags, WALL_BARRIERS } from './CampusFeatures.ts';
import type { CampusFeatures, MapArea, MapPoi, MapProblem, MapWay, Tags } from './CampusFeatures.ts';
import type { LonLat } from './LocalFrame.ts';
import { MapValidationError } from './MapValidationError.ts';

const OUR_KINDS = new Set(['path', 'road', 'building', 'poi', 'water', 'waterway', 'campus_boundary']);
/** Property keys that are ids or bookkeeping in osmtogeojson output, not OSM tags. */
const NON_TAG_KEYS = new Set(['id', '@id', 'type', 'tags', 'meta', 'relations', 'timestamp', 'version', 'changeset', 'user', 'uid']);
export const OSM_ATTRIBUTION = '© OpenStreetMap contributors';

/**
 * Normalizes a parsed GeoJSON FeatureCollection into CampusFeatures. Two shapes are accepted: this project's schema
 * (`properties.kind`, see maps/data/README.md) and generic OSM GeoJSON as osmtogeojson writes it (tags as
 * properties or under `properties.tags`, ids as `feature.id: "way/123"` or `@id`). Fatal structure errors throw
 * MapValidationError naming `file`; bad single features become problems and are skipped.
 */
export function featuresFromGeoJson(json: unknown, file: string): CampusFeatures {
  if (!isObject(json)) throw new MapValidationError(file, 'not a GeoJSON object');
  if (json.type !== 'FeatureCollection') {
    throw new MapValidationError(file, `top-level type must be "FeatureCollection", got ${JSON.stringify(json.type)}`);
  }
  if (!Array.isArray(json.features)) throw new MapValidationError(file, '"features" must be an array');
  const features: unknown[] = json.features;
  const ours = features.some((f) => isObject(f) && isObject(f.properties) && OUR_KINDS.has(String(f.properties.kind)));
  const out: CampusFeatures = {
    name: '',
    attribution: OSM_ATTRIBUTION,
    source: { file, format: ours ? 'campus-geojson' : 'osm-geojson' },
    ways: [],
    lines: [],
    areas: [],
    pois: [],
    problems: [],
  };
  const problem = (featureId: string, code: string, message: string) => out.problems.push({ code, featureId, message });

  features.forEach((f, index) => {
    if (!isObject(f) || f.type !== 'Feature') {
      problem(`feature #${index}`, 'not-a-feature', 'not a GeoJSON Feature; skipped');
      return;
    }
    const props = isObject(f.properties) ? f.properties : {};
    const tags = ours ? tagsOf(props) : tagsOf(isObject(props.tags) ? props.tags : props);
    const id = featureIdOf(f, props, index);
    const geometry = f.geometry;
    if (!isObject(geometry) || typeof geometry.type !== 'string') {
      problem(id, 'no-geometry', 'feature has no geometry; skipped');
      return;
    }
    const kind = ours ? String(props.kind) : undefined;
    if (ours && !OUR_KINDS.has(String(kind))) {
      problem(id, 'unknown-kind', `unknown kind ${JSON.stringify(props.kind)}; skipped`);
      return;
    }
    try {
      addGeometry(out, id, kind, tags, geometry.type, geometry.coordinates, out.problems);
    } catch (e) {
      problem(id, 'bad-geometry', e instanceof Error ? e.message : String(e));
    }
  });

  const meta = isObject(json.metadata) ? json.metadata : {};
  const boundary = out.areas.find((a) => a.kind === 'campus_boundary' && a.tags.name !== undefined);
  out.name = typeof meta.campus === 'string' ? meta.campus : (boundary?.tags.name ?? baseName(file));
  if (typeof meta.attribution === 'string') out.attribution = meta.attribution;
  return out;
}

function addGeometry(
  out: CampusFeatures, id: string, kind: string | undefined, tags: Tags, type: string, coordinates: unknown,
  problems: MapProblem[],
): void {
  const lineRole = (): 'way' | 'line' | undefined => {
    if (kind !== undefined) return kind === 'path' || kind === 'road' ? 'way' : kind === 'waterway' ? 'line' : undefined;
    if (tags.highway !== undefined) return 'way';
    if ((tags.barrier !== undefined && WALL_BARRIERS.has(tags.barrier)) || tags.waterway !== undefined) return 'line';
    return undefined;
  };
  switch (type) {
    case 'LineString':
    case 'MultiLineString': {
      const parts = type === 'LineString' ? [positions(coordinates, 2)] : asArray(coordinates).map((c) => positions(c, 2));
      const role = lineRole();
      if (role === undefined) {
        if (kind === undefined) return; // untagged or irrelevant line in generic OSM data
        problems.push({ code: 'wrong-geometry', featureId: id, message: `kind ${kind} cannot be a ${type}; skipped` });
        return;
      }
      parts.forEach((coords, i) => {
        // Our schema marks waterways by kind only; give them the OSM tag so later stages need one rule.
        const lineTags = kind === 'waterway' && tags.waterway === undefined ? { ...tags, waterway: 'yes' } : tags;
        const way: MapWay = { id: parts.length > 1 ? `${id}[${i}]` : id, coords, tags: lineTags };
        (role === 'way' ? out.ways : out.lines).push(way);
      });
      return;
    }
    case 'Polygon':
    case 'MultiPolygon': {
      const polys = type === 'Polygon' ? [asArray(coordinates)] : asArray(coordinates).map(asArray);
      const areaKind = kind === undefined ? areaKindFromTags(tags)
        : kind === 'building' || kind === 'water' || kind === 'campus_boundary' ? kind : undefined;
      if (areaKind === undefined) {
        problems.push({ code: 'wrong-geometry', featureId: id, message: `kind ${kind} cannot be a ${type}; skipped` });
        return;
      }
      if (areaKind === 'other') return;
      polys.forEach((rawRings, i) => {
        const rings: LonLat[][] = [];
        for (const raw of rawRings) {
          const ring = positions(raw, 3);
          const first = ring[0]!;
          const last = ring[ring.length - 1]!;
          if (first[0] !== last[0] || first[1] !== last[1]) {
            problems.push({ code: 'open-ring', featureId: id, message: 'polygon ring is not closed; closed it' });
            ring.push([first[0], first[1]]);
          }
          rings.push(ring);
        }
        if (rings.length > 0) out.areas.push({ id: polys.length > 1 ? `${id}[${i}]` : id, kind: areaKind, rings, tags } satisfies MapArea);
      });
      return;
    }
    case 'Point': {
      const [p] = positions([coordinates], 1);
      if (kind !== undefined && kind !== 'poi') {
        problems.push({ code: 'wrong-geometry', featureId: id, message: `kind ${kind} cannot be a Point; skipped` });
        return;
      }
      if (Object.keys(tags).length === 0) return;
      out.pois.push({ id, lonLat: p!, tags } satisfies MapPoi);
      return;
    }
    default:
      problems.push({ code: 'wrong-geometry', featureId: id, message: `unsupported geometry type ${type}; skipped` });
  }
}

/** Validates a coordinate list: at least `min` finite, in-range [lon, lat] positions. Throws a reason otherwise. */
function positions(value: unknown, min: number): LonLat[] {
  if (!Array.isArray(value)) throw new Error('coordinates must be an array');
  const out: LonLat[] = [];
  for (const p of value) {
    if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number') {
      throw new Error(`bad position ${JSON.stringify(p)}`);
    }
    const lon = p[0];
    const lat = p[1];
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
      throw new Error(`position out of range ${JSON.stringify(p)} (expected [lon, lat] in degrees)`);
    }
    out.push([lon, lat]);
  }
  if (out.length < min) throw new Error(`needs at least ${min} positions, has ${out.length}; skipped`);
  return out;
}

function asArray(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error('coordinates must be an array');
  return value;
}

function tagsOf(source: Record<string, unknown>): Tags {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) {
    if (NON_TAG_KEYS.has(k) || k.startsWith('@')) continue;
    if (typeof v === 'string') tags[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') tags[k] = String(v);
  }
  return tags;
}

function featureIdOf(f: Record<string, unknown>, props: Record<string, unknown>, index: number): string {
  for (const v of [f.id, props['@id'], props.osm_id, props.id]) {
    if (typeof v === 'string' && v !== '') return v;
  }
  if (typeof props.osm_way_id === 'number') return `way/${props.osm_way_id} (feature #${index})`;
  if (typeof props.type === 'string' && typeof props.id === 'number') return `${props.type}/${props.id}`;
  return `feature #${index}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function baseName(file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  return name.replace(/\.[^.]*$/, '');
}
