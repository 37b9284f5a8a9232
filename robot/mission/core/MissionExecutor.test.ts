import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../clock/index.ts';
import { MessageBuilder } from '../../../protocol/index.ts';
import { MissionExecutor } from './MissionExecutor.ts';
import type { MissionEffect, MissionEvent } from './missionTypes.ts';
import { CODE, deliveryOrder, handOver, load, makeOrder, returnParcels } from './testOrders.ts';

const HUB = { x: 0, y: 0, theta: 0, mapId: 'campus' };

/** Test driver: an executor plus the effects it produced, with helpers that play the hardware's part. */
function setup(options: ConstructorParameters<typeof MissionExecutor>[0] = {}) {
  const ex = new MissionExecutor({ initialPose: HUB, ...options });
  let now = 0;
  const log: MissionEffect[] = [];
  const send = (e: MissionEvent) => {
    const fx = ex.handle(e, now);
    log.push(...fx);
    return fx;
  };
  const status = (actionId: string) => ex.state().actionStates.find((a) => a.actionId === actionId);
  const lastDrive = () => [...log].reverse().find((f): f is Extract<MissionEffect, { type: 'driveTo' }> => f.type === 'driveTo');
  /** Arrives at the target of the pending driveTo. */
  const arrive = () => {
    const d = lastDrive();
    if (!d || !ex.driving) throw new Error('not driving');
    if (d.position) send({ type: 'position', pose: { theta: 0, ...d.position } });
    return send({ type: 'arrivedAtNode', nodeId: d.nodeId, sequenceId: d.sequenceId });
  };
  const close = (compartment: number, occupied: boolean) => send({ type: 'compartmentClosed', compartment, occupied });
  const advance = (ms: number) => {
    now += ms;
    return send({ type: 'tick' });
  };
  const errors = (type?: string) => ex.state().errors.filter((e) => type === undefined || e.errorType === type);
  return { ex, send, status, arrive, close, advance, errors, log, lastDrive };
}

/** Runs the standard delivery order up to the robot waiting at the drop with the keypad shown. */
function atDrop() {
  const t = setup();
  t.send({ type: 'order', order: deliveryOrder() });
  t.close(0, true);
  t.arrive();
  t.arrive();
  return t;
}

