/**
 * The dispatch loop: on a Clock period (and soon after new parcels or an idle robot) it claims waiting parcels, plans
 * trips with fleet/dispatch, persists the trips and the `assign` events in ONE transaction, then sends each trip's
 * VDA 5050 order. It follows the tracker's parcel events through the lifecycle, sends undelivered parcels back to the
 * shelf with a return order, re-plans an offline robot's parcels after the timeout, and honours dispatcher overrides
 * (holds, pins, re-routes), which the planner sees because they live on the parcel and robot rows. Each round also
 * runs the charging policy over the campus's limited charging bays (occupancy in `dock_bays`), and empties a failed
 * robot's compartments once it is recovered to the hub, re-queuing those parcels with their original age.
 *
 * Nothing here is only in memory: a restarted loop re-registers the orders of trips in progress with the tracker and
 * sends any trip that was planned but not yet sent, so a crash loses no parcel and assigns none twice.
 */
import { randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../../clock/index.ts';
import type { CodeHash } from '../../protocol/index.ts';
import {
  EnergyCalibration, chargingPolicy, defaultChargingConfig, handleUnclaimed, planTrips, replanAfterRobotFailure,
  type CarriedStage, type ChargingConfig, type DispatchConfig, type DispatchRobot, type Dock, type EnergyModel, type RobotState, type WaitingParcel,
} from '../dispatch/index.ts';
import type { Logger, Metrics } from '../observability/index.ts';
import {
  ParcelNotFoundError, ParcelTransitionError, type AppliedParcelEvent, type Parcel, type ParcelEvent as LifecycleEvent, type ParcelService,
} from '../parcels/index.ts';
import type { Store } from '../store/index.ts';
import type { FleetTracker, ParcelEvent as TrackedEvent, RobotView } from '../tracking/index.ts';
import type { CampusModel } from './CampusModel.ts';
import { buildMoveOrder, buildReturnOrder, buildTripOrder, type OrderPlace } from './core/buildTripOrder.ts';
import { roundTriggerKey } from './core/roundTriggerKey.ts';
import { DockRepository, type BayOccupancy } from './repos/DockRepository.ts';
import type { OverrideRepository } from './repos/OverrideRepository.ts';
import type { TripRecord, TripRepository, TripSummary } from './repos/TripRepository.ts';

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
  /**
   * Each robot's own waiting spot at the hub (serial → position in the campus frame), off the footway: its trips,
   * returns and trips back from a charging bay end there, and a robot standing at it counts as at the hub even beyond
   * hubRadiusM. Spots must be distinct; a robot without one ends at the hub node as before. Default none (also
   * `setHubSpots`).
   */
  hubSpots?: ReadonlyMap<string, { x: number; y: number }>;
  /**
   * Each charging bay's own spot (bay id `<dock place id>/<n>` → position in the campus frame), beside the dock rather
   * than on its node, within the charger's reach: the order to a bay ends there (keeping the dock's node id, so the
   * robot still reports it reached the dock) and the order back starts there. Spots must be distinct; a bay without
   * one is the dock node as before. Default none (also `setDockBaySpots`).
   */
  dockBaySpots?: ReadonlyMap<string, { x: number; y: number }>;
  /** After a robot refuses a trip order, it gets no new trip for this long. Default 60 s. */
  rejectionCooldownMs?: number;
  /** Robot energy model for the planner's battery check. */
  energy?: EnergyModel;
  /** Most waiting parcels considered per round. Default 2,000. */
  maxClaim?: number;
  /**
   * Delay of the round after parcelsArrived(): parcels scanned in over a few seconds (a truck being unloaded) are
   * planned together, into fuller loads, instead of the first few going out alone. Default triggerDelayMs.
   */
  arrivalDelayMs?: number;
  /**
   * A plan that assigned nothing is not repeated for this long while the shelf (arrivals, re-queues, dispatcher
   * changes) and the robots available at the hub (serial and whole battery percent) stay the same: it would decide
   * the same, at the cost of claiming and planning the whole shelf again. 0 (default) plans every round.
   */
  fruitlessReplanMs?: number;
  /**
   * A parcel whose code locked out at the robot (too many wrong entries), once back at the hub: `requeue` (default)
   * goes out again under the attempt rule, with the same code; `hold` stays `returned` for the counter, where the
   * recipient proves who they are (or a dispatcher re-issues the code and re-queues it).
   */
  codeLockout?: 'requeue' | 'hold';
  /**
   * Returns to the sender at once (status `returned`, reason `trip_too_long` or `unreachable`) a waiting parcel the
   * planner says no trip can ever carry: its stop alone exceeds maxTripDurationS, or no path reaches it. Default false:
   * it stays on the shelf (and in every claim) until a dispatcher acts.
   */
  returnUndeliverable?: boolean;
  /** Told about each parcel change made here (for live updates). */
  onParcelChanged?: (parcel: Parcel) => void;
  /**
   * Asked before a robot's parcel event is applied; true: the event is handled there and skipped here (a hand-over
   * that a live re-route's cancelOrder failed is no failed delivery: fleet/server/LiveReroute.ts).
   */
  interceptParcelEvent?: (event: TrackedEvent) => Promise<boolean>;
  /** Charging bay occupancy; default a DockRepository over `store`. */
  docks?: DockRepository;
  /** Charging thresholds (fleet/dispatch chargingPolicy); default defaultChargingConfig. */
  charging?: Partial<ChargingConfig>;
  /**
   * Charging bays per dock place (the map marks the charging station, not each plug). Default
   * max(2, ceil(registered robots / (5 × dock places))), as the simulator's runDay.
   */
  baysPerDock?: number;
  /** A robot below this battery (%) that finds no free bay raises a critical `no_free_dock` alert. Default 15. */
  criticalBatteryPct?: number;
  /** Send robots to charge at all (false: batteries are someone else's business). Default true. */
  chargingEnabled?: boolean;
  /**
   * Makes trip (`T`), charging (`C`), unload (`L`) and home (`H`: a robot sent on to its hub spot) order ids; default `{prefix}-` and 48 CSPRNG bits. The simulator
   * passes a counter so a seeded day is reproducible (active trips are listed in id order).
   */
  newId?: (prefix: 'T' | 'C' | 'L' | 'H' | 'D') => string;
}

/** What a dispatcher's "robot recovered" did. */
export interface RecoveryResult {
  /** Trips of the robot that were awaiting (or are now marked for) recovery. */
  trips: string[];
  /** Parcels put back in the queue now (unloaded by hand). */
  requeued: string[];
  /** The robot will be emptied by a returnParcels order once it is online at the hub (parcels requeued then). */
  returnOrderPending: boolean;
}

const DEFAULT_ENERGY: EnergyModel = { capacityWh: 1000, whPerM: 0.05, idleW: 30 };

/** Instant actions are re-sent after this long without the robot showing their effect. */
const RESEND_AFTER_MS = 30_000;
/** A robot this far from its charging bay (on the bay's node) is sent on to it before startCharging, m. */
const BAY_REACH_M = 1.5;
/** After this many orders on to its bay, a robot still away from it is asked to start charging where it stands… */
const REDOCKS_BEFORE_CHARGING_ANYWAY = 2;
/** …this many times (30 s apart), before it is sent on to the bay again. */
const CHARGE_TRIES_AWAY_FROM_BAY = 4;

