/**
 * Pickup codes: the recipient's secret that opens one compartment. The fleet server draws the code from a CSPRNG,
 * sends the recipient the code and the robot only a salted scrypt hash (inside the `handOverParcel` action), so a
 * robot can check a keypad entry offline and a leaked order does not leak codes.
 */
import { randomBytes, randomInt, scryptSync, timingSafeEqual } from 'node:crypto';
import { ProtocolError } from './ProtocolError.ts';

/** scrypt cost parameters: N (CPU/memory cost, power of two), r (block size), p (parallelism). */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * A salted pickup-code hash with the parameters that made it, so the server chooses the cost per deployment
 * (cheap in the simulator, strong in production) and the robot needs no configuration to verify.
 */
export interface CodeHash {
  alg: 'scrypt';
  N: number;
  r: number;
  p: number;
  /** Salt, base64 (standard alphabet). */
  saltB64: string;
  /** Derived key (32 bytes), base64. */
  hashB64: string;
}

/** Production cost: ~16 MiB and tens of ms per check, which makes offline guessing of an 8-digit code expensive. */
export const STRONG_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 16384, r: 8, p: 1 });
/** Simulator cost: fast enough for 30,000 parcels a day; never use it for real recipients. */
export const CHEAP_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 16, r: 1, p: 1 });

export const DEFAULT_PICKUP_CODE_LENGTH = 8;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/**
 * Bounds on parameters taken from a message: a hostile order must not make the robot allocate gigabytes or spin for
 * minutes. scrypt needs about 128·N·r bytes.
 */
const MAX_SCRYPT_MEM_BYTES = 256 * 1024 * 1024;
const MIN_CODE_LENGTH = 4;
const MAX_CODE_LENGTH = 16;

/**
 * Draws a pickup code of `length` decimal digits (default 8) from node:crypto's CSPRNG, or from `digit` (0–9 per
 * call: a simulator's seeded source, so a day replays exactly). Leading zeros are kept, so every one of the 10^length
 * codes is equally likely.
 */
export function generatePickupCode(length: number = DEFAULT_PICKUP_CODE_LENGTH, digit: () => number = () => randomInt(0, 10)): string {
  if (!Number.isInteger(length) || length < MIN_CODE_LENGTH || length > MAX_CODE_LENGTH) {
    throw new ProtocolError(
      'PROTOCOL_INVALID_ARGUMENT',
      `generatePickupCode: length must be an integer in ${MIN_CODE_LENGTH}..${MAX_CODE_LENGTH}, got ${length}`,
    );
  }
  let code = '';
  for (let i = 0; i < length; i++) {
    const d = digit();
    if (!Number.isInteger(d) || d < 0 || d > 9) throw new ProtocolError('PROTOCOL_INVALID_ARGUMENT', `generatePickupCode: a digit must be an integer 0..9, got ${d}`);
    code += String(d);
  }
  return code;
}

/** True when `code` has the pickup-code shape: only ASCII digits, 4 to 16 of them. */
export function isPickupCodeFormat(code: unknown): code is string {
  return typeof code === 'string' && code.length >= MIN_CODE_LENGTH && code.length <= MAX_CODE_LENGTH && /^[0-9]+$/.test(code);
}

/**
 * Checks scrypt parameters and returns a reason when they are unusable (not a power of two, out of bounds, too much
 * memory), or undefined when they are fine.
 */
export function checkScryptParams(params: ScryptParams): string | undefined {
  const { N, r, p } = params;
  if (!Number.isInteger(N) || N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0) return `N must be a power of two in 2..2^20, got ${N}`;
  if (!Number.isInteger(r) || r < 1 || r > 32) return `r must be an integer in 1..32, got ${r}`;
  if (!Number.isInteger(p) || p < 1 || p > 16) return `p must be an integer in 1..16, got ${p}`;
  if (128 * N * r > MAX_SCRYPT_MEM_BYTES) return `N·r needs ${128 * N * r} bytes, more than the ${MAX_SCRYPT_MEM_BYTES}-byte bound`;
  return undefined;
}

