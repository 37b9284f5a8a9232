import { EtaError } from './EtaError.ts';
import { legFeatures, stopFeatures } from './features.ts';
import type { BuildingKind, EtaSample, LegInput, StopInput } from './features.ts';

/**
 * One driven leg as a trip log records it: the leg's inputs plus what it really took. This is the contract between
 * whoever produces trips (the simulator, the synthetic generator, a real fleet's history) and the trainer.
 */
export interface TripLogLeg extends LegInput {
  kind: 'leg';
  tripId: string;
  from: string;
  to: string;
  /** Measured drive time, seconds. */
  travelS: number;
}

/** One handover stop as a trip log records it: inputs plus the measured pickup wait. */
export interface TripLogStop extends StopInput {
  kind: 'stop';
  tripId: string;
  place: string;
  /** Arrival to last parcel collected (or the robot giving up), seconds. */
  pickupWaitS: number;
}

export type TripLogRecord = TripLogLeg | TripLogStop;

/** Training rows from trip log records: one travel-time set from legs, one pickup-wait set from stops. */
export function samplesFromTripLog(records: readonly TripLogRecord[]): { legs: EtaSample[]; stops: EtaSample[] } {
  const legs: EtaSample[] = [];
  const stops: EtaSample[] = [];
  for (const r of records) {
    if (r.kind === 'leg') legs.push({ features: legFeatures(r), targetS: r.travelS, lengthM: r.lengthM });
    else stops.push({ features: stopFeatures(r), targetS: r.pickupWaitS, lengthM: 0 });
  }
  return { legs, stops };
}

const KINDS: readonly BuildingKind[] = ['dorm', 'academic', 'other'];

/**
 * Validates one parsed JSON record of a trip log (one line of a JSONL file). Throws EtaError (ETA_BAD_INPUT) naming
 * `where` and the field, so a bad line in a day's log is found at once rather than as a NaN weight later.
 */
export function parseTripLogRecord(value: unknown, where: string): TripLogRecord {
  if (typeof value !== 'object' || value === null) throw bad(where, 'record is not an object');
  const v = value as Record<string, unknown>;
  const num = (k: string, optional = false): number | undefined => {
    const x = v[k];
    if (x === undefined && optional) return undefined;
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw bad(where, `${k} must be a finite number >= 0, got ${JSON.stringify(x)}`);
    return x;
  };
  const str = (k: string): string => {
    const x = v[k];
    if (typeof x !== 'string') throw bad(where, `${k} must be a string, got ${JSON.stringify(x)}`);
    return x;
  };
  if (v.kind === 'leg') {
    return {
      kind: 'leg', tripId: str('tripId'), from: str('from'), to: str('to'),
      lengthM: num('lengthM')!, turnCount: num('turnCount')!, nodeCount: num('nodeCount')!,
      sharedRoadM: num('sharedRoadM')!, footwayM: num('footwayM')!, timeOfDayS: num('timeOfDayS')!,
      stopIndex: num('stopIndex')!, travelS: num('travelS')!,
    };
  }
  if (v.kind === 'stop') {
    const buildingKind = v.buildingKind as BuildingKind;
    if (!KINDS.includes(buildingKind)) throw bad(where, `buildingKind must be one of ${KINDS.join(', ')}, got ${JSON.stringify(v.buildingKind)}`);
    const historicWaitS = num('historicWaitS', true);
    return {
      kind: 'stop', tripId: str('tripId'), place: str('place'), parcels: num('parcels')!, stopIndex: num('stopIndex')!,
      timeOfDayS: num('timeOfDayS')!, buildingKind, pickupWaitS: num('pickupWaitS')!,
      ...(historicWaitS === undefined ? {} : { historicWaitS }),
    };
  }
  throw bad(where, `kind must be "leg" or "stop", got ${JSON.stringify(v.kind)}`);
}

function bad(where: string, message: string): EtaError {
  return new EtaError('ETA_BAD_INPUT', `${where}: ${message}`);
}
