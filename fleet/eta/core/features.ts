import type { PathGraph } from '../../../maps/core/PathGraph.ts';
import type { PointRoute } from '../../../maps/core/routeBetweenPoints.ts';
import { EtaError } from './EtaError.ts';

/** What the ETA model needs to know about one drive between two stops (a trip leg). */
export interface LegInput {
  /** Driven length including the snap legs onto and off the network, metres. */
  lengthM: number;
  /** Heading changes sharper than TURN_THRESHOLD_RAD along the route. */
  turnCount: number;
  /** Graph nodes (junctions) passed. */
  nodeCount: number;
  /** Length on roads shared with cars, and on footway-class paths, metres (service roads are the rest). */
  sharedRoadM: number;
  footwayM: number;
  /** Departure time as seconds since local midnight. */
  timeOfDayS: number;
  /** Stops already made on this trip (0 for the leg out of the hub). */
  stopIndex: number;
}

/** Building use, which drives how long recipients take to come down. */
export type BuildingKind = 'dorm' | 'academic' | 'other';

/** What the ETA model needs to know about one handover stop (pickup wait = arrival to last parcel collected). */
export interface StopInput {
  /** Parcels handed over at this stop. */
  parcels: number;
  stopIndex: number;
  /** Arrival time as seconds since local midnight. */
  timeOfDayS: number;
  buildingKind: BuildingKind;
  /** Mean pickup wait seen at this building before, seconds; undefined when there is no history yet. */
  historicWaitS?: number;
}

/** Feature vector layout of a leg (travel time model). The order is the model's input order. */
export const LEG_FEATURES = [
  'lengthM', 'logLengthM', 'turnCount', 'nodeCount', 'sharedRoadShare', 'footwayShare', 'hourOfDay', 'todSin', 'todCos',
  'stopIndex',
] as const;

/** Feature vector layout of a stop (pickup wait model). */
export const STOP_FEATURES = [
  'parcels', 'stopIndex', 'hourOfDay', 'todSin', 'todCos', 'isDorm', 'isAcademic', 'historicWaitS', 'hasHistoricWait',
] as const;

/** A feature row with its target, seconds. */
export interface EtaSample {
  features: number[];
  targetS: number;
  /** Leg length, metres, kept beside the features so the distance/speed baseline can be fitted on the same rows. */
  lengthM: number;
}

/** Per-column z-score statistics. */
export interface NormStats {
  mean: number[];
  std: number[];
}

/** A heading change sharper than this counts as a turn (the robot slows for it). */
export const TURN_THRESHOLD_RAD = (35 * Math.PI) / 180;
/** Polyline pieces shorter than this are merged before measuring headings, so digitising jitter is not a turn. */
const MIN_SEGMENT_M = 2;
const DAY_S = 86_400;

/**
 * Route geometry features of a routed leg: length (network plus snap legs), turns, junctions passed, and metres
 * per way class. Pure; `graph` must be the graph the route was found on.
 */
export function legRouteStats(graph: PathGraph, route: PointRoute): Pick<LegInput, 'lengthM' | 'turnCount' | 'nodeCount' | 'sharedRoadM' | 'footwayM'> {
  const byClass = { footway: 0, service: 0, shared_road: 0 };
  const edges = route.edges;
  if (edges.length === 1) {
    byClass[graph.edgeClass[edges[0]!]!] += route.lengthM;
  } else if (edges.length > 1) {
    const first = edges[0]!;
    const last = edges[edges.length - 1]!;
    const firstNode = route.nodes[0];
    const lastNode = route.nodes[route.nodes.length - 1];
    const firstM = firstNode === graph.edgeTo[first] ? graph.edgeLengthM[first]! - route.from.alongM : route.from.alongM;
    const lastM = lastNode === graph.edgeFrom[last] ? route.to.alongM : graph.edgeLengthM[last]! - route.to.alongM;
    const parts: [number, number][] = [[first, firstM], [last, lastM]];
    for (let i = 1; i < edges.length - 1; i++) parts.push([edges[i]!, graph.edgeLengthM[edges[i]!]!]);
    const total = parts.reduce((s, [, m]) => s + m, 0);
    // Rescale so the class split always sums to the route's own length, whatever rounding the snap made.
    const scale = total > 0 ? route.lengthM / total : 0;
    for (const [e, m] of parts) byClass[graph.edgeClass[e]!] += m * scale;
  }
  return {
    lengthM: route.lengthM + route.snapLegsM,
    turnCount: countTurns(route.points),
    nodeCount: route.nodes.length,
    sharedRoadM: byClass.shared_road,
    footwayM: byClass.footway,
  };
}

/** Counts heading changes above TURN_THRESHOLD_RAD along a polyline, ignoring pieces under MIN_SEGMENT_M. */
export function countTurns(points: readonly { x: number; y: number }[]): number {
  let turns = 0;
  let prevHeading: number | undefined;
  let ax = points[0]?.x ?? 0;
  let ay = points[0]?.y ?? 0;
  for (let i = 1; i < points.length; i++) {
    const dx = points[i]!.x - ax;
    const dy = points[i]!.y - ay;
    if (Math.hypot(dx, dy) < MIN_SEGMENT_M && i < points.length - 1) continue;
    if (dx === 0 && dy === 0) continue;
    const heading = Math.atan2(dy, dx);
    if (prevHeading !== undefined) {
      let d = Math.abs(heading - prevHeading);
      if (d > Math.PI) d = 2 * Math.PI - d;
      if (d > TURN_THRESHOLD_RAD) turns++;
    }
    prevHeading = heading;
    ax = points[i]!.x;
    ay = points[i]!.y;
  }
  return turns;
}

