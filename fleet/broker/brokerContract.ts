/**
 * One contract for every broker we run against (embedded aedes, Mosquitto with the generated configuration): the
 * same robots, the same fleet user, the same expectations. MQTT 3.1.1 (protocolVersion 4), as VDA 5050 uses.
 */
import mqtt from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../clock/index.ts';
import type { ServiceUser } from './core/brokerPolicy.ts';
import { robotTopic } from './core/brokerPolicy.ts';
import { createRobotCredential, hashRobotCredential } from './core/robotCredential.ts';
import type { RobotCredentialRecord } from './RobotCredentialRepository.ts';

export interface ContractRobot {
  serialNumber: string;
  manufacturer: string;
  credential: string;
}

/** Identities shared by every broker under test: two enabled robots, one disabled robot, the fleet user. */
export interface ContractFixture {
  robots: [ContractRobot, ContractRobot];
  disabled: ContractRobot;
  fleet: { username: string; password: string };
  records: RobotCredentialRecord[];
  serviceUsers: ServiceUser[];
}

export function makeContractFixture(): ContractFixture {
  const robot = (serialNumber: string, manufacturer: string): ContractRobot => ({ serialNumber, manufacturer, credential: createRobotCredential() });
  const robots: [ContractRobot, ContractRobot] = [robot('SN-001', 'acme'), robot('SN-002', 'acme')];
  const disabled = robot('SN-009', 'acme');
  const fleetPassword = createRobotCredential();
  const records = [...robots, disabled].map((r) => ({
    serialNumber: r.serialNumber, manufacturer: r.manufacturer, credentialHash: hashRobotCredential(r.credential), enabled: r !== disabled,
  }));
  return {
    robots, disabled, records,
    fleet: { username: 'fleet', password: fleetPassword },
    serviceUsers: [{ username: 'fleet', passwordHash: hashRobotCredential(fleetPassword) }],
  };
}

export interface BrokerUnderTest {
  url: string;
  close(): Promise<void>;
}

const clock = new SystemClock();
const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimer(ms, resolve));
let clientSeq = 0;

async function connect(url: string, username: string, password: string, extra: IClientOptions = {}): Promise<MqttClient> {
  clientSeq += 1;
  return mqtt.connectAsync(url, {
    protocolVersion: 4, username, password, reconnectPeriod: 0, connectTimeout: 5000,
    clientId: `contract-${username}-${clientSeq}-${process.pid}`, ...extra,
  });
}

/** Connect that is expected to fail: resolves to the CONNACK return code (or the error message). */
async function connectError(url: string, username: string, password: string): Promise<number | string> {
  try {
    const client = await connect(url, username, password);
    await client.endAsync();
    return 'connected';
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'number' ? code : String((error as Error).message);
  }
}

interface Received {
  topic: string;
  payload: string;
}

function collect(client: MqttClient): Received[] {
  const received: Received[] = [];
  client.on('message', (topic, payload) => received.push({ topic, payload: payload.toString('utf8') }));
  return received;
}

async function waitFor(received: Received[], predicate: (m: Received) => boolean, timeoutMs = 5000): Promise<Received> {
  const start = clock.now();
  for (;;) {
    const found = received.find(predicate);
    if (found) return found;
    if (clock.now() - start > timeoutMs) throw new Error(`message not received within ${timeoutMs} ms; got ${JSON.stringify(received.map((r) => r.topic))}`);
    await sleep(10);
  }
}

/** Publishes at QoS 1 and resolves when the broker has dealt with it: PUBACK, or the connection closed (denied on aedes). */
async function publishSettled(client: MqttClient, topic: string, payload: string): Promise<'acked' | 'closed'> {
  return new Promise((resolve) => {
    const onClose = () => resolve('closed');
    client.once('close', onClose);
    client.publish(topic, payload, { qos: 1 }, (error) => {
      client.off('close', onClose);
      resolve(error ? 'closed' : 'acked');
    });
  });
}

/**
 * Runs the broker contract. `makeBroker(fixture)` starts a broker that knows the fixture's identities.
 */
