import type { CampusFeatures, MapArea, MapProblem, Tags } from './CampusFeatures.ts';
import type { EdgeIndex } from './EdgeIndex.ts';
import type { LocalFrame, LonLat } from './LocalFrame.ts';
import type { OverlayPoint, PlacesOverlay } from './parsePlacesOverlay.ts';
import type { PathGraph } from './PathGraph.ts';
import { distanceToRingM, pointInRing, ringAreaM2, ringCentroid } from './ringGeometry.ts';
import type { Vec2 } from './types.ts';

export type PlaceKind = 'hub' | 'drop' | 'dock' | 'parking';

/** A named place robots drive to. `x`/`y` is on (or at the entrance next to) the network; `node` is the graph node to route to. */
export interface Place {
  id: string;
  kind: PlaceKind;
  name: string;
  lonLat: LonLat;
  x: number;
  y: number;
  node: number;
  /** The building a drop point serves. */
  buildingId?: string;
  /** Relative parcel demand hint for a drop point (dormitories heavier). */
  weight?: number;
  source: 'data' | 'overlay' | 'derived';
}

export interface DerivePlacesOptions {
  /** How many charging docks to derive next to the hub when the overlay gives none (default 2). */
  dockCount?: number;
  /** A building farther than this from every path gets no drop point (default 150 m). */
  maxDropSnapM?: number;
  /** An unnamed building smaller than this footprint (sheds, kiosks) gets no drop point (default 150 m²). */
  minUnnamedBuildingAreaM2?: number;
}

const HUB_NAME = /快递|物流|邮政|邮局|驿站|菜鸟|收发|post ?office|express|courier|logistic|parcel/i;
const DORM_NAME = /舍|斋|公寓|宿舍|dorm|residence|apartment/i;
const NOT_DELIVERY = new Set(['roof', 'toilets', 'kiosk', 'gatehouse', 'shed', 'garage', 'garages', 'transformer_tower', 'bridge', 'ruins', 'construction', 'greenhouse', 'hut']);

/**
 * Derives the hub, one drop point per delivery building (named, or unnamed above a minimum footprint) (its tagged entrance, else the nearest path point to
 * its centroid), charging docks beside the hub and parking, then applies the campus overlay (pins, renames, extra
 * and removed drop points). Pure: the overlay is passed in already parsed.
 */
