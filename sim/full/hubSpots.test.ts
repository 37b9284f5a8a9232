// Waiting spots at the hub on the real ZJU campus: one per robot, off the footways, apart, clear of buildings; and a
// robot coming back through the hub area reaches its own spot past robots waiting at theirs (issue #5: robots parked
// on the footway at the hub blocked the ones coming back).
import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import type { CampusMap } from '../../maps/index.ts';
import { loadCampusCached } from '../../robot/closedLoop/campusCache.ts';
import { orderThrough } from '../../robot/closedLoop/orders.ts';
import { bridgedCampus } from './bridgedCampus.ts';
import { driveOrderToEnd } from './driveOrderToEnd.ts';
import { dayParking } from './FullFidelityDay.ts';
import { createFullFidelityFleet } from './FullFidelityFleet.ts';
import { footwayPoses } from './footwayPoses.ts';
import { hubSpots } from './hubSpots.ts';

let campus: CampusMap;
let hubNode: number;
beforeAll(async () => {
  campus = bridgedCampus(await loadCampusCached()).campus;
  hubNode = campus.places.find((p) => p.kind === 'hub')!.node;
}, 30_000);

const H = 3_600_000;

describe('hub spots', () => {
  it('gives 20 robots distinct spots off the footways, apart and clear of obstacles, nearest the hub first', () => {
    const spots = hubSpots(campus, hubNode, 20);
    expect(spots).toHaveLength(20);
    const hx = campus.graph.nodeX[hubNode]!, hy = campus.graph.nodeY[hubNode]!;
    for (const [i, s] of spots.entries()) {
      expect(campus.edgeIndex.nearest(s.x, s.y)!.distanceM).toBeGreaterThanOrEqual(1.3);
      expect(campus.obstacles.nearestDistance(s.x, s.y, 2)).toBeGreaterThanOrEqual(0.8);
      for (const t of spots.slice(i + 1)) expect(Math.hypot(s.x - t.x, s.y - t.y)).toBeGreaterThanOrEqual(1.1);
    }
    // The first six (the day) within the fleet's 10 m hub radius.
    for (const s of spots.slice(0, 6)) expect(Math.hypot(s.x - hx, s.y - hy)).toBeLessThan(10);
  });

  it('the day boots its robots at those spots, none on a footway', () => {
    // Before: packed on the footways (1.2 m apart, three abreast), the first on the hub node itself.
    for (const p of dayParking(campus, hubNode, 6)) expect(campus.edgeIndex.nearest(p.x, p.y)!.distanceM).toBeGreaterThanOrEqual(1.3);
  });

  it('a robot coming back reaches its own spot past three robots waiting at theirs, without contact', async () => {
    const spots = dayParking(campus, hubNode, 4);
    const hx = campus.graph.nodeX[hubNode]!, hy = campus.graph.nodeY[hubNode]!;
    // Coming back from a node 30–60 m out along the footways, as from a trip.
    const g = campus.graph;
    let from = -1;
    for (let n = 0; n < g.nodeCount && from < 0; n++) {
      const d = Math.hypot(g.nodeX[n]! - hx, g.nodeY[n]! - hy);
      if (d < 25 || d > 60) continue;
      const r = campus.routePoints({ x: g.nodeX[n]!, y: g.nodeY[n]! }, { x: hx, y: hy });
      if (r.ok && r.value.lengthM < 70) from = n;
    }
    expect(from).toBeGreaterThanOrEqual(0);
    const start = { x: g.nodeX[from]!, y: g.nodeY[from]! };
    const clock = new VirtualClock(10 * H);
    const fleet = await createFullFidelityFleet({
      campus, clock, seed: 3, serials: ['R01', 'R02', 'R03', 'R04'], manufacturer: 'CampusSim', compartments: 6, loadPerParcelS: 5,
      takeParcelS: 10, docks: [], pedestrians: false,
      startOf: (_s, i) => (i === 0 ? { ...start, theta: Math.atan2(hy - start.y, hx - start.x) } : spots[i]!),
    });
    const robot = fleet.robot('R01')!;
    const goal = spots[0]!;
    robot.runner.dispatch({
      type: 'order',
      order: orderThrough('back-1', [{ id: 'out', ...start }, { id: 'hub', x: goal.x, y: goal.y }], { manufacturer: 'CampusSim', serialNumber: 'R01' }, { mapId: campus.mapId }),
    });
    const t0 = clock.now();
    driveOrderToEnd(clock, robot);
    const end = robot.body.pose;
    if (process.env.FULL_STATS) console.log('back at spot', { s: (clock.now() - t0) / 1000, distanceM: robot.body.distanceM, end, goal, start });
    expect(robot.body.distanceM).toBeGreaterThan(Math.hypot(goal.x - start.x, goal.y - start.y));
    expect(Math.hypot(end.x - goal.x, end.y - goal.y)).toBeLessThan(1.2);
    expect(fleet.robots.map((r) => r.contacts.collisions)).toEqual([0, 0, 0, 0]);
    // The waiting robots stayed at their spots.
    for (const [i, r] of fleet.robots.entries()) {
      if (i > 0) expect(Math.hypot(r.body.pose.x - spots[i]!.x, r.body.pose.y - spots[i]!.y)).toBeLessThan(0.3);
    }
    await fleet.stop();
  }, 60_000);

  it('two robots meeting head-on at the hub pass each other between robots waiting at their spots', async () => {
    // Issue #5, the 60-robot day: waiting spots 1.6 m off the centre line took the room two robots need to pass, and
    // robots meeting between two rows crept by each other or stood until the watchdog. Through the hub along the
    // footway with the most waiting robots beside it, one each way. Before (all spots along one footway, 1.6 m off
    // it): passing cost ~40 s; now a few seconds.
    const g = campus.graph;
    const spots = dayParking(campus, hubNode, 22);
    const hub = { x: g.nodeX[hubNode]!, y: g.nodeY[hubNode]! };
    // 30 m out along each footway from the hub; the two with the most waiting robots beside them.
    const ends: { at: { x: number; y: number }; beside: number }[] = [];
    for (let a = g.arcOffset[hubNode]!; a < g.arcOffset[hubNode + 1]!; a++) {
      const e = g.arcEdge[a]!;
      for (const p of footwayPoses(g, hubNode, 1, [0])) {
        if (p.distanceM < 30 || campus.edgeIndex.nearest(p.x, p.y)!.edge !== e) continue;
        ends.push({ at: { x: p.x, y: p.y }, beside: spots.filter((s) => campus.edgeIndex.nearest(s.x, s.y)!.edge === e).length });
        break;
      }
    }
    ends.sort((p, q) => q.beside - p.beside);
    expect(ends.length).toBeGreaterThanOrEqual(2);
    const p1 = ends[0]!.at, p2 = ends[1]!.at;
    const waiting = spots.slice(2);
    /** Seconds until the robots given orders are back at rest at their far ends (or 600 s), and the fleet at the end. */
    const run = async (both: boolean) => {
      const clock = new VirtualClock(10 * H);
      const drivers = both ? ['A', 'B'] : ['A'];
      const fleet = await createFullFidelityFleet({
        campus, clock, seed: 3, serials: [...drivers, ...waiting.map((_, i) => `W${i + 1}`)], manufacturer: 'CampusSim', compartments: 6,
        loadPerParcelS: 5, takeParcelS: 10, docks: [], pedestrians: false,
        startOf: (_s, i) => (i === 0 ? { ...p1, theta: Math.atan2(hub.y - p1.y, hub.x - p1.x) }
          : i < drivers.length ? { ...p2, theta: Math.atan2(hub.y - p2.y, hub.x - p2.x) } : waiting[i - drivers.length]!),
      });
      const header = (serialNumber: string) => ({ manufacturer: 'CampusSim', serialNumber });
      const trips = [{ serial: 'A', from: p1, to: p2 }, { serial: 'B', from: p2, to: p1 }].slice(0, drivers.length);
      for (const t of trips) {
        const stops = [{ id: 'from', ...t.from }, { id: 'to', ...t.to }];
        fleet.robot(t.serial)!.runner.dispatch({ type: 'order', order: orderThrough(`${t.serial}-1`, stops, header(t.serial), { mapId: campus.mapId }) });
      }
      const done = () => trips.every((t) => {
        const r = fleet.robot(t.serial)!;
        return r.activity() === 'idle' && !r.motion.driving && Math.hypot(r.body.pose.x - t.to.x, r.body.pose.y - t.to.y) < 1.5;
      });
      const t0 = clock.now();
      while (clock.now() - t0 < 600_000 && !done()) clock.runFor(500);
      return { tookS: (clock.now() - t0) / 1000, arrived: done(), fleet, drivers: drivers.length };
    };
    const alone = await run(false);
    await alone.fleet.stop();
    const pair = await run(true);
    if (process.env.FULL_STATS) console.log('head-on at the hub', { aloneS: alone.tookS, pairS: pair.tookS, beside: ends.map((e) => e.beside) });
    expect(alone.arrived && pair.arrived).toBe(true);
    // Passing costs seconds, not the watchdog's minutes.
    expect(pair.tookS).toBeLessThan(alone.tookS + 15);
    expect(pair.fleet.robots.map((r) => r.contacts.collisions).reduce((x, y) => x + y, 0)).toBe(0);
    for (const [i, r] of pair.fleet.robots.entries()) {
      if (i >= pair.drivers) expect(Math.hypot(r.body.pose.x - waiting[i - pair.drivers]!.x, r.body.pose.y - waiting[i - pair.drivers]!.y)).toBeLessThan(0.3);
    }
    await pair.fleet.stop();
  }, 120_000);
});
