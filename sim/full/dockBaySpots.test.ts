// Charging bay spots on the real ZJU campus (issue #5: robots charging on the dock's footway junction, dock 1 on the
// parking-to-hub route, blocked every robot passing): one per bay, off the footways' passing band, near the dock,
// apart from each other and from the robots' hub spots; and a robot standing at one can charge there (each bay is a
// charger of its own).
import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import type { CampusMap, Place } from '../../maps/index.ts';
import { loadCampusCached } from '../../robot/closedLoop/campusCache.ts';
import { orderThrough } from '../../robot/closedLoop/orders.ts';
import { bridgedCampus } from './bridgedCampus.ts';
import { driveOrderToEnd } from './driveOrderToEnd.ts';
import { dockBaySpots } from './dockBaySpots.ts';
import { DAY_DOCK_REACH_M, dayChargers, dayDockSpots, dayParking } from './FullFidelityDay.ts';
import { createFullFidelityFleet } from './FullFidelityFleet.ts';

let campus: CampusMap;
let hub: Place;
let docks: Place[];
beforeAll(async () => {
  campus = bridgedCampus(await loadCampusCached()).campus;
  hub = campus.places.find((p) => p.kind === 'hub')!;
  docks = campus.places.filter((p) => p.kind === 'dock');
}, 30_000);

const nodeXY = (n: number) => ({ x: campus.graph.nodeX[n]!, y: campus.graph.nodeY[n]! });

