import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { RateLimiter } from '../http/core/RateLimiter.ts';
import { createHttpApp } from '../http/createHttpApp.ts';
import { defineRoute } from '../http/openapi.ts';
import type { TestServer } from '../http/testing.ts';
import { startTestServer } from '../http/testing.ts';
import { Metrics, createMemoryLogger } from '../observability/index.ts';
import { createToken } from './core/tokens.ts';
import { InMemoryTokenRepository } from './TokenRepository.ts';

describe('authenticate', () => {
  const clock = new VirtualClock(0);
  const tokens = new InMemoryTokenRepository();
  const good = createToken('viewer', 'v', 0);
  tokens.add(good.record);
  const metrics = new Metrics();
  const app = createHttpApp({
    clock, logger: createMemoryLogger(clock).logger, metrics,
    auth: { tokens, authFailures: new RateLimiter({ capacity: 2, refillPerSec: 1 / 30 }) },
    routes: [defineRoute({ method: 'get', path: '/api/me', summary: 'who am I', auth: 'viewer', responses: { 200: { description: 'me' } }, handler: (ctx) => ctx.auth })],
  });
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(app);
  });
  afterAll(async () => {
    await server.close();
  });

  it('identifies the caller without exposing the token', async () => {
    const res = await server.request('/api/me', { headers: { authorization: `Bearer ${good.token}` } });
    expect(res.body).toEqual({ tokenId: good.record.id, role: 'viewer', name: 'v' });
  });

  it('locks an IP out after repeated failures (even for a good token), with Retry-After, until the bucket refills', async () => {
    const statuses = [];
    for (const header of ['Bearer nope', `Bearer ${createToken('admin', 'x', 0).token}`, `Bearer ${good.token}`]) {
      statuses.push((await server.request('/api/me', { headers: { authorization: header } })).status);
    }
    expect(statuses).toEqual([401, 401, 429]);
    const limited = await server.request('/api/me', { headers: { authorization: `Bearer ${good.token}` } });
    expect(limited.headers.get('retry-after')).toBe('30');
    clock.runFor(30_000);
    expect((await server.request('/api/me', { headers: { authorization: `Bearer ${good.token}` } })).status).toBe(200);
    const rejected = metrics.counter('fleet_http_auth_rejected_total', '', ['reason']);
    expect([rejected.get({ reason: 'malformed' }), rejected.get({ reason: 'unknown' }), rejected.get({ reason: 'rate_limited' })]).toEqual([1, 1, 2]);
  });
});
