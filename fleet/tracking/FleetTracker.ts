/**
 * The fleet server's view of its robots over VDA 5050: subscribes to every robot's state, visualization, connection
 * and factsheet topics, checks each message (handlers/index.ts), keeps the latest snapshot per robot, derives health,
 * alerts and parcel events, and sends instant actions and orders with confirmation tracking. Transport-agnostic: it
 * speaks the MessageTransport port, so the simulator runs it on the in-process broker and production on MQTT.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '../../clock/index.ts';
import { AppError } from '../../common/core/AppError.ts';
import {
  MessageBuilder, deliveryActionsOf, encodeMessage, subscriptionFilter,
  type ActionParameter, type Load, type Order, type OrderDeliveryAction, type State, type StandardInstantAction,
  type TopicOptions, type VdaBody, type VdaError, type VdaTopic,
} from '../../protocol/index.ts';
import type { MessageTransport, Qos, Subscription } from '../../transport/index.ts';
import type { RobotState } from '../dispatch/index.ts';
import type { AlertRepository } from './AlertRepository.ts';
import { isForward, type HeaderIdRepository } from './HeaderIdRepository.ts';
import { acknowledgeAlert, alertConditions, reconcileAlerts, type AcknowledgeError, type Alert } from './core/alerts.ts';
import { dispatchStateOf } from './core/dispatchStateOf.ts';
import type { ParcelEvent } from './core/parcelEventsFromState.ts';
import { transition, type RobotHealth } from './core/robotHealth.ts';
import { ingestMessage, newTrackedRobot, type IngestOutcome, type RejectionCode, type TrackedRobot } from './handlers/index.ts';

/** What a robot's view was built from (the parts TrackedRobot replaces as messages come in), and the view. */
type ViewMemo = Pick<TrackedRobot, 'record' | 'health' | 'state' | 'stateAtMs' | 'position' | 'velocity' | 'connectionState'> & { view: RobotView };
import type { RobotRecord, RobotRegistry } from './RobotRegistry.ts';
import type { RobotStateRepository } from './RobotStateRepository.ts';