/**
 * Hashes a pickup code with scrypt and a fresh 16-byte random salt (or the given one, for tests and fixtures).
 * Throws ProtocolError (`PROTOCOL_INVALID_ARGUMENT`, `PROTOCOL_CODE_HASH`) for a malformed code or parameters:
 * those are programming faults on the server side.
 */
export function hashPickupCode(
  code: string,
  params: ScryptParams = STRONG_SCRYPT_PARAMS,
  salt: Buffer = randomBytes(SALT_BYTES),
): CodeHash {
  if (!isPickupCodeFormat(code)) {
    throw new ProtocolError('PROTOCOL_INVALID_ARGUMENT', 'hashPickupCode: code must be 4 to 16 ASCII digits');
  }
  const bad = checkScryptParams(params);
  if (bad !== undefined) throw new ProtocolError('PROTOCOL_CODE_HASH', `hashPickupCode: ${bad}`);
  if (salt.length < 8) throw new ProtocolError('PROTOCOL_CODE_HASH', `hashPickupCode: salt must be at least 8 bytes, got ${salt.length}`);
  const key = derive(code, salt, KEY_BYTES, params);
  return { alg: 'scrypt', N: params.N, r: params.r, p: params.p, saltB64: salt.toString('base64'), hashB64: key.toString('base64') };
}

/**
 * Checks a reason why `value` is not a usable CodeHash (wrong shape, bad base64, parameters out of bounds), or
 * undefined when it is one. Used when decoding an order, so a bad hash is rejected before any parcel is loaded.
 */
export function checkCodeHash(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
  const h = value as Record<string, unknown>;
  if (h.alg !== 'scrypt') return `alg must be "scrypt", got ${JSON.stringify(h.alg)}`;
  for (const k of ['N', 'r', 'p'] as const) if (typeof h[k] !== 'number') return `${k} must be a number`;
  const bad = checkScryptParams({ N: h.N as number, r: h.r as number, p: h.p as number });
  if (bad !== undefined) return bad;
  const salt = decodeBase64(h.saltB64);
  if (salt === undefined || salt.length < 8 || salt.length > 64) return 'saltB64 must be base64 of 8 to 64 bytes';
  const hash = decodeBase64(h.hashB64);
  // A fixed key length: scrypt output is prefix-stable, so accepting a shorter key would accept a truncated hash.
  if (hash === undefined || hash.length !== KEY_BYTES) return `hashB64 must be base64 of exactly ${KEY_BYTES} bytes`;
  const extra = Object.keys(h).filter((k) => !['alg', 'N', 'r', 'p', 'saltB64', 'hashB64'].includes(k));
  if (extra.length > 0) return `unknown field ${extra[0]}`;
  return undefined;
}

/**
 * True when `code` matches `hash`. Never throws: a malformed entry or hash is simply not a match (the robot counts
 * it as a wrong attempt). The final comparison is constant-time so response timing leaks nothing about the hash.
 */
export function verifyPickupCode(code: string, hash: CodeHash): boolean {
  if (!isPickupCodeFormat(code) || checkCodeHash(hash) !== undefined) return false;
  const salt = Buffer.from(hash.saltB64, 'base64');
  const expected = Buffer.from(hash.hashB64, 'base64');
  const actual = derive(code, salt, expected.length, hash);
  return constantTimeEqual(actual, expected);
}

/** Compares two byte strings in time that depends only on their lengths (unequal lengths are simply unequal). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

function derive(code: string, salt: Buffer, keyLen: number, params: ScryptParams): Buffer {
  // maxmem must cover 128·N·r (plus slack); node's 32 MiB default would reject legal strong parameters.
  return scryptSync(code, salt, keyLen, { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 + 1024 * 1024 });
}

function decodeBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}
