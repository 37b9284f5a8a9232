import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../clock/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { verifyWebhookSignature } from '../core/webhookSignature.ts';
import { Outbox } from '../Outbox.ts';
import { WebhookDispatcher } from './WebhookDispatcher.ts';

const SECRET = 'test-webhook-secret';
const T0 = Date.UTC(2026, 8, 1, 8, 0, 0);

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real webhook receiver on an ephemeral port; `status` decides each answer in turn. */
class Receiver {
  readonly received: Received[] = [];
  statuses: number[] = [];
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = this.statuses.shift() ?? 200;
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server?.address() as AddressInfo).port}/hook`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }
}

describe('WebhookDispatcher', () => {
  let dir: string;
  let file: string;
  let clock: VirtualClock;
  let store: Store;
  let outbox: Outbox;
  let receiver: Receiver;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-notify-'));
    file = join(dir, 'fleet.db');
    clock = new VirtualClock(T0);
    store = await openStore({ databaseUrl: file, clock });
    outbox = new Outbox(store, clock);
    receiver = new Receiver();
    await receiver.start();
  });
  afterEach(async () => {
    await store.close();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const enqueue = (event = 'parcel.created') =>
    store.transaction((tx) =>
      outbox.enqueue(tx, [{ url: receiver.url, event, body: { parcelId: 'P-1', etaMs: null }, secrets: { pickupCode: '01234567' } }]),
    );

  it('POSTs a signed JSON body the receiver can verify, then erases the secrets from the row', async () => {
    const [id] = await enqueue();
    const dispatcher = new WebhookDispatcher({ outbox, clock, secret: SECRET });
    expect(await dispatcher.runOnce()).toEqual({ delivered: 1, retrying: 0, dead: 0 });

    const [req] = receiver.received;
    expect(req?.headers['x-webhook-id']).toBe(id);
    const check = verifyWebhookSignature({
      secret: SECRET,
      body: req?.body ?? '',
      signature: req?.headers['x-signature'] as string,
      timestamp: req?.headers['x-signature-timestamp'] as string,
      nowMs: clock.now(),
    });
    expect(check).toBe('ok');
    expect(JSON.parse(req?.body ?? '')).toEqual({
      id,
      event: 'parcel.created',
      createdAt: T0,
      data: { parcelId: 'P-1', etaMs: null, pickupCode: '01234567' },
    });
    const row = await outbox.get(id as string);
    expect(row).toMatchObject({ status: 'delivered', deliveredAtMs: T0, secrets: null, attempts: 1 });
    expect(JSON.stringify(await store.query('SELECT * FROM outbox'))).not.toContain('01234567');
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, retrying: 0, dead: 0 });
    clock.runFor(1000);
    expect(await outbox.purgeDelivered(1000)).toBe(0);
    clock.runFor(1);
    expect(await outbox.purgeDelivered(1000)).toBe(1);
    expect(await outbox.get(id as string)).toBeUndefined();
  });

  it('retries a 500 with exponential backoff and delivers once the receiver recovers', async () => {
    receiver.statuses = [500, 503];
    const [id] = await enqueue();
    const failures: string[] = [];
    const dispatcher = new WebhookDispatcher({
      outbox,
      clock,
      secret: SECRET,
      retry: { baseMs: 1000, capMs: 60_000, maxAttempts: 5 },
      onAttemptFailed: (f) => failures.push(f.error),
    });
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, retrying: 1, dead: 0 });
    expect(await outbox.get(id as string)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAtMs: T0 + 1000, lastError: 'HTTP 500' });
    clock.runFor(999);
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, retrying: 0, dead: 0 }); // not due yet
    clock.runFor(1);
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, retrying: 1, dead: 0 });
    expect((await outbox.get(id as string))?.nextAttemptAtMs).toBe(T0 + 1000 + 2000);
    clock.runFor(2000);
    expect(await dispatcher.runOnce()).toEqual({ delivered: 1, retrying: 0, dead: 0 });
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['x-webhook-id'])).size).toBe(1);
    expect(failures).toEqual(['HTTP 500', 'HTTP 503']);
  });

  it('marks a message dead after the last attempt and erases its secrets; an unreachable receiver counts as a failure', async () => {
    const [id] = await store.transaction((tx) =>
      outbox.enqueue(tx, [{ url: 'http://127.0.0.1:9/closed', event: 'parcel.created', body: {}, secrets: { pickupCode: '76543210' } }]),
    );
    const failures: { error: string; dead: boolean }[] = [];
    const dispatcher = new WebhookDispatcher({
      outbox,
      clock,
      secret: SECRET,
      retry: { baseMs: 10, capMs: 10, maxAttempts: 3 },
      onAttemptFailed: (f) => failures.push({ error: f.error, dead: f.dead }),
    });
    for (let i = 0; i < 3; i++) {
      await dispatcher.runOnce();
      clock.runFor(10);
    }
    const row = await outbox.get(id as string);
    expect(row).toMatchObject({ status: 'dead', attempts: 3, secrets: null });
    expect(failures.map((f) => f.dead)).toEqual([false, false, true]);
    for (const f of failures) expect(f.error).not.toContain('76543210');
    expect(await outbox.counts()).toEqual({ pending: 0, delivered: 0, dead: 1 });
  });

  it('survives a crash: a new dispatcher over the reopened file sends what was pending and what a dead instance had claimed', async () => {
    const [claimedId] = await enqueue('parcel.created');
    // Instance A claims the message and dies before sending it.
    const claimed = await outbox.claimDue(10, 30_000);
    expect(claimed.map((m) => m.id)).toEqual([claimedId]);
    const [pendingId] = await enqueue('parcel.out_for_delivery');
    await store.close();

    // Instance B starts on the same file.
    store = await openStore({ databaseUrl: file, clock });
    outbox = new Outbox(store, clock);
    const dispatcher = new WebhookDispatcher({ outbox, clock, secret: SECRET, leaseMs: 30_000 });
    expect(await dispatcher.runOnce()).toEqual({ delivered: 1, retrying: 0, dead: 0 });
    expect(receiver.received.map((r) => r.headers['x-webhook-id'])).toEqual([pendingId]);
    clock.runFor(30_000); // A's lease runs out
    expect(await dispatcher.runOnce()).toEqual({ delivered: 1, retrying: 0, dead: 0 });
    expect(receiver.received.map((r) => r.headers['x-webhook-id'])).toEqual([pendingId, claimedId]);
    // A late "mark delivered" from the dead instance's stale claim changes nothing.
    expect(await outbox.markDelivered(claimed[0]!)).toBe(false);
    expect(await outbox.get(claimedId as string)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('polls on the clock once started and stops cleanly', async () => {
    await enqueue();
    const dispatcher = new WebhookDispatcher({ outbox, clock, secret: SECRET, pollMs: 500 });
    dispatcher.start();
    dispatcher.start(); // idempotent
    clock.runFor(499);
    await dispatcher.stop().then(() => dispatcher.start());
    expect(receiver.received).toHaveLength(0);
    clock.runFor(500);
    await dispatcher.stop();
    expect(receiver.received).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });
});
