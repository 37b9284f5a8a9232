/**
 * API tokens: 32 random bytes, shown once as `fleet_<base64url>` and stored only as their SHA-256. A fast hash is
 * enough here (unlike passwords) because the token has 256 bits of entropy: there is nothing to brute-force.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Role } from './roles.ts';

export const TOKEN_PREFIX = 'fleet_';
const tokenRe = /^fleet_[A-Za-z0-9_-]{43}$/;

/** A stored API token (the secret itself is never stored). Mirrors the `api_tokens` table. */
export interface ApiTokenRecord {
  id: string;
  tokenHash: string;
  role: Role;
  name: string;
  /** ms since the epoch */
  createdAt: number;
  /** ms since the epoch, when revoked */
  revokedAt?: number | null;
}

/** Hex SHA-256 of a token, the form it is stored and looked up by. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when `text` has the shape of one of our tokens (checked before any lookup, so junk never reaches the store). */
export function looksLikeToken(text: string): boolean {
  return tokenRe.test(text);
}

/**
 * Creates a new API token. The returned `token` is the only copy of the secret: show it to the admin once and store
 * `record` (which holds only its hash).
 */
export function createToken(role: Role, name: string, nowMs: number): { token: string; record: ApiTokenRecord } {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, record: { id: randomUUID(), tokenHash: hashToken(token), role, name, createdAt: nowMs, revokedAt: null } };
}
