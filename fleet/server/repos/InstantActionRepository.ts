import type { Store } from '../../store/index.ts';

export type InstantActionStatus = 'sent' | 'FINISHED' | 'FAILED' | 'timeout' | 'cancelled';

export interface InstantActionRecord {
  actionId: string;
  robotSerial: string;
  actionType: string;
  status: InstantActionStatus;
  requestedBy: string;
  requestedAtMs: number;
  settledAtMs: number | null;
  result: string | null;
}

interface Row {
  action_id: string;
  robot_serial: string;
  action_type: string;
  status: string;
  requested_by: string;
  requested_at: number;
  settled_at: number | null;
  result: string | null;
}

const COLUMNS = 'action_id, robot_serial, action_type, status, requested_by, requested_at, settled_at, result';

/** Instant actions the server sent and how the robot confirmed them (the audit trail of pause/resume/charge/cancel). */
export class InstantActionRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async recordSent(r: Omit<InstantActionRecord, 'status' | 'settledAtMs' | 'result'>): Promise<void> {
    await this.#store.execute(`INSERT INTO instant_actions (${COLUMNS}) VALUES ($1, $2, $3, 'sent', $4, $5, NULL, NULL)`, [
      r.actionId, r.robotSerial, r.actionType, r.requestedBy, r.requestedAtMs,
    ]);
  }

  async settle(actionId: string, status: Exclude<InstantActionStatus, 'sent'>, atMs: number, result: string | null): Promise<void> {
    await this.#store.execute("UPDATE instant_actions SET status = $1, settled_at = $2, result = $3 WHERE action_id = $4 AND status = 'sent'", [
      status, atMs, result, actionId,
    ]);
  }

  async get(actionId: string): Promise<InstantActionRecord | undefined> {
    const [row] = await this.#store.query<Row>(`SELECT ${COLUMNS} FROM instant_actions WHERE action_id = $1`, [actionId]);
    return row === undefined ? undefined : toRecord(row);
  }

  async forRobot(serial: string, limit = 50): Promise<InstantActionRecord[]> {
    const rows = await this.#store.query<Row>(`SELECT ${COLUMNS} FROM instant_actions WHERE robot_serial = $1 ORDER BY requested_at DESC LIMIT $2`, [serial, limit]);
    return rows.map(toRecord);
  }
}

function toRecord(r: Row): InstantActionRecord {
  return {
    actionId: r.action_id,
    robotSerial: r.robot_serial,
    actionType: r.action_type,
    status: r.status as InstantActionStatus,
    requestedBy: r.requested_by,
    requestedAtMs: Number(r.requested_at),
    settledAtMs: r.settled_at === null ? null : Number(r.settled_at),
    result: r.result,
  };
}
