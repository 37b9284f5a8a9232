import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock/index.ts';
import { fromJson, lockRows, toJson, type Queryable, type Store, type Tx } from '../store/index.ts';

/** A message to send: where, what event, the public body, and secrets merged into the body only when sending. */
export interface OutboxMessageInput {
  url: string;
  event: string;
  body: Record<string, unknown>;
  /** Merged into the body at send time and erased from the row once the message is delivered or dead. */
  secrets?: Record<string, unknown>;
}

export type OutboxStatus = 'pending' | 'delivered' | 'dead';

export interface OutboxMessage {
  id: string;
  kind: 'webhook';
  url: string;
  event: string;
  body: Record<string, unknown>;
  secrets: Record<string, unknown> | null;
  status: OutboxStatus;
  /** Attempts started so far (a claim counts, so a crash mid-send still uses up an attempt). */
  attempts: number;
  nextAttemptAtMs: number;
  lastError: string | null;
  createdAtMs: number;
  deliveredAtMs: number | null;
}

interface StoredPayload {
  url: string;
  event: string;
  body: Record<string, unknown>;
  secrets?: Record<string, unknown>;
}

interface OutboxRow {
  id: string;
  kind: string;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

const COLUMNS = 'id, kind, payload, status, attempts, next_attempt_at, last_error, created_at, delivered_at';
const ROWS_PER_INSERT = 500;

/**
 * The transactional outbox: a notification is a row written in the same transaction as the change it announces, so
 * both commit or neither does; a dispatcher sends it afterwards, at least once. Claims are leases (next_attempt_at is
 * pushed past the lease), so a dispatcher that dies mid-send leaves the row to be picked up again when the lease ends.
 */
export class Outbox {
  readonly #store: Store;
  readonly #clock: Clock;
  #seq = 0;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** Adds messages inside the caller's transaction; returns their ids. */
  async enqueue(tx: Tx, messages: readonly OutboxMessageInput[]): Promise<string[]> {
    const now = this.#clock.now();
    const ids: string[] = [];
    for (let base = 0; base < messages.length; base += ROWS_PER_INSERT) {
      const values: string[] = [];
      const params: (string | number)[] = [];
      for (const m of messages.slice(base, base + ROWS_PER_INSERT)) {
        const id = this.#newId(now);
        ids.push(id);
        const p = params.length;
        values.push(`($${p + 1}, 'webhook', $${p + 2}, 'pending', 0, $${p + 3}, $${p + 3})`);
        const payload: StoredPayload = { url: m.url, event: m.event, body: m.body, ...(m.secrets ? { secrets: m.secrets } : {}) };
        params.push(id, toJson(payload), now);
      }
      if (values.length > 0) {
        await tx.execute(
          `INSERT INTO outbox (id, kind, payload, status, attempts, next_attempt_at, created_at) VALUES ${values.join(', ')}`,
          params,
        );
      }
    }
    return ids;
  }