describe('MissionExecutor: orders', () => {
  it('[VDA5050 §6.6.2] accepts a new order when idle; the first node is traversed where the robot stands', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub' }, { id: 'a' }, { id: 'drop', released: false }]) });
    const s = t.ex.state();
    expect(s.orderId).toBe('o1');
    expect(s.lastNodeId).toBe('hub');
    expect(s.lastNodeSequenceId).toBe(0);
    expect(s.nodeStates.map((n) => [n.nodeId, n.released])).toEqual([['a', true], ['drop', false]]);
    expect(s.edgeStates.map((e) => e.edgeId)).toEqual(['e-hub-a', 'e-a-drop']);
    expect(t.lastDrive()).toMatchObject({ nodeId: 'a', sequenceId: 2, edgeId: 'e-hub-a', position: { x: 10, y: 0 } });
    expect(s.driving).toBe(true);
  });

  it('[VDA5050 §6.10.2] traversal removes the node and the edge leading to it; the robot never drives onto the horizon', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub' }, { id: 'a' }, { id: 'drop', released: false }]) });
    t.arrive();
    const s = t.ex.state();
    expect(s.lastNodeId).toBe('a');
    expect(s.lastNodeSequenceId).toBe(2);
    expect(s.nodeStates.map((n) => n.nodeId)).toEqual(['drop']);
    expect(s.edgeStates.map((e) => e.edgeId)).toEqual(['e-a-drop']);
    expect(s.driving).toBe(false);
    expect(t.log.filter((f) => f.type === 'driveTo')).toHaveLength(1);
  });

  it('[VDA5050 §6.6.4.1] rejects a malformed order with validationError, keeps none of it, clears the warning on the next accepted order', () => {
    const t = setup();
    const bad = makeOrder('o1', 0, [{ id: 'hub' }, { id: 'a' }]);
    bad.edges[0]!.endNodeId = 'nowhere';
    t.send({ type: 'order', order: bad });
    expect(t.errors('validationError')).toHaveLength(1);
    expect(t.errors('validationError')[0]!.errorReferences).toContainEqual({ referenceKey: 'orderId', referenceValue: 'o1' });
    expect(t.ex.state().orderId).toBe('');
    expect(t.ex.state().nodeStates).toEqual([]);
    t.send({ type: 'order', order: makeOrder('o2', 0, [{ id: 'hub' }]) });
    expect(t.errors()).toEqual([]);
  });

  it('[VDA5050 §6.6.4.1] bad delivery parameters are a validationError referencing the action', () => {
    const t = setup();
    const order = deliveryOrder();
    order.nodes[2]!.actions[0]!.actionParameters = [{ key: 'parcelId', value: 'P-1' }];
    t.send({ type: 'order', order });
    const e = t.errors('validationError');
    expect(e).toHaveLength(1);
    expect(e[0]!.errorReferences).toContainEqual({ referenceKey: 'actionId', referenceValue: 'a-hand' });
    expect(t.ex.state().orderId).toBe('');
  });

  it('[VDA5050 §6.6.4.2] rejects an order with an action the robot cannot perform (orderError with references)', () => {
    const t = setup();
    const order = makeOrder('o1', 0, [{ id: 'hub', actions: [{ actionId: 'x1', actionType: 'lift', blockingType: 'HARD', actionParameters: [] }] }]);
    t.send({ type: 'order', order });
    const e = t.errors('orderError');
    expect(e).toHaveLength(1);
    expect(e[0]!.errorReferences).toContainEqual({ referenceKey: 'actionId', referenceValue: 'x1' });
    expect(t.ex.state().orderId).toBe('');
    t.send({ type: 'order', order: makeOrder('o2', 0, [{ id: 'hub', actions: [load('l', [{ parcelId: 'P', compartment: 9 }])] }]) });
    expect(t.errors('orderError')).toHaveLength(2); // compartment 9 does not exist on a 6-compartment robot
  });

  it('[VDA5050 §6.6.2 step 3] rejects a new orderId while an order is active and keeps executing the current one', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub' }, { id: 'a' }]) });
    t.send({ type: 'order', order: makeOrder('o2', 0, [{ id: 'hub' }, { id: 'b' }]) });
    expect(t.errors('orderError')).toHaveLength(1);
    expect(t.ex.state().orderId).toBe('o1');
    expect(t.ex.driving).toBe(true);
    t.arrive();
    expect(t.ex.active).toBe(false);
    t.send({ type: 'order', order: makeOrder('o2', 0, [{ id: 'a' }, { id: 'b' }]) });
    expect(t.ex.state().orderId).toBe('o2');
  });

  it('[VDA5050 §6.6.2 step 4] rejects a new order whose first node is not where the robot stands', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [{ id: 'b' }, { id: 'c' }]) });
    expect(t.errors('orderError')[0]!.errorReferences).toContainEqual({ referenceKey: 'nodeId', referenceValue: 'b' });
    expect(t.ex.state().orderId).toBe('');
  });

  it('[VDA5050 §6.6.4.3] a lower orderUpdateId is rejected with orderUpdateError; the same one again is ignored', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 3, [{ id: 'hub' }, { id: 'a' }, { id: 'drop', released: false }]) });
    const before = JSON.stringify(t.ex.state());
    t.send({ type: 'order', order: makeOrder('o1', 3, [{ id: 'hub' }, { id: 'b' }]) });
    expect(JSON.stringify(t.ex.state())).toBe(before);
    t.send({ type: 'order', order: makeOrder('o1', 2, [{ id: 'a' }, { id: 'drop' }], 2) });
    expect(t.errors('orderUpdateError')).toHaveLength(1);
    expect(t.ex.state().orderUpdateId).toBe(3);
    expect(t.ex.state().nodeStates.map((n) => n.released)).toEqual([true, false]);
  });

  it('[VDA5050 §6.6.2 step 7] an update stitching at the end of the base replaces the horizon and extends the base', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub' }, { id: 'a' }, { id: 'drop', released: false }]) });
    t.send({ type: 'order', order: makeOrder('o1', 1, [{ id: 'a' }, { id: 'b' }, { id: 'c', released: false }], 2) });
    const s = t.ex.state();
    expect(s.orderUpdateId).toBe(1);
    expect(s.nodeStates.map((n) => [n.nodeId, n.sequenceId, n.released])).toEqual([['a', 2, true], ['b', 4, true], ['c', 6, false]]);
    expect(s.edgeStates.map((e) => e.edgeId)).toEqual(['e-hub-a', 'e-a-b', 'e-b-c']);
    t.arrive();
    expect(t.lastDrive()).toMatchObject({ nodeId: 'b', sequenceId: 4 });
  });

  it('[VDA5050 §6.6.2 step 7] an update that does not start at the end of the current base is rejected', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub' }, { id: 'a' }, { id: 'drop' }]) });
    t.send({ type: 'order', order: makeOrder('o1', 1, [{ id: 'a' }, { id: 'b' }], 2) });
    const e = t.errors('orderUpdateError');
    expect(e).toHaveLength(1);
    expect(e[0]!.errorReferences).toContainEqual({ referenceKey: 'orderUpdateId', referenceValue: '1' });
    expect(t.ex.state().orderUpdateId).toBe(0);
    expect(t.ex.state().nodeStates.map((n) => n.nodeId)).toEqual(['a', 'drop']);
  });

  it('[VDA5050 §6.6.2 step 8] after the base is done, an update must continue from lastNodeId/lastNodeSequenceId', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub' }, { id: 'a' }]) });
    t.arrive();
    expect(t.ex.active).toBe(false);
    t.send({ type: 'order', order: makeOrder('o1', 1, [{ id: 'a' }, { id: 'b' }], 4) });
    expect(t.errors('orderUpdateError')).toHaveLength(1);
    t.send({ type: 'order', order: makeOrder('o1', 2, [{ id: 'a' }, { id: 'b' }], 2) });
    expect(t.ex.state().orderUpdateId).toBe(2);
    expect(t.lastDrive()).toMatchObject({ nodeId: 'b', sequenceId: 4 });
  });

  it('every state body validates against the official 2.0.0 state schema', () => {
    const t = atDrop();
    t.send({ type: 'order', order: makeOrder('bad', 0, [{ id: 'x' }]) });
    const builder = new MessageBuilder({ clock: new VirtualClock(0), manufacturer: 'acme', serialNumber: 'r1' });
    expect(() => builder.build('state', t.ex.state())).not.toThrow();
  });
});

