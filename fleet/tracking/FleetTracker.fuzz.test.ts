/**
 * Bad input: 10,000 seeded malformed MQTT messages interleaved with valid ones. Every bad one must be rejected with
 * the code its kind calls for and counted exactly; no throw may escape; and the tracker's view of the valid robot
 * must equal that of a tracker fed the valid messages alone.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { Random } from '../../common/core/Random.ts';
import { encodeMessage, subscriptionFilter, type State } from '../../protocol/index.ts';
import { InMemoryBroker, topicMatches } from '../../transport/index.ts';
import type { ParcelEvent } from './core/parcelEventsFromState.ts';
import { FleetTracker } from './FleetTracker.ts';
import type { RejectionCode } from './handlers/index.ts';
import { InMemoryRobotRegistry } from './RobotRegistry.ts';
import { deliveryOrderBody } from './testing/deliveryOrder.ts';
import { ScriptedRobot, idleStateBody } from './testing/ScriptedRobot.ts';

const BAD_COUNT = 10_000;
const STATE_TOPIC = 'uagv/v2/acme/r1/state';
const FILTERS = (['state', 'visualization', 'connection', 'factsheet'] as const).map((topic) => subscriptionFilter({ topic }));

type Msg = { topic: string; payload: Buffer | string; expect: RejectionCode | 'accepted' };

function setPath(obj: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let o: Record<string | number, unknown> = obj;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[path[path.length - 1]!] = value;
}
function deletePath(obj: Record<string, unknown>, path: readonly string[]): void {
  let o: Record<string, unknown> = obj;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  delete o[path[path.length - 1]!];
}

/** Wrong-typed values at nested paths of a valid state: each breaks the official schema. */
const WRONG_TYPES: Array<[readonly (string | number)[], unknown]> = [
  [['batteryState', 'batteryCharge'], '80'], [['batteryState', 'charging'], 'no'], [['agvPosition', 'x'], '1.0'],
  [['agvPosition', 'mapId'], 7], [['safetyState', 'eStop'], 'PANIC'], [['driving'], 1], [['errors'], {}],
  [['nodeStates'], [{ nodeId: 5, sequenceId: 0, released: true }]], [['actionStates'], [{ actionId: 'a', actionStatus: 'DONE' }]],
  [['loads'], [{ weight: 'heavy' }]], [['headerId'], 1.5], [['orderUpdateId'], 'zero'], [['operatingMode'], 'TURBO'],
  [['edgeStates'], 'none'], [['lastNodeSequenceId'], null], [['timestamp'], 'yesterday'],
];
const REQUIRED: ReadonlyArray<readonly string[]> = [
  ['orderId'], ['batteryState'], ['errors'], ['safetyState', 'eStop'], ['batteryState', 'charging'], ['timestamp'], ['headerId'],
  ['actionStates'], ['driving'], ['agvPosition', 'positionInitialized'],
];
const BAD_TOPICS = [
  'uagv/v2/acme/r1/state/extra', 'uagv/v1/acme/r1/state', 'uagv/v2/acme/r1/stat', 'uagv/v2//r1/state', 'state', '',
  'uagv/v2/acme/r1/order', 'uagv/v2/acme/r1/instantActions', 'other/v2/acme/r1/state', 'uagv/v2/acme/r1/', 'uagv/v2/acme/r1/\u0000',
];

