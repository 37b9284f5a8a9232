/** Test helper: the example messages in test/fixtures/, as raw bytes (what MQTT delivers) or as a fresh object. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SchemaVersion, VdaTopic } from '../core/vdaTopics.ts';

const dir = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');

export function fixtureBytes(topic: VdaTopic, version: SchemaVersion): Buffer {
  return readFileSync(join(dir, `${topic}.${version}.json`));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests mutate fixtures freely to make bad messages
export function fixture(topic: VdaTopic, version: SchemaVersion): any {
  return JSON.parse(fixtureBytes(topic, version).toString('utf8'));
}

/** The pickup codes whose hashes are in the order fixtures (CHEAP_SCRYPT_PARAMS, fixed salts). */
export const FIXTURE_CODES = { 'P-10031': '48151623', 'P-10032': '42424242' } as const;
