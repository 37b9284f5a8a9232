/**
 * Differential test of the incremental parse: for every message, `parseMessage` with a memo must give exactly what
 * it gives without one (same success, same value, same error code and details), over fixtures, a robot's realistic
 * stream of states, and seeded byte-level mutations of a message that follows a valid one.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { Random } from '../../common/core/Random.ts';
import { fixtureBytes } from '../test/loadFixture.ts';
import { MessageBuilder, encodeMessage } from './MessageBuilder.ts';
import { MessageMemo } from './MessageMemo.ts';
import { parseMessage } from './parseMessage.ts';
import { SchemaValidator, splitSchema } from './SchemaValidator.ts';
import { SCHEMA_VERSIONS, VDA_TOPICS, type VdaTopic } from './vdaTopics.ts';

/** Parses `payload` both ways and fails on any difference; returns the memo's result. */
function both(topic: VdaTopic, payload: Buffer, memo: MessageMemo) {
  const expected = parseMessage(topic, payload);
  const actual = parseMessage(topic, payload, { memo });
  expect(actual.ok).toBe(expected.ok);
  if (expected.ok && actual.ok) {
    expect(isDeepStrictEqual(actual.value, expected.value)).toBe(true);
  } else if (!expected.ok && !actual.ok) {
    expect(actual.error.code).toBe(expected.error.code);
    expect(actual.error.details).toEqual(expected.error.details);
  }
  return actual;
}

function stateStream(count: number, seed: number): Buffer[] {
  const clock = new VirtualClock();
  const rnd = new Random(seed);
  const builder = new MessageBuilder({ clock, manufacturer: 'acme', serialNumber: 'r1' });
  const out: Buffer[] = [];
  for (let n = 0; n < count; n++) {
    clock.runFor(rnd.int(100, 1000));
    const step = Math.floor(n / 7);
    out.push(encodeMessage(builder.build('state', {
      orderId: `o-${Math.floor(step / 5)}`, orderUpdateId: 0, lastNodeId: `n-${step % 4}`, lastNodeSequenceId: 2 * (step % 4),
      driving: step % 2 === 0, operatingMode: 'AUTOMATIC', paused: false,
      ...(n % 11 === 0 ? {} : { distanceSinceLastNode: rnd.uniform(0, 30) }),
      nodeStates: [0, 1, 2].map((k) => ({ nodeId: `n-${k}`, sequenceId: 2 * k, released: true, nodePosition: { x: k, y: 2 * k, theta: 0, mapId: 'campus' } })),
      edgeStates: [{ edgeId: 'e-1', sequenceId: 1, released: true, edgeDescription: 'path ü→ñ' }],
      agvPosition: { x: rnd.uniform(0, 300), y: rnd.uniform(-100, 100), theta: rnd.uniform(-3, 3), mapId: 'campus', positionInitialized: true },
      loads: [{ loadId: 'P-1', loadType: 'parcel', loadPosition: 'compartment-0' }],
      actionStates: [{ actionId: 'a-1', actionType: 'handOverParcel', actionStatus: (['WAITING', 'RUNNING', 'FINISHED'] as const)[step % 3]! }],
      batteryState: { batteryCharge: 90 - (step % 60), charging: false },
      errors: step % 9 === 4 ? [{ errorType: 'recipientNoShow', errorLevel: 'WARNING' }] : [],
      safetyState: { eStop: 'NONE', fieldViolation: false },
    })));
  }
  return out;
}

/** A byte-level change to a valid payload, the kinds a sloppy or hostile sender makes. */
function mutate(payload: Buffer, rnd: Random): Buffer {
  const text = payload.toString('utf8');
  const at = rnd.int(0, payload.length - 1);
  switch (rnd.int(0, 13)) {
    case 0: { // one byte replaced by a random printable or structural byte
      const b = Buffer.from(payload);
      b[at] = rnd.chance(0.5) ? rnd.int(0x20, 0x7e) : [0x22, 0x2c, 0x3a, 0x7b, 0x7d, 0x5b, 0x5d, 0x5c][rnd.int(0, 7)]!;
      return b;
    }
    case 1: // a range deleted
      return Buffer.concat([payload.subarray(0, at), payload.subarray(Math.min(payload.length, at + rnd.int(1, 40)))]);
    case 2: // truncated
      return payload.subarray(0, at);
    case 3: // whitespace where JSON allows it (and where it does not)
      return Buffer.concat([payload.subarray(0, at), Buffer.from(' \n\t\r'.slice(0, rnd.int(1, 4))), payload.subarray(at)]);
    case 4: // a duplicate member at the end (JSON.parse keeps the last)
      return Buffer.from(`${text.slice(0, -1)},"headerId":${rnd.int(0, 5)}}`);
    case 5: // a __proto__ member
      return Buffer.from(`${text.slice(0, -1)},"__proto__":{"x":1}}`);
    case 6: // members reordered
      return Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(text) as object).reverse())));
    case 7: // an escaped key that means the same name
      return Buffer.from(text.replace('"driving"', '"d\\u0072iving"'));
    case 8: // another version
      return Buffer.from(text.replace('"2.0.0"', rnd.chance(0.5) ? '"2.1.0"' : '"3.0.0"'));
    case 9: { // invalid UTF-8 inside a member
      const b = Buffer.from(payload);
      b[at] = 0xff;
      return b;
    }
    case 10: // trailing garbage
      return Buffer.concat([payload, Buffer.from(rnd.chance(0.5) ? '}' : ' x')]);
    case 11: // a wrong type in a member that changes anyway
      return Buffer.from(text.replace(/"batteryCharge":[0-9.]+/, '"batteryCharge":"80"'));
    case 12: // a member dropped (a required one, or an optional one)
      return Buffer.from(JSON.stringify({ ...(JSON.parse(text) as object), [rnd.chance(0.5) ? 'errors' : 'paused']: undefined }));
    default: // an extra member
      return Buffer.from(`${text.slice(0, -1)},"vendorExtra":[1,{"a":"}"}]}`);
  }
}