function generate(seed: number, clock: VirtualClock): Msg[] {
  const rnd = new Random(seed);
  const robot = new ScriptedRobot({ transport: new InMemoryBroker().connect('gen'), clock, manufacturer: 'acme', serial: 'r1' });
  const stranger = new ScriptedRobot({ transport: new InMemoryBroker().connect('gen2'), clock, manufacturer: 'acme', serial: 'r-x' });
  const huge = Buffer.alloc(300 * 1024, 0x20);
  huge.write('{"headerId":1,"padding":"', 'utf8');
  let validCount = 0;
  const template = (): State & Record<string, unknown> => structuredClone(robot.builder.build('state', robot.body)) as State & Record<string, unknown>;
  const validState = (): Msg => {
    validCount++;
    const step = validCount % 6;
    const statuses = ['WAITING', 'FINISHED', 'FINISHED', 'FINISHED', 'FINISHED', 'FINISHED'] as const;
    robot.body = idleStateBody({
      orderId: 'o1', driving: step === 2,
      batteryState: { batteryCharge: 100 - (validCount % 90), charging: false },
      agvPosition: { x: validCount, y: rnd.uniform(-50, 50), theta: 0, mapId: 'campus', positionInitialized: true },
      actionStates: [
        { actionId: 'o1-load', actionStatus: statuses[step]! },
        { actionId: 'o1-hand-P-1', actionStatus: step < 3 ? 'WAITING' : step === 3 ? 'RUNNING' : 'FINISHED' },
      ],
    });
    return { topic: STATE_TOPIC, payload: encodeMessage(robot.builder.build('state', robot.body)), expect: 'accepted' };
  };
  const bad = (): Msg => {
    switch (rnd.int(0, 9)) {
      case 0: { // not JSON at all: random bytes or text
        const bytes = Buffer.alloc(rnd.int(0, 200));
        for (let i = 0; i < bytes.length; i++) bytes[i] = rnd.int(0, 255);
        if (bytes.length > 0) bytes[0] = 0x7b; // '{' so it starts like JSON
        return { topic: STATE_TOPIC, payload: rnd.chance(0.5) ? bytes : `not json ${rnd.nextUint32()}`, expect: 'PROTOCOL_NOT_JSON' };
      }
      case 1: { // truncated JSON (compact encoding: every strict prefix is invalid)
        const full = encodeMessage(template());
        return { topic: STATE_TOPIC, payload: full.subarray(0, rnd.int(0, full.length - 1)), expect: 'PROTOCOL_NOT_JSON' };
      }
      case 2: { // wrong types at nested paths
        const m = template();
        const [path, value] = WRONG_TYPES[rnd.int(0, WRONG_TYPES.length - 1)]!;
        setPath(m, path, value);
        return { topic: STATE_TOPIC, payload: JSON.stringify(m), expect: 'PROTOCOL_SCHEMA' };
      }
      case 3: { // missing required fields
        const m = template();
        deletePath(m, REQUIRED[rnd.int(0, REQUIRED.length - 1)]!);
        return { topic: STATE_TOPIC, payload: JSON.stringify(m), expect: 'PROTOCOL_SCHEMA' };
      }
      case 4: // 300 KB
        return { topic: STATE_TOPIC, payload: huge, expect: 'PROTOCOL_TOO_LARGE' };
      case 5: // wrong topic levels
        return { topic: BAD_TOPICS[rnd.int(0, BAD_TOPICS.length - 1)]!, payload: encodeMessage(template()), expect: 'PROTOCOL_TOPIC' };
      case 6: { // header names another robot than the topic
        const m = template();
        m.serialNumber = rnd.chance(0.5) ? 'r2' : 'r1 ';
        if (rnd.chance(0.3)) { m.serialNumber = 'r1'; m.manufacturer = 'acme2'; }
        return { topic: STATE_TOPIC, payload: JSON.stringify(m), expect: 'PROTOCOL_HEADER_MISMATCH' };
      }
      case 7: // a valid message from a robot not in the registry
        return { topic: 'uagv/v2/acme/r-x/state', payload: encodeMessage(stranger.builder.build('state', idleStateBody())), expect: 'TRACKING_UNKNOWN_ROBOT' };
      case 8: { // unsupported version, or a JSON value that is not an object
        if (rnd.chance(0.5)) {
          const m = template();
          m.version = rnd.chance(0.5) ? '1.1.0' : '3.0.0';
          return { topic: STATE_TOPIC, payload: JSON.stringify(m), expect: 'PROTOCOL_VERSION' };
        }
        return { topic: STATE_TOPIC, payload: rnd.chance(0.5) ? '[1,2,3]' : 'null', expect: 'PROTOCOL_SCHEMA' };
      }
      default: { // other robot topics with wrong types
        const topics = [
          ['uagv/v2/acme/r1/visualization', { agvPosition: { x: 'a', y: 0, theta: 0, mapId: 'campus', positionInitialized: true } }],
          ['uagv/v2/acme/r1/connection', { headerId: 1, timestamp: '2026-03-02T09:00:00.000Z', version: '2.0.0', manufacturer: 'acme', serialNumber: 'r1', connectionState: 'MAYBE' }],
          ['uagv/v2/acme/r1/factsheet', { version: '2.0.0', manufacturer: 'acme', serialNumber: 'r1' }],
        ] as const;
        const [topic, body] = topics[rnd.int(0, topics.length - 1)]!;
        return { topic, payload: JSON.stringify(body), expect: 'PROTOCOL_SCHEMA' };
      }
    }
  };
  const out: Msg[] = [];
  for (let i = 0; i < BAD_COUNT; i++) {
    if (i % 20 === 0) out.push(validState());
    out.push(bad());
  }
  out.push(validState());
  return out;
}

