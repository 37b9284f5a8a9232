import { describe, expect, it } from 'vitest';
import { Random } from '../../../common/core/Random.ts';
import { CHEAP_SCRYPT_PARAMS, generatePickupCode, verifyPickupCode } from '../../../protocol/index.ts';
import { DEFAULT_PICKUP_CODE_POLICY, issuePickupCode } from './issuePickupCode.ts';
import { generateTrackingToken, hashTrackingToken, isTrackingTokenFormat, trackingLink } from './trackingToken.ts';

describe('tracking tokens', () => {
  it('are 256-bit base64url strings, distinct, and hashed deterministically to hex SHA-256', () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateTrackingToken));
    expect(tokens.size).toBe(1000);
    for (const t of tokens) expect(isTrackingTokenFormat(t)).toBe(true);
    const [t] = tokens;
    expect(hashTrackingToken(t as string)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashTrackingToken(t as string)).toBe(hashTrackingToken(t as string));
    expect(hashTrackingToken(t as string)).not.toBe(hashTrackingToken(generateTrackingToken()));
    expect(isTrackingTokenFormat('short')).toBe(false);
    expect(isTrackingTokenFormat(`${'a'.repeat(42)}/`)).toBe(false);
  });

  it('build a tracking link under the public base URL', () => {
    expect(trackingLink('https://fleet.example.edu/', 'abc')).toBe('https://fleet.example.edu/track/abc');
    expect(trackingLink('https://fleet.example.edu', 'abc')).toBe('https://fleet.example.edu/track/abc');
  });
});

describe('issuePickupCode', () => {
  const policy = { ...DEFAULT_PICKUP_CODE_POLICY, hashParams: CHEAP_SCRYPT_PARAMS };

  it('issues an 8-digit code whose salted hash verifies, expiring after the TTL', () => {
    const issued = issuePickupCode(policy, 1_000);
    expect(issued.code).toMatch(/^[0-9]{8}$/);
    expect(issued.expiresAtMs).toBe(1_000 + 72 * 3600_000);
    expect(verifyPickupCode(issued.code, issued.hash)).toBe(true);
    const other = issued.code === '00000000' ? '00000001' : '00000000';
    expect(verifyPickupCode(other, issued.hash)).toBe(false);
    expect(JSON.stringify(issued.hash)).not.toContain(issued.code);
  });

  it('spreads codes over all digits (no obvious bias) and salts equal codes differently', () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 500; i++) for (const d of issuePickupCode({ ...policy, length: 8 }, 0).code) counts[Number(d)]!++;
    // 4000 digits: each expected 400; a fair source lands within ±100 with overwhelming probability.
    for (const c of counts) expect(Math.abs(c - 400)).toBeLessThan(100);
    const a = issuePickupCode(policy, 0);
    const b = issuePickupCode(policy, 0);
    expect(a.hash.saltB64).not.toBe(b.hash.saltB64);
  });

  it('draws codes and salts from policy.random when given (the simulator replays a day), from the CSPRNG otherwise', () => {
    const seeded = (seed: number) => {
      const rng = new Random(seed);
      return { digit: () => rng.int(0, 9), salt: (n: number) => Buffer.from(Array.from({ length: n }, () => rng.int(0, 255))) };
    };
    const policy = { ...DEFAULT_PICKUP_CODE_POLICY, hashParams: CHEAP_SCRYPT_PARAMS };
    const a = seeded(7), b = seeded(7);
    const fromA = Array.from({ length: 5 }, () => issuePickupCode({ ...policy, random: a }, 0));
    const fromB = Array.from({ length: 5 }, () => issuePickupCode({ ...policy, random: b }, 0));
    expect(fromB).toEqual(fromA);
    for (const c of fromA) {
      expect(c.code).toMatch(/^[0-9]{8}$/);
      expect(verifyPickupCode(c.code, c.hash)).toBe(true);
    }
    expect(new Set(fromA.map((c) => c.code)).size).toBe(5);
    // Without it (production), two issues never repeat code and salt.
    expect(issuePickupCode(policy, 0).hash.saltB64).not.toBe(issuePickupCode(policy, 0).hash.saltB64);
  });

  it('refuses a digit source that is not 0–9, naming the digit', () => {
    expect(() => generatePickupCode(8, () => 10)).toThrow(/a digit must be an integer 0\.\.9, got 10/);
    expect(() => generatePickupCode(8, () => 1.5)).toThrow(/got 1\.5/);
  });
});
