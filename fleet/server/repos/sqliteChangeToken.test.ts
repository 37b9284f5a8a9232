import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../clock/index.ts';
import { openStore, type Queryable, type Store } from '../../store/index.ts';
import { makePostgresTestStore, makeSqliteTestStore, postgresSkipReason, type TestStore } from '../../store/testStores.ts';
import { sqliteChangeToken, type WatchedRows } from './sqliteChangeToken.ts';
import { SqlRobotRepository } from './SqlRobotRepository.ts';
import { TripRepository } from './TripRepository.ts';

const pgSkip = await postgresSkipReason();
const SHELF: WatchedRows = { name: 'shelf', table: 'parcels', where: "{row}.status = 'received'" };

async function addParcel(q: Queryable, id: string, status = 'received'): Promise<void> {
  await q.execute(
    `INSERT INTO parcels (id, status, destination, recipient, tracking_token_hash, created_at, updated_at, version)
     VALUES ($1, $2, 'drop', '{}', $3, 1, 1, 1)`,
    [id, status, `tt-${id}`],
  );
}

/** Two stores on one SQLite file (as two processes would open it); `cleanups` closes and removes them. */
async function twoConnections(cleanups: Array<() => Promise<void> | void>): Promise<[Store, Store]> {
  const dir = mkdtempSync(join(tmpdir(), 'change-token-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const clock = new VirtualClock(1_000);
  const a = await openStore({ databaseUrl: join(dir, 'fleet.db'), clock });
  const b = await openStore({ databaseUrl: join(dir, 'fleet.db'), clock });
  cleanups.push(() => a.close(), () => b.close());
  return [a, b];
}

describe('sqliteChangeToken', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  async function sqlite(): Promise<Store> {
    const t: TestStore = await makeSqliteTestStore(new VirtualClock(1_000));
    cleanups.push(() => t.dispose());
    return t.store;
  }

  it('changes with every insert, update and delete of a watched row, and only then', async () => {
    const store = await sqlite();
    const token = () => sqliteChangeToken(store, SHELF);
    await addParcel(store, 'P1');
    let last = await token();
    expect(last).toBeDefined();
    expect(await token()).toBe(last);
    const changes: Array<[string, string]> = [
      ['a new waiting parcel', "INSERT INTO parcels (id, status, destination, recipient, tracking_token_hash, created_at, updated_at, version) VALUES ('P2', 'received', 'drop', '{}', 'tt-P2', 2, 2, 1)"],
      ['a waiting parcel changed', "UPDATE parcels SET held = 1 WHERE id = 'P1'"],
      ['a parcel leaving the shelf', "UPDATE parcels SET status = 'assigned' WHERE id = 'P1'"],
      ['a parcel back on the shelf', "UPDATE parcels SET status = 'received' WHERE id = 'P1'"],
      ['a waiting parcel deleted', "DELETE FROM parcels WHERE id = 'P2'"],
    ];
    for (const [what, sql] of changes) {
      await store.execute(sql);
      const now = await token();
      expect(now, what).not.toBe(last);
      last = now;
    }
    // Rows that are not on the shelf before nor after, and other tables, leave it as it was.
    await addParcel(store, 'P3', 'delivered');
    await store.execute("UPDATE parcels SET updated_at = 5 WHERE id = 'P3'");
    await store.execute("DELETE FROM parcels WHERE id = 'P3'");
    await store.execute("INSERT INTO robot_overrides (serial, route, force_charge, updated_at) VALUES ('r1', NULL, 0, 1)");
    expect(await token()).toBe(last);
  });

  it('follows the transaction: a rolled-back change leaves the token as it was, also when the rollback took the triggers', async () => {
    const store = await sqlite();
    await store.transaction(async (tx) => {
      await sqliteChangeToken(tx, SHELF); // creates the triggers inside a transaction that is then rolled back
      throw new Error('rolled back');
    }).catch(() => undefined);
    const before = await sqliteChangeToken(store, SHELF);
    await store.transaction(async (tx) => {
      await addParcel(tx, 'P1');
      expect(await sqliteChangeToken(tx, SHELF)).not.toBe(before);
      throw new Error('rolled back');
    }).catch(() => undefined);
    expect(await sqliteChangeToken(store, SHELF)).toBe(before);
    await addParcel(store, 'P1');
    expect(await sqliteChangeToken(store, SHELF)).not.toBe(before);
  });

  it('moves when another connection on the same file commits', async () => {
    const [a, b] = await twoConnections(cleanups);
    const before = await sqliteChangeToken(a, SHELF);
    expect(await sqliteChangeToken(a, SHELF)).toBe(before);
    await addParcel(b, 'P1');
    expect(await sqliteChangeToken(a, SHELF)).not.toBe(before);
  });

  it("TripRepository's claim, demand check and active trips see another connection's commits on the same file", async () => {
    const [a, b] = await twoConnections(cleanups);
    const trips = new TripRepository(a);
    const claim = () => a.transaction((tx) => trips.claimWaiting(tx, 10));
    await addParcel(a, 'P1');
    const first = await claim();
    expect(await claim()).toBe(first);
    expect(await trips.hasMoreWaitingThan(1)).toBe(false);
    expect(await trips.activeSummaries()).toEqual([]);
    await addParcel(b, 'P2');
    await new TripRepository(b).insert(b, {
      id: 'T1', robotSerial: 'r1', status: 'planned', orderId: 'T1', orderUpdateId: 0, stops: [], parcels: [], order: null,
      createdAtMs: 1, startedAtMs: null, finishedAtMs: null,
    });
    expect((await claim()).map((p) => p.id)).toEqual(['P1', 'P2']);
    expect(await trips.hasMoreWaitingThan(1)).toBe(true);
    expect((await trips.activeSummaries()).map((t) => t.id)).toEqual(['T1']);
    await b.execute("UPDATE trips SET status = 'aborted' WHERE id = 'T1'");
    expect(await trips.activeRobotSerials()).toEqual([]);
    await b.execute("UPDATE trips SET status = 'planned' WHERE id = 'T1'");
    expect(await trips.activeRobotSerials()).toEqual(['r1']);
    await b.execute("UPDATE trips SET status = 'sent', started_at = 5 WHERE id = 'T1'");
    await b.execute("UPDATE parcels SET held = 1, version = version + 1 WHERE id = 'P2'");
    expect((await trips.activeSummaries()).map((t) => [t.id, t.status])).toEqual([['T1', 'sent']]);
    expect(await trips.hasMoreWaitingThan(1)).toBe(false);
    expect((await claim())[1]).toMatchObject({ id: 'P2', held: true });
  });

  it("SqlRobotRepository's refresh sees another connection's robots on the same file, and skips the read while none changed", async () => {
    const [a, b] = await twoConnections(cleanups);
    const robots = new SqlRobotRepository(a);
    const add = (q: Queryable, serial: string) => q.execute(
      "INSERT INTO robots (serial, manufacturer, credential_hash, capacity, dock, enabled, created_at) VALUES ($1, 'acme', NULL, 3, NULL, 1, 1)", [serial],
    );
    await add(a, 'r1');
    await robots.refresh();
    const r1 = robots.get('r1');
    await robots.refresh();
    expect(robots.get('r1')).toBe(r1);
    await add(b, 'r2');
    await robots.refresh();
    expect(robots.list().map((r) => r.serial)).toEqual(['r1', 'r2']);
    await b.execute("UPDATE robots SET enabled = 0 WHERE serial = 'r1'");
    await robots.refresh();
    expect(robots.get('r1')).toBeUndefined();
  });

  it.skipIf(pgSkip !== undefined)(`is undefined on PostgreSQL (the callers read the rows every time) ${pgSkip ?? ''}`, async () => {
    const t = await makePostgresTestStore(new VirtualClock(1_000));
    cleanups.push(() => t.dispose());
    expect(await sqliteChangeToken(t.store, SHELF)).toBeUndefined();
  });
});
