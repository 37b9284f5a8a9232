import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { InMemoryTokenRepository, createToken } from '../auth/index.ts';
import { Metrics, createMemoryLogger } from '../observability/index.ts';
import { RateLimiter } from './core/RateLimiter.ts';
import { s } from './core/schema.ts';
import { createHttpApp } from './createHttpApp.ts';
import { defineRoute } from './openapi.ts';
import { rateLimit } from './rateLimit.ts';
import type { TestServer } from './testing.ts';
import { startTestServer } from './testing.ts';

const parcelBody = s.object({
  recipient: s.string({ min: 1, max: 200 }),
  parcels: s.array(s.object({ destination: s.string({ min: 1, max: 100 }), weightKg: s.number({ min: 0, max: 30 }), fragile: s.optional(s.boolean()) }), { min: 1, max: 50 }),
  priority: s.enum(['normal', 'urgent']),
  at: s.optional(s.lonLat()),
});

describe('createHttpApp', () => {
  const clock = new VirtualClock(Date.UTC(2026, 10, 27, 8));
  const metrics = new Metrics();
  const mem = createMemoryLogger(clock);
  const tokens = new InMemoryTokenRepository();
  const admin = createToken('admin', 'ops', clock.now());
  const viewer = createToken('viewer', 'screen', clock.now());
  const revoked = createToken('dispatcher', 'old', clock.now());
  tokens.add(admin.record);
  tokens.add(viewer.record);
  tokens.add(revoked.record);
  tokens.revoke(revoked.record.id, clock.now());
  const trackingTokens = new Map([['Trk0123456789abcdefXYZ', { parcelId: 'P-1' }]]);
  let dbUp = true;
  let slowCheck: () => Promise<void> | void = () => undefined;
  const routes = [
    defineRoute({
      method: 'post', path: '/api/parcels', summary: 'Create parcels', auth: 'dispatcher',
      request: { body: parcelBody },
      responses: { 201: { description: 'created', body: s.object({ count: s.int() }) } },
      handler: (ctx) => ({ count: ctx.body.parcels.length, recipientLength: ctx.body.recipient.length }),
    }),
    defineRoute({
      method: 'get', path: '/api/robots/:serial', summary: 'One robot', auth: 'viewer',
      request: { params: s.object({ serial: s.string({ max: 64, pattern: /^[A-Za-z0-9_-]+$/ }) }), query: s.object({ limit: s.optional(s.int({ min: 1, max: 100 })) }) },
      responses: { 200: { description: 'the robot' } },
      handler: (ctx) => ({ serial: ctx.params.serial, limit: ctx.query.limit ?? 10, role: ctx.auth?.role }),
    }),
    defineRoute({
      method: 'get', path: '/api/track/:token', summary: 'Track a parcel', auth: 'tracking',
      responses: { 200: { description: 'parcel status' } },
      handler: (ctx) => ({ grant: ctx.tracking }),
    }),
    defineRoute({
      method: 'post', path: '/api/parcels/:id/verify', summary: 'Check a code', auth: 'public',
      middleware: [rateLimit({ clock, name: 'code-attempts', limiter: { capacity: 3, refillPerSec: 1 / 60 }, key: (req) => `parcel:${String(req.params.id)}` })],
      request: { body: s.object({ code: s.string({ max: 12 }) }) },
      responses: { 200: { description: 'checked' } },
      handler: () => ({ ok: false }),
    }),
    defineRoute({
      method: 'get', path: '/api/boom', summary: 'Always fails', auth: 'public',
      responses: { 200: { description: 'never' } },
      handler: () => {
        throw new Error('database password=hunter2 at db.internal:5432');
      },
    }),
  ];
  const app = createHttpApp({
    clock, logger: mem.logger, metrics, routes,
    auth: { tokens, tracking: (t) => trackingTokens.get(t), trackingFailures: new RateLimiter({ capacity: 3, refillPerSec: 1 / 600 }) },
    readiness: { database: () => { if (!dbUp) throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.3'), { code: 'ECONNREFUSED' }); }, broker: () => slowCheck() },
  });
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(app);
  });
  afterAll(async () => {
    await server.close();
  });
  const asAdmin = { authorization: `Bearer ${admin.token}` };
  const good = { recipient: 'Ada', parcels: [{ destination: 'B12', weightKg: 2 }], priority: 'normal' };

  it('answers /healthz, /readyz with check status, and hides check error messages', async () => {
    expect((await server.request('/healthz')).status).toBe(200);
    expect((await server.request('/readyz')).body).toEqual({ status: 'ok', checks: { database: 'ok', broker: 'ok' } });
    dbUp = false;
    const down = await server.request('/readyz');
    dbUp = true;
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ status: 'unavailable', checks: { database: 'failed: ECONNREFUSED', broker: 'ok' } });
    expect(down.text).not.toContain('10.0.0.3');
  });

  it('fails a readiness check that hangs, after the timeout on the injected clock', async () => {
    let release: () => void = () => undefined;
    slowCheck = () => new Promise<void>((resolve) => { release = resolve; });
    const pending = server.request('/readyz');
    for (let i = 0; i < 100 && clock.pending === 0; i += 1) await new Promise((r) => setTimeout(r, 5));
    clock.runFor(2000);
    const res = await pending;
    release();
    slowCheck = () => undefined;
    expect(res.status).toBe(503);
    expect((res.body as { checks: Record<string, string> }).checks.broker).toBe('timed out after 2000 ms');
  });

  it('accepts a valid body with the right role and returns the declared success status', async () => {
    const res = await server.request('/api/parcels', { method: 'POST', headers: asAdmin, json: good });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ count: 1, recipientLength: 3 });
  });

  it('reports every validation issue with its path', async () => {
    const res = await server.request('/api/parcels', { method: 'POST', headers: asAdmin, json: { recipient: '', parcels: [{ weightKg: 'x' }, { destination: 'A', weightKg: 1, colour: 'red' }], priority: 'asap', at: [200, 0] } });
    expect(res.status).toBe(400);
    const body = res.body as { error: { code: string; message: string; details: { issues: Array<{ path: string; message: string }> } } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.message).toBe('body.recipient: must not be empty (and 5 more)');
    expect(body.error.details.issues).toEqual([
      { path: 'body.recipient', message: 'must not be empty' },
      { path: 'body.parcels[0].destination', message: 'required' },
      { path: 'body.parcels[0].weightKg', message: 'expected a number, got string' },
      { path: 'body.parcels[1].colour', message: 'unknown field' },
      { path: 'body.priority', message: 'must be one of normal, urgent' },
      { path: 'body.at[0]', message: 'longitude must be a number in [-180, 180]' },
    ]);
  });

  it('coerces and validates query and path parameters', async () => {
    const ok = await server.request('/api/robots/R-7?limit=5', { headers: asAdmin });
    expect(ok.body).toEqual({ serial: 'R-7', limit: 5, role: 'admin' });
    const bad = await server.request('/api/robots/R-7?limit=zero&x=1', { headers: asAdmin });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { details: { issues: unknown[] } } }).error.details.issues).toEqual([
      { path: 'query.limit', message: 'expected an integer, got string' },
      { path: 'query.x', message: 'unknown field' },
    ]);
  });

  it('needs a bearer token (401 + WWW-Authenticate), a live one, and enough role (403)', async () => {
    const none = await server.request('/api/robots/R-1');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="fleet"');
    const old = await server.request('/api/robots/R-1', { headers: { authorization: `Bearer ${revoked.token}` } });
    expect(old.status).toBe(401);
    expect((await server.request('/api/robots/R-1', { headers: { authorization: `Bearer ${viewer.token}` } })).status).toBe(200);
    const forbidden = await server.request('/api/parcels', { method: 'POST', headers: { authorization: `Bearer ${viewer.token}` }, json: good });
    expect(forbidden.status).toBe(403);
    expect((forbidden.body as { error: { code: string } }).error.code).toBe('FORBIDDEN');
  });

  it('gives recipients access by tracking token only, with one 404 for every miss, then 429', async () => {
    const hit = await server.request('/api/track/Trk0123456789abcdefXYZ');
    expect(hit.body).toEqual({ grant: { parcelId: 'P-1' } });
    const misses = [];
    for (const t of ['Trk0123456789abcdefXYQ', 'short', 'Trk0123456789abcdefXYW']) misses.push((await server.request(`/api/track/${t}`)).status);
    expect(misses).toEqual([404, 404, 404]);
    const limited = await server.request('/api/track/Trk0123456789abcdefXYZ');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(600);
    clock.runFor(600_000);
    expect((await server.request('/api/track/Trk0123456789abcdefXYZ')).status).toBe(200);
  });

  it('rate limits code attempts per target with Retry-After, independent of the caller', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await server.request('/api/parcels/P-9/verify', { method: 'POST', json: { code: '123456' } })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await server.request('/api/parcels/P-8/verify', { method: 'POST', json: { code: '1' } })).status).toBe(200);
  });

  it('turns an unexpected error into a plain 500 with a request id, logged without secrets', async () => {
    const res = await server.request('/api/boom', { headers: { 'x-request-id': 'req-42' } });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'internal error; quote the request id when reporting it', requestId: 'req-42' } });
    const logged = mem.records().find((r) => r.msg === 'unhandled error in request');
    expect(logged?.requestId).toBe('req-42');
    expect(JSON.stringify(logged)).not.toContain('hunter2');
  });

  it('serves an OpenAPI 3.1 document built from the same schemas', async () => {
    const doc = (await server.request('/openapi.json')).body as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }; security: unknown; parameters: unknown[] }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/parcels']?.post?.requestBody?.content['application/json']?.schema).toEqual(parcelBody.toJsonSchema());
    expect(doc.paths['/api/robots/{serial}']?.get?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/robots/{serial}']?.get?.parameters).toContainEqual({ name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } });
    expect(doc.paths['/api/track/{token}']?.get?.security).toEqual([]);
  });

  it('exposes Prometheus metrics and never logs tokens', async () => {
    const text = (await server.request('/metrics')).text;
    expect(text).toContain('# TYPE fleet_http_requests_total counter');
    expect(text).toMatch(/fleet_http_requests_total\{method="POST",route="\/api\/parcels",status="2xx"\} 1/);
    expect(text).toMatch(/fleet_http_rate_limited_total\{limiter="code-attempts"\} 1/);
    const all = mem.lines.join('\n');
    expect(all).not.toContain(admin.token);
    expect(all).not.toContain('Trk0123456789abcdefXYZ');
    expect(all).toContain('/api/track/[REDACTED]');
  });
});
