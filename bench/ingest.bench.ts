/**
 * Fleet-server state ingest over MQTT: VDA 5050 state messages (~2 KB, realistic: nodes, edges, actions, loads) per
 * second taken by (a) a bare mqtt.js subscriber that only counts them and (b) FleetTracker over MqttTransport doing
 * the full work (topic, registry, size, UTF-8 JSON, official schema, header order, parcel diff, health, alerts), on
 * the same broker in the same run. Target (DESIGN.md): (b) ≥ 0.5 × (a).
 *
 * The broker (embedded aedes on port 0) and the publishers run in this process; each subscriber runs in its own child
 * process, as the fleet server runs apart from the broker in production, so the figure is the subscriber's own
 * throughput, not a share of one thread. If Mosquitto is up at 127.0.0.1:1883 the pair runs against it too.
 *   npx tsx bench/ingest.bench.ts        (or npm run bench ingest)
 * Knobs: INGEST_BENCH_ROUNDS=n (default 2), INGEST_BENCH_BROKERS=aedes|mosquitto (default both),
 * INGEST_BENCH_ONLY_CEILING=1 (the in-process line only), INGEST_BENCH_PROFILE_DIR=dir (CPU profiles of the children).
 *
 * Besides the wall-clock ratio, each child reports its own CPU time per message: on this shared 2-core machine the
 * ratio moves with the CPU share the neighbours leave each child, CPU per message much less. The tracker subscribes to
 * the bench's manufacturer only (a per-run name on Mosquitto), so other clients of a shared broker — another engineer's
 * simulator, retained `connection` messages of earlier test runs — cannot reach it; every rejection it still reports
 * is printed by code, and would be a bug.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { SystemClock } from '../clock/index.ts';
import { Random } from '../common/core/Random.ts';
import { MessageBuilder, MessageMemo, encodeMessage, parseMessage, subscriptionFilter, type State, type VdaBody } from '../protocol/index.ts';
import { FleetTracker } from '../fleet/tracking/index.ts';
import { InMemoryRobotRegistry } from '../fleet/tracking/index.ts';
import { deliveryOrderBody } from '../fleet/tracking/testing/deliveryOrder.ts';
import { isReachable, services } from '../test/services.ts';
import { MqttTransport } from '../transport/index.ts';

const PUBLISHERS = 4;
const ROBOTS_PER_PUBLISHER = 10;
const MESSAGES = 60_000;
const PHASE_TIMEOUT_MS = 60_000;
/** A subscriber that hears nothing for this long after the first message has seen all it will see. */
const IDLE_END_MS = 3_000;
/**
 * At most this many messages in flight between publishers and subscriber. Mosquitto drops QoS 0 messages for a
 * subscriber that falls behind (it cannot slow the publishers down, unlike the embedded aedes), which would measure
 * the drops, not the subscriber; so the publishers wait for the subscriber's progress reports, on every broker alike.
 */
const WINDOW = 800;
/** Progress reports are IPC messages, which cost the subscriber CPU; rare enough to be noise. */
const PROGRESS_EVERY = 400;

type Role = 'bare' | 'tracker';
interface ChildResult {
  role: Role; received: number; accepted: number; rejected: number; rejectedByCode: Record<string, number>; firstMs: number; lastMs: number; cpuUsPerMsg: number;
  /** Of cpuUsPerMsg, the part spent in the kernel (socket reads, wake-ups), which grows as batches get smaller. */
  sysUsPerMsg: number;
}

// ---- child: one subscriber ---------------------------------------------------------------------------------------

