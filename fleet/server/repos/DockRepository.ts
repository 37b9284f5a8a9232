import type { Queryable, Store } from '../../store/index.ts';

/**
 * Where a robot is with its charging bay: driving there (`to_dock`), on it (`charging`, from the moment the fleet
 * sends startCharging), or asked to stop charging and about to drive back to the hub (`leaving`).
 */
export type BayStatus = 'to_dock' | 'charging' | 'leaving';

/** One occupied charging bay. A bay with no row is free. */
export interface BayOccupancy {
  bayId: string;
  robotSerial: string;
  status: BayStatus;
  /** The order that takes the robot to the bay. */
  orderId: string;
  reservedAtMs: number;
  /** When charging was started (the anti-thrash dwell counts from here). */
  dockedAtMs: number | null;
}

interface Row {
  bay_id: string;
  robot_serial: string;
  status: string;
  order_id: string;
  reserved_at: number;
  docked_at: number | null;
}

const COLUMNS = 'bay_id, robot_serial, status, order_id, reserved_at, docked_at';

/**
 * Charging bay occupancy in `dock_bays`: the dispatch loop's only charging state, so a restarted server keeps every
 * robot on (or on its way to) the bay it had. A bay and a robot each appear at most once (primary key, UNIQUE).
 */
export class DockRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async list(q: Queryable = this.#store): Promise<BayOccupancy[]> {
    const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM dock_bays ORDER BY bay_id`);
    return rows.map(toOccupancy);
  }

  /** Reserves a free bay for a robot; false when the bay or the robot already has a row (another instance won). */
  async reserve(q: Queryable, bayId: string, robotSerial: string, orderId: string, nowMs: number): Promise<boolean> {
    const { rowCount } = await q.execute(
      `INSERT INTO dock_bays (${COLUMNS}) VALUES ($1, $2, 'to_dock', $3, $4, NULL) ON CONFLICT DO NOTHING`,
      [bayId, robotSerial, orderId, nowMs],
    );
    return rowCount === 1;
  }

  /** Moves a robot's bay to `status`; `dockedAtMs` is set when charging starts. False when the robot has no bay. */
  async setStatus(q: Queryable, robotSerial: string, status: BayStatus, dockedAtMs?: number): Promise<boolean> {
    const { rowCount } = dockedAtMs === undefined
      ? await q.execute('UPDATE dock_bays SET status = $1 WHERE robot_serial = $2', [status, robotSerial])
      : await q.execute('UPDATE dock_bays SET status = $1, docked_at = $2 WHERE robot_serial = $3', [status, dockedAtMs, robotSerial]);
    return rowCount === 1;
  }

  /** Frees the robot's bay; false when it had none. */
  async release(q: Queryable, robotSerial: string): Promise<boolean> {
    const { rowCount } = await q.execute('DELETE FROM dock_bays WHERE robot_serial = $1', [robotSerial]);
    return rowCount === 1;
  }
}

function toOccupancy(r: Row): BayOccupancy {
  return {
    bayId: r.bay_id,
    robotSerial: r.robot_serial,
    status: r.status as BayStatus,
    orderId: r.order_id,
    reservedAtMs: Number(r.reserved_at),
    dockedAtMs: r.docked_at === null ? null : Number(r.docked_at),
  };
}
