/**
 * The fleet side of a fast-mode day until the sim runs the real FleetServer: it plans with the REAL fleet/dispatch
 * (planTrips, chargingPolicy, handleUnclaimed), builds orders with the REAL fleet/server buildTripOrder, sends them as
 * schema-validated VDA 5050 messages over the in-process broker, and reads the robots' validated `state` messages
 * with the REAL fleet/tracking parcelEventsFromState. What it leaves out is the database and the HTTP/console edges;
 * parcel status lives in memory here. Everything is synchronous, so a day is a plain VirtualClock.runUntil.
 */
import type { Clock, TimerHandle } from '../../clock/index.ts';
import type { Random } from '../../common/core/Random.ts';
import {
  chargingPolicy, handleUnclaimed, planTrips,
  type ChargingConfig, type DispatchConfig, type DispatchRobot, type Dock, type EnergyModel, type MatrixTravelModel, type WaitingParcel,
} from '../../fleet/dispatch/index.ts';
import { buildReturnOrder, buildTripOrder, type OrderPlace } from '../../fleet/server/core/buildTripOrder.ts';
import { parcelEventsFromState, type ParcelEvent } from '../../fleet/tracking/core/parcelEventsFromState.ts';
import type { CampusMap, Place } from '../../maps/index.ts';
import {
  CHEAP_SCRYPT_PARAMS, deliveryActionsOf, encodeMessage, hashPickupCode, MessageBuilder, parseTopicMessage,
  type CodeHash, type InstantActions, type OrderDeliveryAction, type State, type VdaBody,
} from '../../protocol/index.ts';
import type { InMemoryClient } from '../../transport/index.ts';
import type { DayRecorder } from '../report/index.ts';
import type { Keypad, Recipients } from '../people/index.ts';

/** A charging bay: a dock place has several (the map marks the charging station, not each plug). */
export interface DockBay extends Dock {
  place: Place;
}

export interface DirectFleetOptions {
  clock: Clock;
  client: InMemoryClient;
  campus: CampusMap;
  hub: Place;
  bays: DockBay[];
  travel: MatrixTravelModel;
  config: DispatchConfig;
  charging: ChargingConfig;
  energy: EnergyModel;
  serials: readonly string[];
  compartments: number;
  manufacturer: string;
  recorder: DayRecorder;
  recipients: Recipients;
  /** The keypad of a robot, where its recipients type (the sim world, not the fleet, knows where they stand). */
  keypadOf: (serial: string) => Keypad;
  random: Random;
  /** Planning period, ms. Default 10 s. */
  periodMs?: number;
  waitForRecipientS?: number;
  hubRadiusM?: number;
  /** Most waiting parcels offered to one planning round (the oldest). Default 240. */
  maxClaim?: number;
}

type Mode = 'idle' | 'trip' | 'return' | 'to_dock' | 'charging' | 'from_dock';

interface FleetRobot {
  serial: string;
  builder: MessageBuilder;
  mode: Mode;
  orderId: string;
  actions: Map<string, OrderDeliveryAction>;
  last: State | undefined;
  bay: DockBay | undefined;
  dockedAtMs: number | undefined;
  /** The trip under way; `etaAfterDepartMs`: when each parcel's stop is reached, counted from leaving the hub. */
  trip: { parcels: { parcelId: string; compartment: number }[]; etaAfterDepartMs: Map<string, number>; departedAtMs?: number } | undefined;
}

interface FleetParcel {
  id: string;
  destination: string;
  code: string;
  hash: CodeHash;
  readyAtMs: number;
  attempts: number;
  /** Why it is coming back, once a hand-over failed. */
  failure: string | undefined;
  /** What the planner is shown, made at the first claim and again after readyAtMs or attempts change. */
  view: WaitingParcel | undefined;
}

export interface DirectFleetStats {
  rounds: number;
  plannedRounds: number;
  fruitlessPlans: number;
  trips: number;
  returnOrders: number;
  chargeVisits: number;
  statesParsed: number;
  rejected: number;
  unknownActions: number;
}

