// Two robots leaving one drop point on ZJU (issue #5, seed 2, 20 robots: (468, −616) from 8:51 to the day's end).
// R05 had handed over on the drop point, R19 1 m behind it (it had stopped short, the goal taken, and handed over
// there); both were then sent to the hub, turned on the spot towards it, and the safety node stopped each turn. The
// stall watchdog backed each up and asked for a fresh path. The planner marked the drop point's spur blocked, found
// no other edge within its snap distance and answered, within the same call on the in-process bus, with no path;
// the controller went idle on that, then the rest of the tick that had asked tracked the old path and reported
// "avoiding"/"tracking" over the "idle". The mission waited for ever on a controller with no path.
// Since then: the controller keeps its path when a re-plan of its goal fails; the watchdog's request says "stalled",
// which marks no edge (only avoidance finding no way past says "blocked"); and a plan that fails with blocked edges
// in any way (here 'off-network': no open edge within the snap distance) is tried without them
// (robot/nodes/PlannerNode.test.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import type { CampusMap, Place } from '../../maps/index.ts';
import { loadCampusCached } from '../../robot/closedLoop/campusCache.ts';
import { orderThrough } from '../../robot/closedLoop/orders.ts';
import { bridgedCampus } from './bridgedCampus.ts';
import { createFullFidelityFleet } from './FullFidelityFleet.ts';

let campus: CampusMap;
let hub: Place;
beforeAll(async () => {
  campus = bridgedCampus(await loadCampusCached()).campus;
  hub = campus.places.find((p) => p.kind === 'hub')!;
}, 30_000);

const H = 3_600_000;

describe('two robots leaving one drop point', () => {
  it('both get away towards the hub, where they stood for good', async () => {
    const clock = new VirtualClock(9 * H);
    const starts = {
      R05: { x: 468.12, y: -615.97, theta: 1.857 },
      R19: { x: 468.2, y: -616.93, theta: 1.915 },
    };
    const fleet = await createFullFidelityFleet({
      campus, clock, seed: 2, serials: ['R05', 'R19'], manufacturer: 'CampusSim', compartments: 6, loadPerParcelS: 5,
      takeParcelS: 10, docks: [], pedestrians: false,
      startOf: (s) => starts[s as keyof typeof starts],
    });
    const to = { x: campus.graph.nodeX[hub.node]!, y: campus.graph.nodeY[hub.node]! };
    for (const r of fleet.robots) {
      const from = starts[r.serial as keyof typeof starts];
      r.runner.dispatch({
        type: 'order',
        order: orderThrough(`leave-${r.serial}`, [{ id: 'drop', ...from }, { id: 'hub', ...to }], { manufacturer: 'CampusSim', serialNumber: r.serial }, { mapId: campus.mapId }),
      });
    }
    clock.runFor(300_000);
    const moved = fleet.robots.map((r) => {
      const s = starts[r.serial as keyof typeof starts];
      return Math.round(Math.hypot(r.body.pose.x - s.x, r.body.pose.y - s.y));
    });
    const collisions = fleet.robots.map((r) => r.contacts.collisions);
    const states = fleet.robots.map((r) => r.stack.controller?.status);
    const asked = fleet.robots.map((r) => ({
      stalls: r.stack.controller!.metrics.stalls, replans: r.stack.planner!.counters.replans, failures: r.stack.planner!.counters.failures,
      blockedEdges: r.stack.planner!.blockedEdges.size,
    }));
    await fleet.stop();
    // The case of the day: the watchdog asked each for a fresh path at the drop point. A stall is no evidence the
    // spur is shut, so nothing is marked blocked now and the fresh path is found (before: the spur marked, no path).
    for (const a of asked) {
      expect(a.stalls).toBeGreaterThanOrEqual(1);
      expect(a.replans).toBeGreaterThanOrEqual(1);
      expect(a).toMatchObject({ failures: 0, blockedEdges: 0 });
    }
    // Before: both stood where they were (moved 0 m), each controller with no path yet reporting "avoiding".
    expect({ states, collisions }).toEqual({ states: ['tracking', 'tracking'], collisions: [0, 0] });
    expect(Math.min(...moved), `moved ${moved.join(', ')} m`).toBeGreaterThan(50);
  }, 120_000);
});
