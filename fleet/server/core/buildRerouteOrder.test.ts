import { describe, expect, it } from 'vitest';
import { buildTripOrder, type OrderPlace } from './buildTripOrder.ts';
import { buildReplacementOrder, buildRerouteUpdate } from './buildRerouteOrder.ts';
import { MissionExecutor } from '../../../robot/mission/core/MissionExecutor.ts';
import type { MissionEffect } from '../../../robot/mission/core/missionTypes.ts';
import { HASH } from '../../../robot/mission/core/testOrders.ts';
import type { Order, VdaBody } from '../../../protocol/index.ts';

// A straight street: hub at 0, stops a, b, c every 100 m. The robot under test is the real onboard executor.
const at = (nodeId: string, x: number): OrderPlace => ({ nodeId, x, y: 0, name: nodeId });
const HUB = at('hub', 0), A = at('a', 100), B = at('b', 200), C = at('c', 300);
const codes = new Map([['P1', HASH], ['P2', HASH], ['P3', HASH]]);
const common = { mapId: 'campus', hub: HUB, hubDeviationM: 5, codes, waitForRecipientS: 60 };
const header = { headerId: 1, timestamp: '2026-09-01T08:00:00.000Z', version: '2.0.0', manufacturer: 'acme', serialNumber: 'r1' };
const asOrder = (body: VdaBody<'order'>): Order => ({ ...header, ...body });

function robotWith(order: VdaBody<'order'>) {
  const ex = new MissionExecutor({ initialPose: { x: 0, y: 0, theta: 0, mapId: 'campus' }, compartmentCount: 4 });
  const fx: MissionEffect[] = [];
  const send = (e: Parameters<MissionExecutor['handle']>[0]) => fx.push(...ex.handle(e, 0));
  send({ type: 'order', order: asOrder(order) });
  for (const c of [0, 1, 2]) send({ type: 'compartmentClosed', compartment: c, occupied: true });
  return { ex, send, fx };
}

/** The trip order the dispatch loop sends (hub → a → b → c → hub), optionally with a base that ends at `releasedUpTo`. */
function tripOrder(releasedUpTo?: number): VdaBody<'order'> {
  const order = buildTripOrder({
    orderId: 'T1', mapId: 'campus', hub: HUB, codes, waitForRecipientS: 60, hubDeviationM: 5,
    stops: [{ place: A, parcels: [{ parcelId: 'P1', compartment: 0 }] }, { place: B, parcels: [{ parcelId: 'P2', compartment: 1 }] }, { place: C, parcels: [{ parcelId: 'P3', compartment: 2 }] }],
  });
  if (releasedUpTo === undefined) return order;
  return {
    ...order,
    nodes: order.nodes.map((n) => ({ ...n, released: n.sequenceId <= releasedUpTo })),
    edges: order.edges.map((e) => ({ ...e, released: e.sequenceId < releasedUpTo })),
  };
}

describe('buildRerouteUpdate [VDA5050 §6.6.2]', () => {
  it('stitches at the last released node; the robot accepts it and visits the appended stops in the new order', () => {
    const current = tripOrder(2);
    const r = robotWith(current);
    const update = buildRerouteUpdate({
      ...common, current, orderUpdateId: 1, stitchSequenceId: 2,
      append: [{ place: C, parcels: [{ parcelId: 'P3', compartment: 2 }] }, { place: B, parcels: [{ parcelId: 'P2', compartment: 1 }] }],
    });
    expect(update.nodes.map((n) => [n.nodeId, n.sequenceId])).toEqual([['a', 2], ['c', 4], ['b', 6], ['hub', 8]]);
    expect(update.nodes[0]).toEqual(current.nodes[1]);
    r.send({ type: 'order', order: asOrder(update) });
    const s = r.ex.state();
    expect(s.errors).toEqual([]);
    expect(s.orderUpdateId).toBe(1);
    expect(s.nodeStates.map((n) => [n.nodeId, n.sequenceId, n.released])).toEqual([['a', 2, true], ['c', 4, true], ['b', 6, true], ['hub', 8, true]]);
  });

  it('refuses to stitch at a node the current order does not have released', () => {
    expect(() => buildRerouteUpdate({ ...common, current: tripOrder(2), orderUpdateId: 1, stitchSequenceId: 4, append: [] })).toThrow(RangeError);
  });

  it('an update cannot re-order a base released to the closing hub: the robot refuses it with orderUpdateError', () => {
    const current = tripOrder();
    const r = robotWith(current);
    const update = buildRerouteUpdate({ ...common, current, orderUpdateId: 1, stitchSequenceId: 2, append: [{ place: C, parcels: [{ parcelId: 'P3', compartment: 2 }] }] });
    r.send({ type: 'order', order: asOrder(update) });
    expect(r.ex.state().errors.map((e) => e.errorType)).toEqual(['orderUpdateError']);
  });
});

describe('buildReplacementOrder', () => {
  it('after cancelOrder, starts where the robot stands and hands over only the parcels still aboard, no loading', () => {
    const r = robotWith(tripOrder());
    // Between the hub and a, 40 m short of a: cancel.
    r.send({ type: 'position', pose: { x: 60, y: 0, theta: 0, mapId: 'campus' } });
    r.send({ type: 'instantActions', actions: [{ actionId: 'c1', actionType: 'cancelOrder', blockingType: 'HARD' }] });
    expect(r.ex.state().actionStates.find((a) => a.actionId === 'c1')?.actionStatus).toBe('FINISHED');
    const order = buildReplacementOrder({
      ...common, orderId: 'T1-r1', start: A, startDeviationM: 41,
      stops: [{ place: C, parcels: [{ parcelId: 'P3', compartment: 2 }] }, { place: A, parcels: [{ parcelId: 'P1', compartment: 0 }] }, { place: B, parcels: [{ parcelId: 'P2', compartment: 1 }] }],
    });
    expect(order.nodes.map((n) => n.nodeId)).toEqual(['a', 'c', 'a', 'b', 'hub']);
    expect(order.nodes[0]!.actions).toEqual([]);
    expect(order.nodes.flatMap((n) => n.actions.map((a) => a.actionType))).toEqual(['handOverParcel', 'handOverParcel', 'handOverParcel']);
    r.send({ type: 'order', order: asOrder(order) });
    const s = r.ex.state();
    expect(s.errors).toEqual([]);
    expect(s.orderId).toBe('T1-r1');
    expect(s.nodeStates.map((n) => n.nodeId)).toEqual(['c', 'a', 'b', 'hub']);
    expect(s.loads?.map((l) => l.loadId)).toEqual(['P1', 'P2', 'P3']);
  });

  it('a start node farther than its deviation is refused by the robot, so the deviation must cover the distance', () => {
    const r = robotWith(tripOrder());
    r.send({ type: 'position', pose: { x: 60, y: 0, theta: 0, mapId: 'campus' } });
    r.send({ type: 'instantActions', actions: [{ actionId: 'c1', actionType: 'cancelOrder', blockingType: 'HARD' }] });
    r.send({ type: 'order', order: asOrder(buildReplacementOrder({ ...common, orderId: 'T1-r1', start: A, startDeviationM: 39, stops: [{ place: C, parcels: [{ parcelId: 'P3', compartment: 2 }] }] })) });
    expect(r.ex.state().orderId).toBe('T1');
    expect(r.ex.state().errors.map((e) => e.errorType)).toEqual(['orderError']);
  });
});