describe('dock bay spots', () => {
  it('gives every bay of both docks its own spot off the footways, near the dock, apart from the hub spots, for the 60-robot day too', () => {
    // 60 robots: 6 bays a dock. Before, bays had to lie within the dock node's charger reach (3.5 m of it): two of
    // dock 1's six were left on the junction itself.
    const starts = dayParking(campus, hub.node, 60);
    const spots = dayDockSpots(campus, { dockPlaces: docks.map((d) => ({ id: d.id, node: d.node })), baysPerDock: 6 }, starts);
    expect(docks).toHaveLength(2);
    expect(spots.size).toBe(12);
    const all = [...spots.values()];
    for (const [bay, s] of spots) {
      const dock = nodeXY(docks.find((d) => bay.startsWith(`${d.id}/`))!.node);
      // Clear of the band robots passing on any footway use (path_half_width_m 1.5 + the robot's half width 0.3).
      expect(campus.edgeIndex.nearest(s.x, s.y)!.distanceM).toBeGreaterThanOrEqual(1.8);
      expect(campus.obstacles.nearestDistance(s.x, s.y, 2)).toBeGreaterThanOrEqual(0.8);
      expect(Math.hypot(s.x - dock.x, s.y - dock.y)).toBeLessThanOrEqual(20);
      for (const t of [...all, ...starts]) if (t !== s) expect(Math.hypot(s.x - t.x, s.y - t.y)).toBeGreaterThanOrEqual(2);
    }
  });

  it('leaves a bay out (the fleet then uses the dock node) rather than place it beyond withinM', () => {
    const spots = dockBaySpots(campus, [{ id: 'dock-1', node: docks[0]!.node }], 40, { withinM: 5 });
    expect(spots.size).toBeGreaterThan(0);
    expect(spots.size).toBeLessThan(40);
    const dock = nodeXY(docks[0]!.node);
    for (const s of spots.values()) expect(Math.hypot(s.x - dock.x, s.y - dock.y)).toBeLessThanOrEqual(5);
  });

  it('a robot standing at its bay spot charges, however far the bay is from the dock node (each bay its own charger)', async () => {
    const spots = dayDockSpots(campus, { dockPlaces: [{ id: docks[0]!.id, node: docks[0]!.node }], baysPerDock: 6 }, dayParking(campus, hub.node, 60));
    const dock = nodeXY(docks[0]!.node);
    const bays = [...spots.values()];
    // The test is about bays beyond the dock node's own reach.
    expect(bays.some((b) => Math.hypot(b.x - dock.x, b.y - dock.y) > DAY_DOCK_REACH_M)).toBe(true);
    const clock = new VirtualClock(10 * 3_600_000);
    const serials = bays.map((_, i) => `R0${i + 1}`);
    const fleet = await createFullFidelityFleet({
      campus, clock, seed: 3, serials, manufacturer: 'CampusSim', compartments: 6, loadPerParcelS: 5, takeParcelS: 10,
      docks: dayChargers([dock], spots), dockRadiusM: DAY_DOCK_REACH_M, pedestrians: false,
      startOf: (_s, i) => ({ ...bays[i]!, theta: 0 }),
    });
    for (const r of fleet.robots) {
      r.charger.start();
      expect(r.charger.refused).toBe(0);
      expect(r.body.charging).toBe(true);
    }
    await fleet.stop();
  }, 60_000);

  it('a robot passing through the dock goes straight by one charging at its bay spot, both ways', async () => {
    // Before, the charging robot stood on the dock node (dock 1, a junction of three footways): passing from the
    // 42 m neighbour to the 17.5 m one took 568 s and a 553 m detour, the other way 75 s; now 44–46 s either way.
    const dock = docks[0]!;
    const g = campus.graph;
    const ends: number[] = [];
    for (let a = g.arcOffset[dock.node]!; a < g.arcOffset[dock.node + 1]!; a++) ends.push(g.arcTarget[a]!);
    const byDistance = [...ends].sort((p, q) => dist(p, dock.node) - dist(q, dock.node));
    const near = byDistance[0]!, far = byDistance.at(-1)!;
    const spot = dayDockSpots(campus, { dockPlaces: [{ id: dock.id, node: dock.node }], baysPerDock: 1 }, []).get(`${dock.id}/1`)!;
    for (const [a, b] of [[far, near], [near, far]] as const) {
      const clock = new VirtualClock(10 * 3_600_000);
      const from = nodeXY(a), at = nodeXY(dock.node), to = nodeXY(b);
      const fleet = await createFullFidelityFleet({
        campus, clock, seed: 3, serials: ['R01', 'R02'], manufacturer: 'CampusSim', compartments: 6, loadPerParcelS: 5, takeParcelS: 10,
        docks: [at], dockRadiusM: DAY_DOCK_REACH_M, pedestrians: false,
        startOf: (_s, i) => (i === 0 ? { ...from, theta: Math.atan2(at.y - from.y, at.x - from.x) } : { ...spot, theta: 0 }),
      });
      fleet.robot('R02')!.charger.start();
      const robot = fleet.robot('R01')!;
      const stops = [{ id: 'a', ...from }, { id: 'dock', ...at }, { id: 'b', ...to }];
      robot.runner.dispatch({ type: 'order', order: orderThrough('pass-1', stops, { manufacturer: 'CampusSim', serialNumber: 'R01' }, { mapId: campus.mapId }) });
      const t0 = clock.now();
      driveOrderToEnd(clock, robot);
      const legM = Math.hypot(at.x - from.x, at.y - from.y) + Math.hypot(to.x - at.x, to.y - at.y);
      expect((clock.now() - t0) / 1000).toBeLessThan(60);
      expect(robot.body.distanceM).toBeLessThan(legM + 5);
      expect(Math.hypot(robot.body.pose.x - to.x, robot.body.pose.y - to.y)).toBeLessThan(1.2);
      expect(fleet.robots.map((r) => r.contacts.collisions)).toEqual([0, 0]);
      expect(fleet.robot('R02')!.body.charging).toBe(true);
      await fleet.stop();
    }
  }, 120_000);
});

function dist(n: number, m: number): number {
  return Math.hypot(campus.graph.nodeX[n]! - campus.graph.nodeX[m]!, campus.graph.nodeY[n]! - campus.graph.nodeY[m]!);
}
