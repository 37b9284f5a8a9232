/**
 * The fleet side of a fast-mode day as the REAL composed FleetServer: SQLite `:memory:` store, parcel service,
 * tracker, dispatch loop (with charging bays), on the sim's VirtualClock and in-process broker, without the HTTP
 * listener. Parcels enter through the server's ParcelService.createBatch, recipients get the code it returns, and
 * the DayRecorder learns the lifecycle from the server's parcel changes. The server's writes are promise chains over
 * synchronous SQLite, so the day must be advanced with VirtualClock.runUntilAsync (they settle within each instant).
 * Ids the server would draw at random come from counters, and pickup codes and salts from the day's seeded stream
 * (`codeRandom`), so the same seed gives the same day, codes included.
 */
import type { Random } from '../../common/core/Random.ts';
import type { VirtualClock } from '../../clock/index.ts';
import type { ChargingConfig, DispatchConfig } from '../../fleet/dispatch/index.ts';
import { createLogger } from '../../fleet/observability/index.ts';
import type { PickupCodeRandom } from '../../fleet/codes/index.ts';
import type { Parcel } from '../../fleet/parcels/index.ts';
import { FleetServer, parseConfig, type DispatchLoopTuning } from '../../fleet/server/index.ts';
import { TripRepository, type TripRecord } from '../../fleet/server/repos/index.ts';
import type { ParcelEvent as TrackedEvent } from '../../fleet/tracking/index.ts';
import type { CampusMap } from '../../maps/index.ts';
import { CHEAP_SCRYPT_PARAMS } from '../../protocol/index.ts';
import type { InMemoryBroker } from '../../transport/index.ts';
import type { Keypad, Recipients } from '../people/index.ts';
import type { DayRecorder } from '../report/index.ts';

export interface ServerFleetOptions {
  clock: VirtualClock;
  broker: InMemoryBroker;
  campus: CampusMap;
  serials: readonly string[];
  compartments: number;
  manufacturer: string;
  speedMps: number;
  recorder: DayRecorder;
  recipients: Recipients;
  /** The keypad of a robot, where its recipients type (the sim world, not the fleet, knows where they stand). */
  keypadOf: (serial: string) => Keypad;
  /** The day's seeded stream for pickup codes and their salts (default: the CSPRNG, as in production). */
  codeRandom?: Random;
  dispatch: Partial<Omit<DispatchConfig, 'hub'>>;
  /** The dispatch loop's tuning (claim size, gathering delay, fruitless plans, lock-outs, undeliverable parcels). */
  loop?: DispatchLoopTuning;
  charging?: Partial<ChargingConfig>;
  baysPerDock?: number;
  waitForRecipientS?: number;
  /**
   * The tracker calls a robot offline after this long without a message; it must exceed the robots' state period
   * (the sim sends states on change plus every few minutes, not at 1 Hz).
   */
  staleAfterMs: number;
}

export interface ServerFleetStats {
  /** Trips the server planned (distinct trip ids seen on assigned parcels). */
  trips: number;
  parcelsCreated: number;
  /** Parcel changes the server reported. */
  parcelChanges: number;
  /** Parcels back at the hub and re-queued for another attempt. */
  requeued: number;
  /** Tracker parcel events (from robot states). */
  trackedEvents: number;
  /** Robot states the tracker accepted, and messages it rejected (filled in by stop()). */
  statesParsed: number;
  rejected: number;
  /** Dispatch rounds the server ran, and planner runs among them (filled in by stop()). */
  rounds: number;
  plans: number;
}

/** Why a parcel is on its way back, once a hand-over failed (the DayRecord's returnReason). */
type Failure = 'recipient_no_show' | 'code_lockout' | 'undelivered';

