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
});
