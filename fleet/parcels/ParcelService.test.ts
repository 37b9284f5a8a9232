import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { CHEAP_SCRYPT_PARAMS } from '../../protocol/index.ts';
import { Outbox } from '../notify/Outbox.ts';
import { StoreError, type Store, type Tx } from '../store/index.ts';
import { makePostgresTestStore, makeSqliteTestStore, postgresSkipReason, type MakeTestStore, type TestStore } from '../store/testStores.ts';
import { IdempotencyKeyReusedError, ParcelNotFoundError, ParcelTransitionError, ParcelVersionConflictError, ValidationError } from './core/errors.ts';
import type { ParcelInput } from './core/validateParcelInput.ts';
import { ParcelService } from './ParcelService.ts';

const T0 = Date.UTC(2026, 8, 1, 8, 0, 0);
const HOUR = 3600_000;
const pgSkip = await postgresSkipReason();

const backends: { name: string; make: MakeTestStore; skip: string | undefined }[] = [
  { name: 'SQLite', make: makeSqliteTestStore, skip: undefined },
  { name: 'PostgreSQL', make: makePostgresTestStore, skip: pgSkip },
];

function input(i: number, extra: Partial<ParcelInput> = {}): ParcelInput {
  return {
    destination: i % 2 === 0 ? 'library' : 'lab-b',
    recipient: { name: `Student ${i}`, email: `s${i}@campus.example.edu`, webhookUrl: 'http://127.0.0.1:9/hook' },
    externalRef: `REF-${i}`,
    ...extra,
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`ParcelService on ${backend.name} ${backend.skip ?? ''}`, () => {
    let ctx: TestStore;
    let store: Store;
    let clock: VirtualClock;
    let service: ParcelService;
    let outbox: Outbox;

    // One database per backend (a PostgreSQL schema costs a few hundred ms); each test starts from empty tables.
    beforeAll(async () => {
      ctx = await backend.make(new VirtualClock(T0));
      store = ctx.store;
    });
    afterAll(async () => {
      await ctx.dispose();
    });

    beforeEach(async () => {
      clock = new VirtualClock(T0);
      await store.transaction(async (tx) => {
        for (const table of ['parcel_events', 'parcels', 'idempotency_keys', 'outbox', 'alerts']) await tx.execute(`DELETE FROM ${table}`);
      });
      outbox = new Outbox(store, clock);
      service = new ParcelService({
        store,
        clock,
        outbox,
        publicBaseUrl: 'https://fleet.example.edu',
        codePolicy: { hashParams: CHEAP_SCRYPT_PARAMS },
        isKnownPlace: (id) => id === 'library' || id === 'lab-b',
        placeName: (id) => (id === 'library' ? 'Main Library' : undefined),
      });
    });
    /** Drives a parcel from received to awaiting_pickup. */
    async function toAwaitingPickup(id: string): Promise<void> {
      await service.applyEvent(id, { type: 'assign', robotSerial: 'R1', tripId: 'T1' }, { actor: 'dispatch' });
      await service.applyEvent(id, { type: 'load' }, { actor: 'R1' });
      await service.applyEvent(id, { type: 'depart', etaMs: T0 + HOUR }, { actor: 'R1' });
      await service.applyEvent(id, { type: 'arrive' }, { actor: 'R1' });
    }

    it('creates a parcel, returns its code and token once, and stores only their hashes', async () => {
      const created = await service.create(input(1), { actor: 'hub' });
      expect(created.replayed).toBe(false);
      expect(created.parcel).toMatchObject({ status: 'received', destination: 'lab-b', externalRef: 'REF-1', version: 1 });
      expect(created.parcel.id).toMatch(/^P-[0-9A-F]{16}$/);
      expect(created.pickupCode).toMatch(/^[0-9]{8}$/);
      expect(created.trackingLink).toBe(`https://fleet.example.edu/track/${created.trackingToken}`);
      expect(created.parcel.codeExpiresAtMs).toBe(T0 + 72 * HOUR);

      const stored = JSON.stringify(await store.query('SELECT * FROM parcels'));
      expect(stored).not.toContain(created.pickupCode);
      expect(stored).not.toContain(created.trackingToken);
      expect(JSON.stringify(await store.query('SELECT * FROM parcel_events'))).not.toContain(created.pickupCode);

      expect(await service.get(created.parcel.id)).toEqual(created.parcel);
      expect(await service.getByTrackingToken(created.trackingToken as string)).toEqual(created.parcel);
      expect(await service.getByTrackingToken('A'.repeat(43))).toBeUndefined();
      expect(await service.getByTrackingToken('../../etc')).toBeUndefined();
      expect(await service.history(created.parcel.id)).toEqual([
        { seq: 1, atMs: T0, from: null, to: 'received', cause: 'created', actor: 'hub', data: null },
      ]);
    });

    it('queues the recipient notification with code, link, drop place and ETA in the same transaction', async () => {
      const created = await service.create(input(2, { etaMs: T0 + 2 * HOUR }));
      const [message] = await outbox.list('pending');
      expect(message?.url).toBe('http://127.0.0.1:9/hook');
      expect(message?.body).toMatchObject({
        event: 'parcel.created',
        parcelId: created.parcel.id,
        dropPlace: { id: 'library', name: 'Main Library' },
        etaMs: T0 + 2 * HOUR,
        recipient: { name: 'Student 2', email: 's2@campus.example.edu', phone: null },
      });
      expect(message?.secrets).toEqual({ pickupCode: created.pickupCode, trackingLink: created.trackingLink });
    });

    it('creates 10,000 parcels in one batch and lists them all', async () => {
      const inputs = Array.from({ length: 10_000 }, (_, i) => ({ ...input(i), recipient: { name: `S${i}` } }));
      const started = performance.now();
      const result = await service.createBatch(inputs);
      const elapsedMs = performance.now() - started;
      expect(result.parcels).toHaveLength(10_000);
      expect(new Set(result.parcels.map((p) => p.pickupCode)).size).toBeGreaterThan(9_990);
      const [count] = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM parcels');
      expect(count?.n).toBe(10_000);
      const [events] = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM parcel_events');
      expect(events?.n).toBe(10_000);
      expect(elapsedMs).toBeLessThan(20_000);
    });

    it('rejects a batch with a bad element, naming it, and stores nothing', async () => {
      const inputs: unknown[] = Array.from({ length: 20 }, (_, i) => input(i));
      inputs[17] = { recipient: { name: 'x' } };
      inputs[3] = { ...input(3), destination: 'nowhere', recipient: { name: 'y', email: 'nope' } };
      const e = await rejection(service.createBatch(inputs));
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).message).toContain('parcels[17].destination: required');
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual([
        'parcels[3].destination',
        'parcels[3].recipient.email',
        'parcels[17].destination',
      ]);
      expect(await store.query('SELECT id FROM parcels')).toEqual([]);
      await expect(service.createBatch([])).rejects.toThrow(/parcels: must hold 1 to 10000 parcels, got 0/);
      await expect(service.create({ destination: 'library', recipient: { name: 'z' }, colour: 'red' })).rejects.toThrow(/colour: unknown field/);
    });

    it('makes a retried create with the same idempotency key harmless', async () => {
      const first = await service.createBatch([input(1), input(2)], { idempotencyKey: 'k-1' });
      const again = await service.createBatch([input(1), input(2)], { idempotencyKey: 'k-1' });
      expect(again.replayed).toBe(true);
      expect(again.parcels.map((p) => p.parcel.id)).toEqual(first.parcels.map((p) => p.parcel.id));
      expect(again.parcels.every((p) => p.pickupCode === null && p.trackingToken === null)).toBe(true);
      // Same content, different key order: still the same request.
      const reordered = await service.createBatch(
        [
          { externalRef: 'REF-1', recipient: { webhookUrl: 'http://127.0.0.1:9/hook', email: 's1@campus.example.edu', name: 'Student 1' }, destination: 'lab-b' },
          input(2),
        ],
        { idempotencyKey: 'k-1' },
      );
      expect(reordered.replayed).toBe(true);
      await expect(service.createBatch([input(3)], { idempotencyKey: 'k-1' })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      expect((await store.query('SELECT id FROM parcels')).length).toBe(2);
      expect((await outbox.counts()).pending).toBe(2);
      // Once the key is purged, the same key is a new request.
      clock.runFor(25 * HOUR);
      expect(await service.purgeIdempotencyKeys(24 * HOUR)).toBe(1);
      expect((await service.createBatch([input(3)], { idempotencyKey: 'k-1' })).replayed).toBe(false);
    });

    it('creates once when the same idempotent request arrives concurrently', async () => {
      const results = await Promise.all([1, 2, 3].map(() => service.create(input(7), { idempotencyKey: 'same' })));
      expect(new Set(results.map((r) => r.parcel.id)).size).toBe(1);
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      expect((await store.query('SELECT id FROM parcels')).length).toBe(1);
    });

    it('walks the lifecycle, recording each transition with cause, actor and data', async () => {
      const { parcel } = await service.create(input(1));
      clock.runFor(60_000);
      await toAwaitingPickup(parcel.id);
      const history = await service.history(parcel.id);
      expect(history.map((h) => [h.seq, h.from, h.to, h.cause, h.actor])).toEqual([
        [1, null, 'received', 'created', 'system'],
        [2, 'received', 'assigned', 'assign', 'dispatch'],
        [3, 'assigned', 'loaded', 'load', 'R1'],
        [4, 'loaded', 'out_for_delivery', 'depart', 'R1'],
        [5, 'out_for_delivery', 'awaiting_pickup', 'arrive', 'R1'],
      ]);
      expect(history[1]?.data).toEqual({ robotSerial: 'R1', tripId: 'T1' });
      expect(history[1]?.atMs).toBe(T0 + 60_000);
      const now = await service.get(parcel.id);
      expect(now).toMatchObject({ status: 'awaiting_pickup', robotSerial: 'R1', tripId: 'T1', version: 5 });
      const notified = (await outbox.list('pending')).map((m) => [m.event, m.body.etaMs]);
      expect(notified).toEqual([
        ['parcel.created', null],
        ['parcel.out_for_delivery', T0 + HOUR],
        ['parcel.awaiting_pickup', null],
      ]);
    });

    it('rejects an illegal transition with a typed error naming both states, and changes nothing', async () => {
      const { parcel } = await service.create(input(1));
      const e = await rejection(service.applyEvent(parcel.id, { type: 'depart' }, { actor: 'R1' }));
      expect(e).toBeInstanceOf(ParcelTransitionError);
      expect((e as ParcelTransitionError).code).toBe('PARCEL_ILLEGAL_TRANSITION');
      expect((e as ParcelTransitionError).message).toMatch(/'depart'.*received.*out_for_delivery only from loaded/);
      expect(await service.history(parcel.id)).toHaveLength(1);
      await expect(service.applyEvent('P-NOPE', { type: 'load' }, { actor: 'x' })).rejects.toThrow(/no parcel P-NOPE/);
    });

    it('checks expectedVersion for optimistic concurrency', async () => {
      const { parcel } = await service.create(input(1));
      await service.applyEvent(parcel.id, { type: 'assign', robotSerial: 'R1' }, { actor: 'a', expectedVersion: 1 });
      await expect(
        service.applyEvent(parcel.id, { type: 'assign', robotSerial: 'R2' }, { actor: 'b', expectedVersion: 1 }),
      ).rejects.toBeInstanceOf(ParcelVersionConflictError);
      expect((await service.get(parcel.id))?.robotSerial).toBe('R1');
    });

    it('lets only one of two concurrent conflicting events win', async () => {
      const { parcel } = await service.create(input(1));
      await service.applyEvent(parcel.id, { type: 'assign', robotSerial: 'R1' }, { actor: 'a' });
      const outcomes = await Promise.allSettled([
        service.applyEvent(parcel.id, { type: 'load' }, { actor: 'R1' }),
        service.applyEvent(parcel.id, { type: 'load' }, { actor: 'R1' }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((o) => o.status === 'rejected');
      expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(ParcelTransitionError);
      expect((await service.history(parcel.id)).map((h) => h.seq)).toEqual([1, 2, 3]);
    });

    /** The store, counting transactions, with a fault on appending history for `poisoned` (a disk error, say). */
    function faultyStore(poisoned: string): { store: Store; transactions: () => number } {
      let n = 0;
      const wrapTx = (tx: Tx): Tx => ({
        dialect: tx.dialect,
        query: (sql, params) => tx.query(sql, params),
        execute: (sql, params) => {
          if (sql.trimStart().startsWith('INSERT INTO parcel_events') && params?.[1] === poisoned) throw new StoreError('STORE_QUERY', 'INSERT INTO parcel_events: disk I/O error');
          return tx.execute(sql, params);
        },
      });
      const faulty: Store = {
        dialect: store.dialect,
        query: (sql, params) => store.query(sql, params),
        execute: (sql, params) => store.execute(sql, params),
        migrate: () => store.migrate(),
        close: () => store.close(),
        transaction: (fn, options) => {
          n++;
          return store.transaction((tx) => fn(wrapTx(tx)), options);
        },
      };
      return { store: faulty, transactions: () => n };
    }

    it('applies a batch of events in one transaction; an event that does not apply is reported and the rest commit', async () => {
      const a = (await service.create(input(1))).parcel.id;
      const b = (await service.create(input(2))).parcel.id;
      for (const id of [a, b]) await service.applyEvent(id, { type: 'assign', robotSerial: 'R1', tripId: 'T1' }, { actor: 'dispatch' });
      const counted = faultyStore('none');
      const batching = new ParcelService({ store: counted.store, clock, outbox, publicBaseUrl: 'https://fleet.example.edu', codePolicy: { hashParams: CHEAP_SCRYPT_PARAMS } });
      const results = await batching.applyEvents([
        { parcelId: a, event: { type: 'load' }, options: { actor: 'robot:R1' } },
        { parcelId: b, event: { type: 'depart' }, options: { actor: 'robot:R1' } },
        { parcelId: b, event: { type: 'load' }, options: { actor: 'robot:R1' } },
        { parcelId: 'P-NOPE', event: { type: 'load' }, options: { actor: 'robot:R1' } },
        { parcelId: a, event: { type: 'depart', etaMs: T0 + HOUR }, options: { actor: 'robot:R1' } },
      ]);
      expect(counted.transactions()).toBe(1);
      expect(results.map((r) => (r.ok ? r.parcel.status : (r.error as Error).constructor.name))).toEqual([
        'loaded', 'ParcelTransitionError', 'loaded', 'ParcelNotFoundError', 'out_for_delivery',
      ]);
      expect((results[3] as { error: unknown }).error).toBeInstanceOf(ParcelNotFoundError);
      // The history stays append-only and gap-free, versions as one event at a time would leave them.
      expect((await service.history(a)).map((h) => [h.seq, h.to])).toEqual([[1, 'received'], [2, 'assigned'], [3, 'loaded'], [4, 'out_for_delivery']]);
      expect((await service.history(b)).map((h) => [h.seq, h.to])).toEqual([[1, 'received'], [2, 'assigned'], [3, 'loaded']]);
      expect((await service.get(a))?.version).toBe(4);
      expect((await service.get(b))?.version).toBe(3);
      expect((await outbox.list('pending')).filter((m) => m.event === 'parcel.out_for_delivery')).toHaveLength(1);
    });

    it('applies events in the caller\'s transaction in order (applyEventsIn), a parcel twice included, and throws the first failure', async () => {
      const ids: string[] = [];
      for (let i = 1; i <= 3; i++) ids.push((await service.create(input(i))).parcel.id);
      const assign = (id: string) => ({ parcelId: id, event: { type: 'assign' as const, robotSerial: 'R1', tripId: 'T1' }, options: { actor: 'dispatch' } });
      const done = await store.transaction((tx) => service.applyEventsIn(tx, [
        assign(ids[0]!), assign(ids[1]!), { parcelId: ids[0]!, event: { type: 'load' }, options: { actor: 'robot:R1' } },
      ]));
      expect(done.map((p) => [p.id, p.status, p.version, p.robotSerial])).toEqual([
        [ids[0], 'assigned', 2, 'R1'], [ids[1], 'assigned', 2, 'R1'], [ids[0], 'loaded', 3, 'R1'],
      ]);
      expect((await service.history(ids[0]!)).map((h) => [h.seq, h.to])).toEqual([[1, 'received'], [2, 'assigned'], [3, 'loaded']]);
      // ids[1] is not loaded: the second item fails, and the transaction takes the first one's write back with it.
      const depart = { parcelId: ids[1]!, event: { type: 'depart' as const }, options: { actor: 'robot:R1' } };
      const failure = await rejection(store.transaction((tx) => service.applyEventsIn(tx, [assign(ids[2]!), depart])));
      expect(failure).toBeInstanceOf(ParcelTransitionError);
      expect((await service.get(ids[2]!))?.status).toBe('received');
      expect(await rejection(store.transaction((tx) => service.applyEventsIn(tx, [assign(ids[2]!), assign('P-NOPE')])))).toBeInstanceOf(ParcelNotFoundError);
    });

    // SQLite only, by design: on PostgreSQL each event reads and locks its row (FOR UPDATE) as it comes, in event order.
    if (backend.name === 'SQLite') it('reads a batch\'s parcels in one statement, not one per event', async () => {
      const ids: string[] = [];
      for (let i = 1; i <= 4; i++) ids.push((await service.create(input(i))).parcel.id);
      const reads: string[] = [];
      const counting: Store = {
        ...store,
        dialect: store.dialect,
        transaction: (fn, options) => store.transaction((tx) => fn({
          dialect: tx.dialect,
          query: (sql, params) => {
            if (sql.includes('FROM parcels')) reads.push(sql);
            return tx.query(sql, params);
          },
          execute: (sql, params) => tx.execute(sql, params),
        }), options),
      };
      const batching = new ParcelService({ store: counting, clock, outbox, publicBaseUrl: 'https://fleet.example.edu', codePolicy: { hashParams: CHEAP_SCRYPT_PARAMS } });
      const results = await batching.applyEvents(ids.map((id) => ({ parcelId: id, event: { type: 'assign' as const, robotSerial: 'R1' }, options: { actor: 'dispatch' } })));
      expect(results.every((r) => r.ok)).toBe(true);
      expect(reads).toHaveLength(1);
    });

    it('falls back to one transaction per event when a batch fails, so one bad event cannot block the others', async () => {
      const ids: string[] = [];
      for (let i = 1; i <= 3; i++) ids.push((await service.create(input(i))).parcel.id);
      for (const id of ids) await service.applyEvent(id, { type: 'assign', robotSerial: 'R1', tripId: 'T1' }, { actor: 'dispatch' });
      const faulty = faultyStore(ids[1]!);
      const batching = new ParcelService({ store: faulty.store, clock, outbox, publicBaseUrl: 'https://fleet.example.edu', codePolicy: { hashParams: CHEAP_SCRYPT_PARAMS } });
      const results = await batching.applyEvents(ids.map((id) => ({ parcelId: id, event: { type: 'load' as const }, options: { actor: 'robot:R1' } })));
      expect(faulty.transactions()).toBe(1 + ids.length);
      expect(results.map((r) => r.ok)).toEqual([true, false, true]);
      expect((results[1] as { error: unknown }).error).toBeInstanceOf(StoreError);
      expect((await Promise.all(ids.map((id) => service.get(id)))).map((p) => [p?.status, p?.version])).toEqual([['loaded', 3], ['assigned', 2], ['loaded', 3]]);
      expect((await service.history(ids[1]!)).map((h) => h.seq)).toEqual([1, 2]);
      expect((await service.history(ids[2]!)).map((h) => h.seq)).toEqual([1, 2, 3]);
    });

    it('cancels only before loading, clearing the assignment', async () => {
      const a = await service.create(input(1));
      await service.applyEvent(a.parcel.id, { type: 'assign', robotSerial: 'R1' }, { actor: 'd' });
      const cancelled = await service.cancel(a.parcel.id, 'dispatcher:ann', 'sender withdrew');
      expect(cancelled).toMatchObject({ status: 'cancelled', robotSerial: null });
      expect((await service.history(a.parcel.id)).at(-1)).toMatchObject({ cause: 'cancel', actor: 'dispatcher:ann', data: { reason: 'sender withdrew' } });
      const b = await service.create(input(2));
      await service.applyEvent(b.parcel.id, { type: 'assign', robotSerial: 'R1' }, { actor: 'd' });
      await service.applyEvent(b.parcel.id, { type: 'load' }, { actor: 'R1' });
      await expect(service.cancel(b.parcel.id, 'd', 'too late')).rejects.toThrow(/cannot apply 'cancel' to a parcel that is loaded/);
    });

    it('lists with filters and keyset pagination that neither skips nor repeats', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 25; i++) {
        // Several parcels share a creation time: the id breaks the tie in the cursor.
        if (i % 3 === 0) clock.runFor(1000);
        ids.push((await service.create(input(i))).parcel.id);
      }
      await service.applyEvent(ids[4] as string, { type: 'assign', robotSerial: 'R9' }, { actor: 'd' });
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await service.list({ limit: 10, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((p) => p.id));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor !== undefined);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(25);
      expect([...seen].sort()).toEqual([...ids].sort());
      const created = (await service.list({ limit: 500 })).items.map((p) => p.createdAtMs);
      expect(created).toEqual([...created].sort((x, y) => x - y));

      expect((await service.list({ robot: 'R9' })).items.map((p) => p.id)).toEqual([ids[4]]);
      expect((await service.list({ status: 'assigned' })).items).toHaveLength(1);
      expect((await service.list({ status: ['received', 'assigned'] })).items).toHaveLength(25);
      expect((await service.list({ destination: 'library' })).items).toHaveLength(13);
      expect((await service.list({ createdAfter: T0 + 8000 })).items).toHaveLength(1);
      await expect(service.list({ cursor: 'garbage' })).rejects.toThrow(/cursor: invalid cursor/);
      await expect(service.list({ limit: 501 })).rejects.toThrow(/limit: must be an integer in 1..500/);
    });

    it('verifies a pickup code once: not before arrival, then delivered, then used', async () => {
      const created = await service.create(input(1));
      const id = created.parcel.id;
      const code = created.pickupCode as string;
      expect(await service.verifyPickupCode(id, code)).toBe('not_ready');
      await toAwaitingPickup(id);
      expect(await service.verifyPickupCode(id, code)).toBe('ok');
      expect(await service.get(id)).toMatchObject({ status: 'delivered', codeUsedAtMs: T0 });
      expect((await service.history(id)).at(-1)).toMatchObject({ from: 'awaiting_pickup', to: 'delivered', cause: 'code_verified', data: { by: 'server' } });
      expect(await service.verifyPickupCode(id, code)).toBe('used');
      await expect(service.applyEvent(id, { type: 'code_verified', by: 'robot' }, { actor: 'R1' })).rejects.toThrow(/delivered is final/);
    });

    it('counts wrong codes, locks out after 5 with an alert, and then refuses even the right code', async () => {
      const created = await service.create(input(1));
      const id = created.parcel.id;
      await toAwaitingPickup(id);
      const wrong = created.pickupCode === '11111111' ? '22222222' : '11111111';
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await service.verifyPickupCode(id, wrong));
      expect(results).toEqual(['wrong', 'wrong', 'wrong', 'wrong', 'locked']);
      expect(await service.verifyPickupCode(id, created.pickupCode as string)).toBe('locked');
      expect((await service.get(id))?.codeFailedAttempts).toBe(5);
      expect(await store.query('SELECT kind, parcel_id, robot_serial FROM alerts')).toEqual([
        { kind: 'code_lockout', parcel_id: id, robot_serial: 'R1' },
      ]);
      expect((await service.history(id)).at(-1)).toMatchObject({ cause: 'code_locked', data: { failedAttempts: 5 } });
      // The dispatcher reissues; the old code is dead, the new one works.
      const fresh = await service.reissueCode(id, 'dispatcher:ann');
      expect(await service.verifyPickupCode(id, created.pickupCode as string)).toBe('wrong');
      expect(await service.getByTrackingToken(created.trackingToken as string)).toBeUndefined();
      expect((await service.getByTrackingToken(fresh.trackingToken))?.id).toBe(id);
      expect(await service.verifyPickupCode(id, fresh.pickupCode)).toBe('ok');
    });

    it('lets exactly one of two concurrent correct entries succeed', async () => {
      const created = await service.create(input(1));
      await toAwaitingPickup(created.parcel.id);
      const results = await Promise.all([
        service.verifyPickupCode(created.parcel.id, created.pickupCode as string),
        service.verifyPickupCode(created.parcel.id, created.pickupCode as string),
      ]);
      expect(results.sort()).toEqual(['ok', 'used']);
      expect((await service.history(created.parcel.id)).filter((h) => h.to === 'delivered')).toHaveLength(1);
    });

    it('expires codes after their lifetime', async () => {
      const created = await service.create(input(1));
      await toAwaitingPickup(created.parcel.id);
      clock.runFor(72 * HOUR);
      expect(await service.verifyPickupCode(created.parcel.id, created.pickupCode as string)).toBe('expired');
    });

    it('hands out code hashes for robot orders, and records a robot-verified delivery as the code being used', async () => {
      const created = await service.create(input(1));
      const hashes = await service.codeHashes([created.parcel.id, 'P-NONE']);
      expect([...hashes.keys()]).toEqual([created.parcel.id]);
      expect(hashes.get(created.parcel.id)?.hash).toMatchObject({ alg: 'scrypt', N: CHEAP_SCRYPT_PARAMS.N });
      await toAwaitingPickup(created.parcel.id);
      clock.runFor(5000);
      await service.applyEvent(created.parcel.id, { type: 'code_verified', by: 'robot' }, { actor: 'R1' });
      expect(await service.get(created.parcel.id)).toMatchObject({ status: 'delivered', codeUsedAtMs: T0 + 5000 });
      expect(await service.verifyPickupCode(created.parcel.id, created.pickupCode as string)).toBe('used');
    });
  });
}