export class ServerFleet {
  readonly stats: ServerFleetStats = { trips: 0, parcelsCreated: 0, parcelChanges: 0, requeued: 0, trackedEvents: 0, statesParsed: 0, rejected: 0, rounds: 0, plans: 0 };
  readonly server: FleetServer;
  readonly #o: ServerFleetOptions;
  readonly #trips: TripRepository;
  /** Server parcel id → the sim's parcel id (the arrival's, used by the recorder). */
  readonly #recordId = new Map<string, string>();
  readonly #code = new Map<string, string>();
  readonly #failure = new Map<string, Failure>();
  readonly #tripIds = new Set<string>();
  readonly #tripByOrder = new Map<string, Promise<TripRecord | undefined>>();
  /** Per order: when its robot left the hub, to move the later stops' ETAs by how late or early it is. */
  readonly #departedAtMs = new Map<string, number>();
  #pending: { id: string; destination: string }[] = [];
  #work: Promise<void> = Promise.resolve();
  #received = 0;
  #resolved = 0;
  #delivered = 0;
  #off: () => void = () => undefined;

  private constructor(options: ServerFleetOptions, server: FleetServer) {
    this.#o = options;
    this.server = server;
    this.#trips = new TripRepository(server.store);
  }

  /** Starts the server (SQLite in memory, no HTTP) and registers the robots; start the robots' bridges after this. */
  static async start(options: ServerFleetOptions): Promise<ServerFleet> {
    const { clock } = options;
    const config = parseConfig(['--database-url', ':memory:', '--port', '0', '--robot-speed-mps', String(options.speedMps), '--log-level', 'error'], {});
    const seq = new Map<string, number>();
    // The server's parcel hook needs the fleet, which needs the server.
    let onChanged: (p: Parcel) => void = () => undefined;
    const server = await FleetServer.start(config, {
      clock, campusMap: options.campus, transport: options.broker.connect('fleet'),
      logger: createLogger({ clock, level: 'error', bindings: { service: 'fleet' } }),
      listenHttp: false,
      ids: (prefix) => {
        const n = (seq.get(prefix) ?? 0) + 1;
        seq.set(prefix, n);
        // Fixed width keeps id order the counter's. Twelve digits keep ids longer than ten characters, as the server's
        // own random ids are (18): V8's JSON.parse interns string values of up to ten characters, which made every
        // dispatch claim (thousands of ids as one JSON array) several times dearer here than in production.
        return `${prefix}-${String(n).padStart(12, '0')}`;
      },
      // Simulated recipients only: cheap hashing keeps a 30,000-parcel day affordable.
      codePolicy: { hashParams: CHEAP_SCRYPT_PARAMS, ...(options.codeRandom === undefined ? {} : { random: seededCodes(options.codeRandom) }) },
      // A day never restarts its server, so the stored states are never read back: each robot's state is written at
      // most every 10 min (FleetServerDeps), which still runs the write path all day (every 30 s was 47,000 writes).
      robotStateWriteIntervalMs: 600_000,
      // The store's nested-call check hooks every promise (FleetServerDeps); the tests run these paths with it on.
      storeNestedCallCheck: false,
      dispatch: options.dispatch,
      ...(options.loop === undefined ? {} : { dispatchLoop: options.loop }),
      staleAfterMs: options.staleAfterMs,
      ...(options.charging === undefined ? {} : { charging: options.charging }),
      ...(options.baysPerDock === undefined ? {} : { baysPerDock: options.baysPerDock }),
      ...(options.waitForRecipientS === undefined ? {} : { waitForRecipientS: options.waitForRecipientS }),
      onParcelChanged: (p) => onChanged(p),
    });
    const fleet = new ServerFleet(options, server);
    onChanged = (p) => fleet.#onParcelChanged(p);
    for (const serial of options.serials) {
      await server.robots.add({ serial, manufacturer: options.manufacturer, compartments: options.compartments }, clock.now());
    }
    fleet.#off = server.tracker.on('parcelEvent', (e) => fleet.#onTracked(e));
    return fleet;
  }

  async stop(): Promise<void> {
    this.#off();
    await this.#work;
    // The tracker counts into the server's metrics; rejections are split by reason code there.
    const { metrics } = this.server;
    this.stats.rounds = metrics.counter('fleet_dispatch_rounds_total', '').get();
    this.stats.plans = metrics.counter('fleet_dispatch_plans_total', '').get();
    this.stats.statesParsed = metrics.counter('fleet_vda_messages_accepted_total', '', ['topic']).get({ topic: 'state' });
    this.stats.rejected = 0;
    for (const line of metrics.render().split('\n')) {
      if (line.startsWith('fleet_vda_messages_rejected_total{')) this.stats.rejected += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
    }
    await this.server.stop();
  }

