/** fleet/store: the storage port, its SQLite and PostgreSQL adapters, and the schema migrations. */
export { StoreError, lockRows, toJson, fromJson } from './core/Store.ts';
export type { Dialect, Queryable, SqlValue, Store, StoreErrorCode, TransactionOptions, Tx } from './core/Store.ts';
export { migrations, runMigrations } from './core/migrations.ts';
export type { Migration } from './core/migrations.ts';
export { SqliteStore } from './adapters/SqliteStore.ts';
export type { SqliteStoreOptions } from './adapters/SqliteStore.ts';
export { PostgresStore } from './adapters/PostgresStore.ts';
export type { PostgresStoreOptions } from './adapters/PostgresStore.ts';
export { openStore } from './openStore.ts';
export type { OpenStoreOptions } from './openStore.ts';
export { SqlHeaderIdRepository } from './SqlHeaderIdRepository.ts';
export type { StoredHeaderId } from './SqlHeaderIdRepository.ts';