export function derivePlaces(
  features: CampusFeatures, graph: PathGraph, index: EdgeIndex, frame: LocalFrame,
  overlay: PlacesOverlay = {}, options: DerivePlacesOptions = {},
): { places: Place[]; problems: MapProblem[] } {
  const problems: MapProblem[] = [];
  const maxSnapM = options.maxDropSnapM ?? 150;
  const minDropAreaM2 = options.minUnnamedBuildingAreaM2 ?? 150;
  const rename = overlay.rename ?? {};
  const removed = new Set(overlay.removeDrops ?? []);
  const boundary = features.areas.find((a) => a.kind === 'campus_boundary');
  const boundaryRing = boundary?.rings[0]?.map((p) => frame.toMetric(p));
  const entrances = features.pois.filter((p) => p.tags.entrance !== undefined).map((p) => ({ poi: p, at: frame.toMetric(p.lonLat) }));

  const onNetwork = (p: Vec2, maxM: number): { x: number; y: number; node: number } | undefined => {
    const snap = index.nearest(p.x, p.y, maxM);
    if (snap === undefined) return undefined;
    const a = graph.edgeFrom[snap.edge]!;
    const b = graph.edgeTo[snap.edge]!;
    const node = snap.alongM <= graph.edgeLengthM[snap.edge]! / 2 ? a : b;
    return { x: snap.x, y: snap.y, node };
  };
  const make = (id: string, kind: PlaceKind, name: string, at: Vec2, node: number, source: Place['source'], extra: Partial<Place> = {}): Place => ({
    id, kind, name, lonLat: frame.toLonLat(at), x: at.x, y: at.y, node, source, ...extra,
  });

  // Buildings: which ones get drop points, and where.
  interface Candidate { area: MapArea; name: string; ring: Vec2[]; centroid: Vec2 }
  const buildings: Candidate[] = [];
  for (const area of features.areas) {
    if (area.kind !== 'building') continue;
    if (NOT_DELIVERY.has(area.tags.building ?? '') || area.tags.in_campus === 'false') continue;
    const ring = area.rings[0]!.map((p) => frame.toMetric(p));
    // Every sizeable building receives parcels, named or not (OSM names only some): a recipient's address is a
    // building, and leaving unnamed ones out would pile a whole campus's demand onto a few drop points.
    if (area.tags.name === undefined && ringAreaM2(ring) < minDropAreaM2) continue;
    const centroid = ringCentroid(ring);
    if (boundaryRing !== undefined && !pointInRing(centroid, boundaryRing)) continue;
    const dataName = area.tags.name ?? area.tags['name:en'] ?? `Building ${area.id.replace(/^.*[/#]\s*/, '')}`;
    buildings.push({ area, name: rename[area.id] ?? rename[dataName] ?? dataName, ring, centroid });
  }
  const dropFor = (b: Candidate): { at: Vec2; node: number; source: Place['source'] } | undefined => {
    const entrance = entrances
      .filter((e) => pointInRing(e.at, b.ring) || distanceToRingM(e.at, b.ring) < 3)
      .sort((p, q) => Number(q.poi.tags.entrance === 'main') - Number(p.poi.tags.entrance === 'main'))[0];
    if (entrance !== undefined) {
      const snapped = onNetwork(entrance.at, maxSnapM);
      if (snapped !== undefined) return { at: entrance.at, node: snapped.node, source: 'data' };
    }
    const snapped = onNetwork(b.centroid, maxSnapM + Math.sqrt(ringAreaM2(b.ring)));
    return snapped === undefined ? undefined : { at: { x: snapped.x, y: snapped.y }, node: snapped.node, source: 'derived' };
  };

  const places: Place[] = [];
  const drops = new Map<string, Place>();
  for (const b of buildings) {
    if (removed.has(b.area.id) || removed.has(b.name) || (b.area.tags.name !== undefined && removed.has(b.area.tags.name))) continue;
    const d = dropFor(b);
    if (d === undefined) {
      problems.push({ code: 'no-drop-point', featureId: b.area.id, message: `building "${b.name}" is more than ${maxSnapM} m from every path; no drop point` });
      continue;
    }
    const place = make(`drop:${b.area.id}`, 'drop', b.name, d.at, d.node, d.source, { buildingId: b.area.id, weight: weightOf(b.name, b.area.tags) });
    drops.set(place.id, place);
  }
  for (const [i, p] of (overlay.extraDrops ?? []).entries()) {
    const pos = resolve(p, `extraDrops[${i}]`);
    if (pos === undefined) continue;
    const id = p.id ?? `drop:overlay-${i + 1}`;
    drops.set(id, make(id, 'drop', p.name ?? id, pos.at, pos.node, 'overlay', { weight: p.weight ?? 1 }));
  }

  // Hub: overlay pin, else a post/logistics building or POI, else the busiest junction near the campus centre.
  let hub: Place | undefined;
  if (overlay.hub !== undefined) {
    const pos = resolve(overlay.hub, 'hub');
    if (pos !== undefined) hub = make(overlay.hub.id ?? 'hub', 'hub', overlay.hub.name ?? 'Parcel hub', pos.at, pos.node, 'overlay');
  }
  if (hub === undefined) {
    const b = buildings.find((c) => isHubLike(c.area.tags));
    const d = b === undefined ? undefined : dropFor(b);
    if (b !== undefined && d !== undefined) hub = make('hub', 'hub', `Parcel hub (${b.name})`, d.at, d.node, 'data', { buildingId: b.area.id });
  }
  if (hub === undefined) {
    const poi = features.pois.find((p) => isHubLike(p.tags) && (boundaryRing === undefined || pointInRing(frame.toMetric(p.lonLat), boundaryRing)));
    const snapped = poi === undefined ? undefined : onNetwork(frame.toMetric(poi.lonLat), maxSnapM);
    if (poi !== undefined && snapped !== undefined) {
      hub = make('hub', 'hub', `Parcel hub (${poi.tags.name ?? poi.id})`, frame.toMetric(poi.lonLat), snapped.node, 'data');
    }
  }
  if (hub === undefined) {
    const centre = boundaryRing !== undefined ? ringCentroid(boundaryRing) : graphCentre(graph);
    const node = busiestNodeNear(graph, centre, 250);
    hub = make('hub', 'hub', 'Parcel hub', { x: graph.nodeX[node]!, y: graph.nodeY[node]! }, node, 'derived');
    problems.push({ code: 'hub-guessed', message: 'no post/logistics building in the data; hub placed at the busiest junction near the campus centre (pin it in the overlay)' });
  }
  places.push(hub);

  // Docks and parking: overlay, else the nearest free nodes around the hub.
  const taken = new Set<number>([hub.node]);
  const nearHub = nodesByDistance(graph, hub);
  const nextFree = (): number => {
    const n = nearHub.find((v) => !taken.has(v)) ?? hub.node;
    taken.add(n);
    return n;
  };
  const fromOverlayOrNear = (kind: 'dock' | 'parking', list: OverlayPoint[] | undefined, count: number) => {
    if (list !== undefined) {
      list.forEach((p, i) => {
        const pos = resolve(p, `${kind === 'dock' ? 'docks' : 'parking'}[${i}]`);
        if (pos !== undefined) places.push(make(p.id ?? `${kind}-${i + 1}`, kind, p.name ?? `${kind === 'dock' ? 'Charging dock' : 'Parking'} ${i + 1}`, pos.at, pos.node, 'overlay'));
      });
      return;
    }
    for (let i = 0; i < count; i++) {
      const node = nextFree();
      places.push(make(`${kind}-${i + 1}`, kind, `${kind === 'dock' ? 'Charging dock' : 'Parking'} ${i + 1}`,
        { x: graph.nodeX[node]!, y: graph.nodeY[node]! }, node, 'derived'));
    }
  };
  fromOverlayOrNear('dock', overlay.docks, options.dockCount ?? 2);
  fromOverlayOrNear('parking', overlay.parking, 1);
  places.push(...[...drops.values()].sort((a, b) => a.name.localeCompare(b.name)));
  return { places, problems };

  function resolve(p: OverlayPoint, field: string): { at: Vec2; node: number } | undefined {
    if (p.lonLat !== undefined) {
      const at = frame.toMetric(p.lonLat);
      const snapped = onNetwork(at, Infinity);
      return snapped === undefined ? undefined : { at, node: snapped.node };
    }
    const target = p.at!;
    const drop = [...drops.values()].find((d) => d.buildingId === target || d.name === target || d.id === target);
    if (drop !== undefined) return { at: { x: drop.x, y: drop.y }, node: drop.node };
    const b = buildings.find((c) => c.area.id === target || c.name === target || c.area.tags.name === target);
    const d = b === undefined ? undefined : dropFor(b);
    if (d !== undefined) return { at: d.at, node: d.node };
    const poi = features.pois.find((q) => q.id === target || q.tags.name === target);
    const poiAt = poi === undefined ? undefined : frame.toMetric(poi.lonLat);
    const snapped = poiAt === undefined ? undefined : onNetwork(poiAt, maxSnapM);
    if (poiAt !== undefined && snapped !== undefined) return { at: poiAt, node: snapped.node };
    problems.push({ code: 'overlay-unresolved', featureId: field, message: `overlay ${field}: no building, place or POI named "${target}"; ignored` });
    return undefined;
  }
}

