import type { Store } from '../../store/index.ts';
import type { Alert, AlertKind, AlertRepository, AlertSeverity } from '../../tracking/index.ts';

interface AlertRow {
  id: string;
  robot_serial: string | null;
  parcel_id: string | null;
  kind: string;
  severity: string;
  message: string;
  raised_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  alert_key: string | null;
  cleared_at: number | null;
}

/** An alert as the API lists it: tracker alerts (robot conditions) and parcel alerts (code lock-outs) alike. */
export interface StoredAlert {
  id: string;
  robotSerial: string | null;
  parcelId: string | null;
  kind: string;
  severity: AlertSeverity;
  message: string;
  raisedAtMs: number;
  clearedAtMs: number | null;
  acknowledgedAtMs: number | null;
  acknowledgedBy: string | null;
}

const COLUMNS = 'id, robot_serial, parcel_id, kind, severity, message, raised_at, acknowledged_at, acknowledged_by, alert_key, cleared_at';
// Listed: not acknowledged yet, or a tracker condition that still holds (acknowledged but not cleared).
const LISTED = '(acknowledged_at IS NULL OR (alert_key IS NOT NULL AND cleared_at IS NULL))';

/** Alerts in the `alerts` table: the tracker's (with `alert_key`) and ParcelService's code lock-outs. */
export class SqlAlertRepository implements AlertRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async save(alert: Alert): Promise<void> {
    await this.#store.execute(
      `INSERT INTO alerts (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, message = excluded.message, acknowledged_at = excluded.acknowledged_at,
       acknowledged_by = excluded.acknowledged_by, cleared_at = excluded.cleared_at`,
      [
        alert.id, alert.robot, alert.parcelId ?? null, alert.kind, alert.severity, alert.message, alert.raisedAtMs,
        alert.acknowledged?.atMs ?? null, alert.acknowledged?.by ?? null, alert.key, alert.clearedAtMs ?? null,
      ],
    );
  }

  async loadListed(): Promise<Alert[]> {
    const rows = await this.#store.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE alert_key IS NOT NULL AND ${LISTED} ORDER BY raised_at, id`);
    return rows.map((r) => ({
      id: r.id,
      key: r.alert_key ?? r.kind,
      kind: r.kind as AlertKind,
      severity: r.severity as AlertSeverity,
      message: r.message,
      robot: r.robot_serial ?? '',
      raisedAtMs: Number(r.raised_at),
      ...(r.parcel_id === null ? {} : { parcelId: r.parcel_id }),
      ...(r.cleared_at === null ? {} : { clearedAtMs: Number(r.cleared_at) }),
      ...(r.acknowledged_at === null ? {} : { acknowledged: { by: r.acknowledged_by ?? '', atMs: Number(r.acknowledged_at) } }),
    }));
  }

  /** Every listed alert, newest first (at most `limit`). */
  async listAll(limit = 500): Promise<StoredAlert[]> {
    const rows = await this.#store.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE ${LISTED} ORDER BY raised_at DESC, id LIMIT $1`, [limit]);
    return rows.map(toStored);
  }

  async get(id: string): Promise<StoredAlert | undefined> {
    const [row] = await this.#store.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE id = $1`, [id]);
    return row === undefined ? undefined : toStored(row);
  }

  /** Acknowledges an alert that is not the tracker's (a parcel alert); false when unknown or already acknowledged. */
  async acknowledge(id: string, by: string, nowMs: number): Promise<boolean> {
    const { rowCount } = await this.#store.execute(
      'UPDATE alerts SET acknowledged_at = $1, acknowledged_by = $2 WHERE id = $3 AND acknowledged_at IS NULL',
      [nowMs, by, id],
    );
    return rowCount === 1;
  }
}

function toStored(r: AlertRow): StoredAlert {
  return {
    id: r.id,
    robotSerial: r.robot_serial,
    parcelId: r.parcel_id,
    kind: r.kind,
    severity: r.severity as AlertSeverity,
    message: r.message,
    raisedAtMs: Number(r.raised_at),
    clearedAtMs: r.cleared_at === null ? null : Number(r.cleared_at),
    acknowledgedAtMs: r.acknowledged_at === null ? null : Number(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
  };
}
