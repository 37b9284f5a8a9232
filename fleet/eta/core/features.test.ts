import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCampus } from '../../../maps/adapters/loadCampus.ts';
import type { CampusMap } from '../../../maps/core/CampusMap.ts';
import { EtaError } from './EtaError.ts';
import {
  checkFeatureRows, countTurns, fitNormalization, legFeatures, legRouteStats, LEG_FEATURES, normalizeRows, stopFeatures,
  STOP_FEATURES, timeOfDayS,
} from './features.ts';
import type { LegInput } from './features.ts';
import { generateSyntheticTrips } from './generateSyntheticTrips.ts';
import { parseTripLogRecord, samplesFromTripLog } from './tripLog.ts';

const leg: LegInput = { lengthM: 400, turnCount: 3, nodeCount: 6, sharedRoadM: 100, footwayM: 300, timeOfDayS: 12 * 3600, stopIndex: 1 };

function expectEtaError(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EtaError);
    expect((e as EtaError).code).toBe('ETA_BAD_INPUT');
    expect((e as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected an EtaError');
}

describe('features', () => {
  let map: CampusMap;
  beforeAll(async () => {
    map = await loadCampus(join(import.meta.dirname, '..', '..', '..', 'maps', 'data', 'zju-zijingang.geojson'));
  });

  it('counts sharp heading changes as turns, not gentle bends or sub-2 m jitter', () => {
    expect(countTurns([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }])).toBe(1);
    expect(countTurns([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 20, y: 2 }, { x: 30, y: 5 }])).toBe(0);
    expect(countTurns([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10.5, y: 0.8 }, { x: 11, y: 0 }, { x: 20, y: 0 }])).toBe(0);
    expect(countTurns([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }, { x: 0, y: 10 }])).toBe(2);
  });

  it('splits a real campus route by way class, summing to its network length', () => {
    const hub = map.places.find((p) => p.kind === 'hub')!;
    const drops = map.places.filter((p) => p.kind === 'drop');
    let sawShared = false;
    for (const d of drops.slice(0, 40)) {
      const r = map.routePoints(hub, d);
      if (!r.ok) continue;
      const s = legRouteStats(map.graph, r.value);
      expect(s.lengthM).toBeCloseTo(r.value.lengthM + r.value.snapLegsM, 6);
      expect(s.footwayM + s.sharedRoadM).toBeLessThanOrEqual(r.value.lengthM + 1e-6);
      // This campus has only footway and shared_road classes, so the two cover the whole network length.
      expect(s.footwayM + s.sharedRoadM).toBeCloseTo(r.value.lengthM, 3);
      expect(s.nodeCount).toBe(r.value.nodes.length);
      if (s.sharedRoadM > 0) sawShared = true;
    }
    expect(sawShared).toBe(true);
  });

  it('builds leg and stop rows in the documented column order', () => {
    const row = legFeatures(leg);
    expect(row).toHaveLength(LEG_FEATURES.length);
    const at = (name: (typeof LEG_FEATURES)[number]) => row[LEG_FEATURES.indexOf(name)];
    expect(at('lengthM')).toBe(400);
    expect(at('sharedRoadShare')).toBeCloseTo(0.25);
    expect(at('footwayShare')).toBeCloseTo(0.75);
    expect(at('hourOfDay')).toBe(12);
    expect(at('todSin')).toBeCloseTo(0, 9);
    expect(at('todCos')).toBeCloseTo(-1, 9);
    const s = stopFeatures({ parcels: 2, stopIndex: 0, timeOfDayS: 6 * 3600, buildingKind: 'dorm' });
    expect(s).toHaveLength(STOP_FEATURES.length);
    expect(s.slice(STOP_FEATURES.indexOf('isDorm'))).toEqual([1, 0, 0, 0]);
    const withHistory = stopFeatures({ parcels: 2, stopIndex: 0, timeOfDayS: 6 * 3600, buildingKind: 'academic', historicWaitS: 95 });
    expect(withHistory.slice(STOP_FEATURES.indexOf('isDorm'))).toEqual([0, 1, 95, 1]);
  });

  it('rejects NaN, negative and unknown inputs with a message naming the field', () => {
    expectEtaError(() => legFeatures({ ...leg, lengthM: NaN }), /leg\.lengthM .* NaN/);
    expectEtaError(() => legFeatures({ ...leg, turnCount: -1 }), /leg\.turnCount/);
    expectEtaError(() => stopFeatures({ parcels: 1, stopIndex: 0, timeOfDayS: 0, buildingKind: 'castle' as never }), /buildingKind/);
    expectEtaError(() => checkFeatureRows([[1, 2, 3], [1, 2]], 3), /row 1 has 2 columns, the model takes 3/);
    expectEtaError(() => checkFeatureRows([[1, Infinity]], 2, ['a', 'b']), /row 0 column 1 \(b\) is Infinity/);
  });

  it('z-scores columns with stored statistics, leaving constant columns at zero', () => {
    const rows = [[1, 5], [3, 5], [5, 5]];
    const stats = fitNormalization(rows);
    expect(stats.mean).toEqual([3, 5]);
    expect(stats.std[0]).toBeCloseTo(Math.sqrt(8 / 3));
    expect(stats.std[1]).toBe(1);
    const z = normalizeRows(rows, stats);
    expect(z[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 6);
    expect(z[1]).toBe(0);
    expect(z[4]).toBeCloseTo(2 / Math.sqrt(8 / 3), 6);
  });

  it('converts epoch ms to local time of day (UTC+8 by default)', () => {
    expect(timeOfDayS(Date.UTC(2024, 8, 1, 2, 30))).toBe(10.5 * 3600);
    expect(timeOfDayS(Date.UTC(2024, 8, 1, 20, 0))).toBe(4 * 3600);
    expect(timeOfDayS(Date.UTC(2024, 8, 1, 2, 30), 0)).toBe(2.5 * 3600);
  });

  it('generates the same synthetic log for the same seed, with slower legs at a changeover peak', () => {
    const a = generateSyntheticTrips(map, { seed: 3, trips: 30 });
    const b = generateSyntheticTrips(map, { seed: 3, trips: 30 });
    expect(a).toEqual(b);
    expect(generateSyntheticTrips(map, { seed: 4, trips: 30 })).not.toEqual(a);
    const { legs, stops } = samplesFromTripLog(a);
    expect(legs.length).toBeGreaterThan(30);
    expect(stops.length).toBe(legs.length);
    for (const s of stops) expect(s.targetS).toBeLessThanOrEqual(900);
    // Same route at 12:12 (lunch changeover) and at 20:00: the peak must cost time.
    const quiet = generateSyntheticTrips(map, { seed: 5, trips: 40, firstDepartureS: 20 * 3600, lastDepartureS: 20 * 3600, maxStops: 1 });
    const peak = generateSyntheticTrips(map, { seed: 5, trips: 40, firstDepartureS: 12.2 * 3600, lastDepartureS: 12.2 * 3600, maxStops: 1 });
    const total = (rs: typeof quiet) => rs.reduce((s, r) => s + (r.kind === 'leg' ? r.travelS : 0), 0);
    expect(total(peak)).toBeGreaterThan(1.3 * total(quiet));
  });

  it('parses trip log records and names the bad field of a bad one', () => {
    const rec = generateSyntheticTrips(map, { seed: 9, trips: 2 });
    for (const r of rec) expect(parseTripLogRecord(JSON.parse(JSON.stringify(r)), 'x')).toEqual(r);
    expectEtaError(() => parseTripLogRecord({ ...rec[0]!, lengthM: 'far' }, 'day1.jsonl:7'), /day1\.jsonl:7: lengthM must be/);
    expectEtaError(() => parseTripLogRecord({ kind: 'teleport' }, 'day1.jsonl:8'), /kind must be "leg" or "stop"/);
  });
});
