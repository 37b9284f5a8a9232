/**
 * The in-process adapter: every node of every simulated robot in one process, over one `Clock`.
 *
 * Cost matters more than anything here (60 robots × every node at 10 Hz with LiDAR, thousands of robot-seconds per
 * wall-second), so a publish is a synchronous loop over the topic's subscriber array: no serialization, no copy, no
 * per-message allocation. Subscribers receive the publisher's object and must treat it as read-only.
 *
 * Delivery order is deterministic: subscribers of a topic are called in subscription order, and a message published
 * from inside a callback is queued and delivered after the current one finishes, so every subscriber sees every
 * topic's messages in publish order (a nested direct call would let a later message overtake an earlier one).
 * Timers are `clock.setInterval`, so a `VirtualClock` drives the whole stack deterministically.
 */
import type { Clock } from '../../../clock/index.ts';
import { msToStamp } from './messageHelpers.ts';
import { ParameterStore } from './ParameterStore.ts';
import { assertNodeName, normalizeNamespace, resolveTopicName } from './resolveTopicName.ts';
import {
  RosPortError,
  type LogLevel,
  type Logger,
  type NodeOptions,
  type OnSetParametersCallback,
  type Parameter,
  type ParameterDescriptor,
  type ParameterValue,
  type Publisher,
  type QosProfile,
  type RosContext,
  type RosNode,
  type RosTimer,
  type SetParametersResult,
  type Subscription,
} from './RosPort.ts';
import type { Msg, MsgTypeName, Time } from './types.ts';

export interface LogEntry {
  level: LogLevel;
  timeMs: number;
  /** Fully qualified node name, e.g. '/r1/localization'. */
  node: string;
  message: string;
}

export interface InProcessBusOptions {
  /** Entries below this level are dropped before formatting (default 'info'). */
  logLevel?: LogLevel;
  /** Where log entries go (default: one ROS-like line on the console). */
  logSink?: (entry: LogEntry) => void;
}

export interface InProcessBusStats {
  topics: number;
  nodes: number;
  messagesPublished: number;
  callbackErrors: number;
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, fatal: 50 };

interface SubEntry {
  readonly sub: InProcessSubscription;
  readonly callback: (msg: unknown) => void;
  readonly node: InProcessNode;
  alive: boolean;
}

interface TopicEntry {
  readonly name: string;
  readonly type: MsgTypeName;
  // Replaced, never mutated, when subscribers come and go, so a delivery loop in progress keeps a stable array.
  subs: SubEntry[];
  latchedPublishers: InProcessPublisher<MsgTypeName>[];
}

/** The in-process RosContext. */
export class InProcessBus implements RosContext {
  readonly adapterName = 'in-process';
  readonly clock: Clock;
  readonly #logRank: number;
  readonly #logSink: (entry: LogEntry) => void;
  readonly #topics = new Map<string, TopicEntry>();
  readonly #nodes = new Set<InProcessNode>();
  // Delivery queue for messages published from inside a callback: two parallel arrays, so no tuple per message. The
  // arrays keep their slots between deliveries and #queueLength says how many are in use: emptying an array by
  // `length = 0` drops its backing store, so the next nested publish (localization publishes its pose from inside
  // the odometry callback, every robot ten times a second) allocated a new one.
  readonly #queueTopics: TopicEntry[] = [];
  readonly #queueMsgs: unknown[] = [];
  #queueLength = 0;
  #draining = false;
  #published = 0;
  #callbackErrors = 0;

  constructor(clock: Clock, options: InProcessBusOptions = {}) {
    this.clock = clock;
    this.#logRank = LEVEL_RANK[options.logLevel ?? 'info'];
    this.#logSink = options.logSink ?? consoleSink;
  }

  createNode(name: string, options: NodeOptions = {}): RosNode {
    assertNodeName(name);
    const node = new InProcessNode(this, name, normalizeNamespace(options.namespace), options.parameterOverrides ?? {});
    this.#nodes.add(node);
    return node;
  }

