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
});
