/**
 * The schema, as an ordered list of migrations. A migration is never edited once shipped: a change is a new entry.
 * Statements are portable SQL (see Store.ts); times are BIGINT ms since the epoch, JSON is TEXT, booleans are 0/1.
 * Migration 2 adds what the fleet server needs (trips, overrides, robot states, instant actions); migration 3 charging
 * bay occupancy and the recovery marks of trips.
 */
import { StoreError, type Store, type Tx } from './Store.ts';

export interface Migration {
  /** 1, 2, 3 … in order, never reused. */
  id: number;
  name: string;
  statements: readonly string[];
}

const PARCEL_STATUSES = "'received','assigned','loaded','out_for_delivery','awaiting_pickup','delivered','returned','failed','cancelled'";

export const migrations: readonly Migration[] = [
  {
    id: 1,
    name: 'parcels, events, idempotency, outbox, robots, tokens, alerts',
    statements: [
      `CREATE TABLE parcels (
        id TEXT PRIMARY KEY,
        external_ref TEXT,
        status TEXT NOT NULL CHECK (status IN (${PARCEL_STATUSES})),
        destination TEXT NOT NULL,
        recipient TEXT NOT NULL,
        code_hash TEXT,
        code_expires_at BIGINT,
        code_used_at BIGINT,
        code_failed_attempts INTEGER NOT NULL DEFAULT 0,
        tracking_token_hash TEXT NOT NULL UNIQUE,
        robot_serial TEXT,
        trip_id TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        version INTEGER NOT NULL
      )`,
      // Keyset pagination walks (created_at, id); the status variant serves the dispatcher's "waiting parcels" query.
      'CREATE INDEX parcels_created ON parcels (created_at, id)',
      'CREATE INDEX parcels_status_created ON parcels (status, created_at, id)',
      'CREATE INDEX parcels_robot ON parcels (robot_serial)',
      'CREATE INDEX parcels_destination ON parcels (destination)',
      'CREATE INDEX parcels_trip ON parcels (trip_id)',
      `CREATE TABLE parcel_events (
        id TEXT PRIMARY KEY,
        parcel_id TEXT NOT NULL REFERENCES parcels (id),
        seq INTEGER NOT NULL,
        at BIGINT NOT NULL,
        from_status TEXT,
        to_status TEXT NOT NULL,
        cause TEXT NOT NULL,
        actor TEXT NOT NULL,
        data TEXT,
        UNIQUE (parcel_id, seq)
      )`,
      'CREATE INDEX parcel_events_at ON parcel_events (at)',
      `CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        response TEXT,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (scope, key)
      )`,
      'CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)',
      `CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending','delivered','dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        last_error TEXT,
        created_at BIGINT NOT NULL,
        delivered_at BIGINT
      )`,
      'CREATE INDEX outbox_due ON outbox (status, next_attempt_at)',
      `CREATE TABLE robots (
        serial TEXT PRIMARY KEY,
        manufacturer TEXT NOT NULL,
        credential_hash TEXT,
        capacity INTEGER NOT NULL CHECK (capacity >= 0),
        dock TEXT,
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at BIGINT NOT NULL
      )`,
      `CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT
      )`,
      `CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        robot_serial TEXT,
        parcel_id TEXT,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('info','warning','critical')),
        message TEXT NOT NULL,
        raised_at BIGINT NOT NULL,
        acknowledged_at BIGINT,
        acknowledged_by TEXT
      )`,
      'CREATE INDEX alerts_open ON alerts (acknowledged_at, raised_at)',
    ],
  },
  {
    id: 2,
    name: 'fleet server: trips, dispatcher overrides, robot states, tracker alerts, instant actions',
    statements: [
      // One row per trip: the order sent for it is kept so a restarted server can follow it without re-sending.
      `CREATE TABLE trips (
        id TEXT PRIMARY KEY,
        robot_serial TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('planned','sent','finished','aborted')),
        order_id TEXT NOT NULL UNIQUE,
        order_update_id INTEGER NOT NULL DEFAULT 0,
        stops TEXT NOT NULL,
        parcel_ids TEXT NOT NULL,
        order_body TEXT,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        finished_at BIGINT
      )`,
      'CREATE INDEX trips_robot_status ON trips (robot_serial, status)',
      'CREATE INDEX trips_status ON trips (status, created_at)',
      // Dispatcher overrides and re-delivery bookkeeping live on the parcel, so every instance plans the same.
      'ALTER TABLE parcels ADD COLUMN held INTEGER NOT NULL DEFAULT 0',
      'ALTER TABLE parcels ADD COLUMN pinned_robot TEXT',
      'ALTER TABLE parcels ADD COLUMN delivery_attempts INTEGER NOT NULL DEFAULT 0',
      'ALTER TABLE parcels ADD COLUMN ready_at BIGINT',
      `CREATE TABLE robot_overrides (
        serial TEXT PRIMARY KEY,
        route TEXT,
        force_charge INTEGER NOT NULL DEFAULT 0,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE TABLE robot_states (
        serial TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        health TEXT NOT NULL,
        received_at BIGINT NOT NULL
      )`,
      // Tracker alerts are keyed per robot condition; cleared_at marks a condition that ended.
      'ALTER TABLE alerts ADD COLUMN alert_key TEXT',
      'ALTER TABLE alerts ADD COLUMN cleared_at BIGINT',
      `CREATE TABLE instant_actions (
        action_id TEXT PRIMARY KEY,
        robot_serial TEXT NOT NULL,
        action_type TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('sent','FINISHED','FAILED','timeout','cancelled')),
        requested_by TEXT NOT NULL,
        requested_at BIGINT NOT NULL,
        settled_at BIGINT,
        result TEXT
      )`,
      'CREATE INDEX instant_actions_robot ON instant_actions (robot_serial, requested_at)',
    ],
  },
  {
    id: 3,
    name: 'fleet server: charging bay occupancy, recovery of a failed robot\'s trip',
    statements: [
      // One row per occupied charging bay, so a restarted server knows who is on (or driving to) which bay.
      `CREATE TABLE dock_bays (
        bay_id TEXT PRIMARY KEY,
        robot_serial TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL CHECK (status IN ('to_dock','charging','leaving')),
        order_id TEXT NOT NULL,
        reserved_at BIGINT NOT NULL,
        docked_at BIGINT
      )`,
      // A trip whose robot failed with parcels aboard: since when it awaits recovery, and when a dispatcher reported it
      // back at the hub. Its parcels are re-queued with their original age once they are off the robot.
      'ALTER TABLE trips ADD COLUMN recovery_since BIGINT',
      'ALTER TABLE trips ADD COLUMN recovered_at BIGINT',
    ],
  },
  {
    id: 4,
    name: 'dispatch: the waiting shelf from indexes',
    statements: [
      // Charging asks "more parcels waiting than free lockers?"; (status, held) answers it without reading each row.
      'CREATE INDEX parcels_status_held ON parcels (status, held)',
      // A dispatch round claims the shelf as ids and versions, oldest first (TripRepository.claimWaiting).
      'CREATE INDEX parcels_claim ON parcels (status, created_at, id, version)',
    ],
  },
  {
    id: 5,
    name: 'tracking: the fleet\'s outgoing VDA 5050 headerId per robot and topic',
    statements: [
      // A restarted server must go on counting (SqlHeaderIdRepository): a robot may ignore a headerId it saw before.
      `CREATE TABLE fleet_header_ids (
        serial TEXT NOT NULL,
        topic TEXT NOT NULL,
        next_header_id BIGINT NOT NULL CHECK (next_header_id >= 0 AND next_header_id < 4294967296),
        PRIMARY KEY (serial, topic)
      )`,
    ],
  },
  {
    id: 6,
    name: 'parcels: one status index fewer',
    statements: [
      // parcels_claim (status, created_at, id, version) serves every query parcels_status_created did (its columns are
      // a prefix), and each index costs every parcel change a write: a parcel changes status about six times.
      'DROP INDEX IF EXISTS parcels_status_created',
    ],
  },
];

