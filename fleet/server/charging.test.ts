import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Parcel } from '../parcels/index.ts';
import { advance, advanceUntil, startTestFleet, stopTestFleet, startTestRobot, type TestFleet, type TestRobot } from './testFleet.ts';

// The stand-in robot neither drains nor charges its battery: the test plays the battery through `batteryUpdate`.
function setBattery(r: TestRobot, pct: number): void {
  r.robot.runner.dispatch({ type: 'batteryUpdate', chargePercent: pct });
}
const charging = (r: TestRobot) => r.robot.runner.state().batteryState.charging;
const battery = (r: TestRobot) => r.robot.runner.state().batteryState.batteryCharge;

/** Each robot on a charger gains `pctPerS` per virtual second (the dock's charger, played by the test). */
function charger(fleet: TestFleet, robots: readonly TestRobot[], pctPerS: number) {
  let last = fleet.clock.now();
  let maxCharging = 0;
  return {
    tick(): void {
      const dtS = (fleet.clock.now() - last) / 1000;
      last = fleet.clock.now();
      let n = 0;
      for (const r of robots) {
        if (!charging(r)) continue;
        n++;
        if (dtS > 0) setBattery(r, battery(r) + pctPerS * dtS);
      }
      maxCharging = Math.max(maxCharging, n);
    },
    get maxCharging() {
      return maxCharging;
    },
  };
}

async function bays(f: TestFleet): Promise<Array<{ bay_id: string; robot_serial: string; status: string }>> {
  return f.server.store.query('SELECT bay_id, robot_serial, status FROM dock_bays ORDER BY bay_id');
}

async function register(f: TestFleet, serials: readonly string[]): Promise<TestRobot[]> {
  const out: TestRobot[] = [];
  for (const serial of serials) {
    const reg = await f.request('/api/robots', { method: 'POST', token: f.admin, json: { serial, manufacturer: 'acme', compartments: 4 } });
    expect(reg.status).toBe(201);
    out.push(await startTestRobot(f, serial));
  }
  return out;
}

