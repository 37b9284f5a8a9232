import type { Clock, TimerHandle } from '../../../clock/index.ts';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from '../core/retryDelay.ts';
import { DELIVERY_ID_HEADER, signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../core/webhookSignature.ts';
import type { Outbox, OutboxMessage } from '../Outbox.ts';

export interface WebhookDispatcherOptions {
  outbox: Outbox;
  clock: Clock;
  /** HMAC key shared with the receivers. */
  secret: string;
  /** How often to look for due messages (default 1000 ms). */
  pollMs?: number;
  /** Messages claimed per poll (default 20). */
  batchSize?: number;
  /** How long a claim lasts; a send must finish well within it (default 60 s). */
  leaseMs?: number;
  /** Per-request timeout, enforced by an AbortSignal (default 10 s). */
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Injected for tests of failure paths; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Told about each failed attempt; the text never includes the body (which may hold a pickup code) or the URL. */
  onAttemptFailed?: (info: { id: string; event: string; attempt: number; error: string; dead: boolean }) => void;
}

export interface DispatchCounts {
  delivered: number;
  retrying: number;
  dead: number;
}

/**
 * Sends outbox messages as signed JSON POSTs. Body: `{ id, event, createdAt, data }`; headers X-Webhook-Id (the
 * receiver's de-duplication key: delivery is at least once), X-Signature-Timestamp and X-Signature
 * (`sha256=` HMAC of `timestamp.body`). A 2xx answer is delivery; anything else, or no answer, is retried with
 * exponential backoff until the attempts run out and the message is marked dead.
 */
export class WebhookDispatcher {
  readonly #outbox: Outbox;
  readonly #clock: Clock;
  readonly #secret: string;
  readonly #pollMs: number;
  readonly #batchSize: number;
  readonly #leaseMs: number;
  readonly #requestTimeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #fetch: typeof fetch;
  readonly #onAttemptFailed: WebhookDispatcherOptions['onAttemptFailed'];
  #timer: TimerHandle | undefined;
  #running: Promise<DispatchCounts> | undefined;

  constructor(options: WebhookDispatcherOptions) {
    this.#outbox = options.outbox;
    this.#clock = options.clock;
    this.#secret = options.secret;
    this.#pollMs = options.pollMs ?? 1000;
    this.#batchSize = options.batchSize ?? 20;
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#fetch = options.fetch ?? fetch;
    this.#onAttemptFailed = options.onAttemptFailed;
  }

  /** Polls every `pollMs` on the clock until stop(). A poll that is still running when the next is due is not doubled. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.#clock.setInterval(this.#pollMs, () => {
      if (this.#running === undefined) void this.runOnce().catch(() => undefined);
    });
  }

  /** Stops polling and waits for a poll in progress to finish. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** Claims due messages and sends them once; resolves with what happened. */
  runOnce(): Promise<DispatchCounts> {
    if (this.#running !== undefined) return this.#running;
    this.#running = this.#poll().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Repeats runOnce until nothing is due (for shutdown drains and tests). */
  async drain(maxRounds = 100): Promise<DispatchCounts> {
    const total: DispatchCounts = { delivered: 0, retrying: 0, dead: 0 };
    for (let i = 0; i < maxRounds; i++) {
      const c = await this.runOnce();
      total.delivered += c.delivered;
      total.retrying += c.retrying;
      total.dead += c.dead;
      if (c.delivered + c.retrying + c.dead === 0) break;
    }
    return total;
  }

  async #poll(): Promise<DispatchCounts> {
    const counts: DispatchCounts = { delivered: 0, retrying: 0, dead: 0 };
    const claimed = await this.#outbox.claimDue(this.#batchSize, this.#leaseMs);
    await Promise.all(
      claimed.map(async (m) => {
        const error = await this.#send(m);
        if (error === undefined) {
          await this.#outbox.markDelivered(m);
          counts.delivered++;
          return;
        }
        const delay = retryDelayMs(m.attempts, this.#retry);
        await this.#outbox.markFailed(m, error, delay === undefined ? undefined : this.#clock.now() + delay);
        if (delay === undefined) counts.dead++;
        else counts.retrying++;
        this.#onAttemptFailed?.({ id: m.id, event: m.event, attempt: m.attempts, error, dead: delay === undefined });
      }),
    );
    return counts;
  }

  /** Undefined on success, else a short reason (status code or transport error) safe to store and log. */
  async #send(m: OutboxMessage): Promise<string | undefined> {
    const timestamp = this.#clock.now();
    const body = JSON.stringify({ id: m.id, event: m.event, createdAt: m.createdAtMs, data: { ...m.body, ...(m.secrets ?? {}) } });
    try {
      const res = await this.#fetch(m.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [DELIVERY_ID_HEADER]: m.id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(this.#secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.#requestTimeoutMs),
        redirect: 'error', // a redirect could carry the signed body somewhere the operator did not configure
      });
      await res.body?.cancel().catch(() => undefined);
      return res.ok ? undefined : `HTTP ${res.status}`;
    } catch (e) {
      const cause = (e as { cause?: { code?: unknown } }).cause;
      const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
      return `${(e as Error).name}: request failed${code}`;
    }
  }
}
