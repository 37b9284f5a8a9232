import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../clock/index.ts';
import {
  DEFAULT_PICKUP_CODE_POLICY,
  generateTrackingToken,
  hashTrackingToken,
  isTrackingTokenFormat,
  issuePickupCode,
  trackingLink,
  type IssuedPickupCode,
  type PickupCodePolicy,
} from '../codes/index.ts';
import { recipientEventFor, type RecipientEvent, type RecipientNotification } from '../notify/core/recipientNotification.ts';
import { Outbox, type OutboxMessageInput } from '../notify/Outbox.ts';
import { fromJson, lockRows, toJson, type Queryable, type Store, type Tx } from '../store/index.ts';
import { verifyPickupCode, type CodeHash } from '../../protocol/index.ts';
import { canonicalJson } from './core/canonicalJson.ts';
import {
  IdempotencyKeyReusedError,
  ParcelNotFoundError,
  ParcelTransitionError,
  ParcelVersionConflictError,
  ValidationError,
} from './core/errors.ts';
import {
  clearsAssignment,
  isParcelStatus,
  transition,
  type ParcelEvent,
  type ParcelStatus,
} from './core/parcelLifecycle.ts';
import { validateParcelBatch, validateParcelInput, type ParcelInput, type RecipientInput } from './core/validateParcelInput.ts';

export interface ParcelServiceOptions {
  store: Store;
  clock: Clock;
  /** Base of tracking links: `{publicBaseUrl}/track/{token}`. */
  publicBaseUrl: string;
  /** Defaults to an Outbox over the same store. */
  outbox?: Outbox;
  /** Code length, lifetime, lock-out threshold and scrypt cost (defaults: 8 digits, 72 h, 5, strong scrypt). */
  codePolicy?: Partial<PickupCodePolicy>;
  /** Where recipient notifications go when the recipient has no webhookUrl (an SMS/e-mail gateway); none: not sent. */
  notifyUrl?: string;
  /** Rejects destinations that are not places on the map. */
  isKnownPlace?: (placeId: string) => boolean;
  /** A human name for a place id, for notifications. */
  placeName?: (placeId: string) => string | undefined;
  /**
   * Makes the ids of parcels (`P`), their history entries (`E`) and code lock-out alerts (`A`). Default: 64 CSPRNG bits. The simulator
   * passes a counter: parcels created in the same millisecond are claimed in id order, so random ids would make a
   * seeded day plan differently on every run.
   */
  newId?: (prefix: 'P' | 'E' | 'A') => string;
}

export interface Recipient {
  name: string;
  email: string | null;
  phone: string | null;
  webhookUrl: string | null;
}

/** A parcel as callers see it: never the code hash or the tracking-token hash. */
export interface Parcel {
  id: string;
  externalRef: string | null;
  status: ParcelStatus;
  destination: string;
  recipient: Recipient;
  robotSerial: string | null;
  tripId: string | null;
  codeExpiresAtMs: number | null;
  codeUsedAtMs: number | null;
  codeFailedAttempts: number;
  createdAtMs: number;
  updatedAtMs: number;
  /** Bumped on every change; pass it back as expectedVersion for optimistic concurrency. */
  version: number;
}

/**
 * A created parcel with its secrets. The token and code are returned by the call that creates them and are never
 * retrievable again (only hashes are stored); an idempotent replay returns them as null.
 */
export interface IssuedParcel {
  parcel: Parcel;
  trackingToken: string | null;
  trackingLink: string | null;
  pickupCode: string | null;
}

export interface CreateOptions {
  /** Makes a retried request harmless: the same key with the same request returns the first result (without secrets). */
  idempotencyKey?: string;
  /** Who asked (a user or token name), recorded in the history. */
  actor?: string;
}

export interface CreateBatchResult {
  parcels: IssuedParcel[];
  /** True when this was a replay of an earlier request with the same idempotency key. */
  replayed: boolean;
}

export interface ApplyEventOptions {
  actor: string;
  /** Fail with PARCEL_VERSION_CONFLICT unless the parcel is still at this version. */
  expectedVersion?: number;
}

/** One lifecycle event of a batch (applyEvents). */
export interface ParcelEventItem {
  parcelId: string;
  event: ParcelEvent;
  options: ApplyEventOptions;
}

/**
 * How one event of a batch ended: the parcel as it now is, or the error applyEvent would have thrown for it alone
 * (ParcelNotFoundError, ParcelTransitionError, ParcelVersionConflictError, ValidationError, or a store fault).
 */
export type AppliedParcelEvent = { ok: true; parcel: Parcel } | { ok: false; error: unknown };