describe('charging in the dispatch loop (VirtualClock, in-process broker, headless robots, ZJU campus: 2 dock places)', () => {
  let fleet: TestFleet | undefined;
  let robots: TestRobot[] = [];
  afterEach(async () => {
    await stopTestFleet(fleet, robots);
    fleet = undefined;
  });

  it('sends the lowest robots to the 2 bays, queues the third with a critical alert, keeps chargers off trips, then all return to work', async () => {
    fleet = await startTestFleet({ deps: { baysPerDock: 1 } });
    const f = fleet;
    robots = await register(f, ['r1', 'r2', 'r3']);
    const [r1, r2, r3] = robots as [TestRobot, TestRobot, TestRobot];
    setBattery(r1, 8);
    setBattery(r2, 10);
    setBattery(r3, 12);
    const plug = charger(f, robots, 0.2);

    // r1 and r2 (lowest first) reach a bay each and charge; r3 waits, below the critical level, with an alert.
    expect(await advanceUntil(f.clock, () => charging(r1) && charging(r2), 120_000)).toBe(true);
    expect(charging(r3)).toBe(false);
    expect((await bays(f)).map((b) => [b.bay_id, b.robot_serial, b.status])).toEqual([['dock-1/1', 'r1', 'charging'], ['dock-2/1', 'r2', 'charging']]);
    const dock1 = f.server.campus.orderPlace('dock-1')!;
    expect(Math.hypot(r1.robot.motion.pose.x - dock1.x, r1.robot.motion.pose.y - dock1.y)).toBeLessThan(1);
    const alerts = await f.server.store.query<{ robot_serial: string; severity: string; cleared_at: number | null }>(
      "SELECT robot_serial, severity, cleared_at FROM alerts WHERE kind = 'no_free_dock'",
    );
    expect(alerts).toEqual([{ robot_serial: 'r3', severity: 'critical', cleared_at: null }]);
    const listed = await f.request('/api/alerts', { token: f.viewer });
    expect(JSON.stringify(listed.body)).toContain('no_free_dock');

    // A parcel now: the queued robot at 12 % and the charging ones take no trip.
    const drop = f.server.campus.drops[0]!.id;
    const created = await f.request('/api/parcels', { method: 'POST', token: f.dispatcher, json: { destination: drop, recipient: { name: 'Ada' } } });
    const parcelId = (created.body as { id: string }).id;
    const parcel = async () => (await f.server.parcels.get(parcelId)) as Parcel;
    await advance(f.clock, 60_000, 500);
    plug.tick();
    expect((await parcel()).status).toBe('received');

    // A charger leaves once charged (90 %, or 60 % after 10 min docked as demand is high); r3 takes the freed bay; the
    // parcel goes out on a robot that charged, never on r3 before it charged.
    const done = await advanceUntil(f.clock, async () => {
      plug.tick();
      return (await parcel()).status !== 'received' && charging(r3);
    }, 30 * 60_000, 1000);
    expect(done).toBe(true);
    const carrier = (await parcel()).robotSerial!;
    expect(['r1', 'r2']).toContain(carrier);
    expect(battery(carrier === 'r1' ? r1 : r2)).toBeGreaterThanOrEqual(60);
    expect(plug.maxCharging).toBeLessThanOrEqual(2);
    expect((await bays(f)).length).toBeLessThanOrEqual(2);
    const cleared = await f.server.store.query<{ cleared_at: number | null }>("SELECT cleared_at FROM alerts WHERE kind = 'no_free_dock'");
    expect(cleared[0]?.cleared_at).not.toBeNull();

    // Everyone charges to 90 % and is back at the hub, free for trips; no bay stays taken.
    expect(await advanceUntil(f.clock, async () => {
      plug.tick();
      const views = f.server.tracker.robots();
      return (await bays(f)).length === 0 && views.every((v) => v.dispatchState === 'idle_at_hub');
    }, 60 * 60_000, 1000)).toBe(true);
    expect(plug.maxCharging).toBeLessThanOrEqual(2);
    for (const r of robots) expect(battery(r)).toBeGreaterThanOrEqual(60);
    expect(battery(r3)).toBeGreaterThanOrEqual(90);
  });

  /** One robot, low, sent to a bay; it stops 3 m short of every goal, as a full-fidelity robot whose way to the bay
   * was blocked counts its goal reached a few metres short (issue #5). Returns once the fleet has it on its bay. */
  async function oneRobotOnItsBayShortOfIt(): Promise<{ f: TestFleet; r1: TestRobot }> {
    fleet = await startTestFleet({ deps: { baysPerDock: 1 } });
    const f = fleet;
    robots = await register(f, ['r1']);
    const [r1] = robots as [TestRobot];
    r1.robot.motion.stopShortM = 3;
    setBattery(r1, 8);
    expect(await advanceUntil(f.clock, async () => (await bays(f)).some((b) => b.status === 'charging'), 120_000)).toBe(true);
    return { f, r1 };
  }

  it('a robot that stopped short of its bay is sent on to it and charges there, not where it stopped', async () => {
    const { f, r1 } = await oneRobotOnItsBayShortOfIt();
    expect(charging(r1)).toBe(false);
    r1.robot.motion.stopShortM = 0;
    expect(await advanceUntil(f.clock, () => charging(r1), 120_000)).toBe(true);
    const p = r1.robot.motion.pose;
    const offM = Math.min(...['dock-1', 'dock-2'].map((id) => {
      const d = f.server.campus.orderPlace(id)!;
      return Math.hypot(p.x - d.x, p.y - d.y);
    }));
    expect(offM).toBeLessThan(0.5);
  });

  it('a robot that cannot get nearer its bay is asked to charge where it stands after two orders on to it (its charger may reach)', async () => {
    const { f, r1 } = await oneRobotOnItsBayShortOfIt();
    const t0 = f.clock.now();
    expect(await advanceUntil(f.clock, () => charging(r1), 5 * 60_000)).toBe(true);
    // Two orders on to the bay, 30 s apart, came first.
    expect(f.clock.now() - t0).toBeGreaterThanOrEqual(30_000);
  });

  it('keeps bay occupancy across a restart: the charging robot stays on its bay, nobody else is sent there', async () => {
    const databaseUrl = join(mkdtempSync(join(tmpdir(), 'fleet-charge-')), 'fleet.sqlite');
    const first = await startTestFleet({ databaseUrl, deps: { baysPerDock: 1 } });
    robots = await register(first, ['r1', 'r2', 'r3']);
    const [r1, r2, r3] = robots as [TestRobot, TestRobot, TestRobot];
    setBattery(r1, 8);
    setBattery(r2, 10);
    expect(await advanceUntil(first.clock, () => charging(r1) && charging(r2), 120_000)).toBe(true);
    const before = await bays(first);
    await first.server.stop();

    setBattery(r3, 9);
    fleet = await startTestFleet({ databaseUrl, clock: first.clock, broker: first.broker, deps: { baysPerDock: 1 }, tokens: { admin: first.admin, dispatcher: first.dispatcher, viewer: first.viewer } });
    await advance(fleet.clock, 60_000, 500);
    expect(await bays(fleet)).toEqual(before);
    expect(charging(r3)).toBe(false);
    expect(charging(r1) && charging(r2)).toBe(true);
  });

  it('a dispatcher\'s charge order sends a full robot to a bay; it leaves when charged and the override ends', async () => {
    fleet = await startTestFleet({ deps: { baysPerDock: 1 } });
    const f = fleet;
    robots = await register(f, ['r1']);
    const [r1] = robots as [TestRobot];
    setBattery(r1, 85);
    await advance(f.clock, 2_000);
    expect(charging(r1)).toBe(false);
    const res = await f.request('/api/robots/r1/charge', { method: 'POST', token: f.dispatcher, json: {} });
    expect(res.status).toBe(202);
    expect((await f.server.store.query<{ force_charge: number }>("SELECT force_charge FROM robot_overrides WHERE serial = 'r1'"))[0]?.force_charge).toBe(1);
    expect(await advanceUntil(f.clock, () => charging(r1), 60_000)).toBe(true);
    const plug = charger(f, robots, 0.1);
    expect(await advanceUntil(f.clock, async () => {
      plug.tick();
      return !charging(r1) && f.server.tracker.robot('r1')?.dispatchState === 'idle_at_hub';
    }, 10 * 60_000, 500)).toBe(true);
    expect(battery(r1)).toBeGreaterThanOrEqual(90);
    expect((await f.server.store.query<{ force_charge: number }>("SELECT force_charge FROM robot_overrides WHERE serial = 'r1'"))[0]?.force_charge).toBe(0);
    expect(await bays(f)).toEqual([]);
  });
});