describe('MissionExecutor: delivery actions', () => {
  it('loadParcels opens the listed compartments and FINISHES when they close occupied; loads are reported', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub', actions: [load('l1', [{ parcelId: 'P-1', compartment: 0 }, { parcelId: 'P-2', compartment: 3 }])] }, { id: 'a' }]) });
    expect(t.log.filter((f) => f.type === 'openCompartment').map((f) => f.type === 'openCompartment' && f.compartment)).toEqual([0, 3]);
    expect(t.status('l1')?.actionStatus).toBe('RUNNING');
    expect(t.ex.driving).toBe(false); // [VDA5050 §6.11] HARD blocks driving
    t.close(0, true);
    expect(t.status('l1')?.actionStatus).toBe('RUNNING');
    t.close(3, true);
    expect(t.status('l1')?.actionStatus).toBe('FINISHED');
    expect(t.ex.state().loads).toEqual([
      { loadId: 'P-1', loadType: 'parcel', loadPosition: 'compartment-0' },
      { loadId: 'P-2', loadType: 'parcel', loadPosition: 'compartment-3' },
    ]);
    expect(t.ex.driving).toBe(true);
  });

  it('loadParcels FAILS when a listed compartment is occupied', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub', actions: [load('l1', [{ parcelId: 'P-1', compartment: 0 }])] }]) });
    t.close(0, true);
    t.send({ type: 'order', order: makeOrder('o2', 0, [{ id: 'hub', actions: [load('l2', [{ parcelId: 'P-2', compartment: 0 }])] }]) });
    expect(t.status('l2')).toMatchObject({ actionStatus: 'FAILED' });
    expect(t.status('l2')?.resultDescription).toMatch(/compartment_fault/);
    expect(t.ex.state().loads?.map((l) => l.loadId)).toEqual(['P-1']);
  });

  it('handOverParcel: the right code opens ONLY that compartment; FINISHED once it closes empty; parcel gone', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [
      { id: 'hub', actions: [load('l', [{ parcelId: 'P-1', compartment: 0 }, { parcelId: 'P-2', compartment: 1 }])] },
      { id: 'drop', actions: [handOver('h', 'P-2', 1)] },
    ]) });
    t.close(0, true);
    t.close(1, true);
    t.arrive();
    expect(t.status('h')?.actionStatus).toBe('RUNNING');
    expect(t.log).toContainEqual({ type: 'keypad', show: true, actionId: 'h', parcelId: 'P-2' });
    const opensBefore = t.log.filter((f) => f.type === 'openCompartment').length;
    const fx = t.send({ type: 'keypadEntry', code: CODE });
    expect(fx).toContainEqual({ type: 'keypadFeedback', result: 'accepted' });
    const opened = fx.filter((f) => f.type === 'openCompartment');
    expect(opened).toEqual([{ type: 'openCompartment', compartment: 1, purpose: 'handOver', actionId: 'h' }]);
    expect(t.log.filter((f) => f.type === 'openCompartment')).toHaveLength(opensBefore + 1);
    t.close(1, false);
    expect(t.status('h')?.actionStatus).toBe('FINISHED');
    expect(t.ex.state().loads?.map((l) => l.loadId)).toEqual(['P-1']);
    expect(t.ex.handedOver.has('P-2')).toBe(true);
    expect(t.ex.state().orderId).toBe('o1');
    expect(t.ex.active).toBe(false);
  });

  it('handOverParcel: 5 wrong codes lock the parcel, FAIL the action and report pickupCodeLockout; the right code then opens nothing', () => {
    const t = atDrop();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(t.send({ type: 'keypadEntry', code: '00000000' }).find((f) => f.type === 'keypadFeedback'));
    expect(results.map((r) => r?.type === 'keypadFeedback' && r.attemptsLeft)).toEqual([4, 3, 2, 1]);
    expect(t.status('a-hand')?.actionStatus).toBe('RUNNING');
    const fx = t.send({ type: 'keypadEntry', code: '12345678' });
    expect(fx).toContainEqual({ type: 'lockParcel', parcelId: 'P-1', compartment: 0 });
    expect(t.status('a-hand')).toMatchObject({ actionStatus: 'FAILED', resultDescription: 'pickup_code_lockout' });
    expect(t.errors('pickupCodeLockout')[0]).toMatchObject({
      errorLevel: 'WARNING',
      errorReferences: [{ referenceKey: 'actionId', referenceValue: 'a-hand' }, { referenceKey: 'parcelId', referenceValue: 'P-1' }],
    });
    expect(t.ex.compartment(0)).toMatchObject({ parcelId: 'P-1', locked: true });
    const after = t.send({ type: 'keypadEntry', code: CODE });
    expect(after).toContainEqual({ type: 'keypadFeedback', result: 'not_waiting' });
    expect(after.some((f) => f.type === 'openCompartment')).toBe(false);
  });

  it('handOverParcel: nobody comes within waitForRecipientS → FAILED recipient_no_show, parcel stays aboard, robot moves on', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [
      { id: 'hub', actions: [load('l', [{ parcelId: 'P-1', compartment: 0 }])] },
      { id: 'drop', actions: [handOver('h', 'P-1', 0, 60)] },
      { id: 'hub' },
    ]) });
    t.close(0, true);
    t.advance(1000);
    t.arrive();
    expect(t.ex.nextDeadlineMs()).toBe(61_000);
    t.advance(59_999);
    expect(t.status('h')?.actionStatus).toBe('RUNNING');
    expect(t.ex.driving).toBe(false);
    t.advance(1);
    expect(t.status('h')).toMatchObject({ actionStatus: 'FAILED', resultDescription: 'recipient_no_show' });
    expect(t.errors('recipientNoShow')).toHaveLength(1);
    expect(t.ex.state().loads?.map((l) => l.loadId)).toEqual(['P-1']);
    expect(t.lastDrive()).toMatchObject({ nodeId: 'hub', sequenceId: 4 });
  });

  it('a parcel is never handed over twice: a later order handing it over again FAILS already_handed_over', () => {
    const t = atDrop();
    t.send({ type: 'keypadEntry', code: CODE });
    t.close(0, false);
    expect(t.status('a-hand')?.actionStatus).toBe('FINISHED');
    // Someone puts a parcel with the same id back in (a mistake at the hub is refused too).
    t.send({ type: 'order', order: makeOrder('o2', 0, [{ id: 'drop', actions: [load('l2', [{ parcelId: 'P-1', compartment: 0 }])] }]) });
    expect(t.status('l2')?.resultDescription).toMatch(/already_handed_over/);
    t.send({ type: 'order', order: makeOrder('o3', 0, [{ id: 'drop', actions: [handOver('h3', 'P-1', 0)] }]) });
    expect(t.status('h3')).toMatchObject({ actionStatus: 'FAILED', resultDescription: 'already_handed_over' });
    expect(t.send({ type: 'keypadEntry', code: CODE })).toContainEqual({ type: 'keypadFeedback', result: 'not_waiting' });
  });

  it('an order handing the same parcel over twice is rejected at validation', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub', actions: [handOver('h1', 'P-1', 0)] }, { id: 'a', actions: [handOver('h2', 'P-1', 0)] }]) });
    expect(t.errors('validationError')).toHaveLength(1);
    expect(t.ex.state().orderId).toBe('');
  });

  it('handOverParcel FAILS parcel_not_aboard when the compartment does not hold that parcel', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub', actions: [handOver('h', 'P-9', 2)] }]) });
    expect(t.status('h')).toMatchObject({ actionStatus: 'FAILED', resultDescription: 'parcel_not_aboard' });
  });

  it('returnParcels empties the compartments, including a locked one, and forgets the parcels', () => {
    const t = atDrop();
    for (let i = 0; i < 5; i++) t.send({ type: 'keypadEntry', code: '00000000' });
    expect(t.ex.compartment(0)?.locked).toBe(true);
    t.send({ type: 'order', order: makeOrder('o2', 0, [{ id: 'drop' }, { id: 'hub', actions: [returnParcels('r', [{ parcelId: 'P-1', compartment: 0 }])] }]) });
    t.arrive();
    expect(t.log.at(-1)).toEqual({ type: 'openCompartment', compartment: 0, purpose: 'return', actionId: 'r' });
    t.close(0, false);
    expect(t.status('r')?.actionStatus).toBe('FINISHED');
    expect(t.ex.state().loads).toEqual([]);
    expect(t.ex.compartment(0)).toBeUndefined();
  });
});

