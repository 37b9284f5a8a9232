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

  it('a robot along a wall inside its stop zone drives on through a narrow passage (the safety node lets it keep clear alongside, the controller leaves the wall on an arc)', async () => {
    // The 60-robot day (issue #5): R35, R21 and R25 stood 15–21 h in ZJU's narrow passage along y ≈ −216, where a
    // building is under a metre from the footway's centre line (edge 61), each with its side inside the stop zone of
    // the wall. Driving on along it was refused (not away from it), every turn too (the rear corner swings into it),
    // and the controller turned on the spot or stood blocked. Here one robot, its side 5 cm from that wall, heading
    // along the footway, sent through the passage to the edge's east end.
    const g = campus.graph;
    const snap = campus.edgeIndex.nearest(-140, -216)!;
    const lo = g.geomOffset[snap.edge]!, hi = g.geomOffset[snap.edge + 1]! - 1;
    const k = lo + snap.segment;
    const dir = Math.atan2(g.geomY[k + 1]! - g.geomY[k]!, g.geomX[k + 1]! - g.geomX[k]!);
    const goal = { x: g.geomX[hi]!, y: g.geomY[hi]! };
    // The wall: the nearest side of an obstacle ring to the footway there, on its left heading east.
    let wall: { ax: number; ay: number; bx: number; by: number; d: number } | undefined;
    for (const ring of campus.obstaclePolygons) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const a = ring[i]!, b = ring[i + 1]!;
        const len = Math.hypot(b.x - a.x, b.y - a.y);
        const t = Math.max(0, Math.min(len, ((snap.x - a.x) * (b.x - a.x) + (snap.y - a.y) * (b.y - a.y)) / len));
        const d = Math.hypot(a.x + ((b.x - a.x) * t) / len - snap.x, a.y + ((b.y - a.y) * t) / len - snap.y);
        if (wall === undefined || d < wall.d) wall = { ax: a.x, ay: a.y, bx: b.x, by: b.y, d };
      }
    }
    expect(wall!.d).toBeLessThan(1);
    const { ax, ay, bx, by } = wall!;
    const len = Math.hypot(bx - ax, by - ay);
    // Unit normal from the wall towards the footway, and the point of the wall level with the start.
    let nx = (by - ay) / len, ny = -(bx - ax) / len;
    if ((snap.x - ax) * nx + (snap.y - ay) * ny < 0) [nx, ny] = [-nx, -ny];
    const u = ((-145 - ax) * (bx - ax) + (-216 - ay) * (by - ay)) / len;
    const on = { x: ax + ((bx - ax) * u) / len, y: ay + ((by - ay) * u) / len };
    const start = { x: on.x + nx * 0.35, y: on.y + ny * 0.35 }; // half width 0.3 m + 5 cm
    const sideGap = (p: { x: number; y: number }) => (p.x - ax) * nx + (p.y - ay) * ny - 0.3;
    expect(sideGap(start)).toBeCloseTo(0.05, 6);

    const run = async (params: ParamsFile) => {
      const clock = new VirtualClock(10 * H);
      const fleet = await createFullFidelityFleet({
        campus, clock, seed: 7, serials: ['R35'], manufacturer: 'CampusSim', compartments: 6, loadPerParcelS: 5, takeParcelS: 10,
        docks: [], pedestrians: false, params, startOf: () => ({ ...start, theta: dir }),
      });
      const robot = fleet.robot('R35')!;
      robot.runner.dispatch({
        type: 'order',
        order: orderThrough('pass-1', [{ id: 'from', ...start }, { id: 'to', ...goal }], { manufacturer: 'CampusSim', serialNumber: 'R35' }, { mapId: campus.mapId }),
      });
      clock.runFor(180_000);
      const p = robot.body.pose;
      const out = {
        movedM: Math.hypot(p.x - start.x, p.y - start.y), toGoalM: Math.hypot(p.x - goal.x, p.y - goal.y), collisions: robot.contacts.collisions,
        alongside: robot.stack.safety!.counters.byAction.alongside, turnsBeside: robot.stack.controller!.metrics.turnsBeside,
      };
      await fleet.stop();
      return out;
    };
    // Before (the safety node's rule off): 0 m in 180 s, as on the day.
    const stuck = await run({ safety: { 'alongside.max_speed_mps': 0 } });
    expect(stuck.movedM).toBeLessThan(0.5);
    const freed = await run({});
    expect(freed.toGoalM).toBeLessThan(2);
    expect(freed.collisions).toBe(0);
    expect(freed.alongside).toBeGreaterThan(0);
    expect(freed.turnsBeside).toBeGreaterThan(0);
  }, 120_000);
});