export class DirectFleet {
  readonly stats: DirectFleetStats = { rounds: 0, plannedRounds: 0, fruitlessPlans: 0, trips: 0, returnOrders: 0, chargeVisits: 0, statesParsed: 0, rejected: 0, unknownActions: 0 };
  readonly #o: DirectFleetOptions;
  readonly #robots = new Map<string, FleetRobot>();
  readonly #waiting = new Map<string, FleetParcel>();
  readonly #parcels = new Map<string, FleetParcel>();
  #trigger: TimerHandle | undefined;
  #timer: TimerHandle | undefined;
  #orderSeq = 0;
  #instantSeq = 0;
  #dirty = true;
  #fruitless: { key: string; untilMs: number } | undefined;
  /** The hub as orders name it (asked for per robot in every round). */
  readonly #hubPlace: OrderPlace;
  /** Robots the planner passed over for low battery: sent to charge at the next chance. */
  readonly #starved = new Set<string>();

  constructor(options: DirectFleetOptions) {
    this.#o = options;
    this.#hubPlace = this.#orderPlace(options.hub);
    for (const serial of options.serials) {
      this.#robots.set(serial, {
        serial, mode: 'idle', orderId: '', actions: new Map(), last: undefined, bay: undefined, dockedAtMs: undefined, trip: undefined,
        builder: new MessageBuilder({ clock: options.clock, manufacturer: options.manufacturer, serialNumber: serial }),
      });
    }
  }

  /** Subscribes to every robot's state and starts the planning period. */
  async start(): Promise<void> {
    await this.#o.client.subscribe('uagv/v2/+/+/state', (topic, payload) => this.#onState(topic, payload));
    this.#timer = this.#o.clock.setInterval(this.#o.periodMs ?? 10_000, () => this.#round());
  }

  stop(): void {
    if (this.#timer !== undefined) this.#o.clock.clearTimer(this.#timer);
    if (this.#trigger !== undefined) this.#o.clock.clearTimer(this.#trigger);
  }

  /** The pickup code a parcel's recipient was sent (until it is delivered or returned). */
  codeOf(parcelId: string): string | undefined {
    return this.#parcels.get(parcelId)?.code;
  }

  /** Parcels received and neither delivered nor returned yet (at the hub or on a robot). */
  get unresolvedCount(): number {
    return this.#parcels.size;
  }

  /** Parcels waiting at the hub (not on a robot). */
  get waitingCount(): number {
    return this.#waiting.size;
  }

  /** A parcel was scanned in at the hub: it gets a pickup code (the recipient is told) and waits for a trip. */
  receive(id: string, destination: string): void {
    const now = this.#o.clock.now();
    const r = this.#o.random;
    // Seeded codes and salts keep a day reproducible; the sim hashes cheaply (never do either for real recipients).
    const code = String(r.int(0, 99_999_999)).padStart(8, '0');
    const salt = Buffer.alloc(16);
    for (let i = 0; i < 16; i += 4) salt.writeUInt32LE(r.nextUint32(), i);
    const parcel: FleetParcel = { id, destination, code, hash: hashPickupCode(code, CHEAP_SCRYPT_PARAMS, salt), readyAtMs: now, attempts: 0, failure: undefined, view: undefined };
    this.#parcels.set(id, parcel);
    this.#waiting.set(id, parcel);
    // Parcels come in bursts (a truck every few seconds): one round a few seconds later takes them all.
    this.#soon(5_000);
  }

  #soon(delayMs = 200): void {
    this.#dirty = true;
    if (this.#trigger !== undefined) return;
    this.#trigger = this.#o.clock.setTimer(delayMs, () => {
      this.#trigger = undefined;
      this.#round();
    });
  }

  // ---- state in ----

  #onState(topic: string, payload: Buffer): void {
    const parsed = parseTopicMessage(topic, payload);
    if (!parsed.ok) {
      this.stats.rejected++;
      return;
    }
    if (parsed.value.message.topic !== 'state') return;
    this.stats.statesParsed++;
    this.#dirty = true;
    const state = parsed.value.message.message;
    const robot = this.#robots.get(parsed.value.topic.serialNumber);
    if (robot === undefined) return;
    const now = this.#o.clock.now();
    const diff = parcelEventsFromState(robot.serial, robot.last, state, robot.actions, now);
    robot.last = state;
    this.stats.unknownActions += diff.unknownActionIds.length;
    for (const e of diff.events) this.#onParcelEvent(robot, e);
    this.#checkOrder(robot, state);
  }

  #onParcelEvent(robot: FleetRobot, e: ParcelEvent): void {
    const rec = this.#o.recorder.parcel(e.parcelId);
    const parcel = this.#parcels.get(e.parcelId);
    if (parcel === undefined) return;
    switch (e.kind) {
      case 'loaded':
        rec.loadedAtMs = e.atMs;
        return;
      case 'load_failed':
        this.#requeue(parcel, e.atMs);
        this.#o.recorder.event({ tMs: e.atMs, kind: 'load_failed', serial: robot.serial, parcelId: e.parcelId, detail: e.reason ?? '' });
        return;
      case 'out_for_delivery': {
        rec.outForDeliveryAtMs ??= e.atMs;
        // The notification at departure, with the planned ETA, so the recipient is there when the robot is.
        const trip = robot.trip;
        const after = trip?.etaAfterDepartMs.get(e.parcelId);
        if (trip === undefined || after === undefined) return;
        trip.departedAtMs ??= e.atMs;
        this.#o.recipients.announce(e.parcelId, parcel.code, e.atMs + after);
        return;
      }
      case 'awaiting_pickup':
        rec.awaitingPickupAtMs = e.atMs;
        this.#updateEtas(robot, e.parcelId, e.atMs);
        // Without an announcement, the recipient learns only now that the robot waits at their drop point.
        if (!this.#o.recipients.robotArrived(e.parcelId, this.#o.keypadOf(robot.serial))) {
          this.#o.recipients.notify(e.parcelId, parcel.code, this.#o.keypadOf(robot.serial));
        }
        return;
      case 'delivered':
        rec.deliveredAtMs = e.atMs;
        this.#parcels.delete(e.parcelId);
        return;
      case 'delivery_failed':
        parcel.failure = 'recipient_no_show';
        return;
      case 'locked':
        parcel.failure = 'code_lockout';
        this.#o.recorder.event({ tMs: e.atMs, kind: 'code_lockout', serial: robot.serial, parcelId: e.parcelId });
        return;
      case 'returned':
        this.#backOnShelf(parcel, e.atMs);
        return;
      case 'return_failed':
        this.#o.recorder.event({ tMs: e.atMs, kind: 'return_failed', serial: robot.serial, parcelId: e.parcelId, detail: e.reason ?? '' });
        return;
    }
  }

  /**
   * The robot reached `parcelId`'s stop at `atMs`: the recipients of the later stops get the ETA moved by how far the
   * robot is ahead of or behind plan (the "your robot is N minutes away" update).
   */
  #updateEtas(robot: FleetRobot, parcelId: string, atMs: number): void {
    const trip = robot.trip;
    const here = trip?.etaAfterDepartMs.get(parcelId);
    if (trip?.departedAtMs === undefined || here === undefined) return;
    const shiftMs = atMs - (trip.departedAtMs + here);
    if (shiftMs === 0) return;
    for (const [id, after] of trip.etaAfterDepartMs) {
      if (after > here) this.#o.recipients.updateEta(id, trip.departedAtMs + after + shiftMs);
    }
  }

  #backOnShelf(parcel: FleetParcel, atMs: number): void {
    const rec = this.#o.recorder.parcel(parcel.id);
    const reason = parcel.failure ?? 'undelivered';
    if (reason === 'code_lockout') {
      // A locked parcel waits at the hub counter for the recipient to prove who they are: not re-delivered.
      rec.returnedAtMs = atMs;
      rec.returnReason = reason;
      this.#parcels.delete(parcel.id);
      return;
    }
    const decision = handleUnclaimed({ id: parcel.id, attempts: parcel.attempts }, atMs, this.#o.config);
    parcel.attempts = decision.attempts;
    parcel.view = undefined;
    if (decision.kind === 'return_to_sender') {
      rec.returnedAtMs = atMs;
      rec.returnReason = reason;
      this.#parcels.delete(parcel.id);
      return;
    }
    parcel.failure = undefined;
    parcel.readyAtMs = decision.readyAtMs;
    this.#waiting.set(parcel.id, parcel);
  }

  #giveUp(parcelId: string, atMs: number, reason: string): void {
    const rec = this.#o.recorder.parcel(parcelId);
    rec.returnedAtMs = atMs;
    rec.returnReason = reason;
    this.#waiting.delete(parcelId);
    this.#parcels.delete(parcelId);
  }

  #requeue(parcel: FleetParcel, atMs: number): void {
    parcel.readyAtMs = atMs;
    parcel.view = undefined;
    this.#waiting.set(parcel.id, parcel);
    this.#soon();
  }

  /** Moves a robot on when the order it was sent is done. */
  #checkOrder(robot: FleetRobot, s: State): void {
    if (robot.mode === 'idle' || robot.mode === 'charging' || s.orderId !== robot.orderId) return;
    if (s.driving || s.nodeStates.length > 0 || s.actionStates.some((a) => a.actionStatus !== 'FINISHED' && a.actionStatus !== 'FAILED')) return;
    const now = this.#o.clock.now();
    switch (robot.mode) {
      case 'trip': {
        const aboard = new Set((s.loads ?? []).map((l) => l.loadId));
        const back = (robot.trip?.parcels ?? []).filter((p) => aboard.has(p.parcelId));
        robot.trip = undefined;
        if (back.length > 0) {
          this.#send(robot, 'return', buildReturnOrder({
            orderId: this.#nextOrderId('R'), mapId: this.#o.campus.mapId, hub: this.#hubPlace, hubDeviationM: this.#o.hubRadiusM ?? 10, parcels: back,
          }));
          this.stats.returnOrders++;
          return;
        }
        robot.mode = 'idle';
        this.#soon();
        return;
      }
      case 'return':
      case 'from_dock':
        robot.mode = 'idle';
        this.#soon();
        return;
      case 'to_dock':
        robot.mode = 'charging';
        robot.dockedAtMs = now;
        this.#instant(robot, 'startCharging');
        return;
    }
  }

  // ---- planning ----

  #round(): void {
    // Nothing changed since the last round (no state, no parcel): it would decide the same.
    if (!this.#dirty) return;
    this.#dirty = false;
    this.stats.rounds++;
    let anyIdle = false;
    let anyCharging = false;
    for (const r of this.#robots.values()) {
      if (r.mode === 'idle') anyIdle = true;
      else if (r.mode === 'charging') anyCharging = true;
    }
    if (!anyIdle && !anyCharging) return;
    const now = this.#o.clock.now();
    const robots: DispatchRobot[] = [];
    const onBay = new Map<string, string>();
    for (const r of this.#robots.values()) {
      robots.push(this.#dispatchView(r));
      if (r.bay !== undefined) onBay.set(r.bay.id, r.serial);
    }

    // Charging: who goes to a bay, who leaves one. A robot the planner passed over for low battery must charge.
    let freeCompartments = 0;
    for (const r of robots) if (r.state === 'idle_at_hub') freeCompartments += r.compartments;
    const bays: Dock[] = this.#o.bays.map((b) => {
      const on = onBay.get(b.id);
      return on === undefined ? { id: b.id } : { id: b.id, occupiedBy: on };
    });
    const decisions = chargingPolicy(robots, bays, now, this.#o.charging, {
      demandHigh: this.#readyMoreThan(now, freeCompartments), forceCharge: [...this.#starved],
    });
    const busy = new Set<string>();
    for (const d of decisions) {
      const robot = this.#robots.get(d.serial)!;
      if (d.kind === 'go_to_dock' && robot.mode === 'idle') {
        const bay = this.#o.bays.find((b) => b.id === d.dockId)!;
        robot.bay = bay;
        busy.add(robot.serial);
        this.#starved.delete(robot.serial);
        this.stats.chargeVisits++;
        this.#send(robot, 'to_dock', this.#moveOrder(this.#o.hub, bay.place));
      } else if (d.kind === 'leave_dock' && robot.mode === 'charging' && robot.bay !== undefined) {
        this.#instant(robot, 'stopCharging');
        const from = robot.bay.place;
        robot.bay = undefined;
        robot.dockedAtMs = undefined;
        this.#send(robot, 'from_dock', this.#moveOrder(from, this.#o.hub));
      } else if (d.kind === 'queue') {
        busy.add(robot.serial); // must charge: no trip until a bay frees up
      }
    }

    const available = robots.filter((r) => r.state === 'idle_at_hub' && !busy.has(r.serial));
    if (available.length === 0 || this.#waiting.size === 0) return;
    // The same robots as a round that planned nothing a moment ago: new parcels rarely change that answer (the robots
    // lack battery for any trip), and a 5 ms plan per parcel arrival would dominate the day. Checked before the claim
    // is gathered (both only return), as gathering walks the whole shelf.
    const key = available.map((r) => `${r.serial}:${Math.floor(r.batteryPct)}`).join(',');
    if (this.#fruitless !== undefined && this.#fruitless.key === key && now < this.#fruitless.untilMs) return;
    const claim: WaitingParcel[] = [];
    const max = this.#o.maxClaim ?? 240;
    for (const p of this.#waiting.values()) {
      if (p.readyAtMs > now) continue;
      // One view per parcel state, not one per round: a round offers the planner up to the whole shelf.
      p.view ??= { id: p.id, destination: p.destination, readyAtMs: p.readyAtMs, attempts: p.attempts };
      claim.push(p.view);
      if (claim.length >= max) break;
    }
    if (claim.length === 0) return;
    this.stats.plannedRounds++;
    const plan = planTrips({ nowMs: now, parcels: claim, robots: available, travel: this.#o.travel }, this.#o.config);
    this.#fruitless = plan.trips.length === 0 ? { key, untilMs: now + 60_000 } : undefined;
    if (plan.trips.length === 0) this.stats.fruitlessPlans++;
    for (const u of plan.unassigned) {
      // Never deliverable as configured: back to the sender now rather than stuck on the shelf all day.
      if (u.reason.kind === 'trip_too_long' || u.reason.kind === 'unreachable') this.#giveUp(u.parcelId, now, u.reason.kind);
    }
    if (plan.unassigned.some((u) => u.reason.kind === 'low_battery')) {
      const given = new Set(plan.trips.map((t) => t.robot));
      for (const r of available) if (!given.has(r.serial)) this.#starved.add(r.serial);
    }
    for (const trip of plan.trips) {
      const robot = this.#robots.get(trip.robot)!;
      const parcels = trip.parcels.map((p) => ({ parcelId: p.parcelId, compartment: p.compartment - 1 }));
      const compartmentOf = new Map(parcels.map((p) => [p.parcelId, p.compartment]));
      const codes = new Map<string, CodeHash>();
      for (const p of parcels) {
        const parcel = this.#waiting.get(p.parcelId)!;
        codes.set(p.parcelId, parcel.hash);
        this.#waiting.delete(p.parcelId);
        this.#o.recorder.parcel(p.parcelId).assignedAtMs = now;
      }
      const order = buildTripOrder({
        orderId: this.#nextOrderId('T'), mapId: this.#o.campus.mapId, hub: this.#hubPlace, codes,
        hubDeviationM: this.#o.hubRadiusM ?? 10, waitForRecipientS: this.#o.waitForRecipientS ?? 600,
        stops: trip.stops.map((s) => ({
          place: this.#orderPlace(this.#o.campus.findPlace(s.place)!),
          parcels: s.parcelIds.map((id) => ({ parcelId: id, compartment: compartmentOf.get(id)! })),
        })),
      });
      const etaAfterDepartMs = new Map<string, number>();
      for (const s of trip.stops) for (const id of s.parcelIds) etaAfterDepartMs.set(id, s.etaMs - trip.departAtMs);
      robot.trip = { parcels, etaAfterDepartMs };
      this.stats.trips++;
      this.#send(robot, 'trip', order);
    }
  }

  /** More parcels ready than `than`? Stops counting as soon as it knows (the shelf can hold thousands). */
  #readyMoreThan(now: number, than: number): boolean {
    let n = 0;
    for (const p of this.#waiting.values()) if (p.readyAtMs <= now && ++n > than) return true;
    return false;
  }

  #dispatchView(r: FleetRobot): DispatchRobot {
    const s = r.last;
    const batteryPct = s?.batteryState.batteryCharge ?? 100;
    if (r.mode === 'charging') {
      const view: DispatchRobot = { serial: r.serial, compartments: this.#o.compartments, batteryPct, energy: this.#o.energy, state: 'charging' };
      if (r.bay) view.dockId = r.bay.id;
      if (r.dockedAtMs !== undefined) view.dockedAtMs = r.dockedAtMs;
      return view;
    }
    const p = s?.agvPosition;
    // The hub's graph node, where orders send robots (the place's own point may lie off the node).
    const hub = this.#hubPlace;
    const atHub = p !== undefined && Math.hypot(p.x - hub.x, p.y - hub.y) <= (this.#o.hubRadiusM ?? 10);
    const idle = r.mode === 'idle' && s !== undefined && !s.driving && (s.loads === undefined || s.loads.length === 0) && atHub;
    return { serial: r.serial, compartments: this.#o.compartments, batteryPct, energy: this.#o.energy, state: idle ? 'idle_at_hub' : 'on_trip' };
  }

  // ---- orders out ----

  #orderPlace(p: Place): OrderPlace {
    const g = this.#o.campus.graph;
    return { nodeId: `n${p.node}`, x: g.nodeX[p.node]!, y: g.nodeY[p.node]!, name: p.name };
  }

  #nextOrderId(prefix: string): string {
    return `${prefix}${String(++this.#orderSeq).padStart(6, '0')}`;
  }

  /** A two-node order without actions (to a charging bay and back). */
  #moveOrder(from: Place, to: Place): VdaBody<'order'> {
    const a = this.#orderPlace(from);
    const b = this.#orderPlace(to);
    const mapId = this.#o.campus.mapId;
    const dev = this.#o.hubRadiusM ?? 10;
    const orderId = this.#nextOrderId('C');
    return {
      orderId, orderUpdateId: 0,
      nodes: [
        { nodeId: a.nodeId, sequenceId: 0, released: true, nodePosition: { x: round3(a.x), y: round3(a.y), theta: 0, mapId, allowedDeviationXy: dev }, actions: [] },
        { nodeId: b.nodeId, sequenceId: 2, released: true, nodePosition: { x: round3(b.x), y: round3(b.y), theta: 0, mapId }, actions: [] },
      ],
      edges: [{ edgeId: `${orderId}-e1`, sequenceId: 1, released: true, startNodeId: a.nodeId, endNodeId: b.nodeId, actions: [] }],
    };
  }

  #send(robot: FleetRobot, mode: Mode, order: VdaBody<'order'>): void {
    const decoded = deliveryActionsOf(order);
    robot.actions = new Map(decoded.ok ? decoded.value.map((a) => [a.actionId, a]) : []);
    robot.orderId = order.orderId;
    robot.mode = mode;
    const message = robot.builder.build('order', order);
    this.#o.client.publishSync(robot.builder.topic('order'), encodeMessage(message), { qos: 1 });
  }

  #instant(robot: FleetRobot, actionType: 'startCharging' | 'stopCharging'): void {
    const body: VdaBody<'instantActions'> = {
      actions: [{ actionId: `I${String(++this.#instantSeq).padStart(6, '0')}`, actionType, blockingType: 'NONE' }],
    } satisfies Omit<InstantActions, 'headerId' | 'timestamp' | 'version' | 'manufacturer' | 'serialNumber'>;
    const message = robot.builder.build('instantActions', body);
    this.#o.client.publishSync(robot.builder.topic('instantActions'), encodeMessage(message), { qos: 1 });
  }
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
