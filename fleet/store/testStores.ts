/**
 * Store factories for tests (not shipped code): a private in-memory SQLite database, and a PostgreSQL store isolated
 * in its own throw-away schema, because other engineers' test runs share the same database at the same time.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Clock } from '../../clock/index.ts';
import { serviceSkipReason } from '../../test/services.ts';
import { PostgresStore } from './adapters/PostgresStore.ts';
import { SqliteStore } from './adapters/SqliteStore.ts';
import type { Store } from './core/Store.ts';

export interface TestStore {
  store: Store;
  /** Closes the store and removes whatever it created (the PostgreSQL schema). */
  dispose(): Promise<void>;
}

export type MakeTestStore = (clock: Clock) => Promise<TestStore>;

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A migrated in-memory SQLite store. */
export async function makeSqliteTestStore(clock: Clock): Promise<TestStore> {
  const store = new SqliteStore({ filename: ':memory:', clock });
  await store.migrate();
  return { store, dispose: () => store.close() };
}

/** A migrated PostgreSQL store in a fresh schema `fleet_test_<random>`, dropped by dispose(). */
export async function makePostgresTestStore(clock: Clock): Promise<TestStore> {
  const schema = `fleet_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE SCHEMA ${schema}`);
  const store = new PostgresStore({ connectionString: TEST_DATABASE_URL, clock, schema, maxConnections: 8 });
  await store.migrate();
  return {
    store,
    dispose: async () => {
      await store.close();
      await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}

/** Undefined when PostgreSQL is reachable; otherwise why PostgreSQL tests skip (throws under CI=true). */
export function postgresSkipReason(): Promise<string | undefined> {
  return serviceSkipReason('postgres');
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
