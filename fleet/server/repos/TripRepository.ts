import type { VdaBody } from '../../../protocol/index.ts';
import type { TripStop, WaitingParcel } from '../../dispatch/index.ts';
import { fromJson, lockRows, toJson, type Queryable, type Store, type Tx } from '../../store/index.ts';
import { SqliteShelfMirror, type ShelfKey } from './SqliteShelfMirror.ts';
import { sqliteChangeToken, type WatchedRows } from './sqliteChangeToken.ts';

export type TripStatus = 'planned' | 'sent' | 'finished' | 'aborted';

/** A trip as stored: the planner's stops, the parcels, and the VDA 5050 order sent for it. */
export interface TripRecord {
  id: string;
  robotSerial: string;
  status: TripStatus;
  orderId: string;
  orderUpdateId: number;
  stops: TripStop[];
  /** Parcel id → compartment (0-based, as in the order). */
  parcels: { parcelId: string; compartment: number; place: string }[];
  order: VdaBody<'order'> | null;
  createdAtMs: number;
  startedAtMs: number | null;
  finishedAtMs: number | null;
  /** The robot failed with parcels aboard: since when the trip awaits recovery (null: it does not). */
  recoverySinceMs?: number | null;
  /** When a dispatcher reported the robot back at the hub (null: not reported). */
  recoveredAtMs?: number | null;
}

/** A trip without its order body (what a dispatch round reads). */
export type TripSummary = Omit<TripRecord, 'order'>;

interface TripRow {
  id: string;
  robot_serial: string;
  status: string;
  order_id: string;
  order_update_id: number;
  stops: string;
  parcel_ids: string;
  /** Absent when a summary was asked for. */
  order_body?: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  recovery_since: number | null;
  recovered_at: number | null;
}

const INSERT_COLUMNS = 'id, robot_serial, status, order_id, order_update_id, stops, parcel_ids, order_body, created_at, started_at, finished_at';
const COLUMNS = `${INSERT_COLUMNS}, recovery_since, recovered_at`;
/** Parcels fetched per statement when a claim builds views (well under every engine's parameter limit). */
const CLAIM_CHUNK = 500;
const SUMMARY_COLUMNS = COLUMNS.replace('order_body, ', '');
/**
 * What can change while a trip is under way (planned or sent): a listing re-reads a trip when one of these did. Its
 * robot and creation time never change, and its finish time is set as it leaves the active trips.
 */
const KEY_COLUMNS = 'id, status, order_id, order_update_id, started_at, recovery_since, recovered_at';
type TripKey = Pick<TripRow, 'id' | 'status' | 'order_id' | 'order_update_id' | 'started_at' | 'recovery_since' | 'recovered_at'>;
/** The key columns in KEY_COLUMNS order, as SQLite's json_array gives them. */
type TripKeyTuple = [string, string, string, number, number | null, number | null, number | null];

/** The shelf: parcels waiting for a trip (a change to one that leaves or joins it counts too). */
const SHELF: WatchedRows = { name: 'shelf', table: 'parcels', where: "{row}.status = 'received'" };
/** Every trip: a listing of the active ones follows any change. */
const TRIPS: WatchedRows = { name: 'trips', table: 'trips' };