/** Parcel statuses that mean "aboard a robot" for the failure rule. */
/** VDA 5050 error types with which a robot refuses an order [VDA5050 §6.6.4.3]. */
const REFUSALS: ReadonlySet<string> = new Set(['orderError', 'validationError', 'orderUpdateError', 'noRouteError']);
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
  #rejectedUntil = new Map<string, number>();
  #hubSpots: ReadonlyMap<string, { x: number; y: number }>;
  #dockBaySpots: ReadonlyMap<string, { x: number; y: number }>;
  readonly #docks: DockRepository;
  readonly #newId: (prefix: 'T' | 'C' | 'L' | 'H' | 'D') => string;
  readonly #charging: ChargingConfig;
  /** serial → when startCharging / stopCharging / cancelOrder was last sent (throttles re-sends; lost on restart, harmlessly). */
  readonly #lastSent = new Map<string, number>();
  /** serial → the last return order sent to it and when (one entry per robot: #sendReturn). */
  readonly #returnSent = new Map<string, { orderId: string; atMs: number }>();
  /** serial → orders sent on to its bay while away from it (lost on restart, harmlessly). */
  readonly #redocks = new Map<string, number>();
  /** serial → what the robot looked like when last seen idle ('' when not idle), to trigger a round on a change only. */
  readonly #idleKey = new Map<string, string>();
  /** Bumped by every shelf change the loop hears of (arrivals, re-queues, dispatcher changes): see fruitlessReplanMs. */
  #shelfVersion = 0;
  /** The last plan that assigned nothing: what it saw, and until when it stands. */
  #fruitless: { key: string; untilMs: number } | undefined;
  /** Trips' real energy against their estimates, scaling the planner's energy margin. */
  readonly energyCalibration = new EnergyCalibration();

  constructor(options: DispatchLoopOptions) {
    this.#o = options;
    this.#hubSpots = options.hubSpots ?? new Map();
    this.#dockBaySpots = distinctSpots(options.dockBaySpots ?? new Map(), 'dockBaySpots', 'bay');
    this.#docks = options.docks ?? new DockRepository(options.store);
    this.#newId = options.newId ?? ((prefix) => `${prefix}-${randomBytes(6).toString('hex').toUpperCase()}`);
    this.#charging = { ...defaultChargingConfig, ...options.charging };
    // Thresholds out of order throw here (DispatchConfigError), at start-up, rather than in every round.
    chargingPolicy([], [], 0, this.#charging);
    this.#log = options.logger.child({ component: 'dispatch' });
    const m = options.metrics;
    this.#m = {
      rounds: m.counter('fleet_dispatch_rounds_total', 'Dispatch rounds run'),
      plans: m.counter('fleet_dispatch_plans_total', 'Planner runs over the claimed waiting parcels'),
      trips: m.counter('fleet_dispatch_trips_total', 'Trips planned'),
      planned: m.counter('fleet_dispatch_parcels_planned_total', 'Parcels assigned to trips'),
      orders: m.counter('fleet_dispatch_orders_sent_total', 'VDA 5050 orders sent', ['kind']),
      roundS: m.histogram('fleet_dispatch_round_seconds', 'Wall time of a dispatch round'),
      events: m.counter('fleet_dispatch_parcel_events_total', 'Robot parcel events applied', ['kind', 'outcome']),
      charging: m.counter('fleet_dispatch_charging_total', 'Charging decisions carried out', ['decision']),
      recovered: m.counter('fleet_dispatch_recovered_parcels_total', 'Parcels requeued after their robot was recovered'),
      rejected: m.counter('fleet_dispatch_orders_refused_total', 'Trip orders a robot refused (its parcels re-queued)'),
    };
  }

  /**
   * Gives each robot its own waiting spot at the hub (see DispatchLoopOptions.hubSpots), for callers that learn the
   * spots after the server started (the simulator places its robots then). Two robots on one spot throw.
   */
  setHubSpots(spots: ReadonlyMap<string, { x: number; y: number }>): void {
    this.#hubSpots = distinctSpots(spots, 'setHubSpots', 'robot');
  }

  /**
   * Gives each charging bay its own spot beside its dock (see DispatchLoopOptions.dockBaySpots), for callers that
   * learn them after the server started. Two bays on one spot throw.
   */
  setDockBaySpots(spots: ReadonlyMap<string, { x: number; y: number }>): void {
    this.#dockBaySpots = distinctSpots(spots, 'setDockBaySpots', 'bay');
  }

  /** Where a robot charges at a bay: the bay's own spot (the dock's node id, the spot's position), else the dock node. */
  #bayPlaceOf(bayId: string): OrderPlace | undefined {
    const dock = this.#o.campus.orderPlace(this.#dockPlaceOf(bayId));
    const spot = this.#dockBaySpots.get(bayId);
    return dock === undefined || spot === undefined ? dock : { ...dock, x: spot.x, y: spot.y };
  }

  /** Where a robot waits at the hub: its own spot (the hub's node id, the spot's position), else the hub itself. */
  #hubOf(serial: string): OrderPlace {
    const hub = this.#o.campus.orderPlace(this.#o.campus.hub.id)!;
    const spot = this.#hubSpots.get(serial);
    return spot === undefined ? hub : { ...hub, x: spot.x, y: spot.y };
  }

  /** How far from the hub node a robot may stand when an order starts there: the hub radius, or out to its spot. */
  #hubDeviationOf(serial: string): number {
    const r = this.#o.hubRadiusM ?? 10;
    const spot = this.#hubSpots.get(serial);
    if (spot === undefined) return r;
    const hub = this.#o.campus.orderPlace(this.#o.campus.hub.id)!;
    return Math.max(r, Math.hypot(spot.x - hub.x, spot.y - hub.y) + 2);
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
    this.#unsubscribe.push(this.#o.tracker.on('parcelEvents', (events) => this.#enqueue(() => this.#onParcelEvents(events))));
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

  /** New parcels are on the shelf: a round after arrivalDelayMs, which takes everything scanned in meanwhile. */
  parcelsArrived(): void {
    this.#shelfVersion++;
    // Only a robot free at the hub can take them now; one that becomes free triggers its own round (#onRobotChanged),
    // and the period covers the rest. Parcels arrive all day, so this saves a round for most arrivals.
    const { tracker } = this.#o;
    if (!tracker.robots().some((r) => this.#dispatchState(r, false) === 'idle_at_hub')) return;
    this.trigger(this.#o.arrivalDelayMs ?? this.#o.triggerDelayMs ?? 200);
  }

  /** Something about the waiting parcels changed outside the loop (a hold, a pin, a cancel): plan again soon. */
  shelfChanged(): void {
    this.#shelfVersion++;
    this.trigger();
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
    // Without order bodies: a round never reads them, and copying them out of the store every round was its main cost.
    const active = await this.#o.trips.activeSummaries();
    await this.#finishTrips(active);
    await this.#sendStrandedHome(active);
    await this.#handleRejections(active);
    await this.#handleFailures(active);
    await this.#recoverTrips(active);
    await this.#sendPlanned(active.filter((t) => t.status === 'planned'));
    const offLimits = await this.#charge(active);
    const created = await this.#plan(offLimits);
    await this.#sendPlanned(created);
    this.#m.roundS.observe((performance.now() - started) / 1000);
  }

  /** Plans waiting parcels onto available robots and commits trips + assignments atomically. */
  async #plan(offLimits: ReadonlySet<string>): Promise<TripRecord[]> {
    const { store, trips, overrides, tracker, campus, config, clock } = this.#o;
    // Most rounds find no robot free at the hub (they run for a robot reaching a stop, a bay…): nothing to ask the store.
    if (!tracker.robots().some((r) => !offLimits.has(r.serial) && this.#dispatchState(r, false) === 'idle_at_hub')) return [];
    const busy = new Set(await trips.activeRobotSerials());
    // Robots on, going to or queued for a charging bay take no trip: the planner sees them as charging.
    const now0 = clock.now();
    // A robot that just refused an order sits out a cool-down, so a persistent refusal cannot loop plan → reject.
    const coolingDown = (serial: string) => (this.#rejectedUntil.get(serial) ?? 0) > now0;
    const robots = tracker.robots().map((r) => offLimits.has(r.serial) ? { ...this.#dispatchRobot(r, true), state: 'charging' as const }
      : this.#dispatchRobot(r, busy.has(r.serial) || coolingDown(r.serial)));
    if (!robots.some((r) => r.state === 'idle_at_hub')) return [];
    // The same shelf and the same robots as a plan that assigned nothing a moment ago: it would assign nothing again.
    const fruitlessMs = this.#o.fruitlessReplanMs ?? 0;
    const key = `${this.#shelfVersion}|${robots.filter((r) => r.state === 'idle_at_hub').map((r) => `${r.serial}:${Math.floor(r.batteryPct)}`).join(',')}`;
    if (fruitlessMs > 0 && this.#fruitless?.key === key && now0 < this.#fruitless.untilMs) return [];
    const routeOverrides: Record<string, string[]> = {};
    for (const o of await overrides.robotOverrides()) if (o.route !== null && o.route.length > 0) routeOverrides[o.serial] = o.route;
    const created: TripRecord[] = [];
    const measured: Array<{ id: string; serial: string; energyWh: number }> = [];
    // Trips have used more than their estimates on a crowded campus: the margin grows with what finished trips used.
    const factor = this.energyCalibration.factor;
    const planConfig = factor === 1 ? config : { ...config, energyMarginFactor: config.energyMarginFactor * factor };
    // The parcels as the transaction left them, told to onParcelChanged once it commits (no second read of each).
    const assigned: Parcel[] = [];
    const undeliverable: Parcel[] = [];
    await store.transaction(async (tx) => {
      const waiting: readonly WaitingParcel[] = await trips.claimWaiting(tx, this.#o.maxClaim ?? 2000);
      if (waiting.length === 0) return;
      const now = clock.now();
      // The round reads only the undeliverable reasons: no list of the thousands of parcels left over capacity.
      const plan = planTrips({ nowMs: now, parcels: waiting, robots, travel: campus.travel }, planConfig, { routeOverrides, reportNoCapacity: false });
      this.#m.plans.inc();
      this.#fruitless = plan.trips.length === 0 ? { key, untilMs: now + fruitlessMs } : undefined;
      if (this.#o.returnUndeliverable === true) {
        for (const u of plan.unassigned) {
          if (u.reason.kind !== 'trip_too_long' && u.reason.kind !== 'unreachable') continue;
          undeliverable.push(await this.#o.parcels.applyEventIn(tx, u.parcelId, { type: 'return', reason: u.reason.kind }, { actor: 'dispatch' }));
          this.#log.warn('parcel returned to sender: no trip can carry it', { parcel: u.parcelId, reason: u.reason });
        }
      }
      for (const trip of plan.trips) {
        const id = this.#newId('T');
        const record: TripRecord = {
          id, robotSerial: trip.robot, status: 'planned', orderId: id, orderUpdateId: 0, stops: trip.stops,
          // The planner numbers compartments from 1; VDA 5050 delivery actions from 0.
          parcels: trip.parcels.map((p) => ({ parcelId: p.parcelId, compartment: p.compartment - 1, place: p.place })),
          order: null, createdAtMs: now, startedAtMs: null, finishedAtMs: null,
        };
        await trips.insert(tx, record);
        measured.push({ id, serial: trip.robot, energyWh: trip.energyWh });
        const assigns = trip.parcels.map((p) => ({
          parcelId: p.parcelId, event: { type: 'assign', robotSerial: trip.robot, tripId: id } as const, options: { actor: 'dispatch' },
        }));
        assigned.push(...(await this.#o.parcels.applyEventsIn(tx, assigns)));
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
    // After the commit: a rolled-back plan's trips never start.
    for (const t of measured) {
      const r = robots.find((x) => x.serial === t.serial);
      if (r?.state === 'idle_at_hub') this.energyCalibration.tripStarted(t.id, t.serial, t.energyWh, r.batteryPct, r.energy.capacityWh);
    }
    this.#m.planned.inc({}, created.reduce((n, t) => n + t.parcels.length, 0));
    for (const p of assigned) this.#o.onParcelChanged?.(p);
    for (const p of undeliverable) this.#o.onParcelChanged?.(p);
    return created;
  }

  /** Builds and sends the order of each planned trip; a failed send stays planned and is retried next round. */
  async #sendPlanned(planned: readonly TripSummary[]): Promise<void> {
    const { campus, tracker, trips, clock } = this.#o;
    for (const trip of planned) {
      try {
        const hashes = await this.#o.parcels.codeHashes(trip.parcels.map((p) => p.parcelId));
        const codes = new Map<string, CodeHash>([...hashes].map(([id, h]) => [id, h.hash]));
        const hub = campus.orderPlace(campus.hub.id)!;
        const order = buildTripOrder({
          orderId: trip.orderId, mapId: campus.mapId, hub, codes, hubDeviationM: this.#hubDeviationOf(trip.robotSerial),
          ...(this.#hubSpots.has(trip.robotSerial) ? { end: this.#hubOf(trip.robotSerial) } : {}),
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
  async #finishTrips(active: readonly TripSummary[]): Promise<void> {
    const { tracker, trips, clock } = this.#o;
    for (const trip of active) {
      if (trip.status !== 'sent') continue;
      const view = tracker.robot(trip.robotSerial);
      if (view === undefined || view.orderId !== trip.orderId) continue;
      const stranded = view.dispatchState !== 'idle_at_hub' && this.#stranded(view);
      if (view.dispatchState !== 'idle_at_hub' && !stranded) continue;
      // A trip whose robot failed and came back by itself ends aborted; #backOnShelf requeues what comes off it.
      const recovered = trip.recoverySinceMs != null;
      if (!(await trips.end(this.#o.store, trip.id, recovered ? 'aborted' : 'finished', clock.now()))) continue;
      if (recovered) await this.#clearAlert(`${trip.id}/recovery`, clock.now());
      this.#log.info(recovered ? 'trip of a recovered robot ended' : 'trip finished', { trip: trip.id, robot: trip.robotSerial });
      if (recovered) this.energyCalibration.forget(trip.id);
      else if (view.batteryPct !== undefined) {
        const ratio = this.energyCalibration.tripEnded(trip.id, view.batteryPct);
        if (ratio !== undefined) this.#log.info('trip energy measured', { trip: trip.id, robot: trip.robotSerial, usedOverEstimate: ratio, marginFactor: this.energyCalibration.factor });
      }
      // Stranded: on to its spot first; what is aboard comes off there (the robots-back-with-parcels step below).
      if (stranded) await this.#sendHome(view);
      else await this.#sendReturn(trip, view);
    }
    // A robot back at the hub with parcels still aboard (a finished trip, or a restart) empties them.
    let activeBySerial: Map<string, TripSummary[]> | undefined;
    for (const view of tracker.robots()) {
      if (view.loads.length === 0 || view.dispatchState !== 'idle_at_hub' || view.orderId?.endsWith('-ret')) continue;
      activeBySerial ??= groupBySerial(active);
      if ((activeBySerial.get(view.serial) ?? []).some((t) => t.status !== 'finished' && view.orderId !== t.orderId)) continue;
      // After a trip that ended stranded the robot came here on a home order: what is aboard is its last trip's.
      const trip = view.orderId === undefined ? undefined
        : (await trips.byOrderId(view.orderId)) ?? (await trips.recent(1, view.serial))[0];
      if (trip !== undefined && trip.status === 'finished') await this.#sendReturn(trip, view);
    }
  }

  /**
   * A robot whose order ended at the hub's node but which stands neither at its own spot nor within hubRadiusM of
   * the hub: it stopped short (a robot counts a goal it cannot reach for others in the way as reached within its
   * tolerance) and now waits on a footway, where it blocks the robots passing and, never counted at the hub, gets
   * no trip and no charge. In the simulator's 60-robot day one stood 14.5 m from the hub at 5 % battery, and robots
   * queued behind it for up to 20 h.
   */
  #stranded(view: RobotView): boolean {
    return view.health.kind === 'online' && view.health.mode === 'idle' && view.driving !== true && view.charging !== true
      && view.lastNodeId === this.#o.campus.hubNodeId && view.position !== undefined && !this.#nearHub(view);
  }

  /** Sends each stranded robot (#stranded) without a trip on to its spot at the hub. */
  async #sendStrandedHome(active: readonly TripSummary[]): Promise<void> {
    const onTrip = new Set(active.map((t) => t.robotSerial));
    for (const view of this.#o.tracker.robots()) if (!onTrip.has(view.serial) && this.#stranded(view)) await this.#sendHome(view);
  }

  /** An order from where the robot stands to its spot at the hub; at most once per resend period. */
  async #sendHome(view: RobotView): Promise<void> {
    const { tracker, campus, clock } = this.#o;
    if (view.position === undefined || !this.#due(`home:${view.serial}`, clock.now())) return;
    const hub = campus.orderPlace(campus.hub.id)!;
    const here = { ...hub, x: view.position.x, y: view.position.y };
    const orderId = this.#newId('H');
    try {
      await tracker.sendOrder(view.serial, buildMoveOrder({ orderId, mapId: campus.mapId, from: here, to: this.#hubOf(view.serial), fromDeviationM: 2 }));
      this.#m.orders.inc({ kind: 'home' });
      this.#log.warn('robot stopped short of the hub on a footway; sent on to its spot', { robot: view.serial, position: view.position });
    } catch (e) {
      this.#log.error('sending a robot on to its hub spot failed; retrying', { robot: view.serial, error: e });
    }
  }

  /** How far the robot stands from its bay (0 when it has not reported a position). */
  #offBayM(view: RobotView, bay: OrderPlace): number {
    return view.position === undefined ? 0 : Math.hypot(view.position.x - bay.x, view.position.y - bay.y);
  }

  /** A robot on its bay's node but away from the bay: a move order from where it stands onto the bay. */
  async #sendOnToBay(view: RobotView, bay: OrderPlace, offM: number): Promise<void> {
    const { tracker, campus } = this.#o;
    if (view.position === undefined) return;
    const here = { ...bay, x: view.position.x, y: view.position.y };
    this.#redocks.set(view.serial, (this.#redocks.get(view.serial) ?? 0) + 1);
    try {
      await tracker.sendOrder(view.serial, buildMoveOrder({ orderId: this.#newId('D'), mapId: campus.mapId, from: here, to: bay, fromDeviationM: 2 }));
      this.#m.orders.inc({ kind: 'to_dock' });
      this.#log.warn('robot stopped short of its charging bay; sent on to it', { robot: view.serial, offM, position: view.position });
    } catch (e) {
      this.#log.error('sending a robot on to its charging bay failed; retrying', { robot: view.serial, error: e });
    }
  }

  /**
   * The return order of a finished trip, once per resend period: the robot's state shows it running only after a
   * round trip over the network, and until then the trip's robot still looks back at the hub with parcels aboard.
   */
  async #sendReturn(trip: TripSummary, view: RobotView): Promise<void> {
    const aboard = new Set(view.loads.map((l) => l.loadId).filter((id): id is string => id !== undefined));
    const parcels = trip.parcels.filter((p) => aboard.has(p.parcelId)).map((p) => ({ parcelId: p.parcelId, compartment: p.compartment }));
    if (parcels.length === 0) return;
    const { campus, clock } = this.#o;
    const orderId = `${trip.orderId}-ret`;
    const now = clock.now();
    const last = this.#returnSent.get(trip.robotSerial);
    if (last?.orderId === orderId && now - last.atMs < RESEND_AFTER_MS) return;
    const order = buildReturnOrder({
      orderId, mapId: campus.mapId, hub: this.#hubOf(trip.robotSerial), hubDeviationM: this.#hubDeviationOf(trip.robotSerial), parcels,
    });
    try {
      await this.#o.tracker.sendOrder(trip.robotSerial, order);
      this.#returnSent.set(trip.robotSerial, { orderId, atMs: now });
      this.#m.orders.inc({ kind: 'return' });
      this.#log.info('return order sent', { trip: trip.id, robot: trip.robotSerial, parcels: parcels.length });
    } catch (e) {
      this.#log.error('sending a return order failed; retrying next round', { trip: trip.id, error: e });
    }
  }

  /**
   * A robot that refused a trip's order [VDA5050 §6.6.4.3: it reports an orderError/validationError naming the
   * order] never started it: the trip ends aborted and its parcels go straight back to the queue, keeping their age.
   */
  async #handleRejections(active: readonly TripSummary[]): Promise<void> {
    const { tracker, trips, store, clock } = this.#o;
    const now = clock.now();
    for (const trip of active) {
      if (trip.status !== 'sent') continue;
      const view = tracker.robot(trip.robotSerial);
      if (view === undefined || view.orderId === trip.orderId) continue;
      const refusal = view.errors.find((e) => REFUSALS.has(e.errorType) &&
        (e.errorReferences ?? []).some((r) => r.referenceKey === 'orderId' && r.referenceValue === trip.orderId));
      if (refusal === undefined) continue;
      if (!(await trips.end(store, trip.id, 'aborted', now))) continue;
      for (const p of trip.parcels) {
        await this.#apply(p.parcelId, { type: 'unassign', reason: `robot ${trip.robotSerial} refused order ${trip.orderId}: ${refusal.errorType}` }, 'dispatch');
      }
      this.#rejectedUntil.set(trip.robotSerial, now + (this.#o.rejectionCooldownMs ?? 60_000));
      this.#m.rejected.inc();
      this.#log.warn('robot refused a trip order; parcels re-queued', {
        trip: trip.id, robot: trip.robotSerial, errorType: refusal.errorType, description: refusal.errorDescription,
      });
    }
  }

  /** Offline/stale robots with a trip: after the timeout, shelf parcels are re-planned and aboard ones raise an alert. */
  async #handleFailures(active: readonly TripSummary[]): Promise<void> {
    const { tracker, config, clock, store } = this.#o;
    const now = clock.now();
    for (const trip of active) {
      // Already handled: its shelf parcels went back to the queue, the rest wait for the robot (#recoverTrips).
      if (trip.recoverySinceMs != null) continue;
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
          [`${trip.id}/recovery`, trip.robotSerial, `${trip.robotSerial} is offline with ${decision.awaitRecovery.length} parcel(s) aboard (${decision.awaitRecovery.join(', ')}); ` +
            `recover it to the hub (they are unloaded and re-queued when it is back online there, or POST /api/robots/${trip.robotSerial}/recovered)`, now],
        );
        await this.#o.trips.markAwaitingRecovery(store, trip.id, now);
        this.#log.warn('robot failed with parcels aboard; awaiting recovery', { trip: trip.id, robot: trip.robotSerial, aboard: decision.awaitRecovery.length });
      } else if (await this.#o.trips.end(store, trip.id, 'aborted', now)) {
        this.#log.warn('trip aborted: robot offline, parcels re-planned', { trip: trip.id, robot: trip.robotSerial, requeued: decision.requeue.length });
      }
    }
  }

  /**
   * A dispatcher reports the robot back at the hub (POST /api/robots/:serial/recovered). Its trips in progress are
   * marked recovered; with `unloadedByHand` (someone emptied it, e.g. it cannot be switched on) the parcels still on
   * the trip are re-queued at once, otherwise the next round empties it with a returnParcels order once it is online,
   * and the parcels are re-queued as they come off, keeping their age either way.
   */
  async recoverRobot(serial: string, options: { unloadedByHand?: boolean; by?: string } = {}): Promise<RecoveryResult> {
    const { trips, store, clock } = this.#o;
    const now = clock.now();
    const mine = (await trips.active()).filter((t) => t.robotSerial === serial && t.status === 'sent');
    const result: RecoveryResult = { trips: mine.map((t) => t.id), requeued: [], returnOrderPending: false };
    const actor = options.by === undefined ? 'dispatcher' : `dispatcher:${options.by}`;
    for (const trip of mine) {
      await trips.markRecovered(store, trip.id, now);
      if (!options.unloadedByHand) continue;
      for (const p of trip.parcels) {
        const parcel = await this.#o.parcels.get(p.parcelId);
        if (parcel !== undefined && parcel.tripId === trip.id && (await this.#requeueRecovered(parcel, actor))) result.requeued.push(p.parcelId);
      }
      await trips.end(store, trip.id, 'aborted', now);
      await this.#clearAlert(`${trip.id}/recovery`, now);
      this.#log.info('robot recovered; parcels unloaded by hand and re-queued', { trip: trip.id, robot: serial, requeued: result.requeued.length });
    }
    result.returnOrderPending = !options.unloadedByHand && mine.length > 0;
    if (result.returnOrderPending) this.trigger(0);
    return result;
  }

  /**
   * Trips awaiting recovery whose robot is back (online at the hub, or reported there by a dispatcher): an order
   * still in progress is cancelled first; then what is aboard goes back to the shelf (returnParcels), and each parcel
   * is re-queued as the robot reports it off (#backOnShelf). The trip ends `aborted`.
   */
  async #recoverTrips(active: readonly TripSummary[]): Promise<void> {
    const { tracker, trips, store, clock } = this.#o;
    const now = clock.now();
    for (const trip of active) {
      if (trip.status !== 'sent' || trip.recoverySinceMs == null) continue;
      const view = tracker.robot(trip.robotSerial);
      if (view === undefined || view.health.kind !== 'online') continue;
      if (trip.recoveredAtMs == null && !this.#nearHub(view)) continue;
      const busy = view.driving === true || view.actionStates.some((a) => a.actionStatus !== 'FINISHED' && a.actionStatus !== 'FAILED');
      if (busy) {
        // The robot still runs the failed trip's order: cancel it (parcels stay aboard), unload next round.
        if (this.#due(`cancel:${view.serial}`, now)) {
          await this.#instant(view.serial, 'cancelOrder');
        }
        continue;
      }
      await this.#sendReturn(trip, view);
      if (await trips.end(store, trip.id, 'aborted', now)) {
        await this.#clearAlert(`${trip.id}/recovery`, now);
        this.#log.info('robot recovered at the hub; unloading its parcels', { trip: trip.id, robot: trip.robotSerial, aboard: view.loads.length });
      }
    }
  }

  async #clearAlert(id: string, nowMs: number): Promise<void> {
    await this.#o.store.execute('UPDATE alerts SET cleared_at = $1 WHERE id = $2 AND cleared_at IS NULL', [nowMs, id]);
  }

  /** True (and remembers now) when `key` was never sent or last sent RESEND_AFTER_MS ago. */
  #due(key: string, nowMs: number): boolean {
    const last = this.#lastSent.get(key);
    if (last !== undefined && nowMs - last < RESEND_AFTER_MS) return false;
    this.#lastSent.set(key, nowMs);
    return true;
  }

  async #instant(serial: string, type: 'startCharging' | 'stopCharging' | 'cancelOrder'): Promise<void> {
    try {
      const { confirmation } = await this.#o.tracker.sendInstantAction(serial, type);
      void confirmation.then((c) => {
        if (c.status !== 'FINISHED') this.#log.warn('instant action not confirmed', { robot: serial, action: type, status: c.status });
      });
    } catch (e) {
      this.#log.error('sending an instant action failed; retrying later', { robot: serial, action: type, error: e });
    }
  }

  /** The charging bays: `<dock place id>/<n>`, baysPerDock of them at each dock place. */
  #bays(): { id: string; dockPlaceId: string }[] {
    const docks = this.#o.campus.docks;
    if (docks.length === 0) return [];
    const perDock = this.#o.baysPerDock ?? Math.max(2, Math.ceil(this.#o.tracker.robots().length / (5 * docks.length)));
    return docks.flatMap((d) => Array.from({ length: perDock }, (_, k) => ({ id: `${d.id}/${k + 1}`, dockPlaceId: d.id })));
  }

  #dockPlaceOf(bayId: string): string {
    return bayId.slice(0, bayId.lastIndexOf('/'));
  }

  /**
   * One charging step per round, all state in `dock_bays`: robots that reached their bay start charging, robots told
   * to leave drive back once they stopped charging; then chargingPolicy decides who goes to which free bay and who
   * leaves. Returns the robots the planner must leave alone (on, going to, leaving or queued for a bay).
   */
  async #charge(active: readonly TripSummary[]): Promise<Set<string>> {
    const { tracker, clock, campus, store, overrides, trips } = this.#o;
    const offLimits = new Set<string>();
    if (this.#o.chargingEnabled === false || campus.docks.length === 0) return offLimits;
    const now = clock.now();
    const hub = campus.orderPlace(campus.hub.id)!;
    const deviationM = this.#o.hubRadiusM ?? 10;
    const forced = new Set((await overrides.robotOverrides()).filter((o) => o.forceCharge).map((o) => o.serial));

    const before = await this.#docks.list();
    // The occupancy is read again below only if this loop wrote to it (most rounds it does not).
    let wrote = false;
    for (const bay of before) {
      offLimits.add(bay.robotSerial);
      const view = tracker.robot(bay.robotSerial);
      if (view === undefined) {
        wrote = true;
        await this.#docks.release(store, bay.robotSerial);
        continue;
      }
      if (view.health.kind !== 'online') continue;
      const dock = this.#bayPlaceOf(bay.bayId);
      if (dock === undefined) {
        wrote = true;
        await this.#docks.release(store, bay.robotSerial);
        continue;
      }
      const idle = view.health.mode === 'idle' && view.driving !== true;
      if (bay.status === 'to_dock') {
        if (view.orderId === bay.orderId && view.lastNodeId === dock.nodeId && idle) {
          const offM = this.#offBayM(view, dock);
          if (offM > BAY_REACH_M) {
            this.#lastSent.set(`redock:${view.serial}`, now);
            await this.#sendOnToBay(view, dock, offM);
          } else {
            this.#lastSent.set(`charge:${view.serial}`, now);
            await this.#instant(view.serial, 'startCharging');
          }
          wrote = true;
          await this.#docks.setStatus(store, view.serial, 'charging', now);
          this.#m.charging.inc({ decision: 'docked' });
          this.#log.info('robot at its charging bay; charging', { robot: view.serial, bay: bay.bayId, batteryPct: view.batteryPct });
        } else if (view.orderId !== bay.orderId && idle && now - bay.reservedAtMs > 60_000) {
          // The order to the bay never reached the robot (or it was replaced): give the bay back, decide again.
          wrote = true;
          await this.#docks.release(store, view.serial);
          offLimits.delete(view.serial);
        }
      } else if (bay.status === 'charging') {
        if (view.charging !== true && idle && view.lastNodeId === dock.nodeId) {
          // Stopped short of the bay (its way blocked a while; a robot counts a blocked goal within a few metres as
          // reached): its charger may be out of reach, and startCharging fails every time. In the 60-robot day
          // (issue #5) R13 stood 19 h short of dock-2/4, the fleet re-sending startCharging, and ran flat. On to the
          // bay; when two tries have not brought it there, startCharging where it stands a few times (a charger may
          // reach that far; not in the same round as an order, which a robot refuses to charge during), then the bay
          // again.
          const offM = this.#offBayM(view, dock);
          const tries = this.#redocks.get(view.serial) ?? 0;
          if (offM <= BAY_REACH_M) {
            this.#redocks.delete(view.serial);
            if (this.#due(`charge:${view.serial}`, now)) await this.#instant(view.serial, 'startCharging');
          } else if (tries < REDOCKS_BEFORE_CHARGING_ANYWAY) {
            if (this.#due(`redock:${view.serial}`, now)) await this.#sendOnToBay(view, dock, offM);
          } else if (this.#due(`charge:${view.serial}`, now)) {
            await this.#instant(view.serial, 'startCharging');
            this.#redocks.set(view.serial, tries + 1 >= REDOCKS_BEFORE_CHARGING_ANYWAY + CHARGE_TRIES_AWAY_FROM_BAY ? 0 : tries + 1);
          }
        }
        if (forced.has(view.serial) && (view.batteryPct ?? 0) >= this.#charging.chargedPct) {
          // A forced charge ends when the robot is full; until then chargingPolicy keeps it on the bay.
          await overrides.setForceCharge(view.serial, false, now);
          forced.delete(view.serial);
        }
      } else if (view.charging === true) {
        if (this.#due(`uncharge:${view.serial}`, now)) await this.#instant(view.serial, 'stopCharging');
      } else {
        const orderId = this.#newId('L');
        try {
          await tracker.sendOrder(view.serial, buildMoveOrder({ orderId, mapId: campus.mapId, from: dock, to: this.#hubOf(view.serial), fromDeviationM: deviationM }));
          wrote = true;
          await this.#docks.release(store, view.serial);
          this.#m.orders.inc({ kind: 'from_dock' });
          this.#log.info('robot leaves its charging bay', { robot: view.serial, bay: bay.bayId, batteryPct: view.batteryPct });
        } catch (e) {
          this.#log.error('sending the order back from the bay failed; retrying next round', { robot: view.serial, error: e });
        }
      }
    }

    const occupancy = wrote ? await this.#docks.list() : before;
    const byRobot = new Map<string, BayOccupancy>(occupancy.map((b) => [b.robotSerial, b]));
    const bays = this.#bays();
    const docks: Dock[] = bays.map((b) => {
      const who = occupancy.find((o) => o.bayId === b.id)?.robotSerial;
      return who === undefined ? { id: b.id } : { id: b.id, occupiedBy: who };
    });
    // A bay that is no longer in the layout (fewer bays configured) stays taken until its robot leaves.
    for (const o of occupancy) if (!bays.some((b) => b.id === o.bayId)) docks.push({ id: o.bayId, occupiedBy: o.robotSerial });
    const busy = new Set(active.map((t) => t.robotSerial));
    const robots: DispatchRobot[] = tracker.robots().map((view) => {
      const base = this.#dispatchRobot(view, busy.has(view.serial));
      const bay = byRobot.get(view.serial);
      if (bay === undefined) return base;
      if (bay.status !== 'charging') return { ...base, state: 'on_trip' };
      return { ...base, state: 'charging', dockId: bay.bayId, ...(bay.dockedAtMs === null ? {} : { dockedAtMs: bay.dockedAtMs }) };
    });
    const freeCompartments = robots.filter((r) => r.state === 'idle_at_hub').reduce((n, r) => n + r.compartments, 0);
    // Demand only matters to a robot on a bay (leave early when parcels pile up): no count of the shelf otherwise.
    const demandHigh = robots.some((r) => r.state === 'charging') && (await trips.hasMoreWaitingThan(freeCompartments));
    const decisions = chargingPolicy(robots, docks, now, this.#charging, { demandHigh, forceCharge: [...forced] });

    const critical = this.#o.criticalBatteryPct ?? 15;
    for (const d of decisions) {
      const view = tracker.robot(d.serial);
      if (view === undefined) continue;
      if (d.kind === 'leave_dock') {
        this.#lastSent.set(`uncharge:${d.serial}`, now);
        await this.#instant(d.serial, 'stopCharging');
        await this.#docks.setStatus(store, d.serial, 'leaving');
        this.#m.charging.inc({ decision: `leave_${d.reason}` });
        this.#log.info('robot to leave its charging bay', { robot: d.serial, bay: d.dockId, reason: d.reason, batteryPct: view.batteryPct });
      } else if (d.kind === 'go_to_dock') {
        // chargingPolicy also sends a forced, paused robot; it moves once resumed, so wait for that.
        if (view.health.kind !== 'online' || robots.find((r) => r.serial === d.serial)?.state !== 'idle_at_hub') {
          offLimits.add(d.serial);
          continue;
        }
        const dock = this.#bayPlaceOf(d.dockId)!;
        const orderId = this.#newId('C');
        if (!(await this.#docks.reserve(store, d.dockId, d.serial, orderId, now))) continue;
        offLimits.add(d.serial);
        try {
          await tracker.sendOrder(d.serial, buildMoveOrder({ orderId, mapId: campus.mapId, from: hub, to: dock, fromDeviationM: Math.max(deviationM, this.#hubDeviationOf(d.serial)) }));
          this.#m.orders.inc({ kind: 'to_dock' });
          this.#m.charging.inc({ decision: 'go_to_dock' });
          await store.execute("UPDATE alerts SET cleared_at = $1 WHERE kind = 'no_free_dock' AND robot_serial = $2 AND cleared_at IS NULL", [now, d.serial]);
          this.#log.info('robot sent to charge', { robot: d.serial, bay: d.dockId, batteryPct: view.batteryPct, forced: forced.has(d.serial) });
        } catch (e) {
          await this.#docks.release(store, d.serial);
          this.#log.error('sending a robot to its bay failed; deciding again next round', { robot: d.serial, error: e });
        }
      } else {
        // Queued: it must charge (low, or forced), so it takes no trip while it waits for a bay.
        offLimits.add(d.serial);
        const pct = view.batteryPct ?? 0;
        if (pct < critical) await this.#raiseNoDock(d.serial, pct, d.position, now);
      }
    }
    return offLimits;
  }

  async #raiseNoDock(serial: string, batteryPct: number, position: number, nowMs: number): Promise<void> {
    const { store } = this.#o;
    const open = await store.query("SELECT id FROM alerts WHERE kind = 'no_free_dock' AND robot_serial = $1 AND cleared_at IS NULL", [serial]);
    if (open.length > 0) return;
    await store.execute(
      `INSERT INTO alerts (id, robot_serial, parcel_id, kind, severity, message, raised_at) VALUES ($1, $2, NULL, 'no_free_dock', 'critical', $3, $4)
       ON CONFLICT DO NOTHING`,
      [`no-dock/${serial}/${nowMs}`, serial, `${serial} is at ${batteryPct.toFixed(0)} % battery and every charging bay is taken (queue position ${position}); free a bay or charge it by hand`, nowMs],
    );
    this.#log.warn('robot critically low and no charging bay free', { robot: serial, batteryPct, position });
  }

  #dispatchRobot(view: RobotView, hasTrip: boolean): DispatchRobot {
    const state = this.#dispatchState(view, hasTrip);
    return {
      serial: view.serial, state, compartments: view.compartments, batteryPct: view.batteryPct ?? 100,
      energy: this.#o.energy ?? DEFAULT_ENERGY, ...(view.dockId === undefined ? {} : { dockId: view.dockId }),
    };
  }

  /** The robot's state as the planner sees it (#dispatchRobot's `state`, without building the rest). */
  #dispatchState(view: RobotView, hasTrip: boolean): RobotState {
    const state: RobotState = view.dispatchState;
    if (hasTrip || view.loads.length > 0) return state === 'idle_at_hub' ? 'on_trip' : state;
    // Short of the hub on a footway (its last node is the hub's): not there until it stands at its spot; a trip sent
    // in the round that sends it on would be refused, the robot being busy with that order.
    if (state === 'idle_at_hub' && this.#stranded(view)) return 'on_trip';
    if (state === 'on_trip' && view.health.kind === 'online' && view.health.mode === 'idle' && this.#nearHub(view)) {
      // A robot just switched on at the hub has no last node yet; standing idle in the hub bay is what matters.
      return 'idle_at_hub';
    }
    return state;
  }

  #nearHub(view: RobotView): boolean {
    const hub = this.#o.campus.orderPlace(this.#o.campus.hub.id)!;
    const p = view.position;
    if (p === undefined) return false;
    const spot = this.#hubSpots.get(view.serial);
    // At its own spot counts as at the hub, wherever the spot lies (spots of a large fleet reach past hubRadiusM).
    if (spot !== undefined && Math.hypot(p.x - spot.x, p.y - spot.y) <= 2) return true;
    return Math.hypot(p.x - hub.x, p.y - hub.y) <= (this.#o.hubRadiusM ?? 10);
  }

  #onRobotChanged(view: RobotView): void {
    // A robot that has just become idle (at the hub, at a bay, after an order) may take a trip, end one or start
    // charging: plan soon rather than at the next period. Only on the change: idle robots report state every second,
    // and a round per report would keep a 60-robot fleet planning non-stop.
    const key = roundTriggerKey(view);
    if (this.#idleKey.get(view.serial) === key) return;
    this.#idleKey.set(view.serial, key);
    if (key !== '') this.trigger();
  }

  #enqueue(job: () => Promise<void>): void {
    this.#events = this.#events.then(job).catch((e: unknown) => this.#log.error('applying a parcel event failed', { error: e }));
  }

  /**
   * The parcel events of one robot state, in order. The lifecycle events they map to go to the parcel service in one
   * transaction (ParcelService.applyEvents); an event whose handling reads the store first (a return, a hand-over a
   * re-route may have cancelled) is handled on its own, after what came before it is applied.
   */
  async #onParcelEvents(events: readonly TrackedEvent[]): Promise<void> {
    let batch: Array<{ parcelId: string; event: LifecycleEvent; actor: string; kind: string }> = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const items = batch;
      batch = [];
      const results = await this.#o.parcels.applyEvents(items.map((i) => ({ parcelId: i.parcelId, event: i.event, options: { actor: i.actor } })));
      items.forEach((i, k) => {
        // Each was committed: a fault in one's reaction must not keep the next from being told.
        try {
          this.#applied(i.parcelId, i.event, i.actor, i.kind, results[k]!);
        } catch (error) {
          this.#log.error('applying a parcel event failed', { error });
        }
      });
    };
    for (const e of events) {
      if (e.kind === 'returned' || (e.kind === 'delivery_failed' && e.reason === 'cancelled')) {
        await flush();
        await this.#onParcelEvent(e);
        continue;
      }
      if (this.#o.interceptParcelEvent !== undefined && (await this.#o.interceptParcelEvent(e))) {
        this.#m.events.inc({ kind: e.kind, outcome: 'intercepted' });
        continue;
      }
      const event = await this.#lifecycleOf(e);
      if (event !== null) batch.push({ parcelId: e.parcelId, event, actor: `robot:${e.serial}`, kind: e.kind });
    }
    await flush();
  }

  /** The lifecycle event a tracked event maps to; null for one that is only logged. */
  async #lifecycleOf(e: TrackedEvent): Promise<LifecycleEvent | null> {
    switch (e.kind) {
      case 'loaded':
        return { type: 'load' };
      case 'load_failed':
        return { type: 'unassign', reason: `loading failed: ${e.reason ?? 'unknown'}` };
      case 'out_for_delivery':
        return { type: 'depart', etaMs: await this.#eta(e) };
      case 'awaiting_pickup':
        return { type: 'arrive' };
      case 'delivered':
        return { type: 'code_verified', by: 'robot' };
      case 'delivery_failed':
        return { type: 'return', reason: 'unclaimed' };
      case 'locked':
        return { type: 'return', reason: 'code_locked' };
      case 'return_failed':
        this.#m.events.inc({ kind: e.kind, outcome: 'logged' });
        this.#log.warn('robot could not return a parcel', { robot: e.serial, parcel: e.parcelId, reason: e.reason });
        return null;
      case 'returned':
        throw new RangeError('returned is handled by #onParcelEvent');
    }
  }

  async #onParcelEvent(e: TrackedEvent): Promise<void> {
    if (this.#o.interceptParcelEvent !== undefined && (await this.#o.interceptParcelEvent(e))) {
      this.#m.events.inc({ kind: e.kind, outcome: 'intercepted' });
      return;
    }
    const actor = `robot:${e.serial}`;
    if (e.kind === 'returned') {
      // The one event whose handling depends on where the parcel is; the others are checked by applyEvent itself.
      const parcel = await this.#o.parcels.get(e.parcelId);
      if (parcel === undefined) this.#unknownParcel(e);
      else await this.#backOnShelf(parcel, actor);
      return;
    }
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
      case 'return_failed':
        this.#m.events.inc({ kind: e.kind, outcome: 'logged' });
        this.#log.warn('robot could not return a parcel', { robot: e.serial, parcel: e.parcelId, reason: e.reason });
        return;
    }
  }

  #unknownParcel(e: TrackedEvent): void {
    this.#m.events.inc({ kind: e.kind, outcome: 'unknown_parcel' });
    this.#log.warn('robot reported an unknown parcel', { robot: e.serial, parcel: e.parcelId, kind: e.kind });
  }

  /** A parcel is back at the hub: re-queued after the re-delivery delay, or kept as returned when attempts ran out. */
  async #backOnShelf(parcel: Parcel, actor: string): Promise<void> {
    const { store, overrides, config, clock } = this.#o;
    if (parcel.status === 'loaded') {
      await this.#apply(parcel.id, { type: 'unload', reason: 'returned to the hub undelivered' }, actor, 'returned');
      return;
    }
    const trip = parcel.tripId === null ? undefined : await this.#o.trips.get(parcel.tripId);
    if (trip?.recoverySinceMs != null) {
      // Off a recovered robot: not the recipient's fault, so no attempt is counted and it keeps its age.
      await this.#requeueRecovered(parcel, actor);
      return;
    }
    if (parcel.status === 'out_for_delivery' || parcel.status === 'awaiting_pickup') {
      await this.#apply(parcel.id, { type: 'return', reason: 'dispatcher' }, actor, 'returned');
    } else if (parcel.status !== 'returned') {
      this.#m.events.inc({ kind: 'returned', outcome: 'ignored' });
      return;
    }
    if (this.#o.codeLockout === 'hold' && (await this.#lockedOut(parcel.id))) {
      this.#m.events.inc({ kind: 'returned', outcome: 'held_code_lockout' });
      this.#log.info('parcel with a locked-out code kept at the hub', { parcel: parcel.id });
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

  /** Whether the parcel's latest return was a code lock-out (from its history, so it survives a restart). */
  async #lockedOut(parcelId: string): Promise<boolean> {
    const history = await this.#o.parcels.history(parcelId);
    for (let i = history.length - 1; i >= 0; i--) {
      const h = history[i]!;
      if (h.cause === 'return') return h.data?.['reason'] === 'code_locked';
    }
    return false;
  }

  /** Puts a parcel of a recovered robot back in the queue with its original readyAt (replanAfterRobotFailure rule). */
  async #requeueRecovered(parcel: Parcel, actor: string): Promise<boolean> {
    const reason = `robot ${parcel.robotSerial ?? '?'} recovered to the hub`;
    switch (parcel.status) {
      case 'assigned':
        await this.#apply(parcel.id, { type: 'unassign', reason }, actor, 'recovered');
        break;
      case 'loaded':
        await this.#apply(parcel.id, { type: 'unload', reason }, actor, 'recovered');
        break;
      case 'out_for_delivery':
      case 'awaiting_pickup':
      case 'failed':
        await this.#apply(parcel.id, { type: 'return', reason: 'robot_fault' }, actor, 'recovered');
        await this.#apply(parcel.id, { type: 'requeue', reason }, actor, 'recovered');
        break;
      case 'returned':
        await this.#apply(parcel.id, { type: 'requeue', reason }, actor, 'recovered');
        break;
      default:
        return false;
    }
    this.#m.recovered.inc();
    return true;
  }

  async #eta(e: TrackedEvent): Promise<number | undefined> {
    const stops = await this.#o.trips.stopsByOrderId(e.orderId);
    const stop = stops?.find((s) => s.parcelIds.includes(e.parcelId));
    const first = stops?.[0];
    if (stop === undefined || first === undefined) return undefined;
    const toFirstMs = this.#o.campus.travel.travelTimeS(this.#o.campus.hub.id, first.place) * 1000;
    return Math.round(e.atMs + toFirstMs + (stop.etaMs - first.etaMs));
  }

  /** Applies one lifecycle event; an event the parcel has already seen (a replay after a restart) is a no-op. */
  async #apply(parcelId: string, event: LifecycleEvent, actor: string, kind: string = event.type): Promise<void> {
    let result: AppliedParcelEvent;
    try {
      result = { ok: true, parcel: await this.#o.parcels.applyEvent(parcelId, event, { actor }) };
    } catch (error) {
      result = { ok: false, error };
    }
    this.#applied(parcelId, event, actor, kind, result);
  }

  /** Counts, logs and passes on how one lifecycle event ended; a fault other than "does not apply" is thrown. */
  #applied(parcelId: string, event: LifecycleEvent, actor: string, kind: string, result: AppliedParcelEvent): void {
    if (result.ok) {
      this.#m.events.inc({ kind, outcome: 'applied' });
      this.#o.onParcelChanged?.(result.parcel);
      if (event.type === 'unassign' || event.type === 'requeue' || event.type === 'unload') {
        this.#shelfVersion++;
        this.trigger();
      }
      return;
    }
    const e = result.error;
    if (e instanceof ParcelNotFoundError) {
      this.#m.events.inc({ kind, outcome: 'unknown_parcel' });
      this.#log.warn('parcel event for an unknown parcel', { parcel: parcelId, event: event.type, actor });
      return;
    }
    if (e instanceof ParcelTransitionError) {
      this.#m.events.inc({ kind, outcome: 'not_applicable' });
      this.#log.debug('parcel event does not apply', { parcel: parcelId, event: event.type, from: e.from });
      return;
    }
    throw e;
  }
}

/** A copy of `spots` (key → position); two keys within a centimetre of each other throw a RangeError. */
function distinctSpots(spots: ReadonlyMap<string, { x: number; y: number }>, caller: string, what: 'robot' | 'bay'): Map<string, { x: number; y: number }> {
  const taken = new Set<string>();
  for (const [key, p] of spots) {
    const cell = `${Math.round(p.x * 100)},${Math.round(p.y * 100)}`;
    if (taken.has(cell)) throw new RangeError(`${caller}: ${what} ${key} shares its ${what === 'robot' ? 'hub' : 'bay'} spot (${p.x}, ${p.y}) with another ${what}`);
    taken.add(cell);
  }
  return new Map(spots);
}

/** Trips by robot serial, in the order given. */
function groupBySerial(trips: readonly TripSummary[]): Map<string, TripSummary[]> {
  const out = new Map<string, TripSummary[]>();
  for (const t of trips) {
    const list = out.get(t.robotSerial);
    if (list === undefined) out.set(t.robotSerial, [t]);
    else list.push(t);
  }
  return out;
}
