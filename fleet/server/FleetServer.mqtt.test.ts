/**
 * THE end-to-end test: the fleet server with SQLite, a real MQTT broker (Mosquitto at 127.0.0.1:1883; the embedded
 * aedes broker when Mosquitto is down outside CI), one headless robot (robot/mission + robot/bridge) over
 * MqttTransport, on the ZJU campus, in real time: POST a parcel → planned → order over MQTT → loaded, driven, the
 * recipient enters the code from the create response → delivered, and the history shows every transition.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../clock/index.ts';
import { MessageBuilder } from '../../protocol/index.ts';
import { connectRobotTransport, defaultFactsheet, VdaBridge } from '../../robot/bridge/index.ts';
import { HeadlessRobot } from '../../robot/mission/index.ts';
import { isReachable, serviceSkipReason } from '../../test/services.ts';
import { CHEAP_SCRYPT_PARAMS } from '../../protocol/index.ts';
import { createMemoryLogger } from '../observability/index.ts';
import { parseConfig } from './config.ts';
import { FleetServer } from './FleetServer.ts';
import { CAMPUS_FILE, zjuCampus } from './testFleet.ts';

const mosquittoUp = await isReachable('127.0.0.1', 1883);
// Under CI Mosquitto must be up (serviceSkipReason throws); elsewhere the embedded broker stands in.
if (process.env.CI === 'true') await serviceSkipReason('mosquitto');

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe(`end to end over MQTT (${mosquittoUp ? 'Mosquitto 127.0.0.1:1883' : 'embedded aedes broker'})`, () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
  });

  it('a parcel created through the API is planned, sent over MQTT, handed over with its code and shows delivered', async () => {
    const clock = new SystemClock();
    const mem = createMemoryLogger(clock, 'warn');
    const config = parseConfig([
      '--port', '0', '--database-url', ':memory:', '--campus', CAMPUS_FILE, '--dispatch-period-ms', '500', '--robot-speed-mps', '5',
      // Its own shared-subscription group: another fleet on the same broker (a parallel test run) must not take a
      // share of this fleet's robot messages.
      ...(mosquittoUp ? ['--mqtt-url', 'mqtt://127.0.0.1:1883', '--mqtt-share-group', `e2e-${process.pid}-${Date.now()}`] : ['--mqtt-port', '0']),
    ], {});
    const server = await FleetServer.start(config, { clock, logger: mem.logger, campusMap: await zjuCampus(), codePolicy: { hashParams: CHEAP_SCRYPT_PARAMS } });
    cleanup.push(() => server.stop());
    const { token: admin } = await server.tokens.create('admin', 'e2e', clock.now());
    const api = async (path: string, init: { method?: string; json?: unknown } = {}) => {
      const res = await fetch(`${server.url}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${admin}`, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    // A unique serial: other test runs may share this broker.
    const serial = `e2e-${randomBytes(4).toString('hex')}`;
    const reg = await api('/api/robots', { method: 'POST', json: { serial, manufacturer: 'acme', compartments: 4 } });
    expect(reg.status).toBe(201);
    const { password } = reg.body.mqtt as { password: string };

    const hub = server.campus.orderPlace(server.campus.hub.id)!;
    const builder = new MessageBuilder({ clock, manufacturer: 'acme', serialNumber: serial });
    const transport = await connectRobotTransport({ url: server.mqttUrl, builder, username: serial, password });
    const robot = new HeadlessRobot({ clock, compartmentCount: 4, start: { x: hub.x, y: hub.y, theta: 0, mapId: server.campus.mapId }, doorCloseMs: 200, motion: { speedMps: 40 } });
    const bridge = new VdaBridge({ transport, clock, builder, runner: robot.runner, factsheet: defaultFactsheet({ compartmentCount: 4 }), statePeriodMs: 500 });
    await bridge.start();
    cleanup.push(async () => {
      await bridge.stop();
      robot.dispose();
      await transport.close();
    });
    expect(await waitFor(async () => server.tracker.robot(serial)?.health.kind === 'online', 5000)).toBe(true);

    const { campus } = server;
    const destination = [...campus.drops].sort((a, b) => campus.travel.distanceM(campus.hub.id, a.id) - campus.travel.distanceM(campus.hub.id, b.id))[0]!.id;
    const created = await api('/api/parcels', { method: 'POST', json: { destination, recipient: { name: 'Grace' } } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const status = async () => (await server.parcels.get(id))?.status;
    expect(await waitFor(async () => (await status()) === 'awaiting_pickup', 20_000)).toBe(true);
    expect(robot.enterCode(created.body.pickupCode as string).result).toBe('accepted');
    expect(await waitFor(async () => (await status()) === 'delivered', 10_000)).toBe(true);

    const history = await api(`/api/parcels/${id}/history`);
    expect((history.body.items as Array<{ to: string }>).map((h) => h.to)).toEqual(['received', 'assigned', 'loaded', 'out_for_delivery', 'awaiting_pickup', 'delivered']);
    expect(server.tracker.stats().accepted).toBeGreaterThan(0);
  }, 60_000);
});
