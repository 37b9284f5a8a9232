import { describe, expect, it } from 'vitest';
import { RateLimiter } from './RateLimiter.ts';

describe('RateLimiter', () => {
  it('allows a burst of capacity, then refills at the configured rate', () => {
    const limiter = new RateLimiter({ capacity: 3, refillPerSec: 1 / 60 });
    const t0 = 1_000_000;
    expect([1, 2, 3, 4].map(() => limiter.take('ip:a', t0).allowed)).toEqual([true, true, true, false]);
    expect(limiter.take('ip:a', t0).retryAfterMs).toBe(60_000);
    expect(limiter.take('ip:a', t0 + 30_000)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 30_000 });
    expect(limiter.take('ip:a', t0 + 60_000).allowed).toBe(true);
    expect(limiter.take('ip:a', t0 + 60_000).allowed).toBe(false);
    expect(limiter.take('ip:b', t0).allowed).toBe(true);
  });

  it('never holds more than capacity, however long a key is idle, and ignores clock steps back', () => {
    const limiter = new RateLimiter({ capacity: 2, refillPerSec: 1 });
    limiter.take('k', 0);
    expect(limiter.peek('k', 1e9).remaining).toBe(2);
    limiter.take('k', 10_000);
    limiter.take('k', 10_000);
    expect(limiter.take('k', 5_000).allowed).toBe(false);
  });

  it('keeps memory bounded, dropping the least recently used key', () => {
    const limiter = new RateLimiter({ capacity: 1, refillPerSec: 0.001, maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) limiter.take(key, 0);
    limiter.take('a', 1);
    limiter.take('d', 2);
    expect(limiter.size).toBe(3);
    expect(limiter.take('a', 3).allowed).toBe(false);
    expect(limiter.take('b', 3).allowed).toBe(true);
  });

  it('rejects configurations that cannot work', () => {
    expect(() => new RateLimiter({ capacity: 0, refillPerSec: 1 })).toThrow(/capacity/);
    expect(() => new RateLimiter({ capacity: 1, refillPerSec: 0 })).toThrow(/refillPerSec/);
    expect(() => new RateLimiter({ capacity: 1, refillPerSec: 1, maxKeys: 0 })).toThrow(/maxKeys/);
  });
});
