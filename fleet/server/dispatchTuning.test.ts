import { afterEach, describe, expect, it } from 'vitest';
import type { DispatchLoopTuning, FleetServerDeps } from './FleetServer.ts';
import { advance, advanceUntil, startTestFleet, stopTestFleet, startTestRobot, type TestFleet, type TestRobot } from './testFleet.ts';

/** The dispatch loop's tuning knobs (DispatchLoopOptions), each against the default behaviour. */
describe('dispatch loop tuning: gathering, fruitless plans, undeliverable parcels, code lock-outs', () => {
  let fleet: TestFleet | undefined;
  const robots: TestRobot[] = [];
  afterEach(async () => {
    await stopTestFleet(fleet, robots);
    fleet = undefined;
  });

  async function start(loop: DispatchLoopTuning, deps: Partial<FleetServerDeps> = {}, compartments = 8): Promise<TestFleet> {
    fleet = await startTestFleet({ deps: { dispatchLoop: loop, ...deps } });
    await fleet.server.robots.add({ serial: 'r1', manufacturer: 'acme', compartments }, fleet.clock.now());
    robots.push(await startTestRobot(fleet, 'r1', compartments));
    await advance(fleet.clock, 1000);
    return fleet;
  }

  function nearestDrop(f: TestFleet): string {
    const { campus } = f.server;
    return [...campus.drops].sort((a, b) => campus.travel.distanceM(campus.hub.id, a.id) - campus.travel.distanceM(campus.hub.id, b.id))[0]!.id;
  }

  /** Two parcels for one drop point scanned in 2 s apart; returns the trip each went out on. */
  async function twoArrivals(f: TestFleet): Promise<string[]> {
    const destination = nearestDrop(f);
    const ids: string[] = [];
    for (const name of ['A', 'B']) {
      const { parcels } = await f.server.parcels.createBatch([{ destination, recipient: { name } }]);
      ids.push(parcels[0]!.parcel.id);
      f.server.dispatch.parcelsArrived();
      await advance(f.clock, 2000);
    }
    // The trip of each one's first assignment (a parcel whose recipient does not come is re-queued later).
    const tripOf = async (id: string) => (await f.server.parcels.history(id)).find((h) => h.cause === 'assign')?.data?.['tripId'];
    expect(await advanceUntil(f.clock, async () => (await tripOf(ids[0]!)) !== undefined && (await tripOf(ids[1]!)) !== undefined, 30 * 60_000, 1000)).toBe(true);
    return [String(await tripOf(ids[0]!)), String(await tripOf(ids[1]!))];
  }

  it('plans parcels that arrive within arrivalDelayMs of each other into one trip (default: the first goes alone)', async () => {
    const gathered = await twoArrivals(await start({ arrivalDelayMs: 5000 }));
    expect(gathered[1]).toBe(gathered[0]);
    await stopTestFleet(fleet, robots);
    const eager = await twoArrivals(await start({}));
    expect(eager[1]).not.toBe(eager[0]);
  });

  it('does not re-plan an unchanged shelf within fruitlessReplanMs, but does after a change or once it expires', async () => {
    // Every trip is too long to be allowed, so every plan assigns nothing.
    const f = await start({ fruitlessReplanMs: 60_000 }, { dispatch: { maxTripDurationS: 1 } });
    const plans = () => f.server.metrics.counter('fleet_dispatch_plans_total', '').get();
    await f.server.parcels.createBatch([{ destination: nearestDrop(f), recipient: { name: 'A' } }]);
    f.server.dispatch.parcelsArrived();
    await advance(f.clock, 1000);
    const first = plans();
    expect(first).toBeGreaterThanOrEqual(1);
    // Five periodic rounds later: no new plan.
    await advance(f.clock, 50_000);
    expect(plans()).toBe(first);
    expect(f.server.metrics.counter('fleet_dispatch_rounds_total', '').get()).toBeGreaterThan(first + 3);
    // A new arrival changes the shelf: planned again.
    await f.server.parcels.createBatch([{ destination: nearestDrop(f), recipient: { name: 'B' } }]);
    f.server.dispatch.parcelsArrived();
    await advance(f.clock, 1000);
    expect(plans()).toBe(first + 1);
    // And once the minute is over (at the next 10 s period), without a change.
    await advance(f.clock, 75_000);
    expect(plans()).toBeGreaterThan(first + 1);
  });

  it('returns a parcel no trip can carry with its reason when returnUndeliverable is on (default: left on the shelf)', async () => {
    const f = await start({ returnUndeliverable: true }, { dispatch: { maxTripDurationS: 1 } });
    const { parcels } = await f.server.parcels.createBatch([{ destination: nearestDrop(f), recipient: { name: 'A' } }]);
    const id = parcels[0]!.parcel.id;
    f.server.dispatch.parcelsArrived();
    await advance(f.clock, 2000);
    expect((await f.server.parcels.get(id))?.status).toBe('returned');
    const last = (await f.server.parcels.history(id)).at(-1)!;
    expect(last).toMatchObject({ from: 'received', to: 'returned', cause: 'return', actor: 'dispatch', data: { reason: 'trip_too_long' } });

    await stopTestFleet(f, robots);
    const g = await start({}, { dispatch: { maxTripDurationS: 1 } });
    const kept = (await g.server.parcels.createBatch([{ destination: nearestDrop(g), recipient: { name: 'A' } }])).parcels[0]!.parcel.id;
    g.server.dispatch.parcelsArrived();
    await advance(g.clock, 30_000);
    expect((await g.server.parcels.get(kept))?.status).toBe('received');
  });

  it("keeps a parcel whose code locked out at the hub with codeLockout 'hold' (default: re-queued)", async () => {
    const lockOut = async (f: TestFleet) => {
      const { parcels } = await f.server.parcels.createBatch([{ destination: nearestDrop(f), recipient: { name: 'A' } }]);
      const issued = parcels[0]!;
      const id = issued.parcel.id;
      f.server.dispatch.parcelsArrived();
      const status = async () => (await f.server.parcels.get(id))?.status;
      expect(await advanceUntil(f.clock, async () => (await status()) === 'awaiting_pickup', 15 * 60_000)).toBe(true);
      const wrong = issued.pickupCode === '00000000' ? '11111111' : '00000000';
      for (let i = 0; i < 5; i++) robots[0]!.robot.enterCode(wrong, id);
      expect(await advanceUntil(f.clock, async () => (await f.server.parcels.history(id)).some((h) => h.cause === 'return'), 60_000)).toBe(true);
      // The robot waits out the stop, drives back and hands the parcel in at the hub.
      const back = async () => (await f.server.store.query("SELECT id FROM trips WHERE status = 'finished'")).length === 1 && robots[0]!.robot.runner.state().loads?.length === 0;
      expect(await advanceUntil(f.clock, back, 60 * 60_000, 1000)).toBe(true);
      await advance(f.clock, 2000);
      return { id, status: await status(), causes: (await f.server.parcels.history(id)).map((h) => h.cause) };
    };
    const held = await lockOut(await start({ codeLockout: 'hold' }));
    expect(held.status).toBe('returned');
    expect(held.causes).not.toContain('requeue');

    await stopTestFleet(fleet, robots);
    const requeued = await lockOut(await start({}));
    expect(requeued.causes).toContain('requeue');
  });
});
