import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Parcel } from '../parcels/index.ts';
import { advance, advanceUntil, startTestFleet, stopTestFleet, startTestRobot, type TestFleet, type TestRobot } from './testFleet.ts';

function nearestDrop(fleet: TestFleet, rank = 0): string {
  const { campus } = fleet.server;
  return [...campus.drops].sort((a, b) => campus.travel.distanceM(campus.hub.id, a.id) - campus.travel.distanceM(campus.hub.id, b.id))[rank]!.id;
}

describe('FleetServer in process (VirtualClock, in-process broker, SQLite, ZJU campus, headless robot)', () => {
  let fleet: TestFleet | undefined;
  const robots: TestRobot[] = [];
  afterEach(async () => {
    await stopTestFleet(fleet, robots);
    fleet = undefined;
  });

  it('plans a parcel created through the API, sends the order, follows it to delivered with the full history', async () => {
    fleet = await startTestFleet();
    const f = fleet;
    const reg = await f.request('/api/robots', { method: 'POST', token: f.admin, json: { serial: 'r1', manufacturer: 'acme', compartments: 4 } });
    expect(reg.status).toBe(201);
    expect((reg.body as { mqtt: { username: string; password: string } }).mqtt.username).toBe('r1');
    robots.push(await startTestRobot(f, 'r1'));
    await advance(f.clock, 1000);

    const destination = nearestDrop(f);
    const created = await f.request('/api/parcels', { method: 'POST', token: f.dispatcher, json: { destination, recipient: { name: 'Ada', email: 'ada@example.edu' } } });
    expect(created.status).toBe(201);
    const { id, pickupCode, trackingToken } = created.body as { id: string; pickupCode: string; trackingToken: string };
    expect(pickupCode).toMatch(/^\d{8}$/);

    const status = async () => (await f.server.parcels.get(id) as Parcel).status;
    expect(await advanceUntil(f.clock, async () => (await status()) === 'awaiting_pickup', 15 * 60_000)).toBe(true);
    const tracked = await f.request(`/api/track/${trackingToken}`);
    expect(tracked.status).toBe(200);
    expect(tracked.body).toMatchObject({ status: 'awaiting_pickup', dropPoint: { id: destination } });
    expect(JSON.stringify(tracked.body)).not.toContain(pickupCode);

    expect(robots[0]!.robot.enterCode(pickupCode).result).toBe('accepted');
    expect(await advanceUntil(f.clock, async () => (await status()) === 'delivered', 60_000)).toBe(true);

    const history = await f.request(`/api/parcels/${id}/history`, { token: f.viewer });
    const items = (history.body as { items: Array<{ from: string | null; to: string; cause: string; actor: string }> }).items;
    expect(items.map((h) => h.to)).toEqual(['received', 'assigned', 'loaded', 'out_for_delivery', 'awaiting_pickup', 'delivered']);
    expect(items.map((h) => h.cause)).toEqual(['created', 'assign', 'load', 'depart', 'arrive', 'code_verified']);
    expect(items.slice(2).every((h) => h.actor === 'robot:r1')).toBe(true);

    // The robot drives back; the trip ends at the hub and the robot is free again.
    expect(await advanceUntil(f.clock, async () => (await f.server.store.query("SELECT status FROM trips WHERE status = 'finished'")).length === 1, 15 * 60_000)).toBe(true);
    const page = await f.request('/api/parcels?status=delivered', { token: f.viewer });
    expect((page.body as { items: Array<{ id: string }> }).items.map((p) => p.id)).toEqual([id]);
  });

  it('restart mid-trip: a new server over the same SQLite file follows the trip to delivered; nothing lost or assigned twice', async () => {
    const databaseUrl = join(mkdtempSync(join(tmpdir(), 'fleet-restart-')), 'fleet.sqlite');
    const first = await startTestFleet({ databaseUrl });
    await first.request('/api/robots', { method: 'POST', token: first.admin, json: { serial: 'r1', manufacturer: 'acme', compartments: 4 } });
    robots.push(await startTestRobot(first, 'r1', 4, 1.5));
    await advance(first.clock, 1000);
    const created = await first.request('/api/parcels/batch', { method: 'POST', token: first.dispatcher, json: {
      parcels: [{ destination: nearestDrop(first, 0), recipient: { name: 'A' } }, { destination: nearestDrop(first, 1), recipient: { name: 'B' } }],
    } });
    const issued = (created.body as { parcels: Array<{ id: string; pickupCode: string }> }).parcels;
    const statusIn = async (server: TestFleet['server'], id: string) => (await server.parcels.get(id))!.status;
    expect(await advanceUntil(first.clock, async () => (await statusIn(first.server, issued[0]!.id)) === 'out_for_delivery', 60_000)).toBe(true);
    await first.server.stop();

    // The robot keeps driving while no server runs; the new server picks up from the database and the robot's state.
    await advance(first.clock, 5_000);
    fleet = await startTestFleet({ databaseUrl, clock: first.clock, broker: first.broker, tokens: { admin: first.admin, dispatcher: first.dispatcher, viewer: first.viewer } });
    const f = fleet;
    for (const p of issued) {
      expect(await advanceUntil(f.clock, async () => (await statusIn(f.server, p.id)) === 'awaiting_pickup', 15 * 60_000)).toBe(true);
      expect(robots[0]!.robot.enterCode(p.pickupCode).result).toBe('accepted');
      expect(await advanceUntil(f.clock, async () => (await statusIn(f.server, p.id)) === 'delivered', 60_000)).toBe(true);
    }
    for (const p of issued) {
      const items = ((await f.request(`/api/parcels/${p.id}/history`, { token: f.viewer })).body as { items: Array<{ cause: string }> }).items;
      expect(items.map((h) => h.cause)).toEqual(['created', 'assign', 'load', 'depart', 'arrive', 'code_verified']);
    }
    const trips = await f.server.store.query<{ id: string }>('SELECT id FROM trips');
    expect(trips).toHaveLength(1);
  });
});
