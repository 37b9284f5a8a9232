import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../clock/index.ts';
import { openStore } from '../openStore.ts';
import { runStoreContract } from '../storeContract.ts';
import { makePostgresTestStore, postgresSkipReason, TEST_DATABASE_URL } from '../testStores.ts';
import { PostgresStore } from './PostgresStore.ts';

const skip = await postgresSkipReason();

describe.skipIf(skip !== undefined)(`PostgreSQL ${skip ?? ''}`, () => {
  runStoreContract('PostgreSQL', makePostgresTestStore);

  it('retries a serializable transaction that lost a race, so both increments land', async () => {
    const { store, dispose } = await makePostgresTestStore(new VirtualClock(0));
    try {
      await store.execute('INSERT INTO robots (serial, manufacturer, capacity, created_at) VALUES ($1, $2, $3, $4)', ['R1', 'a', 0, 0]);
      const bump = () =>
        store.transaction(
          async (tx) => {
            const [row] = await tx.query<{ capacity: number }>('SELECT capacity FROM robots WHERE serial = $1', ['R1']);
            await new Promise((resolve) => setTimeout(resolve, 20));
            await tx.execute('UPDATE robots SET capacity = $1 WHERE serial = $2', [(row?.capacity ?? 0) + 1, 'R1']);
          },
          { isolation: 'serializable' },
        );
      await Promise.all([bump(), bump(), bump()]);
      expect(await store.query('SELECT capacity FROM robots')).toEqual([{ capacity: 3 }]);
    } finally {
      await dispose();
    }
  });

  it('openStore picks PostgreSQL for a postgres:// URL', async () => {
    const store = await openStore({ databaseUrl: TEST_DATABASE_URL, clock: new VirtualClock(0), migrate: false });
    expect(store).toBeInstanceOf(PostgresStore);
    expect(await store.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await store.close();
  });
});
