import { AppError } from '../../common/core/AppError.ts';
import type {
  ConnectionStatus, LastWill, MessageHandler, MessageTransport, PublishOptions, Qos, Subscription,
} from './MessageTransport.ts';
import { shareGroup, topicMatches } from './topicMatches.ts';

interface Sub {
  client: InMemoryClient;
  filter: string;
  group: string | undefined;
  handler: MessageHandler;
}

/**
 * An in-process MQTT-like broker: wildcards, shared subscriptions (round-robin per group), retained messages and last
 * wills. Delivery is synchronous but queued — a message published from inside a handler is delivered after the
 * current one finishes — so delivery order is a pure function of publish order (the simulator's determinism) and
 * handlers never re-enter.
 */
export class InMemoryBroker {
  #subs: Sub[] = [];
  #retained = new Map<string, Buffer>();
  #queue: Array<{ topic: string; payload: Buffer; from: InMemoryClient | undefined }> = [];
  #draining = false;
  #groupCursor = new Map<string, number>();
  #clients = new Set<InMemoryClient>();
  /** Messages delivered to handlers, for throughput figures. */
  delivered = 0;

  connect(clientId: string, options: { will?: LastWill } = {}): InMemoryClient {
    const client = new InMemoryClient(this, clientId, options.will);
    this.#clients.add(client);
    return client;
  }

  /** Clients currently connected. */
  get clientCount(): number {
    return this.#clients.size;
  }

  publishFrom(client: InMemoryClient | undefined, topic: string, payload: Buffer, options: PublishOptions): void {
    if (topic.length === 0 || topic.includes('+') || topic.includes('#')) {
      throw new TransportError('TRANSPORT_BAD_TOPIC', `publish: invalid topic name '${topic}'`);
    }
    if (options.retain) {
      if (payload.length === 0) this.#retained.delete(topic);
      else this.#retained.set(topic, payload);
    }
    this.#queue.push({ topic, payload, from: client });
    this.#drain();
  }

  addSubscription(client: InMemoryClient, filter: string, handler: MessageHandler): Sub {
    const sub: Sub = { client, filter, group: shareGroup(filter), handler };
    this.#subs.push(sub);
    if (sub.group === undefined) {
      // Retained messages go to new ordinary subscribers only (shared subscriptions get none, as in MQTT 5 §4.8.2).
      for (const [topic, payload] of this.#retained) {
        if (topicMatches(filter, topic)) this.#queue.push({ topic, payload, from: undefined });
      }
      this.#drain();
    }
    return sub;
  }

  removeSubscription(sub: Sub): void {
    const i = this.#subs.indexOf(sub);
    if (i >= 0) this.#subs.splice(i, 1);
  }

  detach(client: InMemoryClient, sendWill: boolean): void {
    if (!this.#clients.delete(client)) return;
    this.#subs = this.#subs.filter((s) => s.client !== client);
    if (sendWill && client.will) {
      const will = client.will;
      this.publishFrom(undefined, will.topic, toBuffer(will.payload), { retain: will.retain ?? false });
    }
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) this.#deliver(next.topic, next.payload);
    } finally {
      this.#draining = false;
    }
  }

  #deliver(topic: string, payload: Buffer): void {
    const groups = new Map<string, Sub[]>();
    // Snapshot: a handler that subscribes or unsubscribes affects the next message, not this one.
    for (const sub of this.#subs.slice()) {
      if (!topicMatches(sub.filter, topic)) continue;
      if (sub.group !== undefined) {
        const key = `${sub.group}\u0000${sub.filter}`;
        const members = groups.get(key) ?? [];
        members.push(sub);
        groups.set(key, members);
        continue;
      }
      this.delivered++;
      sub.handler(topic, payload);
    }
    for (const [key, members] of groups) {
      const cursor = this.#groupCursor.get(key) ?? 0;
      const chosen = members[cursor % members.length]!;
      this.#groupCursor.set(key, cursor + 1);
      this.delivered++;
      chosen.handler(topic, payload);
    }
  }
}

/** One client's view of the in-process broker, implementing the transport port. */
export class InMemoryClient implements MessageTransport {
  readonly clientId: string;
  readonly will: LastWill | undefined;
  #broker: InMemoryBroker;
  #closed = false;
  #statusListeners: Array<(s: ConnectionStatus) => void> = [];

  constructor(broker: InMemoryBroker, clientId: string, will: LastWill | undefined) {
    this.#broker = broker;
    this.clientId = clientId;
    this.will = will;
  }

  publish(topic: string, payload: Buffer | string, options: PublishOptions = {}): Promise<void> {
    try {
      this.publishSync(topic, payload, options);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Synchronous publish for hot simulator paths that do not want a promise per message. */
  publishSync(topic: string, payload: Buffer | string, options: PublishOptions = {}): void {
    this.#assertOpen('publish');
    this.#broker.publishFrom(this, topic, toBuffer(payload), options);
  }

  subscribe(filter: string, handler: MessageHandler, _options: { qos?: Qos } = {}): Promise<Subscription> {
    if (this.#closed) return Promise.reject(new TransportError('TRANSPORT_CLOSED', `subscribe: client '${this.clientId}' is closed`));
    const sub = this.#broker.addSubscription(this, filter, handler);
    return Promise.resolve({
      filter,
      unsubscribe: () => {
        this.#broker.removeSubscription(sub);
        return Promise.resolve();
      },
    });
  }

  onStatus(listener: (status: ConnectionStatus) => void): void {
    this.#statusListeners.push(listener);
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#broker.detach(this, false);
    }
    return Promise.resolve();
  }

  /** Simulates the client vanishing (crash, network loss): the broker publishes its last will. */
  crash(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#broker.detach(this, true);
    for (const l of this.#statusListeners) l('disconnected');
  }

  #assertOpen(what: string): void {
    if (this.#closed) throw new TransportError('TRANSPORT_CLOSED', `${what}: client '${this.clientId}' is closed`);
  }
}

export class TransportError extends AppError {}

export function toBuffer(payload: Buffer | string): Buffer {
  return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
}
