/**
 * The dispatch loop: on a Clock period (and soon after new parcels or an idle robot) it claims waiting parcels, plans
 * trips with fleet/dispatch, persists the trips and the `assign` events in ONE transaction, then sends each trip's
 * VDA 5050 order. It follows the tracker's parcel events through the lifecycle, sends undelivered parcels back to the
 * shelf with a return order, re-plans an offline robot's parcels after the timeout, and honours dispatcher overrides
 * (holds, pins, re-routes), which the planner sees because they live on the parcel and robot rows.
 *
 * Nothing here is only in memory: a restarted loop re-registers the orders of trips in progress with the tracker and
 * sends any trip that was planned but not yet sent, so a crash loses no parcel and assigns none twice.
 */
import { randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../../clock/index.ts';
import type { CodeHash } from '../../protocol/index.ts';
import {
  handleUnclaimed, planTrips, replanAfterRobotFailure,
  type CarriedStage, type DispatchConfig, type DispatchRobot, type EnergyModel, type RobotState, type WaitingParcel,
} from '../dispatch/index.ts';
import type { Logger, Metrics } from '../observability/index.ts';
import { ParcelTransitionError, type Parcel, type ParcelEvent as LifecycleEvent, type ParcelService } from '../parcels/index.ts';
import type { Store } from '../store/index.ts';
import type { FleetTracker, ParcelEvent as TrackedEvent, RobotView } from '../tracking/index.ts';
import type { CampusModel } from './CampusModel.ts';
import { buildReturnOrder, buildTripOrder } from './core/buildTripOrder.ts';
import type { OverrideRepository } from './repos/OverrideRepository.ts';
import type { TripRecord, TripRepository } from './repos/TripRepository.ts';

export interface DispatchLoopOptions {
  store: Store;
  clock: Clock;
  parcels: ParcelService;
  trips: TripRepository;
  overrides: OverrideRepository;
  tracker: FleetTracker;
  campus: CampusModel;
  config: DispatchConfig;
  logger: Logger;
  metrics: Metrics;
  /** Planning period. Default 10 s. */
  periodMs?: number;
  /** Delay of a triggered round (new parcels, idle robot), so a burst of triggers makes one round. Default 200 ms. */
  triggerDelayMs?: number;
  /** How long a robot waits at a stop for the recipient. Default 600 s. */
  waitForRecipientS?: number;
  /** A robot within this distance of the hub node, idle, with no trip, is available at the hub. Default 10 m. */
  hubRadiusM?: number;
  /** Robot energy model for the planner's battery check. */
  energy?: EnergyModel;
  /** Most waiting parcels considered per round. Default 2,000. */
  maxClaim?: number;
  /** Told about each parcel change made here (for live updates). */
  onParcelChanged?: (parcel: Parcel) => void;
}

const DEFAULT_ENERGY: EnergyModel = { capacityWh: 1000, whPerM: 0.05, idleW: 30 };

/** Parcel statuses that mean "aboard a robot" for the failure rule. */
const CARRIED: ReadonlySet<string> = new Set(['assigned', 'loaded', 'out_for_delivery', 'awaiting_pickup']);

export class DispatchLoop {
  readonly #o: DispatchLoopOptions;
  readonly #log: Logger;
  readonly #m;
  #timer: TimerHandle | undefined;
  #triggerTimer: TimerHandle | undefined;
  #round: Promise<void> | undefined;
  #again = false;
  #events: Promise<void> = Promise.resolve();
  #unsubscribe: Array<() => void> = [];
  #stopped = false;

  constructor(options: DispatchLoopOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'dispatch' });
    const m = options.metrics;
    this.#m = {
      rounds: m.counter('fleet_dispatch_rounds_total', 'Dispatch rounds run'),
      trips: m.counter('fleet_dispatch_trips_total', 'Trips planned'),
      planned: m.counter('fleet_dispatch_parcels_planned_total', 'Parcels assigned to trips'),
      orders: m.counter('fleet_dispatch_orders_sent_total', 'VDA 5050 orders sent', ['kind']),
      roundS: m.histogram('fleet_dispatch_round_seconds', 'Wall time of a dispatch round'),
      events: m.counter('fleet_dispatch_parcel_events_total', 'Robot parcel events applied', ['kind', 'outcome']),
    };
  }

  /** Resumes trips in progress (re-registers their orders, sends planned ones), follows the tracker, starts the timer. */
  async start(): Promise<void> {
    for (const trip of await this.#o.trips.active()) {
      if (trip.status === 'sent' && trip.order !== null) {
        try {
          this.#o.tracker.registerOrder(trip.robotSerial, trip.order);
        } catch (e) {
          this.#log.warn('cannot follow the order of a trip in progress', { trip: trip.id, robot: trip.robotSerial, error: e });
        }
      }
    }
    this.#unsubscribe.push(this.#o.tracker.on('parcelEvent', (e) => this.#enqueue(() => this.#onParcelEvent(e))));
    this.#unsubscribe.push(this.#o.tracker.on('robotChanged', (r) => this.#onRobotChanged(r)));
    this.#timer = this.#o.clock.setInterval(this.#o.periodMs ?? 10_000, () => this.trigger(0));
    this.trigger(0);
  }

  /** Stops the timers and waits for the round and the events in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    if (this.#timer !== undefined) this.#o.clock.clearTimer(this.#timer);
    if (this.#triggerTimer !== undefined) this.#o.clock.clearTimer(this.#triggerTimer);
    this.#timer = this.#triggerTimer = undefined;
    await this.#round?.catch(() => undefined);
    await this.#events.catch(() => undefined);
  }

  /** Asks for a round soon (after `delayMs`, default triggerDelayMs); several triggers in that window make one round. */
  trigger(delayMs = this.#o.triggerDelayMs ?? 200): void {
    if (this.#stopped || this.#triggerTimer !== undefined) return;
    this.#triggerTimer = this.#o.clock.setTimer(delayMs, () => {
      this.#triggerTimer = undefined;
      void this.runOnce();
    });
  }

  /** Runs one round now (or right after the one in progress); resolves when it is done. Never rejects. */
  runOnce(): Promise<void> {
    if (this.#round !== undefined) {
      this.#again = true;
      return this.#round;
    }
    this.#round = (async () => {
      try {
        do {
          this.#again = false;
          await this.#roundBody();
        } while (this.#again && !this.#stopped);
      } catch (e) {
        this.#log.error('dispatch round failed', { error: e });
      } finally {
        this.#round = undefined;
      }
    })();
    return this.#round;
  }

  /** Resolves when every parcel event received so far has been applied (tests, shutdown). */
  idle(): Promise<void> {
    return this.#events;
  }

  async #roundBody(): Promise<void> {
    const started = performance.now();
    this.#m.rounds.inc();
    const active = await this.#o.trips.active();
    await this.#finishTrips(active);
    await this.#handleFailures(active);
    await this.#sendPlanned(active.filter((t) => t.status === 'planned'));
    const created = await this.#plan();
    await this.#sendPlanned(created);
    this.#m.roundS.observe((performance.now() - started) / 1000);
  }

  /** Plans waiting parcels onto available robots and commits trips + assignments atomically. */
  async #plan(): Promise<TripRecord[]> {
    const { store, trips, overrides, tracker, campus, config, clock } = this.#o;
    const busy = new Set((await trips.active()).map((t) => t.robotSerial));
    const robots = tracker.robots().map((r) => this.#dispatchRobot(r, busy.has(r.serial)));
    if (!robots.some((r) => r.state === 'idle_at_hub')) return [];
    const routeOverrides: Record<string, string[]> = {};
    for (const o of await overrides.robotOverrides()) if (o.route !== null && o.route.length > 0) routeOverrides[o.serial] = o.route;
    const created: TripRecord[] = [];
    await store.transaction(async (tx) => {
      const waiting: WaitingParcel[] = await trips.claimWaiting(tx, this.#o.maxClaim ?? 2000);
      if (waiting.length === 0) return;
      const now = clock.now();
      const plan = planTrips({ nowMs: now, parcels: waiting, robots, travel: campus.travel }, config, { routeOverrides });
      for (const trip of plan.trips) {
        const id = `T-${randomBytes(6).toString('hex').toUpperCase()}`;
        const record: TripRecord = {
          id, robotSerial: trip.robot, status: 'planned', orderId: id, orderUpdateId: 0, stops: trip.stops,
          // The planner numbers compartments from 1; VDA 5050 delivery actions from 0.
          parcels: trip.parcels.map((p) => ({ parcelId: p.parcelId, compartment: p.compartment - 1, place: p.place })),
          order: null, createdAtMs: now, startedAtMs: null, finishedAtMs: null,
        };
        await trips.insert(tx, record);
        for (const p of trip.parcels) {
          await this.#o.parcels.applyEventIn(tx, p.parcelId, { type: 'assign', robotSerial: trip.robot, tripId: id }, { actor: 'dispatch' });
        }
        if (routeOverrides[trip.robot] !== undefined) {
          // A re-route applies to the robot's next trip only.
          await tx.execute('UPDATE robot_overrides SET route = NULL, updated_at = $1 WHERE serial = $2', [now, trip.robot]);
        }
        created.push(record);
      }
      if (plan.trips.length > 0) {
        this.#log.info('trips planned', { trips: plan.trips.length, parcels: plan.stats.plannedParcels, waiting: waiting.length });
      }
    });
    this.#m.trips.inc({}, created.length);
    this.#m.planned.inc({}, created.reduce((n, t) => n + t.parcels.length, 0));
    for (const t of created) for (const p of t.parcels) void this.#announce(p.parcelId);
    return created;
  }

  /** Builds and sends the order of each planned trip; a failed send stays planned and is retried next round. */
  async #sendPlanned(planned: readonly TripRecord[]): Promise<void> {
    const { campus, tracker, trips, clock } = this.#o;
    for (const trip of planned) {
      try {
        const hashes = await this.#o.parcels.codeHashes(trip.parcels.map((p) => p.parcelId));
        const codes = new Map<string, CodeHash>([...hashes].map(([id, h]) => [id, h.hash]));
        const hub = campus.orderPlace(campus.hub.id)!;
        const order = buildTripOrder({
          orderId: trip.orderId, mapId: campus.mapId, hub, codes, hubDeviationM: this.#o.hubRadiusM ?? 10,
          waitForRecipientS: this.#o.waitForRecipientS ?? 600,
          stops: trip.stops.map((s) => ({
            place: campus.orderPlace(s.place)!,
            parcels: s.parcelIds.map((id) => ({ parcelId: id, compartment: trip.parcels.find((p) => p.parcelId === id)!.compartment })),
          })),
        });
        await tracker.sendOrder(trip.robotSerial, order);
        await trips.markSent(trip.id, order, clock.now());
        this.#m.orders.inc({ kind: 'trip' });
        this.#log.info('order sent', { trip: trip.id, robot: trip.robotSerial, stops: trip.stops.length, parcels: trip.parcels.length });
      } catch (e) {
        this.#log.error('sending a trip order failed; retrying next round', { trip: trip.id, robot: trip.robotSerial, error: e });
      }
    }
  }

  /** A trip ends when its robot is idle at the hub after its order; parcels still aboard go back to the shelf. */
  async #finishTrips(active: readonly TripRecord[]): Promise<void> {
    const { tracker, trips, clock } = this.#o;
    for (const trip of active) {
      if (trip.status !== 'sent') continue;
      const view = tracker.robot(trip.robotSerial);
      if (view === undefined || view.orderId !== trip.orderId || view.dispatchState !== 'idle_at_hub') continue;
      if (!(await trips.end(this.#o.store, trip.id, 'finished', clock.now()))) continue;
      this.#log.info('trip finished', { trip: trip.id, robot: trip.robotSerial });
      await this.#sendReturn(trip, view);
    }
    // A robot back at the hub with parcels still aboard (a finished trip, or a restart) empties them.
    for (const view of tracker.robots()) {
      if (view.loads.length === 0 || view.dispatchState !== 'idle_at_hub' || view.orderId?.endsWith('-ret')) continue;
      if (active.some((t) => t.robotSerial === view.serial && t.status !== 'finished' && view.orderId !== t.orderId)) continue;
      const trip = view.orderId === undefined ? undefined : await trips.byOrderId(view.orderId);
      if (trip !== undefined && trip.status === 'finished') await this.#sendReturn(trip, view);
    }
  }

  async #sendReturn(trip: TripRecord, view: RobotView): Promise<void> {
    const aboard = new Set(view.loads.map((l) => l.loadId).filter((id): id is string => id !== undefined));
    const parcels = trip.parcels.filter((p) => aboard.has(p.parcelId)).map((p) => ({ parcelId: p.parcelId, compartment: p.compartment }));
    if (parcels.length === 0) return;
    const { campus } = this.#o;
    const order = buildReturnOrder({
      orderId: `${trip.orderId}-ret`, mapId: campus.mapId, hub: campus.orderPlace(campus.hub.id)!, hubDeviationM: this.#o.hubRadiusM ?? 10, parcels,
    });
    try {
      await this.#o.tracker.sendOrder(trip.robotSerial, order);
      this.#m.orders.inc({ kind: 'return' });
      this.#log.info('return order sent', { trip: trip.id, robot: trip.robotSerial, parcels: parcels.length });
    } catch (e) {
      this.#log.error('sending a return order failed; retrying next round', { trip: trip.id, error: e });
    }
  }

  /** Offline/stale robots with a trip: after the timeout, shelf parcels are re-planned and aboard ones raise an alert. */
  async #handleFailures(active: readonly TripRecord[]): Promise<void> {
    const { tracker, config, clock, store } = this.#o;
    const now = clock.now();
    for (const trip of active) {
      const view = tracker.robot(trip.robotSerial);
      if (view === undefined) continue;
      const h = view.health;
      if (h.kind !== 'offline' && h.kind !== 'stale') continue;
      const parcels = (await Promise.all(trip.parcels.map((p) => this.#o.parcels.get(p.parcelId))))
        .filter((p): p is Parcel => p !== undefined && p.tripId === trip.id && CARRIED.has(p.status));
      const decision = replanAfterRobotFailure(
        { serial: trip.robotSerial, failedSinceMs: h.since, recoveredAtHub: false, parcels: parcels.map((p) => ({ id: p.id, stage: p.status as CarriedStage })) },
        now, config,
      );
      if (decision.kind === 'wait') continue;
      for (const id of decision.requeue) {
        await this.#apply(id, { type: 'unassign', reason: `robot ${trip.robotSerial} offline since ${new Date(h.since).toISOString()}` }, 'dispatch');
      }
      if (decision.awaitRecovery.length > 0) {
        await store.execute(
          `INSERT INTO alerts (id, robot_serial, parcel_id, kind, severity, message, raised_at) VALUES ($1, $2, NULL, 'robot_recovery', 'critical', $3, $4)
           ON CONFLICT DO NOTHING`,
          [`${trip.id}/recovery`, trip.robotSerial, `${trip.robotSerial} is offline with ${decision.awaitRecovery.length} parcel(s) aboard (${decision.awaitRecovery.join(', ')}); recover it to the hub`, now],
        );
      } else if (await this.#o.trips.end(store, trip.id, 'aborted', now)) {
        this.#log.warn('trip aborted: robot offline, parcels re-planned', { trip: trip.id, robot: trip.robotSerial, requeued: decision.requeue.length });
      }
    }
  }

  #dispatchRobot(view: RobotView, hasTrip: boolean): DispatchRobot {
    let state: RobotState = view.dispatchState;
    if (hasTrip || view.loads.length > 0) {
      if (state === 'idle_at_hub') state = 'on_trip';
    } else if (state === 'on_trip' && view.health.kind === 'online' && view.health.mode === 'idle' && this.#nearHub(view)) {
      // A robot just switched on at the hub has no last node yet; standing idle in the hub bay is what matters.
      state = 'idle_at_hub';
    }
    return {
      serial: view.serial, state, compartments: view.compartments, batteryPct: view.batteryPct ?? 100,
      energy: this.#o.energy ?? DEFAULT_ENERGY, ...(view.dockId === undefined ? {} : { dockId: view.dockId }),
    };
  }

  #nearHub(view: RobotView): boolean {
    const hub = this.#o.campus.orderPlace(this.#o.campus.hub.id)!;
    const p = view.position;
    return p !== undefined && Math.hypot(p.x - hub.x, p.y - hub.y) <= (this.#o.hubRadiusM ?? 10);
  }

  #onRobotChanged(view: RobotView): void {
    // An idle robot at the hub may take a trip, or end one: plan soon rather than at the next period.
    if (view.health.kind === 'online' && view.health.mode === 'idle') this.trigger();
  }

  #enqueue(job: () => Promise<void>): void {
    this.#events = this.#events.then(job).catch((e: unknown) => this.#log.error('applying a parcel event failed', { error: e }));
  }

  async #onParcelEvent(e: TrackedEvent): Promise<void> {
    const parcel = await this.#o.parcels.get(e.parcelId);
    if (parcel === undefined) {
      this.#m.events.inc({ kind: e.kind, outcome: 'unknown_parcel' });
      this.#log.warn('robot reported an unknown parcel', { robot: e.serial, parcel: e.parcelId, kind: e.kind });
      return;
    }
    const actor = `robot:${e.serial}`;
    switch (e.kind) {
      case 'loaded':
        await this.#apply(e.parcelId, { type: 'load' }, actor, e.kind);
        return;
      case 'load_failed':
        await this.#apply(e.parcelId, { type: 'unassign', reason: `loading failed: ${e.reason ?? 'unknown'}` }, actor, e.kind);
        return;
      case 'out_for_delivery':
        await this.#apply(e.parcelId, { type: 'depart', etaMs: await this.#eta(e) }, actor, e.kind);
        return;
      case 'awaiting_pickup':
        await this.#apply(e.parcelId, { type: 'arrive' }, actor, e.kind);
        return;
      case 'delivered':
        await this.#apply(e.parcelId, { type: 'code_verified', by: 'robot' }, actor, e.kind);
        return;
      case 'delivery_failed':
        await this.#apply(e.parcelId, { type: 'return', reason: 'unclaimed' }, actor, e.kind);
        return;
      case 'locked':
        await this.#apply(e.parcelId, { type: 'return', reason: 'code_locked' }, actor, e.kind);
        return;
      case 'returned':
        await this.#backOnShelf(parcel, actor);
        return;
      case 'return_failed':
        this.#m.events.inc({ kind: e.kind, outcome: 'logged' });
        this.#log.warn('robot could not return a parcel', { robot: e.serial, parcel: e.parcelId, reason: e.reason });
        return;
    }
  }

  /** A parcel is back at the hub: re-queued after the re-delivery delay, or kept as returned when attempts ran out. */
  async #backOnShelf(parcel: Parcel, actor: string): Promise<void> {
    const { store, overrides, config, clock } = this.#o;
    if (parcel.status === 'loaded') {
      await this.#apply(parcel.id, { type: 'unload', reason: 'returned to the hub undelivered' }, actor, 'returned');
      return;
    }
    if (parcel.status === 'out_for_delivery' || parcel.status === 'awaiting_pickup') {
      await this.#apply(parcel.id, { type: 'return', reason: 'dispatcher' }, actor, 'returned');
    } else if (parcel.status !== 'returned') {
      this.#m.events.inc({ kind: 'returned', outcome: 'ignored' });
      return;
    }
    const attempts = (await overrides.parcelOverrides(parcel.id))?.attempts ?? 0;
    const decision = handleUnclaimed({ id: parcel.id, attempts }, clock.now(), config);
    if (decision.kind === 'return_to_sender') {
      await overrides.setAttempts(store, parcel.id, decision.attempts, null);
      this.#log.info('parcel returned to sender after repeated failed deliveries', { parcel: parcel.id, attempts: decision.attempts });
      return;
    }
    const updated = await store.transaction(async (tx) => {
      await overrides.setAttempts(tx, parcel.id, decision.attempts, decision.readyAtMs);
      return this.#o.parcels.applyEventIn(tx, parcel.id, { type: 'requeue', reason: `re-delivery attempt ${decision.attempts + 1}` }, { actor });
    });
    this.#o.onParcelChanged?.(updated);
  }

  async #eta(e: TrackedEvent): Promise<number | undefined> {
    const trip = await this.#o.trips.byOrderId(e.orderId);
    const stop = trip?.stops.find((s) => s.parcelIds.includes(e.parcelId));
    const first = trip?.stops[0];
    if (trip === undefined || stop === undefined || first === undefined) return undefined;
    const toFirstMs = this.#o.campus.travel.travelTimeS(this.#o.campus.hub.id, first.place) * 1000;
    return Math.round(e.atMs + toFirstMs + (stop.etaMs - first.etaMs));
  }

  /** Applies one lifecycle event; an event the parcel has already seen (a replay after a restart) is a no-op. */
  async #apply(parcelId: string, event: LifecycleEvent, actor: string, kind: string = event.type): Promise<void> {
    try {
      const parcel = await this.#o.parcels.applyEvent(parcelId, event, { actor });
      this.#m.events.inc({ kind, outcome: 'applied' });
      this.#o.onParcelChanged?.(parcel);
      if (event.type === 'unassign' || event.type === 'requeue' || event.type === 'unload') this.trigger();
    } catch (e) {
      if (e instanceof ParcelTransitionError) {
        this.#m.events.inc({ kind, outcome: 'not_applicable' });
        this.#log.debug('parcel event does not apply', { parcel: parcelId, event: event.type, from: e.from });
        return;
      }
      throw e;
    }
  }

  async #announce(parcelId: string): Promise<void> {
    if (this.#o.onParcelChanged === undefined) return;
    const p = await this.#o.parcels.get(parcelId);
    if (p !== undefined) this.#o.onParcelChanged(p);
  }
}
