import {
  DEFAULT_PICKUP_CODE_LENGTH,
  generatePickupCode,
  hashPickupCode,
  STRONG_SCRYPT_PARAMS,
  type CodeHash,
  type ScryptParams,
} from '../../../protocol/index.ts';

/** How pickup codes are made and how long they live. */
export interface PickupCodePolicy {
  /** Digits per code (default 8: 10^8 codes, against at most `maxFailedAttempts` guesses per parcel). */
  length: number;
  /** Lifetime from issue (default 72 h). */
  ttlMs: number;
  /** Wrong entries before the code locks (default 5). */
  maxFailedAttempts: number;
  /** scrypt cost; production uses STRONG_SCRYPT_PARAMS, the simulator CHEAP_SCRYPT_PARAMS. */
  hashParams: ScryptParams;
  /**
   * Where code digits and salts come from instead of the CSPRNG: the simulator's seeded source, so the same seed
   * gives the same codes and a day can be replayed exactly. Never set in production (default: node:crypto).
   */
  random?: PickupCodeRandom;
}

/** A source of code digits (0–9) and salts, for simulations that must replay exactly. */
export interface PickupCodeRandom {
  digit(): number;
  salt(bytes: number): Buffer;
}

export const DEFAULT_PICKUP_CODE_POLICY: Readonly<PickupCodePolicy> = Object.freeze({
  length: DEFAULT_PICKUP_CODE_LENGTH,
  ttlMs: 72 * 3600_000,
  maxFailedAttempts: 5,
  hashParams: STRONG_SCRYPT_PARAMS,
});

export interface IssuedPickupCode {
  /** The plaintext code: hand it to the recipient once, never store or log it. */
  code: string;
  hash: CodeHash;
  expiresAtMs: number;
}

/**
 * Draws a pickup code from the CSPRNG (or `policy.random`) and hashes it with a fresh salt; the code expires `ttlMs`
 * after `nowMs`.
 */
export function issuePickupCode(policy: PickupCodePolicy, nowMs: number): IssuedPickupCode {
  const r = policy.random;
  const code = r === undefined ? generatePickupCode(policy.length) : generatePickupCode(policy.length, () => r.digit());
  const hash = r === undefined ? hashPickupCode(code, policy.hashParams) : hashPickupCode(code, policy.hashParams, r.salt(SALT_BYTES));
  return { code, hash, expiresAtMs: nowMs + policy.ttlMs };
}

/** Salt length for codes from `policy.random` (as the CSPRNG path's). */
const SALT_BYTES = 16;
