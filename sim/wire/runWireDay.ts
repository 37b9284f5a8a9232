/**
 * WIRE mode: the fleet server in its own process (sim/wire/serveScaled.ts) and simulated robots in this one, speaking
 * VDA 5050 over a real MQTT broker — the server's embedded aedes broker, or an external one (`brokerUrl`, e.g.
 * Mosquitto) that the server then uses too. Both processes run one ScaledClock time base at `speedup` × real time.
 * Parcels follow the demand model for the chosen window (by default the day's peak hour) and are created through
 * the REST API in batches; recipients come to the robots and type the codes from the create responses. Measured:
 * messages each side sent and received, drops (robot-side publish counts against the server's ingest counters),
 * deliveries and how late timers fired (whether the machine kept up with the speed-up).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ScaledClock, SystemClock, type Clock } from '../../clock/index.ts';
import { Random } from '../../common/core/Random.ts';
import { loadCampus, type Place } from '../../maps/index.ts';
import { MessageBuilder } from '../../protocol/index.ts';
import { MqttTransport } from '../../transport/index.ts';
import { connectRobotTransport, defaultFactsheet, VdaBridge } from '../../robot/bridge/index.ts';
import { defaultDemandConfig, generateArrivals, type ParcelArrival } from '../demand/index.ts';
import { Recipients, type RecipientConfig, type RecipientStats } from '../people/index.ts';
import { defaultBatteryModel, RouteCache, SimRobot } from '../runner/index.ts';
import { counterByLabel, peakWindow, thinnedVisualizationPeriodMs } from './core/peakWindow.ts';
import { startFleetProcess, type FleetProcess } from './fleetProcess.ts';
import { WireError } from './scaledEnv.ts';

export interface WireDayConfig {
  /** Campus map file, loaded here and by the server. */
  campusFile: string;
  robots: number;
  /** Parcels of the whole demand day the window is cut from. */
  parcelsPerDay: number;
  seed: number;
  /** Virtual ms per wall ms. */
  speedup: number;
  /** Window start, ms after midnight; default the start of the busiest `windowMs`. */
  windowStartMs?: number;
  /** Simulated window, ms. Default 1 h. */
  windowMs?: number;
  /** Only the first N parcels of the window (short tests). Default all. */
  maxParcels?: number;
  /** External broker (`mqtt://127.0.0.1:1883`); default the server's embedded broker. */
  brokerUrl?: string;
  /** Server database; default a SQLite file in a fresh temporary directory, removed afterwards. */
  databaseUrl?: string;
  /** Robot state period besides state on change, virtual ms. Default 30 s. */
  statePeriodMs?: number;
  /** Wall-clock budget for the whole fleet's visualization messages per second. Default 100. */
  maxVisualizationPerWallS?: number;
  /** Parcels arrived are posted as one batch every this many virtual ms. Default 10 s. */
  batchPeriodMs?: number;
  /** Server dispatch period, virtual ms. Default 10 s. */
  dispatchPeriodMs?: number;
  /** Cruise speed, m/s. Default 1.5. */
  speedMps?: number;
  compartments?: number;
  /** How long robots wait for a recipient, s (server side). Default 600 (the server's). */
  waitForRecipientS?: number;
  /** Recipient behaviour overrides (sim/people defaults otherwise). */
  recipients?: Partial<RecipientConfig>;
  /** The server process's log level. Default warn. */
  serverLogLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Called every `progressEveryMs` of virtual time. */
  onProgress?: (p: WireProgress) => void;
  progressEveryMs?: number;
}

export interface WireProgress {
  virtualMs: number;
  endMs: number;
  posted: number;
  handovers: number;
}

export interface WireMessageCounts {
  /** Per topic, what the robots published (their bridges' counters). */
  robotPublished: Record<string, number>;
  /** Orders and instant actions the robots received. */
  robotReceived: number;
  /** Per topic, what the server's ingest accepted / rejected (its /metrics). */
  serverAccepted: Record<string, number>;
  serverRejected: Record<string, number>;
  /** Orders the server sent (fleet_dispatch_orders_sent_total), in all and per kind. */
  serverOrdersSent: number;
  serverOrdersByKind: Record<string, number>;
  /** The server's ingest rejections per code (a shared broker also brings other runs' retained messages). */
  serverRejectedByCode: Record<string, number>;
  /** State and visualization messages published by the robots that the server never counted, in all and per topic. */
  dropped: number;
  droppedByTopic: Record<string, number>;
}

