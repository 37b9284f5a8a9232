/**
 * Token-bucket rate limiting, pure: the caller passes `now`. Each key (an IP, a parcel, a token prefix) gets a bucket
 * of `capacity` tokens refilled at `refillPerSec`; a request takes one. Memory is bounded by `maxKeys`: the least
 * recently used bucket is dropped first. A dropped bucket forgets its debt, so `maxKeys` must exceed the number of
 * keys an attacker can rotate through within one refill period (with per-IP keys, that is the number of IPs).
 */
import { AppError } from '../../../common/core/AppError.ts';

export interface RateLimitOptions {
  /** Burst size: how many requests a fresh key may make at once. */
  capacity: number;
  /** Sustained rate in requests per second (e.g. 10 per minute = 10 / 60). */
  refillPerSec: number;
  /** Most keys remembered; default 10,000. */
  maxKeys?: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** When not allowed: ms until one token is available. 0 when allowed. */
  retryAfterMs: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class RateLimiterError extends AppError {}

/** A keyed token-bucket limiter with bounded memory. */
export class RateLimiter {
  readonly capacity: number;
  readonly refillPerMs: number;
  readonly maxKeys: number;
  // A Map iterates in insertion order; re-inserting on each use keeps it ordered least- to most-recently used.
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimitOptions) {
    const { capacity, refillPerSec, maxKeys = 10_000 } = options;
    if (!(capacity >= 1) || !Number.isFinite(capacity)) throw new RateLimiterError('RATE_LIMIT_INVALID', `capacity must be >= 1, got ${capacity}`);
    if (!(refillPerSec > 0) || !Number.isFinite(refillPerSec)) {
      throw new RateLimiterError('RATE_LIMIT_INVALID', `refillPerSec must be > 0, got ${refillPerSec}`);
    }
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) throw new RateLimiterError('RATE_LIMIT_INVALID', `maxKeys must be a positive integer, got ${maxKeys}`);
    this.capacity = capacity;
    this.refillPerMs = refillPerSec / 1000;
    this.maxKeys = maxKeys;
  }

  /** Takes `cost` tokens from `key`'s bucket at time `nowMs` if it has them. */
  take(key: string, nowMs: number, cost = 1): RateDecision {
    const bucket = this.#refilled(key, nowMs);
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    while (this.#buckets.size > this.maxKeys) {
      const oldest = this.#buckets.keys().next().value as string;
      this.#buckets.delete(oldest);
    }
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterMs: 0 };
    }
    return { allowed: false, remaining: 0, retryAfterMs: Math.ceil((cost - bucket.tokens) / this.refillPerMs) };
  }

  /** What `take` would answer, without taking. */
  peek(key: string, nowMs: number, cost = 1): RateDecision {
    const bucket = this.#buckets.has(key) ? this.#refilled(key, nowMs) : { tokens: this.capacity, updatedMs: nowMs };
    if (bucket.tokens >= cost) return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterMs: 0 };
    return { allowed: false, remaining: 0, retryAfterMs: Math.ceil((cost - bucket.tokens) / this.refillPerMs) };
  }

  /** Forgets a key (e.g. after a successful login, its failure budget is restored). */
  reset(key: string): void {
    this.#buckets.delete(key);
  }

  /** Number of keys currently remembered. */
  get size(): number {
    return this.#buckets.size;
  }

  #refilled(key: string, nowMs: number): Bucket {
    const bucket = this.#buckets.get(key);
    if (!bucket) return { tokens: this.capacity, updatedMs: nowMs };
    // A clock that steps back (virtual clock reset) must not drain or overfill a bucket.
    const elapsedMs = Math.max(0, nowMs - bucket.updatedMs);
    return { tokens: Math.min(this.capacity, bucket.tokens + elapsedMs * this.refillPerMs), updatedMs: Math.max(nowMs, bucket.updatedMs) };
  }
}
