import { afterEach, describe, expect, it } from 'vitest';
import { MessageBuilder } from '../../protocol/index.ts';
import { connectionWill, defaultFactsheet, VdaBridge } from '../../robot/bridge/index.ts';
import { HeadlessRobot } from '../../robot/mission/index.ts';
import type { Parcel } from '../parcels/index.ts';
import { advance, advanceUntil, startTestFleet, startTestRobot, type TestFleet, type TestRobot } from './testFleet.ts';

describe('a robot that refuses its trip order', () => {
  let fleet: TestFleet | undefined;
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    await fleet?.server.stop();
    fleet = undefined;
  });

  it('ends the trip aborted, re-queues its parcels with their age, and the next robot delivers them', async () => {
    fleet = await startTestFleet();
    const f = fleet;
    for (const serial of ['r1', 'r2']) {
      expect((await f.request('/api/robots', { method: 'POST', token: f.admin, json: { serial, manufacturer: 'acme', compartments: 4 } })).status).toBe(201);
    }
    // r1 believes it stands on another map, so it refuses every node of ours (VDA 5050 orderError).
    const hub = f.server.campus.orderPlace(f.server.campus.hub.id)!;
    const builder = new MessageBuilder({ clock: f.clock, manufacturer: 'acme', serialNumber: 'r1' });
    const transport = f.broker.connect('acme-r1', { will: connectionWill(builder) });
    const confused = new HeadlessRobot({ clock: f.clock, compartmentCount: 4, start: { x: hub.x, y: hub.y, theta: 0, mapId: 'another-campus' } });
    const bridge = new VdaBridge({ transport, clock: f.clock, builder, runner: confused.runner, factsheet: defaultFactsheet({ compartmentCount: 4 }) });
    await bridge.start();
    stops.push(async () => { await bridge.stop(); confused.dispose(); await transport.close(); });
    await advance(f.clock, 1000);

    const drop = f.server.campus.drops[0]!.id;
    const created = await f.request('/api/parcels', { method: 'POST', token: f.dispatcher, json: { destination: drop, recipient: { name: 'Ada' } } });
    const { id } = created.body as { id: string };
    const parcel = async () => (await f.server.parcels.get(id)) as Parcel;
    const history = async () => (await f.server.parcels.history(id)).map((h) => `${h.to}:${h.cause}`);

    // Refused and re-queued: assigned to r1, then back to received with the refusal as the cause.
    expect(await advanceUntil(f.clock, async () => (await history()).length >= 3, 60_000)).toBe(true);
    expect((await history()).slice(0, 3)).toEqual(['received:created', 'assigned:assign', 'received:unassign']);
    expect((await f.server.store.query<{ status: string }>('SELECT status FROM trips')).map((t) => t.status)).toEqual(['aborted']);
    expect(confused.runner.state().orderId).not.toBe((await parcel()).tripId);

    // A working robot then takes it; r1 sits out its cool-down instead of bouncing the parcel again.
    const good: TestRobot = await startTestRobot(f, 'r2');
    stops.push(() => good.stop());
    expect(await advanceUntil(f.clock, async () => (await parcel()).status === 'awaiting_pickup', 15 * 60_000)).toBe(true);
    expect((await parcel()).robotSerial).toBe('r2');
  });
});