/** Seconds since local midnight for an epoch time in ms; Hangzhou (UTC+8) by default. */
export function timeOfDayS(epochMs: number, utcOffsetMin = 480): number {
  const s = Math.floor(epochMs / 1000) + utcOffsetMin * 60;
  return ((s % DAY_S) + DAY_S) % DAY_S;
}

/** Feature row of a leg, in LEG_FEATURES order. Throws EtaError (ETA_BAD_INPUT) for a non-finite or negative field. */
export function legFeatures(leg: LegInput): number[] {
  requireNonNegative('leg', leg as unknown as Record<string, unknown>, ['lengthM', 'turnCount', 'nodeCount', 'sharedRoadM', 'footwayM', 'timeOfDayS', 'stopIndex']);
  const len = Math.max(leg.lengthM, 1e-9);
  const [s, c] = dayPhase(leg.timeOfDayS);
  return [
    leg.lengthM, Math.log1p(leg.lengthM), leg.turnCount, leg.nodeCount,
    Math.min(1, leg.sharedRoadM / len), Math.min(1, leg.footwayM / len),
    hourOfDay(leg.timeOfDayS), s, c, leg.stopIndex,
  ];
}

/** Feature row of a stop, in STOP_FEATURES order. A missing history is 0 with its flag off, not a guess. */
export function stopFeatures(stop: StopInput): number[] {
  requireNonNegative('stop', stop as unknown as Record<string, unknown>, ['parcels', 'stopIndex', 'timeOfDayS']);
  if (stop.historicWaitS !== undefined) requireNonNegative('stop', stop as unknown as Record<string, unknown>, ['historicWaitS']);
  if (stop.buildingKind !== 'dorm' && stop.buildingKind !== 'academic' && stop.buildingKind !== 'other') {
    throw new EtaError('ETA_BAD_INPUT', `stop.buildingKind must be dorm, academic or other, got ${JSON.stringify(stop.buildingKind)}`);
  }
  const [s, c] = dayPhase(stop.timeOfDayS);
  return [
    stop.parcels, stop.stopIndex, hourOfDay(stop.timeOfDayS), s, c,
    stop.buildingKind === 'dorm' ? 1 : 0, stop.buildingKind === 'academic' ? 1 : 0,
    stop.historicWaitS ?? 0, stop.historicWaitS === undefined ? 0 : 1,
  ];
}

/** Hours since midnight: a straight axis lets ReLU units carve out short peaks (class changeovers) cheaply. */
function hourOfDay(timeOfDayS: number): number {
  return (timeOfDayS % DAY_S) / 3600;
}

/** Time of day on the unit circle too, so 23:59 and 00:01 are neighbours. */
function dayPhase(timeOfDayS: number): [number, number] {
  const a = (2 * Math.PI * (timeOfDayS % DAY_S)) / DAY_S;
  return [Math.sin(a), Math.cos(a)];
}

function requireNonNegative(what: string, obj: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of keys) {
    const v = obj[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new EtaError('ETA_BAD_INPUT', `${what}.${k} must be a finite number >= 0, got ${String(v)}`);
    }
  }
}

/**
 * Checks a batch of feature rows: every row has `width` finite numbers. Throws EtaError (ETA_BAD_INPUT) naming the
 * first bad row and column, because a NaN reaching the model turns into a silent NaN ETA.
 */
export function checkFeatureRows(rows: readonly (readonly number[])[], width: number, names: readonly string[] = []): void {
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    if (!Array.isArray(row) || row.length !== width) {
      throw new EtaError('ETA_BAD_INPUT', `feature row ${r} has ${Array.isArray(row) ? row.length : 'no'} columns, the model takes ${width}${names.length > 0 ? ` (${names.join(', ')})` : ''}`);
    }
    for (let c = 0; c < width; c++) {
      if (!Number.isFinite(row[c])) {
        throw new EtaError('ETA_BAD_INPUT', `feature row ${r} column ${c}${names[c] === undefined ? '' : ` (${names[c]})`} is ${String(row[c])}, not a finite number`);
      }
    }
  }
}

/** Column means and standard deviations of feature rows (a constant column gets std 1 so it normalises to 0). */
export function fitNormalization(rows: readonly (readonly number[])[]): NormStats {
  if (rows.length === 0) throw new EtaError('ETA_BAD_INPUT', 'fitNormalization: no rows');
  const width = rows[0]!.length;
  const mean = new Array<number>(width).fill(0);
  const std = new Array<number>(width).fill(0);
  for (const row of rows) for (let c = 0; c < width; c++) mean[c]! += row[c]! / rows.length;
  for (const row of rows) for (let c = 0; c < width; c++) std[c]! += (row[c]! - mean[c]!) ** 2 / rows.length;
  for (let c = 0; c < width; c++) std[c] = std[c]! > 1e-12 ? Math.sqrt(std[c]!) : 1;
  return { mean, std };
}

/** Z-scores rows into one flat row-major Float32Array (what a tensor wants). */
export function normalizeRows(rows: readonly (readonly number[])[], stats: NormStats): Float32Array {
  const width = stats.mean.length;
  const out = new Float32Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < width; c++) out[r * width + c] = (rows[r]![c]! - stats.mean[c]!) / stats.std[c]!;
  }
  return out;
}
