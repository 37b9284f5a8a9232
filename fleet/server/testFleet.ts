/**
 * Test harness (not shipped code): a fleet server on a VirtualClock with an in-process broker, SQLite, the ZJU campus,
 * and headless robots (robot/mission + robot/bridge) on the same broker, so tests drive whole days in virtual time.
 */
import { VirtualClock } from '../../clock/index.ts';
import { loadCampus, type CampusMap } from '../../maps/index.ts';
import { CHEAP_SCRYPT_PARAMS, MessageBuilder } from '../../protocol/index.ts';
import { connectionWill, defaultFactsheet, VdaBridge } from '../../robot/bridge/index.ts';
import { HeadlessRobot } from '../../robot/mission/index.ts';
import { InMemoryBroker, type MessageTransport } from '../../transport/index.ts';
import { createMemoryLogger } from '../observability/index.ts';
import { parseConfig } from './config.ts';
import { FleetServer, type FleetServerDeps } from './FleetServer.ts';

export const T0 = Date.UTC(2026, 8, 1, 8, 0, 0);
export const CAMPUS_FILE = 'maps/data/zju-zijingang.geojson';

let campus: Promise<CampusMap> | undefined;
/** The ZJU campus, loaded once per test file. */
export function zjuCampus(): Promise<CampusMap> {
  campus ??= loadCampus(CAMPUS_FILE);
  return campus;
}

/** Lets promise chains and I/O callbacks started by timers settle (several macrotask turns). */
export async function settle(turns = 4): Promise<void> {
  // eslint-disable-next-line no-restricted-globals -- test support: real event-loop turns, not time
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Advances virtual time in steps, settling after each so database writes and message handlers keep up. */
export async function advance(clock: VirtualClock, durationMs: number, stepMs = 100): Promise<void> {
  const end = clock.now() + durationMs;
  while (clock.now() < end) {
    clock.runUntil(Math.min(end, clock.now() + stepMs));
    await settle(2);
  }
}

/** Advances until `done()` holds (checked after each step) or `maxMs` passes; returns whether it held. */
export async function advanceUntil(clock: VirtualClock, done: () => boolean | Promise<boolean>, maxMs: number, stepMs = 100): Promise<boolean> {
  const end = clock.now() + maxMs;
  while (clock.now() < end) {
    if (await done()) return true;
    clock.runUntil(Math.min(end, clock.now() + stepMs));
    await settle(2);
  }
  return done();
}

export interface TestFleet {
  clock: VirtualClock;
  broker: InMemoryBroker;
  server: FleetServer;
  admin: string;
  dispatcher: string;
  viewer: string;
  logs: () => Record<string, unknown>[];
  request(path: string, init?: { method?: string; token?: string; json?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: unknown; headers: Headers }>;
}

export interface StartTestFleetOptions {
  databaseUrl?: string;
  clock?: VirtualClock;
  broker?: InMemoryBroker;
  deps?: Partial<FleetServerDeps>;
  /** Reuse tokens (a restarted server over the same database). */
  tokens?: { admin: string; dispatcher: string; viewer: string };
}

export async function startTestFleet(options: StartTestFleetOptions = {}): Promise<TestFleet> {
  const clock = options.clock ?? new VirtualClock(T0);
  const broker = options.broker ?? new InMemoryBroker();
  const mem = createMemoryLogger(clock, 'info');
  const config = parseConfig(['--port', '0', '--database-url', options.databaseUrl ?? ':memory:', '--campus', CAMPUS_FILE, '--robot-speed-mps', '5'], {});
  const server = await FleetServer.start(config, {
    clock, logger: mem.logger, transport: broker.connect(`fleet-${clock.now()}-${Math.floor(performance.now())}`),
    campusMap: await zjuCampus(), codePolicy: { hashParams: CHEAP_SCRYPT_PARAMS }, waitForRecipientS: 300, staleAfterMs: 5000,
    ...options.deps,
  });
  const tokens = options.tokens ?? {
    admin: (await server.tokens.create('admin', 'ops', clock.now())).token,
    dispatcher: (await server.tokens.create('dispatcher', 'desk', clock.now())).token,
    viewer: (await server.tokens.create('viewer', 'wall', clock.now())).token,
  };
  return {
    clock, broker, server, ...tokens, logs: mem.records,
    async request(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
      if (init.json !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${server.url}${path}`, { method: init.method ?? 'GET', headers, ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }) });
      const text = await res.text();
      let body: unknown = text;
      if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
      return { status: res.status, body, headers: res.headers };
    },
  };
}

export interface TestRobot {
  robot: HeadlessRobot;
  bridge: VdaBridge;
  stop(): Promise<void>;
}

/**
 * A headless robot standing at the hub, speaking VDA 5050 over the in-process broker. `inboundLatencyMs` delays what
 * reaches the robot on the virtual clock, as a real network does: the fleet then acts for a while on a state that
 * does not yet show its last message.
 */
export async function startTestRobot(
  fleet: Pick<TestFleet, 'clock' | 'broker' | 'server'>, serial: string, compartments = 4, speedMps = 5, inboundLatencyMs = 0,
): Promise<TestRobot> {
  const { clock, broker, server } = fleet;
  const hub = server.campus.orderPlace(server.campus.hub.id)!;
  const builder = new MessageBuilder({ clock, manufacturer: 'acme', serialNumber: serial });
  const link = broker.connect(`acme-${serial}`, { will: connectionWill(builder) });
  const transport: MessageTransport = inboundLatencyMs === 0 ? link : {
    clientId: link.clientId,
    publish: (topic, payload, options) => link.publish(topic, payload, options),
    subscribe: (filter, handler, options) => link.subscribe(filter, (topic, payload) => {
      clock.setTimer(inboundLatencyMs, () => handler(topic, payload));
    }, options),
    onStatus: (listener) => link.onStatus(listener),
    close: () => link.close(),
  };
  const robot = new HeadlessRobot({
    clock, compartmentCount: compartments, start: { x: hub.x, y: hub.y, theta: 0, mapId: server.campus.mapId }, doorCloseMs: 1000, motion: { speedMps },
  });
  const bridge = new VdaBridge({ transport, clock, builder, runner: robot.runner, factsheet: defaultFactsheet({ compartmentCount: compartments }) });
  await bridge.start();
  return {
    robot, bridge,
    async stop() {
      await bridge.stop();
      robot.dispose();
      await transport.close();
    },
  };
}

/** Stops a test's robots (emptying the list) and then its fleet: the afterEach of the in-process fleet tests. */
export async function stopTestFleet(fleet: Pick<TestFleet, 'server'> | undefined, robots: TestRobot[]): Promise<void> {
  for (const r of robots.splice(0)) await r.stop();
  await fleet?.server.stop();
}
