import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toJson } from '../store/index.ts';
import type { Parcel } from '../parcels/index.ts';
import { buildReplacementOrder } from './core/buildRerouteOrder.ts';
import { advance, advanceUntil, startTestFleet, stopTestFleet, startTestRobot, type TestFleet, type TestRobot } from './testFleet.ts';

interface Issued {
  id: string;
  pickupCode: string;
  destination: string;
}

/** Three parcels to the three drop points nearest the hub, on one robot (2 m/s) that has just left the hub with them. */
async function underWay(f: TestFleet): Promise<{ r: TestRobot; issued: Issued[] }> {
  await f.request('/api/robots', { method: 'POST', token: f.admin, json: { serial: 'r1', manufacturer: 'acme', compartments: 4 } });
  const r = await startTestRobot(f, 'r1', 4, 2);
  await advance(f.clock, 1000);
  const { campus } = f.server;
  const drops = [...campus.drops].sort((a, b) => campus.travel.distanceM(campus.hub.id, a.id) - campus.travel.distanceM(campus.hub.id, b.id)).slice(0, 3).map((d) => d.id);
  const created = await f.request('/api/parcels/batch', { method: 'POST', token: f.dispatcher, json: {
    parcels: drops.map((destination, i) => ({ destination, recipient: { name: `R${i}` } })),
  } });
  expect(created.status).toBe(201);
  const issued: Issued[] = (created.body as { parcels: Array<{ id: string; pickupCode: string }> }).parcels.map((p, i) => ({ ...p, destination: drops[i]! }));
  const allOut = async () => (await Promise.all(issued.map((p) => status(f, p.id)))).every((s) => s === 'out_for_delivery');
  expect(await advanceUntil(f.clock, allOut, 120_000)).toBe(true);
  return { r, issued };
}

async function status(f: TestFleet, id: string): Promise<string> {
  return ((await f.server.parcels.get(id)) as Parcel).status;
}

/** Waits for the robot to wait at a stop, notes the place and hands the parcel over; returns the place. */
async function handOverNext(f: TestFleet, r: TestRobot, issued: readonly Issued[], visits: string[]): Promise<string> {
  let found: Issued | undefined;
  expect(await advanceUntil(f.clock, async () => {
    for (const p of issued) if ((await status(f, p.id)) === 'awaiting_pickup') found = p;
    return found !== undefined;
  }, 20 * 60_000)).toBe(true);
  const p = found!;
  visits.push(p.destination);
  expect(r.robot.enterCode(p.pickupCode, p.id).result).toBe('accepted');
  expect(await advanceUntil(f.clock, async () => (await status(f, p.id)) === 'delivered', 60_000)).toBe(true);
  return p.destination;
}

