// Two robots wedged at ZJU's dock 1 on the day (#5): R03 charging on the dock node, R06 0.95 m from it
// wanting to leave for the hub. Every turn out swept R06's corner into R03 and the safety node stopped it; the stall
// watchdog asked for fresh paths from the same spot for 5 h. Backing up first (Nav2's BackUp recovery) gives it room.
import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import type { CampusMap } from '../../maps/index.ts';
import { loadCampusCached } from '../../robot/closedLoop/campusCache.ts';
import { orderThrough } from '../../robot/closedLoop/orders.ts';
import type { ParamsFile } from '../../robot/ros/index.ts';
import { bridgedCampus } from './bridgedCampus.ts';
import { createFullFidelityFleet } from './FullFidelityFleet.ts';

let campus: CampusMap;
beforeAll(async () => {
  campus = bridgedCampus(await loadCampusCached()).campus;
}, 30_000);

const H = 3_600_000;

/** How far R06 got from its wedged spot in `seconds`, and the contacts. */
async function leave(params: ParamsFile, seconds: number): Promise<{ movedM: number; collisions: number }> {
  const clock = new VirtualClock(10 * H);
  const start = { x: -218.47, y: -37.81, theta: -0.91 };
  const fleet = await createFullFidelityFleet({
    campus, clock, seed: 5, serials: ['R03', 'R06'], manufacturer: 'CampusSim', compartments: 6, loadPerParcelS: 5,
    takeParcelS: 10, docks: [], pedestrians: false, params,
    startOf: (s) => (s === 'R03' ? { x: -218.01, y: -38.64, theta: 2.42 } : start),
  });
  const robot = fleet.robot('R06')!;
  // The hub, past R03 along the footway east.
  robot.runner.dispatch({
    type: 'order',
    order: orderThrough('leave-1', [{ id: 'dock', x: start.x, y: start.y }, { id: 'hub', x: -183.7, y: -28.1 }], { manufacturer: 'CampusSim', serialNumber: 'R06' }, { mapId: campus.mapId }),
  });
  clock.runFor(seconds * 1000);
  const p = robot.body.pose;
  const out = { movedM: Math.hypot(p.x - start.x, p.y - start.y), collisions: fleet.robots.reduce((n, r) => n + r.contacts.collisions, 0) };
  await fleet.stop();
  return out;
}

describe('a robot wedged beside another', () => {
  it('backs up and leaves, where fresh paths from the same spot kept it there', async () => {
    const stuck = await leave({ controller: { 'back_up.distance_m': 0 } }, 240);
    expect(stuck.movedM).toBeLessThan(1);
    const freed = await leave({}, 240);
    expect(freed.movedM).toBeGreaterThan(20);
    expect(freed.collisions).toBe(0);
  }, 120_000);

  it('two robots face to face, each in the other\'s stop zone, back apart and pass (the safety node lets a robot move away)', async () => {
    // The 60-robot day (issue #5): R17 and R59 stood 2.4 h face to face 0.64 m apart on an open footway (ZJU edge
    // 428), each in the other's stop zone; the safety node refused every command, the back-up's reverse too. Here
    // the same footway, 0.78 m centre to centre (0.08 m between their fronts), each going on past the other.
    const g = campus.graph;
    const snap = campus.edgeIndex.nearest(-179.2, 579.7)!;
    const lo = g.geomOffset[snap.edge]!, hi = g.geomOffset[snap.edge + 1]! - 1;
    const k = lo + snap.segment;
    const dir = Math.atan2(g.geomY[k + 1]! - g.geomY[k]!, g.geomX[k + 1]! - g.geomX[k]!);
    const c = Math.cos(dir), s = Math.sin(dir);
    const at = (along: number, side: number) => ({ x: snap.x + c * along - s * side, y: snap.y + s * along + c * side });
    const a0 = at(-0.39, 0.1), b0 = at(0.39, -0.1);
    const aGoal = { x: g.geomX[hi]!, y: g.geomY[hi]! }, bGoal = { x: g.geomX[lo]!, y: g.geomY[lo]! };
    const clock = new VirtualClock(10 * H);
    const fleet = await createFullFidelityFleet({
      campus, clock, seed: 3, serials: ['A', 'B'], manufacturer: 'CampusSim', compartments: 6, loadPerParcelS: 5, takeParcelS: 10,
      docks: [], pedestrians: false,
      startOf: (serial) => (serial === 'A' ? { ...a0, theta: dir } : { ...b0, theta: dir + Math.PI }),
    });
    const header = (serialNumber: string) => ({ manufacturer: 'CampusSim', serialNumber });
    fleet.robot('A')!.runner.dispatch({ type: 'order', order: orderThrough('a-1', [{ id: 'from', ...a0 }, { id: 'to', ...aGoal }], header('A'), { mapId: campus.mapId }) });
    fleet.robot('B')!.runner.dispatch({ type: 'order', order: orderThrough('b-1', [{ id: 'from', ...b0 }, { id: 'to', ...bGoal }], header('B'), { mapId: campus.mapId }) });
    // The safety node starts with both in its stop zone.
    clock.runFor(1000);
    for (const r of fleet.robots) expect(r.stack.safety!.lastChecked.action).toBe('stop');
    clock.runFor(179_000);
    const [a, b] = [fleet.robot('A')!, fleet.robot('B')!];
    // Before: neither moved in 180 s (nor in the day's 2.4 h).
    expect(Math.hypot(a.body.pose.x - aGoal.x, a.body.pose.y - aGoal.y)).toBeLessThan(2);
    expect(Math.hypot(b.body.pose.x - bGoal.x, b.body.pose.y - bGoal.y)).toBeLessThan(2);
    expect(fleet.robots.map((r) => r.contacts.collisions)).toEqual([0, 0]);
    expect(fleet.robots.some((r) => r.stack.safety!.counters.byAction.escape > 0)).toBe(true);
    await fleet.stop();
  }, 120_000);
});
