import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../clock/index.ts';
import { runStoreContract } from '../storeContract.ts';
import { makeSqliteTestStore } from '../testStores.ts';
import { openStore } from '../openStore.ts';
import { SqliteStore } from './SqliteStore.ts';

runStoreContract('SQLite :memory:', makeSqliteTestStore);

describe('SqliteStore on a file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tempFile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-store-'));
    dirs.push(dir);
    return join(dir, 'fleet.db');
  };

  runStoreContract('SQLite file', async (clock) => {
    const store = await openStore({ databaseUrl: tempFile(), clock });
    return { store, dispose: () => store.close() };
  });

  it('keeps everything committed across close and reopen, and nothing from a rolled-back transaction', async () => {
    const clock = new VirtualClock(1_000);
    const file = tempFile();
    const first = await openStore({ databaseUrl: file, clock });
    await first.execute('INSERT INTO robots (serial, manufacturer, capacity, created_at) VALUES ($1, $2, $3, $4)', ['R1', 'a', 2, 1]);
    await first.transaction(async (tx) => {
      await tx.execute('INSERT INTO robots (serial, manufacturer, capacity, created_at) VALUES ($1, $2, $3, $4)', ['R2', 'a', 2, 2]);
    });
    await first
      .transaction(async (tx) => {
        await tx.execute('INSERT INTO robots (serial, manufacturer, capacity, created_at) VALUES ($1, $2, $3, $4)', ['R3', 'a', 2, 3]);
        throw new Error('crash before commit');
      })
      .catch(() => undefined);
    await first.close();

    const second = await openStore({ databaseUrl: file, clock }); // migrating again must be a no-op
    expect(await second.query('SELECT serial FROM robots ORDER BY serial')).toEqual([{ serial: 'R1' }, { serial: 'R2' }]);
    await second.execute('INSERT INTO robots (serial, manufacturer, capacity, created_at) VALUES ($1, $2, $3, $4)', ['R4', 'a', 2, 4]);
    await second.close();

    const third = new SqliteStore({ filename: file, clock });
    expect((await third.query<{ n: number }>('SELECT COUNT(*) AS n FROM robots'))[0]?.n).toBe(3);
    await third.close();
  });

  it('lets a second connection on the same file see committed rows (two server processes)', async () => {
    const clock = new VirtualClock(1_000);
    const file = tempFile();
    const a = await openStore({ databaseUrl: file, clock });
    const b = await openStore({ databaseUrl: file, clock });
    await a.execute('INSERT INTO robots (serial, manufacturer, capacity, created_at) VALUES ($1, $2, $3, $4)', ['R1', 'a', 2, 1]);
    expect(await b.query('SELECT serial FROM robots')).toEqual([{ serial: 'R1' }]);
    await a.close();
    await b.close();
  });

  it('reports an unopenable path as STORE_CONFIG', () => {
    expect(() => new SqliteStore({ filename: '/nonexistent-dir/x/fleet.db', clock: new VirtualClock() })).toThrow(/cannot open SQLite/);
  });
});

describe('SqliteStore without the nested-call check', () => {
  it('lets a call made inside a transaction wait for it, as a call from elsewhere would, instead of refusing it', async () => {
    const store = new SqliteStore({ filename: ':memory:', clock: new VirtualClock(1_000), nestedCallCheck: false });
    await store.migrate();
    let inner: Promise<unknown> | undefined;
    await store.transaction(async (tx) => {
      await tx.execute('INSERT INTO robots (serial, manufacturer, capacity, created_at) VALUES ($1, $2, $3, $4)', ['R1', 'a', 2, 1]);
      // Not awaited here: awaiting it would wait for this very transaction.
      inner = store.query('SELECT serial FROM robots');
    });
    expect(await inner).toEqual([{ serial: 'R1' }]);
    await store.close();
  });

  it('still refuses such a call by default', async () => {
    const store = new SqliteStore({ filename: ':memory:', clock: new VirtualClock(1_000) });
    await store.migrate();
    await expect(store.transaction(async () => store.query('SELECT 1'))).rejects.toMatchObject({ code: 'STORE_NESTED_TRANSACTION' });
    await store.close();
  });
});
