import { AsyncLocalStorage } from 'node:async_hooks';
import Database from 'better-sqlite3';
import type { Clock } from '../../../clock/index.ts';
import { AsyncMutex } from '../core/AsyncMutex.ts';
import { endableTx } from '../core/endableTx.ts';
import { runMigrations } from '../core/migrations.ts';
import { toPositionalParams } from '../core/positionalParams.ts';
import { describeSql, StoreError, type SqlValue, type Store, type TransactionOptions, type Tx } from '../core/Store.ts';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for a private in-memory database (tests). */
  filename: string;
  clock: Clock;
  /** How long a statement waits for another process's lock before failing with STORE_BUSY (default 5000). */
  busyTimeoutMs?: number;
  /**
   * 'full' (default) syncs the WAL on every commit, so a committed parcel survives a power cut as well as a process
   * crash; 'normal' survives only a process crash but commits faster (simulator, bulk loads).
   */
  synchronous?: 'full' | 'normal';
  /**
   * Refuse (STORE_NESTED_TRANSACTION) a call on the store from inside one of its own transactions, which would
   * otherwise wait for that transaction forever (default true). The check needs an AsyncLocalStorage, and on Node 20
   * that runs a promise hook on every promise the process makes, not only the store's; the simulator turns it off
   * (its code runs with the check on in the tests), where a day makes millions of promises.
   */
  nestedCallCheck?: boolean;
}

interface Prepared {
  stmt: Database.Statement;
  order: number[];
}

const STATEMENT_CACHE_SIZE = 256;

/**
 * The embedded store: one better-sqlite3 connection (WAL for files). The connection is shared, so transactions are
 * serialised by an async mutex and opened with BEGIN IMMEDIATE (which takes the write lock up front, so two processes
 * on one file never deadlock on a read-to-write upgrade).
 */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #clock: Clock;
  readonly #mutex = new AsyncMutex();
  /** Set inside a transaction's callback; undefined when the nested-call check is off. */
  readonly #inTransaction: AsyncLocalStorage<true> | undefined;
  readonly #statements = new Map<string, Prepared>();
  readonly #controls = new Map<string, Database.Statement>();
  #closed = false;

  constructor(options: SqliteStoreOptions) {
    this.#clock = options.clock;
    this.#inTransaction = options.nestedCallCheck === false ? undefined : new AsyncLocalStorage<true>();
    try {
      this.#db = new Database(options.filename);
      if (options.filename !== ':memory:') this.#db.pragma('journal_mode = WAL');
      this.#db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      this.#db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? 5000))}`);
      this.#db.pragma('foreign_keys = ON');
    } catch (e) {
      throw new StoreError('STORE_CONFIG', `cannot open SQLite database ${options.filename}: ${(e as Error).message}`, { cause: e });
    }
  }

  async migrate(): Promise<void> {
    await runMigrations(this, this.#clock.now());
  }

  query<Row = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    this.#assertOutsideTransaction('query');
    return this.#mutex.run(async () => this.#query<Row>(sql, params));
  }

  execute(sql: string, params: readonly SqlValue[] = []): Promise<{ rowCount: number }> {
    this.#assertOutsideTransaction('execute');
    return this.#mutex.run(async () => this.#execute(sql, params));
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>, _options?: TransactionOptions): Promise<T> {
    this.#assertOutsideTransaction('transaction');
    const inTransaction = this.#inTransaction;
    return this.#mutex.run(() => (inTransaction === undefined ? this.#transaction(fn) : inTransaction.run(true, () => this.#transaction(fn))));
  }

  /** One transaction on the connection, the mutex held: BEGIN IMMEDIATE, `fn`, then COMMIT (ROLLBACK on a throw). */
  async #transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    this.#assertOpen();
    const { tx, end } = endableTx('sqlite', { query: (sql, params) => this.#query(sql, params), execute: (sql, params) => this.#execute(sql, params) });
    this.#run(() => this.#control('BEGIN IMMEDIATE').run(), 'BEGIN IMMEDIATE');
    try {
      const result = await fn(tx);
      this.#run(() => this.#control('COMMIT').run(), 'COMMIT');
      return result;
    } catch (e) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      throw e;
    } finally {
      end();
    }
  }

  /**
   * BEGIN and COMMIT as prepared statements: `exec` parses the SQL on every call, and a busy server opens a
   * transaction per parcel event (prepared once per connection, outside the statement cache so they are never evicted).
   */
  #control(sql: 'BEGIN IMMEDIATE' | 'COMMIT'): Database.Statement {
    let stmt = this.#controls.get(sql);
    if (stmt === undefined) {
      stmt = this.#db.prepare(sql);
      this.#controls.set(sql, stmt);
    }
    return stmt;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // Waiting for the mutex lets a running transaction finish before the connection goes.
    await this.#mutex.run(async () => {
      this.#closed = true;
      this.#statements.clear();
      this.#controls.clear();
      this.#db.close();
    });
  }

  #query<Row>(sql: string, params: readonly SqlValue[]): Row[] {
    const { stmt, args } = this.#prepare(sql, params);
    return this.#run(() => (stmt.reader ? (stmt.all(...args) as Row[]) : (stmt.run(...args), [])), sql);
  }

  #execute(sql: string, params: readonly SqlValue[]): { rowCount: number } {
    const { stmt, args } = this.#prepare(sql, params);
    return this.#run(() => ({ rowCount: stmt.reader ? stmt.all(...args).length : stmt.run(...args).changes }), sql);
  }

  #prepare(sql: string, params: readonly SqlValue[]): { stmt: Database.Statement; args: unknown[] } {
    this.#assertOpen();
    let prepared = this.#statements.get(sql);
    if (prepared === undefined) {
      const { sql: positional, order } = toPositionalParams(sql);
      const stmt = this.#run(() => this.#db.prepare(positional), sql);
      prepared = { stmt, order };
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.#statements.keys().next().value;
        if (oldest !== undefined) this.#statements.delete(oldest);
      }
      this.#statements.set(sql, prepared);
    }
    const args = prepared.order.map((i) => {
      if (i < 0 || i >= params.length) {
        throw new StoreError('STORE_QUERY', `${describeSql(sql)}: placeholder $${i + 1} has no parameter (got ${params.length})`);
      }
      return toSqlite(params[i] as SqlValue);
    });
    return { stmt: prepared.stmt, args };
  }

  #run<T>(fn: () => T, sql: string): T {
    try {
      return fn();
    } catch (e) {
      throw mapSqliteError(e, sql);
    }
  }

  #assertOutsideTransaction(what: string): void {
    if (this.#inTransaction?.getStore() === true) {
      throw new StoreError('STORE_NESTED_TRANSACTION', `store.${what}() called inside a transaction; use the tx passed to the callback`);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreError('STORE_CLOSED', 'the SQLite store is closed');
  }
}

function toSqlite(value: SqlValue): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

function mapSqliteError(e: unknown, sql: string): unknown {
  if (e instanceof StoreError) return e;
  const code = (e as { code?: unknown }).code;
  const where = `${describeSql(sql)}: ${(e as Error).message}`;
  if (typeof code !== 'string') return new StoreError('STORE_QUERY', where, { cause: e });
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new StoreError('STORE_CONFLICT', where, { cause: e });
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) return new StoreError('STORE_CONSTRAINT', where, { cause: e });
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return new StoreError('STORE_BUSY', where, { cause: e });
  return new StoreError('STORE_QUERY', where, { cause: e });
}
