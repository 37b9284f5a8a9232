import { err } from '../../common/core/AppError.ts';
import type { Result } from '../../common/core/AppError.ts';
import { buildPathGraph } from './buildPathGraph.ts';
import type { BuildPathGraphOptions } from './buildPathGraph.ts';
import type { CampusFeatures, MapProblem } from './CampusFeatures.ts';
import { createRouter } from './createRouter.ts';
import type { Router, RouterOptions } from './createRouter.ts';
import { derivePlaces } from './derivePlaces.ts';
import type { DerivePlacesOptions, Place } from './derivePlaces.ts';
import { EdgeIndex } from './EdgeIndex.ts';
import { createLocalFrame } from './LocalFrame.ts';
import type { LocalFrame, LonLat } from './LocalFrame.ts';
import { ObstacleIndex } from './ObstacleIndex.ts';
import type { PlacesOverlay } from './parsePlacesOverlay.ts';
import type { PathGraph } from './PathGraph.ts';
import { polylineTouchesRing } from './ringGeometry.ts';
import { routeBetweenPoints } from './routeBetweenPoints.ts';
import type { PointRoute, PointRouteFailure, RouteBetweenPointsOptions } from './routeBetweenPoints.ts';
import type { Vec2 } from './types.ts';

/** Metric bounding box, metres. */
export interface BBoxM {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** An obstacle ring with what it is, for rendering and debugging; `ring` is what the index is built from. */
export interface ObstacleRing {
  kind: 'building' | 'water' | 'wall';
  id: string;
  ring: Vec2[];
}

/**
 * Everything robots, fleet and sim need about one campus, in the metric frame: path graph, router, snapping
 * index, places, obstacle rings (and their ray-cast index, built on first use), non-fatal problems.
 */
export interface CampusMap {
  name: string;
  /**
   * The VDA 5050 `mapId` of this campus's metric frame: robots report positions and the fleet server sends node
   * positions under it, and a robot refuses nodes on another map — so both sides must take it from here.
   */
  mapId: string;
  attribution: string;
  frame: LocalFrame;
  graph: PathGraph;
  router: Router;
  edgeIndex: EdgeIndex;
  places: Place[];
  /** Overlay no-go zones in metres; `noGoEdges` are the edges they close (the router never uses them). */
  noGoZones: { id: string; name: string; ring: Vec2[] }[];
  noGoEdges: ReadonlySet<number>;
  /** Metric rings of buildings, water and walls (a wall segment is a 2-point ring). */
  obstaclePolygons: Vec2[][];
  obstacleRings: ObstacleRing[];
  /** Spatial index over obstaclePolygons for ray casting; built lazily on first access. */
  readonly obstacles: ObstacleIndex;
  problems: MapProblem[];
  /** Bounding box of the path graph and obstacles, metres. */
  bbox: BBoxM;
  /** The normalized features the map was built from (for rendering and re-derivation). */
  features: CampusFeatures;
  /** Routes between two metric points (snapped onto the network). */
  routePoints(from: Vec2, to: Vec2, options?: RouteBetweenPointsOptions): Result<PointRoute, PointRouteFailure>;
  /** Routes between two lon/lat points; the result's points stay metric (use frame.toLonLat to convert). */
  routeLonLat(from: LonLat, to: LonLat, options?: RouteBetweenPointsOptions): Result<PointRoute, PointRouteFailure>;
  /** A place by id, or by name (exact, then case-insensitive substring). */
  findPlace(idOrName: string): Place | undefined;
}

export interface CampusMapOptions extends BuildPathGraphOptions, DerivePlacesOptions {
  overlay?: PlacesOverlay;
  /** Frame origin; defaults to the centre of the campus boundary, else of the ways. */
  origin?: LonLat;
  router?: RouterOptions;
  /** VDA 5050 mapId; defaults to a slug of the source file's name (e.g. `zju-zijingang`), else of the campus name. */
  mapId?: string;
}

/** Builds a CampusMap from normalized features: frame, graph, router, places, obstacles. Pure. */
export function createCampusMap(features: CampusFeatures, options: CampusMapOptions = {}): CampusMap {
  const origin = options.origin ?? defaultOrigin(features);
  const frame = createLocalFrame(origin);
  const built = buildPathGraph(features.ways, frame, { file: features.source.file, ...options });
  const graph = built.graph;
  const noGoZones = (options.overlay?.noGo ?? []).map((z, i) => ({
    id: z.id ?? `nogo-${i + 1}`, name: z.name ?? z.id ?? `No-go zone ${i + 1}`, ring: z.ring.map((p) => frame.toMetric(p)),
  }));
  const noGoEdges = new Set<number>();
  for (const zone of noGoZones) {
    for (let e = 0; e < graph.edgeCount; e++) {
      const line: Vec2[] = [];
      for (let i = graph.geomOffset[e]!; i < graph.geomOffset[e + 1]!; i++) line.push({ x: graph.geomX[i]!, y: graph.geomY[i]! });
      if (polylineTouchesRing(line, zone.ring)) noGoEdges.add(e);
    }
  }
  const userBlocked = options.router?.blocked;
  const blocked = noGoEdges.size === 0 ? userBlocked
    : userBlocked === undefined ? (e: number) => noGoEdges.has(e) : (e: number) => noGoEdges.has(e) || userBlocked(e);
  const router = createRouter(graph, { ...options.router, blocked });
  const edgeIndex = new EdgeIndex(graph);
  const { places, problems: placeProblems } = derivePlaces(features, graph, edgeIndex, frame, options.overlay, options);

  const obstacleRings: ObstacleRing[] = [];
  for (const area of features.areas) {
    if (area.kind !== 'building' && area.kind !== 'water') continue;
    for (const ring of area.rings) obstacleRings.push({ kind: area.kind, id: area.id, ring: ring.map((p) => frame.toMetric(p)) });
  }
  for (const line of features.lines) {
    if (line.tags.waterway !== undefined) continue; // canals are drawn, but banks are not LiDAR targets
    const pts = line.coords.map((p) => frame.toMetric(p));
    for (let i = 1; i < pts.length; i++) {
      if (pts[i]!.x === pts[i - 1]!.x && pts[i]!.y === pts[i - 1]!.y) continue;
      obstacleRings.push({ kind: 'wall', id: line.id, ring: [pts[i - 1]!, pts[i]!] });
    }
  }
  const obstaclePolygons = obstacleRings.map((o) => o.ring);

  const bbox: BBoxM = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  const grow = (x: number, y: number) => {
    if (x < bbox.minX) bbox.minX = x;
    if (x > bbox.maxX) bbox.maxX = x;
    if (y < bbox.minY) bbox.minY = y;
    if (y > bbox.maxY) bbox.maxY = y;
  };
  for (let i = 0; i < graph.geomX.length; i++) grow(graph.geomX[i]!, graph.geomY[i]!);
  for (const r of obstaclePolygons) for (const p of r) grow(p.x, p.y);

  let obstacles: ObstacleIndex | undefined;
  const map: CampusMap = {
    name: features.name,
    mapId: options.mapId ?? mapIdFor(features),
    attribution: features.attribution,
    frame, graph, router, edgeIndex, places, noGoZones, noGoEdges, obstaclePolygons, obstacleRings,
    get obstacles() {
      obstacles ??= ObstacleIndex.fromPolygons(obstaclePolygons);
      return obstacles;
    },
    problems: [...features.problems, ...built.problems, ...placeProblems],
    bbox,
    features,
    routePoints: (from, to, o) => routeBetweenPoints(graph, router, edgeIndex, from, to, { blocked, ...o }),
    routeLonLat: (from, to, o) => {
      for (const p of [from, to]) {
        if (!Number.isFinite(p[0]) || !Number.isFinite(p[1]) || Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) {
          return err({ reason: 'off-network', which: p === from ? 'from' : 'to', message: `not a lon/lat: ${JSON.stringify(p)}` });
        }
      }
      return map.routePoints(frame.toMetric(from), frame.toMetric(to), o);
    },
    findPlace: (q) => places.find((p) => p.id === q) ?? places.find((p) => p.name === q) ??
      places.find((p) => p.name.toLowerCase().includes(q.toLowerCase())),
  };
  return map;
}

function defaultOrigin(features: CampusFeatures): LonLat {
  const boundary = features.areas.find((a) => a.kind === 'campus_boundary');
  const coords = boundary?.rings[0] ?? features.ways.flatMap((w) => w.coords);
  if (coords.length === 0) return [0, 0];
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  for (const [lon, lat] of coords) {
    minLon = Math.min(minLon, lon); maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat); maxLat = Math.max(maxLat, lat);
  }
  // Rounded so the origin is easy to quote and stable across small data edits.
  return [Math.round(((minLon + maxLon) / 2) * 1e4) / 1e4, Math.round(((minLat + maxLat) / 2) * 1e4) / 1e4];
}

function mapIdFor(features: CampusFeatures): string {
  const slug = (text: string) => text.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const fromFile = slug((features.source.file.split(/[\\/]/).pop() ?? '').replace(/\.[^.]*$/, ''));
  const fromName = slug(features.name);
  return fromFile || fromName || 'campus';
}