export interface ParcelListFilter {
  status?: ParcelStatus | readonly ParcelStatus[];
  robot?: string;
  destination?: string;
  /** Only parcels created strictly after this time (ms since epoch). */
  createdAfter?: number;
  /** Page size, 1..500 (default 100). */
  limit?: number;
  /** The nextCursor of the previous page. */
  cursor?: string;
}

export interface ParcelPage {
  items: Parcel[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface ParcelHistoryEntry {
  seq: number;
  atMs: number;
  from: ParcelStatus | null;
  to: ParcelStatus;
  /** The event type ('created', 'assign', 'code_verified', 'code_locked', …). */
  cause: string;
  actor: string;
  data: Record<string, unknown> | null;
}

/**
 * Result of a pickup-code check. 'locked' is also returned by the wrong attempt that reaches the limit;
 * 'not_ready' means the parcel is not waiting for pickup (no attempt is counted and the code is not checked).
 */
export type PickupCodeCheck = 'ok' | 'wrong' | 'locked' | 'expired' | 'used' | 'not_ready';

export interface ReissuedCode {
  pickupCode: string;
  trackingToken: string;
  trackingLink: string;
  codeExpiresAtMs: number;
}

interface ParcelRow {
  id: string;
  external_ref: string | null;
  status: string;
  destination: string;
  recipient: string;
  code_hash: string | null;
  code_expires_at: number | null;
  code_used_at: number | null;
  code_failed_attempts: number;
  robot_serial: string | null;
  trip_id: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

interface EventRow {
  seq: number;
  at: number;
  from_status: string | null;
  to_status: string;
  cause: string;
  actor: string;
  data: string | null;
}

const PARCEL_COLUMNS =
  'id, external_ref, status, destination, recipient, code_hash, code_expires_at, code_used_at, code_failed_attempts, ' +
  'robot_serial, trip_id, created_at, updated_at, version';
/** A parcel's row by id, built once: read on every parcel event, and the statement cache looks statements up by text. */
const ROW_SQL = `SELECT ${PARCEL_COLUMNS} FROM parcels WHERE id = $1`;
const ROW_SQL_IN = `SELECT ${PARCEL_COLUMNS} FROM parcels WHERE id IN `;
const IDEMPOTENCY_SCOPE = 'parcels.create';
const ROWS_PER_INSERT = 500;
const MAX_PAGE = 500;

class LostIdempotencyRace extends Error {}

/**
 * Parcels: creation (single or batch, idempotent), queries, the lifecycle with its append-only history, pickup codes
 * and tracking tokens, and the recipient notifications those changes cause. Every change is one transaction that also
 * appends the history event and enqueues the notification, so a crash can lose neither half.
 */
export class ParcelService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #outbox: Outbox;
  readonly #policy: PickupCodePolicy;
  readonly #publicBaseUrl: string;
  readonly #notifyUrl: string | undefined;
  readonly #isKnownPlace: ((placeId: string) => boolean) | undefined;
  readonly #placeName: (placeId: string) => string | undefined;
  readonly #newId: (prefix: 'P' | 'E' | 'A') => string;

  constructor(options: ParcelServiceOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#outbox = options.outbox ?? new Outbox(options.store, options.clock);
    this.#policy = { ...DEFAULT_PICKUP_CODE_POLICY, ...options.codePolicy };
    this.#publicBaseUrl = options.publicBaseUrl;
    this.#notifyUrl = options.notifyUrl;
    this.#isKnownPlace = options.isKnownPlace;
    this.#placeName = options.placeName ?? (() => undefined);
    this.#newId = options.newId ?? newId;
  }

  /** Creates one parcel (input is untrusted JSON; a ValidationError names each bad field). */
  async create(input: unknown, options: CreateOptions = {}): Promise<IssuedParcel & { replayed: boolean }> {
    const issues = validateParcelInput(input, '', this.#isKnownPlace);
    if (issues.length > 0) throw new ValidationError(issues);
    const result = await this.#create([input as ParcelInput], options);
    return { ...(result.parcels[0] as IssuedParcel), replayed: result.replayed };
  }

  /**
   * Creates 1 to 10,000 parcels in one transaction: all or none. Errors name the element (`parcels[17].destination`).
   * Hashing the codes dominates the cost (scrypt, by design); it runs before the transaction opens.
   */
  async createBatch(inputs: unknown, options: CreateOptions = {}): Promise<CreateBatchResult> {
    const issues = validateParcelBatch(inputs, this.#isKnownPlace);
    if (issues.length > 0) throw new ValidationError(issues);
    return this.#create(inputs as ParcelInput[], options);
  }

  /** The parcel, or undefined. */
  async get(id: string): Promise<Parcel | undefined> {
    const row = await this.#row(this.#store, id);
    return row ? toParcel(row) : undefined;
  }

  /** The parcel a tracking token belongs to, or undefined (also for a malformed token). */
  async getByTrackingToken(token: string): Promise<Parcel | undefined> {
    if (!isTrackingTokenFormat(token)) return undefined;
    const [row] = await this.#store.query<ParcelRow>(`SELECT ${PARCEL_COLUMNS} FROM parcels WHERE tracking_token_hash = $1`, [
      hashTrackingToken(token),
    ]);
    return row ? toParcel(row) : undefined;
  }

  /** Parcels matching the filter, oldest first, a page at a time (keyset pagination: stable under inserts). */
  async list(filter: ParcelListFilter = {}): Promise<ParcelPage> {
    const issues: { path: string; message: string }[] = [];
    const limit = filter.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) issues.push({ path: 'limit', message: `must be an integer in 1..${MAX_PAGE}` });
    const statuses = filter.status === undefined ? [] : typeof filter.status === 'string' ? [filter.status] : [...filter.status];
    for (const s of statuses) if (!isParcelStatus(s)) issues.push({ path: 'status', message: `unknown status ${JSON.stringify(s)}` });
    const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
    if (after === null) issues.push({ path: 'cursor', message: 'invalid cursor' });
    if (issues.length > 0) throw new ValidationError(issues);

    const where: string[] = [];
    const params: (string | number)[] = [];
    const param = (v: string | number) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (statuses.length > 0) where.push(`status IN (${statuses.map(param).join(', ')})`);
    if (filter.robot !== undefined) where.push(`robot_serial = ${param(filter.robot)}`);
    if (filter.destination !== undefined) where.push(`destination = ${param(filter.destination)}`);
    if (filter.createdAfter !== undefined) where.push(`created_at > ${param(filter.createdAfter)}`);
    if (after) where.push(`(created_at, id) > (${param(after[0])}, ${param(after[1])})`);
    const rows = await this.#store.query<ParcelRow>(
      `SELECT ${PARCEL_COLUMNS} FROM parcels${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at, id LIMIT ${param(limit + 1)}`,
      params,
    );
    const items = rows.slice(0, limit).map(toParcel);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAtMs, last.id) : null };
  }

  /** The parcel's history, oldest first. */
  async history(id: string): Promise<ParcelHistoryEntry[]> {
    const rows = await this.#store.query<EventRow>(
      'SELECT seq, at, from_status, to_status, cause, actor, data FROM parcel_events WHERE parcel_id = $1 ORDER BY seq',
      [id],
    );
    if (rows.length === 0 && (await this.#row(this.#store, id)) === undefined) throw new ParcelNotFoundError(id);
    return rows.map((r) => ({
      seq: Number(r.seq),
      atMs: Number(r.at),
      from: r.from_status as ParcelStatus | null,
      to: r.to_status as ParcelStatus,
      cause: r.cause,
      actor: r.actor,
      data: fromJson<Record<string, unknown> | null>(r.data),
    }));
  }

  /** Cancels a parcel that is not aboard a robot (received, assigned or returned). */
  cancel(id: string, actor: string, reason: string): Promise<Parcel> {
    return this.applyEvent(id, { type: 'cancel', reason }, { actor });
  }

  /**
   * Applies a lifecycle event in its own transaction. Throws ParcelNotFoundError, ParcelTransitionError (naming the
   * status and the event) or ParcelVersionConflictError.
   */
  applyEvent(id: string, event: ParcelEvent, options: ApplyEventOptions): Promise<Parcel> {
    return this.#store.transaction((tx) => this.applyEventIn(tx, id, event, options));
  }

  /**
   * Applies several lifecycle events, in order, in ONE transaction (a robot's state reports a compartment's worth of
   * parcels at once), and says how each ended. An event that does not apply (unknown parcel, wrong status, stale
   * version, bad input) is refused before it writes anything, so it is reported and the others still commit. Any other
   * failure rolls the whole batch back, and the events are then applied one transaction each, so one bad event cannot
   * block the rest; every outcome is then what applyEvent gives for that event alone.
   */
  async applyEvents(items: readonly ParcelEventItem[]): Promise<AppliedParcelEvent[]> {
    if (items.length <= 1) return Promise.all(items.map((i) => this.#settled(this.applyEvent(i.parcelId, i.event, i.options))));
    try {
      return await this.#store.transaction(async (tx) => {
        const rows = await this.#prefetch(tx, items);
        const out: AppliedParcelEvent[] = [];
        for (const i of items) {
          try {
            out.push({ ok: true, parcel: toParcel(await this.#applyFrom(tx, rows, i)) });
          } catch (error) {
            if (!refusedBeforeWriting(error)) throw error;
            out.push({ ok: false, error });
          }
        }
        return out;
      });
    } catch {
      const out: AppliedParcelEvent[] = [];
      for (const i of items) out.push(await this.#settled(this.applyEvent(i.parcelId, i.event, i.options)));
      return out;
    }
  }

  async #settled(p: Promise<Parcel>): Promise<AppliedParcelEvent> {
    try {
      return { ok: true, parcel: await p };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /**
   * applyEvent inside the caller's transaction, so dispatch can assign many parcels and write its trip atomically.
   * The parcel row is locked (PostgreSQL) until the transaction ends.
   */
  async applyEventIn(tx: Tx, id: string, event: ParcelEvent, options: ApplyEventOptions): Promise<Parcel> {
    return toParcel(await this.#applyTo(tx, id, await this.#row(tx, id, true), event, options));
  }

  /**
   * applyEventIn for each event in turn, in the caller's transaction (dispatch assigns a trip's parcels); throws the
   * first failure, as that loop would, and the caller's transaction should then roll back.
   */
  async applyEventsIn(tx: Tx, items: readonly ParcelEventItem[]): Promise<Parcel[]> {
    const rows = await this.#prefetch(tx, items);
    const out: Parcel[] = [];
    for (const i of items) out.push(toParcel(await this.#applyFrom(tx, rows, i)));
    return out;
  }

  /**
   * SQLite: the rows of a batch's parcels in one statement rather than one per event (a trip loads and leaves with
   * twenty-odd parcels at once). The transaction holds the database's write lock, so only the batch changes them, and
   * #applyFrom keeps them current. Undefined on PostgreSQL, where each row is read and locked as its event comes, in
   * event order, as applyEventIn does; and for a single event.
   */
  async #prefetch(tx: Tx, items: readonly ParcelEventItem[]): Promise<Map<string, ParcelRow> | undefined> {
    if (tx.dialect !== 'sqlite' || items.length <= 1) return undefined;
    const ids = [...new Set(items.map((i) => i.parcelId))];
    const rows = new Map<string, ParcelRow>();
    for (let base = 0; base < ids.length; base += ROWS_PER_INSERT) {
      const chunk = ids.slice(base, base + ROWS_PER_INSERT);
      const found = await tx.query<ParcelRow>(`${ROW_SQL_IN}(${chunk.map((_, k) => `$${k + 1}`).join(', ')})`, chunk);
      for (const r of found) rows.set(r.id, r);
    }
    return rows;
  }

  /** Applies one event of a batch to its row from `rows` (read now when there are none), and puts the result back. */
  async #applyFrom(tx: Tx, rows: Map<string, ParcelRow> | undefined, item: ParcelEventItem): Promise<ParcelRow> {
    const row = rows === undefined ? await this.#row(tx, item.parcelId, true) : rows.get(item.parcelId);
    const updated = await this.#applyTo(tx, item.parcelId, row, item.event, item.options);
    rows?.set(item.parcelId, updated);
    return updated;
  }

  /** The event applied to the parcel's `row` as read in this transaction: its new row (what the UPDATE wrote). */
  async #applyTo(tx: Tx, id: string, row: ParcelRow | undefined, event: ParcelEvent, options: ApplyEventOptions): Promise<ParcelRow> {
    if (!row) throw new ParcelNotFoundError(id);
    if (options.expectedVersion !== undefined && options.expectedVersion !== Number(row.version)) {
      throw new ParcelVersionConflictError(id, options.expectedVersion, Number(row.version));
    }
    const from = row.status as ParcelStatus;
    if (event.type === 'assign' && (typeof event.robotSerial !== 'string' || event.robotSerial === '')) {
      throw new ValidationError([{ path: 'event.robotSerial', message: 'required for assign' }]);
    }
    const next = transition(from, event);
    if (!next.ok) throw new ParcelTransitionError(id, from, event.type, next.error.message);
    const to = next.value;
    const now = this.#clock.now();
    const clear = clearsAssignment(event);
    const robot = event.type === 'assign' ? event.robotSerial : clear ? null : row.robot_serial;
    const trip = event.type === 'assign' ? (event.tripId ?? null) : clear ? null : row.trip_id;
    const codeUsedAt = event.type === 'code_verified' ? (row.code_used_at ?? now) : row.code_used_at;
    // Most events keep the robot and the trip: then the statement leaves those columns out, because an engine
    // rewrites the index of every column an UPDATE sets (parcels_robot, parcels_trip), changed or not.
    const { rowCount } = robot === row.robot_serial && trip === row.trip_id
      ? await tx.execute(
        'UPDATE parcels SET status = $1, code_used_at = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5',
        [to, codeUsedAt, now, id, row.version],
      )
      : await tx.execute(
        `UPDATE parcels SET status = $1, robot_serial = $2, trip_id = $3, code_used_at = $4, updated_at = $5, version = version + 1
         WHERE id = $6 AND version = $7`,
        [to, robot, trip, codeUsedAt, now, id, row.version],
      );
    if (rowCount !== 1) throw new ParcelVersionConflictError(id, Number(row.version), Number(row.version) + 1);
    const { type: _type, ...data } = event;
    await this.#appendEvent(tx, id, now, from, to, event.type, options.actor, data);
    const updated: ParcelRow = { ...row, status: to, robot_serial: robot, trip_id: trip, code_used_at: codeUsedAt, updated_at: now };
    updated.version = Number(row.version) + 1;
    const recipientEvent = recipientEventFor(to);
    if (recipientEvent !== undefined && to !== from) {
      await this.#notify(tx, updated, recipientEvent, event.type === 'depart' ? (event.etaMs ?? null) : null);
    }
    return updated;
  }

  /**
   * Appends a history entry that changes no status (from = to = the parcel's status), e.g. a dispatcher's re-route of
   * the trip it is on. `cause` names what happened; `data` must hold no secret. Throws ParcelNotFoundError.
   */
  async recordNote(q: Tx, id: string, cause: string, actor: string, data: Record<string, unknown>): Promise<void> {
    const row = await this.#row(q, id, true);
    if (!row) throw new ParcelNotFoundError(id);
    const status = row.status as ParcelStatus;
    await this.#appendEvent(q, id, this.#clock.now(), status, status, cause, actor, data);
  }

  /**
   * Checks a pickup code entered by the recipient (server side: tracking page or a robot that asks). A correct code
   * is used up and the parcel becomes delivered in the same transaction; a wrong one counts toward the lock-out,
   * which raises a `code_lockout` alert for the dispatcher. The scrypt work runs outside the transaction.
   */
  async verifyPickupCode(id: string, code: string, actor = 'recipient'): Promise<PickupCodeCheck> {
    const before = await this.#row(this.#store, id);
    if (!before) throw new ParcelNotFoundError(id);
    const early = this.#codeState(before, this.#clock.now());
    if (early !== undefined) return early;
    const match = checkCode(code, before.code_hash);
    return this.#store.transaction(async (tx) => {
      const row = await this.#row(tx, id, true);
      if (!row) throw new ParcelNotFoundError(id);
      const now = this.#clock.now();
      const state = this.#codeState(row, now);
      if (state !== undefined) return state;
      // A reissue between the read and the lock replaced the hash: check against the current one.
      const ok = row.code_hash === before.code_hash ? match : checkCode(code, row.code_hash);
      if (ok) {
        await this.applyEventIn(tx, id, { type: 'code_verified', by: 'server' }, { actor });
        return 'ok';
      }
      const failed = Number(row.code_failed_attempts) + 1;
      await tx.execute('UPDATE parcels SET code_failed_attempts = $1, updated_at = $2, version = version + 1 WHERE id = $3', [
        failed,
        now,
        id,
      ]);
      if (failed < this.#policy.maxFailedAttempts) return 'wrong';
      const status = row.status as ParcelStatus;
      await this.#appendEvent(tx, id, now, status, status, 'code_locked', actor, { failedAttempts: failed });
      await tx.execute(
        `INSERT INTO alerts (id, robot_serial, parcel_id, kind, severity, message, raised_at)
         VALUES ($1, $2, $3, 'code_lockout', 'warning', $4, $5)`,
        [this.#newId('A'), row.robot_serial, id, `pickup code locked after ${failed} wrong entries`, now],
      );
      return 'locked';
    });
  }

  /**
   * Replaces a parcel's pickup code and tracking token (recipient lost them, or the code locked out or expired):
   * resets the attempt counter, records `code_reissued` and notifies the recipient. The robot's order carries the old
   * hash, so dispatch must resend it (see codeHashes). Not allowed once delivered or cancelled.
   */
  async reissueCode(id: string, actor: string): Promise<ReissuedCode> {
    const code = issuePickupCode(this.#policy, this.#clock.now());
    const token = generateTrackingToken();
    return this.#store.transaction(async (tx) => {
      const row = await this.#row(tx, id, true);
      if (!row) throw new ParcelNotFoundError(id);
      const status = row.status as ParcelStatus;
      if (status === 'delivered' || status === 'cancelled') {
        throw new ParcelTransitionError(id, status, 'code_verified', `cannot reissue the code of a parcel that is ${status} (final)`);
      }
      const now = this.#clock.now();
      await tx.execute(
        `UPDATE parcels SET code_hash = $1, code_expires_at = $2, code_used_at = NULL, code_failed_attempts = 0,
         tracking_token_hash = $3, updated_at = $4, version = version + 1 WHERE id = $5`,
        [toJson(code.hash), code.expiresAtMs, hashTrackingToken(token), now, id],
      );
      await this.#appendEvent(tx, id, now, status, status, 'code_reissued', actor, null);
      const updated = { ...row, code_expires_at: code.expiresAtMs, code_used_at: null, code_failed_attempts: 0, updated_at: now };
      const link = trackingLink(this.#publicBaseUrl, token);
      await this.#notify(tx, updated, 'parcel.code_reissued', null, { pickupCode: code.code, trackingLink: link });
      return { pickupCode: code.code, trackingToken: token, trackingLink: link, codeExpiresAtMs: code.expiresAtMs };
    });
  }

  /** The code hashes (and expiry) of parcels, for the handOverParcel actions of a robot's order. */
  async codeHashes(ids: readonly string[]): Promise<Map<string, { hash: CodeHash; expiresAtMs: number | null }>> {
    const out = new Map<string, { hash: CodeHash; expiresAtMs: number | null }>();
    for (let base = 0; base < ids.length; base += ROWS_PER_INSERT) {
      const chunk = ids.slice(base, base + ROWS_PER_INSERT);
      const rows = await this.#store.query<{ id: string; code_hash: string | null; code_expires_at: number | null }>(
        `SELECT id, code_hash, code_expires_at FROM parcels WHERE id IN (${chunk.map((_, i) => `$${i + 1}`).join(', ')})`,
        chunk,
      );
      for (const r of rows) {
        if (r.code_hash !== null) out.set(r.id, { hash: fromJson<CodeHash>(r.code_hash), expiresAtMs: r.code_expires_at });
      }
    }
    return out;
  }

  /**
   * Forgets idempotency keys older than `maxAgeMs` (a client retries within minutes; a day is generous). Returns how
   * many were removed. Run it from a periodic housekeeping timer.
   */
  async purgeIdempotencyKeys(maxAgeMs: number): Promise<number> {
    const { rowCount } = await this.#store.execute('DELETE FROM idempotency_keys WHERE scope = $1 AND created_at < $2', [
      IDEMPOTENCY_SCOPE,
      this.#clock.now() - maxAgeMs,
    ]);
    return rowCount;
  }

  async #create(inputs: readonly ParcelInput[], options: CreateOptions): Promise<CreateBatchResult> {
    const key = options.idempotencyKey;
    if (key !== undefined && (typeof key !== 'string' || key.length < 1 || key.length > 200)) {
      throw new ValidationError([{ path: 'idempotencyKey', message: 'must be a string of 1 to 200 characters' }]);
    }
    const requestHash = key === undefined ? '' : createHash('sha256').update(canonicalJson(inputs)).digest('hex');
    if (key !== undefined) {
      const replay = await this.#replay(key, requestHash);
      if (replay) return replay;
    }
    const actor = options.actor ?? 'system';
    const now = this.#clock.now();
    const prepared = inputs.map((input) => ({
      id: this.#newId('P'),
      input,
      token: generateTrackingToken(),
      code: issuePickupCode(this.#policy, now),
    }));
    try {
      await this.#store.transaction(async (tx) => {
        if (key !== undefined) {
          const { rowCount } = await tx.execute(
            `INSERT INTO idempotency_keys (scope, key, request_hash, response, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING`,
            [IDEMPOTENCY_SCOPE, key, requestHash, toJson({ ids: prepared.map((p) => p.id) }), now],
          );
          if (rowCount === 0) throw new LostIdempotencyRace();
        }
        await this.#insertParcels(tx, prepared, now, actor);
      });
    } catch (e) {
      if (!(e instanceof LostIdempotencyRace) || key === undefined) throw e;
      const replay = await this.#replay(key, requestHash);
      if (replay) return replay;
      throw e;
    }
    return {
      replayed: false,
      parcels: prepared.map((p) => ({
        parcel: toParcel(newRow(p.id, p.input, p.code, now)),
        trackingToken: p.token,
        trackingLink: trackingLink(this.#publicBaseUrl, p.token),
        pickupCode: p.code.code,
      })),
    };
  }

  async #insertParcels(
    tx: Tx,
    prepared: readonly { id: string; input: ParcelInput; token: string; code: IssuedPickupCode }[],
    now: number,
    actor: string,
  ): Promise<void> {
    for (let base = 0; base < prepared.length; base += ROWS_PER_INSERT) {
      const chunk = prepared.slice(base, base + ROWS_PER_INSERT);
      const parcelValues: string[] = [];
      const parcelParams: (string | number | null)[] = [];
      const eventValues: string[] = [];
      const eventParams: (string | number)[] = [];
      for (const p of chunk) {
        const n = parcelParams.length;
        parcelValues.push(
          `($${n + 1}, $${n + 2}, 'received', $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, NULL, 0, $${n + 7}, NULL, NULL, $${n + 8}, $${n + 8}, 1)`,
        );
        parcelParams.push(
          p.id,
          p.input.externalRef ?? null,
          p.input.destination,
          toJson(recipientOf(p.input.recipient)),
          toJson(p.code.hash),
          p.code.expiresAtMs,
          hashTrackingToken(p.token),
          now,
        );
        const m = eventParams.length;
        eventValues.push(`($${m + 1}, $${m + 2}, 1, $${m + 3}, NULL, 'received', 'created', $${m + 4}, NULL)`);
        eventParams.push(this.#newId('E'), p.id, now, actor);
      }
      await tx.execute(
        `INSERT INTO parcels (id, external_ref, status, destination, recipient, code_hash, code_expires_at, code_used_at,
         code_failed_attempts, tracking_token_hash, robot_serial, trip_id, created_at, updated_at, version)
         VALUES ${parcelValues.join(', ')}`,
        parcelParams,
      );
      await tx.execute(
        `INSERT INTO parcel_events (id, parcel_id, seq, at, from_status, to_status, cause, actor, data) VALUES ${eventValues.join(', ')}`,
        eventParams,
      );
    }
    const messages: OutboxMessageInput[] = [];
    for (const p of prepared) {
      const row = newRow(p.id, p.input, p.code, now);
      const message = this.#message(row, 'parcel.created', p.input.etaMs ?? null, {
        pickupCode: p.code.code,
        trackingLink: trackingLink(this.#publicBaseUrl, p.token),
      });
      if (message) messages.push(message);
    }
    await this.#outbox.enqueue(tx, messages);
  }

  async #replay(key: string, requestHash: string): Promise<CreateBatchResult | undefined> {
    const [prior] = await this.#store.query<{ request_hash: string; response: string }>(
      'SELECT request_hash, response FROM idempotency_keys WHERE scope = $1 AND key = $2',
      [IDEMPOTENCY_SCOPE, key],
    );
    if (!prior) return undefined;
    if (prior.request_hash !== requestHash) throw new IdempotencyKeyReusedError(key);
    const { ids } = fromJson<{ ids: string[] }>(prior.response);
    const byId = new Map<string, Parcel>();
    for (let base = 0; base < ids.length; base += ROWS_PER_INSERT) {
      const chunk = ids.slice(base, base + ROWS_PER_INSERT);
      const rows = await this.#store.query<ParcelRow>(
        `SELECT ${PARCEL_COLUMNS} FROM parcels WHERE id IN (${chunk.map((_, i) => `$${i + 1}`).join(', ')})`,
        chunk,
      );
      for (const r of rows) byId.set(r.id, toParcel(r));
    }
    const parcels = ids.flatMap((id) => {
      const parcel = byId.get(id);
      return parcel ? [{ parcel, trackingToken: null, trackingLink: null, pickupCode: null }] : [];
    });
    return { replayed: true, parcels };
  }

  async #row(q: Queryable, id: string, lock = false): Promise<ParcelRow | undefined> {
    const suffix = lock ? lockRows(q) : '';
    const [row] = await q.query<ParcelRow>(suffix === '' ? ROW_SQL : ROW_SQL + suffix, [id]);
    return row;
  }

  #codeState(row: ParcelRow, now: number): PickupCodeCheck | undefined {
    if (row.code_used_at !== null) return 'used';
    if (Number(row.code_failed_attempts) >= this.#policy.maxFailedAttempts) return 'locked';
    if (row.code_hash === null || (row.code_expires_at !== null && now >= Number(row.code_expires_at))) return 'expired';
    if (row.status !== 'awaiting_pickup') return 'not_ready';
    return undefined;
  }

  async #appendEvent(
    tx: Tx,
    parcelId: string,
    at: number,
    from: ParcelStatus | null,
    to: ParcelStatus,
    cause: string,
    actor: string,
    data: Record<string, unknown> | null,
  ): Promise<void> {
    const hasData = data !== null && Object.keys(data).length > 0;
    // The next seq is read by the INSERT itself (one statement, not two); a VALUES subquery rather than INSERT … SELECT,
    // so PostgreSQL still types the parameters from the columns. The parcel row is locked, so no one appends meanwhile.
    await tx.execute(
      `INSERT INTO parcel_events (id, parcel_id, seq, at, from_status, to_status, cause, actor, data)
       VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM parcel_events WHERE parcel_id = $2), $3, $4, $5, $6, $7, $8)`,
      [this.#newId('E'), parcelId, at, from, to, cause, actor, hasData ? toJson(data) : null],
    );
  }

  async #notify(
    tx: Tx,
    row: ParcelRow,
    event: RecipientEvent,
    etaMs: number | null,
    secrets?: { pickupCode: string; trackingLink: string },
  ): Promise<void> {
    const message = this.#message(row, event, etaMs, secrets);
    if (message) await this.#outbox.enqueue(tx, [message]);
  }

  #message(
    row: ParcelRow,
    event: RecipientEvent,
    etaMs: number | null,
    secrets?: { pickupCode: string; trackingLink: string },
  ): OutboxMessageInput | undefined {
    const recipient = fromJson<Recipient>(row.recipient);
    const url = recipient.webhookUrl ?? this.#notifyUrl;
    if (url === undefined || url === null) return undefined;
    const body: RecipientNotification = {
      event,
      parcelId: row.id,
      externalRef: row.external_ref,
      status: row.status as ParcelStatus,
      recipient: { name: recipient.name, email: recipient.email, phone: recipient.phone },
      dropPlace: { id: row.destination, name: this.#placeName(row.destination) ?? null },
      etaMs,
      codeExpiresAtMs: row.code_expires_at,
    };
    return { url, event, body: { ...body }, ...(secrets ? { secrets: { ...secrets } } : {}) };
  }
}

