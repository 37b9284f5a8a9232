import { describe, expect, it } from 'vitest';
import { CHEAP_SCRYPT_PARAMS, verifyPickupCode } from '../../../protocol/index.ts';
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
});