export interface WireDayResult {
  robots: number;
  speedup: number;
  broker: 'embedded' | 'external';
  windowStartMs: number;
  windowMs: number;
  visualizationPeriodMs: number;
  statePeriodMs: number;
  parcelsPosted: number;
  /** Hand-overs the robots made (door opened to the right code). */
  handovers: number;
  /** Parcels the server reports delivered at the end. */
  delivered: number;
  messages: WireMessageCounts;
  recipients: RecipientStats;
  /** Virtual ms simulated, wall ms taken (setup excluded), and their ratio. */
  virtualMs: number;
  wallMs: number;
  achievedSpeedup: number;
  /** How late (virtual ms) a 1 s probe timer fired: p50, p99, max. Small values mean the machine kept up. */
  timerLagMs: { p50: number; p99: number; max: number };
  httpRequests: number;
  /** Orders and instant actions the robots' bridges refused, per reason. */
  robotRejected: Record<string, number>;
  /** The last lines the server process logged (warn and above), for a run that went wrong. */
  serverLogTail: string;
}

const H = 3_600_000;
/** The calendar day the simulated window lies on (UTC); any fixed date would do. */
const DAY_EPOCH_MS = Date.UTC(2026, 8, 1);
const MANUFACTURER = 'CampusSimWire';

