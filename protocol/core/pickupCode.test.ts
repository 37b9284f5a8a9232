import { describe, expect, it } from 'vitest';
import {
  CHEAP_SCRYPT_PARAMS,
  STRONG_SCRYPT_PARAMS,
  checkCodeHash,
  constantTimeEqual,
  generatePickupCode,
  hashPickupCode,
  verifyPickupCode,
  type CodeHash,
} from './pickupCode.ts';
import { ProtocolError } from './ProtocolError.ts';

const salt = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

describe('generatePickupCode', () => {
  it('draws digit strings of the asked length, default 8, with every digit appearing', () => {
    expect(generatePickupCode()).toMatch(/^[0-9]{8}$/);
    expect(generatePickupCode(6)).toMatch(/^[0-9]{6}$/);
    const seen = new Set<string>();
    const codes = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const c = generatePickupCode();
      codes.add(c);
      for (const ch of c) seen.add(ch);
    }
    expect(seen.size).toBe(10);
    expect(codes.size).toBeGreaterThan(195); // 10^8 space: repeats in 200 draws would mean a broken generator
  });

  it('rejects lengths that make guessable or unwieldy codes', () => {
    expect(() => generatePickupCode(3)).toThrow(ProtocolError);
    expect(() => generatePickupCode(17)).toThrow(/length/);
    expect(() => generatePickupCode(6.5)).toThrow(/length/);
  });
});

describe('hashPickupCode / verifyPickupCode', () => {
  it('verifies the right code and rejects a wrong one', () => {
    const h = hashPickupCode('12345678', CHEAP_SCRYPT_PARAMS);
    expect(h).toMatchObject({ alg: 'scrypt', N: 16, r: 1, p: 1 });
    expect(Buffer.from(h.saltB64, 'base64')).toHaveLength(16);
    expect(Buffer.from(h.hashB64, 'base64')).toHaveLength(32);
    expect(verifyPickupCode('12345678', h)).toBe(true);
    expect(verifyPickupCode('12345679', h)).toBe(false);
    expect(verifyPickupCode('1234567', h)).toBe(false);
    expect(verifyPickupCode('', h)).toBe(false);
  });

  it('uses a fresh salt each time, so equal codes give different hashes', () => {
    const a = hashPickupCode('00000000', CHEAP_SCRYPT_PARAMS);
    const b = hashPickupCode('00000000', CHEAP_SCRYPT_PARAMS);
    expect(a.saltB64).not.toBe(b.saltB64);
    expect(a.hashB64).not.toBe(b.hashB64);
  });

  it('is deterministic for a given salt and depends on the parameters', () => {
    const a = hashPickupCode('24681357', CHEAP_SCRYPT_PARAMS, salt);
    expect(hashPickupCode('24681357', CHEAP_SCRYPT_PARAMS, salt)).toEqual(a);
    const b = hashPickupCode('24681357', { N: 32, r: 1, p: 1 }, salt);
    expect(b.hashB64).not.toBe(a.hashB64);
    // Parameters travel with the hash: claiming other parameters for the same key must not verify.
    expect(verifyPickupCode('24681357', { ...a, N: 32 })).toBe(false);
  });

  it('works with the strong production parameters', () => {
    const h = hashPickupCode('31415926', STRONG_SCRYPT_PARAMS, salt);
    expect(h.N).toBe(16384);
    expect(verifyPickupCode('31415926', h)).toBe(true);
    expect(verifyPickupCode('31415927', h)).toBe(false);
  });

  it('rejects a tampered salt or hash', () => {
    const h = hashPickupCode('87654321', CHEAP_SCRYPT_PARAMS, salt);
    const otherSalt = Buffer.from(salt);
    otherSalt[0] = otherSalt[0]! ^ 1;
    expect(verifyPickupCode('87654321', { ...h, saltB64: otherSalt.toString('base64') })).toBe(false);
    // Flip only the LAST byte of the key: a compare that stops early or checks a prefix would accept it.
    const key = Buffer.from(h.hashB64, 'base64');
    key[key.length - 1] = key[key.length - 1]! ^ 0x80;
    expect(verifyPickupCode('87654321', { ...h, hashB64: key.toString('base64') })).toBe(false);
    // A truncated key is a different length, never a prefix match.
    expect(verifyPickupCode('87654321', { ...h, hashB64: key.subarray(0, 16).toString('base64') })).toBe(false);
  });

  it('never throws on malformed hashes or entries; they just do not match', () => {
    const h = hashPickupCode('11112222', CHEAP_SCRYPT_PARAMS, salt);
    const bad: unknown[] = [
      { ...h, alg: 'md5' },
      { ...h, N: 1000 },
      { ...h, N: 2 ** 24 },
      { ...h, r: 0 },
      { ...h, saltB64: 'not base64!' },
      { ...h, hashB64: '' },
      null,
    ];
    for (const b of bad) expect(verifyPickupCode('11112222', b as CodeHash)).toBe(false);
    expect(verifyPickupCode('1111 2222', h)).toBe(false);
    expect(verifyPickupCode(11112222 as unknown as string, h)).toBe(false);
  });

  it('refuses to hash a malformed code or with unusable parameters', () => {
    expect(() => hashPickupCode('12ab5678', CHEAP_SCRYPT_PARAMS)).toThrow(/digits/);
    expect(() => hashPickupCode('12345678', { N: 1000, r: 1, p: 1 })).toThrow(/power of two/);
    expect(() => hashPickupCode('12345678', { N: 2 ** 20, r: 32, p: 1 })).toThrow(/bytes/);
    try {
      hashPickupCode('12345678', { N: 3, r: 1, p: 1 });
    } catch (e) {
      expect((e as ProtocolError).code).toBe('PROTOCOL_CODE_HASH');
    }
  });
});

describe('checkCodeHash', () => {
  it('accepts a real hash and names what is wrong with a bad one', () => {
    const h = hashPickupCode('12345678', CHEAP_SCRYPT_PARAMS, salt);
    expect(checkCodeHash(h)).toBeUndefined();
    expect(checkCodeHash({ ...h, p: 99 })).toMatch(/^p must/);
    expect(checkCodeHash({ ...h, extra: 1 })).toMatch(/unknown field extra/);
    expect(checkCodeHash({ ...h, saltB64: 'AAAA' })).toMatch(/saltB64/);
    expect(checkCodeHash([])).toMatch(/object/);
  });
});

describe('constantTimeEqual', () => {
  it('compares whole buffers and treats different lengths as unequal', () => {
    expect(constantTimeEqual(Buffer.from([1, 2, 3]), Buffer.from([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(Buffer.from([1, 2, 3]), Buffer.from([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(Buffer.from([1, 2, 3]), Buffer.from([1, 2]))).toBe(false);
  });
});
