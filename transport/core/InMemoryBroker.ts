import { AppError } from '../../common/core/AppError.ts';
import type {
  ConnectionStatus, LastWill, MessageHandler, MessageTransport, PublishOptions, Qos, Subscription,
} from './MessageTransport.ts';
import { shareGroup, stripShare, topicMatches } from './topicMatches.ts';

interface Sub {
  client: InMemoryClient;
  filter: string;
  /** The filter without its `$share/<group>/` prefix. */
  bare: string;
  group: string | undefined;
  handler: MessageHandler;
  seq: number;
  live: boolean;
}

/**
 * An in-process MQTT-like broker: wildcards, shared subscriptions (round-robin per group), retained messages and last
 * wills. Delivery is synchronous but queued — a message published from inside a handler is delivered after the
 * current one finishes — so delivery order is a pure function of publish order (the simulator's determinism) and
 * handlers never re-enter.
 */
export class InMemoryBroker {
  // Subscriptions indexed two ways: exact filters by topic (the common case: a robot's own order topic), wildcard
  // filters in one list. `seq` keeps delivery in subscription order across both, as a single list would.
  #exact = new Map<string, Sub[]>();
  #wild: Sub[] = [];
  /**
   * Per topic, the wildcard subscriptions that match it, so a message does not split its topic and every wildcard
   * filter again (a robot sends the same few topics all day); dropped whenever a wildcard subscription comes or goes.
   */
  #wildByTopic = new Map<string, readonly Sub[]>();
  #seq = 0;
  #retained = new Map<string, Buffer>();
  #queue: QueuedMessage[] = [];
  #queueHead = 0;
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

  publishFrom(_client: InMemoryClient | undefined, topic: string, payload: Buffer, options: PublishOptions): void {
    if (topic.length === 0 || topic.includes('+') || topic.includes('#')) {
      throw new TransportError('TRANSPORT_BAD_TOPIC', `publish: invalid topic name '${topic}'`);
    }
    if (options.retain) {
      if (payload.length === 0) this.#retained.delete(topic);
      else this.#retained.set(topic, payload);
    }
    this.#queue.push({ topic, payload, only: undefined });
    this.#drain();
  }

  addSubscription(client: InMemoryClient, filter: string, handler: MessageHandler): Sub {
    const bare = stripShare(filter);
    const sub: Sub = { client, filter, bare, group: shareGroup(filter), handler, seq: this.#seq++, live: true };
    if (bare.includes('+') || bare.includes('#')) {
      this.#wild.push(sub);
      this.#wildByTopic.clear();
    } else {
      const list = this.#exact.get(bare);
      if (list) list.push(sub);
      else this.#exact.set(bare, [sub]);
    }
    if (sub.group === undefined) {
      // Retained messages go to the new ordinary subscriber only (shared subscriptions get none, as in MQTT 5 §4.8.2).
      for (const [topic, payload] of this.#retained) {
        if (topicMatches(bare, topic)) this.#queue.push({ topic, payload, only: sub });
      }
      this.#drain();
    }
    return sub;
  }

  removeSubscription(sub: Sub): void {
    if (!sub.live) return;
    sub.live = false;
    if (this.#wild.includes(sub)) {
      this.#wild = this.#wild.filter((s) => s !== sub);
      this.#wildByTopic.clear();
      return;
    }
    const list = this.#exact.get(sub.bare);
    if (!list) return;
    const rest = list.filter((s) => s !== sub);
    if (rest.length === 0) this.#exact.delete(sub.bare);
    else this.#exact.set(sub.bare, rest);
  }

  detach(client: InMemoryClient, sendWill: boolean): void {
    if (!this.#clients.delete(client)) return;
    for (const sub of this.#wild) if (sub.client === client) this.removeSubscription(sub);
    for (const list of [...this.#exact.values()]) for (const sub of list) if (sub.client === client) this.removeSubscription(sub);
    if (sendWill && client.will) {
      const will = client.will;
      this.publishFrom(undefined, will.topic, toBuffer(will.payload), { retain: will.retain ?? false });
    }
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#queueHead < this.#queue.length) {
        const next = this.#queue[this.#queueHead++]!;
        if (next.only) {
          if (next.only.live) {
            this.delivered++;
            next.only.handler(next.topic, next.payload);
          }
        } else {
          this.#deliver(next.topic, next.payload);
        }
      }
    } finally {
      this.#queue.length = 0;
      this.#queueHead = 0;
      this.#draining = false;
    }
  }

  #deliver(topic: string, payload: Buffer): void {
    // Snapshot of the matching subscriptions: a handler that subscribes or unsubscribes affects the next message, not
    // this one (removal lists are replaced, never mutated, so holding the old array is safe).
    const exact = this.#exact.get(topic) ?? NONE;
    const wild = this.#wildMatching(topic);
    const matching = wild.length === 0 ? exact : mergeBySeq(exact, wild);
    let groups: Map<string, Sub[]> | undefined;
    for (const sub of matching) {
      if (sub.group !== undefined) {
        groups ??= new Map();
        const key = `${sub.group}\u0000${sub.bare}`;
        const members = groups.get(key);
        if (members) members.push(sub);
        else groups.set(key, [sub]);
        continue;
      }
      this.delivered++;
      sub.handler(topic, payload);
    }
    if (groups === undefined) return;
    for (const [key, members] of groups) {
      const cursor = this.#groupCursor.get(key) ?? 0;
      const chosen = members[cursor % members.length]!;
      this.#groupCursor.set(key, cursor + 1);
      this.delivered++;
      chosen.handler(topic, payload);
    }
  }

  /** The wildcard subscriptions matching `topic`, in subscription order (a list that is replaced, never mutated). */
  #wildMatching(topic: string): readonly Sub[] {
    let wild = this.#wildByTopic.get(topic);
    if (wild === undefined) {
      wild = this.#wild.filter((sub) => topicMatches(sub.bare, topic));
      // Bounded: a client that publishes ever new topics costs a recomputation now and then, not unbounded memory.
      if (this.#wildByTopic.size >= MAX_CACHED_TOPICS) this.#wildByTopic.clear();
      this.#wildByTopic.set(topic, wild);
    }
    return wild;
  }
}

interface QueuedMessage {
  topic: string;
  payload: Buffer;
  /** A retained message replayed to one new subscriber only. */
  only: Sub | undefined;
}

const NONE: readonly Sub[] = Object.freeze([]);
const MAX_CACHED_TOPICS = 10_000;

function mergeBySeq(a: readonly Sub[], b: readonly Sub[]): Sub[] {
  const out: Sub[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.seq < b[j]!.seq)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
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