/** Two parcels for one building: P-1 (compartment 0) and P-2 (compartment 1), both handed over at `drop`. */
function twoAtOneStop(waitS = 600) {
  const t = setup();
  t.send({ type: 'order', order: makeOrder('o1', 0, [
    { id: 'hub', actions: [load('l', [{ parcelId: 'P-1', compartment: 0 }, { parcelId: 'P-2', compartment: 1 }])] },
    { id: 'drop', actions: [handOver('h1', 'P-1', 0, waitS), handOver('h2', 'P-2', 1, waitS)] },
    { id: 'hub' },
  ]) });
  t.close(0, true);
  t.close(1, true);
  t.arrive();
  return t;
}

describe('MissionExecutor: parallel hand-overs at a stop [VDA5050 §6.12 SOFT]', () => {
  it('starts every hand-over of the stop at once and serves two recipients concurrently', () => {
    const t = twoAtOneStop();
    expect([t.status('h1')?.actionStatus, t.status('h2')?.actionStatus]).toEqual(['RUNNING', 'RUNNING']);
    expect(t.log.filter((f) => f.type === 'keypad' && f.show).map((f) => f.type === 'keypad' && f.parcelId)).toEqual(['P-1', 'P-2']);
    // The second recipient is first; both doors are open together.
    expect(t.send({ type: 'keypadEntry', parcelId: 'P-2', code: CODE })).toContainEqual({ type: 'keypadFeedback', result: 'accepted' });
    expect(t.send({ type: 'keypadEntry', parcelId: 'P-1', code: CODE })).toContainEqual({ type: 'keypadFeedback', result: 'accepted' });
    expect(t.log.filter((f) => f.type === 'openCompartment' && f.purpose === 'handOver').map((f) => f.type === 'openCompartment' && f.compartment)).toEqual([1, 0]);
    t.close(1, false);
    expect(t.ex.driving).toBe(false); // P-1's door is still open
    t.close(0, false);
    expect([t.status('h1')?.actionStatus, t.status('h2')?.actionStatus]).toEqual(['FINISHED', 'FINISHED']);
    expect(t.lastDrive()).toMatchObject({ nodeId: 'hub', sequenceId: 4 });
  });

  it('a no-show does not delay the other recipient; the robot leaves at the no-show deadline', () => {
    const t = twoAtOneStop(60);
    t.advance(20_000);
    t.send({ type: 'keypadEntry', parcelId: 'P-2', code: CODE });
    t.close(1, false);
    expect(t.status('h2')?.actionStatus).toBe('FINISHED');
    expect(t.status('h1')?.actionStatus).toBe('RUNNING');
    expect(t.ex.driving).toBe(false);
    t.advance(40_000);
    expect(t.status('h1')).toMatchObject({ actionStatus: 'FAILED', resultDescription: 'recipient_no_show' });
    expect(t.ex.state().loads?.map((l) => l.loadId)).toEqual(['P-1']);
    expect(t.lastDrive()).toMatchObject({ nodeId: 'hub', sequenceId: 4 });
  });

  it('wrong codes and the lockout count per parcel: locking P-1 leaves P-2 deliverable', () => {
    const t = twoAtOneStop();
    for (let i = 0; i < 4; i++) t.send({ type: 'keypadEntry', parcelId: 'P-1', code: '00000000' });
    expect(t.send({ type: 'keypadEntry', parcelId: 'P-2', code: '00000000' })).toContainEqual({ type: 'keypadFeedback', result: 'wrong', attemptsLeft: 4 });
    expect(t.send({ type: 'keypadEntry', parcelId: 'P-1', code: '00000000' })).toContainEqual({ type: 'keypadFeedback', result: 'locked', attemptsLeft: 0 });
    expect(t.status('h1')).toMatchObject({ actionStatus: 'FAILED', resultDescription: 'pickup_code_lockout' });
    expect(t.ex.compartment(0)?.locked).toBe(true);
    expect(t.send({ type: 'keypadEntry', parcelId: 'P-1', code: CODE })).toContainEqual({ type: 'keypadFeedback', result: 'not_waiting' });
    expect(t.send({ type: 'keypadEntry', parcelId: 'P-2', code: CODE })).toContainEqual({ type: 'keypadFeedback', result: 'accepted' });
    t.close(1, false);
    expect(t.status('h2')?.actionStatus).toBe('FINISHED');
    expect(t.ex.compartment(1)).toBeUndefined();
  });

  it('an entry without parcelId needs exactly one waiting hand-over; a parcel is never handed over twice', () => {
    const t = twoAtOneStop();
    const fx = t.send({ type: 'keypadEntry', code: CODE });
    expect(fx).toEqual([{ type: 'keypadFeedback', result: 'parcel_required' }]);
    t.send({ type: 'keypadEntry', parcelId: 'P-1', code: CODE });
    // P-1's door is open (its hand-over is no longer waiting for a code): the plain entry goes to P-2.
    expect(t.send({ type: 'keypadEntry', parcelId: 'P-1', code: CODE })).toContainEqual({ type: 'keypadFeedback', result: 'not_waiting' });
    expect(t.send({ type: 'keypadEntry', code: CODE })).toContainEqual({ type: 'keypadFeedback', result: 'accepted' });
    t.close(0, false);
    t.close(1, false);
    expect(t.send({ type: 'keypadEntry', parcelId: 'P-1', code: CODE })).toContainEqual({ type: 'keypadFeedback', result: 'not_waiting' });
    expect(t.log.filter((f) => f.type === 'openCompartment' && f.purpose === 'handOver')).toHaveLength(2);
    expect([...t.ex.handedOver]).toEqual(['P-1', 'P-2']);
  });

  it('HARD hand-overs (an older server) still run one at a time', () => {
    const t = setup();
    const hard = (a: ReturnType<typeof handOver>) => ({ ...a, blockingType: 'HARD' as const });
    t.send({ type: 'order', order: makeOrder('o1', 0, [
      { id: 'hub', actions: [load('l', [{ parcelId: 'P-1', compartment: 0 }, { parcelId: 'P-2', compartment: 1 }])] },
      { id: 'drop', actions: [hard(handOver('h1', 'P-1', 0)), hard(handOver('h2', 'P-2', 1))] },
    ]) });
    t.close(0, true);
    t.close(1, true);
    t.arrive();
    expect([t.status('h1')?.actionStatus, t.status('h2')?.actionStatus]).toEqual(['RUNNING', 'WAITING']);
    expect(t.send({ type: 'keypadEntry', code: CODE })).toContainEqual({ type: 'keypadFeedback', result: 'accepted' });
    t.close(0, false);
    expect(t.status('h2')?.actionStatus).toBe('RUNNING');
  });
});