/** Trips in the `trips` table, and the dispatcher's view of waiting parcels. */
export class TripRepository {
  readonly #store: Store;
  /**
   * The active trips as last summarised, by id: a dispatch round lists them every few seconds, and parsing the same
   * stops and parcels JSON again each time was much of a round. An entry is reused only while its columns are
   * unchanged (callers treat records as read-only), and the map holds only the trips of the latest listing.
   */
  #summaryCache = new Map<string, { row: TripRow; trip: TripSummary }>();
  /** SQLite: the last listing's keys as the engine aggregated them, and the list built from them (read-only). */
  #lastActive: { keys: string; trips: readonly TripSummary[] } | undefined;
  /** SQLite: the trips' change token at the last listing; while it stays the same, so does the listing. */
  #lastActiveToken: string | undefined;
  /** PostgreSQL: the planner views of the last claim, by parcel id, with the version they were built from. */
  #claimCache = new Map<string, { version: number; view: WaitingParcel }>();
  /**
   * PostgreSQL: the last claim's keys (ids and versions, in order) and the list it returned: the next claim with the same keys
   * returns that list again (about half the claims of a busy day see an unchanged shelf).
   */
  #lastClaim: { ids: readonly string[]; versions: readonly number[]; parcels: readonly WaitingParcel[] } | undefined;
  /**
   * SQLite: every waiting parcel's keys, kept up to date from a log of the parcels that changed (see SqliteShelfMirror),
   * each with the planner view built for it; and the last claim from it, with the list it returned.
   */
  readonly #shelf = new SqliteShelfMirror<WaitingParcel>();
  #lastMirrorClaim: { keys: readonly ShelfKey<WaitingParcel>[]; parcels: readonly WaitingParcel[] } | undefined;
  /**
   * SQLite: the shelf's change token (sqliteChangeToken) at the last claim, with its limit, and that claim's list. A
   * claim with the same token and limit returns the list without reading a key: no waiting parcel changed since.
   */
  #lastShelf: { token: string; limit: number; parcels: readonly WaitingParcel[] } | undefined;
  /** SQLite: the last hasMoreWaitingThan, kept while the shelf's change token stays the same. */
  #lastDemand: { token: string; n: number; more: boolean } | undefined;
  /** The stops text stopsByOrderId parsed last, and what it parsed to (shared: read-only). */
  #lastStops: { text: string; stops: TripStop[] } | undefined;

  constructor(store: Store) {
    this.#store = store;
  }