// Any constant works; it only has to be the same for every instance of this server.
const MIGRATION_LOCK_KEY = 5_050_2026;

/**
 * Applies the migrations not yet recorded in `schema_migrations`, all in one transaction, so a crash leaves the schema
 * either before or after. On PostgreSQL an advisory lock makes concurrent starts wait for one another instead of
 * racing on CREATE TABLE. A database that has migrations this code does not know is refused (an older server must not
 * run against a newer schema).
 */
export async function runMigrations(store: Store, nowMs: number, list: readonly Migration[] = migrations): Promise<number[]> {
  checkOrder(list);
  return store.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.execute(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const applied = new Set((await tx.query<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => Number(r.id)));
    const known = new Set(list.map((m) => m.id));
    const unknown = [...applied].filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new StoreError(
        'STORE_MIGRATION',
        `the database has migration(s) ${unknown.join(', ')} that this server does not know; upgrade the server`,
      );
    }
    const done: number[] = [];
    for (const m of list) {
      if (applied.has(m.id)) continue;
      await apply(tx, m);
      await tx.execute('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [m.id, m.name, nowMs]);
      done.push(m.id);
    }
    return done;
  });
}

async function apply(tx: Tx, m: Migration): Promise<void> {
  for (const [i, sql] of m.statements.entries()) {
    try {
      await tx.execute(sql);
    } catch (e) {
      throw new StoreError('STORE_MIGRATION', `migration ${m.id} (${m.name}) statement ${i + 1} failed: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
}

function checkOrder(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.id !== i + 1) throw new StoreError('STORE_MIGRATION', `migrations must be numbered 1, 2, 3 …; entry ${i} has id ${m.id}`);
  });
}