  async shutdown(): Promise<void> {
    for (const node of [...this.#nodes]) node.destroy();
  }

  stats(): InProcessBusStats {
    return {
      topics: this.#topics.size,
      nodes: this.#nodes.size,
      messagesPublished: this.#published,
      callbackErrors: this.#callbackErrors,
    };
  }

  /** Resolved names of every topic that has had a publisher or subscriber, sorted. */
  topicNames(): string[] {
    return [...this.#topics.keys()].sort();
  }

  countSubscribers(topic: string): number {
    return this.#topics.get(topic)?.subs.length ?? 0;
  }

  // --- used by nodes ---

  /** @internal */
  topic(name: string, type: MsgTypeName, where: string): TopicEntry {
    let t = this.#topics.get(name);
    if (!t) {
      t = { name, type, subs: [], latchedPublishers: [] };
      this.#topics.set(name, t);
    } else if (t.type !== type) {
      throw new RosPortError(
        'ROS_TOPIC_TYPE_MISMATCH',
        `${where}: topic '${name}' carries ${t.type}, cannot use it as ${type}`,
      );
    }
    return t;
  }

  /** @internal */
  addSubscription(t: TopicEntry, entry: SubEntry, transientLocal: boolean): void {
    t.subs = [...t.subs, entry];
    if (transientLocal && t.latchedPublishers.length > 0) {
      // Late joiners get the kept history on the next clock turn, as a middleware would deliver it: never from
      // inside createSubscription, where the caller's state may be half built.
      this.clock.setTimer(0, () => {
        for (const pub of t.latchedPublishers) {
          for (const msg of pub.history) if (entry.alive) this.#invoke(entry, msg);
        }
        this.#rethrowPending();
      });
    }
  }

  /** @internal */
  removeSubscription(entry: SubEntry): void {
    entry.alive = false;
    const t = this.#topics.get(entry.sub.topic);
    if (t) t.subs = t.subs.filter((s) => s !== entry);
  }

  /** @internal */
  nodeDestroyed(node: InProcessNode): void {
    this.#nodes.delete(node);
  }

  /** @internal */
  log(level: LogLevel, node: string, message: string): void {
    if (LEVEL_RANK[level] < this.#logRank) return;
    this.#logSink({ level, timeMs: this.clock.now(), node, message });
  }

  /** @internal */
  logEnabled(level: LogLevel): boolean {
    return LEVEL_RANK[level] >= this.#logRank;
  }

  #pendingError: unknown = undefined;
  #hasPendingError = false;

  /** @internal Synchronous, ordered delivery; see the class comment. */
  deliver(t: TopicEntry, msg: unknown): void {
    this.#published++;
    if (this.#draining) {
      const n = this.#queueLength++;
      if (n < this.#queueTopics.length) {
        this.#queueTopics[n] = t;
        this.#queueMsgs[n] = msg;
      } else {
        this.#queueTopics.push(t);
        this.#queueMsgs.push(msg);
      }
      return;
    }
    this.#draining = true;
    try {
      this.#dispatch(t, msg);
      for (let i = 0; i < this.#queueLength; i++) {
        const qt = this.#queueTopics[i]!;
        const qm = this.#queueMsgs[i];
        // Slots are kept, not the messages: a delivered message must not stay reachable from the bus.
        this.#queueMsgs[i] = undefined;
        this.#dispatch(qt, qm);
      }
    } finally {
      // Had delivery stopped early, the messages still queued are dropped (as before), and their references with them.
      for (let i = 0; i < this.#queueLength; i++) this.#queueMsgs[i] = undefined;
      this.#queueLength = 0;
      this.#draining = false;
    }
    this.#rethrowPending();
  }

  #dispatch(t: TopicEntry, msg: unknown): void {
    const subs = t.subs;
    for (let i = 0; i < subs.length; i++) {
      const s = subs[i]!;
      if (s.alive) this.#invoke(s, msg);
    }
  }

  // One subscriber's exception must not starve the others of the message; it is logged at once and rethrown to the
  // publisher's caller once delivery is done, so a bug in a callback still fails the run loudly.
  #invoke(s: SubEntry, msg: unknown): void {
    try {
      s.callback(msg);
    } catch (error) {
      this.#callbackErrors++;
      this.log('error', s.node.fullyQualifiedName, `subscription callback on '${s.sub.topic}' threw: ${String(error)}`);
      if (!this.#hasPendingError) {
        this.#hasPendingError = true;
        this.#pendingError = error;
      }
    }
  }

  #rethrowPending(): void {
    if (!this.#hasPendingError) return;
    const error = this.#pendingError;
    this.#hasPendingError = false;
    this.#pendingError = undefined;
    throw error;
  }
}

class InProcessPublisher<T extends MsgTypeName> implements Publisher<T> {
  readonly type: T;
  readonly topic: string;
  readonly history: Msg<T>[] = [];
  readonly #bus: InProcessBus;
  readonly #entry: TopicEntry;
  readonly #keep: number;
  alive = true;

  constructor(bus: InProcessBus, entry: TopicEntry, type: T, keep: number) {
    this.#bus = bus;
    this.#entry = entry;
    this.type = type;
    this.topic = entry.name;
    this.#keep = keep;
  }

  publish(msg: Msg<T>): void {
    if (!this.alive) {
      throw new RosPortError('ROS_NODE_DESTROYED', `publish on '${this.topic}': the publisher was destroyed`);
    }
    if (this.#keep > 0) {
      this.history.push(msg);
      if (this.history.length > this.#keep) this.history.shift();
    }
    this.#bus.deliver(this.#entry, msg);
  }
}

class InProcessSubscription implements Subscription {
  readonly type: MsgTypeName;
  readonly topic: string;
  constructor(type: MsgTypeName, topic: string) {
    this.type = type;
    this.topic = topic;
  }
}

class InProcessTimer implements RosTimer {
  readonly periodMs: number;
  readonly #clock: Clock;
  readonly #handle;
  #canceled = false;

  constructor(clock: Clock, periodMs: number, callback: () => void) {
    this.#clock = clock;
    this.periodMs = periodMs;
    this.#handle = clock.setInterval(periodMs, callback);
  }

  cancel(): void {
    if (this.#canceled) return;
    this.#canceled = true;
    this.#clock.clearTimer(this.#handle);
  }

  isCanceled(): boolean {
    return this.#canceled;
  }
}

class InProcessNode implements RosNode {
  readonly fullyQualifiedName: string;
  readonly #bus: InProcessBus;
  readonly #name: string;
  readonly #namespace: string;
  readonly #params: ParameterStore;
  readonly #logger: Logger;
  readonly #publishers = new Set<InProcessPublisher<MsgTypeName>>();
  readonly #subscriptions = new Map<Subscription, SubEntry>();
  readonly #timers = new Set<InProcessTimer>();
  #destroyed = false;

  constructor(bus: InProcessBus, name: string, namespace: string, overrides: Readonly<Record<string, ParameterValue>>) {
    this.#bus = bus;
    this.#name = name;
    this.#namespace = namespace;
    this.fullyQualifiedName = namespace === '/' ? `/${name}` : `${namespace}/${name}`;
    this.#params = new ParameterStore(`node ${this.fullyQualifiedName}`, overrides);
    const fqn = this.fullyQualifiedName;
    const at = (level: LogLevel) => (message: string) => bus.log(level, fqn, message);
    this.#logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal') };
  }

  name(): string {
    return this.#name;
  }

  namespace(): string {
    return this.#namespace;
  }

  createPublisher<T extends MsgTypeName>(type: T, topic: string, qos: QosProfile = {}): Publisher<T> {
    this.#assertAlive('createPublisher');
    const entry = this.#bus.topic(this.#resolve(topic), type, `node ${this.fullyQualifiedName}`);
    const keep = qos.durability === 'transient_local' ? Math.max(1, qos.depth ?? 1) : 0;
    const pub = new InProcessPublisher<T>(this.#bus, entry, type, keep);
    if (keep > 0) entry.latchedPublishers.push(pub as unknown as InProcessPublisher<MsgTypeName>);
    this.#publishers.add(pub as unknown as InProcessPublisher<MsgTypeName>);
    return pub;
  }

  createSubscription<T extends MsgTypeName>(
    type: T,
    topic: string,
    callback: (msg: Msg<T>) => void,
    qos: QosProfile = {},
  ): Subscription {
    this.#assertAlive('createSubscription');
    const entry = this.#bus.topic(this.#resolve(topic), type, `node ${this.fullyQualifiedName}`);
    const sub = new InProcessSubscription(type, entry.name);
    const subEntry: SubEntry = { sub, callback: callback as (msg: unknown) => void, node: this, alive: true };
    this.#subscriptions.set(sub, subEntry);
    this.#bus.addSubscription(entry, subEntry, qos.durability === 'transient_local');
    return sub;
  }

  createTimer(periodMs: number, callback: () => void): RosTimer {
    this.#assertAlive('createTimer');
    const timer = new InProcessTimer(this.#bus.clock, periodMs, callback);
    this.#timers.add(timer);
    return timer;
  }

  destroyPublisher(publisher: Publisher<MsgTypeName>): void {
    const pub = publisher as InProcessPublisher<MsgTypeName>;
    if (!this.#publishers.delete(pub)) return;
    pub.alive = false;
    const t = this.#bus.topic(pub.topic, pub.type, `node ${this.fullyQualifiedName}`);
    t.latchedPublishers = t.latchedPublishers.filter((p) => p !== pub);
  }

  destroySubscription(subscription: Subscription): void {
    const entry = this.#subscriptions.get(subscription);
    if (!entry) return;
    this.#subscriptions.delete(subscription);
    this.#bus.removeSubscription(entry);
  }

  destroyTimer(timer: RosTimer): void {
    timer.cancel();
    this.#timers.delete(timer as InProcessTimer);
  }

  declareParameter(descriptor: ParameterDescriptor, defaultValue?: ParameterValue): ParameterValue {
    this.#assertAlive('declareParameter');
    return this.#params.declare(descriptor, defaultValue);
  }

  hasParameter(name: string): boolean {
    return this.#params.has(name);
  }

  getParameter(name: string): Parameter {
    return this.#params.get(name);
  }

  setParameters(params: ReadonlyArray<{ name: string; value: ParameterValue }>): SetParametersResult {
    return this.#params.set(params);
  }

  addOnSetParametersCallback(callback: OnSetParametersCallback): void {
    this.#params.addCallback(callback);
  }

  removeOnSetParametersCallback(callback: OnSetParametersCallback): void {
    this.#params.removeCallback(callback);
  }

  getLogger(): Logger {
    return this.#logger;
  }

  getClock(): Clock {
    return this.#bus.clock;
  }

  now(): Time {
    return msToStamp(this.#bus.clock.now());
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const t of this.#timers) t.cancel();
    this.#timers.clear();
    for (const sub of [...this.#subscriptions.keys()]) this.destroySubscription(sub);
    for (const pub of [...this.#publishers]) this.destroyPublisher(pub);
    this.#bus.nodeDestroyed(this);
  }

  #resolve(topic: string): string {
    return resolveTopicName(this.#namespace, this.#name, topic);
  }

  #assertAlive(what: string): void {
    if (this.#destroyed) {
      throw new RosPortError('ROS_NODE_DESTROYED', `${what} on node ${this.fullyQualifiedName}: the node was destroyed`);
    }
  }
}

function consoleSink(entry: LogEntry): void {
  const line = `[${entry.level.toUpperCase()}] [${(entry.timeMs / 1000).toFixed(3)}] [${entry.node}]: ${entry.message}`;
  if (LEVEL_RANK[entry.level] >= LEVEL_RANK.warn) console.error(line);
  else console.log(line);
}
