import { AppError } from '../../../common/core/AppError.ts';
import type { RobotCredentialRecord, RobotCredentialRepository } from '../../broker/index.ts';
import { createRobotCredential, hashRobotCredential, isValidTopicLevel } from '../../broker/index.ts';
import type { Store } from '../../store/index.ts';
import type { RobotRecord, RobotRegistry } from '../../tracking/index.ts';
import { sqliteChangeToken, type WatchedRows } from './sqliteChangeToken.ts';

interface RobotRow {
  serial: string;
  manufacturer: string;
  credential_hash: string | null;
  capacity: number;
  dock: string | null;
  enabled: number | boolean;
  created_at: number;
}

export interface RegisteredRobot extends RobotRecord {
  enabled: boolean;
  createdAtMs: number;
}

export interface AddRobotInput {
  serial: string;
  manufacturer: string;
  compartments: number;
  dockId?: string;
}

/** A robot registration problem (bad serial, duplicate). */
export class RobotRegistryError extends AppError {}

const COLUMNS = 'serial, manufacturer, credential_hash, capacity, dock, enabled, created_at';
const ROBOTS: WatchedRows = { name: 'robots', table: 'robots' };

/**
 * The robot registry over the `robots` table, for the broker (credentials) and the tracker (serial, manufacturer,
 * compartments, dock). The tracker looks robots up on every message, so reads come from an in-memory copy that
 * `refresh()` reloads (after `add`, and periodically, so robots added by another instance appear).
 */
export class SqlRobotRepository implements RobotCredentialRepository, RobotRegistry {
  readonly #store: Store;
  /** Each row with its tracker record, made once per load: the tracker looks its robot up on every message. */
  #cache = new Map<string, { row: RobotRow; record: RobotRecord }>();
  /** SQLite: the table's change token at the last load; while it stays the same, so do the rows. */
  #token: string | undefined;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Reloads the in-memory copy from the table (on SQLite, only when the table changed since the last load). */
  async refresh(): Promise<void> {
    // The server refreshes every 30 s for robots added elsewhere; the robots rarely change.
    const token = await sqliteChangeToken(this.#store, ROBOTS);
    if (token !== undefined && token === this.#token) return;
    const rows = await this.#store.query<RobotRow>(`SELECT ${COLUMNS} FROM robots ORDER BY serial`);
    const previous = this.#cache;
    // A robot whose row is as it was keeps its record object (PostgreSQL reads every time).
    this.#cache = new Map(rows.map((row) => {
      const hit = previous.get(row.serial);
      return [row.serial, hit !== undefined && sameRow(hit.row, row) ? hit : { row, record: toRecord(row) }];
    }));
    this.#token = token;
  }

  /**
   * Registers a robot with a fresh MQTT credential and returns the credential (shown once; only its hash is stored).
   * Throws RobotRegistryError for a serial or manufacturer unusable as a topic level, or a serial already registered.
   */
  async add(input: AddRobotInput, nowMs: number): Promise<{ robot: RegisteredRobot; credential: string }> {
    for (const [field, value] of [['serial', input.serial], ['manufacturer', input.manufacturer]] as const) {
      if (!isValidTopicLevel(value)) {
        throw new RobotRegistryError('ROBOT_INVALID', `${field} ${JSON.stringify(value)} must be 1-64 of letters, digits, '.', '_' or '-'`);
      }
    }
    if (!Number.isInteger(input.compartments) || input.compartments < 1 || input.compartments > 64) {
      throw new RobotRegistryError('ROBOT_INVALID', `compartments must be an integer in 1..64, got ${input.compartments}`);
    }
    const credential = createRobotCredential();
    const { rowCount } = await this.#store.execute(
      `INSERT INTO robots (serial, manufacturer, credential_hash, capacity, dock, enabled, created_at) VALUES ($1, $2, $3, $4, $5, 1, $6)
       ON CONFLICT DO NOTHING`,
      [input.serial, input.manufacturer, hashRobotCredential(credential), input.compartments, input.dockId ?? null, nowMs],
    );
    if (rowCount === 0) throw new RobotRegistryError('ROBOT_EXISTS', `robot ${input.serial} is already registered`);
    await this.refresh();
    return { robot: toRegistered(this.#cache.get(input.serial)!.row), credential };
  }

  /** Enables or disables a robot (a disabled robot cannot connect to the embedded broker); false when unknown. */
  async setEnabled(serial: string, enabled: boolean): Promise<boolean> {
    const { rowCount } = await this.#store.execute('UPDATE robots SET enabled = $1 WHERE serial = $2', [enabled ? 1 : 0, serial]);
    await this.refresh();
    return rowCount === 1;
  }

  /** Broker lookup: asks the table, not the cache, so a robot added by another instance can connect at once. */
  async findBySerial(serialNumber: string): Promise<RobotCredentialRecord | undefined> {
    const [row] = await this.#store.query<RobotRow>(`SELECT ${COLUMNS} FROM robots WHERE serial = $1`, [serialNumber]);
    if (row === undefined || row.credential_hash === null) return undefined;
    return { serialNumber: row.serial, manufacturer: row.manufacturer, credentialHash: row.credential_hash, enabled: Boolean(Number(row.enabled)) };
  }

  /** The robot's record (shared between callers: read-only), or undefined when unknown or disabled. */
  get(serial: string): RobotRecord | undefined {
    const hit = this.#cache.get(serial);
    return hit === undefined || !Number(hit.row.enabled) ? undefined : hit.record;
  }

  list(): RobotRecord[] {
    return [...this.#cache.values()].filter((r) => Number(r.row.enabled)).map((r) => r.record);
  }

  /** Every registered robot, enabled or not. */
  all(): RegisteredRobot[] {
    return [...this.#cache.values()].map((r) => toRegistered(r.row));
  }
}

function sameRow(a: RobotRow, b: RobotRow): boolean {
  return a.serial === b.serial && a.manufacturer === b.manufacturer && a.credential_hash === b.credential_hash && Number(a.capacity) === Number(b.capacity) &&
    a.dock === b.dock && Number(a.enabled) === Number(b.enabled) && Number(a.created_at) === Number(b.created_at);
}

function toRecord(row: RobotRow): RobotRecord {
  return { serial: row.serial, manufacturer: row.manufacturer, compartments: Number(row.capacity), ...(row.dock === null ? {} : { dockId: row.dock }) };
}

function toRegistered(row: RobotRow): RegisteredRobot {
  return { ...toRecord(row), enabled: Boolean(Number(row.enabled)), createdAtMs: Number(row.created_at) };
}
