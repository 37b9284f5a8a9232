import { afterEach, describe, expect, it } from 'vitest';
import { MessageBuilder } from '../../protocol/index.ts';
import { connectionWill, defaultFactsheet, VdaBridge } from '../../robot/bridge/index.ts';
import type { Parcel } from '../parcels/index.ts';
import { advance, advanceUntil, startTestFleet, startTestRobot, type TestFleet, type TestRobot } from './testFleet.ts';

/** The same robot (same compartments and parcels) speaking again over a new connection, as after a reboot of its radio. */
async function reconnect(f: TestFleet, r: TestRobot, serial: string): Promise<() => Promise<void>> {
  const builder = new MessageBuilder({ clock: f.clock, manufacturer: 'acme', serialNumber: serial });
  const transport = f.broker.connect(`acme-${serial}-again`, { will: connectionWill(builder) });
  const bridge = new VdaBridge({ transport, clock: f.clock, builder, runner: r.robot.runner, factsheet: defaultFactsheet({ compartmentCount: 4 }) });
  await bridge.start();
  return () => bridge.stop();
}

describe('recovery of the parcels aboard a failed robot', () => {
  let fleet: TestFleet | undefined;
  let cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups = [];
    await fleet?.server.stop();
    fleet = undefined;
  });

  /** A robot that loaded two parcels, then lost its radio and got stuck just outside the hub, offline past the timeout. */
  async function failedWithParcelsAboard(): Promise<{ f: TestFleet; r: TestRobot; ids: string[]; tripId: string }> {
    fleet = await startTestFleet();
    const f = fleet;
    await f.request('/api/robots', { method: 'POST', token: f.admin, json: { serial: 'r1', manufacturer: 'acme', compartments: 4 } });
    const r = await startTestRobot(f, 'r1');
    cleanups.push(() => r.stop());
    await advance(f.clock, 1000);
    const drops = f.server.campus.drops.slice(0, 2).map((d) => d.id);
    const created = await f.request('/api/parcels/batch', { method: 'POST', token: f.dispatcher, json: {
      parcels: drops.map((destination, i) => ({ destination, recipient: { name: `R${i}` } })),
    } });
    const ids = (created.body as { parcels: Array<{ id: string }> }).parcels.map((p) => p.id);
    const status = async (id: string) => ((await f.server.parcels.get(id)) as Parcel).status;
    expect(await advanceUntil(f.clock, async () => (await status(ids[0]!)) === 'out_for_delivery', 120_000)).toBe(true);
    r.robot.motion.stop(false);
    await r.bridge.stop();
    await advance(f.clock, 320_000, 1000);
    const tripId = ((await f.server.parcels.get(ids[0]!)) as Parcel).tripId!;
    return { f, r, ids, tripId };
  }

  it('raises robot_recovery after the timeout, then unloads and re-queues them (original age, no attempt) when the robot is back online at the hub', async () => {
    const { f, r, ids, tripId } = await failedWithParcelsAboard();
    const alert = await f.server.store.query<{ kind: string; cleared_at: number | null }>('SELECT kind, cleared_at FROM alerts WHERE id = $1', [`${tripId}/recovery`]);
    expect(alert).toEqual([{ kind: 'robot_recovery', cleared_at: null }]);
    for (const id of ids) expect(['loaded', 'out_for_delivery']).toContain(((await f.server.parcels.get(id)) as Parcel).status);
    const readyBefore = await f.server.store.query<{ id: string; created_at: number; ready_at: number | null }>('SELECT id, created_at, ready_at FROM parcels ORDER BY id');

    cleanups.push(await reconnect(f, r, 'r1'));
    // The robot cancels the stale order, empties its compartments at the hub, and the parcels are requeued then
    // planned again (on the same robot, the only one).
    const requeued = async () => {
      for (const id of ids) {
        const items = ((await f.request(`/api/parcels/${id}/history`, { token: f.viewer })).body as { items: Array<{ cause: string }> }).items;
        if (!items.some((h) => h.cause === 'requeue' || h.cause === 'unload')) return false;
      }
      return true;
    };
    expect(await advanceUntil(f.clock, requeued, 120_000)).toBe(true);
    expect(r.robot.runner.state().loads?.filter((l) => ids.includes(l.loadId ?? ''))).toHaveLength(0);
    const after = await f.server.store.query<{ id: string; created_at: number; ready_at: number | null; delivery_attempts: number }>(
      'SELECT id, created_at, ready_at, delivery_attempts FROM parcels ORDER BY id',
    );
    expect(after.map((p) => [p.id, p.ready_at, Number(p.delivery_attempts)])).toEqual(readyBefore.map((p) => [p.id, p.ready_at, 0]));
    const trip = (await f.server.store.query<{ status: string; recovery_since: number | null }>('SELECT status, recovery_since FROM trips WHERE id = $1', [tripId]))[0];
    expect(trip?.status).toBe('aborted');
    expect(trip?.recovery_since).not.toBeNull();
    const cleared = await f.server.store.query<{ cleared_at: number | null }>('SELECT cleared_at FROM alerts WHERE id = $1', [`${tripId}/recovery`]);
    expect(cleared[0]?.cleared_at).not.toBeNull();
    // Back in the queue, they go out again on a new trip.
    expect(await advanceUntil(f.clock, async () => {
      const p = (await f.server.parcels.get(ids[0]!)) as Parcel;
      return p.tripId !== null && p.tripId !== tripId;
    }, 60_000)).toBe(true);
  });

  it('POST /api/robots/:serial/recovered with unloadedByHand re-queues at once; 409 when there is nothing to recover', async () => {
    const { f, ids, tripId } = await failedWithParcelsAboard();
    const res = await f.request('/api/robots/r1/recovered', { method: 'POST', token: f.dispatcher, json: { unloadedByHand: true } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ serial: 'r1', trips: [tripId], returnOrderPending: false });
    expect([...(res.body as { requeued: string[] }).requeued].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(((await f.server.parcels.get(id)) as Parcel).status).toBe('received');
    const again = await f.request('/api/robots/r1/recovered', { method: 'POST', token: f.dispatcher, json: {} });
    expect(again.status).toBe(409);
    expect((await f.request('/api/robots/r1/recovered', { method: 'POST', token: f.viewer, json: {} })).status).toBe(403);
  });
});
