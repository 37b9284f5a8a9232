import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from './retryDelay.ts';
import { signWebhook, verifyWebhookSignature } from './webhookSignature.ts';

describe('webhook signatures', () => {
  const body = '{"id":"N-1","data":{"x":1}}';
  const sig = signWebhook('s3cret', 1000, body);

  it('sign as sha256=<64 hex> and verify the same body and timestamp', () => {
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ secret: 's3cret', body, signature: sig, timestamp: '1000', nowMs: 2000 })).toBe('ok');
  });

  it('refuse a changed body, a wrong secret, a moved timestamp, a stale request and missing headers', () => {
    const base = { secret: 's3cret', body, signature: sig, timestamp: '1000', nowMs: 2000 };
    expect(verifyWebhookSignature({ ...base, body: body.replace('1', '2') })).toBe('mismatch');
    expect(verifyWebhookSignature({ ...base, secret: 'other' })).toBe('mismatch');
    expect(verifyWebhookSignature({ ...base, timestamp: '1001' })).toBe('mismatch');
    expect(verifyWebhookSignature({ ...base, nowMs: 1000 + 5 * 60_000 + 1 })).toBe('stale');
    expect(verifyWebhookSignature({ ...base, signature: undefined })).toBe('missing');
    expect(verifyWebhookSignature({ ...base, timestamp: 'yesterday' })).toBe('missing');
    expect(verifyWebhookSignature({ ...base, signature: 'sha256=00' })).toBe('mismatch');
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base, caps, and gives up after maxAttempts', () => {
    const policy = { baseMs: 1000, capMs: 10_000, maxAttempts: 6 };
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(a, policy))).toEqual([1000, 2000, 4000, 8000, 10_000]);
    expect(retryDelayMs(6, policy)).toBeUndefined();
    const total = Array.from({ length: 20 }, (_, i) => retryDelayMs(i + 1, DEFAULT_RETRY_POLICY) ?? 0).reduce((a, b) => a + b, 0);
    expect(total / 3600_000).toBeGreaterThan(2); // the defaults keep trying for hours, riding out a receiver outage
  });
});
