import { createHash, randomBytes } from 'node:crypto';

/** Bytes of CSPRNG output in a tracking token: 256 bits, so the token needs no slow hash and no rate limit to be safe. */
export const TRACKING_TOKEN_BYTES = 32;

/** A new tracking token: 32 random bytes, base64url (43 characters, URL-safe, no padding). */
export function generateTrackingToken(): string {
  return randomBytes(TRACKING_TOKEN_BYTES).toString('base64url');
}

/**
 * The stored form of a tracking token: hex SHA-256. A fast unsalted hash is enough for a 256-bit random secret (no
 * dictionary to try), and being deterministic it can be looked up by an index.
 */
export function hashTrackingToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when `token` has the shape generateTrackingToken produces (checked before hashing untrusted input). */
export function isTrackingTokenFormat(token: unknown): token is string {
  return typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** The recipient's tracking link: `{publicBaseUrl}/track/{token}` (a trailing slash on the base is tolerated). */
export function trackingLink(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/track/${token}`;
}