  /**
   * Takes up to `limit` due messages for `leaseMs`: they are invisible to other claimers until the lease ends or they
   * are marked. On PostgreSQL, SKIP LOCKED lets several server instances claim disjoint rows at once.
   */
  async claimDue(limit: number, leaseMs: number): Promise<OutboxMessage[]> {
    const now = this.#clock.now();
    return this.#store.transaction(async (tx) => {
      const rows = await tx.query<OutboxRow>(
        `SELECT ${COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1
         ORDER BY next_attempt_at, id LIMIT $2${lockRows(tx, 'skip locked')}`,
        [now, limit],
      );
      for (const r of rows) {
        await tx.execute('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1 WHERE id = $2', [now + leaseMs, r.id]);
        r.attempts += 1;
        r.next_attempt_at = now + leaseMs;
      }
      return rows.map(toMessage);
    });
  }

  /**
   * Records a successful send and erases the message's secrets. Returns false when the claim had been lost (the lease
   * ran out and someone else re-claimed it), in which case nothing changes.
   */
  async markDelivered(message: OutboxMessage): Promise<boolean> {
    const { rowCount } = await this.#store.execute(
      `UPDATE outbox SET status = 'delivered', delivered_at = $1, last_error = NULL, payload = $2
       WHERE id = $3 AND status = 'pending' AND attempts = $4`,
      [this.#clock.now(), toJson(publicPayload(message)), message.id, message.attempts],
    );
    return rowCount === 1;
  }

  /** Records a failed send: retry at `retryAtMs`, or (undefined) give up and mark the message dead, erasing its secrets. */
  async markFailed(message: OutboxMessage, error: string, retryAtMs: number | undefined): Promise<boolean> {
    const lastError = error.slice(0, 500);
    const { rowCount } =
      retryAtMs === undefined
        ? await this.#store.execute(
            `UPDATE outbox SET status = 'dead', last_error = $1, payload = $2 WHERE id = $3 AND status = 'pending' AND attempts = $4`,
            [lastError, toJson(publicPayload(message)), message.id, message.attempts],
          )
        : await this.#store.execute(
            `UPDATE outbox SET next_attempt_at = $1, last_error = $2 WHERE id = $3 AND status = 'pending' AND attempts = $4`,
            [retryAtMs, lastError, message.id, message.attempts],
          );
    return rowCount === 1;
  }

  /** One message by id (for operators and tests). */
  async get(id: string, q: Queryable = this.#store): Promise<OutboxMessage | undefined> {
    const [row] = await q.query<OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE id = $1`, [id]);
    return row ? toMessage(row) : undefined;
  }

  /** Messages in a status, oldest first (the operator's view of what is stuck or dead). */
  async list(status: OutboxStatus, limit = 100): Promise<OutboxMessage[]> {
    const rows = await this.#store.query<OutboxRow>(
      `SELECT ${COLUMNS} FROM outbox WHERE status = $1 ORDER BY created_at, id LIMIT $2`,
      [status, limit],
    );
    return rows.map(toMessage);
  }

  /**
   * Ids sort by creation time, then by a per-process counter, so messages about one parcel are claimed in the order
   * its changes happened (a random tail keeps ids from two server instances apart).
   */
  #newId(now: number): string {
    this.#seq = (this.#seq + 1) % 1_000_000;
    return `N-${now.toString(36).padStart(9, '0')}${this.#seq.toString().padStart(6, '0')}-${randomBytes(6).toString('hex')}`;
  }

  /** Deletes delivered messages older than `maxAgeMs` (dead ones stay for an operator to look at); returns how many. */
  async purgeDelivered(maxAgeMs: number): Promise<number> {
    const { rowCount } = await this.#store.execute("DELETE FROM outbox WHERE status = 'delivered' AND delivered_at < $1", [
      this.#clock.now() - maxAgeMs,
    ]);
    return rowCount;
  }

  /** How many messages are in each status (for /metrics). */
  async counts(): Promise<Record<OutboxStatus, number>> {
    const rows = await this.#store.query<{ status: OutboxStatus; n: number }>('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status');
    const out: Record<OutboxStatus, number> = { pending: 0, delivered: 0, dead: 0 };
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }
}

function publicPayload(m: OutboxMessage): StoredPayload {
  return { url: m.url, event: m.event, body: m.body };
}

function toMessage(r: OutboxRow): OutboxMessage {
  const p = fromJson<StoredPayload>(r.payload);
  return {
    id: r.id,
    kind: 'webhook',
    url: p.url,
    event: p.event,
    body: p.body,
    secrets: p.secrets ?? null,
    status: r.status,
    attempts: Number(r.attempts),
    nextAttemptAtMs: Number(r.next_attempt_at),
    lastError: r.last_error,
    createdAtMs: Number(r.created_at),
    deliveredAtMs: r.delivered_at === null ? null : Number(r.delivered_at),
  };
}
