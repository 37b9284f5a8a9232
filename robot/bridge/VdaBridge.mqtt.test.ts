/**
 * The bridge over real MQTT: one end-to-end delivery through Mosquitto (127.0.0.1:1883), and a broker restart with an
 * embedded aedes that the robot must survive. Wall-clock time (SystemClock), so the stand-in robot runs fast.
 */
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../clock/index.ts';
import { MessageBuilder, parseTopicMessage, type State } from '../../protocol/index.ts';
import { serviceSkipReason, services } from '../../test/services.ts';
import { waitFor } from '../../test/waitFor.ts';
import { MqttTransport } from '../../transport/index.ts';
import { MemoryLogger } from '../mission/core/Logger.ts';
import { CODE, deliveryOrder, makeOrder } from '../mission/core/testOrders.ts';
import { HeadlessRobot } from '../mission/HeadlessRobot.ts';
import { connectRobotTransport } from './connectRobotTransport.ts';
import { defaultFactsheet } from './defaultFactsheet.ts';
import { VdaBridge } from './VdaBridge.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

/** A robot (fast stand-in) with its bridge on `url`, and a master client watching the robot's topics. */
async function robotAndMaster(url: string, tag: string) {
  const clock = new SystemClock();
  const manufacturer = 'e2e';
  const serialNumber = `${tag}-${process.pid}-${Date.now().toString(36)}`;
  const base = `uagv/v2/${manufacturer}/${serialNumber}`;
  const builder = new MessageBuilder({ clock, manufacturer, serialNumber });
  const master = await MqttTransport.connect({ url, clientId: `master-${serialNumber}`, reconnectDelayMs: 100, maxReconnectDelayMs: 400 });
  cleanups.push(() => master.close());
  const states: State[] = [];
  const connections: string[] = [];
  const invalid: string[] = [];
  await master.subscribe(`${base}/+`, (topic, payload) => {
    const parsed = parseTopicMessage(topic, payload);
    if (!parsed.ok) return void invalid.push(parsed.error.message);
    const m = parsed.value.message;
    if (m.topic === 'state') states.push(m.message);
    if (m.topic === 'connection') connections.push(m.message.connectionState);
  }, { qos: 1 });

  const transport = await connectRobotTransport({ url, builder, reconnectDelayMs: 100, maxReconnectDelayMs: 400 });
  const logger = new MemoryLogger();
  const robot = new HeadlessRobot({
    clock, start: { x: 0, y: 0, theta: 0, mapId: 'campus' }, doorCloseMs: 150, motion: { speedMps: 25, stepMs: 20 }, logger,
  });
  const bridge = new VdaBridge({ transport, clock, builder, runner: robot.runner, factsheet: defaultFactsheet(), statePeriodMs: 250, visualizationPeriodMs: 100, logger });
  await bridge.start();
  cleanups.push(async () => {
    robot.dispose();
    await bridge.stop();
    await master.publish(`${base}/connection`, '', { qos: 1, retain: true }); // leave no retained litter on the broker
  });
  const lastState = () => states.at(-1);
  const action = (id: string) => lastState()?.actionStates.find((a) => a.actionId === id);
  const send = (topic: 'order' | 'instantActions', body: object) =>
    master.publish(`${base}/${topic}`, JSON.stringify({ ...body, manufacturer, serialNumber }), { qos: 1 });
  return { base, robot, bridge, master, transport, states, connections, invalid, lastState, action, send, logger };
}

describe('VdaBridge over real MQTT', () => {
  it('drives a VDA 5050 order with a handover through Mosquitto (wrong code, then right code)', async (ctx) => {
    const skip = await serviceSkipReason('mosquitto');
    if (skip) return ctx.skip(skip);
    const t = await robotAndMaster(`mqtt://${services.mosquitto.host}:${services.mosquitto.port}`, 'mosq');
    await waitFor('connection ONLINE', () => t.connections.includes('ONLINE'));

    await t.send('order', deliveryOrder('trip-e2e'));
    await waitFor('arrival at the drop with the keypad up', () => t.action('a-hand')?.actionStatus === 'RUNNING');
    expect(t.lastState()).toMatchObject({ orderId: 'trip-e2e', lastNodeId: 'drop', driving: false });
    expect(t.lastState()?.loads).toEqual([{ loadId: 'P-1', loadType: 'parcel', loadPosition: 'compartment-0' }]);

    expect(t.robot.enterCode('12121212')).toEqual({ result: 'wrong', attemptsLeft: 4 });
    expect(t.robot.enterCode(CODE)).toEqual({ result: 'accepted' });
    await waitFor('handover FINISHED', () => t.action('a-hand')?.actionStatus === 'FINISHED');
    const s = t.lastState()!;
    expect(s.actionStates.map((a) => [a.actionId, a.actionStatus])).toEqual([['a-load', 'FINISHED'], ['a-hand', 'FINISHED']]);
    expect(s.loads).toEqual([]);
    expect(s.nodeStates).toEqual([]);
    expect(s.errors).toEqual([]);
    expect(t.robot.compartments.opened.map((o) => o.compartment)).toEqual([0, 0]);
    expect(t.invalid).toEqual([]);

    // A bad payload on the real broker is rejected and reported, and the robot stays up.
    await t.master.publish(`${t.base}/order`, '{oops', { qos: 1 });
    await waitFor('validationError reported', () => (t.lastState()?.errors ?? []).some((e) => e.errorType === 'validationError'));
    expect(t.bridge.counters.rejected.get('PROTOCOL_NOT_JSON')).toBe(1);
  });

  it('resumes after a broker restart: reconnects, says ONLINE again, and executes a new order', async () => {
    let aedes = await Aedes.createBroker();
    let server: Server = createServer(aedes.handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const stopBroker = async () => {
      await new Promise<void>((r) => aedes.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    };
    cleanups.push(() => stopBroker());
    const t = await robotAndMaster(`mqtt://127.0.0.1:${port}`, 'aedes');
    await waitFor('connection ONLINE', () => t.connections.includes('ONLINE'));

    await stopBroker();
    await new Promise((r) => setTimeout(r, 300));
    aedes = await Aedes.createBroker();
    server = createServer(aedes.handle);
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const before = t.connections.length;
    await waitFor('ONLINE again after the restart', () => t.connections.slice(before).includes('ONLINE'));
    expect(t.logger.lines.some((l) => l.message.includes('reconnected'))).toBe(true);

    await t.send('order', makeOrder('after-restart', 0, [{ id: 'hub' }, { id: 'a' }]));
    await waitFor('order done after the restart', () => t.lastState()?.orderId === 'after-restart' && t.lastState()?.lastNodeId === 'a');
    expect(t.invalid).toEqual([]);
  });
});
