// The dispatch loop measures each finished trip's energy against the planner's estimate and widens the planner's
// margin when trips use more (issue #5: full-fidelity robots used ~2× their estimates and ran flat on the footways).
import { afterEach, describe, expect, it } from 'vitest';
import type { Parcel } from '../parcels/index.ts';
import { advance, advanceUntil, startTestFleet, stopTestFleet, startTestRobot, type TestFleet, type TestRobot } from './testFleet.ts';

// The stand-in robot neither drains nor charges its battery: the test plays it through `batteryUpdate`.
function setBattery(r: TestRobot, pct: number): void {
  r.robot.runner.dispatch({ type: 'batteryUpdate', chargePercent: pct });
}

function farthestDrop(fleet: TestFleet): string {
  const { campus } = fleet.server;
  return [...campus.drops].sort((a, b) => campus.travel.distanceM(campus.hub.id, b.id) - campus.travel.distanceM(campus.hub.id, a.id))[0]!.id;
}

describe('trip energy calibration in the dispatch loop (VirtualClock, in-process broker, headless robot, ZJU campus)', () => {
  let fleet: TestFleet | undefined;
  const robots: TestRobot[] = [];
  afterEach(async () => {
    await stopTestFleet(fleet, robots);
    fleet = undefined;
    robots.length = 0;
  });

  it('a trip that used more than its estimate raises the margin factor the planner multiplies its margin by', async () => {
    fleet = await startTestFleet();
    const f = fleet;
    const reg = await f.request('/api/robots', { method: 'POST', token: f.admin, json: { serial: 'r1', manufacturer: 'acme', compartments: 4 } });
    expect(reg.status).toBe(201);
    const r1 = await startTestRobot(f, 'r1');
    robots.push(r1);
    setBattery(r1, 95);
    await advance(f.clock, 1000);
    expect(f.server.dispatch.energyCalibration.factor).toBe(1);

    const created = await f.request('/api/parcels', { method: 'POST', token: f.dispatcher, json: { destination: farthestDrop(f), recipient: { name: 'Ada', email: 'ada@example.edu' } } });
    expect(created.status).toBe(201);
    const { id, pickupCode } = created.body as { id: string; pickupCode: string };
    const status = async () => (await f.server.parcels.get(id) as Parcel).status;
    expect(await advanceUntil(f.clock, async () => (await status()) === 'awaiting_pickup', 30 * 60_000)).toBe(true);
    expect(r1.robot.enterCode(pickupCode).result).toBe('accepted');
    // Half the battery (500 Wh) gone on one trip, more than its estimate (distance and duration priced).
    setBattery(r1, 45);
    expect(await advanceUntil(f.clock, async () => (await f.server.store.query("SELECT status FROM trips WHERE status = 'finished'")).length === 1, 30 * 60_000)).toBe(true);
    await advance(f.clock, 1000);
    const c = f.server.dispatch.energyCalibration;
    expect(c.trips).toBe(1);
    // The mean moves a tenth of the way from 1 towards the trip's used ÷ estimated.
    expect(c.factor).toBeGreaterThan(1.02);
    expect(c.factor).toBeLessThanOrEqual(1.2);
  }, 120_000);
});