async function runChild(role: Role, url: string, manufacturer: string, robots: number, expected: number): Promise<void> {
  let received = 0;
  let cpuAtFirst: NodeJS.CpuUsage | undefined;
  let firstMs = 0;
  let lastMs = 0;
  const seen = () => {
    const t = performance.now();
    if (received === 0) {
      firstMs = t;
      cpuAtFirst = process.cpuUsage();
    }
    lastMs = t;
    received++;
    if (received % PROGRESS_EVERY === 0) process.send!({ progress: received });
  };
  let tracker: FleetTracker | undefined;
  let closeFn: () => Promise<void>;
  if (role === 'bare') {
    const client = await mqtt.connectAsync(url, { protocolVersion: 4, clientId: `bench-bare-${process.pid}` });
    client.on('message', seen);
    await client.subscribeAsync(subscriptionFilter({ manufacturer, topic: 'state' }), { qos: 0 });
    closeFn = () => client.endAsync(true);
  } else {
    const clock = new SystemClock();
    const registry = new InMemoryRobotRegistry(Array.from({ length: robots }, (_, i) => ({ serial: serialOf(i), manufacturer, compartments: 8 })));
    const transport = await MqttTransport.connect({ url, clientId: `bench-tracker-${process.pid}` });
    // Only the bench's own robots: on a shared broker, other fleets' and test runs' robots (and their retained
    // connection messages) would otherwise reach the tracker and be rejected as unknown, costing it CPU.
    tracker = new FleetTracker({ transport, clock, registry, staleAfterMs: 3_600_000, sweepPeriodMs: 60_000, manufacturer });
    // The tracker follows each robot's order, as in production, so the parcel diff has work to do.
    for (let i = 0; i < robots; i++) tracker.registerOrder(serialOf(i), orderFor(i));
    let parcelEvents = 0;
    tracker.on('parcelEvent', () => parcelEvents++);
    // Count at the transport, after the tracker's handler has run (subscribed second, so called second).
    await tracker.start();
    await transport.subscribe(subscriptionFilter({ manufacturer, topic: 'state' }), seen);
    closeFn = async () => {
      await tracker!.stop();
      await transport.close();
      if (parcelEvents === 0) throw new Error('tracker produced no parcel events: the bench is not exercising the diff');
    };
  }
  process.send!({ ready: true });
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      const now = performance.now();
      const idle = received > 0 && now - lastMs > IDLE_END_MS;
      if (received >= expected || idle || now - started > PHASE_TIMEOUT_MS) {
        clearInterval(poll);
        resolve();
      }
    }, 50);
  });
  const cpuUsPerMsg = cpuAtFirst === undefined || received < 2 ? 0 : cpuUs(cpuAtFirst) / (received - 1);
  const sysUsPerMsg = cpuAtFirst === undefined || received < 2 ? 0 : process.cpuUsage(cpuAtFirst).system / (received - 1);
  const stats = tracker?.stats();
  await closeFn();
  const result: ChildResult = {
    role, received, accepted: stats?.accepted ?? received, rejected: stats?.rejectedTotal ?? 0, rejectedByCode: stats?.rejected ?? {}, firstMs, lastMs, cpuUsPerMsg, sysUsPerMsg,
  };
  process.send!({ result });
  process.disconnect();
}

// ---- parent: broker, publishers, report --------------------------------------------------------------------------

function serialOf(i: number): string {
  return `cb-${String(i).padStart(3, '0')}`;
}

function orderFor(i: number): VdaBody<'order'> {
  return deliveryOrderBody(`trip-${i}`, [0, 1, 2, 3].map((c) => ({ parcelId: `P-${i}-${c}`, compartment: c, dropNodeId: `drop-${c}` })));
}

