/**
 * The fleet server's repositories on both engines: one suite, run on a private in-memory SQLite database and on
 * PostgreSQL in a throw-away schema (skipped with a reason when PostgreSQL is down, failing under CI=true), plus the
 * dispatcher's claim under real concurrency on PostgreSQL (`FOR UPDATE SKIP LOCKED`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../clock/index.ts';
import type { State } from '../../../protocol/index.ts';
import { hashToken } from '../../auth/index.ts';
import type { Queryable, Store } from '../../store/index.ts';
import { makePostgresTestStore, makeSqliteTestStore, postgresSkipReason, type MakeTestStore, type TestStore } from '../../store/testStores.ts';
import type { TripStop } from '../../dispatch/index.ts';
import { DockRepository } from './DockRepository.ts';
import { InstantActionRepository } from './InstantActionRepository.ts';
import { OverrideRepository } from './OverrideRepository.ts';
import { SqlAlertRepository } from './SqlAlertRepository.ts';
import { RobotRegistryError, SqlRobotRepository } from './SqlRobotRepository.ts';
import { SqlRobotStateRepository } from './SqlRobotStateRepository.ts';
import { SqlTokenRepository } from './SqlTokenRepository.ts';
import { TripRepository, type TripRecord } from './TripRepository.ts';

const T0 = Date.UTC(2026, 8, 1, 8, 0, 0);

async function addParcel(q: Queryable, id: string, createdAtMs: number, extra: { held?: boolean; pinned?: string; attempts?: number; readyAtMs?: number } = {}): Promise<void> {
  await q.execute(
    `INSERT INTO parcels (id, status, destination, recipient, tracking_token_hash, created_at, updated_at, version, held, pinned_robot, delivery_attempts, ready_at)
     VALUES ($1, 'received', $2, '{}', $3, $4, $4, 1, $5, $6, $7, $8)`,
    [id, `drop-${id}`, `tt-${id}`, createdAtMs, extra.held ? 1 : 0, extra.pinned ?? null, extra.attempts ?? 0, extra.readyAtMs ?? null],
  );
}

function trip(id: string, robotSerial: string, createdAtMs: number): TripRecord {
  const stops: TripStop[] = [{ place: 'drop-a', parcelIds: ['P1'], etaMs: createdAtMs + 60_000, departMs: createdAtMs + 240_000 }];
  return {
    id, robotSerial, status: 'planned', orderId: id, orderUpdateId: 0, stops, parcels: [{ parcelId: 'P1', compartment: 0, place: 'drop-a' }],
    order: null, createdAtMs, startedAtMs: null, finishedAtMs: null,
  };
}

/** Claims like the dispatch loop: lock waiting parcels, then assign them in the same transaction. */
async function claimAndAssign(store: Store, trips: TripRepository, limit: number, whileLocked: () => Promise<void> = async () => {}): Promise<string[]> {
  return store.transaction(async (tx) => {
    const got = (await trips.claimWaiting(tx, limit)).map((p) => p.id);
    await whileLocked();
    for (const id of got) await tx.execute("UPDATE parcels SET status = 'assigned' WHERE id = $1", [id]);
    return got;
  });
}

