import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../clock/index.ts';
import { Random } from '../../../common/core/Random.ts';
import { openStore, type Queryable, type Store } from '../../store/index.ts';
import { makeSqliteTestStore, type TestStore } from '../../store/testStores.ts';
import { SqliteShelfMirror, type ShelfKey } from './SqliteShelfMirror.ts';

async function addParcel(q: Queryable, id: string, createdAt: number, status = 'received'): Promise<void> {
  await q.execute(
    `INSERT INTO parcels (id, status, destination, recipient, tracking_token_hash, created_at, updated_at, version)
     VALUES ($1, $2, 'drop', '{}', $3, $4, $4, 1)`,
    [id, status, `tt-${id}`, createdAt],
  );
}

/** What the claim read before the mirror: the keys straight from the table. */
async function truth(q: Queryable, limit: number): Promise<{ ids: string[]; versions: number[] }> {
  const rows = await q.query<{ id: string; version: number }>(
    "SELECT id, version FROM parcels WHERE status = 'received' ORDER BY created_at, id LIMIT $1", [limit],
  );
  return { ids: rows.map((r) => r.id), versions: rows.map((r) => Number(r.version)) };
}

describe('SqliteShelfMirror', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  async function sqlite(): Promise<Store> {
    const t: TestStore = await makeSqliteTestStore(new VirtualClock(1_000));
    cleanups.push(() => t.dispose());
    return t.store;
  }
  const keys = (store: Store, mirror: SqliteShelfMirror, limit = 1000) => store.transaction(async (tx) => asKeys(await mirror.keys(tx, limit)));
  const asKeys = (rows: readonly ShelfKey<unknown>[]) => ({ ids: rows.map((r) => r.id), versions: rows.map((r) => r.version) });

  it('follows parcels joining, changing on and leaving the shelf, in the index order (creation time, then id bytes)', async () => {
    const store = await sqlite();
    const mirror = new SqliteShelfMirror();
    expect(await keys(store, mirror)).toEqual({ ids: [], versions: [] });
    // Ties on creation time sort by UTF-8 bytes: '\u{1F600}' (F0 9F…) after '\uFFFD' (EF BF BD), unlike UTF-16 order.
    for (const [id, at] of [['P3', 3], ['P1', 1], ['b\u{1F600}', 2], ['b\uFFFD', 2], ['P2', 2], ['Px', 9]] as const) await addParcel(store, id, at);
    await addParcel(store, 'D1', 0, 'delivered');
    expect(await keys(store, mirror)).toEqual(await truth(store, 1000));
    const steps = [
      ["INSERT INTO parcels (id, status, destination, recipient, tracking_token_hash, created_at, updated_at, version) VALUES ('P0', 'received', 'drop', '{}', 'tt-P0', 2, 2, 1)"],
      ["UPDATE parcels SET held = 1, version = version + 1 WHERE id = 'P2'"],
      ["UPDATE parcels SET status = 'assigned', version = version + 1 WHERE id = 'P1'"],
      ["UPDATE parcels SET status = 'received', version = version + 1 WHERE id = 'D1'"],
      ["DELETE FROM parcels WHERE id = 'Px'"],
      ["UPDATE parcels SET created_at = 0, version = version + 1 WHERE id = 'P3'"],
      ["UPDATE parcels SET id = 'Q3' WHERE id = 'P3'"],
    ];
    for (const [sql] of steps) {
      await store.execute(sql!);
      expect(await keys(store, mirror), sql).toEqual(await truth(store, 1000));
      expect(await keys(store, mirror, 2), sql).toEqual(await truth(store, 2));
    }
    expect(await keys(store, mirror, -1)).toEqual(await truth(store, -1));
    expect(await keys(store, mirror, 0)).toEqual({ ids: [], versions: [] });
  });

  it('agrees with the table through a seeded run of random writes, several between claims', async () => {
    const store = await sqlite();
    const mirror = new SqliteShelfMirror();
    const random = new Random(7);
    let next = 0;
    for (let round = 0; round < 60; round++) {
      const writes = random.int(0, 6);
      for (let w = 0; w < writes; w++) {
        const pick = `P${random.int(0, Math.max(1, next))}`;
        switch (random.int(0, 4)) {
          case 0: await addParcel(store, `P${next++}`, random.int(0, 20)); break;
          case 1: await store.execute("UPDATE parcels SET status = 'assigned', version = version + 1 WHERE id = $1", [pick]); break;
          case 2: await store.execute("UPDATE parcels SET status = 'received', version = version + 1 WHERE id = $1", [pick]); break;
          case 3: await store.execute('UPDATE parcels SET version = version + 1 WHERE id = $1', [pick]); break;
          default: await store.execute('DELETE FROM parcels WHERE id = $1', [pick]);
        }
      }
      const limit = random.int(0, 12);
      expect(await keys(store, mirror, limit), `round ${round}`).toEqual(await truth(store, limit));
    }
  });

  it('reads the whole shelf again after a claim whose transaction rolled back (it may have seen writes that never were)', async () => {
    const store = await sqlite();
    const mirror = new SqliteShelfMirror();
    await addParcel(store, 'P1', 1);
    expect((await keys(store, mirror)).ids).toEqual(['P1']);
    await store.transaction(async (tx) => {
      await addParcel(tx, 'P2', 2);
      await tx.execute("UPDATE parcels SET status = 'assigned', version = version + 1 WHERE id = 'P1'");
      expect(asKeys(await mirror.keys(tx, 10)).ids).toEqual(['P2']);
      throw new Error('rolled back');
    }).catch(() => undefined);
    expect(await keys(store, mirror)).toEqual({ ids: ['P1'], versions: [1] });
    // So does a first claim whose transaction (which made the TEMP log and triggers) rolled back.
    const fresh = new SqliteShelfMirror();
    const other = await sqlite();
    await store.transaction(async (tx) => {
      await fresh.keys(tx, 10);
      throw new Error('rolled back');
    }).catch(() => undefined);
    await addParcel(store, 'P3', 3);
    expect((await keys(store, fresh)).ids).toEqual(['P1', 'P3']);
    expect((await keys(other, new SqliteShelfMirror())).ids).toEqual([]);
  });

  it("reads the whole shelf again after another connection's commit on the same file (no trigger fired here)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shelf-mirror-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const clock = new VirtualClock(1_000);
    const a = await openStore({ databaseUrl: join(dir, 'fleet.db'), clock });
    const b = await openStore({ databaseUrl: join(dir, 'fleet.db'), clock });
    cleanups.push(() => a.close(), () => b.close());
    const mirror = new SqliteShelfMirror();
    await addParcel(a, 'P1', 1);
    expect((await keys(a, mirror)).ids).toEqual(['P1']);
    await addParcel(b, 'P2', 2);
    await b.execute("UPDATE parcels SET version = version + 1 WHERE id = 'P1'");
    expect(await keys(a, mirror)).toEqual({ ids: ['P1', 'P2'], versions: [2, 1] });
  });
});