/**
 * The errors applyEventIn throws before its first write (the version conflict after an UPDATE that matched no row):
 * the transaction is still sound, on PostgreSQL too, so a batch may go on without that event.
 */
function refusedBeforeWriting(error: unknown): boolean {
  return error instanceof ParcelNotFoundError || error instanceof ParcelTransitionError || error instanceof ParcelVersionConflictError
    || error instanceof ValidationError;
}

function checkCode(code: string, hashJson: string | null): boolean {
  return hashJson !== null && verifyPickupCode(code, fromJson<CodeHash>(hashJson));
}

function recipientOf(r: RecipientInput): Recipient {
  return { name: r.name, email: r.email ?? null, phone: r.phone ?? null, webhookUrl: r.webhookUrl ?? null };
}

function newRow(id: string, input: ParcelInput, code: IssuedPickupCode, now: number): ParcelRow {
  return {
    id,
    external_ref: input.externalRef ?? null,
    status: 'received',
    destination: input.destination,
    recipient: toJson(recipientOf(input.recipient)),
    code_hash: null,
    code_expires_at: code.expiresAtMs,
    code_used_at: null,
    code_failed_attempts: 0,
    robot_serial: null,
    trip_id: null,
    created_at: now,
    updated_at: now,
    version: 1,
  };
}

