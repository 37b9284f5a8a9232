import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { Clock } from '../../../clock/index.ts';
import { endableTx } from '../core/endableTx.ts';
import { runMigrations } from '../core/migrations.ts';
import { describeSql, StoreError, type SqlValue, type Store, type TransactionOptions, type Tx } from '../core/Store.ts';

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/db` (DATABASE_URL). */
  connectionString: string;
  clock: Clock;
  /** Schema to work in (sets search_path on every connection); default: the server's search_path. */
  schema?: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  /** How often a transaction that lost a serialization race or a deadlock is re-run before failing (default 5). */
  maxRetries?: number;
}

const INT8_OID = 20;
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/**
 * PostgreSQL store: a `pg` Pool, each transaction on one client. Read committed by default, with `lockRows(tx)` row
 * locks where a read decides a write; 'serializable' on request. Transactions that fail with a serialization failure
 * or deadlock are re-run from the start, so `fn` must be safe to repeat (it is, when all its effects go through `tx`).
 */
export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #clock: Clock;
  readonly #maxRetries: number;
  readonly #inTransaction = new AsyncLocalStorage<true>();
  #closed = false;

  constructor(options: PostgresStoreOptions) {
    this.#clock = options.clock;
    this.#maxRetries = options.maxRetries ?? 5;
    if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
      throw new StoreError('STORE_CONFIG', `schema name must be a lower-case SQL identifier, got ${JSON.stringify(options.schema)}`);
    }
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      ...(options.schema !== undefined ? { options: `-c search_path=${options.schema}` } : {}),
      // Times are BIGINT ms; JS numbers hold them exactly (up to 2^53), and callers should not see strings.
      types: {
        getTypeParser: ((oid: number, format?: string) =>
          oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client losing its connection must not crash the process; the next checkout gets a fresh one.
    this.#pool.on('error', () => {});
  }

  async migrate(): Promise<void> {
    await runMigrations(this, this.#clock.now());
  }

  async query<Row = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    this.#assertUsable('query');
    return (await run(this.#pool, sql, params)).rows as Row[];
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<{ rowCount: number }> {
    this.#assertUsable('execute');
    return { rowCount: (await run(this.#pool, sql, params)).rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    this.#assertUsable('transaction');
    const begin = options.isolation === 'serializable' ? 'BEGIN ISOLATION LEVEL SERIALIZABLE' : 'BEGIN';
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#inTransaction.run(true, () => this.#once(begin, fn));
      } catch (e) {
        const retryable = e instanceof StoreError && e.code === 'STORE_SERIALIZATION';
        if (!retryable || attempt >= this.#maxRetries) throw e;
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  async #once<T>(begin: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (e) {
      throw new StoreError('STORE_QUERY', `cannot connect to PostgreSQL: ${(e as Error).message}`, { cause: e });
    }
    const { tx, end } = endableTx('postgres', {
      query: async <Row>(sql: string, params: readonly SqlValue[]) => (await run(client, sql, params)).rows as Row[],
      execute: async (sql, params) => ({ rowCount: (await run(client, sql, params)).rowCount ?? 0 }),
    });
    let broken: Error | undefined;
    try {
      await run(client, begin, []);
      const result = await fn(tx);
      await run(client, 'COMMIT', []);
      return result;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error; // the connection is unusable: drop it rather than return it to the pool
      }
      throw e;
    } finally {
      end();
      client.release(broken);
    }
  }

  #assertUsable(what: string): void {
    if (this.#closed) throw new StoreError('STORE_CLOSED', 'the PostgreSQL store is closed');
    if (this.#inTransaction.getStore() === true) {
      throw new StoreError('STORE_NESTED_TRANSACTION', `store.${what}() called inside a transaction; use the tx passed to the callback`);
    }
  }
}

async function run(target: pg.Pool | pg.PoolClient, sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
  try {
    // Booleans go in as 0/1 so one schema (INTEGER flags) serves both engines.
    return await target.query(sql, params.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)));
  } catch (e) {
    throw mapPgError(e, sql);
  }
}

function mapPgError(e: unknown, sql: string): StoreError {
  const code = (e as { code?: unknown }).code;
  const where = `${describeSql(sql)}: ${(e as Error).message}`;
  if (code === '23505') return new StoreError('STORE_CONFLICT', where, { cause: e });
  if (typeof code === 'string' && code.startsWith('23')) return new StoreError('STORE_CONSTRAINT', where, { cause: e });
  if (typeof code === 'string' && RETRYABLE.has(code)) return new StoreError('STORE_SERIALIZATION', where, { cause: e });
  return new StoreError('STORE_QUERY', where, { cause: e });
}