/** Runs the window in wire mode; resolves with the measurements once the server process has stopped. */
export async function runWireDay(config: WireDayConfig): Promise<WireDayResult> {
  if (!(config.speedup > 0 && config.speedup <= 1000)) throw new WireError('SIM_CONFIG', `runWireDay: speedup must be in (0, 1000], got ${config.speedup}`);
  if (!Number.isInteger(config.robots) || config.robots < 1 || config.robots > 500) {
    throw new WireError('SIM_CONFIG', `runWireDay: robots must be an integer in 1..500, got ${config.robots}`);
  }
  const campusFile = resolve(config.campusFile);
  const campus = await loadCampus(campusFile);
  const hub = campus.places.find((p) => p.kind === 'hub');
  const drops = campus.places.filter((p) => p.kind === 'drop');
  if (hub === undefined || drops.length === 0) throw new WireError('SIM_NO_HUB', `campus ${campus.name} needs a hub and drop points`);

  // Demand: the day's arrivals, then the window.
  const root = new Random(config.seed);
  const demandRandom = root.fork();
  const recipientRandom = root.fork();
  const dayArrivals = generateArrivals(defaultDemandConfig(config.parcelsPerDay, 0), drops.map((d) => ({ id: d.id, weight: d.weight ?? 1 })), demandRandom);
  const windowMs = config.windowMs ?? H;
  const windowStartMs = config.windowStartMs ?? peakWindow(dayArrivals.map((a) => a.atMs), windowMs)?.startMs ?? 7 * H;
  let arrivals = dayArrivals.filter((a) => a.atMs >= windowStartMs && a.atMs < windowStartMs + windowMs);
  if (config.maxParcels !== undefined) arrivals = arrivals.slice(0, config.maxParcels);

  const wall = new SystemClock();
  const speedup = config.speedup;
  // A minute of virtual warm-up before the window: robots register and connect meanwhile.
  const time = { speedup, startMs: DAY_EPOCH_MS + windowStartMs - 60_000, baseStartMs: wall.now() };
  const clock = new ScaledClock(wall, time);
  const statePeriodMs = config.statePeriodMs ?? 30_000;
  const visualizationPeriodMs = thinnedVisualizationPeriodMs(config.robots, speedup, config.maxVisualizationPerWallS ?? 100);
  const tmp = config.databaseUrl === undefined ? mkdtempSync(join(tmpdir(), 'sim-wire-')) : undefined;
  const databaseUrl = config.databaseUrl ?? join(tmp!, 'fleet.sqlite');

  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch {
        // Best effort: the first error already propagates.
      }
    }
  };
  if (tmp !== undefined) cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
  cleanups.push(() => {
    clock.clearAll();
    wall.clearAll();
  });

  try {
    const server: FleetProcess = await startFleetProcess({
      time,
      args: [
        '--database-url', databaseUrl, '--campus', campusFile, '--port', '0', '--robot-speed-mps', String(config.speedMps ?? 1.5),
        '--dispatch-period-ms', String(config.dispatchPeriodMs ?? 10_000), '--log-level', config.serverLogLevel ?? 'warn',
        ...(config.brokerUrl === undefined ? ['--mqtt-port', '0'] : ['--mqtt-url', config.brokerUrl]),
      ],
      // A robot states every statePeriodMs (virtual) at least; stale after two missed periods and some slack.
      env: {
        SIM_STALE_AFTER_MS: String(2 * statePeriodMs + 5_000), SIM_CHEAP_CODES: '1',
        ...(config.waitForRecipientS === undefined ? {} : { SIM_WAIT_FOR_RECIPIENT_S: String(config.waitForRecipientS) }),
      },
    });
    cleanups.push(() => server.stop());
    let httpRequests = 0;
    const api = async <T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> => {
      httpRequests++;
      const res = await fetch(`${server.url}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${server.adminToken}`, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      });
      const text = await res.text();
      if (!res.ok) throw new WireError('SIM_WIRE_HTTP', `${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
      return (path === '/metrics' ? text : JSON.parse(text)) as T;
    };

    // Robots: registered through the API (credentials for the embedded broker), then connected over MQTT.
    // Serials are unique per run: a shared broker keeps retained connection messages of earlier runs.
    const runTag = randomBytes(3).toString('hex');
    const compartments = config.compartments ?? 24;
    const routes = new RouteCache(campus);
    const nodePos = (p: Place) => ({ x: campus.graph.nodeX[p.node]!, y: campus.graph.nodeY[p.node]! });
    const docks = campus.places.filter((p) => p.kind === 'dock');
    const hubPos = nodePos(hub);
    let handovers = 0;
    const robots: SimRobot[] = [];
    const bridges: VdaBridge[] = [];
    const builders: MessageBuilder[] = [];
    for (let i = 0; i < config.robots; i++) {
      const serial = `W${runTag}-${String(i + 1).padStart(3, '0')}`;
      const reg = await api<{ mqtt: { username: string; password: string } }>('/api/robots', {
        method: 'POST', json: { serial, manufacturer: MANUFACTURER, compartments },
      });
      const robot = new SimRobot({
        serial, clock, routes, speedMps: config.speedMps ?? 1.5, compartments, battery: defaultBatteryModel,
        start: { x: hubPos.x, y: hubPos.y, theta: 0, mapId: campus.mapId },
        loadPerParcelS: 5, takeParcelS: 10, docks: (docks.length > 0 ? docks : [hub]).map(nodePos),
        hooks: { onHandoverOpen: () => handovers++ },
      });
      const builder = new MessageBuilder({ clock, manufacturer: MANUFACTURER, serialNumber: serial });
      const transport = await connectRobotTransport({ url: server.mqttUrl, builder, username: reg.mqtt.username, password: reg.mqtt.password });
      const bridge = new VdaBridge({
        transport, clock, builder, runner: robot.runner,
        factsheet: defaultFactsheet({ compartmentCount: compartments, speedMaxMps: config.speedMps ?? 1.5, statePeriodMs, visualizationPeriodMs }),
        statePeriodMs, visualizationPeriodMs,
      });
      await bridge.start();
      robots.push(robot);
      bridges.push(bridge);
      builders.push(builder);
    }
    cleanups.push(async () => {
      await Promise.all(bridges.map((b) => b.stop().catch(() => undefined)));
      for (const r of robots) r.dispose();
    });
    // The executor hears about the battery at least every minute.
    clock.setInterval(60_000, () => {
      for (const r of robots) r.reportBattery();
    });

    // Recipients: told when a robot's keypad asks for their parcel; they type the code the create response gave.
    const recipients = new Recipients({
      clock, random: recipientRandom,
      ...(config.recipients === undefined ? {} : { config: config.recipients }),
    });
    const codes = new Map<string, string>();
    const waiting = new Set<string>();
    clock.setInterval(2_000, () => {
      const showing = new Set<string>();
      for (const r of robots) {
        for (const parcelId of r.keypad.showing) {
          showing.add(parcelId);
          if (waiting.has(parcelId)) continue;
          const code = codes.get(parcelId);
          if (code !== undefined) recipients.notify(parcelId, code, r);
        }
      }
      waiting.clear();
      for (const p of showing) waiting.add(p);
    });

    // Demand: arrivals due are posted as one batch per batch period.
    const windowStartAbs = DAY_EPOCH_MS + windowStartMs;
    const endMs = windowStartAbs + windowMs;
    let next = 0;
    let posted = 0;
    const postErrors: unknown[] = [];
    const post = async (batch: ParcelArrival[]) => {
      const res = await api<{ parcels: Array<{ id: string; pickupCode: string | null }> }>('/api/parcels/batch', {
        method: 'POST', json: { parcels: batch.map((a) => ({ destination: a.destination, recipient: { name: `recipient of ${a.id}` } })) },
      });
      for (const p of res.parcels) if (p.pickupCode !== null) codes.set(p.id, p.pickupCode);
      posted += res.parcels.length;
    };
    const batchTimer = clock.setInterval(config.batchPeriodMs ?? 10_000, () => {
      const dueBy = clock.now() - DAY_EPOCH_MS;
      const batch: ParcelArrival[] = [];
      while (next < arrivals.length && arrivals[next]!.atMs <= dueBy) batch.push(arrivals[next++]!);
      if (batch.length > 0) void post(batch).catch((e: unknown) => postErrors.push(e));
    });

    // Probe: how late a 1 s timer fires tells whether this process keeps up with the speed-up.
    const lags: number[] = [];
    let due = clock.now() + 1000;
    clock.setInterval(1000, () => {
      lags.push(Math.max(0, clock.now() - due));
      due += 1000;
    });
    const progressEveryMs = config.progressEveryMs ?? 5 * 60_000;
    if (config.onProgress) clock.setInterval(progressEveryMs, () => config.onProgress!({ virtualMs: clock.now(), endMs, posted, handovers }));

    // Run: wait on the scaled clock until the window ends.
    const startVirtual = clock.now();
    const startWall = wall.now();
    await new Promise<void>((done) => clock.setTimer(endMs - clock.now(), done));
    const wallMs = wall.now() - startWall;
    const virtualMs = clock.now() - startVirtual;
    clock.clearTimer(batchTimer);
    if (postErrors.length > 0) throw new WireError('SIM_WIRE_HTTP', `posting parcels failed ${postErrors.length} time(s)`, { cause: postErrors[0] });

    // Freeze the simulated world (robots, recipients, probes all run on this clock), stop the bridges (each says
    // OFFLINE), let in-flight messages land, then count.
    clock.clearAll();
    for (const r of robots) r.dispose();
    await Promise.all(bridges.map((b) => b.stop()));
    await sleep(wall, 1000);
    const metrics = await api<string>('/metrics');
    if (config.brokerUrl !== undefined) await clearRetained(config.brokerUrl, builders);
    const accepted = counterByLabel(metrics, 'fleet_vda_messages_accepted_total', 'topic');
    const rejected = counterByLabel(metrics, 'fleet_vda_messages_rejected_total', 'topic');
    const ordersByKind = counterByLabel(metrics, 'fleet_dispatch_orders_sent_total', 'kind');
    const ordersSent = [...ordersByKind.values()].reduce((a, b) => a + b, 0);
    const robotPublished: Record<string, number> = {};
    let robotReceived = 0;
    const robotRejected: Record<string, number> = {};
    for (const b of bridges) {
      robotReceived += b.counters.received;
      for (const [reason, n] of b.counters.rejected) robotRejected[reason] = (robotRejected[reason] ?? 0) + n;
      for (const [topic, n] of b.counters.published) robotPublished[topic] = (robotPublished[topic] ?? 0) + n;
    }
    let dropped = 0;
    const droppedByTopic: Record<string, number> = {};
    for (const topic of ['state', 'visualization']) {
      droppedByTopic[topic] = Math.max(0, (robotPublished[topic] ?? 0) - (accepted.get(topic) ?? 0) - (rejected.get(topic) ?? 0));
      dropped += droppedByTopic[topic];
    }
    const delivered = await countParcels(api, 'delivered');
    const sorted = [...lags].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    return {
      robots: config.robots, speedup, broker: config.brokerUrl === undefined ? 'embedded' : 'external', windowStartMs, windowMs,
      visualizationPeriodMs, statePeriodMs, parcelsPosted: posted, handovers, delivered,
      messages: {
        robotPublished, robotReceived, serverAccepted: Object.fromEntries(accepted), serverRejected: Object.fromEntries(rejected),
        serverOrdersSent: ordersSent, serverOrdersByKind: Object.fromEntries(ordersByKind),
        serverRejectedByCode: Object.fromEntries(counterByLabel(metrics, 'fleet_vda_messages_rejected_total', 'code')), dropped, droppedByTopic,
      },
      recipients: { ...recipients.stats },
      virtualMs, wallMs, achievedSpeedup: wallMs > 0 ? virtualMs / wallMs : 0,
      timerLagMs: { p50: q(0.5), p99: q(0.99), max: sorted.at(-1) ?? 0 },
      httpRequests, robotRejected, serverLogTail: server.stderr().slice(-20_000),
    };
  } finally {
    await cleanup();
  }
}

async function countParcels(api: <T>(path: string) => Promise<T>, status: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const page: { items: unknown[]; nextCursor: string | null } = await api(`/api/parcels?status=${status}&limit=500${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    n += page.items.length;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return n;
}

/**
 * A shared broker keeps each robot's last `connection` message (retained, OFFLINE) for ever; this run's serials are
 * never used again, so their retained messages are cleared (an empty retained payload) rather than piling up.
 */
async function clearRetained(brokerUrl: string, builders: readonly MessageBuilder[]): Promise<void> {
  const t = await MqttTransport.connect({ url: brokerUrl, clientId: `sim-wire-cleanup-${randomBytes(4).toString('hex')}` });
  try {
    for (const b of builders) await t.publish(b.topic('connection'), '', { qos: 1, retain: true });
  } finally {
    await t.close();
  }
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((done) => clock.setTimer(ms, done));
}
