import { describe, expect, it } from 'vitest';
import { fixture, fixtureBytes } from '../test/loadFixture.ts';
import { parseMessage, parseOrder, parseState, parseTopicMessage } from './parseMessage.ts';
import type { ProtocolError } from './ProtocolError.ts';
import { SCHEMA_VERSIONS, VDA_TOPICS } from './vdaTopics.ts';

function expectError(r: { ok: boolean; error?: ProtocolError }): ProtocolError {
  expect(r.ok).toBe(false);
  return r.error!;
}

describe('parseMessage: valid messages', () => {
  for (const version of SCHEMA_VERSIONS) {
    for (const topic of VDA_TOPICS) {
      it(`accepts the ${topic} ${version} example from raw bytes and tags it`, () => {
        const r = parseMessage(topic, fixtureBytes(topic, version));
        if (!r.ok) throw r.error;
        expect(r.value.topic).toBe(topic);
        expect(r.value.schemaVersion).toBe(version);
        expect(r.value.message).toEqual(fixture(topic, version));
      });
    }
  }

  it('accepts a string payload and an already-parsed object', () => {
    expect(parseOrder(fixtureBytes('order', '2.0.0').toString()).ok).toBe(true);
    expect(parseOrder(fixture('order', '2.0.0')).ok).toBe(true);
  });

  it('[VDA5050 §6.4] accepts any 2.0.x / 2.1.x patch version, validating 2.1.x against the 2.1.0 schemas', () => {
    const m = fixture('order', '2.1.0');
    m.version = '2.1.3';
    const r = parseOrder(m);
    expect(r.ok && r.value.schemaVersion).toBe('2.1.0');
    // A 2.1-only field (edge corridor) is checked in 2.1 ...
    delete m.edges[0].corridor.rightWidth;
    expect(expectError(parseOrder(m)).details).toContainEqual({ path: '/edges/0/corridor/rightWidth', message: 'is required' });
    // ... and is just an unknown extra field to the 2.0.0 schema.
    m.version = '2.0.0';
    expect(parseOrder(m).ok).toBe(true);
  });
});

