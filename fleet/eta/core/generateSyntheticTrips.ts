/**
 * STAND-IN FOR SIMULATOR LOGS. Until sim/ writes trip logs, this generates them: real routes on the real campus
 * graph (the map's own router and places), with travel and pickup times drawn from a documented ground-truth model
 * (docs/eta.md, "Synthetic trips"). The trainer only sees TripLogRecord rows, so sim logs replace this file's output
 * without touching the model. The ground truth is deliberately nonlinear (pedestrian peaks between classes, per-turn
 * slowdowns, class-dependent speed) so a distance/speed baseline cannot fit it.
 */
import { Random } from '../../../common/core/Random.ts';
import type { CampusMap } from '../../../maps/core/CampusMap.ts';
import type { Place } from '../../../maps/core/derivePlaces.ts';
import { legRouteStats } from './features.ts';
import type { BuildingKind } from './features.ts';
import type { TripLogLeg, TripLogRecord, TripLogStop } from './tripLog.ts';

export interface SyntheticTripsOptions {
  seed: number;
  /** Trips to generate; each leaves the hub and visits 1..maxStops drop points (default 400). */
  trips?: number;
  maxStops?: number;
  /** Departures are uniform in [firstS, lastS] seconds after midnight (default 07:00–21:30). */
  firstDepartureS?: number;
  lastDepartureS?: number;
}

/** Ground-truth constants of the synthetic world, exported so docs and tests quote the same numbers. */
export const SYNTHETIC_TRUTH = {
  speedMps: { footway: 1.5, service: 1.3, shared_road: 1.0 },
  turnPenaltyS: 4,
  junctionPenaltyS: 1,
  /** Pedestrian peaks at class changeovers: centre (s after midnight) and how much they slow footway driving. */
  crowdPeaks: [
    { atS: 7.9 * 3600, gain: 0.6 }, { atS: 9.65 * 3600, gain: 0.9 }, { atS: 12.2 * 3600, gain: 1.2 },
    { atS: 13.3 * 3600, gain: 0.7 }, { atS: 15.7 * 3600, gain: 0.8 }, { atS: 17.5 * 3600, gain: 1.0 },
  ],
  crowdSigmaS: 30 * 60,
  /** Cars on shared roads feel the crowd less than the footways do. */
  sharedRoadCrowdShare: 0.3,
  travelNoiseSigma: 0.07,
  pickupSigma: 0.45,
  /** Robot gives up on a recipient after this; the wait is capped there. */
  pickupTimeoutS: 900,
} as const;

/**
 * Generates trip log records on `map` (which needs a hub and drop points). Pure and deterministic for a given map
 * and seed. Building kinds are derived from the map (heavy-demand drops are dormitories, the rest split by a hash
 * of the place id), so the same building keeps its kind across seeds.
 */
