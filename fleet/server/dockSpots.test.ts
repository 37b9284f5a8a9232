// Each charging bay's own spot beside its dock (DispatchLoop dockBaySpots). Issue #5: robots charging on the dock's
// footway junction blocked every robot passing the dock; with spots they charge beside it, each at its own.
import { afterEach, describe, expect, it } from 'vitest';
import type { VdaBody } from '../../protocol/index.ts';
import { advanceUntil, startTestFleet, startTestRobot, stopTestFleet, type TestFleet, type TestRobot } from './testFleet.ts';

const charging = (r: TestRobot) => r.robot.runner.state().batteryState.charging;
const setBattery = (r: TestRobot, pct: number) => r.robot.runner.dispatch({ type: 'batteryUpdate', chargePercent: pct });
const round3 = (v: number) => Math.round(v * 1000) / 1000;

describe('each charging bay\'s own spot (DispatchLoop dockBaySpots)', () => {
  let fleet: TestFleet | undefined;
  let robots: TestRobot[] = [];
  afterEach(async () => {
    await stopTestFleet(fleet, robots);
    fleet = undefined;
    robots = [];
  });

  it('sends two robots to two bays, each to its bay\'s spot under the dock\'s node id, and back from there', async () => {
    // ZJU has two dock places of two bays here; every bay gets a spot, and the checks follow whichever bays the policy picks.
    fleet = await startTestFleet({ deps: { baysPerDock: 2 } });
    const f = fleet;
    const spots = new Map<string, { x: number; y: number }>();
    for (const d of f.server.campus.docks) {
      const p = f.server.campus.orderPlace(d.id)!;
      spots.set(`${d.id}/1`, { x: p.x + 2, y: p.y + 1.5 });
      spots.set(`${d.id}/2`, { x: p.x - 2, y: p.y + 1.5 });
    }
    f.server.dispatch.setDockBaySpots(spots);
    const sent: Array<{ serial: string; order: VdaBody<'order'> }> = [];
    const send = f.server.tracker.sendOrder.bind(f.server.tracker);
    f.server.tracker.sendOrder = (serial, order) => {
      sent.push({ serial, order });
      return send(serial, order);
    };
    for (const serial of ['r1', 'r2']) {
      expect((await f.request('/api/robots', { method: 'POST', token: f.admin, json: { serial, manufacturer: 'acme', compartments: 4 } })).status).toBe(201);
      robots.push(await startTestRobot(f, serial));
    }
    const [r1, r2] = robots as [TestRobot, TestRobot];
    setBattery(r1, 8);
    setBattery(r2, 10);

    expect(await advanceUntil(f.clock, () => charging(r1) && charging(r2), 120_000)).toBe(true);
    const rows = await f.server.store.query<{ bay_id: string; robot_serial: string }>('SELECT bay_id, robot_serial FROM dock_bays ORDER BY robot_serial');
    expect(rows.map((r) => r.robot_serial)).toEqual(['r1', 'r2']);
    expect(new Set(rows.map((r) => r.bay_id)).size).toBe(2);
    for (const [i, row] of rows.entries()) {
      const spot = spots.get(row.bay_id)!;
      const dock = f.server.campus.orderPlace(row.bay_id.slice(0, row.bay_id.lastIndexOf('/')))!;
      // The order to the bay ends at the dock's node id, at the bay's spot, and the robot charges standing there.
      const toBay = sent.find((s) => s.serial === row.robot_serial && s.order.orderId.startsWith('C'))!.order;
      const end = toBay.nodes.at(-1)!;
      expect(end.nodeId).toBe(dock.nodeId);
      expect([end.nodePosition!.x, end.nodePosition!.y]).toEqual([round3(spot.x), round3(spot.y)]);
      const pose = robots[i]!.robot.motion.pose;
      expect(Math.hypot(pose.x - spot.x, pose.y - spot.y)).toBeLessThan(0.5);
      expect(Math.hypot(pose.x - dock.x, pose.y - dock.y)).toBeGreaterThan(2);
    }
    // Two robots charging at once never share a spot.
    expect(Math.hypot(r1.robot.motion.pose.x - r2.robot.motion.pose.x, r1.robot.motion.pose.y - r2.robot.motion.pose.y)).toBeGreaterThan(1);

    // Charged, they leave: the order back starts at the bay's spot and both end free at the hub, bays empty.
    setBattery(r1, 95);
    setBattery(r2, 95);
    expect(await advanceUntil(f.clock, async () => {
      const bays = await f.server.store.query('SELECT bay_id FROM dock_bays');
      return bays.length === 0 && f.server.tracker.robots().every((v) => v.dispatchState === 'idle_at_hub');
    }, 30 * 60_000, 1000)).toBe(true);
    for (const row of rows) {
      const back = sent.find((s) => s.serial === row.robot_serial && s.order.orderId.startsWith('L'))!.order;
      const spot = spots.get(row.bay_id)!;
      expect([back.nodes[0]!.nodePosition!.x, back.nodes[0]!.nodePosition!.y]).toEqual([round3(spot.x), round3(spot.y)]);
    }
  }, 60_000);

  it('never gives two bays one spot', async () => {
    fleet = await startTestFleet();
    expect(() => fleet!.server.dispatch.setDockBaySpots(new Map([['dock-1/1', { x: 1, y: 2 }], ['dock-1/2', { x: 1.004, y: 2 }]]))).toThrow(/shares its bay spot/);
  });
});
