/**
 * Fuzzed HTTP bodies: every malformed, mistyped, incomplete, oversized or absurdly nested body is rejected with a 4xx
 * and an error code, counted, and never reaches the handler or crashes the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { Random } from '../../common/core/Random.ts';
import { InMemoryTokenRepository } from '../auth/index.ts';
import { Metrics, createMemoryLogger } from '../observability/index.ts';
import { s } from './core/schema.ts';
import { createHttpApp } from './createHttpApp.ts';
import { defineRoute } from './openapi.ts';
import type { TestServer } from './testing.ts';
import { startTestServer } from './testing.ts';

const BODY_LIMIT = 20_000;

const schema = s.object({
  recipient: s.string({ min: 1, max: 200 }),
  count: s.int({ min: 1, max: 10 }),
  urgent: s.boolean(),
  kind: s.enum(['parcel', 'letter']),
  at: s.lonLat(),
  items: s.array(s.object({ sku: s.string({ max: 20 }), qty: s.int({ min: 1 }) }), { min: 1, max: 5 }),
  note: s.optional(s.string({ max: 50 })),
});

const valid = () => ({ recipient: 'Ada', count: 2, urgent: false, kind: 'parcel', at: [120.08, 30.3], items: [{ sku: 'A1', qty: 1 }] });
type Body = Record<string, unknown>;

interface Case {
  kind: string;
  contentType: string;
  body: string;
}

const wrongValues: unknown[] = [null, true, 0, -1, 1.5, Number.POSITIVE_INFINITY, 'text', '', [], {}, [1, 2, 3], { a: 1 }, 'NaN', '1'];

function generate(rng: Random): Case {
  const pick = <T>(items: readonly T[]): T => items[rng.int(0, items.length - 1)] as T;
  const json = (body: unknown, kind: string): Case => ({ kind, contentType: 'application/json', body: JSON.stringify(body) });
  switch (rng.int(0, 9)) {
    case 0: { // not JSON at all, or JSON broken somewhere
      const text = JSON.stringify(valid());
      const cut = rng.int(1, text.length - 1);
      return pick([
        { kind: 'truncated', contentType: 'application/json', body: text.slice(0, cut) },
        { kind: 'garbage', contentType: 'application/json', body: Array.from({ length: rng.int(1, 60) }, () => String.fromCharCode(rng.int(33, 126))).join('').replace(/^[\d"[{tfn-]/, '~') },
        { kind: 'single-quotes', contentType: 'application/json', body: text.replace(/"/g, "'") },
        { kind: 'trailing-comma', contentType: 'application/json', body: `${text.slice(0, -1)},}` },
      ]);
    }
    case 1: // right body, wrong media type
      return { kind: 'not-json-type', contentType: pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml']), body: pick([JSON.stringify(valid()), 'recipient=Ada&count=2', '<a/>']) };
    case 2: { // wrong type in one field
      const body: Body = valid();
      const field = pick(['recipient', 'count', 'urgent', 'kind', 'at', 'items']);
      let value = pick(wrongValues);
      // Make sure the replacement is really wrong for that field.
      if (field === 'recipient' && typeof value === 'string' && value !== '') value = 42;
      if (field === 'items' && Array.isArray(value)) value = [value];
      if (field === 'urgent' && typeof value === 'boolean') value = 'yes';
      body[field] = value;
      return json(body, 'wrong-type');
    }
    case 3: { // missing required fields
      const body: Body = valid();
      const fields = ['recipient', 'count', 'urgent', 'kind', 'at', 'items'];
      const n = rng.int(1, fields.length);
      for (let i = 0; i < n; i += 1) delete body[pick(fields)];
      if (Object.keys(body).length === 6) delete body.recipient;
      return json(body, 'missing');
    }
    case 4: { // nested wrong shapes
      const body: Body = valid();
      const item = pick([{ sku: 'A1' }, { qty: 1 }, { sku: 5, qty: 1 }, { sku: 'A', qty: 0 }, { sku: 'A', qty: 1, extra: true }, 'A1', null]);
      body.items = [{ sku: 'B', qty: 1 }, item];
      return json(body, 'nested');
    }
    case 5: { // huge strings and arrays within the body limit
      const body: Body = valid();
      if (rng.chance(0.5)) body.recipient = 'x'.repeat(rng.int(201, 15_000));
      else body.items = Array.from({ length: rng.int(6, 400) }, () => ({ sku: 'A', qty: 1 }));
      return json(body, 'huge-field');
    }
    case 6: { // deep nesting
      const depth = rng.int(50, 3000);
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      return pick([
        { kind: 'deep-array', contentType: 'application/json', body: nested },
        { kind: 'deep-field', contentType: 'application/json', body: JSON.stringify({ ...valid(), note: '' }).replace('""', `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) },
      ]);
    }
    case 7: // over the body limit
      return { kind: 'too-large', contentType: 'application/json', body: JSON.stringify({ ...valid(), note: 'y'.repeat(BODY_LIMIT + rng.int(1, 50_000)) }) };
    case 8: // JSON, but not an object
      return json(pick([null, 0, 'text', true, [], [valid()], 1e20]), 'not-object');
    default: { // out-of-range numbers, unknown enum values, unknown keys
      const body: Body = valid();
      const mutation = rng.int(0, 4);
      if (mutation === 0) body.count = pick([0, 11, -5, 2.5, 1e12]);
      else if (mutation === 1) body.kind = pick(['Parcel', 'box', ' parcel']);
      else if (mutation === 2) body.at = pick([[181, 0], [0, 91], [0], [1, 2, 3], ['120', '30']]);
      else if (mutation === 3) body[pick(['Recipient', '__proto__x', 'constructor', 'extra'])] = 1;
      else body.note = 'z'.repeat(rng.int(51, 500));
      return json(body, 'out-of-range');
    }
  }
}

describe('fuzzed HTTP bodies', () => {
  const clock = new VirtualClock(0);
  const metrics = new Metrics();
  const mem = createMemoryLogger(clock, 'warn');
  let handled = 0;
  const app = createHttpApp({
    clock, logger: mem.logger, metrics, bodyLimitBytes: BODY_LIMIT,
    auth: { tokens: new InMemoryTokenRepository() },
    routes: [defineRoute({
      method: 'post', path: '/api/sample', summary: 'validated sample', auth: 'public',
      request: { body: schema }, responses: { 201: { description: 'ok' } },
      handler: (ctx) => {
        handled += 1;
        return { recipient: ctx.body.recipient };
      },
    })],
  });
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(app);
  });
  afterAll(async () => {
    await server.close();
  });

  it('accepts the valid sample body (the fuzz starts from a body that passes)', async () => {
    const res = await server.request('/api/sample', { method: 'POST', json: valid() });
    expect(res.status).toBe(201);
    expect(handled).toBe(1);
  });

  it('rejects 2,100 generated bad bodies with a 4xx and a code, counts each, and keeps serving', async () => {
    const rng = new Random(5050);
    const cases = Array.from({ length: 2100 }, () => generate(rng));
    const results: Array<{ kind: string; status: number; code: unknown }> = [];
    const concurrency = 8;
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < cases.length) {
        const c = cases[next++] as Case;
        const res = await server.request('/api/sample', { method: 'POST', headers: { 'content-type': c.contentType }, body: c.body });
        results.push({ kind: c.kind, status: res.status, code: (res.body as { error?: { code?: unknown } }).error?.code });
      }
    }));
    const bad = results.filter((r) => r.status < 400 || r.status >= 500 || typeof r.code !== 'string');
    expect(bad).toEqual([]);
    expect(handled).toBe(1);
    const kinds = new Set(results.map((r) => r.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(12);
    expect([...new Set(results.map((r) => r.status))].sort()).toEqual([400, 413, 415]);
    const rejected = metrics.counter('fleet_http_rejected_requests_total', '', ['reason']);
    const total = ['INVALID_JSON', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'UNSUPPORTED_ENCODING', 'BAD_REQUEST_BODY', 'VALIDATION_FAILED']
      .reduce((sum, reason) => sum + rejected.get({ reason }), 0);
    expect(total).toBe(cases.length);
    expect(metrics.counter('fleet_http_internal_errors_total', '').get()).toBe(0);
    expect((await server.request('/healthz')).status).toBe(200);
    expect((await server.request('/api/sample', { method: 'POST', json: valid() })).status).toBe(201);
  });
});
