import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { MessageBuilder, parseTopicMessage, type State, type VdaMessage, type VdaMessageMap } from '../../protocol/index.ts';
import { InMemoryBroker } from '../../transport/index.ts';
import { MemoryLogger } from '../mission/core/Logger.ts';
import { CODE, deliveryOrder, makeOrder } from '../mission/core/testOrders.ts';
import { HeadlessRobot } from '../mission/HeadlessRobot.ts';
import { connectionWill } from './connectRobotTransport.ts';
import { defaultFactsheet } from './defaultFactsheet.ts';
import { VdaBridge } from './VdaBridge.ts';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const BASE = 'uagv/v2/acme/r1';

/** A robot on an in-process broker, and a fake master that records (and validates) everything the robot sends. */
async function setup() {
  const clock = new VirtualClock(T0);
  const broker = new InMemoryBroker();
  const builder = new MessageBuilder({ clock, manufacturer: 'acme', serialNumber: 'r1' });
  const master = broker.connect('master');
  const inbox: VdaMessage[] = [];
  const invalid: string[] = [];
  await master.subscribe(`${BASE}/+`, (topic, payload) => {
    const parsed = parseTopicMessage(topic, payload);
    if (parsed.ok) inbox.push(parsed.value.message);
    else invalid.push(`${topic}: ${parsed.error.message}`);
  });
  const transport = broker.connect('acme-r1', { will: connectionWill(builder) });
  const logger = new MemoryLogger();
  const robot = new HeadlessRobot({ clock, start: { x: 0, y: 0, theta: 0, mapId: 'campus' }, logger });
  const bridge = new VdaBridge({ transport, clock, builder, runner: robot.runner, factsheet: defaultFactsheet(), logger });
  await bridge.start();
  const of = <K extends VdaMessage['topic']>(topic: K): Array<VdaMessageMap[K]> =>
    inbox.filter((m) => m.topic === topic).map((m) => m.message as VdaMessageMap[K]);
  const lastState = (): State => of('state').at(-1)!;
  const send = (topic: 'order' | 'instantActions', payload: unknown) =>
    master.publish(`${BASE}/${topic}`, typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload));
  return { clock, broker, master, transport, robot, bridge, inbox, invalid, of, lastState, send, logger };
}