function runRepositorySuite(name: string, make: MakeTestStore): void {
  describe(`fleet server repositories on ${name}`, () => {
    let t: TestStore;
    let store: Store;
    beforeEach(async () => {
      t = await make(new VirtualClock(T0));
      store = t.store;
    });
    afterEach(async () => {
      await t.dispose();
    });

    it('TripRepository: insert, send, end once, look up, recent per robot, recovery marks (first wins)', async () => {
      const trips = new TripRepository(store);
      await store.transaction(async (tx) => {
        await trips.insert(tx, trip('T1', 'r1', T0));
        await trips.insert(tx, trip('T2', 'r2', T0 + 1));
        await trips.insert(tx, trip('T3', 'r1', T0 + 2));
      });
      expect((await trips.active()).map((x) => x.id)).toEqual(['T1', 'T2', 'T3']);
      const order = { orderId: 'T1', orderUpdateId: 0, nodes: [], edges: [] };
      await trips.markSent('T1', order, T0 + 10);
      expect(await trips.byOrderId('T1')).toMatchObject({ status: 'sent', order, startedAtMs: T0 + 10, stops: trip('T1', 'r1', T0).stops, recoverySinceMs: null, recoveredAtMs: null });
      expect(await trips.markAwaitingRecovery(store, 'T1', T0 + 20)).toBe(true);
      expect(await trips.markAwaitingRecovery(store, 'T1', T0 + 30)).toBe(true);
      expect(await trips.markRecovered(store, 'T1', T0 + 40)).toBe(true);
      expect(await trips.get('T1')).toMatchObject({ recoverySinceMs: T0 + 20, recoveredAtMs: T0 + 40 });
      expect(await trips.markRecovered(store, 'T2', T0 + 50)).toBe(true);
      expect(await trips.get('T2')).toMatchObject({ recoverySinceMs: T0 + 50, recoveredAtMs: T0 + 50 });
      expect(await trips.end(store, 'T1', 'aborted', T0 + 60)).toBe(true);
      expect(await trips.end(store, 'T1', 'finished', T0 + 70)).toBe(false);
      expect(await trips.markAwaitingRecovery(store, 'T1', T0 + 80)).toBe(false);
      expect(await trips.get('T1')).toMatchObject({ status: 'aborted', finishedAtMs: T0 + 60 });
      expect((await trips.active()).map((x) => x.id)).toEqual(['T2', 'T3']);
      expect((await trips.recent(10, 'r1')).map((x) => x.id)).toEqual(['T3', 'T1']);
      expect((await trips.recent(2)).map((x) => x.id)).toEqual(['T3', 'T2']);
      expect(await trips.get('nope')).toBeUndefined();
    });

    it('TripRepository: claims waiting parcels oldest first with holds, pins, attempts and readyAt; counts demand without held ones', async () => {
      const trips = new TripRepository(store);
      await addParcel(store, 'P3', T0 + 3);
      await addParcel(store, 'P1', T0 + 1, { held: true });
      await addParcel(store, 'P2', T0 + 2, { pinned: 'r7', attempts: 2, readyAtMs: T0 + 900 });
      await addParcel(store, 'P4', T0 + 4);
      await store.execute("UPDATE parcels SET status = 'delivered' WHERE id = 'P4'");
      const claimed = await store.transaction((tx) => trips.claimWaiting(tx, 10));
      expect(claimed).toEqual([
        { id: 'P1', destination: 'drop-P1', readyAtMs: T0 + 1, held: true },
        { id: 'P2', destination: 'drop-P2', readyAtMs: T0 + 900, pinnedRobot: 'r7', attempts: 2 },
        { id: 'P3', destination: 'drop-P3', readyAtMs: T0 + 3 },
      ]);
      expect((await store.transaction((tx) => trips.claimWaiting(tx, 2))).map((p) => p.id)).toEqual(['P1', 'P2']);
      expect(await trips.countWaiting()).toBe(2);
    });

    it('TripRepository: a claim sees every change of a parcel it viewed before (version), ids JSON would escape, and an empty shelf', async () => {
      const trips = new TripRepository(store);
      expect(await store.transaction((tx) => trips.claimWaiting(tx, 10))).toEqual([]);
      const odd = 'P"q\\u\u00e9 1';
      await addParcel(store, odd, T0 + 1);
      await addParcel(store, 'P2', T0 + 2);
      expect(await store.transaction((tx) => trips.claimWaiting(tx, 10))).toEqual([
        { id: odd, destination: `drop-${odd}`, readyAtMs: T0 + 1 },
        { id: 'P2', destination: 'drop-P2', readyAtMs: T0 + 2 },
      ]);
      // A change bumps the version; the claim builds that parcel's view again and reuses the other.
      await store.execute('UPDATE parcels SET held = 1, version = version + 1 WHERE id = $1', ['P2']);
      const again = await store.transaction((tx) => trips.claimWaiting(tx, 10));
      expect(again).toEqual([
        { id: odd, destination: `drop-${odd}`, readyAtMs: T0 + 1 },
        { id: 'P2', destination: 'drop-P2', readyAtMs: T0 + 2, held: true },
      ]);
    });

    it('TripRepository: a claim of the same keys returns the last list itself; any change of the shelf gives a new one', async () => {
      const trips = new TripRepository(store);
      const claim = (limit = 10) => store.transaction((tx) => trips.claimWaiting(tx, limit));
      await addParcel(store, 'P1', T0 + 1);
      await addParcel(store, 'P2', T0 + 2);
      const first = await claim();
      expect(await claim()).toBe(first);
      // A new parcel, a version bump, a parcel leaving the shelf, a smaller claim: each is seen.
      await addParcel(store, 'P3', T0 + 3);
      const grown = await claim();
      expect(grown.map((p) => p.id)).toEqual(['P1', 'P2', 'P3']);
      await store.execute('UPDATE parcels SET pinned_robot = $1, version = version + 1 WHERE id = $2', ['r2', 'P2']);
      const pinned = await claim();
      expect(pinned).not.toBe(grown);
      expect(pinned[1]).toEqual({ id: 'P2', destination: 'drop-P2', readyAtMs: T0 + 2, pinnedRobot: 'r2' });
      expect(await claim()).toBe(pinned);
      await store.execute("UPDATE parcels SET status = 'assigned', version = version + 1 WHERE id = 'P1'");
      expect((await claim()).map((p) => p.id)).toEqual(['P2', 'P3']);
      expect((await claim(1)).map((p) => p.id)).toEqual(['P2']);
      expect((await claim()).map((p) => p.id)).toEqual(['P2', 'P3']);
    });

    it('TripRepository: active summaries follow a re-route (new stops with the order update) and an ended trip; stops by order id', async () => {
      const trips = new TripRepository(store);
      await store.transaction(async (tx) => {
        await trips.insert(tx, trip('T1', 'r1', T0));
        await trips.insert(tx, trip('T2', 'r2', T0 + 1));
      });
      expect((await trips.activeSummaries()).map((t) => [t.id, t.stops[0]?.place])).toEqual([['T1', 'drop-a'], ['T2', 'drop-a']]);
      const stops: TripStop[] = [{ place: 'drop-b', parcelIds: ['P1'], etaMs: T0 + 90_000, departMs: T0 + 270_000 }];
      // What LiveReroute writes: the stops change together with the order's id or update id.
      await store.execute('UPDATE trips SET order_update_id = 1, stops = $1 WHERE id = $2', [JSON.stringify(stops), 'T2']);
      await trips.end(store, 'T1', 'finished', T0 + 5);
      const listed = await trips.activeSummaries();
      expect(listed.map((t) => [t.id, t.robotSerial, t.orderUpdateId, t.createdAtMs, t.stops[0]?.place])).toEqual([['T2', 'r2', 1, T0 + 1, 'drop-b']]);
      expect(await trips.stopsByOrderId('T2')).toEqual(stops);
      expect(await trips.stopsByOrderId('T2')).toBe(await trips.stopsByOrderId('T2'));
      expect(await trips.stopsByOrderId('nope')).toBeUndefined();
    });

    it('TripRepository: an unchanged listing of active trips is the last list on SQLite; every key column change is seen', async () => {
      const trips = new TripRepository(store);
      await store.transaction(async (tx) => {
        await trips.insert(tx, trip('T1', 'r1', T0));
        await trips.insert(tx, trip('T2', 'r2', T0 + 1));
        await trips.insert(tx, trip('T0', 'r3', T0 + 1));
      });
      const first = await trips.activeSummaries();
      // Oldest first, ids breaking ties.
      expect(first.map((t) => t.id)).toEqual(['T1', 'T0', 'T2']);
      if (store.dialect === 'sqlite') expect(await trips.activeSummaries()).toBe(first);
      else expect(await trips.activeSummaries()).toEqual(first);
      const seen = async () => (await trips.activeSummaries()).map((t) => [t.id, t.status, t.orderId, t.orderUpdateId, t.startedAtMs, t.recoverySinceMs, t.recoveredAtMs]);
      await store.execute("UPDATE trips SET status = 'sent', started_at = $1 WHERE id = 'T1'", [T0 + 10]);
      expect((await seen())[0]).toEqual(['T1', 'sent', 'T1', 0, T0 + 10, null, null]);
      await store.execute("UPDATE trips SET order_id = 'T1b', order_update_id = 2 WHERE id = 'T1'");
      expect((await seen())[0]).toEqual(['T1', 'sent', 'T1b', 2, T0 + 10, null, null]);
      await trips.markAwaitingRecovery(store, 'T1', T0 + 20);
      expect((await seen())[0]).toEqual(['T1', 'sent', 'T1b', 2, T0 + 10, T0 + 20, null]);
      await trips.markRecovered(store, 'T1', T0 + 30);
      expect((await seen())[0]).toEqual(['T1', 'sent', 'T1b', 2, T0 + 10, T0 + 20, T0 + 30]);
      expect(await trips.activeRobotSerials()).toEqual(['r1', 'r3', 'r2']);
      await trips.end(store, 'T0', 'aborted', T0 + 40);
      expect(await trips.activeRobotSerials()).toEqual(['r1', 'r2']);
      expect((await seen()).map((k) => k[0])).toEqual(['T1', 'T2']);
      await trips.end(store, 'T1', 'finished', T0 + 50);
      await trips.end(store, 'T2', 'finished', T0 + 50);
      expect(await trips.activeSummaries()).toEqual([]);
    });

    it('migration 6 dropped parcels_status_created; the claim index covers its queries', async () => {
      const sql = store.dialect === 'sqlite'
        ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'parcels'"
        : "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'parcels' AND schemaname = current_schema()";
      const names = (await store.query<{ name: string }>(sql)).map((r) => r.name);
      expect(names).toContain('parcels_claim');
      expect(names).not.toContain('parcels_status_created');
    });

    it('TripRepository: claimers one after another never get the same parcel', async () => {
      const trips = new TripRepository(store);
      for (let i = 0; i < 10; i++) await addParcel(store, `P${i}`, T0 + i);
      const a = await claimAndAssign(store, trips, 6);
      const b = await claimAndAssign(store, trips, 6);
      expect(a).toHaveLength(6);
      expect(b).toHaveLength(4);
      expect(new Set([...a, ...b]).size).toBe(10);
    });

    it('OverrideRepository: holds, pins, attempts, and robot overrides that upsert one column without touching the other', async () => {
      const o = new OverrideRepository(store);
      await addParcel(store, 'P1', T0);
      expect(await o.setHeld('P1', true, T0 + 1)).toBe(true);
      expect(await o.setHeld('nope', true, T0 + 1)).toBe(false);
      await store.transaction((tx) => o.setPinned(tx, 'P1', 'r1'));
      await o.setAttempts(store, 'P1', 2, T0 + 5000);
      expect(await o.parcelOverrides('P1')).toEqual({ held: true, pinnedRobot: 'r1', attempts: 2 });
      expect(await o.parcelOverrides('nope')).toBeUndefined();
      await o.setRoute('r1', ['drop-b', 'drop-a'], T0);
      await o.setForceCharge('r1', true, T0 + 1);
      await o.setForceCharge('r2', true, T0 + 2);
      await o.setRoute('r2', null, T0 + 3);
      expect(await o.robotOverrides()).toEqual([
        { serial: 'r1', route: ['drop-b', 'drop-a'], forceCharge: true },
        { serial: 'r2', route: null, forceCharge: true },
      ]);
      await o.setForceCharge('r1', false, T0 + 4);
      expect((await o.robotOverrides())[0]).toEqual({ serial: 'r1', route: ['drop-b', 'drop-a'], forceCharge: false });
    });

    it('InstantActionRepository: records, settles once, lists newest first', async () => {
      const ia = new InstantActionRepository(store);
      await ia.recordSent({ actionId: 'a1', robotSerial: 'r1', actionType: 'startPause', requestedBy: 'desk', requestedAtMs: T0 });
      await ia.recordSent({ actionId: 'a2', robotSerial: 'r1', actionType: 'stopPause', requestedBy: 'desk', requestedAtMs: T0 + 1 });
      await ia.settle('a1', 'FINISHED', T0 + 5, null);
      await ia.settle('a1', 'timeout', T0 + 9, 'late');
      expect(await ia.get('a1')).toEqual({ actionId: 'a1', robotSerial: 'r1', actionType: 'startPause', status: 'FINISHED', requestedBy: 'desk', requestedAtMs: T0, settledAtMs: T0 + 5, result: null });
      expect((await ia.forRobot('r1')).map((a) => a.actionId)).toEqual(['a2', 'a1']);
      expect(await ia.get('zz')).toBeUndefined();
    });

    it('SqlAlertRepository: tracker alerts upsert by id; parcel alerts are listed and acknowledged once', async () => {
      const alerts = new SqlAlertRepository(store);
      const raised = { id: 'r1/low_battery@1', key: 'low_battery', kind: 'low_battery' as const, severity: 'warning' as const, message: 'low', robot: 'r1', raisedAtMs: T0 };
      await alerts.save(raised);
      await alerts.save({ ...raised, severity: 'critical', message: 'very low', clearedAtMs: T0 + 10 });
      expect(await alerts.loadListed()).toEqual([{ ...raised, severity: 'critical', message: 'very low', clearedAtMs: T0 + 10 }]);
      await store.execute("INSERT INTO alerts (id, robot_serial, parcel_id, kind, severity, message, raised_at) VALUES ('lock/P1', NULL, 'P1', 'pickup_code_lockout', 'warning', 'locked', $1)", [T0 + 20]);
      expect((await alerts.listAll()).map((a) => a.id)).toEqual(['lock/P1', 'r1/low_battery@1']);
      expect(await alerts.loadListed()).toHaveLength(1);
      expect(await alerts.acknowledge('lock/P1', 'desk', T0 + 30)).toBe(true);
      expect(await alerts.acknowledge('lock/P1', 'desk', T0 + 31)).toBe(false);
      expect(await alerts.get('lock/P1')).toMatchObject({ acknowledgedAtMs: T0 + 30, acknowledgedBy: 'desk', parcelId: 'P1' });
      expect((await alerts.listAll()).map((a) => a.id)).toEqual(['r1/low_battery@1']);
    });

    it('SqlRobotRepository: registers with a hashed credential, refuses duplicates and bad serials, hides disabled robots', async () => {
      const robots = new SqlRobotRepository(store);
      const { robot, credential } = await robots.add({ serial: 'r1', manufacturer: 'acme', compartments: 4, dockId: 'dock-1' }, T0);
      expect(robot).toEqual({ serial: 'r1', manufacturer: 'acme', compartments: 4, dockId: 'dock-1', enabled: true, createdAtMs: T0 });
      expect(credential.length).toBeGreaterThan(30);
      const found = await robots.findBySerial('r1');
      expect(found?.credentialHash).toMatch(/^\$7\$/);
      expect(found?.credentialHash).not.toContain(credential);
      await expect(robots.add({ serial: 'r1', manufacturer: 'acme', compartments: 4 }, T0)).rejects.toMatchObject({ code: 'ROBOT_EXISTS' });
      await expect(robots.add({ serial: 'a/b', manufacturer: 'acme', compartments: 4 }, T0)).rejects.toBeInstanceOf(RobotRegistryError);
      await robots.add({ serial: 'r2', manufacturer: 'acme', compartments: 2 }, T0);
      expect(await robots.setEnabled('r1', false)).toBe(true);
      expect(await robots.setEnabled('nope', false)).toBe(false);
      expect(robots.get('r1')).toBeUndefined();
      expect(robots.list().map((r) => r.serial)).toEqual(['r2']);
      expect(robots.all().map((r) => [r.serial, r.enabled])).toEqual([['r1', false], ['r2', true]]);
      expect((await robots.findBySerial('r1'))?.enabled).toBe(false);
      // Another instance's registration shows after a refresh.
      await store.execute('INSERT INTO robots (serial, manufacturer, credential_hash, capacity, dock, enabled, created_at) VALUES ($1, $2, NULL, 3, NULL, 1, $3)', ['r3', 'acme', T0]);
      expect(robots.get('r3')).toBeUndefined();
      await robots.refresh();
      expect(robots.get('r3')).toEqual({ serial: 'r3', manufacturer: 'acme', compartments: 3 });
      // The tracker looks a robot up on every message and rebuilds its view when the record is another object.
      const r3 = robots.get('r3');
      await robots.refresh();
      expect(robots.get('r3')).toBe(r3);
      expect(robots.list().find((r) => r.serial === 'r3')).toBe(r3);
      await store.execute('UPDATE robots SET capacity = 5 WHERE serial = $1', ['r3']);
      await robots.refresh();
      expect(robots.get('r3')).toEqual({ serial: 'r3', manufacturer: 'acme', compartments: 5 });
    });

    it('SqlRobotStateRepository: coalesces saves per robot and keeps the newest', async () => {
      const states = new SqlRobotStateRepository(store);
      const state = (n: number) => ({ orderId: `o${n}`, headerId: n }) as unknown as State;
      const health = { kind: 'online' as const, mode: 'idle' as const, lastStateAt: T0 };
      const writes = [1, 2, 3, 4].map((n) => states.save({ serial: 'r1', state: state(n), health, receivedAtMs: T0 + n }));
      await states.save({ serial: 'r2', state: state(9), health, receivedAtMs: T0 + 9 });
      await Promise.all(writes);
      await states.flush();
      const all = await states.loadAll();
      expect(all.map((s) => [s.serial, (s.state as unknown as { orderId: string }).orderId, s.receivedAtMs])).toEqual([['r1', 'o4', T0 + 4], ['r2', 'o9', T0 + 9]]);
      expect(all[0]?.health).toEqual(health);
    });

    it('SqlRobotStateRepository: keeps the received payload as the state, without serialising the parsed state again', async () => {
      const states = new SqlRobotStateRepository(store);
      const health = { kind: 'online' as const, mode: 'idle' as const, lastStateAt: T0 };
      const sent = { headerId: 7, orderId: 'o7', actionStates: [{ actionId: 'a', actionStatus: 'FINISHED' }] };
      // What the tracker parsed out of the payload; serialising it again would throw here.
      const parsed = { ...sent, toJSON: () => { throw new Error('serialised the parsed state'); } } as unknown as State;
      await states.save({ serial: 'r3', state: parsed, health, receivedAtMs: T0, payload: Buffer.from(JSON.stringify(sent)) });
      await states.save({ serial: 'r4', state: sent as unknown as State, health, receivedAtMs: T0, payload: JSON.stringify(sent) });
      await states.save({ serial: 'r5', state: sent as unknown as State, health, receivedAtMs: T0 });
      const loaded = await states.loadAll();
      expect(loaded.map((s) => [s.serial, s.state])).toEqual([['r3', sent], ['r4', sent], ['r5', sent]]);
    });

    it('SqlRobotStateRepository: writes a state only after writeAfter (the parcel events it gave) resolves, then the newest', async () => {
      let release!: () => void;
      const applied = new Promise<void>((resolve) => {
        release = resolve;
      });
      const states = new SqlRobotStateRepository(store, { writeAfter: () => applied });
      const health = { kind: 'online' as const, mode: 'idle' as const, lastStateAt: T0 };
      const state = (n: number) => ({ orderId: `o${n}`, headerId: n }) as unknown as State;
      const first = states.save({ serial: 'r6', state: state(1), health, receivedAtMs: T0 + 1 });
      await new Promise((resolve) => setImmediate(resolve));
      expect(await states.loadAll()).toEqual([]);
      const second = states.save({ serial: 'r6', state: state(2), health, receivedAtMs: T0 + 2 });
      release();
      await Promise.all([first, second]);
      expect((await states.loadAll()).map((s) => [s.serial, s.receivedAtMs])).toEqual([['r6', T0 + 2]]);
    });

    it('SqlRobotStateRepository: refuses a negative or non-finite minIntervalMs, naming it', () => {
      for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => new SqlRobotStateRepository(store, { minIntervalMs: bad })).toThrow(/minIntervalMs must be a finite number of ms ≥ 0/);
      }
      expect(() => new SqlRobotStateRepository(store, { minIntervalMs: 0 })).not.toThrow();
    });

    it('SqlRobotStateRepository: with minIntervalMs, writes a robot at most that often; a state kept meanwhile goes with the next due one, or by flush', async () => {
      const states = new SqlRobotStateRepository(store, { minIntervalMs: 10_000 });
      const health = { kind: 'online' as const, mode: 'idle' as const, lastStateAt: T0 };
      const save = (serial: string, n: number, atMs: number) => states.save({ serial, state: { orderId: `o${n}`, headerId: n } as unknown as State, health, receivedAtMs: atMs });
      const stored = async () => (await states.loadAll()).map((s) => [s.serial, (s.state as unknown as { orderId: string }).orderId]);
      await save('r7', 1, T0);
      await save('r8', 1, T0 + 1_000);
      await save('r7', 2, T0 + 4_000);
      await save('r7', 3, T0 + 9_999);
      // r7's states 2 and 3 came within 10 s of state 1: kept, not written.
      expect(await stored()).toEqual([['r7', 'o1'], ['r8', 'o1']]);
      await save('r7', 4, T0 + 10_000);
      expect(await stored()).toEqual([['r7', 'o4'], ['r8', 'o1']]);
      await save('r7', 5, T0 + 12_000);
      await save('r8', 2, T0 + 2_000);
      await states.flush();
      expect(await stored()).toEqual([['r7', 'o5'], ['r8', 'o2']]);
    });

    it('SqlTokenRepository: finds active tokens by hash only, revokes once', async () => {
      const tokens = new SqlTokenRepository(store);
      const { token, record } = await tokens.create('dispatcher', 'desk', T0);
      expect(await tokens.findActiveByHash(hashToken(token))).toMatchObject({ id: record.id, role: 'dispatcher', name: 'desk' });
      expect(JSON.stringify(await tokens.list())).not.toContain(token);
      expect(await tokens.revoke(record.id, T0 + 1)).toBe(true);
      expect(await tokens.revoke(record.id, T0 + 2)).toBe(false);
      expect(await tokens.findActiveByHash(hashToken(token))).toBeUndefined();
      expect((await tokens.list())[0]?.revokedAt).toBe(T0 + 1);
    });

    it('DockRepository: a bay and a robot each hold at most one row; status moves; release frees', async () => {
      const docks = new DockRepository(store);
      expect(await docks.reserve(store, 'dock-1/1', 'r1', 'C-1', T0)).toBe(true);
      expect(await docks.reserve(store, 'dock-1/1', 'r2', 'C-2', T0)).toBe(false);
      expect(await docks.reserve(store, 'dock-1/2', 'r1', 'C-3', T0)).toBe(false);
      expect(await docks.reserve(store, 'dock-1/2', 'r2', 'C-4', T0 + 1)).toBe(true);
      expect(await docks.setStatus(store, 'r1', 'charging', T0 + 50)).toBe(true);
      expect(await docks.setStatus(store, 'r2', 'leaving')).toBe(true);
      expect(await docks.setStatus(store, 'r9', 'leaving')).toBe(false);
      expect(await docks.list()).toEqual([
        { bayId: 'dock-1/1', robotSerial: 'r1', status: 'charging', orderId: 'C-1', reservedAtMs: T0, dockedAtMs: T0 + 50 },
        { bayId: 'dock-1/2', robotSerial: 'r2', status: 'leaving', orderId: 'C-4', reservedAtMs: T0 + 1, dockedAtMs: null },
      ]);
      expect(await docks.release(store, 'r2')).toBe(true);
      expect(await docks.release(store, 'r2')).toBe(false);
      expect(await docks.reserve(store, 'dock-1/2', 'r3', 'C-5', T0 + 2)).toBe(true);
      expect((await docks.list()).map((b) => b.robotSerial)).toEqual(['r1', 'r3']);
    });
  });
}

