import type { VdaBody } from '../../../protocol/index.ts';
import type { TripStop, WaitingParcel } from '../../dispatch/index.ts';
import { fromJson, lockRows, toJson, type Queryable, type Store, type Tx } from '../../store/index.ts';

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

interface TripRow {
  id: string;
  robot_serial: string;
  status: string;
  order_id: string;
  order_update_id: number;
  stops: string;
  parcel_ids: string;
  order_body: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  recovery_since: number | null;
  recovered_at: number | null;
}

const INSERT_COLUMNS = 'id, robot_serial, status, order_id, order_update_id, stops, parcel_ids, order_body, created_at, started_at, finished_at';
const COLUMNS = `${INSERT_COLUMNS}, recovery_since, recovered_at`;

/** Trips in the `trips` table, and the dispatcher's view of waiting parcels. */
export class TripRepository {
  readonly #store: Store;

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

  async get(id: string): Promise<TripRecord | undefined> {
    const [row] = await this.#store.query<TripRow>(`SELECT ${COLUMNS} FROM trips WHERE id = $1`, [id]);
    return row === undefined ? undefined : toTrip(row);
  }

  async byOrderId(orderId: string): Promise<TripRecord | undefined> {
    const [row] = await this.#store.query<TripRow>(`SELECT ${COLUMNS} FROM trips WHERE order_id = $1`, [orderId]);
    return row === undefined ? undefined : toTrip(row);
  }

  /** Trips not yet ended (planned or sent), oldest first. */
  async active(q: Queryable = this.#store): Promise<TripRecord[]> {
    const rows = await q.query<TripRow>(`SELECT ${COLUMNS} FROM trips WHERE status IN ('planned', 'sent') ORDER BY created_at, id`);
    return rows.map(toTrip);
  }

  /** Serials of the robots with a trip not yet ended (the cheap form of `active()` for "who is busy"). */
  async activeRobotSerials(q: Queryable = this.#store): Promise<string[]> {
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
   */
  async claimWaiting(tx: Tx, limit: number): Promise<WaitingParcel[]> {
    const rows = await tx.query<{
      id: string; destination: string; created_at: number; ready_at: number | null; held: number | boolean; pinned_robot: string | null; delivery_attempts: number;
    }>(
      `SELECT id, destination, created_at, ready_at, held, pinned_robot, delivery_attempts FROM parcels
       WHERE status = 'received' ORDER BY created_at, id LIMIT $1${lockRows(tx, 'skip locked')}`,
      [limit],
    );
    return rows.map((r) => ({
      id: r.id,
      destination: r.destination,
      readyAtMs: Number(r.ready_at ?? r.created_at),
      ...(Number(r.held) ? { held: true } : {}),
      ...(r.pinned_robot === null ? {} : { pinnedRobot: r.pinned_robot }),
      ...(Number(r.delivery_attempts) > 0 ? { attempts: Number(r.delivery_attempts) } : {}),
    }));
  }
}

function toTrip(r: TripRow): TripRecord {
  // The order body is the bulk of a row (every node, action and code hash) and a dispatch round, which lists the
  // active trips every few seconds, rarely reads it: parsed on first use.
  let order: VdaBody<'order'> | null | undefined;
  return {
    id: r.id,
    robotSerial: r.robot_serial,
    status: r.status as TripStatus,
    orderId: r.order_id,
    orderUpdateId: Number(r.order_update_id),
    stops: fromJson<TripStop[]>(r.stops),
    parcels: fromJson<TripRecord['parcels']>(r.parcel_ids),
    get order() {
      order ??= fromJson<VdaBody<'order'> | null>(r.order_body);
      return order;
    },
    set order(value) {
      order = value;
    },
    createdAtMs: Number(r.created_at),
    startedAtMs: r.started_at === null ? null : Number(r.started_at),
    finishedAtMs: r.finished_at === null ? null : Number(r.finished_at),
    recoverySinceMs: r.recovery_since === null ? null : Number(r.recovery_since),
    recoveredAtMs: r.recovered_at === null ? null : Number(r.recovered_at),
  };
}
