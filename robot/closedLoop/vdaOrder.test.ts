// A full VDA 5050 delivery through the robot's whole stack on the real campus: a scripted master sends an order
// (load a parcel at A, drive, hand it over at B), the robot drives it with its nodes against the simulated world,
// a recipient types the pickup code at B. Over the in-process broker, and over Mosquitto when it is reachable.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CampusMap } from '../../maps/index.ts';
import { MessageBuilder, parseTopicMessage, type State } from '../../protocol/index.ts';
import { serviceSkipReason, services } from '../../test/services.ts';
import { waitFor } from '../../test/waitFor.ts';
import { InMemoryBroker, type MessageTransport } from '../../transport/index.ts';
import { connectionWill, connectRobotTransport } from '../bridge/index.ts';
import { CODE, handOver, load } from '../mission/core/testOrders.ts';
import { loadCampusCached } from './campusCache.ts';
import { ClosedLoopSim } from './ClosedLoopSim.ts';
import { orderThrough } from './orders.ts';
import { findRoute } from './scenarios.ts';

let campus: CampusMap;
beforeAll(async () => {
  campus = await loadCampusCached();
}, 30_000);

const mosquittoSkip = await serviceSkipReason('mosquitto');

interface Master {
  transport: MessageTransport;
  states: State[];
  connection: string[];
  invalid: string[];
}

async function deliver(sim: ClosedLoopSim, robotTransport: MessageTransport, master: Master, serial: string) {
  const route = findRoute(campus, 120, 250);
  const robot = await sim.addRobot({
    serial,
    manufacturer: 'campus-fleet',
    start: { x: route.a.x, y: route.a.y, theta: route.startTheta },
    transport: robotTransport,
  });
  const base = `uagv/v2/campus-fleet/${serial}`;
  const order = orderThrough('trip-1', [
    { id: 'A', ...route.a, actions: [load('a-load', [{ parcelId: 'P-1', compartment: 0 }])] },
    { id: 'B', ...route.b, actions: [handOver('a-hand', 'P-1', 0)] },
  ], { manufacturer: 'campus-fleet', serialNumber: serial }, { mapId: campus.mapId });
  await master.transport.publish(`${base}/order`, JSON.stringify(order), { qos: 1 });
  const handing = () => master.states.at(-1)?.actionStates.find((a) => a.actionId === 'a-hand')?.actionStatus === 'RUNNING';
  await sim.runUntilAsync(handing, 600_000, 1000);
  expect(handing()).toBe(true);
  // The recipient at the robot: one wrong code, then the right one; the stand-in door closes empty.
  expect(robot.stack.runner.enterCode('00000000')).toMatchObject({ result: 'wrong' });
  expect(robot.stack.runner.enterCode(CODE)).toEqual({ result: 'accepted' });
  await sim.runUntilAsync(() => master.states.at(-1)?.actionStates.every((a) => a.actionStatus === 'FINISHED') ?? false, 30_000, 500);
  const last = master.states.at(-1)!;
  expect(last).toMatchObject({ orderId: 'trip-1', lastNodeId: 'B', driving: false, loads: [] });
  expect(last.actionStates.map((a) => [a.actionId, a.actionStatus])).toEqual([['a-load', 'FINISHED'], ['a-hand', 'FINISHED']]);
  expect(master.states.some((s) => s.driving)).toBe(true);
  expect(master.invalid).toEqual([]);
  expect(sim.world.metrics.collisions).toBe(0);
  await sim.stop();
  // Over a real broker the OFFLINE goes out on stop but reaches the master a moment later.
  await waitFor('connection OFFLINE', () => master.connection.length >= 2);
  expect(master.connection).toEqual(['ONLINE', 'OFFLINE']);
}

async function masterOn(transport: MessageTransport, serial: string): Promise<Master> {
  const m: Master = { transport, states: [], connection: [], invalid: [] };
  await transport.subscribe(`uagv/v2/campus-fleet/${serial}/+`, (topic, payload) => {
    const parsed = parseTopicMessage(topic, payload);
    if (!parsed.ok) m.invalid.push(`${topic}: ${parsed.error.message}`);
    else if (parsed.value.message.topic === 'state') m.states.push(parsed.value.message.message as State);
    else if (parsed.value.message.topic === 'connection') m.connection.push((parsed.value.message.message as { connectionState: string }).connectionState);
  }, { qos: 1 });
  return m;
}

describe('a VDA 5050 delivery through the whole stack on the real campus', () => {
  it('over the in-process broker: load at A, drive, hand over at B with a code check', async () => {
    const sim = new ClosedLoopSim({ campus, seed: 11 });
    const broker = new InMemoryBroker();
    const builder = new MessageBuilder({ clock: sim.clock, manufacturer: 'campus-fleet', serialNumber: 'R1' });
    const master = await masterOn(broker.connect('master'), 'R1');
    await deliver(sim, broker.connect('campus-fleet-R1', { will: connectionWill(builder) }), master, 'R1');
  }, 60_000);

  it.skipIf(mosquittoSkip !== undefined)(`over Mosquitto ${mosquittoSkip ?? ''}`, async () => {
    const sim = new ClosedLoopSim({ campus, seed: 12 });
    const serial = `CL${process.pid}`;
    const url = `mqtt://${services.mosquitto.host}:${services.mosquitto.port}`;
    const builder = new MessageBuilder({ clock: sim.clock, manufacturer: 'campus-fleet', serialNumber: serial });
    const { MqttTransport } = await import('../../transport/index.ts');
    const masterTransport = await MqttTransport.connect({ url, clientId: `master-${serial}` });
    const master = await masterOn(masterTransport, serial);
    const robotTransport = await connectRobotTransport({ url, builder });
    try {
      await deliver(sim, robotTransport, master, serial);
    } finally {
      await masterTransport.close();
    }
  }, 60_000);
});