/** A state like our robots send mid-trip: ~2 KB with nodes, edges, action states, loads and an info entry. */
function realisticBody(i: number, step: number, rnd: Random): VdaBody<'state'> {
  const node = (k: number) => ({ nodeId: `drop-${k}`, sequenceId: 2 * k + 2, released: true, nodeDescription: `Building ${k} east entrance`,
    nodePosition: { x: 100 + 20 * k, y: 50 - 7 * k, theta: 1.57, mapId: 'campus' } });
  const statuses = ['WAITING', 'RUNNING', 'FINISHED'] as const;
  return {
    orderId: `trip-${i}`, orderUpdateId: 0, lastNodeId: 'hub', lastNodeSequenceId: 0, driving: step % 3 !== 0, paused: false,
    newBaseRequest: false, distanceSinceLastNode: rnd.uniform(0, 30), operatingMode: 'AUTOMATIC',
    nodeStates: [0, 1, 2, 3].map(node),
    edgeStates: [0, 1, 2, 3].map((k) => ({ edgeId: `e-${2 * k + 1}`, sequenceId: 2 * k + 1, released: true, edgeDescription: `footway segment ${k}` })),
    agvPosition: { x: rnd.uniform(0, 300), y: rnd.uniform(-100, 100), theta: rnd.uniform(-3, 3), mapId: 'campus', positionInitialized: true,
      localizationScore: 0.93, deviationRange: 0.12 },
    velocity: { vx: 1.2, vy: 0, omega: 0.02 },
    loads: [0, 1, 2, 3].map((c) => ({ loadId: `P-${i}-${c}`, loadType: 'parcel', loadPosition: `compartment-${c}` })),
    actionStates: [
      { actionId: `trip-${i}-load`, actionType: 'loadParcels', actionStatus: 'FINISHED' },
      ...[0, 1, 2, 3].map((c) => ({ actionId: `trip-${i}-hand-P-${i}-${c}`, actionType: 'handOverParcel', actionStatus: statuses[(step + c) % 3]! })),
      { actionId: `trip-${i}-return`, actionType: 'returnParcels', actionStatus: 'WAITING' as const },
    ],
    batteryState: { batteryCharge: 80 - (step % 50), batteryVoltage: 48.9, batteryHealth: 97, charging: false, reach: 14200 },
    errors: [],
    information: [{ infoType: 'compartments', infoReferences: [{ referenceKey: 'occupied', referenceValue: '0,1,2,3' }], infoDescription: 'occupied compartments', infoLevel: 'INFO' }],
    safetyState: { eStop: 'NONE', fieldViolation: false },
  };
}

/** Pre-built payloads per publisher (robot i belongs to publisher i % PUBLISHERS), headerIds increasing per robot. */
function buildPayloads(manufacturer: string): Array<Array<{ topic: string; payload: Buffer }>> {
  const clock = new SystemClock();
  const rnd = new Random(5050);
  const robots = PUBLISHERS * ROBOTS_PER_PUBLISHER;
  const builders = Array.from({ length: robots }, (_, i) => new MessageBuilder({ clock, manufacturer, serialNumber: serialOf(i) }));
  const out: Array<Array<{ topic: string; payload: Buffer }>> = Array.from({ length: PUBLISHERS }, () => []);
  for (let n = 0; n < MESSAGES; n++) {
    const i = n % robots;
    const b = builders[i]!;
    // A robot's action statuses change every ~10 states (state comes at ≥ 1 Hz; a handover takes a while), its
    // position and battery every state.
    const message: State = b.build('state', realisticBody(i, Math.floor(n / robots / 10), rnd));
    out[i % PUBLISHERS]!.push({ topic: b.topic('state'), payload: encodeMessage(message) });
  }
  return out;
}

/** Publishers' side of the flow control: how many were sent, how many the subscriber reported. */
class Flow {
  sent = 0;
  acked = 0;
  #wake: Array<() => void> = [];