describe('VdaBridge over the in-process broker', () => {
  it('announces ONLINE (retained), sends the factsheet and a state at start; every message validates', async () => {
    const t = await setup();
    expect(t.of('connection').map((c) => c.connectionState)).toEqual(['ONLINE']);
    expect(t.of('factsheet')).toHaveLength(1);
    expect(t.of('factsheet')[0]!.protocolFeatures.agvActions.map((a) => a.actionType)).toContain('handOverParcel');
    expect(t.lastState()).toMatchObject({ orderId: '', driving: false, errors: [] });
    // A master that comes later still learns the robot is online.
    const late: string[] = [];
    await t.broker.connect('late').subscribe(`${BASE}/connection`, (_t, p) => late.push(JSON.parse(p.toString()).connectionState));
    expect(late).toEqual(['ONLINE']);
    expect(t.invalid).toEqual([]);
  });

  it('drives an order with a handover end to end: wrong code, right code, compartment emptied, order finished', async () => {
    const t = await setup();
    await t.send('order', deliveryOrder());
    expect(t.lastState()).toMatchObject({ orderId: 'trip-1', lastNodeId: 'hub' });
    expect(t.lastState().actionStates.find((a) => a.actionId === 'a-load')?.actionStatus).toBe('RUNNING');
    t.clock.runFor(2_500); // hub staff load compartment 0
    expect(t.lastState().loads).toEqual([{ loadId: 'P-1', loadType: 'parcel', loadPosition: 'compartment-0' }]);
    t.clock.runFor(20_000); // 20 m at 1.5 m/s
    expect(t.lastState()).toMatchObject({ lastNodeId: 'drop', driving: false, nodeStates: [], edgeStates: [] });
    expect(t.lastState().actionStates.find((a) => a.actionId === 'a-hand')?.actionStatus).toBe('RUNNING');
    expect(t.robot.enterCode('99999999')).toEqual({ result: 'wrong', attemptsLeft: 4 });
    expect(t.robot.enterCode(CODE)).toEqual({ result: 'accepted' });
    expect(t.robot.compartments.opened).toEqual([{ compartment: 0, purpose: 'load' }, { compartment: 0, purpose: 'handOver' }]);
    t.clock.runFor(2_500); // the recipient takes the parcel and closes the door
    const s = t.lastState();
    expect(s.actionStates.map((a) => [a.actionId, a.actionStatus])).toEqual([['a-load', 'FINISHED'], ['a-hand', 'FINISHED']]);
    expect(s.loads).toEqual([]);
    expect(s.errors).toEqual([]);
    expect(t.robot.executor.active).toBe(false);
    expect(t.of('visualization').length).toBeGreaterThan(100);
    expect(t.invalid).toEqual([]);
  });

  it('rejects bad payloads (not JSON, wrong types, wrong serial, oversized), counts them per code, reports a WARNING, keeps working', async () => {
    const t = await setup();
    await t.send('order', '{not json');
    const wrongTypes = deliveryOrder();
    (wrongTypes as unknown as { orderUpdateId: string }).orderUpdateId = 'zero';
    await t.send('order', wrongTypes);
    await t.send('order', makeOrder('o1', 0, [{ id: 'hub' }], 0, { manufacturer: 'acme', serialNumber: 'r2' }));
    await t.send('instantActions', Buffer.alloc(300 * 1024, 0x20));
    await t.send('order', Buffer.from([0xff, 0xfe, 0x00]));
    expect(Object.fromEntries(t.bridge.counters.rejected)).toEqual({
      PROTOCOL_NOT_JSON: 2, PROTOCOL_SCHEMA: 1, PROTOCOL_HEADER_MISMATCH: 1, PROTOCOL_TOO_LARGE: 1,
    });
    expect(t.logger.lines.filter((l) => l.level === 'warn')).toHaveLength(5);
    const errors = t.lastState().errors;
    expect(errors).toHaveLength(5);
    expect(errors.every((e) => e.errorType === 'validationError' && e.errorLevel === 'WARNING')).toBe(true);
    expect(t.lastState().orderId).toBe('');
    // Still working: a good order is accepted and clears the warnings [VDA5050 §6.6.4.1].
    await t.send('order', deliveryOrder());
    expect(t.lastState()).toMatchObject({ orderId: 'trip-1', errors: [] });
  });

  it('publishes state at least every second and visualization faster, under a VirtualClock', async () => {
    const t = await setup();
    const states0 = t.of('state').length;
    const vis0 = t.of('visualization').length;
    t.clock.runFor(10_000);
    expect(t.of('state').length - states0).toBeGreaterThanOrEqual(10);
    expect(t.of('visualization').length - vis0).toBeGreaterThanOrEqual(50);
    const stamps = t.of('state').map((s) => Date.parse(s.timestamp));
    const gaps = stamps.slice(1).map((s, i) => s - stamps[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1000);
    const ids = t.of('state').map((s) => s.headerId);
    expect(ids).toEqual(ids.map((_, i) => i)); // [VDA5050 §6.4] headerId counts up by one per message
  });

  it('sends a state on change at once, and on stateRequest / factsheetRequest', async () => {
    const t = await setup();
    const n = t.of('state').length;
    await t.send('instantActions', { headerId: 1, timestamp: '2026-03-02T09:00:00Z', version: '2.0.0', manufacturer: 'acme', serialNumber: 'r1',
      actions: [{ actionId: 's1', actionType: 'stateRequest', blockingType: 'NONE' }, { actionId: 'f1', actionType: 'factsheetRequest', blockingType: 'NONE' }] });
    expect(t.of('state').length).toBe(n + 1);
    expect(t.of('factsheet')).toHaveLength(2);
    expect(t.lastState().actionStates.map((a) => a.actionStatus)).toEqual(['FINISHED', 'FINISHED']);
  });

  it('the broker publishes the last will CONNECTIONBROKEN (retained) when the robot crashes; OFFLINE on clean stop', async () => {
    const t = await setup();
    t.transport.crash();
    expect(t.of('connection').map((c) => c.connectionState)).toEqual(['ONLINE', 'CONNECTIONBROKEN']);
    const late: string[] = [];
    await t.broker.connect('late').subscribe(`${BASE}/connection`, (_t, p) => late.push(JSON.parse(p.toString()).connectionState));
    expect(late).toEqual(['CONNECTIONBROKEN']);

    const u = await setup();
    await u.bridge.stop();
    expect(u.of('connection').map((c) => c.connectionState)).toEqual(['ONLINE', 'OFFLINE']);
    u.clock.runFor(5_000);
    expect(u.robot.executor.state()).toBeDefined();
  });

  it('does not even receive orders addressed to another robot', async () => {
    const t = await setup();
    await t.master.publish('uagv/v2/acme/r2/order', JSON.stringify(makeOrder('o1', 0, [{ id: 'hub' }], 0, { manufacturer: 'acme', serialNumber: 'r2' })));
    expect(t.bridge.counters.received).toBe(0);
    expect(t.lastState().orderId).toBe('');
  });
});