  /** The pickup code a parcel's recipient was sent (by the server's parcel id). */
  codeOf(parcelId: string): string | undefined {
    return this.#code.get(parcelId);
  }

  /** The sim's id of a server parcel (the recorder's key); the id itself when unknown. */
  recordIdOf(parcelId: string): string {
    return this.#recordId.get(parcelId) ?? parcelId;
  }

  /** Parcels delivered so far (the progress bar's count, without a pass over every record). */
  get deliveredCount(): number {
    return this.#delivered;
  }

  /** Parcels received and neither delivered nor returned for good yet (including any still being created). */
  get unresolvedCount(): number {
    return this.#received - this.#resolved;
  }

  /** A parcel was scanned in at the hub: created in the server with the others of this instant, in one batch. */
  receive(id: string, destination: string): void {
    this.#received++;
    if (this.#pending.length === 0) this.#work = this.#work.then(() => this.#createPending());
    this.#pending.push({ id, destination });
  }

  async #createPending(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    const result = await this.server.parcels.createBatch(
      batch.map((a) => ({ destination: a.destination, externalRef: a.id, recipient: { name: `recipient of ${a.id}` } })),
      { actor: 'hub' },
    );
    this.stats.parcelsCreated += result.parcels.length;
    result.parcels.forEach((issued, i) => {
      this.#recordId.set(issued.parcel.id, batch[i]!.id);
      if (issued.pickupCode !== null) this.#code.set(issued.parcel.id, issued.pickupCode);
    });
    this.server.dispatch.parcelsArrived();
  }

  #onParcelChanged(p: Parcel): void {
    this.stats.parcelChanges++;
    const id = this.#recordId.get(p.id);
    if (id === undefined) return;
    const rec = this.#o.recorder.parcel(id);
    const at = p.updatedAtMs;
    switch (p.status) {
      case 'assigned':
        rec.assignedAtMs = at;
        if (p.tripId !== null && !this.#tripIds.has(p.tripId)) {
          this.#tripIds.add(p.tripId);
          this.stats.trips++;
        }
        return;
      case 'loaded':
        rec.loadedAtMs = at;
        return;
      case 'out_for_delivery':
        rec.outForDeliveryAtMs ??= at;
        return;
      case 'awaiting_pickup':
        rec.awaitingPickupAtMs = at;
        return;
      case 'delivered':
        rec.deliveredAtMs = at;
        this.#delivered++;
        this.#resolve(p.id);
        return;
      case 'received':
        // Back on the shelf for another attempt.
        if (this.#failure.delete(p.id)) this.stats.requeued++;
        return;
      case 'returned':
        // Never left the hub: the server returned it to the sender as no trip can carry it (the reason is in its history).
        if (p.robotSerial === null && this.#code.has(p.id)) this.#work = this.#work.then(() => this.#returnedFromShelf(p, id));
        return;
      default:
        return;
    }
  }

  async #returnedFromShelf(p: Parcel, id: string): Promise<void> {
    if (!this.#code.has(p.id)) return;
    const history = await this.server.parcels.history(p.id);
    const reason = history.at(-1)?.data?.['reason'];
    const rec = this.#o.recorder.parcel(id);
    rec.returnedAtMs = p.updatedAtMs;
    rec.returnReason = typeof reason === 'string' ? reason : 'undeliverable';
    this.#resolve(p.id);
  }

  #resolve(parcelId: string): void {
    this.#resolved++;
    this.#code.delete(parcelId);
    this.#failure.delete(parcelId);
  }

  /** Robot-side facts the recipients act on (departure with ETA, arrival at the stop) and the failures' reasons. */
  #onTracked(e: TrackedEvent): void {
    this.stats.trackedEvents++;
    const id = this.#recordId.get(e.parcelId);
    if (id === undefined) return;
    const { recipients, recorder } = this.#o;
    switch (e.kind) {
      case 'out_for_delivery': {
        const code = this.#code.get(e.parcelId);
        if (code === undefined) return;
        if (!this.#departedAtMs.has(e.orderId)) this.#departedAtMs.set(e.orderId, e.atMs);
        // The server's ETA rule (DispatchLoop): travel to the first stop, then the plan's spacing between stops.
        void this.#etaAfterDepartMs(e.orderId, e.parcelId).then((afterMs) => {
          if (afterMs !== undefined) recipients.announce(e.parcelId, code, this.#departedAtMs.get(e.orderId)! + afterMs);
        });
        return;
      }
      case 'awaiting_pickup': {
        const code = this.#code.get(e.parcelId);
        if (code === undefined) return;
        const keypad = this.#o.keypadOf(e.serial);
        void this.#shiftEtas(e);
        if (!recipients.robotArrived(e.parcelId, keypad)) recipients.notify(e.parcelId, code, keypad);
        return;
      }
      case 'delivery_failed':
        this.#failure.set(e.parcelId, 'recipient_no_show');
        return;
      case 'locked':
        this.#failure.set(e.parcelId, 'code_lockout');
        recorder.event({ tMs: e.atMs, kind: 'code_lockout', serial: e.serial, parcelId: id });
        return;
      case 'load_failed':
        recorder.event({ tMs: e.atMs, kind: 'load_failed', serial: e.serial, parcelId: id, detail: e.reason ?? '' });
        return;
      case 'return_failed':
        recorder.event({ tMs: e.atMs, kind: 'return_failed', serial: e.serial, parcelId: id, detail: e.reason ?? '' });
        return;
      case 'returned':
        // The server decides (handleUnclaimed) whether it goes out again; once its event is applied, a parcel still
        // `returned` stays at the hub for good.
        this.#work = this.#work.then(async () => {
          await this.server.dispatch.idle();
          const p = await this.server.parcels.get(e.parcelId);
          if (p?.status !== 'returned' || !this.#code.has(e.parcelId)) return;
          const rec = recorder.parcel(id);
          rec.returnedAtMs = p.updatedAtMs;
          rec.returnReason = this.#failure.get(e.parcelId) ?? 'undelivered';
          this.#resolve(e.parcelId);
        });
        return;
      default:
        return;
    }
  }

  #trip(orderId: string): Promise<TripRecord | undefined> {
    let trip = this.#tripByOrder.get(orderId);
    if (trip === undefined) {
      trip = this.#trips.byOrderId(orderId);
      this.#tripByOrder.set(orderId, trip);
    }
    return trip;
  }

  /** Planned time from leaving the hub to `parcelId`'s stop, ms. */
  async #etaAfterDepartMs(orderId: string, parcelId: string): Promise<number | undefined> {
    const trip = await this.#trip(orderId);
    const stop = trip?.stops.find((s) => s.parcelIds.includes(parcelId));
    const first = trip?.stops[0];
    if (stop === undefined || first === undefined) return undefined;
    const { campus } = this.server;
    return Math.round(campus.travel.travelTimeS(campus.hub.id, first.place) * 1000 + (stop.etaMs - first.etaMs));
  }

  /** The robot reached a stop: the later stops' recipients hear it is ahead of or behind plan by that much. */
  async #shiftEtas(e: TrackedEvent): Promise<void> {
    const departed = this.#departedAtMs.get(e.orderId);
    const here = await this.#etaAfterDepartMs(e.orderId, e.parcelId);
    const trip = await this.#trip(e.orderId);
    if (departed === undefined || here === undefined || trip === undefined) return;
    const shiftMs = e.atMs - (departed + here);
    if (shiftMs === 0) return;
    // #etaAfterDepartMs for each parcel of the trip, worked out once per stop (each parcel is on one stop).
    const first = trip.stops[0]!;
    const { campus } = this.server;
    const toFirstMs = campus.travel.travelTimeS(campus.hub.id, first.place) * 1000;
    for (const s of trip.stops) {
      const after = Math.round(toFirstMs + (s.etaMs - first.etaMs));
      if (after <= here) continue;
      for (const pid of s.parcelIds) this.#o.recipients.updateEta(pid, departed + after + shiftMs);
    }
  }
}

/** Pickup-code digits and salts from a seeded stream (simulation only: a replayed day issues the same codes). */
function seededCodes(random: Random): PickupCodeRandom {
  return {
    digit: () => random.int(0, 9),
    salt: (bytes) => Buffer.from(Array.from({ length: bytes }, () => random.int(0, 255))),
  };
}
