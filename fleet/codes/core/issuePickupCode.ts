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

/** Draws a pickup code from the CSPRNG and hashes it with a fresh salt; the code expires `ttlMs` after `nowMs`. */
export function issuePickupCode(policy: PickupCodePolicy, nowMs: number): IssuedPickupCode {
  const code = generatePickupCode(policy.length);
  return { code, hash: hashPickupCode(code, policy.hashParams), expiresAtMs: nowMs + policy.ttlMs };
}
