import { afterEach, describe, expect, it } from 'vitest';
import type { Parcel } from '../parcels/index.ts';
import { advance, advanceUntil, startTestFleet, startTestRobot, stopTestFleet, type TestFleet, type TestRobot } from './testFleet.ts';

describe('each robot\'s own waiting spot at the hub (DispatchLoop hubSpots)', () => {
  let fleet: TestFleet | undefined;
  const robots: TestRobot[] = [];
  afterEach(async () => {
    await stopTestFleet(fleet, robots);
    fleet = undefined;
  });

  /** Robot r1 waiting at `offset` from the hub, one parcel sent out with it to the first drop point, awaiting pickup. */
  async function oneParcelOut(offset: { x: number; y: number }, inboundLatencyMs = 0) {
    fleet = await startTestFleet();
    const f = fleet;
    expect((await f.request('/api/robots', { method: 'POST', token: f.admin, json: { serial: 'r1', manufacturer: 'acme', compartments: 4 } })).status).toBe(201);
    const hub = f.server.campus.orderPlace(f.server.campus.hub.id)!;
    f.server.dispatch.setHubSpots(new Map([['r1', { x: hub.x + offset.x, y: hub.y + offset.y }]]));
    const r1 = await startTestRobot(f, 'r1', 4, 5, inboundLatencyMs);
    robots.push(r1);
    await advance(f.clock, 1000);
    const drop = f.server.campus.drops[0]!.id;
    const created = await f.request('/api/parcels', { method: 'POST', token: f.dispatcher, json: { destination: drop, recipient: { name: 'Ada' } } });
    const { id, pickupCode } = created.body as { id: string; pickupCode: string };
    const parcel = async () => (await f.server.parcels.get(id)) as Parcel;
    expect(await advanceUntil(f.clock, async () => (await parcel()).status === 'awaiting_pickup', 15 * 60_000)).toBe(true);
    return { f, r1, hub, id, pickupCode, parcel };
  }

  it('ends a trip (and the return of what came back) at the robot\'s spot, where it counts as at the hub', async () => {
    const spot = { x: 3, y: -2 }; // from the hub
    const { f, r1, hub, id, parcel } = await oneParcelOut(spot);
    const [row] = await f.server.store.query<{ order_body: string }>('SELECT order_body FROM trips WHERE id = $1', [(await parcel()).tripId]);
    const order = JSON.parse(row!.order_body) as { nodes: Array<{ nodeId: string; nodePosition?: { x: number; y: number } }> };
    const last = order.nodes.at(-1)!;
    // The hub's node, at the robot's own position.
    expect(last.nodeId).toBe(hub.nodeId);
    expect([last.nodePosition!.x, last.nodePosition!.y]).toEqual([Math.round((hub.x + spot.x) * 1000) / 1000, Math.round((hub.y + spot.y) * 1000) / 1000]);

    // Nobody comes (300 s): the robot drives back to its spot, ends the trip there and puts the parcel back on the shelf (re-queued).
    const requeued = async () => (await f.server.parcels.history(id)).some((h) => h.cause === 'requeue');
    expect(await advanceUntil(f.clock, requeued, 30 * 60_000)).toBe(true);
    const pose = r1.robot.motion.pose;
    expect(Math.hypot(pose.x - hub.x - spot.x, pose.y - hub.y - spot.y)).toBeLessThan(0.5);
    const [ended] = await f.server.store.query<{ status: string }>('SELECT status FROM trips WHERE robot_serial = $1 ORDER BY created_at LIMIT 1', ['r1']);
    expect(ended!.status).toBe('finished');
  }, 60_000);

  it('sends one return order per trip when the robot hears of it only a moment later', async () => {
    // The 60-robot day (issue #5): the round that ended a trip sent its return order, then again as "a robot back
    // at the hub with parcels aboard" (its state not yet showing the first), and rounds kept resending it, one
    // trip 79 times, until the robot's state showed the return running.
    const { f, id } = await oneParcelOut({ x: 3, y: -2 }, 1500);
    const requeued = async () => (await f.server.parcels.history(id)).some((h) => h.cause === 'requeue');
    expect(await advanceUntil(f.clock, requeued, 30 * 60_000)).toBe(true);
    await advance(f.clock, 5 * 60_000);
    expect(f.server.metrics.counter('fleet_dispatch_orders_sent_total', '', ['kind']).get({ kind: 'return' })).toBe(1);
  }, 60_000);

  it('sends a robot whose order ended away from its spot and the hub on to its spot, and ends its trip', async () => {
    // The simulator's 60-robot day (issue #5): a robot that counted its spot as reached 2.5 m short of it (robots in
    // the way) stood on the footway 14.5 m from the hub, never at the hub: its trip never ended, it got no trip and
    // no charge, ran down to 5 %, and robots queued behind it for up to 20 h. Here its spot moves after the trip
    // order went out, so the order ends 12 m from the hub and 15 m from the spot.
    const { f, r1, hub, id } = await oneParcelOut({ x: 12, y: 0 });
    const spot = { x: hub.x - 3, y: hub.y + 2 };
    f.server.dispatch.setHubSpots(new Map([['r1', spot]]));
    // Nobody comes: the robot drives back to where its order ends, 12 m from the hub; then on to its spot.
    const tripStatus = async () => (await f.server.store.query<{ status: string }>('SELECT status FROM trips WHERE robot_serial = $1 ORDER BY created_at LIMIT 1', ['r1']))[0]!.status;
    const atSpot = () => Math.hypot(r1.robot.motion.pose.x - spot.x, r1.robot.motion.pose.y - spot.y) < 0.5;
    expect(await advanceUntil(f.clock, async () => atSpot() && (await tripStatus()) === 'finished', 45 * 60_000)).toBe(true);
    // The parcel that came back went back on the shelf.
    expect(await advanceUntil(f.clock, async () => (await f.server.parcels.history(id)).some((h) => h.cause === 'requeue'), 10 * 60_000)).toBe(true);
    expect(f.server.tracker.robot('r1')!.loads).toEqual([]);
  }, 60_000);

  it('plans no trip for a robot that stopped short of the hub until it has been sent on to its spot', async () => {
    // The 60-robot day (issue #5): in the round that sent a robot standing short of the hub on to its spot, the
    // planner counted it at the hub (its last node) and sent it a trip too; busy with the first order, the robot
    // refused the trip (34 times in the day) and its parcels went back to the shelf for another round.
    const { f, r1, hub, id, pickupCode, parcel } = await oneParcelOut({ x: 12, y: 0 });
    // The order ends 12 m from the hub; the spot moves, so the robot comes back empty and stands short of both.
    f.server.dispatch.setHubSpots(new Map([['r1', { x: hub.x - 3, y: hub.y + 2 }]]));
    expect(r1.robot.enterCode(pickupCode, id).result).toBe('accepted');
    expect(await advanceUntil(f.clock, async () => (await parcel()).status === 'delivered', 5 * 60_000)).toBe(true);
    // A second parcel waits on the shelf while the robot drives back.
    const drop = f.server.campus.drops[0]!.id;
    const next = await f.request('/api/parcels', { method: 'POST', token: f.dispatcher, json: { destination: drop, recipient: { name: 'Bo' } } });
    const nextId = (next.body as { id: string }).id;
    const status = async () => ((await f.server.parcels.get(nextId)) as Parcel).status;
    expect(await advanceUntil(f.clock, async () => (await status()) === 'out_for_delivery', 60 * 60_000)).toBe(true);
    expect(f.server.metrics.counter('fleet_dispatch_orders_refused_total', '').get()).toBe(0);
  }, 60_000);

  it('never gives two robots one spot', async () => {
    fleet = await startTestFleet();
    expect(() => fleet!.server.dispatch.setHubSpots(new Map([['r1', { x: 1, y: 2 }], ['r2', { x: 1.001, y: 2 }]]))).toThrow(/shares its hub spot/);
  });
});
