import type { Tags } from './CampusFeatures.ts';

/** Routing classes: footway-like paths, service roads, and minor roads shared with cars. */
export type WayClass = 'footway' | 'service' | 'shared_road';

export type WayClassification =
  | { drivable: false; reason: string }
  | {
    drivable: true;
    wayClass: WayClass;
    /** Multiplies length into cost; 1 for the cheapest class, so a Euclidean heuristic stays admissible. */
    costFactor: number;
    widthM: number;
    /** 0 both ways, 1 along the coordinates only, -1 against them only. */
    oneway: 0 | 1 | -1;
    surface: string | undefined;
    /** Signed grade in percent when tagged numerically, else NaN. */
    inclinePct: number;
  };

export interface ClassifyOptions {
  /** Cost multipliers per class (defaults: footway 1, service 1.2, shared_road 1.5). */
  costFactors?: Partial<Record<WayClass, number>>;
  /** Extra multiplier for unpaved surfaces (default 1.5). */
  unpavedFactor?: number;
}

const FOOTWAY_WIDTH_M: Record<string, number> = {
  footway: 2, path: 1.5, pedestrian: 4, cycleway: 2.5, corridor: 2, track: 3, bridleway: 2,
};
const SHARED = new Set(['residential', 'unclassified', 'tertiary', 'tertiary_link', 'living_street', 'road']);
const MAJOR = new Set([
  'motorway', 'motorway_link', 'trunk', 'trunk_link', 'primary', 'primary_link', 'secondary', 'secondary_link',
]);
const UNPAVED = new Set(['unpaved', 'gravel', 'fine_gravel', 'dirt', 'earth', 'ground', 'grass', 'sand', 'mud', 'pebblestone', 'woodchips']);
const ROBOT_CLASS: Record<string, string> = {
  pedestrian: 'footway', pedestrian_or_service: 'footway', shared_road: 'residential', steps: 'steps', major_road: 'primary',
};

/**
 * Decides whether a sidewalk robot may drive a way and at what cost, from OSM tags alone (our GeoJSON's
 * `robot_class` stands in when `highway` is missing). Footway, path, pedestrian, cycleway, track, corridor and
 * service are drivable; minor roads are drivable at a higher cost; steps, major roads and access=no/private are not.
 * `oneway` binds only footway-class ways (or `oneway:foot`): on roads it restricts cars, not a robot on the verge.
 */
export function classifyWay(tags: Tags, options: ClassifyOptions = {}): WayClassification {
  const highway = tags.highway ?? (tags.robot_class === undefined ? undefined : ROBOT_CLASS[tags.robot_class]);
  if (highway === undefined) return { drivable: false, reason: 'no highway tag' };
  if (highway === 'steps') return { drivable: false, reason: 'steps' };
  if (MAJOR.has(highway)) return { drivable: false, reason: 'major road' };
  if (tags.access === 'no' || tags.access === 'private') return { drivable: false, reason: `access=${tags.access}` };
  if (tags.restricted === 'true') return { drivable: false, reason: 'restricted' };
  if (tags.area === 'yes') return { drivable: false, reason: 'area' };

  let wayClass: WayClass;
  let widthM: number;
  if (highway in FOOTWAY_WIDTH_M) {
    wayClass = 'footway';
    widthM = FOOTWAY_WIDTH_M[highway]!;
  } else if (highway === 'service') {
    wayClass = 'service';
    widthM = 3.5;
  } else if (SHARED.has(highway)) {
    wayClass = 'shared_road';
    widthM = 6;
  } else {
    return { drivable: false, reason: `highway=${highway}` };
  }
  const factors = { footway: 1, service: 1.2, shared_road: 1.5, ...options.costFactors };
  let costFactor = factors[wayClass];
  const surface = tags.surface;
  if (surface !== undefined && UNPAVED.has(surface)) costFactor *= options.unpavedFactor ?? 1.5;
  const inclinePct = parseIncline(tags.incline);
  if (Number.isFinite(inclinePct)) costFactor *= 1 + Math.abs(inclinePct) / 20;
  const taggedWidth = Number.parseFloat(tags.width ?? '');
  if (Number.isFinite(taggedWidth) && taggedWidth > 0) widthM = taggedWidth;

  const onewayTag = tags['oneway:foot'] ?? (wayClass === 'footway' ? tags.oneway : undefined);
  const oneway = onewayTag === 'yes' || onewayTag === '1' || onewayTag === 'true' ? 1 : onewayTag === '-1' ? -1 : 0;
  return { drivable: true, wayClass, costFactor, widthM, oneway, surface, inclinePct };
}

function parseIncline(value: string | undefined): number {
  if (value === undefined) return Number.NaN;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*%?\s*$/.exec(value);
  return m === null ? Number.NaN : Number(m[1]);
}