  async insert(tx: Tx, trip: TripRecord): Promise<void> {
    await tx.execute(
      `INSERT INTO trips (${INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [trip.id, trip.robotSerial, trip.status, trip.orderId, trip.orderUpdateId, toJson(trip.stops), toJson(trip.parcels),
        trip.order === null ? null : toJson(trip.order), trip.createdAtMs, trip.startedAtMs, trip.finishedAtMs],
    );
  }

  /** Records the order as sent (the trip has started). */
  async markSent(id: string, order: VdaBody<'order'>, nowMs: number): Promise<void> {
    await this.#store.execute("UPDATE trips SET status = 'sent', order_body = $1, order_update_id = $2, started_at = $3 WHERE id = $4", [
      toJson(order), order.orderUpdateId, nowMs, id,
    ]);
  }

  /** Ends a trip (finished at the hub, or aborted); false when it had already ended. */
  async end(q: Queryable, id: string, status: 'finished' | 'aborted', nowMs: number): Promise<boolean> {
    const { rowCount } = await q.execute(
      "UPDATE trips SET status = $1, finished_at = $2 WHERE id = $3 AND status IN ('planned', 'sent')",
      [status, nowMs, id],
    );
    return rowCount === 1;
  }

  /** Marks a trip as awaiting the recovery of its failed robot (the first mark wins); false when it had ended. */
  async markAwaitingRecovery(q: Queryable, id: string, sinceMs: number): Promise<boolean> {
    const { rowCount } = await q.execute(
      "UPDATE trips SET recovery_since = COALESCE(recovery_since, $1) WHERE id = $2 AND status IN ('planned', 'sent')",
      [sinceMs, id],
    );
    return rowCount === 1;
  }

  /** A dispatcher reports the trip's robot back at the hub (it also counts as awaiting recovery from then). */
  async markRecovered(q: Queryable, id: string, nowMs: number): Promise<boolean> {
    const { rowCount } = await q.execute(
      "UPDATE trips SET recovery_since = COALESCE(recovery_since, $1), recovered_at = $1 WHERE id = $2 AND status IN ('planned', 'sent')",
      [nowMs, id],
    );
    return rowCount === 1;
  }

  /** Parcels waiting for a trip (received, not held): the planner's demand. */
  async countWaiting(q: Queryable = this.#store): Promise<number> {
    const [row] = await q.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM parcels WHERE status = 'received' AND held = 0");
    return Number(row?.n ?? 0);
  }

  /** More than `n` parcels waiting for a trip (received, not held)? Counts no further than n + 1. */
  async hasMoreWaitingThan(n: number, q: Queryable = this.#store): Promise<boolean> {
    // Charging asks every round while a robot is on a bay, mostly about an unchanged shelf.
    const token = await sqliteChangeToken(q, SHELF);
    const last = this.#lastDemand;
    if (token !== undefined && last?.token === token && last.n === n) return last.more;
    const [row] = await q.query<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM parcels WHERE status = 'received' AND held = 0 LIMIT $1) AS w",
      [Math.max(0, Math.floor(n)) + 1],
    );
    const more = Number(row?.n ?? 0) > n;
    this.#lastDemand = token === undefined ? undefined : { token, n, more };
    return more;
  }

  async get(id: string): Promise<TripRecord | undefined> {
    const [row] = await this.#store.query<TripRow>(`SELECT ${COLUMNS} FROM trips WHERE id = $1`, [id]);
    return row === undefined ? undefined : toTrip(row);
  }

  async byOrderId(orderId: string): Promise<TripRecord | undefined> {
    const [row] = await this.#store.query<TripRow>(`SELECT ${COLUMNS} FROM trips WHERE order_id = $1`, [orderId]);
    return row === undefined ? undefined : toTrip(row);
  }

  /**
   * The stops of the trip that has this order (undefined: no such trip). Reads that column only: the order body
   * stored before the later columns is most of a row. The robot reports a whole load leaving the hub at once, so the
   * text just parsed is kept and reused while the next read returns the same text.
   */
  async stopsByOrderId(orderId: string): Promise<TripStop[] | undefined> {
    const [row] = await this.#store.query<{ stops: string }>('SELECT stops FROM trips WHERE order_id = $1', [orderId]);
    if (row === undefined) return undefined;
    if (this.#lastStops?.text !== row.stops) this.#lastStops = { text: row.stops, stops: fromJson<TripStop[]>(row.stops) };
    return this.#lastStops.stops;
  }

  /** Trips not yet ended (planned or sent), oldest first. */
  async active(q: Queryable = this.#store): Promise<TripRecord[]> {
    const rows = await q.query<TripRow>(`SELECT ${COLUMNS} FROM trips WHERE status IN ('planned', 'sent') ORDER BY created_at, id`);
    return rows.map(toTrip);
  }

  /**
   * Trips not yet ended, oldest first, without their order bodies (the bulk of a row: every node, action and code
   * hash), for a dispatch round, which lists them every few seconds and never reads the order.
   */
  async activeSummaries(q: Queryable = this.#store): Promise<readonly TripSummary[]> {
    // The stops and parcels JSON (kilobytes a trip) is read only for trips new or changed since the last listing. A
    // trip's parcels never change and its stops change only with its order (order_id / order_update_id: LiveReroute),
    // which the key columns include. The keys carry no LENGTH(stops): on TEXT that counts characters, reading every
    // active trip's stops each round, which was half the cost of a listing that runs every couple of seconds.
    let keys: TripKey[];
    let aggregated: string | undefined;
    const token = await sqliteChangeToken(q, TRIPS);
    if (token !== undefined && token === this.#lastActiveToken && this.#lastActive !== undefined) return this.#lastActive.trips;
    if (q.dialect === 'sqlite') {
      // One row: the keys as one JSON array of arrays. Most rounds find the active trips as they were, and then the
      // list is the last one, with no row object built per trip.
      const [row] = await q.query<{ keys: string }>(
        `SELECT json_group_array(json_array(${KEY_COLUMNS}) ORDER BY created_at, id) AS keys FROM trips WHERE status IN ('planned', 'sent')`,
      );
      aggregated = row?.keys ?? '[]';
      if (this.#lastActive?.keys === aggregated) return this.#lastActive.trips;
      keys = fromJson<TripKeyTuple[]>(aggregated).map(([id, status, order_id, order_update_id, started_at, recovery_since, recovered_at]) => ({
        id, status, order_id, order_update_id, started_at, recovery_since, recovered_at,
      }));
    } else {
      keys = await q.query<TripKey>(`SELECT ${KEY_COLUMNS} FROM trips WHERE status IN ('planned', 'sent') ORDER BY created_at, id`);
    }
    const previous = this.#summaryCache;
    const cache = new Map<string, { row: TripRow; trip: TripSummary }>();
    const changed = keys.filter((k) => {
      const hit = previous.get(k.id);
      return hit === undefined || !sameKey(hit.row, k);
    });
    const full = new Map<string, TripRow>();
    for (let base = 0; base < changed.length; base += CLAIM_CHUNK) {
      const chunk = changed.slice(base, base + CLAIM_CHUNK).map((k) => k.id);
      const rows = await q.query<TripRow>(`SELECT ${SUMMARY_COLUMNS} FROM trips WHERE id IN (${chunk.map((_, i) => `$${i + 1}`).join(', ')})`, chunk);
      for (const r of rows) full.set(r.id, r);
    }
    const trips: TripSummary[] = [];
    for (const k of keys) {
      const row = full.get(k.id);
      const entry = row === undefined ? previous.get(k.id) : { row, trip: toSummary(row) };
      if (entry === undefined) continue;
      cache.set(k.id, entry);
      trips.push(entry.trip);
    }
    this.#summaryCache = cache;
    this.#lastActive = aggregated === undefined ? undefined : { keys: aggregated, trips };
    this.#lastActiveToken = token;
    return trips;
  }

  /** Serials of the robots with a trip not yet ended (the cheap form of `active()` for "who is busy"). */
  async activeRobotSerials(q: Queryable = this.#store): Promise<string[]> {
    // The round listed the active trips a moment ago: while no trip changed (SQLite), those are the serials.
    const token = await sqliteChangeToken(q, TRIPS);
    if (token !== undefined && token === this.#lastActiveToken && this.#lastActive !== undefined) return this.#lastActive.trips.map((t) => t.robotSerial);
    const rows = await q.query<{ robot_serial: string }>(`SELECT robot_serial FROM trips WHERE status IN ('planned', 'sent') ORDER BY created_at, id`);
    return rows.map((r) => r.robot_serial);
  }

  /** The most recent trips, newest first. */
  async recent(limit: number, robotSerial?: string): Promise<TripRecord[]> {
    const rows = robotSerial === undefined
      ? await this.#store.query<TripRow>(`SELECT ${COLUMNS} FROM trips ORDER BY created_at DESC, id LIMIT $1`, [limit])
      : await this.#store.query<TripRow>(`SELECT ${COLUMNS} FROM trips WHERE robot_serial = $1 ORDER BY created_at DESC, id LIMIT $2`, [robotSerial, limit]);
    return rows.map(toTrip);
  }

  /**
   * Waiting parcels (status received), oldest first, locked for this transaction. On PostgreSQL `SKIP LOCKED` lets
   * several server instances each claim different parcels instead of waiting on one another.
   *
   * A round claims up to the whole shelf (thousands of rows) and most of it is the same as last round: the claim takes
   * ids and versions (on SQLite from a mirror that re-reads only the parcels changed since the last claim; on
   * PostgreSQL from the index), and builds a parcel's planner view again only when its version changed (every
   * parcel change bumps it, overrides included). Views are shared between claims: read-only. A claim that reads the
   * very keys of the last one returns the last list itself (also read-only): same ids and versions, same views.
   */
  async claimWaiting(tx: Tx, limit: number): Promise<readonly WaitingParcel[]> {
    const token = await sqliteChangeToken(tx, SHELF);
    const shelf = this.#lastShelf;
    if (token !== undefined && shelf?.token === token && shelf.limit === limit) return shelf.parcels;
    const parcels = await this.#claim(tx, limit);
    this.#lastShelf = token === undefined ? undefined : { token, limit, parcels };
    return parcels;
  }

  async #claim(tx: Tx, limit: number): Promise<readonly WaitingParcel[]> {
    if (tx.dialect === 'sqlite') return this.#claimFromMirror(tx, limit);
    const { ids, versions } = await claimKeys(tx, limit);
    const last = this.#lastClaim;
    if (last !== undefined && sameKeys(last, ids, versions)) return last.parcels;
    const cache = this.#claimCache;
    const out: WaitingParcel[] = new Array<WaitingParcel>(ids.length);
    const missing: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const hit = cache.get(ids[i]!);
      if (hit !== undefined && hit.version === versions[i]) out[i] = hit.view;
      else missing.push(i);
    }
    for (let base = 0; base < missing.length; base += CLAIM_CHUNK) {
      const chunk = missing.slice(base, base + CLAIM_CHUNK).map((i) => ids[i]!);
      const rows = await tx.query<{
        id: string; version: number; destination: string; created_at: number; ready_at: number | null; held: number | boolean; pinned_robot: string | null;
        delivery_attempts: number;
      }>(
        `SELECT id, version, destination, created_at, ready_at, held, pinned_robot, delivery_attempts FROM parcels
         WHERE id IN (${chunk.map((_, i) => `$${i + 1}`).join(', ')})`,
        chunk,
      );
      for (const r of rows) cache.set(r.id, { version: Number(r.version), view: toWaitingParcel(r) });
      for (const i of missing.slice(base, base + CLAIM_CHUNK)) {
        const entry = cache.get(ids[i]!);
        if (entry !== undefined) out[i] = entry.view;
      }
    }
    // Parcels that left the shelf stay cached until the cache is well over the claim's size, then it is rebuilt.
    if (cache.size > 2 * ids.length + 1000) {
      const keep = new Map<string, { version: number; view: WaitingParcel }>();
      for (const id of ids) {
        const entry = cache.get(id);
        if (entry !== undefined) keep.set(id, entry);
      }
      this.#claimCache = keep;
    }
    const parcels = out.filter((v) => v !== undefined);
    this.#lastClaim = { ids, versions, parcels };
    return parcels;
  }

  /** SQLite: the claim from the shelf mirror, whose keys carry the views built for them (a changed parcel has a new key). */
  async #claimFromMirror(tx: Tx, limit: number): Promise<readonly WaitingParcel[]> {
    const keys = await this.#shelf.keys(tx, limit);
    const last = this.#lastMirrorClaim;
    if (last !== undefined && sameShelfKeys(last.keys, keys)) return last.parcels;
    const missing = keys.filter((k) => k.memo === undefined);
    for (let base = 0; base < missing.length; base += CLAIM_CHUNK) {
      const chunk = missing.slice(base, base + CLAIM_CHUNK);
      const views = await this.#views(tx, chunk.map((k) => k.id));
      for (const k of chunk) k.memo = views.get(k.id);
    }
    const parcels: WaitingParcel[] = [];
    for (const k of keys) if (k.memo !== undefined) parcels.push(k.memo);
    this.#lastMirrorClaim = { keys, parcels };
    return parcels;
  }

  /** The planner views of these parcels, by id (one statement: pass at most CLAIM_CHUNK ids). */
  async #views(tx: Tx, ids: readonly string[]): Promise<Map<string, WaitingParcel>> {
    const rows = await tx.query<{
      id: string; destination: string; created_at: number; ready_at: number | null; held: number | boolean; pinned_robot: string | null; delivery_attempts: number;
    }>(
      `SELECT id, destination, created_at, ready_at, held, pinned_robot, delivery_attempts FROM parcels WHERE id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')})`,
      ids,
    );
    return new Map(rows.map((r) => [r.id, toWaitingParcel(r)]));
  }
}