function weightOf(name: string, tags: Tags): number {
  const b = tags.building ?? '';
  return DORM_NAME.test(name) || b === 'dormitory' || b === 'residential' || b === 'apartments' ? 3 : 1;
}

function isHubLike(tags: Tags): boolean {
  return tags.amenity === 'post_office' || tags.amenity === 'parcel_locker' || tags.office === 'logistics' ||
    tags.office === 'courier' || tags.shop === 'courier' || HUB_NAME.test(tags.name ?? '');
}

function graphCentre(graph: PathGraph): Vec2 {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let v = 0; v < graph.nodeCount; v++) {
    minX = Math.min(minX, graph.nodeX[v]!); maxX = Math.max(maxX, graph.nodeX[v]!);
    minY = Math.min(minY, graph.nodeY[v]!); maxY = Math.max(maxY, graph.nodeY[v]!);
  }
  return { x: (minX + maxX) / 2, y: (minY + maxY) / 2 };
}

function busiestNodeNear(graph: PathGraph, c: Vec2, radiusM: number): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let v = 0; v < graph.nodeCount; v++) {
    const d = Math.hypot(graph.nodeX[v]! - c.x, graph.nodeY[v]! - c.y);
    const degree = graph.arcOffset[v + 1]! - graph.arcOffset[v]!;
    // Degree dominates inside the radius; distance breaks ties and pulls in from outside.
    const score = (d <= radiusM ? degree * 1000 : 0) - d;
    if (score > bestScore) {
      bestScore = score;
      best = v;
    }
  }
  return best;
}

function nodesByDistance(graph: PathGraph, p: Vec2): number[] {
  const ids = Array.from({ length: graph.nodeCount }, (_, i) => i);
  const d = (v: number) => Math.hypot(graph.nodeX[v]! - p.x, graph.nodeY[v]! - p.y);
  return ids.sort((a, b) => d(a) - d(b)).slice(0, 50);
}
