import { fromJson, toJson, type Queryable, type Store } from '../../store/index.ts';

/** A dispatcher's standing orders for one robot. */
export interface RobotOverride {
  serial: string;
  /** Re-route: these stops first, in this order, on the robot's next trip. */
  route: string[] | null;
  /** Send to a dock whatever the battery. */
  forceCharge: boolean;
}

/** Dispatcher overrides: holds and pins on parcels, re-routes and forced charging on robots. All in the database. */
export class OverrideRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  // Every override bumps the parcel's version, as every other change does: the dispatcher's claim
  // (TripRepository.claimWaiting) reuses what it built for a parcel while its version is unchanged.

  /** Holds or releases a parcel; false when there is no such parcel. */
  async setHeld(parcelId: string, held: boolean, nowMs: number): Promise<boolean> {
    const { rowCount } = await this.#store.execute('UPDATE parcels SET held = $1, updated_at = $2, version = version + 1 WHERE id = $3', [held ? 1 : 0, nowMs, parcelId]);
    return rowCount === 1;
  }

  /** Pins a parcel to a robot (or unpins it with null) inside the caller's transaction. */
  async setPinned(q: Queryable, parcelId: string, robotSerial: string | null): Promise<void> {
    await q.execute('UPDATE parcels SET pinned_robot = $1, version = version + 1 WHERE id = $2', [robotSerial, parcelId]);
  }

  async parcelOverrides(parcelId: string): Promise<{ held: boolean; pinnedRobot: string | null; attempts: number } | undefined> {
    const [row] = await this.#store.query<{ held: number; pinned_robot: string | null; delivery_attempts: number }>(
      'SELECT held, pinned_robot, delivery_attempts FROM parcels WHERE id = $1',
      [parcelId],
    );
    return row === undefined ? undefined : { held: Boolean(Number(row.held)), pinnedRobot: row.pinned_robot, attempts: Number(row.delivery_attempts) };
  }

  /** Records a failed delivery attempt and when the parcel may go out again. */
  async setAttempts(q: Queryable, parcelId: string, attempts: number, readyAtMs: number | null): Promise<void> {
    await q.execute('UPDATE parcels SET delivery_attempts = $1, ready_at = $2, version = version + 1 WHERE id = $3', [attempts, readyAtMs, parcelId]);
  }

  async robotOverrides(): Promise<RobotOverride[]> {
    const rows = await this.#store.query<{ serial: string; route: string | null; force_charge: number }>(
      'SELECT serial, route, force_charge FROM robot_overrides ORDER BY serial',
    );
    return rows.map((r) => ({ serial: r.serial, route: fromJson<string[] | null>(r.route), forceCharge: Boolean(Number(r.force_charge)) }));
  }

  async setRoute(serial: string, route: readonly string[] | null, nowMs: number): Promise<void> {
    await this.#store.execute(
      `INSERT INTO robot_overrides (serial, route, force_charge, updated_at) VALUES ($1, $2, 0, $3)
       ON CONFLICT (serial) DO UPDATE SET route = excluded.route, updated_at = excluded.updated_at`,
      [serial, route === null ? null : toJson(route), nowMs],
    );
  }

  async setForceCharge(serial: string, force: boolean, nowMs: number): Promise<void> {
    await this.#store.execute(
      `INSERT INTO robot_overrides (serial, route, force_charge, updated_at) VALUES ($1, NULL, $2, $3)
       ON CONFLICT (serial) DO UPDATE SET force_charge = excluded.force_charge, updated_at = excluded.updated_at`,
      [serial, force ? 1 : 0, nowMs],
    );
  }
}
