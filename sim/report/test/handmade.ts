/** Test support: a tiny hand-made day whose KPIs can be worked out on paper (see computeKpis.test.ts). */
import { DayRecorder } from '../core/DayRecord.ts';
import type { DayRecord } from '../core/DayRecord.ts';

const MIN = 60_000;
export const H8 = 8 * 3_600_000;

/**
 * Day 08:00–10:00, 2 robots, 4 parcels:
 * - A arrives 08:00, loaded 08:10, at door 08:30, delivered 08:40 (40 min, wait 10 min)
 * - B arrives 08:00, loaded 08:10, at door 08:50, delivered 09:20 (80 min, wait 30 min)
 * - C arrives 08:30, loaded 08:40, at door 09:00, returned 09:30 recipient_absent
 * - D arrives 09:00, loaded 09:10, at door 09:20, delivered 09:30 (30 min, wait 10 min)
 * Robots: r1 10 km, 200 Wh, busy 60 min, loc RMSE 0.1 m over 100 estimates; r2 5 km, 100 Wh, busy 30 min,
 * loc RMSE 0.2 m over 300 estimates. Samples every 30 min (5 instants × 2 robots).
 */
export function handmadeDay(): DayRecord {
  const rec = new DayRecorder(
    { campus: 'test', seed: 7, robots: 2, parcels: 4, fidelity: 'full', mode: 'fast', startMs: H8, endMs: H8 + 120 * MIN, samplePeriodMs: 30 * MIN },
    3,
    ['r1', 'r2'],
  );
  const at = (m: number) => H8 + m * MIN;
  const deliver = (id: string, arrive: number, load: number, door: number, done: number) => {
    const p = rec.parcelArrived(id, `B-${id}`, at(arrive));
    p.assignedAtMs = at(load);
    p.loadedAtMs = at(load);
    p.outForDeliveryAtMs = at(load);
    p.awaitingPickupAtMs = at(door);
    p.deliveredAtMs = at(done);
    p.handoverCount = 1;
    p.handedOverWithCode = true;
    p.codeAttempts = 1;
    return p;
  };
  deliver('A', 0, 10, 30, 40);
  deliver('B', 0, 10, 50, 80);
  const c = rec.parcelArrived('C', 'B-C', at(30));
  c.loadedAtMs = at(40);
  c.awaitingPickupAtMs = at(60);
  c.returnedAtMs = at(90);
  c.returnReason = 'recipient_absent';
  deliver('D', 60, 70, 80, 90);

  const r1 = rec.robot('r1');
  Object.assign(r1, { distanceM: 10_000, energyWh: 200, busyMs: 60 * MIN, locRmseM: 0.1, locSamples: 100, crossTrackRmsM: 0.05, crossTrackSamples: 10 });
  const r2 = rec.robot('r2');
  Object.assign(r2, { distanceM: 5_000, energyWh: 100, busyMs: 30 * MIN, locRmseM: 0.2, locSamples: 300, crossTrackRmsM: null, crossTrackSamples: 0 });
  const states = [
    ['loading', 'idle'],
    ['driving', 'idle'],
    ['waiting_handover', 'loading'],
    ['returning', 'driving'],
    ['idle', 'charging'],
  ] as const;
  states.forEach(([s1, s2], k) => {
    rec.sample(at(30 * k), 'r1', s1, 90 - 10 * k, 0, 0);
    rec.sample(at(30 * k), 'r2', s2, 80 - 5 * k, 1, 1);
  });
  for (const e of [0, 0, 2]) rec.traverse(e);
  rec.setContacts({ collisions: 0, nearMisses: 2, collisionsByKind: { robot: 0, obstacle: 0, pedestrian: 0 } });
  return rec.finish();
}