async function newTracker(clock: VirtualClock) {
  const broker = new InMemoryBroker();
  const registry = new InMemoryRobotRegistry([{ serial: 'r1', manufacturer: 'acme', compartments: 4 }]);
  const tracker = new FleetTracker({ transport: broker.connect('fleet'), clock, registry, staleAfterMs: 60_000, logger: { info() {}, warn() {}, error() {} } });
  tracker.registerOrder('r1', deliveryOrderBody('o1', [{ parcelId: 'P-1', compartment: 0, dropNodeId: 'drop' }]));
  await tracker.start();
  const events: ParcelEvent[] = [];
  tracker.on('parcelEvent', (e) => events.push(e));
  return { broker, tracker, events };
}

describe('FleetTracker under 10,000 fuzzed MQTT messages', () => {
  it('rejects and counts every bad one exactly, never throws, and keeps the valid robot\'s state intact', async () => {
    const start = Date.UTC(2026, 2, 2, 9);
    const messages = generate(20260302, new VirtualClock(start));
    const bad = messages.filter((m) => m.expect !== 'accepted');
    expect(bad).toHaveLength(BAD_COUNT);

    const fuzzClock = new VirtualClock(start);
    const cleanClock = new VirtualClock(start);
    const fuzzed = await newTracker(fuzzClock);
    const clean = await newTracker(cleanClock);
    const publisher = fuzzed.broker.connect('attacker');
    const expected = new Map<string, number>();
    const mismatches: string[] = [];
    let viaBroker = 0;
    for (const m of messages) {
      fuzzClock.runFor(1);
      cleanClock.runFor(1);
      if (m.expect === 'accepted') {
        expect(clean.tracker.ingest(m.topic, m.payload).accepted).toBe(true);
      } else {
        expected.set(m.expect, (expected.get(m.expect) ?? 0) + 1);
      }
      // Through the broker when the subscription would deliver it (as in production); else straight to ingest.
      if (m.topic.length > 0 && !m.topic.includes('\u0000') && FILTERS.some((f) => topicMatches(f, m.topic))) {
        viaBroker++;
        const before = fuzzed.tracker.stats();
        publisher.publishSync(m.topic, m.payload);
        const after = fuzzed.tracker.stats();
        const got = after.accepted > before.accepted ? 'accepted'
          : (Object.entries(after.rejected).find(([k, n]) => n !== before.rejected[k as RejectionCode])?.[0] ?? 'nothing');
        if (got !== m.expect) mismatches.push(`${m.topic}: expected ${m.expect}, got ${got}: ${String(m.payload).slice(0, 80)}`);
      } else {
        const outcome = fuzzed.tracker.ingest(m.topic, m.payload);
        const got = outcome.accepted ? 'accepted' : outcome.code;
        if (got !== m.expect) mismatches.push(`${JSON.stringify(m.topic)}: expected ${m.expect}, got ${got}`);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(viaBroker).toBeGreaterThan(BAD_COUNT * 0.8);

    const stats = fuzzed.tracker.stats();
    expect(stats.rejected).toEqual(Object.fromEntries(expected));
    expect(stats.rejectedTotal).toBe(BAD_COUNT);
    expect(stats.accepted).toBe(clean.tracker.stats().accepted);
    // Every kind of bad input was exercised.
    expect([...expected.keys()].sort()).toEqual(['PROTOCOL_HEADER_MISMATCH', 'PROTOCOL_NOT_JSON', 'PROTOCOL_SCHEMA', 'PROTOCOL_TOO_LARGE', 'PROTOCOL_TOPIC', 'PROTOCOL_VERSION', 'TRACKING_UNKNOWN_ROBOT']);

    // Same view, same parcel events, same alerts as the tracker that saw only the valid messages.
    expect(fuzzed.tracker.robots()).toEqual(clean.tracker.robots());
    expect(fuzzed.tracker.robots()).toHaveLength(1);
    expect(fuzzed.events).toEqual(clean.events);
    expect(fuzzed.events.length).toBeGreaterThan(0);
    expect(fuzzed.tracker.alerts()).toEqual(clean.tracker.alerts());

    // Still serving: a new valid state is taken.
    const robot = new ScriptedRobot({ transport: fuzzed.broker.connect('r1'), clock: fuzzClock, manufacturer: 'acme', serial: 'r1' });
    for (let i = 0; i < 10_000; i++) robot.builder.build('state', robot.body);
    await robot.publishState({ batteryState: { batteryCharge: 42, charging: false } });
    expect(fuzzed.tracker.robot('r1')?.batteryPct).toBe(42);
  }, 60_000);
});