/**
 * The claim's keys on PostgreSQL: ids and versions of up to `limit` waiting parcels, oldest first, as rows locked with
 * SKIP LOCKED. (SQLite, where BEGIN IMMEDIATE already holds the whole database, keeps them in a SqliteShelfMirror.)
 */
async function claimKeys(tx: Tx, limit: number): Promise<{ ids: string[]; versions: number[] }> {
  const rows = await tx.query<{ id: string; version: number }>(
    `SELECT id, version FROM parcels WHERE status = 'received' ORDER BY created_at, id LIMIT $1${lockRows(tx, 'skip locked')}`,
    [limit],
  );
  return { ids: rows.map((k) => k.id), versions: rows.map((k) => Number(k.version)) };
}

/** A waiting parcel as the planner sees it. */
function toWaitingParcel(r: {
  id: string; destination: string; created_at: number; ready_at: number | null; held: number | boolean; pinned_robot: string | null; delivery_attempts: number;
}): WaitingParcel {
  return {
    id: r.id,
    destination: r.destination,
    readyAtMs: Number(r.ready_at ?? r.created_at),
    ...(Number(r.held) ? { held: true } : {}),
    ...(r.pinned_robot === null ? {} : { pinnedRobot: r.pinned_robot }),
    ...(Number(r.delivery_attempts) > 0 ? { attempts: Number(r.delivery_attempts) } : {}),
  };
}

