import { areaKindFromTags, WALL_BARRIERS } from './CampusFeatures.ts';
import type { CampusFeatures, MapProblem, Tags } from './CampusFeatures.ts';
import { OSM_ATTRIBUTION } from './featuresFromGeoJson.ts';
import type { LonLat } from './LocalFrame.ts';
import { MapValidationError } from './MapValidationError.ts';

/** Raw OSM elements as read from an OSM XML (API 0.6) file; the adapter fills this, the core interprets it. */
export interface OsmData {
  nodes: Map<string, { lon: number; lat: number; tags?: Tags }>;
  ways: { id: string; refs: string[]; tags: Tags }[];
  relations: { id: string; members: { type: string; ref: string; role: string }[]; tags: Tags }[];
}

const NOT_POI_TAGS = new Set(['created_by', 'source', 'note', 'fixme', 'FIXME']);

/**
 * Interprets raw OSM elements as CampusFeatures: highway ways keep their node ids (so junctions are shared OSM
 * nodes), closed building/water ways and simple multipolygon relations become areas, walls/fences and waterways
 * become lines, and tagged nodes become POIs. Missing node references and unclosable rings become problems.
 */
export function featuresFromOsm(data: OsmData, file: string): CampusFeatures {
  if (data.nodes.size === 0 && data.ways.length === 0) {
    throw new MapValidationError(file, 'no OSM nodes or ways found (is this an OpenStreetMap XML export?)');
  }
  const problems: MapProblem[] = [];
  const out: CampusFeatures = {
    name: '', attribution: OSM_ATTRIBUTION, source: { file, format: 'osm-xml' },
    ways: [], lines: [], areas: [], pois: [], problems,
  };
  const wayById = new Map<string, { refs: string[]; tags: Tags }>();

  for (const way of data.ways) {
    wayById.set(way.id, way);
    const id = `way/${way.id}`;
    const tags = way.tags;
    const isHighway = tags.highway !== undefined && tags.area !== 'yes';
    const isLine = (tags.barrier !== undefined && WALL_BARRIERS.has(tags.barrier)) || tags.waterway !== undefined;
    const closed = way.refs.length >= 4 && way.refs[0] === way.refs[way.refs.length - 1];
    const areaKind = closed && !isHighway ? areaKindFromTags(tags) : 'other';
    if (!isHighway && !isLine && areaKind === 'other') continue;

    const coords: LonLat[] = [];
    const nodeIds: string[] = [];
    for (const ref of way.refs) {
      const node = data.nodes.get(ref);
      if (node === undefined) {
        problems.push({ code: 'missing-node', featureId: id, message: `references node/${ref}, which the file lacks; dropped it` });
        continue;
      }
      coords.push([node.lon, node.lat]);
      nodeIds.push(ref);
    }
    if (coords.length < 2) {
      problems.push({ code: 'short-line', featureId: id, message: `has ${coords.length} usable node(s); skipped` });
      continue;
    }
    if (isHighway) out.ways.push({ id, coords, nodeIds, tags });
    else if (areaKind !== 'other' && areaKind !== 'wall') out.areas.push({ id, kind: areaKind, rings: [coords], tags });
    else out.lines.push({ id, coords, tags });
  }

  for (const rel of data.relations) {
    if (rel.tags.type !== 'multipolygon') continue;
    const kind = areaKindFromTags(rel.tags);
    if (kind === 'other' || kind === 'wall') continue;
    const id = `relation/${rel.id}`;
    const outer: string[][] = [];
    const inner: string[][] = [];
    for (const m of rel.members) {
      if (m.type !== 'way') continue;
      const way = wayById.get(m.ref);
      if (way === undefined) continue; // members outside the export bbox are normal in OSM extracts
      (m.role === 'inner' ? inner : outer).push(way.refs);
    }
    const outerRings = joinRings(outer);
    const innerRings = joinRings(inner);
    if (outerRings.open > 0 || outerRings.rings.length === 0) {
      problems.push({ code: 'open-ring', featureId: id, message: `multipolygon outer ring could not be closed (${outerRings.open} open piece(s)); skipped` });
      if (outerRings.rings.length === 0) continue;
    }
    const toCoords = (ring: string[]): LonLat[] | undefined => {
      const c: LonLat[] = [];
      for (const ref of ring) {
        const n = data.nodes.get(ref);
        if (n === undefined) return undefined;
        c.push([n.lon, n.lat]);
      }
      return c;
    };
    const holes = innerRings.rings.map(toCoords).filter((r): r is LonLat[] => r !== undefined);
    outerRings.rings.forEach((ring, i) => {
      const coords = toCoords(ring);
      if (coords === undefined) {
        problems.push({ code: 'missing-node', featureId: id, message: 'outer ring references nodes the file lacks; skipped' });
        return;
      }
      // Simple case only: every hole goes with the first outer ring (enough for lakes with islands).
      out.areas.push({ id: outerRings.rings.length > 1 ? `${id}[${i}]` : id, kind, rings: i === 0 ? [coords, ...holes] : [coords], tags: rel.tags });
    });
  }

  for (const [id, node] of data.nodes) {
    if (node.tags === undefined) continue;
    if (Object.keys(node.tags).every((k) => NOT_POI_TAGS.has(k))) continue;
    out.pois.push({ id: `node/${id}`, lonLat: [node.lon, node.lat], tags: node.tags });
  }

  const boundary = out.areas.find((a) => a.kind === 'campus_boundary' && a.tags.name !== undefined);
  out.name = boundary?.tags.name ?? (file.split(/[\\/]/).pop() ?? file).replace(/\.[^.]*$/, '');
  return out;
}

/** Joins way pieces (node id lists) end to end into closed rings; counts pieces that never close. */
function joinRings(pieces: string[][]): { rings: string[][]; open: number } {
  const rings: string[][] = [];
  const pending = pieces.filter((p) => p.length >= 2).map((p) => [...p]);
  let open = 0;
  while (pending.length > 0) {
    let ring = pending.pop()!;
    for (;;) {
      if (ring.length >= 4 && ring[0] === ring[ring.length - 1]) {
        rings.push(ring);
        break;
      }
      const end = ring[ring.length - 1];
      const k = pending.findIndex((p) => p[0] === end || p[p.length - 1] === end);
      if (k < 0) {
        open++;
        break;
      }
      const next = pending.splice(k, 1)[0]!;
      if (next[0] !== end) next.reverse();
      ring = ring.concat(next.slice(1));
    }
  }
  return { rings, open };
}
