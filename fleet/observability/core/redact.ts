/**
 * Removes secrets from anything about to be logged. Logs are read by more people (and tools) than the database, so
 * pickup codes, API tokens, tracking tokens and passwords must never reach them, not even nested deep in an error's
 * context or inside a URL string.
 */

export const REDACTED = '[REDACTED]';

/** Keys whose values are always removed, compared case-insensitively with `_` and `-` ignored. */
export const SECRET_KEYS: readonly string[] = [
  'code', 'pickupCode', 'codes', 'token', 'tokens', 'trackingToken', 'apiToken', 'accessToken', 'refreshToken',
  'authorization', 'password', 'passwd', 'secret', 'credential', 'credentials', 'cookie', 'setCookie', 'apiKey',
];

const secretKeySet = new Set(SECRET_KEYS.map(normalizeKey));

function normalizeKey(key: string): string {
  return key.replace(/[-_]/g, '').toLowerCase();
}

/** True when a key names a secret (`pickup_code`, `Authorization`, `trackingToken`, …). */
export function isSecretKey(key: string): boolean {
  return secretKeySet.has(normalizeKey(key));
}

// Order matters: the specific forms first so the generic ones do not half-mask them.
const stringMasks: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[^\s,;"']+/gi, `$1 ${REDACTED}`],
  [/\bfleet_[A-Za-z0-9_-]+/g, `fleet_${REDACTED}`],
  [/(\/track\/)[^/?#\s"']+/gi, `$1${REDACTED}`],
  [/([?&](?:code|pickup_?code|token|tracking_?token|password|secret)=)[^&#\s"']*/gi, `$1${REDACTED}`],
  // `password=…` / `secret: …` in free text, e.g. a driver error echoing a connection string.
  [/\b((?:password|passwd|pwd|secret|token|pickup_?code|tracking_?token|api_?key|credential)\s*[=:]\s*)[^\s,;&"'@]+/gi, `$1${REDACTED}`],
  // Credentials inside URLs: scheme://user:password@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${REDACTED}@`],
];

/** Masks bearer tokens, `fleet_…` API tokens, `/track/<token>` paths and secret query parameters in a string. */
export function redactString(text: string): string {
  let out = text;
  for (const [pattern, replacement] of stringMasks) out = out.replace(pattern, replacement);
  return out;
}

/** Deeper structures than this are cut, so a hostile deeply nested body cannot blow the stack while logging. */
export const MAX_REDACT_DEPTH = 12;

/**
 * Returns a copy of `value` with secret keys replaced by `[REDACTED]` at any depth and secrets inside strings masked.
 * Errors become plain objects (name, message, code, stack); cycles become `[Circular]`.
 */
export function redact(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_REDACT_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (value instanceof Error) return walkError(value, depth, seen);
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = isSecretKey(key) ? REDACTED : walk(item, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

function walkError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: redactString(error.message) };
  for (const [key, item] of Object.entries(error)) {
    // On an Error, an upper-case `code` is an error code (STORE_CONFLICT, ECONNREFUSED) that operators need; a pickup
    // code never has that shape, so only that shape is kept.
    if (key === 'code' && typeof item === 'string' && /^[A-Z][A-Z0-9_]*$/.test(item)) out.code = item;
    else out[key] = isSecretKey(key) ? REDACTED : walk(item, depth + 1, seen);
  }
  if (error.stack) out.stack = redactString(error.stack);
  if (error.cause !== undefined) out.cause = walk(error.cause, depth + 1, seen);
  return out;
}
