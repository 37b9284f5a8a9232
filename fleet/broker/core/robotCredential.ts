/**
 * Robot MQTT credentials. A credential is 32 random bytes (base64url), generated here and given to the robot once;
 * the registry stores only its hash, in Mosquitto's own password-file format (`$7$<iterations>$<salt>$<hash>`,
 * PBKDF2-HMAC-SHA512). One stored hash then serves both brokers: the embedded broker verifies it here, and the
 * Mosquitto password file is regenerated from the registry at any time without knowing any credential.
 *
 * The iteration count is Mosquitto's default (101): it barely slows an attacker of a 256-bit random secret, whose
 * strength comes from its entropy, and keeps verification cheap when a whole fleet reconnects at once.
 */
import { pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const CREDENTIAL_ITERATIONS = 101;
const SALT_BYTES = 12;
const HASH_BYTES = 64;

/** A new high-entropy robot credential (43 base64url characters). */
export function createRobotCredential(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a credential, a Mosquitto `$7$` PBKDF2-SHA512 hash (what `robots.credential_hash` holds). */
export function hashRobotCredential(credential: string, iterations = CREDENTIAL_ITERATIONS): string {
  const salt = randomBytes(SALT_BYTES);
  const hash = pbkdf2Sync(credential, salt, iterations, HASH_BYTES, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

function parseHash(stored: string): { iterations: number; salt: Buffer; hash: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 5 || parts[0] !== '' || parts[1] !== '7') return undefined;
  const iterations = Number(parts[2]);
  // An upper bound keeps a corrupted row from costing seconds of CPU per connect.
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > 1_000_000) return undefined;
  const salt = Buffer.from(parts[3] as string, 'base64');
  const hash = Buffer.from(parts[4] as string, 'base64');
  if (salt.length === 0 || hash.length !== HASH_BYTES) return undefined;
  return { iterations, salt, hash };
}

/** Checks a presented credential against a stored `$7$` hash in constant time; false for a malformed hash. */
export function verifyRobotCredential(credential: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || credential.length === 0 || credential.length > 1024) return Promise.resolve(false);
  return new Promise((resolve) => {
    pbkdf2(credential, parsed.salt, parsed.iterations, HASH_BYTES, 'sha512', (error, actual) => {
      resolve(!error && timingSafeEqual(actual, parsed.hash));
    });
  });
}
