import type { Clock } from '../../clock/index.ts';
import { PostgresStore } from './adapters/PostgresStore.ts';
import { SqliteStore } from './adapters/SqliteStore.ts';
import type { Store } from './core/Store.ts';

export interface OpenStoreOptions {
  /**
   * `postgres://…` or `postgresql://…` selects PostgreSQL; anything else is a SQLite file path, or ':memory:'.
   * Typically `process.env.DATABASE_URL ?? 'fleet.db'`.
   */
  databaseUrl: string;
  clock: Clock;
  /** Run migrations before returning (default true). */
  migrate?: boolean;
  /** SQLite only: SqliteStoreOptions.nestedCallCheck (default true). */
  nestedCallCheck?: boolean;
}

/** Opens the store `databaseUrl` names and (by default) brings its schema up to date. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { databaseUrl, clock } = options;
  const store: Store = /^postgres(ql)?:\/\//.test(databaseUrl)
    ? new PostgresStore({ connectionString: databaseUrl, clock })
    : new SqliteStore({
      filename: databaseUrl.replace(/^sqlite:(\/\/)?/, ''), clock,
      ...(options.nestedCallCheck === undefined ? {} : { nestedCallCheck: options.nestedCallCheck }),
    });
  if (options.migrate !== false) {
    try {
      await store.migrate();
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  return store;
}