describe('parseMessage: bad messages give typed errors, never throws', () => {
  it('PROTOCOL_NOT_JSON for text that is not JSON, with the parser reason', () => {
    const e = expectError(parseOrder(Buffer.from('{"headerId": 1,')));
    expect(e.code).toBe('PROTOCOL_NOT_JSON');
    expect(e.message).toMatch(/^order: payload is not JSON/);
    expect(e.details[0]!.path).toBe('');
  });

  it('PROTOCOL_NOT_JSON for bytes that are not UTF-8', () => {
    const e = expectError(parseOrder(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])));
    expect(e.code).toBe('PROTOCOL_NOT_JSON');
    expect(e.message).toMatch(/UTF-8/);
  });

  it('PROTOCOL_SCHEMA for JSON that is not an object', () => {
    const e = expectError(parseOrder('[1,2,3]'));
    expect(e.code).toBe('PROTOCOL_SCHEMA');
    expect(e.details).toContainEqual({ path: '', message: 'must be object' });
  });

  it('PROTOCOL_SCHEMA with the JSON pointer of a wrong type deep inside', () => {
    const m = fixture('order', '2.0.0');
    m.nodes[2].nodeId = 17;
    const e = expectError(parseOrder(JSON.stringify(m)));
    expect(e.code).toBe('PROTOCOL_SCHEMA');
    expect(e.details).toEqual([{ path: '/nodes/2/nodeId', message: 'must be string' }]);
    expect(e.message).toContain('/nodes/2/nodeId: must be string');
  });

  it('PROTOCOL_SCHEMA naming a missing field by its own path', () => {
    const m = fixture('state', '2.0.0');
    delete m.batteryState.charging;
    delete m.lastNodeId;
    const e = expectError(parseState(m));
    expect(e.details).toEqual(
      expect.arrayContaining([
        { path: '/lastNodeId', message: 'is required' },
        { path: '/batteryState/charging', message: 'is required' },
      ]),
    );
  });

  it('PROTOCOL_SCHEMA listing the allowed values of an enum, and a bad timestamp', () => {
    const m = fixture('state', '2.0.0');
    m.actionStates[0].actionStatus = 'DONE';
    m.timestamp = '2026-02-30T10:00:00Z';
    const e = expectError(parseState(m));
    expect(e.details).toContainEqual({ path: '/actionStates/0/actionStatus', message: 'must be one of WAITING, INITIALIZING, RUNNING, FINISHED, FAILED' });
    expect(e.details).toContainEqual({ path: '/timestamp', message: 'must match format "date-time"' });
  });

  it('caps the number of details for a garbage message', () => {
    const m = fixture('order', '2.0.0');
    m.nodes = Array.from({ length: 100 }, () => ({ nodeId: 1, sequenceId: 'x', released: 'y', actions: 3 }));
    expect(expectError(parseOrder(m)).details.length).toBe(20);
  });

  it('PROTOCOL_TOO_LARGE before parsing, with a configurable limit', () => {
    const big = Buffer.alloc(300 * 1024, 0x20);
    const e = expectError(parseOrder(big));
    expect(e.code).toBe('PROTOCOL_TOO_LARGE');
    expect(e.message).toMatch(/307200 bytes exceeds the 262144-byte limit/);
    const small = fixtureBytes('order', '2.0.0');
    expect(expectError(parseOrder(small, { maxBytes: 100 })).code).toBe('PROTOCOL_TOO_LARGE');
    // Multi-byte characters count as bytes, not characters.
    expect(expectError(parseOrder('"' + 'é'.repeat(60) + '"', { maxBytes: 100 })).code).toBe('PROTOCOL_TOO_LARGE');
  });

  it('PROTOCOL_VERSION for 1.x and 3.x messages', () => {
    for (const version of ['1.1.0', '3.0.0', '2.2.0', '2.0']) {
      const m = fixture('state', '2.0.0');
      m.version = version;
      const e = expectError(parseState(m));
      expect(e.code).toBe('PROTOCOL_VERSION');
      expect(e.details[0]!.path).toBe('/version');
    }
  });

  it('PROTOCOL_HEADER_MISMATCH when the header names another robot than the topic', () => {
    const bytes = fixtureBytes('state', '2.0.0');
    const ok = parseTopicMessage('uagv/v2/campusbot/cb-007/state', bytes);
    expect(ok.ok && ok.value.message.topic).toBe('state');
    const e = expectError(parseTopicMessage('uagv/v2/campusbot/cb-008/state', bytes));
    expect(e.code).toBe('PROTOCOL_HEADER_MISMATCH');
    expect(e.details).toEqual([{ path: '/serialNumber', message: 'is "cb-007" but the topic says "cb-008"' }]);
  });

  it('PROTOCOL_TOPIC for a wrong topic, before looking at the payload', () => {
    const e = expectError(parseTopicMessage('uagv/v2/campusbot/cb-007/orders', fixtureBytes('order', '2.0.0')));
    expect(e.code).toBe('PROTOCOL_TOPIC');
    expect(e.details[0]!.path).toBe('topic');
  });

  it('routes by the topic: an order payload on the state topic fails the state schema', () => {
    const e = expectError(parseTopicMessage('uagv/v2/campusbot/cb-007/state', fixtureBytes('order', '2.0.0')));
    expect(e.code).toBe('PROTOCOL_SCHEMA');
    expect(e.details).toContainEqual({ path: '/lastNodeId', message: 'is required' });
  });

  it('survives hostile payloads without throwing', () => {
    const hostile: unknown[] = ['null', '1e999999', '"\\u0000"', '{"__proto__":{"polluted":1}}', Buffer.alloc(0), undefined, Symbol('x'), 12n];
    for (const h of hostile) {
      expect(() => parseMessage('state', h)).not.toThrow();
      expect(parseMessage('state', h).ok).toBe(false);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
