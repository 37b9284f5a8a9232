import type { RequestHandler, Response } from 'express';
import type { Clock } from '../../clock/index.ts';
import { HttpError } from '../http/HttpError.ts';
import { RateLimiter } from '../http/core/RateLimiter.ts';

/** Resolves a recipient's tracking token to what it grants (e.g. `{ parcelId }`), or undefined when unknown/expired. */
export type TrackingLookup<G = unknown> = (token: string) => Promise<G | undefined> | G | undefined;

export interface TrackingAuthOptions<G> {
  lookup: TrackingLookup<G>;
  clock: Clock;
  /** Route parameter holding the token. Default `token` (routes like `/api/track/:token`). */
  param?: string;
  /** Every tracking request per IP. Default burst 60, then 1/s. */
  perIp?: RateLimiter;
  /** Unknown tokens per IP: guessing is what this stops. Default burst 10, then 10 per 10 min. */
  failuresPerIp?: RateLimiter;
  onReject?: (reason: string) => void;
}

// Tracking tokens are high-entropy URL-safe strings; anything else is rejected before it reaches the store.
const trackingTokenRe = /^[A-Za-z0-9_-]{16,128}$/;

/** What the tracking token of this request grants (set by `trackingAuth`). */
export function getTracking<G = unknown>(res: Response): G | undefined {
  return res.locals.tracking as G | undefined;
}

/**
 * Recipient access: the tracking token in the URL is the only credential. Unknown, malformed and expired tokens all
 * answer the same 404 (no oracle for which tokens exist), and both all requests and misses are rate limited per IP.
 */
export function trackingAuth<G>(options: TrackingAuthOptions<G>): RequestHandler {
  const { lookup, clock, param = 'token', onReject } = options;
  const perIp = options.perIp ?? new RateLimiter({ capacity: 60, refillPerSec: 1 });
  const failures = options.failuresPerIp ?? new RateLimiter({ capacity: 10, refillPerSec: 1 / 60 });
  const limited = (limiter: string, retryAfterMs: number): HttpError => {
    onReject?.('rate_limited');
    const retryAfterS = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return new HttpError(429, 'RATE_LIMITED', `too many tracking requests; retry in ${retryAfterS} s`, { limiter }, {
      headers: { 'Retry-After': String(retryAfterS) },
    });
  };

  return async (req, res, next) => {
    const ipKey = `ip:${req.ip ?? 'unknown'}`;
    const now = clock.now();
    const failGate = failures.peek(ipKey, now);
    if (!failGate.allowed) throw limited('tracking-failures', failGate.retryAfterMs);
    const rate = perIp.take(ipKey, now);
    if (!rate.allowed) throw limited('tracking', rate.retryAfterMs);
    const token = req.params[param];
    const grant = typeof token === 'string' && trackingTokenRe.test(token) ? await lookup(token) : undefined;
    if (grant === undefined) {
      failures.take(ipKey, clock.now());
      onReject?.('unknown');
      throw new HttpError(404, 'TRACKING_NOT_FOUND', 'no parcel matches this tracking link (it may have expired)');
    }
    res.locals.tracking = grant;
    next();
  };
}