export function generateSyntheticTrips(map: CampusMap, options: SyntheticTripsOptions): TripLogRecord[] {
  const rng = new Random(options.seed);
  const trips = options.trips ?? 400;
  const maxStops = options.maxStops ?? 6;
  const firstS = options.firstDepartureS ?? 7 * 3600;
  const lastS = options.lastDepartureS ?? 21.5 * 3600;
  const hub = map.places.find((p) => p.kind === 'hub');
  const drops = map.places.filter((p) => p.kind === 'drop');
  if (hub === undefined || drops.length === 0) throw new RangeError(`generateSyntheticTrips: map "${map.name}" has no hub or no drop points`);
  const weights = drops.map((d) => d.weight ?? 1);
  const history = new Map<string, { sum: number; n: number }>();
  const out: TripLogRecord[] = [];

  for (let t = 0; t < trips; t++) {
    const tripId = `syn-${options.seed}-${t}`;
    let clockS = rng.uniform(firstS, lastS);
    const k = rng.int(1, maxStops);
    const chosen = new Set<Place>();
    for (let i = 0; i < k * 3 && chosen.size < k; i++) chosen.add(drops[rng.weightedIndex(weights)]!);
    let at: Place = hub;
    let stopIndex = 0;
    for (const stop of chosen) {
      const r = map.routePoints(at, stop);
      if (!r.ok) continue;
      const stats = legRouteStats(map.graph, r.value);
      const leg: TripLogLeg = {
        kind: 'leg', tripId, from: at.id, to: stop.id, ...stats, timeOfDayS: clockS % 86_400, stopIndex,
        travelS: 0,
      };
      leg.travelS = trueTravelS(leg, rng);
      out.push(leg);
      clockS += leg.travelS;

      const buildingKind = buildingKindOf(stop);
      const parcels = rng.int(1, 3);
      const seen = history.get(stop.id);
      const rec: TripLogStop = {
        kind: 'stop', tripId, place: stop.id, parcels, stopIndex, timeOfDayS: clockS % 86_400, buildingKind,
        pickupWaitS: 0,
        ...(seen === undefined ? {} : { historicWaitS: seen.sum / seen.n }),
      };
      rec.pickupWaitS = truePickupWaitS(rec, buildingFactor(stop.id), rng);
      out.push(rec);
      history.set(stop.id, { sum: (seen?.sum ?? 0) + rec.pickupWaitS, n: (seen?.n ?? 0) + 1 });
      clockS += rec.pickupWaitS;
      at = stop;
      stopIndex++;
    }
  }
  return out;
}

/** Pedestrian crowding (0 = empty campus) at a time of day: a sum of Gaussian peaks at class changeovers. */
export function crowdAt(timeOfDayS: number): number {
  let c = 0;
  for (const p of SYNTHETIC_TRUTH.crowdPeaks) c += p.gain * Math.exp(-0.5 * ((timeOfDayS - p.atS) / SYNTHETIC_TRUTH.crowdSigmaS) ** 2);
  return c;
}

function trueTravelS(leg: TripLogLeg, rng: Random): number {
  const T = SYNTHETIC_TRUTH;
  const crowd = crowdAt(leg.timeOfDayS);
  const serviceM = Math.max(0, leg.lengthM - leg.footwayM - leg.sharedRoadM);
  const driveS = (leg.footwayM / T.speedMps.footway) * (1 + crowd)
    + (leg.sharedRoadM / T.speedMps.shared_road) * (1 + T.sharedRoadCrowdShare * crowd)
    + serviceM / T.speedMps.service;
  // Turns cost more in a crowd: the robot waits for a gap before cutting across a stream of people.
  const stopsS = leg.turnCount * T.turnPenaltyS * (1 + crowd) + leg.nodeCount * T.junctionPenaltyS;
  return (driveS + stopsS) * Math.exp(rng.normal(0, T.travelNoiseSigma));
}

function truePickupWaitS(stop: TripLogStop, factor: number, rng: Random): number {
  const h = stop.timeOfDayS / 3600;
  const inClass = (h >= 8 && h < 12) || (h >= 13.5 && h < 17.5);
  let medianS: number;
  if (stop.buildingKind === 'dorm') medianS = inClass ? 260 : h >= 21 ? 70 : 110;
  else if (stop.buildingKind === 'academic') medianS = inClass ? 170 : 90;
  else medianS = 130;
  medianS *= factor * (1 + 0.2 * (stop.parcels - 1));
  return Math.min(SYNTHETIC_TRUTH.pickupTimeoutS, medianS * Math.exp(rng.normal(0, SYNTHETIC_TRUTH.pickupSigma)));
}

/** Heavy-demand drops are dormitories; the others split academic/other by a stable hash of the place id. */
export function buildingKindOf(place: Place): BuildingKind {
  if ((place.weight ?? 1) >= 2) return 'dorm';
  const u = new Random(hashString(place.id)).next();
  return u < 0.3 ? 'dorm' : u < 0.7 ? 'academic' : 'other';
}

/** A building's own slowness (stairs, lifts, how far the lobby is), stable per place id. */
function buildingFactor(id: string): number {
  return Math.exp(new Random(hashString(id) ^ 0x5bd1e995).normal(0, 0.35));
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