/** The same parcels at the same versions, in the same order (a key object is replaced when its parcel changes). */
function sameShelfKeys(a: readonly ShelfKey<WaitingParcel>[], b: readonly ShelfKey<WaitingParcel>[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && (a[i]!.id !== b[i]!.id || a[i]!.version !== b[i]!.version)) return false;
  return true;
}

/** Whether a claim read the very keys of the last one, in the same order. */
function sameKeys(last: { ids: readonly string[]; versions: readonly number[] }, ids: readonly string[], versions: readonly number[]): boolean {
  if (last.ids.length !== ids.length) return false;
  for (let i = 0; i < ids.length; i++) if (last.ids[i] !== ids[i] || last.versions[i] !== versions[i]) return false;
  return true;
}

function sameKey(a: TripKey, b: TripKey): boolean {
  return a.status === b.status && a.order_id === b.order_id && Number(a.order_update_id) === Number(b.order_update_id) &&
    a.started_at === b.started_at && a.recovery_since === b.recovery_since && a.recovered_at === b.recovered_at;
}

function toSummary(r: TripRow): TripSummary {
  return {
    id: r.id,
    robotSerial: r.robot_serial,
    status: r.status as TripStatus,
    orderId: r.order_id,
    orderUpdateId: Number(r.order_update_id),
    stops: fromJson<TripStop[]>(r.stops),
    parcels: fromJson<TripRecord['parcels']>(r.parcel_ids),
    createdAtMs: Number(r.created_at),
    startedAtMs: r.started_at === null ? null : Number(r.started_at),
    finishedAtMs: r.finished_at === null ? null : Number(r.finished_at),
    recoverySinceMs: r.recovery_since === null ? null : Number(r.recovery_since),
    recoveredAtMs: r.recovered_at === null ? null : Number(r.recovered_at),
  };
}

function toTrip(r: TripRow): TripRecord {
  // The order body is the bulk of a row (every node, action and code hash) and a dispatch round, which lists the
  // active trips every few seconds, rarely reads it: parsed on first use.
  let order: VdaBody<'order'> | null | undefined;
  return {
    ...toSummary(r),
    get order() {
      order ??= fromJson<VdaBody<'order'> | null>(r.order_body);
      return order;
    },
    set order(value) {
      order = value;
    },
  };
}