function toParcel(r: ParcelRow): Parcel {
  return {
    id: r.id,
    externalRef: r.external_ref,
    status: r.status as ParcelStatus,
    destination: r.destination,
    recipient: fromJson<Recipient>(r.recipient),
    robotSerial: r.robot_serial,
    tripId: r.trip_id,
    codeExpiresAtMs: r.code_expires_at === null ? null : Number(r.code_expires_at),
    codeUsedAtMs: r.code_used_at === null ? null : Number(r.code_used_at),
    codeFailedAttempts: Number(r.code_failed_attempts),
    createdAtMs: Number(r.created_at),
    updatedAtMs: Number(r.updated_at),
    version: Number(r.version),
  };
}

/** Random ids: a type letter and 64 CSPRNG bits in hex (collision odds stay negligible at millions of parcels). */
function newId(prefix: 'P' | 'E' | 'A'): string {
  return `${prefix}-${randomBytes(8).toString('hex').toUpperCase()}`;
}

function encodeCursor(createdAtMs: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAtMs, id]), 'utf8').toString('base64url');
}

/** The (created_at, id) a cursor points after, or null when it is not one of ours. */
function decodeCursor(cursor: string): [number, string] | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === 'string') return [v[0] as number, v[1]];
  } catch {
    // fall through: not a cursor we issued
  }
  return null;
}