describe('MissionExecutor: instant actions [VDA5050 §6.8.1]', () => {
  const ia = (actionId: string, actionType: string, blockingType: 'NONE' | 'SOFT' | 'HARD' = 'HARD') =>
    ({ type: 'instantActions', actions: [{ actionId, actionType, blockingType }] }) as MissionEvent;

  it('startPause stops driving and sets paused; stopPause resumes toward the same node', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub' }, { id: 'a' }]) });
    const fx = t.send(ia('p1', 'startPause'));
    expect(fx).toContainEqual({ type: 'stopDriving', reason: 'pause' });
    expect(t.ex.state()).toMatchObject({ paused: true, driving: false });
    expect(t.status('p1')?.actionStatus).toBe('FINISHED');
    const resumed = t.send(ia('p2', 'stopPause'));
    expect(resumed).toContainEqual(expect.objectContaining({ type: 'driveTo', nodeId: 'a', sequenceId: 2 }));
    expect(t.ex.state()).toMatchObject({ paused: false, driving: true });
  });

  it('[VDA5050 §6.6.3] cancelOrder stops, FAILS pending actions, clears nodes/edges, keeps parcels and orderId', () => {
    const t = setup();
    t.send({ type: 'order', order: deliveryOrder() });
    t.close(0, true);
    const fx = t.send(ia('c1', 'cancelOrder', 'NONE'));
    expect(fx).toContainEqual({ type: 'stopDriving', reason: 'cancel' });
    const s = t.ex.state();
    expect(s.nodeStates).toEqual([]);
    expect(s.edgeStates).toEqual([]);
    expect(s.orderId).toBe('trip-1');
    expect(t.status('a-hand')?.actionStatus).toBe('FAILED');
    expect(t.status('a-load')?.actionStatus).toBe('FINISHED');
    expect(t.status('c1')?.actionStatus).toBe('FINISHED');
    expect(s.loads?.map((l) => l.loadId)).toEqual(['P-1']);
    expect(t.ex.active).toBe(false);
  });

  it('[VDA5050 §6.6.3.2] cancelOrder with no order FAILS and reports noOrderToCancel referencing the actionId', () => {
    const t = setup();
    t.send(ia('c1', 'cancelOrder', 'NONE'));
    expect(t.status('c1')?.actionStatus).toBe('FAILED');
    expect(t.errors('noOrderToCancel')[0]?.errorReferences).toEqual([{ referenceKey: 'actionId', referenceValue: 'c1' }]);
  });

  it('[VDA5050 §6.6.3] cancelOrder while a handover door is open reports RUNNING until the door closes', () => {
    const t = atDrop();
    t.send({ type: 'keypadEntry', code: CODE });
    t.send(ia('c1', 'cancelOrder', 'NONE'));
    expect(t.status('c1')?.actionStatus).toBe('RUNNING');
    expect(t.status('a-hand')?.actionStatus).toBe('RUNNING');
    t.close(0, false);
    expect(t.status('a-hand')?.actionStatus).toBe('FINISHED');
    expect(t.status('c1')?.actionStatus).toBe('FINISHED');
  });

  it('cancelOrder while waiting for the recipient closes the keypad; the action FAILS, the parcel stays aboard', () => {
    const t = atDrop();
    const fx = t.send(ia('c1', 'cancelOrder', 'NONE'));
    expect(fx).toContainEqual({ type: 'keypad', show: false, actionId: 'a-hand', parcelId: 'P-1' });
    expect(t.status('a-hand')).toMatchObject({ actionStatus: 'FAILED', resultDescription: 'cancelled' });
    expect(t.ex.state().loads?.map((l) => l.loadId)).toEqual(['P-1']);
  });

  it('an unknown instant action FAILS and is reported with errorReferences', () => {
    const t = setup();
    t.send(ia('x1', 'selfDestruct'));
    expect(t.status('x1')?.actionStatus).toBe('FAILED');
    expect(t.errors('orderError')[0]?.errorReferences).toEqual([
      { referenceKey: 'actionId', referenceValue: 'x1' }, { referenceKey: 'actionType', referenceValue: 'selfDestruct' },
    ]);
  });

  it('startCharging/stopCharging follow the charger; stateRequest and factsheetRequest ask for messages', () => {
    const t = setup();
    expect(t.send(ia('ch', 'startCharging'))).toContainEqual({ type: 'startCharging' });
    expect(t.status('ch')?.actionStatus).toBe('RUNNING');
    t.send({ type: 'chargingChanged', charging: true });
    expect(t.status('ch')?.actionStatus).toBe('FINISHED');
    expect(t.ex.state().batteryState.charging).toBe(true);
    expect(t.send(ia('s', 'stateRequest', 'NONE'))).toContainEqual({ type: 'publishState' });
    expect(t.send(ia('f', 'factsheetRequest', 'NONE'))).toContainEqual({ type: 'publishFactsheet' });
  });

  it('startCharging fails when the charger refuses, and the next order is taken', () => {
    // The 60-robot day (issue #5): a robot 6 m short of its bay was asked to charge where it stood; the charger
    // refused, the action stayed RUNNING, the executor counted itself busy and refused every order for 16 h.
    const t = setup();
    t.send(ia('ch', 'startCharging'));
    t.send({ type: 'chargingRefused', reason: 'no dock within reach' });
    expect(t.status('ch')).toMatchObject({ actionStatus: 'FAILED', resultDescription: 'no dock within reach' });
    expect(t.errors('chargingNotPossible')[0]?.errorReferences).toEqual([{ referenceKey: 'actionId', referenceValue: 'ch' }]);
    expect(t.ex.active).toBe(false);
    expect(t.ex.state().batteryState.charging).toBe(false);
    t.send({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub' }, { id: 'a' }]) });
    expect(t.ex.state().orderId).toBe('o1');
  });

  it('a resent instant action (same actionId) is not run twice', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub' }, { id: 'a' }]) });
    t.send(ia('p1', 'startPause'));
    t.send(ia('p2', 'stopPause'));
    t.send(ia('p1', 'startPause'));
    expect(t.ex.paused).toBe(false);
  });

  it('a FATAL fault stops driving until it is cleared', () => {
    const t = setup();
    t.send({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub' }, { id: 'a' }]) });
    expect(t.send({ type: 'fault', errorType: 'safetyStop', level: 'FATAL', description: 'bumper' })).toContainEqual({ type: 'stopDriving', reason: 'fault' });
    expect(t.errors('safetyStop')[0]?.errorLevel).toBe('FATAL');
    expect(t.send({ type: 'faultCleared', errorType: 'safetyStop' })).toContainEqual(expect.objectContaining({ type: 'driveTo', nodeId: 'a' }));
  });
});
