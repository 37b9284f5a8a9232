import { describe, expect, it } from 'vitest';
import { redact, redactString } from './redact.ts';

describe('redact', () => {
  it.each([
    [{ code: '123456' }, { code: '[REDACTED]' }],
    [{ pickupCode: '123456', parcelId: 'P-1' }, { pickupCode: '[REDACTED]', parcelId: 'P-1' }],
    [{ pickup_code: '1' }, { pickup_code: '[REDACTED]' }],
    [{ headers: { Authorization: 'Bearer abc', 'x-request-id': 'r1' } }, { headers: { Authorization: '[REDACTED]', 'x-request-id': 'r1' } }],
    [{ user: { password: 'p', name: 'n' } }, { user: { password: '[REDACTED]', name: 'n' } }],
    [{ list: [{ trackingToken: 't' }, { token: { nested: 1 } }] }, { list: [{ trackingToken: '[REDACTED]' }, { token: '[REDACTED]' }] }],
    [{ 'tracking-token': 'x', apiKey: 'k', credential: 'c', cookie: 'c' }, { 'tracking-token': '[REDACTED]', apiKey: '[REDACTED]', credential: '[REDACTED]', cookie: '[REDACTED]' }],
    [{ a: { b: { c: { d: { secret: 's' } } } } }, { a: { b: { c: { d: { secret: '[REDACTED]' } } } } }],
  ])('removes secret keys at any depth: %j', (input, expected) => {
    expect(redact(input)).toEqual(expected);
  });

  it.each([
    ['Authorization: Bearer fleet_abcDEF123_-xyz', 'Authorization: Bearer [REDACTED]'],
    ['token fleet_Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1u leaked', 'token fleet_[REDACTED] leaked'],
    ['GET /api/track/Trk0123456789abcdef 200', 'GET /api/track/[REDACTED] 200'],
    ['https://fleet.example/track/abc?x=1', 'https://fleet.example/track/[REDACTED]?x=1'],
    ['/api/parcels/P1/verify?code=123456&x=1', '/api/parcels/P1/verify?code=[REDACTED]&x=1'],
    ['connect failed: password=hunter2 host=db', 'connect failed: password=[REDACTED] host=db'],
    ['postgres://fleet:s3cret@db:5432/fleet', 'postgres://fleet:[REDACTED]@db:5432/fleet'],
    ['robot SN-1 delivered parcel P-7', 'robot SN-1 delivered parcel P-7'],
  ])('masks secrets inside strings: %s', (input, expected) => {
    expect(redactString(input)).toBe(expected);
    expect(redact({ msg: input })).toEqual({ msg: expected });
  });

  it('turns errors into plain objects, keeping error codes but masking messages and causes', () => {
    const cause = Object.assign(new Error('auth failed for Bearer fleet_AAAA'), { code: 'ECONNRESET' });
    const error = Object.assign(new Error('lookup of /track/SECRETTOKEN1234 failed', { cause }), { code: 'STORE_ERROR', pickupCode: '999' });
    const out = redact({ error }) as { error: Record<string, unknown> };
    expect(out.error.name).toBe('Error');
    expect(out.error.code).toBe('STORE_ERROR');
    expect(out.error.pickupCode).toBe('[REDACTED]');
    expect(out.error.message).toBe('lookup of /track/[REDACTED] failed');
    expect((out.error.cause as Record<string, unknown>).message).toBe('auth failed for Bearer [REDACTED]');
    expect(JSON.stringify(out)).not.toMatch(/SECRETTOKEN|fleet_AAAA|999/);
  });

  it('copes with cycles, deep nesting, bigint and buffers without throwing', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(redact(cyclic)).toEqual({ a: 1, self: '[Circular]' });
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i += 1) deep = { next: deep };
    expect(JSON.stringify(redact(deep))).toContain('[Truncated]');
    expect(redact({ n: 10n, b: Buffer.from('secret') })).toEqual({ n: '10', b: '[Buffer 6 bytes]' });
  });
});