/** The part of the project Logger the tracker uses (fleet/observability's Logger satisfies it). */
export interface TrackingLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A counter sink (wrap fleet/observability's Metrics: `inc(name, labels)` → `counter(name, …).inc(labels)`). */
export interface TrackingMetrics {
  inc(name: string, labels?: Record<string, string>): void;
}

export type InstantActionType = Extract<StandardInstantAction, 'startPause' | 'stopPause' | 'cancelOrder' | 'startCharging' | 'stopCharging' | 'stateRequest'>;

/** [VDA5050 §6.8.1] blocking types of the standard instant actions we send (docs/protocol.md). */
const INSTANT_BLOCKING: Record<InstantActionType, 'NONE' | 'SOFT' | 'HARD'> = {
  startPause: 'HARD', stopPause: 'HARD', cancelOrder: 'NONE', startCharging: 'HARD', stopCharging: 'HARD', stateRequest: 'NONE',
};

/** How an instant action ended, as the robot's state reported it, or why we stopped waiting. */
export type ActionConfirmation =
  | { status: 'FINISHED' | 'FAILED'; serial: string; actionId: string; resultDescription?: string; atMs: number }
  | { status: 'timeout' | 'cancelled'; serial: string; actionId: string; atMs: number };

export interface RobotView {
  serial: string;
  manufacturer: string;
  compartments: number;
  dockId?: string;
  health: RobotHealth;
  /** The planner's one-word state (fleet/dispatch RobotState). */
  dispatchState: RobotState;
  connectionState?: 'ONLINE' | 'OFFLINE' | 'CONNECTIONBROKEN';
  position?: { x: number; y: number; theta: number; mapId: string; positionInitialized: boolean; atMs: number };
  velocity?: { vx?: number; vy?: number; omega?: number };
  batteryPct?: number;
  charging?: boolean;
  orderId?: string;
  orderUpdateId?: number;
  lastNodeId?: string;
  lastNodeSequenceId?: number;
  driving?: boolean;
  paused?: boolean;
  errors: VdaError[];
  loads: Load[];
  actionStates: State['actionStates'];
  /** Nodes of the current order the robot has still to traverse (its last state's nodeStates); 0: the order is done. */
  nodesLeft?: number;
  lastStateAtMs?: number;
}

export type AlertChange = { type: 'raised' | 'cleared' | 'acknowledged'; alert: Alert };

export interface FleetTrackerEvents {
  parcelEvent: (event: ParcelEvent) => void;
  /**
   * Every parcel event one state gave, in order, once (after the `parcelEvent`s for each): for a listener that
   * applies them together, e.g. in one transaction (ParcelService.applyEvents). Not emitted for a state with none.
   */
  parcelEvents: (events: readonly ParcelEvent[]) => void;
  robotChanged: (robot: RobotView) => void;
  alert: (change: AlertChange) => void;
}

export interface FleetTrackerOptions {
  transport: MessageTransport;
  clock: Clock;
  registry: RobotRegistry;
  stateRepository?: RobotStateRepository;
  alertRepository?: AlertRepository;
  /**
   * Where the headerIds of the orders and instant actions we send are kept, so a restarted server goes on counting
   * (a robot may ignore a headerId it has seen). Without it, every start counts from 0.
   */
  headerIdRepository?: HeaderIdRepository;
  logger?: TrackingLogger;
  metrics?: TrackingMetrics;
  topicOptions?: TopicOptions;
  /** Subscribe as `$share/<group>/…` so several server instances split the robots (Mosquitto, EMQX; not aedes 1.x). */
  shareGroup?: string;
  /**
   * Subscribe to this manufacturer's robots only (default: every manufacturer, and the registry decides). For a
   * broker shared with other fleets or test runs, whose robots would otherwise be received and rejected one by one.
   */
  manufacturer?: string;
  /** QoS of our subscriptions. Default 0, as VDA 5050 specifies for state and visualization. */
  subscribeQos?: Qos;
  /** No state for this long makes a robot stale. Default 5000 (robots send state at ≥ 1 Hz). */
  staleAfterMs?: number;
  /** How often health is swept for staleness. Default 1000. */
  sweepPeriodMs?: number;
  /** Below this battery (%), a low_battery alert. Default 20. */
  lowBatteryPct?: number;
  /** How long an instant action may take to show FINISHED/FAILED. Default 10000. */
  confirmTimeoutMs?: number;
  /** Node ids of the hub, for the dispatch state `idle_at_hub`. */
  hubNodeIds?: readonly string[];
  /** Payload limit in bytes (default the protocol's 256 KiB). */
  maxMessageBytes?: number;
  /** Rejections logged per code per minute; the rest are only counted. Default 20. */
  rejectLogsPerMinute?: number;
  /** Makes actionIds for instant actions; default random UUIDs. The simulator passes a seeded one. */
  newActionId?: () => string;
}

/** Thrown for calls that cannot be carried out (unknown robot, bad order). */
export class TrackingError extends AppError {}

/** How many recent orders' delivery actions are kept per robot (older ones cannot appear in a state any more). */
const ORDERS_KEPT = 8;
const PAYLOAD_PREFIX_CHARS = 32;

type Listeners = { [K in keyof FleetTrackerEvents]: Set<FleetTrackerEvents[K]> };

export class FleetTracker {
  readonly #o: FleetTrackerOptions;
  readonly #robots = new Map<string, TrackedRobot>();
  readonly #alerts = new Map<string, Alert[]>();
  readonly #builders = new Map<string, MessageBuilder>();
  /** The next headerId per robot and topic we send on: what a (re)made builder starts from, and what is persisted. */
  readonly #nextHeaderIds = new Map<string, Partial<Record<VdaTopic, number>>>();
  readonly #ordersKept = new Map<string, Array<{ orderId: string; actionIds: string[] }>>();
  readonly #waiters = new Map<string, Map<string, { resolve: (c: ActionConfirmation) => void; timer: TimerHandle }>>();
  readonly #listeners: Listeners = { parcelEvent: new Set(), parcelEvents: new Set(), robotChanged: new Set(), alert: new Set() };
  readonly #rejected = new Map<RejectionCode, number>();
  readonly #rejectLogWindow = new Map<RejectionCode, { startMs: number; logged: number }>();
  readonly #hubNodeIds: ReadonlySet<string>;
  readonly #ingestCtx;
  /** Made once: transition() runs for every state. */
  readonly #healthOpts: { staleAfterMs?: number };
  #accepted = 0;
  #subscriptions: Subscription[] = [];
  #sweepTimer: TimerHandle | undefined;

  constructor(options: FleetTrackerOptions) {
    this.#o = options;
    this.#hubNodeIds = new Set(options.hubNodeIds ?? []);
    this.#healthOpts = options.staleAfterMs === undefined ? {} : { staleAfterMs: options.staleAfterMs };
    const parseOptions = options.maxMessageBytes === undefined ? {} : { maxBytes: options.maxMessageBytes };
    this.#ingestCtx = {
      robot: (serial: string) => this.#tracked(serial),
      ...(options.topicOptions === undefined ? {} : { topicOptions: options.topicOptions }),
      parseOptions,
      topicCache: new Map(),
    };
  }

  /** Restores persisted state and alerts, subscribes to the robots' topics and starts the health sweep. */
  async start(): Promise<void> {
    const now = this.#o.clock.now();
    for (const stored of (await this.#o.stateRepository?.loadAll()) ?? []) {
      const robot = this.#tracked(stored.serial);
      if (robot === undefined) continue;
      // The last state is the baseline for the next diff, so a restart does not replay parcel events; health starts
      // unknown until the robot speaks again.
      robot.state = stored.state;
      robot.stateAtMs = stored.receivedAtMs;
      robot.lastHeaderId.state = stored.state.headerId;
    }
    for (const h of (await this.#o.headerIdRepository?.loadAll()) ?? []) {
      const next = this.#nextHeaderIds.get(h.serial) ?? {};
      const current = next[h.topic];
      if (current === undefined || isForward(current, h.nextHeaderId)) next[h.topic] = h.nextHeaderId;
      this.#nextHeaderIds.set(h.serial, next);
      // A builder made before start() counted from what it knew then: remake it from the persisted counters.
      this.#builders.delete(h.serial);
    }
    for (const alert of (await this.#o.alertRepository?.loadListed()) ?? []) {
      const list = this.#alerts.get(alert.robot) ?? [];
      list.push(alert);
      this.#alerts.set(alert.robot, list);
    }
    for (const r of this.#o.registry.list()) this.#tracked(r.serial);
    const handler = (topic: string, payload: Buffer) => {
      this.ingest(topic, payload);
    };
    const qos = this.#o.subscribeQos ?? 0;
    for (const topic of ['state', 'visualization', 'connection', 'factsheet'] as const) {
      const filter = subscriptionFilter({
        ...this.#o.topicOptions, topic,
        ...(this.#o.shareGroup === undefined ? {} : { shareGroup: this.#o.shareGroup }),
        ...(this.#o.manufacturer === undefined ? {} : { manufacturer: this.#o.manufacturer }),
      });
      this.#subscriptions.push(await this.#o.transport.subscribe(filter, handler, { qos }));
    }
    this.#sweepTimer = this.#o.clock.setInterval(this.#o.sweepPeriodMs ?? 1000, () => this.sweep());
    this.#o.logger?.info('fleet tracker started', { robots: this.#robots.size, at: now });
  }

  /** Unsubscribes, stops the sweep and ends every pending confirmation as `cancelled`. */
  async stop(): Promise<void> {
    if (this.#sweepTimer !== undefined) this.#o.clock.clearTimer(this.#sweepTimer);
    this.#sweepTimer = undefined;
    const subs = this.#subscriptions;
    this.#subscriptions = [];
    await Promise.all(subs.map((s) => s.unsubscribe().catch(() => undefined)));
    const now = this.#o.clock.now();
    for (const [serial, waiters] of this.#waiters) {
      for (const [actionId, w] of waiters) {
        this.#o.clock.clearTimer(w.timer);
        w.resolve({ status: 'cancelled', serial, actionId, atMs: now });
      }
    }
    this.#waiters.clear();
  }

  /**
   * Takes one received message (what the subscription handler calls; the simulator's fast mode may call it
   * directly). Never throws: a bad message is rejected, counted by code and logged without its contents.
   */
  ingest(topic: string, payload: Buffer | string): IngestOutcome {
    const now = this.#o.clock.now();
    let outcome: IngestOutcome;
    try {
      outcome = ingestMessage(this.#ingestCtx, topic, payload, now);
    } catch (cause) {
      outcome = { accepted: false, code: 'TRACKING_HANDLER_FAULT', reason: String(cause) };
    }
    if (!outcome.accepted) {
      this.#countRejection(outcome.code, outcome.reason, topic, payload, now);
      return outcome;
    }
    this.#accepted++;
    this.#metricsInc('vda_messages_accepted_total', { topic: outcome.topic });
    try {
      this.#apply(outcome, now, payload);
    } catch (cause) {
      // A fault in our own reaction (a listener, a repository) must not stop ingestion of the next message.
      this.#o.logger?.error('fleet tracker: applying a message failed', { topic: safeText(topic), error: String(cause) });
    }
    return outcome;
  }

  /** Moves robots to stale / never_seen as time passes, and updates alerts. Runs on the clock; public for tests. */
  sweep(): void {
    const now = this.#o.clock.now();
    for (const robot of this.#robots.values()) {
      const next = transition(robot.health, { type: 'tick' }, now, this.#healthOptions());
      if (next === robot.health) continue;
      robot.health = next;
      this.#reconcile(robot, now);
      this.#emitRobot(robot);
    }
  }

  /** Every registered robot's snapshot. */
  robots(): RobotView[] {
    return [...this.#robots.values()].map((r) => this.#view(r));
  }

  robot(serial: string): RobotView | undefined {
    const r = this.#robots.get(serial);
    return r === undefined ? undefined : this.#view(r);
  }

  /** Open alerts and cleared ones nobody has acknowledged yet, oldest first. */
  alerts(): Alert[] {
    return [...this.#alerts.values()].flat().sort((a, b) => a.raisedAtMs - b.raisedAtMs || a.id.localeCompare(b.id));
  }

  /** A dispatcher acknowledges an alert. */
  acknowledge(alertId: string, by: string): { ok: true; alert: Alert } | { ok: false; error: AcknowledgeError } {
    const now = this.#o.clock.now();
    for (const [serial, list] of this.#alerts) {
      const i = list.findIndex((a) => a.id === alertId);
      if (i < 0) continue;
      const acked = acknowledgeAlert(list[i]!, by, now);
      if (!acked.ok) return acked;
      const alert = acked.value;
      if (alert.clearedAtMs !== undefined) list.splice(i, 1);
      else list[i] = alert;
      this.#alerts.set(serial, list);
      this.#persistAlert(alert);
      this.#emit('alert', { type: 'acknowledged', alert });
      return { ok: true, alert };
    }
    return { ok: false, error: 'unknown_alert' };
  }

  /** Counts of rejected messages by code, and of accepted ones. */
  stats(): { accepted: number; rejected: Partial<Record<RejectionCode, number>>; rejectedTotal: number } {
    const rejected: Partial<Record<RejectionCode, number>> = {};
    let rejectedTotal = 0;
    for (const [code, n] of this.#rejected) {
      rejected[code] = n;
      rejectedTotal += n;
    }
    return { accepted: this.#accepted, rejected, rejectedTotal };
  }

  /** Subscribes to tracker events; returns the unsubscribe function. */
  on<K extends keyof FleetTrackerEvents>(event: K, listener: FleetTrackerEvents[K]): () => void {
    const set = this.#listeners[event] as Set<FleetTrackerEvents[K]>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /**
   * Sends a standard instant action [VDA5050 §6.8.1] and returns its actionId at once, with `confirmation`, which
   * settles when the robot's state shows the action FINISHED or FAILED, or after `timeoutMs` (never rejects).
   * Throws TrackingError for an unknown robot, and the transport's error when publishing fails.
   */
  async sendInstantAction(
    serial: string,
    actionType: InstantActionType,
    params: Record<string, string | number | boolean> = {},
    options: { timeoutMs?: number } = {},
  ): Promise<{ actionId: string; confirmation: Promise<ActionConfirmation> }> {
    const record = this.#record(serial);
    const builder = this.#builder(record);
    const actionId = (this.#o.newActionId ?? (() => `ia-${randomUUID()}`))();
    const actionParameters: ActionParameter[] = Object.entries(params).map(([key, value]) => ({ key, value }));
    const message = builder.build('instantActions', {
      actions: [{ actionType, actionId, blockingType: INSTANT_BLOCKING[actionType], ...(actionParameters.length > 0 ? { actionParameters } : {}) }],
    });
    await this.#persistHeaderId(serial, 'instantActions', message.headerId);
    // Waiting starts before publishing: on the in-process broker the robot may answer within publish().
    const confirmation = this.#await(serial, actionId, options.timeoutMs ?? this.#o.confirmTimeoutMs ?? 10_000);
    try {
      await this.#o.transport.publish(builder.topic('instantActions'), encodeMessage(message), { qos: 0 });
    } catch (e) {
      this.#settle(serial, actionId, { status: 'cancelled', serial, actionId, atMs: this.#o.clock.now() });
      throw e;
    }
    this.#metricsInc('vda_instant_actions_sent_total', { actionType });
    return { actionId, confirmation };
  }

  /**
   * Sends an order [VDA5050 §6.6] after checking its delivery actions (PROTOCOL_ACTION_PARAMS) and the schema
   * (PROTOCOL_SCHEMA, from MessageBuilder); remembers its delivery actions to follow them in the robot's states.
   */
  async sendOrder(serial: string, body: VdaBody<'order'>): Promise<{ orderId: string; orderUpdateId: number; headerId: number }> {
    const record = this.#record(serial);
    const actions = deliveryActionsOf(body);
    if (!actions.ok) throw actions.error;
    const message = this.#builder(record).build('order', body);
    await this.#persistHeaderId(serial, 'order', message.headerId);
    this.registerOrder(serial, body, actions.value);
    await this.#o.transport.publish(this.#builder(record).topic('order'), encodeMessage(message), { qos: 0 });
    this.#metricsInc('vda_orders_sent_total', {});
    return { orderId: message.orderId, orderUpdateId: message.orderUpdateId, headerId: message.headerId };
  }

  /**
   * Tells the tracker about an order it did not send itself (e.g. sent before a restart), so the states that
   * report its delivery actions can be turned into parcel events. Throws the protocol's error for bad actions.
   */
  registerOrder(serial: string, order: Pick<Order, 'orderId' | 'nodes' | 'edges'>, decoded?: OrderDeliveryAction[]): void {
    const robot = this.#tracked(serial);
    if (robot === undefined) throw new TrackingError('TRACKING_UNKNOWN_ROBOT', `registerOrder: robot ${JSON.stringify(serial)} is not in the registry`);
    let actions = decoded;
    if (actions === undefined) {
      const r = deliveryActionsOf(order);
      if (!r.ok) throw r.error;
      actions = r.value;
    }
    const kept = this.#ordersKept.get(serial) ?? [];
    const existing = kept.find((k) => k.orderId === order.orderId);
    const entry = existing ?? { orderId: order.orderId, actionIds: [] };
    if (existing === undefined) kept.push(entry);
    for (const a of actions) {
      robot.deliveryActions.set(a.actionId, a);
      if (!entry.actionIds.includes(a.actionId)) entry.actionIds.push(a.actionId);
    }
    while (kept.length > ORDERS_KEPT) {
      const old = kept.shift()!;
      for (const id of old.actionIds) robot.deliveryActions.delete(id);
    }
    this.#ordersKept.set(serial, kept);
  }

  // ---- internals -------------------------------------------------------------------------------------------------

  #apply(outcome: Extract<IngestOutcome, { accepted: true }>, now: number, payload: Buffer | string): void {
    const { robot, result } = outcome;
    const before = robot.health;
    if (result.health !== undefined) robot.health = transition(robot.health, result.health, now, this.#healthOptions());
    if (outcome.topic === 'state' || outcome.topic === 'connection' || before.kind !== robot.health.kind) this.#reconcile(robot, now);
    if (outcome.topic === 'state' && robot.state !== undefined) this.#checkWaiters(robot, now);
    const parcelEvents = result.parcelEvents ?? [];
    for (const e of parcelEvents) {
      this.#metricsInc('parcel_events_total', { kind: e.kind });
      this.#emit('parcelEvent', e);
    }
    if (parcelEvents.length > 0) this.#emit('parcelEvents', parcelEvents);
    if (outcome.topic === 'state' && robot.state !== undefined) {
      // Saved after its parcel events went out: the stored state is the baseline a restart diffs against, so it must
      // not reach the store before the events it implies (a repository may wait for their work: FleetServer does).
      // The payload is the state's JSON as it came (parseMessage validates, it does not rewrite), so the repository
      // may keep those bytes rather than serialise the parsed object again.
      const save = this.#o.stateRepository?.save({ serial: robot.record.serial, state: robot.state, receivedAtMs: now, health: robot.health, payload });
      if (save instanceof Promise) save.catch((e: unknown) => this.#o.logger?.error('fleet tracker: saving robot state failed', { serial: robot.record.serial, error: String(e) }));
    }
    if ((result.unknownActionIds?.length ?? 0) > 0) this.#metricsInc('vda_unknown_actions_total', {});
    if (this.#listeners.robotChanged.size > 0) this.#emitRobot(robot);
  }

  #reconcile(robot: TrackedRobot, now: number): void {
    const serial = robot.record.serial;
    const conditions = alertConditions(serial, robot.health, robot.state, this.#o.lowBatteryPct === undefined ? {} : { lowBatteryPct: this.#o.lowBatteryPct });
    const current = this.#alerts.get(serial) ?? [];
    if (conditions.length === 0 && current.length === 0) return;
    const changes = reconcileAlerts(serial, current, conditions, now);
    this.#alerts.set(serial, changes.alerts);
    for (const alert of changes.raised) {
      this.#persistAlert(alert);
      this.#metricsInc('alerts_raised_total', { kind: alert.kind });
      this.#o.logger?.warn('alert raised', { id: alert.id, robot: serial, kind: alert.kind, severity: alert.severity });
      this.#emit('alert', { type: 'raised', alert });
    }
    for (const alert of changes.cleared) {
      this.#persistAlert(alert);
      this.#emit('alert', { type: 'cleared', alert });
    }
  }

  #await(serial: string, actionId: string, timeoutMs: number): Promise<ActionConfirmation> {
    return new Promise((resolve) => {
      const timer = this.#o.clock.setTimer(timeoutMs, () => {
        this.#settle(serial, actionId, { status: 'timeout', serial, actionId, atMs: this.#o.clock.now() });
      });
      const waiters = this.#waiters.get(serial) ?? new Map();
      waiters.set(actionId, { resolve, timer });
      this.#waiters.set(serial, waiters);
    });
  }

  #settle(serial: string, actionId: string, confirmation: ActionConfirmation): void {
    const waiters = this.#waiters.get(serial);
    const w = waiters?.get(actionId);
    if (w === undefined) return;
    waiters!.delete(actionId);
    this.#o.clock.clearTimer(w.timer);
    w.resolve(confirmation);
  }

  #checkWaiters(robot: TrackedRobot, now: number): void {
    const waiters = this.#waiters.get(robot.record.serial);
    if (waiters === undefined || waiters.size === 0 || robot.state === undefined) return;
    for (const a of robot.state.actionStates) {
      if (!waiters.has(a.actionId)) continue;
      if (a.actionStatus !== 'FINISHED' && a.actionStatus !== 'FAILED') continue;
      this.#settle(robot.record.serial, a.actionId, {
        status: a.actionStatus, serial: robot.record.serial, actionId: a.actionId, atMs: now,
        ...(a.resultDescription === undefined ? {} : { resultDescription: a.resultDescription }),
      });
    }
  }

  #tracked(serial: string): TrackedRobot | undefined {
    const existing = this.#robots.get(serial);
    const record = this.#o.registry.get(serial);
    if (record === undefined) {
      // Removed from the registry: stop tracking it.
      if (existing !== undefined) this.#robots.delete(serial);
      return undefined;
    }
    if (existing !== undefined) {
      existing.record = record;
      return existing;
    }
    const robot = newTrackedRobot(record, this.#o.clock.now());
    this.#robots.set(serial, robot);
    return robot;
  }

  #record(serial: string): RobotRecord {
    const record = this.#o.registry.get(serial);
    if (record === undefined) throw new TrackingError('TRACKING_UNKNOWN_ROBOT', `robot ${JSON.stringify(serial)} is not in the registry`);
    return record;
  }

  #builder(record: RobotRecord): MessageBuilder {
    let b = this.#builders.get(record.serial);
    if (b === undefined || b.manufacturer !== record.manufacturer) {
      b = new MessageBuilder({
        clock: this.#o.clock, manufacturer: record.manufacturer, serialNumber: record.serial, ...this.#o.topicOptions,
        firstHeaderIds: { ...this.#nextHeaderIds.get(record.serial) },
      });
      this.#builders.set(record.serial, b);
    }
    return b;
  }

  /**
   * Records that `headerId` went out on `topic`, before the message is published: once it may have reached the
   * robot, a restart must not send it again. A failed save fails the send (the message is not published; the gap it
   * leaves in the sequence is allowed).
   */
  async #persistHeaderId(serial: string, topic: 'order' | 'instantActions', headerId: number): Promise<void> {
    const nextHeaderId = (headerId + 1) % 2 ** 32;
    const next = this.#nextHeaderIds.get(serial) ?? {};
    next[topic] = nextHeaderId;
    this.#nextHeaderIds.set(serial, next);
    await this.#o.headerIdRepository?.save({ serial, topic, nextHeaderId });
  }

  /**
   * A robot's view is built again only when something it is made of was replaced: the dispatch loop reads every
   * robot's view several times a round, a round runs every couple of seconds, and most robots have not reported in
   * between. Everything a view reads is replaced, never changed in place (handlers/*, #tick), so identity is the test.
   * Views are shared between callers: read-only. The check allocates nothing: it runs millions of times a day.
   */
  readonly #views = new WeakMap<TrackedRobot, ViewMemo>();

  #view(r: TrackedRobot): RobotView {
    const m = this.#views.get(r);
    if (m !== undefined && m.record === r.record && m.health === r.health && m.state === r.state && m.stateAtMs === r.stateAtMs &&
      m.position === r.position && m.velocity === r.velocity && m.connectionState === r.connectionState) return m.view;
    const view = this.#buildView(r);
    this.#views.set(r, {
      record: r.record, health: r.health, state: r.state, stateAtMs: r.stateAtMs, position: r.position, velocity: r.velocity,
      connectionState: r.connectionState, view,
    });
    return view;
  }

  #buildView(r: TrackedRobot): RobotView {
    const s = r.state;
    const view: RobotView = {
      serial: r.record.serial,
      manufacturer: r.record.manufacturer,
      compartments: r.record.compartments,
      health: r.health,
      dispatchState: dispatchStateOf(r.health, s, this.#hubNodeIds),
      errors: s?.errors ?? [],
      loads: s?.loads ?? [],
      actionStates: s?.actionStates ?? [],
    };
    if (r.record.dockId !== undefined) view.dockId = r.record.dockId;
    if (r.connectionState !== undefined) view.connectionState = r.connectionState;
    if (r.position !== undefined) {
      const p = r.position;
      view.position = { x: p.x, y: p.y, theta: p.theta, mapId: p.mapId, positionInitialized: p.positionInitialized, atMs: p.atMs };
    }
    if (r.velocity !== undefined) view.velocity = r.velocity;
    if (s !== undefined) {
      Object.assign(view, {
        batteryPct: s.batteryState.batteryCharge, charging: s.batteryState.charging, orderId: s.orderId, orderUpdateId: s.orderUpdateId,
        lastNodeId: s.lastNodeId, lastNodeSequenceId: s.lastNodeSequenceId, driving: s.driving, paused: s.paused ?? false,
        nodesLeft: s.nodeStates.length,
      });
    }
    if (r.stateAtMs !== undefined) view.lastStateAtMs = r.stateAtMs;
    return view;
  }

  #emitRobot(robot: TrackedRobot): void {
    if (this.#listeners.robotChanged.size > 0) this.#emit('robotChanged', this.#view(robot));
  }

  #emit<K extends keyof FleetTrackerEvents>(event: K, value: Parameters<FleetTrackerEvents[K]>[0]): void {
    for (const listener of this.#listeners[event]) {
      try {
        (listener as (v: typeof value) => void)(value);
      } catch (cause) {
        this.#o.logger?.error(`fleet tracker: a ${event} listener threw`, { error: String(cause) });
      }
    }
  }

  #persistAlert(alert: Alert): void {
    const saved = this.#o.alertRepository?.save(alert);
    if (saved instanceof Promise) saved.catch((e: unknown) => this.#o.logger?.error('fleet tracker: saving an alert failed', { id: alert.id, error: String(e) }));
  }

  #countRejection(code: RejectionCode, reason: string, topic: string, payload: Buffer | string, now: number): void {
    this.#rejected.set(code, (this.#rejected.get(code) ?? 0) + 1);
    this.#metricsInc('vda_messages_rejected_total', { code });
    const logger = this.#o.logger;
    if (logger === undefined) return;
    const limit = this.#o.rejectLogsPerMinute ?? 20;
    const w = this.#rejectLogWindow.get(code);
    if (w === undefined || now - w.startMs >= 60_000) this.#rejectLogWindow.set(code, { startMs: now, logged: 1 });
    else if (w.logged >= limit) return;
    else w.logged++;
    // Only a short, escaped prefix of the payload: it is attacker-controlled and may be huge.
    const text = typeof payload === 'string' ? payload : payload.subarray(0, PAYLOAD_PREFIX_CHARS * 4).toString('utf8');
    logger.warn('rejected VDA 5050 message', {
      code, topic: safeText(topic), reason: safeText(reason, 300), bytes: typeof payload === 'string' ? payload.length : payload.byteLength,
      payloadPrefix: JSON.stringify(text.slice(0, PAYLOAD_PREFIX_CHARS)),
    });
  }

  #healthOptions(): { staleAfterMs?: number } {
    return this.#healthOpts;
  }

  #metricsInc(name: string, labels: Record<string, string>): void {
    this.#o.metrics?.inc(name, labels);
  }
}

function safeText(text: string, max = 200): string {
  const s = String(text);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