describe('MessageMemo: parsing with a memo gives exactly what parsing without one gives', () => {
  it('reuses the unchanged members of a robot\'s stream of states', () => {
    const memo = new MessageMemo();
    const stream = stateStream(300, 1);
    let previous: Record<string, unknown> | undefined;
    for (const payload of stream) {
      const reusedBefore = memo.reused;
      const r = both('state', payload, memo);
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      const message = r.value.message as unknown as Record<string, unknown>;
      // A fresh top-level object every time; when members were reused, unchanged ones are the very same objects.
      if (previous !== undefined) {
        expect(message).not.toBe(previous);
        if (memo.reused > reusedBefore) expect(message.nodeStates).toBe(previous.nodeStates);
      }
      previous = message;
    }
    // Only the first message and those whose members differ from the previous one's (an optional member came or
    // went) need the full parse.
    const keysOf = (b: Buffer) => Object.keys(JSON.parse(b.toString('utf8')) as object).join();
    const shapeChanges = stream.filter((b, n) => n > 0 && keysOf(b) !== keysOf(stream[n - 1]!)).length;
    expect(shapeChanges).toBeGreaterThan(20);
    expect(memo.full).toBe(1 + shapeChanges);
    expect(memo.reused).toBe(300 - memo.full);
  });

  it('every fixture, twice and after another topic', () => {
    const memo = new MessageMemo();
    for (const version of SCHEMA_VERSIONS) {
      for (const topic of VDA_TOPICS) {
        both(topic, fixtureBytes(topic, version), memo);
        both(topic, fixtureBytes(topic, version), memo);
      }
    }
  });

  it('10,000 seeded mutations of a message that follows a valid one', () => {
    const rnd = new Random(5050);
    const stream = stateStream(200, 2);
    let accepted = 0;
    let rejected = 0;
    for (let n = 0; n < 10_000; n++) {
      const memo = new MessageMemo();
      const k = rnd.int(1, stream.length - 1);
      expect(both('state', stream[k - 1]!, memo).ok).toBe(true);
      const r = both('state', mutate(stream[k]!, rnd), memo);
      if (r.ok) accepted++;
      else rejected++;
      // Whatever came before, the memo still parses the next valid message right.
      expect(both('state', stream[k]!, memo).ok).toBe(true);
    }
    expect(accepted).toBeGreaterThan(500);
    expect(rejected).toBeGreaterThan(2000);
  });

  it('does not let a change to a returned message leak into the next one', () => {
    const memo = new MessageMemo();
    const [a, b] = stateStream(2, 3);
    const first = parseMessage('state', a!, { memo });
    expect(first.ok).toBe(true);
    if (first.ok) (first.value.message as unknown as Record<string, unknown>).injected = true;
    const second = both('state', b!, memo);
    expect(second.ok && 'injected' in second.value.message).toBe(false);
  });
});

describe('splitSchema', () => {
  it('splits the state schema into member checks that agree with the whole schema', () => {
    const plan = new SchemaValidator().memberPlan('state', '2.0.0', 'inbound');
    expect(plan?.required).toContain('headerId');
    expect(plan?.members.get('batteryState')?.({ batteryCharge: 50, charging: false })).toBe(true);
    expect(plan?.members.get('batteryState')?.({ batteryCharge: '50', charging: false })).toBe(false);
    expect(plan?.members.get('timestamp')?.('2026-02-30T10:00:00Z')).toBe(false);
  });

  it('declines schemas whose constraints span members', () => {
    const compile = () => () => true;
    const base = { type: 'object', required: ['a'], properties: { a: { type: 'string' } } };
    expect(splitSchema(base, compile)).toBeDefined();
    expect(splitSchema({ ...base, additionalProperties: false }, compile)).toBeUndefined();
    expect(splitSchema({ ...base, anyOf: [{ required: ['a'] }] }, compile)).toBeUndefined();
    expect(splitSchema({ ...base, properties: { a: { $ref: '#/$defs/x' } } }, compile)).toBeUndefined();
    expect(splitSchema({ ...base, type: 'array' }, compile)).toBeUndefined();
  });
});
