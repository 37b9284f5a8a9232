/**
 * The behaviour every Store adapter must have, run by SqliteStore.test.ts and PostgresStore.test.ts, so the two
 * engines cannot drift apart.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { migrations, runMigrations } from './core/migrations.ts';
import { fromJson, lockRows, StoreError, toJson, type Store } from './core/Store.ts';
import { SqlHeaderIdRepository } from './SqlHeaderIdRepository.ts';
import type { MakeTestStore, TestStore } from './testStores.ts';

const T0 = Date.UTC(2026, 8, 1, 8, 0, 0);

/** Real waiting (this is test code, run only by *.test.ts): it gives concurrent transactions a chance to interleave. */
function pause(ms: number): Promise<void> {
  // eslint-disable-next-line no-restricted-globals -- see above
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function addRobot(q: Pick<Store, 'execute'>, serial: string, capacity = 4): Promise<void> {
  await q.execute(
    'INSERT INTO robots (serial, manufacturer, capacity, dock, enabled, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [serial, 'acme', capacity, null, true, T0],
  );
}

async function expectStoreError(p: Promise<unknown>, code: string): Promise<StoreError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(StoreError);
  expect((e as StoreError).code).toBe(code);
  return e as StoreError;
}

/** Registers the contract tests for one adapter. */
export function runStoreContract(name: string, makeStore: MakeTestStore): void {
  describe(`Store contract: ${name}`, () => {
    let ctx: TestStore;
    let store: Store;
    const clock = new VirtualClock(T0);

    beforeEach(async () => {
      ctx = await makeStore(clock);
      store = ctx.store;
    });
    afterEach(async () => {
      await ctx.dispose();
    });

    it('migrates idempotently and records each migration once', async () => {
      await store.migrate();
      expect(await runMigrations(store, T0)).toEqual([]);
      const rows = await store.query<{ id: number; applied_at: number }>('SELECT id, applied_at FROM schema_migrations ORDER BY id');
      expect(rows.map((r) => r.id)).toEqual(migrations.map((m) => m.id));
      expect(typeof rows[0]?.applied_at).toBe('number');
    });

    it('refuses a database that has a migration this code does not know', async () => {
      await store.execute('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [999, 'future', T0]);
      await expectStoreError(store.migrate(), 'STORE_MIGRATION');
    });

    it('commits a transaction that resolves and returns its value', async () => {
      const result = await store.transaction(async (tx) => {
        await addRobot(tx, 'R1');
        return (await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM robots'))[0]?.n;
      });
      expect(result).toBe(1);
      expect(await store.query('SELECT serial FROM robots')).toEqual([{ serial: 'R1' }]);
    });

    it('rolls back every statement of a transaction that throws, and rethrows the same error', async () => {
      const boom = new Error('boom');
      const caught = await store
        .transaction(async (tx) => {
          await addRobot(tx, 'R1');
          await addRobot(tx, 'R2');
          throw boom;
        })
        .catch((e: unknown) => e);
      expect(caught).toBe(boom);
      expect(await store.query('SELECT serial FROM robots')).toEqual([]);
      // The store is still usable after a rollback.
      await addRobot(store, 'R3');
      expect(await store.query('SELECT serial FROM robots')).toEqual([{ serial: 'R3' }]);
    });

    it('keeps concurrent read-modify-write transactions from losing updates (row locks)', async () => {
      await addRobot(store, 'R1', 0);
      const workers = 12;
      await Promise.all(
        Array.from({ length: workers }, () =>
          store.transaction(async (tx) => {
            const [row] = await tx.query<{ capacity: number }>(`SELECT capacity FROM robots WHERE serial = $1${lockRows(tx)}`, ['R1']);
            // Give the other transactions every chance to interleave between the read and the write.
            await pause(2);
            await tx.execute('UPDATE robots SET capacity = $1 WHERE serial = $2', [(row?.capacity ?? 0) + 1, 'R1']);
          }),
        ),
      );
      expect(await store.query('SELECT capacity FROM robots')).toEqual([{ capacity: workers }]);
    });

    it('lets SKIP LOCKED claimers take disjoint rows', async () => {
      for (let i = 0; i < 6; i++) await addRobot(store, `R${i}`);
      const claim = () =>
        store.transaction(async (tx) => {
          const rows = await tx.query<{ serial: string }>(
            `SELECT serial FROM robots WHERE enabled = $1 ORDER BY serial LIMIT 3${lockRows(tx, 'skip locked')}`,
            [true],
          );
          await pause(5);
          for (const r of rows) await tx.execute('UPDATE robots SET enabled = $1 WHERE serial = $2', [false, r.serial]);
          return rows.map((r) => r.serial);
        });
      const [a, b] = await Promise.all([claim(), claim()]);
      expect([...(a ?? []), ...(b ?? [])].sort()).toEqual(['R0', 'R1', 'R2', 'R3', 'R4', 'R5']);
    });

    it('round-trips JSON text, BIGINT times, booleans as 0/1 and NULL', async () => {
      const payload = { name: 'Zoë 张', nested: { list: [1, 2.5, null, 'x'], ok: true }, quote: "it's \"quoted\"" };
      const big = 4_102_444_800_000; // 2100-01-01: beyond 32-bit, well inside 2^53
      await store.execute(
        'INSERT INTO outbox (id, kind, payload, status, attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $6)',
        ['o1', 'webhook', toJson(payload), 'pending', 0, big],
      );
      const [row] = await store.query<{ payload: string; next_attempt_at: number; created_at: number; last_error: string | null }>(
        'SELECT payload, next_attempt_at, created_at, last_error FROM outbox WHERE id = $1',
        ['o1'],
      );
      expect(fromJson(row?.payload)).toEqual(payload);
      expect(row?.next_attempt_at).toBe(big);
      expect(row?.created_at).toBe(big);
      expect(row?.last_error).toBeNull();
      await addRobot(store, 'R1');
      expect(await store.query('SELECT enabled FROM robots')).toEqual([{ enabled: 1 }]);
    });

    it('binds a repeated $n placeholder to the same value and ignores $ inside string literals', async () => {
      await addRobot(store, 'D1');
      await store.execute("UPDATE robots SET dock = 'cost $1' WHERE serial = $1", ['D1']);
      const rows = await store.query<{ serial: string; dock: string }>('SELECT serial, dock FROM robots WHERE serial = $1 OR dock = $1', [
        'D1',
      ]);
      expect(rows).toEqual([{ serial: 'D1', dock: 'cost $1' }]);
    });

    it('supports RETURNING and reports rowCount', async () => {
      await addRobot(store, 'R1');
      await addRobot(store, 'R2');
      const { rowCount } = await store.execute('UPDATE robots SET capacity = capacity + 1');
      expect(rowCount).toBe(2);
      const rows = await store.query<{ serial: string }>('UPDATE robots SET enabled = $1 WHERE serial = $2 RETURNING serial', [false, 'R2']);
      expect(rows).toEqual([{ serial: 'R2' }]);
      const none = await store.execute(
        'INSERT INTO robots (serial, manufacturer, capacity, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        ['R1', 'acme', 1, T0],
      );
      expect(none.rowCount).toBe(0);
    });

    it('maps a duplicate key to STORE_CONFLICT and other integrity violations to STORE_CONSTRAINT', async () => {
      await addRobot(store, 'R1');
      const dup = await expectStoreError(addRobot(store, 'R1'), 'STORE_CONFLICT');
      expect(dup.message).toMatch(/INSERT INTO robots/);
      await expectStoreError(
        store.execute('INSERT INTO robots (serial, manufacturer, capacity, created_at) VALUES ($1, $2, $3, $4)', ['R2', null, 1, T0]),
        'STORE_CONSTRAINT',
      );
      await expectStoreError(
        store.execute(
          'INSERT INTO parcel_events (id, parcel_id, seq, at, to_status, cause, actor) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          ['e1', 'no-such-parcel', 1, T0, 'received', 'created', 'test'],
        ),
        'STORE_CONSTRAINT',
      );
      // A conflict inside a transaction rolls the whole transaction back.
      await expectStoreError(
        store.transaction(async (tx) => {
          await addRobot(tx, 'R9');
          await addRobot(tx, 'R1');
        }),
        'STORE_CONFLICT',
      );
      expect(await store.query('SELECT serial FROM robots ORDER BY serial')).toEqual([{ serial: 'R1' }]);
    });

    it('refuses nested transactions and a transaction handle used after it ended', async () => {
      await expectStoreError(
        store.transaction(async () => store.transaction(async () => 1)),
        'STORE_NESTED_TRANSACTION',
      );
      await expectStoreError(
        store.transaction(async () => store.query('SELECT 1')),
        'STORE_NESTED_TRANSACTION',
      );
      const leaked = await store.transaction(async (tx) => tx);
      await expectStoreError(leaked.query('SELECT 1'), 'STORE_CLOSED');
    });

    it('inserts 10,000 rows in one transaction in reasonable time', async () => {
      const n = 10_000;
      const perStatement = 500; // 7 params a row stays under both engines' bind-parameter limits
      const started = performance.now();
      await store.transaction(async (tx) => {
        for (let base = 0; base < n; base += perStatement) {
          const values: string[] = [];
          const params: (string | number)[] = [];
          for (let i = base; i < Math.min(n, base + perStatement); i++) {
            const p = params.length;
            values.push(`($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7})`);
            params.push(`o${i}`, 'webhook', toJson({ i }), 'pending', 0, T0 + i, T0);
          }
          await tx.execute(
            `INSERT INTO outbox (id, kind, payload, status, attempts, next_attempt_at, created_at) VALUES ${values.join(', ')}`,
            params,
          );
        }
      });
      const elapsedMs = performance.now() - started;
      const [row] = await store.query<{ n: number; s: number }>('SELECT COUNT(*) AS n, SUM(attempts) AS s FROM outbox');
      expect(row?.n).toBe(n);
      expect(elapsedMs).toBeLessThan(10_000);
    });

    it('keeps the fleet\'s outgoing headerIds per robot and topic, never moving one back (uint32 wrap forward)', async () => {
      const repo = new SqlHeaderIdRepository(store);
      await repo.save({ serial: 'r1', topic: 'order', nextHeaderId: 5 });
      await repo.save({ serial: 'r1', topic: 'instantActions', nextHeaderId: 2 });
      await repo.save({ serial: 'r2', topic: 'order', nextHeaderId: 4_294_967_290 });
      await repo.save({ serial: 'r1', topic: 'order', nextHeaderId: 3 }); // a late, older save loses
      await repo.save({ serial: 'r2', topic: 'order', nextHeaderId: 1 }); // past the wrap: forward
      // A second repository on the same store is what a restarted server sees.
      expect(await new SqlHeaderIdRepository(store).loadAll()).toEqual([
        { serial: 'r1', topic: 'instantActions', nextHeaderId: 2 },
        { serial: 'r1', topic: 'order', nextHeaderId: 5 },
        { serial: 'r2', topic: 'order', nextHeaderId: 1 },
      ]);
      await expectStoreError(repo.save({ serial: 'r3', topic: 'order', nextHeaderId: 2 ** 32 }), 'STORE_CONSTRAINT');
    });

    it('fails cleanly after close', async () => {
      const other = await makeStore(clock);
      await other.store.close();
      await expectStoreError(other.store.query('SELECT 1'), 'STORE_CLOSED');
      await other.dispose();
    });
  });
}
