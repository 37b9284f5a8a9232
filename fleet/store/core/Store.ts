/**
 * The storage port. Every fleet module talks to the database through these few calls, in ONE SQL dialect: `$1, $2`
 * placeholders and SQL both SQLite (>= 3.35) and PostgreSQL accept (TEXT, INTEGER/BIGINT, JSON as TEXT,
 * `ON CONFLICT DO NOTHING`, `RETURNING`, row values). The SQLite adapter rewrites the placeholders; nothing else
 * differs except the row-lock suffix, which `lockRows(tx)` supplies.
 */
import { AppError } from '../../../common/core/AppError.ts';

/** What a parameter may be. Booleans are stored as 0/1 and JSON as TEXT (see `toJson`/`fromJson`). */
export type SqlValue = string | number | bigint | boolean | null | Buffer;

/** Which engine is behind a store; only `lockRows` and migrations' locking look at it. */
export type Dialect = 'sqlite' | 'postgres';

/** Something SQL can be run on: a transaction, or the store itself for a single auto-committed statement. */
export interface Queryable {
  readonly dialect: Dialect;
  /** Runs a statement and returns its rows (BIGINT columns come back as JS numbers on both engines). */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a statement for its effect; `rowCount` is the number of rows inserted, updated or deleted. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<{ rowCount: number }>;
}

/** A transaction handle; valid only inside the `transaction` callback that received it. */
export type Tx = Queryable;

export interface TransactionOptions {
  /**
   * PostgreSQL isolation level (default 'read committed', with row locks where needed). 'serializable' transactions
   * are retried on serialization failures. SQLite transactions are always serial.
   */
  isolation?: 'read committed' | 'serializable';
}

export interface Store extends Queryable {
  /** Applies pending migrations (idempotent; safe to run from several instances at once). */
  migrate(): Promise<void>;
  /**
   * Runs `fn` in one transaction: commits when it resolves, rolls back when it throws (and rethrows). Do not call
   * `transaction` again from inside `fn` (that throws STORE_NESTED_TRANSACTION); pass the `tx` down instead.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Closes the connection(s); the store is unusable afterwards. */
  close(): Promise<void>;
}

export type StoreErrorCode =
  | 'STORE_CONFLICT' // unique or primary-key violation: the row already exists
  | 'STORE_CONSTRAINT' // another integrity rule (foreign key, not null, check)
  | 'STORE_SERIALIZATION' // PostgreSQL could not serialize the transaction, even after retries
  | 'STORE_BUSY' // SQLite stayed locked longer than busy_timeout
  | 'STORE_NESTED_TRANSACTION'
  | 'STORE_CLOSED'
  | 'STORE_MIGRATION'
  | 'STORE_CONFIG'
  | 'STORE_QUERY'; // anything else the engine rejected (syntax, missing table, connection lost)

/** A database fault, with the engine's own error as `cause`. Messages name the statement's first words, never values. */
export class StoreError extends AppError {
  declare readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * The row-lock suffix for a SELECT that is about to update what it reads: `FOR UPDATE` (optionally `SKIP LOCKED`, so
 * several server instances each take different rows) on PostgreSQL, nothing on SQLite, whose write transactions are
 * serial anyway.
 */
export function lockRows(q: Queryable, mode: 'wait' | 'skip locked' = 'wait'): string {
  if (q.dialect !== 'postgres') return '';
  return mode === 'skip locked' ? ' FOR UPDATE SKIP LOCKED' : ' FOR UPDATE';
}

/** Serialises a value for a JSON TEXT column. */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

/** Parses a JSON TEXT column (null stays null). */
export function fromJson<T>(text: unknown): T {
  if (text === null || text === undefined) return null as T;
  if (typeof text !== 'string') throw new StoreError('STORE_QUERY', `fromJson: expected a JSON text column, got ${typeof text}`);
  return JSON.parse(text) as T;
}

/** A short, value-free description of a statement for error messages: its first few words. */
export function describeSql(sql: string): string {
  const words = sql.trim().split(/\s+/).slice(0, 4).join(' ');
  return words.length > 60 ? `${words.slice(0, 60)}…` : words;
}
