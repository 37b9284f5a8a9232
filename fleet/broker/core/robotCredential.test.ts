import { pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRobotCredential, hashRobotCredential, verifyRobotCredential } from './robotCredential.ts';

describe('robot credentials', () => {
  it('are 256-bit base64url secrets, different every time', () => {
    const a = createRobotCredential();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createRobotCredential()).not.toBe(a);
  });

  it('hash to Mosquitto $7$ PBKDF2-SHA512 with a fresh salt, and verify', async () => {
    const credential = createRobotCredential();
    const stored = hashRobotCredential(credential);
    const [, kind, iterations, salt, hash] = stored.split('$');
    expect([kind, iterations]).toEqual(['7', '101']);
    // Independent recomputation of the format: PBKDF2-HMAC-SHA512(credential, salt, 101) = hash.
    expect(pbkdf2Sync(credential, Buffer.from(salt!, 'base64'), 101, 64, 'sha512').toString('base64')).toBe(hash);
    expect(hashRobotCredential(credential)).not.toBe(stored);
    expect(await verifyRobotCredential(credential, stored)).toBe(true);
    expect(await verifyRobotCredential(`${credential}x`, stored)).toBe(false);
    expect(await verifyRobotCredential('', stored)).toBe(false);
  });

  it('rejects malformed or abusive stored hashes instead of throwing', async () => {
    const credential = 'c';
    for (const stored of ['', 'plain', '$6$abc$def', '$7$0$AAAA$AAAA', '$7$99999999$AAAA$AAAA', `$7$101$AAAA$${Buffer.alloc(10).toString('base64')}`]) {
      expect(await verifyRobotCredential(credential, stored)).toBe(false);
    }
  });
});