describe('live re-route of a trip under way (VirtualClock, in-process broker, SQLite, ZJU campus, headless robot)', () => {
  let fleet: TestFleet | undefined;
  const robots: TestRobot[] = [];
  afterEach(async () => {
    await stopTestFleet(fleet, robots);
    fleet = undefined;
  });

  it('cancels the order and sends a new one from where the robot stands; the robot follows the new stop order and every parcel ends delivered once', async () => {
    fleet = await startTestFleet();
    const f = fleet;
    const { r, issued } = await underWay(f);
    robots.push(r);
    const { campus } = f.server;
    const drops = issued.map((p) => p.destination);
    const detail = async () => (await f.request('/api/robots/r1', { token: f.viewer })).body as { trips: Array<{ id: string; orderId: string; stops: string[]; status: string }> };
    const planned = (await detail()).trips[0]!;
    expect(planned.stops).toHaveLength(3);
    const [first, second, last] = planned.stops as [string, string, string];

    // Viewers may not, a place off the trip is refused, and the next-trip form still works as before.
    expect((await f.request('/api/robots/r1/reroute', { method: 'POST', token: f.viewer, json: { stops: [last], trip: 'current' } })).status).toBe(403);
    const offTrip = campus.drops.find((d) => !drops.includes(d.id))!.id;
    const refused = await f.request('/api/robots/r1/reroute', { method: 'POST', token: f.dispatcher, json: { stops: [offTrip], trip: 'current' } });
    expect(refused.status).toBe(409);
    expect((refused.body as { error: { code: string } }).error.code).toBe('STOP_NOT_ON_TRIP');

    // The last stop first, now: the orders release every node up to the closing hub, so an update cannot do it.
    const res = await f.request('/api/robots/r1/reroute', { method: 'POST', token: f.dispatcher, json: { stops: [last], trip: 'current' } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ serial: 'r1', tripId: planned.id, method: 'cancel_and_new_order', stops: [last, first, second], status: 'pending' });

    // Follow the robot: each time a parcel waits at its stop, note the place and hand it over.
    const visits: string[] = [];
    const deliverNext = () => handOverNext(f, r, issued, visits);
    expect(await deliverNext()).toBe(last);
    const rerouted = (await detail()).trips[0]!;
    expect(rerouted.orderId).toBe(`${planned.id}-r1`);

    // Between stops again: the stop just served cannot come back, the others can swap.
    await advanceUntil(f.clock, () => f.server.tracker.robot('r1')?.driving === true, 60_000);
    const again = await f.request('/api/robots/r1/reroute', { method: 'POST', token: f.dispatcher, json: { stops: [last], trip: 'current' } });
    expect(again.status).toBe(409);
    const swap = await f.request('/api/robots/r1/reroute', { method: 'POST', token: f.dispatcher, json: { stops: [second], trip: 'current' } });
    expect(swap.status).toBe(202);
    expect(swap.body).toMatchObject({ method: 'cancel_and_new_order', stops: [second, first] });
    await deliverNext();
    await deliverNext();
    expect(visits).toEqual([last, second, first]);

    // The trip ends at the hub as one trip; nothing is returned, nothing handed over twice.
    expect(await advanceUntil(f.clock, async () => (await detail()).trips[0]?.status === 'finished', 20 * 60_000)).toBe(true);
    const trips = (await detail()).trips;
    expect(trips).toHaveLength(1);
    expect(trips[0]!.orderId).toBe(`${planned.id}-r2`);
    expect(trips[0]!.stops).toEqual([last, second, first]);
    for (const p of issued) {
      const items = ((await f.request(`/api/parcels/${p.id}/history`, { token: f.viewer })).body as { items: Array<{ cause: string; actor: string; from: string; to: string }> }).items;
      const causes = items.map((h) => h.cause);
      const reroutes = items.filter((h) => h.cause === 'reroute');
      // The parcel delivered first was re-routed once; the two others twice. A note changes no status.
      expect(reroutes).toHaveLength(p.destination === last ? 1 : 2);
      expect(reroutes.every((h) => h.actor === 'dispatcher:desk' && h.from === 'out_for_delivery' && h.to === 'out_for_delivery')).toBe(true);
      expect(causes.filter((c) => c !== 'reroute')).toEqual(['created', 'assign', 'load', 'depart', 'arrive', 'code_verified']);
    }
    expect(r.robot.runner.state().loads ?? []).toHaveLength(0);
    // Both cancels are on record with the robot's confirmation.
    const actions = await f.server.store.query<{ action_type: string; status: string; requested_by: string }>('SELECT action_type, status, requested_by FROM instant_actions ORDER BY requested_at');
    expect(actions).toEqual([
      { action_type: 'cancelOrder', status: 'FINISHED', requested_by: 'desk' },
      { action_type: 'cancelOrder', status: 'FINISHED', requested_by: 'desk' },
    ]);
  }, 120_000);

  it('waits while a recipient is at the robot: the cancel goes out only after that hand-over, then the requested stop comes next', async () => {
    fleet = await startTestFleet();
    const f = fleet;
    const { r, issued } = await underWay(f);
    robots.push(r);
    let waiting: Issued | undefined;
    expect(await advanceUntil(f.clock, async () => {
      for (const p of issued) if ((await status(f, p.id)) === 'awaiting_pickup') waiting = p;
      return waiting !== undefined;
    }, 20 * 60_000)).toBe(true);
    const others = issued.filter((p) => p !== waiting);
    // The two stops left in their planned order; the dispatcher wants the second one first.
    const planned = ((await f.request('/api/robots/r1', { token: f.viewer })).body as { trips: Array<{ stops: string[] }> }).trips[0]!.stops;
    const [next, target] = planned.filter((place) => place !== waiting!.destination) as [string, string];
    const res = await f.request('/api/robots/r1/reroute', { method: 'POST', token: f.dispatcher, json: { stops: [target], trip: 'current' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'pending', method: 'cancel_and_new_order', stops: [target, next] });
    // The recipient takes a while: nothing is cancelled under their hands.
    await advance(f.clock, 20_000);
    expect(await status(f, waiting!.id)).toBe('awaiting_pickup');
    expect(await f.server.store.query('SELECT action_id FROM instant_actions')).toEqual([]);
    expect(r.robot.enterCode(waiting!.pickupCode, waiting!.id).result).toBe('accepted');
    const visits: string[] = [];
    await handOverNext(f, r, others, visits);
    await handOverNext(f, r, others, visits);
    expect(visits).toEqual([target, next]);
    expect(await status(f, waiting!.id)).toBe('delivered');
    expect((await f.server.store.query<{ status: string }>('SELECT status FROM instant_actions')).map((a) => a.status)).toEqual(['FINISHED']);
  }, 120_000);

  it('restart between the trip update and the new order: the next server cancels what the robot runs and sends the replacement from where it stands', async () => {
    const databaseUrl = join(mkdtempSync(join(tmpdir(), 'fleet-reroute-')), 'fleet.sqlite');
    const first = await startTestFleet({ databaseUrl });
    const { r, issued } = await underWay(first);
    robots.push(r);
    // What LiveReroute writes before its cancelOrder, reversed stop order, built where the robot stood then (the hub).
    const [trip] = await first.server.store.query<{ id: string; compartments: string }>("SELECT id, parcel_ids AS compartments FROM trips WHERE status = 'sent'");
    const compartments = JSON.parse(trip!.compartments) as Array<{ parcelId: string; compartment: number; place: string }>;
    const { campus } = first.server;
    const planned = (JSON.parse((await first.server.store.query<{ stops: string }>('SELECT stops FROM trips WHERE id = $1', [trip!.id]))[0]!.stops) as Array<{ place: string }>).map((st) => st.place);
    const reversed = [...planned].reverse();
    const hashes = await first.server.parcels.codeHashes(issued.map((p) => p.id));
    const order = buildReplacementOrder({
      orderId: `${trip!.id}-r1`, mapId: campus.mapId, hub: campus.orderPlace(campus.hub.id)!, hubDeviationM: 10, waitForRecipientS: 300,
      codes: new Map([...hashes].map(([id, h]) => [id, h.hash])), start: campus.orderPlace(campus.hub.id)!, startDeviationM: 10,
      stops: reversed.map((place) => ({ place: campus.orderPlace(place)!, parcels: compartments.filter((c) => c.place === place).map((c) => ({ parcelId: c.parcelId, compartment: c.compartment })) })),
    });
    await first.server.store.execute('UPDATE trips SET order_id = $1, order_body = $2, stops = $3 WHERE id = $4', [
      order.orderId, toJson(order), toJson(reversed.map((place) => ({ place, parcelIds: compartments.filter((c) => c.place === place).map((c) => c.parcelId), etaMs: 0, departMs: 0 }))), trip!.id,
    ]);
    await first.server.stop();

    // The robot drives on along its old order meanwhile; the new server finds it there.
    await advance(first.clock, 3_000);
    fleet = await startTestFleet({ databaseUrl, clock: first.clock, broker: first.broker, tokens: { admin: first.admin, dispatcher: first.dispatcher, viewer: first.viewer } });
    const f = fleet;
    const visits: string[] = [];
    for (let i = 0; i < 3; i++) await handOverNext(f, r, issued, visits);
    expect(visits).toEqual(reversed);
    expect(f.logs().some((l) => l.msg === 're-route resumed: replacement order sent')).toBe(true);
    for (const p of issued) {
      const items = ((await f.request(`/api/parcels/${p.id}/history`, { token: f.viewer })).body as { items: Array<{ cause: string }> }).items;
      expect(items.map((h) => h.cause)).toEqual(['created', 'assign', 'load', 'depart', 'arrive', 'code_verified']);
    }
    expect(await advanceUntil(f.clock, async () => (await f.server.store.query("SELECT id FROM trips WHERE status = 'finished'")).length === 1, 20 * 60_000)).toBe(true);
  }, 120_000);

  it('answers 409 NO_TRIP_IN_PROGRESS for a robot without a trip', async () => {
    fleet = await startTestFleet();
    const f = fleet;
    await f.request('/api/robots', { method: 'POST', token: f.admin, json: { serial: 'r1', manufacturer: 'acme', compartments: 4 } });
    robots.push(await startTestRobot(f, 'r1'));
    await advance(f.clock, 1000);
    const drop = f.server.campus.drops[0]!.id;
    const res = await f.request('/api/robots/r1/reroute', { method: 'POST', token: f.dispatcher, json: { stops: [drop], trip: 'current' } });
    expect(res.status).toBe(409);
    expect((res.body as { error: { code: string } }).error.code).toBe('NO_TRIP_IN_PROGRESS');
    expect((await f.request('/api/robots/r1/reroute', { method: 'POST', token: f.dispatcher, json: { stops: [], trip: 'current' } })).status).toBe(400);
    expect((await f.request('/api/robots/r1/reroute', { method: 'POST', token: f.dispatcher, json: { stops: [drop], trip: 'later' } })).status).toBe(400);
  });
});
