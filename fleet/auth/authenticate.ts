import type { RequestHandler, Response } from 'express';
import type { Clock } from '../../clock/index.ts';
import { HttpError } from '../http/HttpError.ts';
import { RateLimiter } from '../http/core/RateLimiter.ts';
import type { Role } from './core/roles.ts';
import { roleAllows } from './core/roles.ts';
import { hashToken, looksLikeToken } from './core/tokens.ts';
import type { TokenRepository } from './TokenRepository.ts';

/** Who made the request, once `authenticate` has passed. Never holds the token itself. */
export interface AuthInfo {
  tokenId: string;
  role: Role;
  name: string;
}

export interface AuthenticateOptions {
  tokens: TokenRepository;
  clock: Clock;
  /**
   * Failed attempts allowed per client IP. Default: a burst of 20, then 1 every 6 s (10/min). Tokens are 256-bit so
   * guessing is hopeless anyway; this keeps a scanner from turning the store into its oracle.
   */
  failures?: RateLimiter;
  /** Called for each refused request, with a reason (`missing`, `malformed`, `unknown`, `rate_limited`). */
  onReject?: (reason: string) => void;
}

const challenge = 'Bearer realm="fleet"';

/** The authenticated caller of this request, or undefined on public routes. */
export function getAuth(res: Response): AuthInfo | undefined {
  return res.locals.auth as AuthInfo | undefined;
}

/**
 * Middleware that requires `Authorization: Bearer fleet_…`: 401 with `WWW-Authenticate` when missing or wrong, 429
 * when this IP has failed too often. Leaves `AuthInfo` for `getAuth(res)`.
 */
export function authenticate(options: AuthenticateOptions): RequestHandler {
  const { tokens, clock, onReject } = options;
  const failures = options.failures ?? new RateLimiter({ capacity: 20, refillPerSec: 10 / 60 });
  const unauthorized = (reason: string, message: string): HttpError => {
    onReject?.(reason);
    return new HttpError(401, 'UNAUTHORIZED', message, undefined, { headers: { 'WWW-Authenticate': challenge } });
  };

  return async (req, res, next) => {
    const ipKey = `ip:${req.ip ?? 'unknown'}`;
    const gate = failures.peek(ipKey, clock.now());
    if (!gate.allowed) {
      onReject?.('rate_limited');
      const retryAfterS = Math.max(1, Math.ceil(gate.retryAfterMs / 1000));
      throw new HttpError(429, 'RATE_LIMITED', `too many failed authentication attempts; retry in ${retryAfterS} s`, { limiter: 'auth-failures' }, {
        headers: { 'Retry-After': String(retryAfterS) },
      });
    }
    const header = req.get('authorization');
    if (header === undefined || header.trim() === '') {
      throw unauthorized('missing', 'this endpoint needs an API token: send "Authorization: Bearer <token>"');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const token = match?.[1];
    if (token === undefined || !looksLikeToken(token)) {
      failures.take(ipKey, clock.now());
      throw unauthorized('malformed', 'the Authorization header must be "Bearer fleet_<43 base64url characters>"');
    }
    const record = await tokens.findActiveByHash(hashToken(token));
    if (!record) {
      failures.take(ipKey, clock.now());
      throw unauthorized('unknown', 'the API token is unknown or revoked');
    }
    const auth: AuthInfo = { tokenId: record.id, role: record.role, name: record.name };
    res.locals.auth = auth;
    next();
  };
}

/** Middleware after `authenticate`: 403 unless the caller's role includes `need` (admin ⊇ dispatcher ⊇ viewer). */
export function requireRole(need: Role): RequestHandler {
  return (_req, res, next) => {
    const auth = getAuth(res);
    if (!auth) throw new HttpError(401, 'UNAUTHORIZED', 'this endpoint needs an API token', undefined, { headers: { 'WWW-Authenticate': challenge } });
    if (!roleAllows(auth.role, need)) {
      throw new HttpError(403, 'FORBIDDEN', `this endpoint needs the ${need} role; the token has ${auth.role}`);
    }
    next();
  };
}