  progress(received: number): void {
    this.acked = Math.max(this.acked, received);
    for (const w of this.#wake.splice(0)) w();
  }

  async room(): Promise<void> {
    while (this.sent - this.acked >= WINDOW) await new Promise<void>((r) => this.#wake.push(r));
  }
}

async function publishAll(url: string, payloads: Array<Array<{ topic: string; payload: Buffer }>>, flow: Flow): Promise<void> {
  const clients = await Promise.all(payloads.map((_, p) => mqtt.connectAsync(url, { protocolVersion: 4, clientId: `bench-pub-${process.pid}-${p}` })));
  await Promise.all(clients.map(async (client, p) => {
    const list = payloads[p]!;
    for (let k = 0; k < list.length; k++) {
      const { topic, payload } = list[k]!;
      await flow.room();
      flow.sent++;
      client.publish(topic, payload, { qos: 0 });
      // Yield now and then so the socket drains instead of buffering everything in memory.
      if (k % 200 === 199) await new Promise<void>((r) => setImmediate(r));
    }
  }));
  await Promise.all(clients.map((c) => c.endAsync()));
}

function startChild(role: Role, url: string, manufacturer: string, flow: Flow): { child: ChildProcess; ready: Promise<void>; result: Promise<ChildResult> } {
  const child = fork(fileURLToPath(import.meta.url), ['--child', role, url, manufacturer], {
    // INGEST_BENCH_PROFILE_DIR=/tmp/x writes each subscriber's CPU profile there.
    execArgv: ['--import', 'tsx', ...(process.env.INGEST_BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.INGEST_BENCH_PROFILE_DIR}`] : [])],
  });
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => (onReady = r));
  const result = new Promise<ChildResult>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean; progress?: number; result?: ChildResult }) => {
      if (m.ready) onReady();
      if (m.progress !== undefined) flow.progress(m.progress);
      if (m.result) resolve(m.result);
    });
    child.on('exit', (code) => reject(new Error(`${role} subscriber exited with ${code} before reporting`)));
  });
  return { child, ready, result };
}

async function phase(role: Role, url: string, manufacturer: string, payloads: Array<Array<{ topic: string; payload: Buffer }>>, replay?: ReplayServer): Promise<ChildResult> {
  const flow = new Flow();
  const { ready, result } = startChild(role, url, manufacturer, flow);
  await ready;
  // The last partial window is never reported; let the publishers finish once everything is sent.
  const done = replay === undefined ? publishAll(url, payloads, flow) : replay.stream(publishFrames(payloads));
  await done;
  return result;
}

// ---- replay: no broker, no publishers ----------------------------------------------------------------------------

/**
 * A stand-in broker for INGEST_BENCH_BROKERS=replay: it answers CONNECT, SUBSCRIBE, UNSUBSCRIBE and PINGREQ, and
 * writes pre-encoded PUBLISH frames to the subscriber as fast as TCP takes them. Nothing else runs in the parent, so
 * each child's rate is its own capacity and the ratio compares capacities, with less of the broker's and publishers'
 * CPU in the neighbours' share.
 */
interface ReplayServer {
  url: string;
  stream(frames: Buffer): Promise<void>;
  close(): Promise<void>;
}

async function startReplayServer(): Promise<ReplayServer> {
  let client: Socket | undefined;
  const server = createServer((socket) => {
    client = socket;
    let pending = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (let frame = takeFrame(pending); frame !== undefined; frame = takeFrame(pending)) {
        pending = pending.subarray(frame.size);
        const reply = replyTo(frame.type, frame.body);
        if (reply !== undefined) socket.write(reply);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return {
    url: `mqtt://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    async stream(frames) {
      const socket = client!;
      for (let at = 0; at < frames.length; at += 64 * 1024) {
        if (!socket.write(frames.subarray(at, at + 64 * 1024))) await new Promise<void>((r) => socket.once('drain', r));
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** One MQTT control packet at the start of `b` (fixed header, remaining length), or undefined if incomplete. */
function takeFrame(b: Buffer): { type: number; body: Buffer; size: number } | undefined {
  let length = 0;
  let i = 1;
  for (let multiplier = 1; ; multiplier *= 128) {
    if (i >= b.length) return undefined;
    const c = b[i++]!;
    length += (c & 127) * multiplier;
    if ((c & 128) === 0) break;
  }
  return b.length < i + length ? undefined : { type: b[0]! >> 4, body: b.subarray(i, i + length), size: i + length };
}

function replyTo(type: number, body: Buffer): Buffer | undefined {
  switch (type) {
    case 1: // CONNECT → CONNACK, accepted
      return Buffer.from([0x20, 2, 0, 0]);
    case 8: { // SUBSCRIBE → SUBACK granting QoS 0 to each filter
      let filters = 0;
      for (let i = 2; i + 2 <= body.length; i += 2 + body.readUInt16BE(i) + 1) filters++;
      return Buffer.from([0x90, 2 + filters, body[0]!, body[1]!, ...new Array<number>(filters).fill(0)]);
    }
    case 10: // UNSUBSCRIBE → UNSUBACK
      return Buffer.from([0xb0, 2, body[0]!, body[1]!]);
    case 12: // PINGREQ → PINGRESP
      return Buffer.from([0xd0, 0]);
    default:
      return undefined;
  }
}

/** The publishers' messages as QoS 0 PUBLISH frames, interleaved as the publishers would send them. */
function publishFrames(payloads: Array<Array<{ topic: string; payload: Buffer }>>): Buffer {
  const frames: Buffer[] = [];
  const longest = Math.max(...payloads.map((l) => l.length));
  for (let k = 0; k < longest; k++) {
    for (const list of payloads) {
      const m = list[k];
      if (m === undefined) continue;
      const topic = Buffer.from(m.topic, 'utf8');
      const lengthBytes: number[] = [];
      for (let rest = 2 + topic.length + m.payload.length; ; ) {
        const digit = rest % 128;
        rest = Math.floor(rest / 128);
        lengthBytes.push(rest > 0 ? digit | 128 : digit);
        if (rest === 0) break;
      }
      frames.push(Buffer.from([0x30, ...lengthBytes, topic.length >> 8, topic.length & 255]), topic, m.payload);
    }
  }
  return Buffer.concat(frames);
}

function rate(r: ChildResult): number {
  const s = (r.lastMs - r.firstMs) / 1000;
  return s > 0 ? r.received / s : 0;
}

/**
 * Alternates bare and tracker ROUNDS times and keeps each one's best rate: the machine is shared, and a phase slowed by
 * a neighbour says nothing about the subscriber. Both get the same treatment. INGEST_BENCH_ROUNDS=n for more.
 */
const ROUNDS = Number(process.env.INGEST_BENCH_ROUNDS ?? 2);

async function runPair(label: string, url: string, manufacturer: string, replay?: ReplayServer): Promise<number> {
  const payloads = buildPayloads(manufacturer);
  const bytes = payloads.flat().reduce((s, m) => s + m.payload.length, 0);
  console.log(`${label}: ${MESSAGES} states, mean ${(bytes / MESSAGES).toFixed(0)} B, ${PUBLISHERS} publishers × ${ROBOTS_PER_PUBLISHER} robots, best of ${ROUNDS}`);
  let bare: ChildResult | undefined;
  let tracker: ChildResult | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const b = await phase('bare', url, manufacturer, payloads, replay);
    const t = await phase('tracker', url, manufacturer, payloads, replay);
    console.log(`  round ${round + 1}: bare ${rate(b).toFixed(0)} msg/s (${b.cpuUsPerMsg.toFixed(1)} µs CPU/msg, ${b.sysUsPerMsg.toFixed(1)} of it sys), `
      + `tracker ${rate(t).toFixed(0)} msg/s (${t.cpuUsPerMsg.toFixed(1)} µs CPU/msg, ${t.sysUsPerMsg.toFixed(1)} of it sys)`);
    if (bare === undefined || rate(b) > rate(bare)) bare = b;
    if (tracker === undefined || rate(t) > rate(tracker)) tracker = t;
  }
  const ratio = rate(tracker!) / rate(bare!);
  console.log(`  bare mqtt.js subscriber : ${rate(bare!).toFixed(0).padStart(7)} msg/s  (${bare!.received} received, ${bare!.cpuUsPerMsg.toFixed(1)} µs CPU/msg)`);
  console.log(`  FleetTracker ingest     : ${rate(tracker!).toFixed(0).padStart(7)} msg/s  (${tracker!.received} received, ${tracker!.accepted} accepted, `
    + `${tracker!.rejected} rejected, ${tracker!.cpuUsPerMsg.toFixed(1)} µs CPU/msg)`);
  // The wall-clock ratio moves with the CPU share the neighbours leave each child; CPU per message does not.
  console.log(`  ratio ${ratio.toFixed(2)} (target ≥ 0.50) ${ratio >= 0.5 ? 'OK' : 'MISSED'}; `
    + `CPU per message bare/tracker ${(bare!.cpuUsPerMsg / tracker!.cpuUsPerMsg).toFixed(2)}`);
  if (tracker!.rejected > 0) {
    // The tracker hears only the bench's manufacturer, whose messages are all valid and in order: any rejection is
    // a bug, so say which kind.
    console.log(`  REJECTED: ${JSON.stringify(tracker!.rejectedByCode)}`);
  }
  if (tracker!.accepted < tracker!.received) console.log(`  note: ${tracker!.received - tracker!.accepted} messages were not accepted`);
  return ratio;
}

/** ingest() alone, no MQTT: the tracker's own ceiling on one core. */
function inProcessCeiling(): void {
  const manufacturer = 'bench';
  const payloads = buildPayloads(manufacturer).flat();
  const clock = new SystemClock();
  const robots = PUBLISHERS * ROBOTS_PER_PUBLISHER;
  const registry = new InMemoryRobotRegistry(Array.from({ length: robots }, (_, i) => ({ serial: serialOf(i), manufacturer, compartments: 8 })));
  const transport = { clientId: 'none', publish: async () => {}, subscribe: async (filter: string) => ({ filter, unsubscribe: async () => {} }), onStatus() {}, close: async () => {} };
  const tracker = new FleetTracker({ transport, clock, registry });
  for (let i = 0; i < robots; i++) tracker.registerOrder(serialOf(i), orderFor(i));
  // CPU time as well as wall time: on a shared machine the wall figure says as much about the neighbours as about us.
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  for (const { payload } of payloads) JSON.parse(payload.toString('utf8'));
  const parseCpuUs = cpuUs(cpu0) / payloads.length;
  cpu0 = process.cpuUsage();
  for (const { payload } of payloads) parseMessage('state', payload);
  const fullCpuUs = cpuUs(cpu0) / payloads.length;
  const memos = new Map<string, MessageMemo>();
  cpu0 = process.cpuUsage();
  for (const { topic, payload } of payloads) {
    let memo = memos.get(topic);
    if (memo === undefined) memos.set(topic, (memo = new MessageMemo()));
    parseMessage('state', payload, { memo });
  }
  const memoCpuUs = cpuUs(cpu0) / payloads.length;
  cpu0 = process.cpuUsage();
  t0 = performance.now();
  for (const { topic, payload } of payloads) tracker.ingest(topic, payload);
  const s = (performance.now() - t0) / 1000;
  const ingestCpuUs = cpuUs(cpu0) / payloads.length;
  console.log(`in-process FleetTracker.ingest() alone: ${(payloads.length / s).toFixed(0)} msg/s wall, ${ingestCpuUs.toFixed(1)} µs CPU per message `
    + `(JSON.parse alone ${parseCpuUs.toFixed(1)} µs; parseMessage in full ${fullCpuUs.toFixed(1)} µs, with a MessageMemo per robot `
    + `${memoCpuUs.toFixed(1)} µs); ${tracker.stats().accepted} accepted`);
}

function cpuUs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return d.user + d.system;
}

async function main(): Promise<void> {
  inProcessCeiling();
  if (process.env.INGEST_BENCH_ONLY_CEILING === '1') return;
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const url = `mqtt://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const ratios: number[] = [];
  // INGEST_BENCH_BROKERS=aedes or =mosquitto runs one of them only; =replay (or a list with it) the replay server.
  const brokers = (process.env.INGEST_BENCH_BROKERS ?? 'aedes,mosquitto').split(',');
  if (brokers.includes('replay')) {
    const replay = await startReplayServer();
    try {
      // Informational: a capacity ratio, stricter than the target's (which is measured through a broker).
      await runPair('replay (no broker: each child\'s own capacity)', replay.url, 'bench', replay);
    } finally {
      await replay.close();
    }
  }
  try {
    if (brokers.includes('aedes')) ratios.push(await runPair('aedes (embedded)', url, 'bench'));
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => aedes.close(() => r()));
  }
  const { host, port } = services.mosquitto;
  if (!brokers.includes('mosquitto')) {
    // skipped on request
  } else if (await isReachable(host, port)) {
    ratios.push(await runPair(`Mosquitto ${host}:${port}`, `mqtt://${host}:${port}`, `bench-${process.pid}`));
  } else {
    console.log(`Mosquitto ${host}:${port} not reachable: skipped`);
  }
  process.exitCode = ratios.every((r) => r >= 0.5) ? 0 : 1;
}

if (process.argv[2] === '--child') {
  const [, , , role, url, manufacturer] = process.argv;
  runChild(role as Role, url!, manufacturer!, PUBLISHERS * ROBOTS_PER_PUBLISHER, MESSAGES).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