export function runBrokerContract(name: string, makeBroker: (fixture: ContractFixture) => Promise<BrokerUnderTest>, options: { skipReason?: string } = {}): void {
  describe.skipIf(options.skipReason !== undefined)(`broker contract: ${name}${options.skipReason ? ` (skipped: ${options.skipReason})` : ''}`, () => {
    const fixture = makeContractFixture();
    const [a, b] = fixture.robots;
    let broker: BrokerUnderTest;
    const clients: MqttClient[] = [];
    const open = async (username: string, password: string, extra?: IClientOptions) => {
      const client = await connect(broker.url, username, password, extra);
      clients.push(client);
      return client;
    };
    const fleetClient = () => open(fixture.fleet.username, fixture.fleet.password);
    const robotClient = (robot: ContractRobot) => open(robot.serialNumber, robot.credential);

    beforeAll(async () => {
      broker = await makeBroker(fixture);
    });
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
      await broker.close();
    });

    it('lets a robot with the right credential connect', async () => {
      const client = await robotClient(a);
      expect(client.connected).toBe(true);
    });

    it('refuses a wrong password, an unknown user, a disabled robot and anonymous clients', async () => {
      const refused = [4, 5];
      expect(refused).toContain(await connectError(broker.url, a.serialNumber, b.credential));
      expect(refused).toContain(await connectError(broker.url, 'SN-404', a.credential));
      expect(refused).toContain(await connectError(broker.url, fixture.disabled.serialNumber, fixture.disabled.credential));
      expect(refused).toContain(await connectError(broker.url, fixture.fleet.username, a.credential));
      const anonymous = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 }).then(
        async (c) => { await c.endAsync(); return 'connected'; },
        (error: { code?: unknown }) => error.code,
      );
      expect(refused).toContain(anonymous);
    });

    it('delivers a robot\'s own state to the fleet (wildcard subscription)', async () => {
      const fleet = await fleetClient();
      const received = collect(fleet);
      const granted = await fleet.subscribeAsync('uagv/v2/+/+/state', { qos: 1 });
      expect(granted.map((g) => g.qos)).toEqual([1]);
      const robot = await robotClient(a);
      await robot.publishAsync(robotTopic(a, 'state'), '{"headerId":1}', { qos: 1 });
      const got = await waitFor(received, (m) => m.topic === robotTopic(a, 'state'));
      expect(got.payload).toBe('{"headerId":1}');
    });

    it('never lets a robot publish as another robot or publish orders', async () => {
      const fleet = await fleetClient();
      const received = collect(fleet);
      await fleet.subscribeAsync(['uagv/v2/+/+/state', 'uagv/v2/+/+/connection'], { qos: 1 });
      const liar = await robotClient(a);
      const forged = await publishSettled(liar, robotTopic(b, 'state'), '{"forged":true}');
      const otherMaker = await robotClient(a);
      await publishSettled(otherMaker, `uagv/v2/other/${a.serialNumber}/connection`, '{"forged":true}');
      // A's own order topic is the fleet's to write; a robot writing it must not reach A's subscribers either.
      const selfOrder = await robotClient(a);
      await publishSettled(selfOrder, robotTopic(a, 'order'), '{"forged":true}');
      // Sentinel: once B's genuine state arrives, the forged publishes (settled before it) would have arrived too.
      const honest = await robotClient(b);
      await honest.publishAsync(robotTopic(b, 'state'), '{"honest":true}', { qos: 1 });
      await waitFor(received, (m) => m.payload === '{"honest":true}');
      expect(received.filter((m) => m.payload.includes('forged'))).toEqual([]);
      expect(['acked', 'closed']).toContain(forged);
    });

    it('never delivers another robot\'s orders to a robot, whether it subscribes exactly, with + or with #', async () => {
      const robot = await robotClient(a);
      const received = collect(robot);
      const grants = await robot.subscribeAsync([robotTopic(b, 'order'), 'uagv/v2/acme/+/order', '#', robotTopic(b, 'instantActions')], { qos: 1 })
        .catch(() => []);
      await robot.subscribeAsync(robotTopic(a, 'order'), { qos: 1 });
      const fleet = await fleetClient();
      await fleet.publishAsync(robotTopic(b, 'order'), '{"for":"b"}', { qos: 1 });
      await fleet.publishAsync(robotTopic(b, 'instantActions'), '{"for":"b"}', { qos: 1 });
      await fleet.publishAsync(robotTopic(a, 'order'), '{"for":"a"}', { qos: 1 });
      await waitFor(received, (m) => m.payload === '{"for":"a"}');
      expect(received.filter((m) => m.payload === '{"for":"b"}')).toEqual([]);
      // aedes refuses the subscriptions in the SUBACK (0x80); Mosquitto may grant them and filter on delivery.
      for (const grant of grants) expect([1, 128]).toContain(grant.qos);
    });

    it('delivers a robot\'s last will on its own connection topic, never a will forged for another robot', async () => {
      const fleet = await fleetClient();
      const received = collect(fleet);
      await fleet.subscribeAsync(['uagv/v2/+/+/connection', 'uagv/v2/+/+/state'], { qos: 1 });
      // Both brokers accept this CONNECT (a broker could also refuse it): what matters is that the will never arrives.
      const forger = await connect(broker.url, a.serialNumber, a.credential, {
        will: { topic: robotTopic(b, 'connection'), payload: Buffer.from('{"forgedWill":true}'), qos: 1, retain: false },
      }).catch(() => undefined);
      forger?.stream.destroy();
      const honest = await connect(broker.url, a.serialNumber, a.credential, {
        will: { topic: robotTopic(a, 'connection'), payload: Buffer.from('{"connectionState":"CONNECTIONBROKEN"}'), qos: 1, retain: false },
      });
      honest.stream.destroy();
      await waitFor(received, (m) => m.topic === robotTopic(a, 'connection') && m.payload.includes('CONNECTIONBROKEN'));
      const sentinel = await robotClient(b);
      await sentinel.publishAsync(robotTopic(b, 'state'), '{"afterWills":true}', { qos: 1 });
      await waitFor(received, (m) => m.payload === '{"afterWills":true}');
      expect(received.filter((m) => m.payload.includes('forgedWill'))).toEqual([]);
    });

    it('lets the fleet publish orders and instant actions to any robot', async () => {
      const robotB = await robotClient(b);
      const received = collect(robotB);
      const granted = await robotB.subscribeAsync([robotTopic(b, 'order'), robotTopic(b, 'instantActions')], { qos: 1 });
      expect(granted.map((g) => g.qos)).toEqual([1, 1]);
      const fleet = await fleetClient();
      await fleet.publishAsync(robotTopic(b, 'instantActions'), '{"actions":[]}', { qos: 1 });
      await fleet.publishAsync(robotTopic(b, 'order'), '{"orderId":"o-1"}', { qos: 1 });
      await waitFor(received, (m) => m.topic === robotTopic(b, 'order'));
      await waitFor(received, (m) => m.topic === robotTopic(b, 'instantActions'));
    });

    it('lets the fleet use shared subscriptions ($share/<group>/…) for scale-out', async () => {
      const fleet = await fleetClient();
      const received = collect(fleet);
      const granted = await fleet.subscribeAsync('$share/fleet/uagv/v2/+/+/visualization', { qos: 0 });
      expect(granted.map((g) => g.qos)).toEqual([0]);
      const robot = await robotClient(b);
      await robot.publishAsync(robotTopic(b, 'visualization'), '{"x":1}', { qos: 1 });
      const got = await waitFor(received, (m) => m.payload === '{"x":1}');
      expect(got.topic).toBe(robotTopic(b, 'visualization'));
    });

    it('keeps a robot out of shared subscriptions and other robots\' telemetry', async () => {
      const robot = await robotClient(a);
      const received = collect(robot);
      await robot.subscribeAsync(['$share/g/uagv/v2/+/+/state', robotTopic(b, 'state')], { qos: 0 }).catch(() => []);
      await robot.subscribeAsync(robotTopic(a, 'order'), { qos: 1 });
      const other = await robotClient(b);
      await other.publishAsync(robotTopic(b, 'state'), '{"spy":true}', { qos: 1 });
      const fleet = await fleetClient();
      await fleet.publishAsync(robotTopic(a, 'order'), '{"sentinel":true}', { qos: 1 });
      await waitFor(received, (m) => m.payload === '{"sentinel":true}');
      expect(received.filter((m) => m.payload === '{"spy":true}')).toEqual([]);
    });
  });
}
