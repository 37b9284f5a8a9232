import type { Request, RequestHandler } from 'express';
import type { Clock } from '../../clock/index.ts';
import type { RateLimitOptions } from './core/RateLimiter.ts';
import { RateLimiter } from './core/RateLimiter.ts';
import { HttpError } from './HttpError.ts';

export interface RateLimitMiddlewareOptions {
  clock: Clock;
  /** Shown in the metrics label and the error message, e.g. `code-attempts`. */
  name: string;
  /** The limiter, or options to make one. */
  limiter: RateLimiter | RateLimitOptions;
  /**
   * The bucket key for a request; undefined skips limiting. Default: the client IP. Key by target to stop a
   * distributed guesser, e.g. `(req) => \`parcel:${req.params.id}\``.
   */
  key?: (req: Request) => string | undefined;
}

/** Middleware that answers 429 with `Retry-After` (seconds) once a key's bucket is empty. */
export function rateLimit(options: RateLimitMiddlewareOptions): RequestHandler {
  const { clock, name } = options;
  const limiter = options.limiter instanceof RateLimiter ? options.limiter : new RateLimiter(options.limiter);
  const keyOf = options.key ?? ((req: Request) => `ip:${req.ip ?? 'unknown'}`);
  return (req, res, next) => {
    const key = keyOf(req);
    if (key === undefined) {
      next();
      return;
    }
    const decision = limiter.take(key, clock.now());
    res.set('RateLimit-Remaining', String(decision.remaining));
    if (!decision.allowed) {
      const retryAfterS = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      throw new HttpError(429, 'RATE_LIMITED', `too many requests (${name}); retry in ${retryAfterS} s`, { limiter: name }, {
        headers: { 'Retry-After': String(retryAfterS) },
      });
    }
    next();
  };
}
