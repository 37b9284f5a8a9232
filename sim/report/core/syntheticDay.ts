import { Random } from '../../../common/core/Random.ts';
import { DayRecorder } from './DayRecord.ts';
import type { DayRecord, RobotState } from './DayRecord.ts';

export interface SyntheticDayOptions {
  seed: number;
  parcels: number;
  robots: number;
  /** Default 07:00 and 23:00 of day 0. */
  startMs?: number;
  endMs?: number;
  samplePeriodMs?: number;
  /** Path-graph edges to count traffic on; each stop's route comes from `routeEdges`, else random edges. */
  edgeCount?: number;
  /** Edge indices driven from the hub to destination zone `d` (0-based, < destinations) on the `visit`-th visit. */
  routeEdges?: (destination: number, visit: number) => readonly number[];
  destinations?: number;
  /** Compartments per robot. Default 48. */
  capacity?: number;
}

const MIN = 60_000;
const HOUR = 3_600_000;

/**
 * A plausible recorded day without running the simulator: truck waves of arrivals, robots taking batches from the
 * hub queue, recipients who come late, sometimes never, battery drain and charging. For report tests and the demo
 * only — a queueing sketch, not the simulator (no paths, no physics).
 */
export function syntheticDay(o: SyntheticDayOptions): DayRecord {
  const rng = new Random(o.seed);
  const startMs = o.startMs ?? 7 * HOUR;
  const endMs = o.endMs ?? 23 * HOUR;
  const samplePeriodMs = o.samplePeriodMs ?? 10_000;
  const nDest = o.destinations ?? 8;
  const capacity = o.capacity ?? 48;
  const edgeCount = o.edgeCount ?? 200;
  const rec = new DayRecorder(
    { campus: 'synthetic', seed: o.seed, robots: o.robots, parcels: o.parcels, fidelity: 'fleet', mode: 'fast', startMs, endMs, samplePeriodMs },
    edgeCount,
    Array.from({ length: o.robots }, (_, i) => `robot-${String(i + 1).padStart(3, '0')}`),
  );

  // Arrivals: four truck waves plus a steady trickle, before 20:00.
  const destWeights = Array.from({ length: nDest }, () => rng.exponential(1) + 0.1);
  const waves = [8.5, 10.5, 13.5, 16].map((h) => h * HOUR);
  const arrivals: number[] = [];
  for (let i = 0; i < o.parcels; i++) {
    let t = rng.chance(0.8) ? waves[rng.int(0, waves.length - 1)]! + Math.abs(rng.normal(0, 25 * MIN)) : rng.uniform(startMs, 20 * HOUR);
    t = Math.min(Math.max(t, startMs), 20 * HOUR);
    arrivals.push(Math.round(t));
  }
  arrivals.sort((a, b) => a - b);
  const parcels = arrivals.map((t, i) => rec.parcelArrived(`P${String(i + 1).padStart(6, '0')}`, `B${rng.weightedIndex(destWeights)}`, t));

  interface Seg {
    t0: number;
    t1: number;
    state: RobotState;
  }
  const timelines: Seg[][] = Array.from({ length: o.robots }, () => []);
  const freeAt = new Array<number>(o.robots).fill(startMs);
  const initialBattery = Array.from({ length: o.robots }, () => rng.uniform(80, 100));
  const battery = [...initialBattery];
  const busy = (r: number, t0: number, t1: number, state: RobotState) => {
    const tl = timelines[r]!;
    const last = tl.length > 0 ? tl[tl.length - 1]!.t1 : startMs;
    if (t0 > last) tl.push({ t0: last, t1: t0, state: 'idle' });
    tl.push({ t0, t1, state });
  };
  let visits = 0;
  const route = (d: number): readonly number[] =>
    o.routeEdges?.(d, visits++) ?? Array.from({ length: 6 }, (_, k) => (d * 7 + k * 13) % Math.max(1, edgeCount));

  let next = 0;
  while (next < parcels.length) {
    let r = 0;
    for (let k = 1; k < o.robots; k++) if (freeAt[k]! < freeAt[r]!) r = k;
    const totals = rec.robot(`robot-${String(r + 1).padStart(3, '0')}`);
    let t = Math.max(freeAt[r]!, parcels[next]!.arrivedAtMs);
    if (t > endMs - HOUR) break; // too late to start a trip
    const tripStart = t;
    const batch = [];
    while (next < parcels.length && batch.length < capacity && parcels[next]!.arrivedAtMs <= t) batch.push(parcels[next++]!);
    const loadMs = Math.round(rng.uniform(2, 4) * MIN);
    for (const p of batch) p.assignedAtMs = t;
    busy(r, t, t + loadMs, 'loading');
    t += loadMs;
    for (const p of batch) {
      p.loadedAtMs = t;
      p.outForDeliveryAtMs = t;
    }
    const stops = [...new Set(batch.map((p) => p.destination))];
    let driveMs = 0;
    for (const stop of stops) {
      const legMs = Math.round(rng.uniform(1.5, 4) * MIN);
      busy(r, t, t + legMs, 'driving');
      t += legMs;
      driveMs += legMs;
      for (const e of route(Number(stop.slice(1)))) rec.traverse(e);
      let leaveAt = t;
      const limit = t + 6 * MIN;
      for (const p of batch.filter((q) => q.destination === stop)) {
        p.awaitingPickupAtMs = t;
        const absent = rng.chance(0.02);
        const pickup = t + Math.round(rng.exponential(1.8 * MIN));
        if (absent || pickup > limit) {
          p.returnReason = 'recipient_absent';
          leaveAt = limit;
        } else if (rng.chance(0.002)) {
          p.codeAttempts = 3;
          p.returnReason = 'code_lockout';
          leaveAt = Math.max(leaveAt, pickup);
        } else {
          p.codeAttempts = rng.chance(0.08) ? 2 : 1;
          p.deliveredAtMs = pickup;
          p.handoverCount = 1;
          p.handedOverWithCode = true;
          leaveAt = Math.max(leaveAt, pickup);
        }
      }
      busy(r, t, leaveAt, 'waiting_handover');
      battery[r]! -= ((leaveAt - t) / MIN) * 0.05;
      t = leaveAt;
    }
    const backMs = Math.round(rng.uniform(2, 5) * MIN);
    busy(r, t, t + backMs, 'returning');
    t += backMs;
    driveMs += backMs;
    for (const p of batch) if (p.returnReason !== undefined) p.returnedAtMs = t;
    battery[r]! -= (driveMs / MIN) * 0.45;
    totals.distanceM += (driveMs / 1000) * 1.3;
    totals.energyWh += (driveMs / MIN) * 2.2;
    totals.busyMs += t - tripStart;
    if (battery[r]! < 30) {
      const chargeMs = Math.round((100 - battery[r]!) * 0.9 * MIN);
      busy(r, t, t + chargeMs, 'charging');
      t += chargeMs;
      battery[r] = 100;
    }
    freeAt[r] = t;
  }

  // Sample every robot's state on the fixed grid; the sampled battery drains and charges by state.
  const batt = [...initialBattery];
  const cursor = new Array<number>(o.robots).fill(0);
  for (let t = startMs; t <= endMs; t += samplePeriodMs) {
    for (let r = 0; r < o.robots; r++) {
      const tl = timelines[r]!;
      while (cursor[r]! < tl.length && tl[cursor[r]!]!.t1 <= t) cursor[r]!++;
      const seg = tl[cursor[r]!];
      const state: RobotState = seg !== undefined && seg.t0 <= t ? seg.state : 'idle';
      const drain = state === 'driving' || state === 'returning' ? 0.45 : state === 'waiting_handover' ? 0.05 : 0;
      batt[r] = state === 'charging' ? Math.min(100, batt[r]! + (samplePeriodMs / MIN) * 1.1) : Math.max(1, batt[r]! - (samplePeriodMs / MIN) * drain);
      rec.sample(t, `robot-${String(r + 1).padStart(3, '0')}`, state, Math.round(batt[r]! * 10) / 10, 0, 0);
    }
  }
  for (const r of rec.finish().robots) {
    r.locSamples = Math.round(r.busyMs / 100);
    r.locRmseM = r.locSamples > 0 ? 0.08 + Math.abs(rng.normal(0, 0.03)) : null;
    r.crossTrackSamples = r.locSamples;
    r.crossTrackRmsM = r.locSamples > 0 ? 0.03 + Math.abs(rng.normal(0, 0.01)) : null;
  }
  rec.setContacts({ collisions: 0, nearMisses: rng.int(0, 12), collisionsByKind: { obstacle: 0, pedestrian: 0, robot: 0 } });
  return rec.finish();
}
