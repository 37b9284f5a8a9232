import { describe, expect, it } from 'vitest';
import { Random } from '../../../common/core/Random.ts';
import { planTrips } from './planTrips.ts';
import { solveExact } from './solveExact.ts';
import { bareConfig, NOW, parcel, randomWorld, robot, world } from './testWorld.ts';
import type { PlanResult, WaitingParcel } from './types.ts';

const line = world({ hub: [0, 0], a: [100, 0], b: [200, 0], c: [-100, 0], d: [-200, 0], far: [5000, 0] });

function everyParcelOnce(result: PlanResult, parcels: readonly WaitingParcel[]) {
  const seen = [...result.trips.flatMap((t) => t.parcels.map((p) => p.parcelId)), ...result.unassigned.map((u) => u.parcelId)];
  expect(seen.sort()).toEqual(parcels.map((p) => p.id).sort());
}

describe('planTrips', () => {
  it('finds the known optimum: one trip per side of the hub, stops in order', () => {
    const parcels = [parcel('1', 'a'), parcel('2', 'b'), parcel('3', 'c'), parcel('4', 'd')];
    const r = planTrips({ nowMs: NOW, parcels, robots: [robot('r1', { compartments: 2 }), robot('r2', { compartments: 2 })],
      travel: line }, bareConfig());
    expect(r.trips).toHaveLength(2);
    const sides = r.trips.map((t) => t.stops.map((s) => s.place).sort().join()).sort();
    expect(sides).toEqual(['a,b', 'c,d']);
    expect(r.stats.totalDistanceM).toBeCloseTo(800, 6); // 2 × 200 m out and back on each side
    everyParcelOnce(r, parcels);
  });

  it('respects compartments and numbers them 1..n in stop order', () => {
    const rng = new Random(3);
    const places = ['a', 'b', 'c', 'd'];
    const parcels = Array.from({ length: 20 }, (_, i) => parcel(`p${i}`, places[rng.int(0, 3)]!, i));
    const robots = [robot('r1', { compartments: 3 }), robot('r2', { compartments: 4 }), robot('r3', { compartments: 5 })];
    const r = planTrips({ nowMs: NOW, parcels, robots, travel: line }, bareConfig());
    for (const t of r.trips) {
      const cap = robots.find((x) => x.serial === t.robot)!.compartments;
      expect(t.parcels.length).toBeLessThanOrEqual(cap);
      expect(t.parcels.map((p) => p.compartment)).toEqual(t.parcels.map((_, i) => i + 1));
      expect(t.stops.flatMap((s) => s.parcelIds)).toEqual(t.parcels.map((p) => p.parcelId));
    }
    expect(r.stats.plannedParcels).toBe(12);
    expect(r.unassigned.filter((u) => u.reason.kind === 'no_capacity')).toHaveLength(8);
    everyParcelOnce(r, parcels);
  });

  it('reportNoCapacity: false leaves out only the parcels waiting for a compartment; trips and stats are the same', () => {
    const rng = new Random(5);
    const places = ['a', 'b', 'c', 'd', 'far'];
    const parcels = Array.from({ length: 30 }, (_, i) => parcel(`p${i}`, places[rng.int(0, 4)]!, i, i % 7 === 0 ? { held: true } : {}));
    const robots = [robot('r1', { compartments: 3 }), robot('r2', { compartments: 4 })];
    const config = bareConfig({ selection: 'byPlace' });
    const all = planTrips({ nowMs: NOW, parcels, robots, travel: line }, config);
    const lean = planTrips({ nowMs: NOW, parcels, robots, travel: line }, config, { reportNoCapacity: false });
    expect(all.unassigned.some((u) => u.reason.kind === 'no_capacity')).toBe(true);
    expect(lean.trips).toEqual(all.trips);
    expect(lean.stats).toEqual(all.stats);
    expect(lean.unassigned).toEqual(all.unassigned.filter((u) => u.reason.kind !== 'no_capacity'));
    expect(lean.unassigned.some((u) => u.reason.kind === 'held')).toBe(true);
  });

  it('batches parcels for one building into one stop', () => {
    const parcels = [parcel('1', 'b'), parcel('2', 'a'), parcel('3', 'b'), parcel('4', 'b')];
    const r = planTrips({ nowMs: NOW, parcels, robots: [robot('r1')], travel: line }, bareConfig());
    expect(r.trips).toHaveLength(1);
    expect(r.trips[0]!.stops.map((s) => [s.place, s.parcelIds.length])).toEqual([['a', 1], ['b', 3]]);
  });

  it('sends a full load straight to a building that has more parcels than a robot holds', () => {
    const parcels = Array.from({ length: 5 }, (_, i) => parcel(`p${i}`, 'a', i));
    const r = planTrips({ nowMs: NOW, parcels, robots: [robot('r1', { compartments: 2 }), robot('r2', { compartments: 2 }),
      robot('r3', { compartments: 2 })], travel: line }, bareConfig());
    expect(r.trips).toHaveLength(3);
    expect(r.trips.every((t) => t.stops.length === 1 && t.stops[0]!.place === 'a')).toBe(true);
  });

  it('takes the oldest parcels first, whatever the distance', () => {
    const parcels = [parcel('new-near', 'a', 60), parcel('old-far', 'far', 3600), parcel('mid-near', 'a', 600)];
    const r = planTrips({ nowMs: NOW, parcels, robots: [robot('r1', { compartments: 2 })], travel: line }, bareConfig());
    expect(r.trips[0]!.parcels.map((p) => p.parcelId).sort()).toEqual(['mid-near', 'old-far']);
    expect(r.unassigned).toEqual([{ parcelId: 'new-near', reason: { kind: 'no_capacity' } }]);
  });

  it("selection 'byPlace': the oldest parcel's building goes with all its parcels, then the next oldest's", () => {
    // Oldest first, these four would go to four buildings; by place, the robot takes two buildings' worth.
    const parcels = [parcel('a-old', 'a', 900), parcel('far-1', 'far', 800), parcel('b-1', 'b', 700), parcel('c-1', 'c', 600),
      parcel('a-new', 'a', 10), parcel('far-2', 'far', 5), parcel('a-new2', 'a', 1)];
    const r = planTrips({ nowMs: NOW, parcels, robots: [robot('r1', { compartments: 4 })], travel: line }, bareConfig({ selection: 'byPlace' }));
    expect(r.trips).toHaveLength(1);
    expect(r.trips[0]!.stops.map((s) => [s.place, s.parcelIds.length])).toEqual([['a', 3], ['far', 1]]);
    expect(r.unassigned.map((u) => [u.parcelId, u.reason.kind])).toEqual([['b-1', 'no_capacity'], ['c-1', 'no_capacity'], ['far-2', 'no_capacity']]);
    everyParcelOnce(r, parcels);
    const oldest = planTrips({ nowMs: NOW, parcels, robots: [robot('r1', { compartments: 4 })], travel: line }, bareConfig());
    expect(oldest.trips[0]!.stops).toHaveLength(4);
  });

  it('puts priority before age', () => {
    const parcels = [parcel('old', 'a', 3600), parcel('urgent', 'b', 0, { priority: 1 })];
    const r = planTrips({ nowMs: NOW, parcels, robots: [robot('r1', { compartments: 1 })], travel: line }, bareConfig());
    expect(r.trips[0]!.parcels[0]!.parcelId).toBe('urgent');
  });

  it('refuses a trip the battery cannot cover with the reserve, and says how much is needed', () => {
    // 'far' is 10 km out and back = 100 Wh at 0.01 Wh/m; 15 % of 1000 Wh above the 10 % reserve is 50 Wh.
    const parcels = [parcel('1', 'far')];
    const low = planTrips({ nowMs: NOW, parcels, robots: [robot('r1', { batteryPct: 15 })], travel: line }, bareConfig());
    expect(low.trips).toHaveLength(0);
    expect(low.unassigned[0]!.reason).toEqual({ kind: 'low_battery', neededWh: 100, bestAvailableWh: 50 });
    const ok = planTrips({ nowMs: NOW, parcels, robots: [robot('r1', { batteryPct: 15 }), robot('r2', { batteryPct: 21 })],
      travel: line }, bareConfig());
    expect(ok.trips.map((t) => t.robot)).toEqual(['r2']);
    expect(ok.trips[0]!.batteryAtReturnPct).toBeCloseTo(11, 6);
  });

  it('honours pinned parcels first and reports impossible pins', () => {
    const parcels = [
      parcel('pin2', 'a', 0, { pinnedRobot: 'r2' }),
      parcel('free', 'a', 10),
      parcel('pinOff', 'b', 0, { pinnedRobot: 'r3' }),
      parcel('pinGhost', 'b', 0, { pinnedRobot: 'nobody' }),
    ];
    const robots = [robot('r1'), robot('r2'), robot('r3', { state: 'offline' })];
    const r = planTrips({ nowMs: NOW, parcels, robots, travel: line }, bareConfig());
    const carrier = (id: string) => r.trips.find((t) => t.parcels.some((p) => p.parcelId === id))?.robot;
    expect(carrier('pin2')).toBe('r2');
    expect(carrier('free')).toBe('r2'); // same building: it rides along in r2's spare compartments
    expect(r.unassigned).toEqual([
      { parcelId: 'pinGhost', reason: { kind: 'pinned_robot_unavailable', robot: 'nobody', state: 'unknown' } },
      { parcelId: 'pinOff', reason: { kind: 'pinned_robot_unavailable', robot: 'r3', state: 'offline' } },
    ]);
  });

  it('reports pins beyond the robot’s compartments', () => {
    const parcels = [0, 1, 2].map((i) => parcel(`p${i}`, 'a', 10 - i, { pinnedRobot: 'r1' }));
    const r = planTrips({ nowMs: NOW, parcels, robots: [robot('r1', { compartments: 2 }), robot('r2')], travel: line }, bareConfig());
    expect(r.trips.map((t) => [t.robot, t.parcels.length])).toEqual([['r1', 2]]);
    expect(r.unassigned).toEqual([{ parcelId: 'p2', reason: { kind: 'pinned_robot_full', robot: 'r1' } }]);
  });

  it('never plans held, future, exhausted or unreachable parcels', () => {
    const parcels = [
      parcel('held', 'a', 0, { held: true }),
      { ...parcel('future', 'a'), readyAtMs: NOW + 1000 },
      parcel('tired', 'a', 0, { attempts: 3 }),
      parcel('nowhere', 'atlantis'),
      parcel('ok', 'a'),
    ];
    const r = planTrips({ nowMs: NOW, parcels, robots: [robot('r1')], travel: line }, bareConfig());
    expect(r.trips.flatMap((t) => t.parcels.map((p) => p.parcelId))).toEqual(['ok']);
    expect(Object.fromEntries(r.unassigned.map((u) => [u.parcelId, u.reason.kind]))).toEqual({
      held: 'held', future: 'not_ready', tired: 'attempts_exhausted', nowhere: 'unreachable',
    });
  });

  it('splits trips that would exceed the maximum duration', () => {
    const travel = world({ hub: [0, 0], e1: [100, 0], e2: [100, 50] });
    const parcels = [parcel('1', 'e1'), parcel('2', 'e2')];
    const robots = [robot('r1'), robot('r2')];
    const one = planTrips({ nowMs: NOW, parcels, robots, travel }, bareConfig({ maxTripDurationS: 1000 }));
    expect(one.trips).toHaveLength(1); // together: 100 + 50 + 111.8 = 261.8 s
    const two = planTrips({ nowMs: NOW, parcels, robots, travel }, bareConfig({ maxTripDurationS: 250 }));
    expect(two.trips.map((t) => t.stops.length)).toEqual([1, 1]);
    const none = planTrips({ nowMs: NOW, parcels, robots, travel }, bareConfig({ maxTripDurationS: 210 }));
    expect(none.unassigned).toEqual([{ parcelId: '2', reason: { kind: 'trip_too_long', durationS: expect.closeTo(223.6, 1) } }]);
  });

  it('computes ETAs from loading, travel and dwell', () => {
    const config = bareConfig({ loadPerParcelS: 10, handoverDwellS: 100, handoverPerParcelS: 5 });
    const r = planTrips({ nowMs: NOW, parcels: [parcel('1', 'a'), parcel('2', 'b'), parcel('3', 'b')],
      robots: [robot('r1')], travel: line }, config);
    const t = r.trips[0]!;
    expect(t.departAtMs).toBe(NOW + 30_000);
    // Both directions are 400 m; a first is 100 m of wait for one parcel and 200 m for two (500), b first 700.
    expect(t.stops.map((s) => s.place)).toEqual(['a', 'b']);
    expect(t.stops.map((s) => (s.etaMs - NOW) / 1000)).toEqual([30 + 100, 30 + 100 + 105 + 100]);
    expect(t.durationS).toBe(30 + 200 + 105 + 110 + 200);
  });

  it('of two equally long directions, serves the bigger group first', () => {
    const travel = world({ hub: [0, 0], a: [100, 0], b: [0, 100] });
    const parcels = [parcel('a1', 'a'), parcel('b1', 'b'), parcel('b2', 'b'), parcel('b3', 'b')];
    const r = planTrips({ nowMs: NOW, parcels, robots: [robot('r1')], travel }, bareConfig());
    expect(r.trips[0]!.stops.map((s) => s.place)).toEqual(['b', 'a']);
    const flipped = planTrips({ nowMs: NOW, parcels: parcels.map((p) => ({ ...p, destination: p.destination === 'a' ? 'b' : 'a' })),
      robots: [robot('r1')], travel }, bareConfig());
    expect(flipped.trips[0]!.stops.map((s) => s.place)).toEqual(['a', 'b']);
  });

  it('lets a re-route override replace the stop order', () => {
    const parcels = [parcel('1', 'a'), parcel('2', 'b')];
    const r = planTrips({ nowMs: NOW, parcels, robots: [robot('r1')], travel: line }, bareConfig(),
      { routeOverrides: { r1: ['b'] } });
    expect(r.trips[0]!.stops.map((s) => s.place)).toEqual(['b', 'a']);
    expect(r.trips[0]!.distanceM).toBe(400);
  });

  it('plans on_trip robots back within the horizon, starting at their return', () => {
    const robots = [robot('r1', { state: 'on_trip', returnAtMs: NOW + 60_000 })];
    const none = planTrips({ nowMs: NOW, parcels: [parcel('1', 'a')], robots, travel: line }, bareConfig());
    expect(none.trips).toHaveLength(0);
    const later = planTrips({ nowMs: NOW, parcels: [parcel('1', 'a')], robots, travel: line }, bareConfig(),
      { horizonMs: 120_000 });
    expect(later.trips[0]!.startAtMs).toBe(NOW + 60_000);
  });

  it('gives the same plan for the same input in any order', () => {
    const rng = new Random(11);
    const { travel, places } = randomWorld(rng, 30);
    const parcels = Array.from({ length: 120 }, (_, i) => parcel(`p${i}`, places[rng.int(0, 29)]!, rng.int(0, 3600)));
    const robots = Array.from({ length: 6 }, (_, i) => robot(`r${i}`, { batteryPct: rng.uniform(40, 100) }));
    const a = planTrips({ nowMs: NOW, parcels, robots, travel }, bareConfig());
    const b = planTrips({ nowMs: NOW, parcels: [...parcels].reverse(), robots: [...robots].reverse(), travel }, bareConfig());
    expect(b).toEqual(a);
    expect(a.stats.plannedParcels).toBe(48);
  });

  it('stays within 10 % of the exact optimum on random small instances (mean), never below it', () => {
    const rng = new Random(2026);
    const gaps: number[] = [];
    for (let k = 0; k < 25; k++) {
      const { travel, places } = randomWorld(rng, 8);
      const demand = places.map((place) => ({ place, count: rng.int(1, 4) }));
      const parcels = demand.flatMap((d) => Array.from({ length: d.count }, (_, j) => parcel(`${d.place}-${j}`, d.place)));
      const robots = Array.from({ length: 8 }, (_, i) => robot(`r${i}`));
      const heur = planTrips({ nowMs: NOW, parcels, robots, travel }, bareConfig());
      expect(heur.stats.plannedParcels).toBe(parcels.length);
      const exact = solveExact('hub', demand, 8, travel);
      expect(heur.stats.totalDistanceM).toBeGreaterThanOrEqual(exact.totalDistanceM - 1e-6);
      gaps.push(heur.stats.totalDistanceM / exact.totalDistanceM - 1);
    }
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    expect(mean).toBeLessThanOrEqual(0.1);
  });
});