runRepositorySuite('SQLite', makeSqliteTestStore);

const skip = await postgresSkipReason();
describe.skipIf(skip !== undefined)(`PostgreSQL ${skip ?? ''}`, () => {
  runRepositorySuite('PostgreSQL', makePostgresTestStore);

  it('two concurrent claimers (FOR UPDATE SKIP LOCKED) split the waiting parcels: none claimed twice, none missed', async () => {
    const { store, dispose } = await makePostgresTestStore(new VirtualClock(T0));
    try {
      const trips = new TripRepository(store);
      for (let i = 0; i < 10; i++) await addParcel(store, `P${String(i).padStart(2, '0')}`, T0 + i);
      // Both transactions hold their row locks until each has claimed: the second must skip the first's rows, not wait.
      let arrived = 0;
      let release!: () => void;
      const bothClaimed = new Promise<void>((resolve) => {
        release = resolve;
      });
      const barrier = async () => {
        if (++arrived === 2) release();
        await bothClaimed;
      };
      const [a, b] = await Promise.all([claimAndAssign(store, trips, 6, barrier), claimAndAssign(store, trips, 6, barrier)]);
      expect(a.length + b.length).toBe(10);
      expect(new Set([...a!, ...b!]).size).toBe(10);
      expect(Math.min(a.length, b.length)).toBe(4);
      const statuses = await store.query<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM parcels GROUP BY status');
      expect(statuses.map((s) => [s.status, Number(s.n)])).toEqual([['assigned', 10]]);
    } finally {
      await dispose();
    }
  });

  it('eight claimers racing over 40 parcels never claim one twice', async () => {
    const { store, dispose } = await makePostgresTestStore(new VirtualClock(T0));
    try {
      const trips = new TripRepository(store);
      for (let i = 0; i < 40; i++) await addParcel(store, `P${String(i).padStart(2, '0')}`, T0 + i);
      const rounds = await Promise.all(Array.from({ length: 8 }, () => claimAndAssign(store, trips, 7)));
      const all = rounds.flat();
      expect(new Set(all).size).toBe(all.length);
      const left = await store.transaction((tx) => trips.claimWaiting(tx, 100));
      expect(all.length + left.length).toBe(40);
    } finally {
      await dispose();
    }
  });
});
