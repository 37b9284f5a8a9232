/**
 * Re-routes a trip under way (POST /api/robots/:serial/reroute with `trip: 'current'`): the dispatcher's stops come
 * next, in that order, as VDA 5050 allows [§6.6.2]. fleet/dispatch `planLiveReroute` decides between an order update
 * (only when the released base ends before the closing hub and keeps its stops first) and cancelOrder followed by a
 * new order from where the robot stands, with the parcels still aboard. Our trip orders release every node, so in
 * practice it is the second.
 *
 * A request waits until the robot is between stops: loaded and away from the hub, and no hand-over running (a
 * recipient may be at the robot; an open door cannot be cancelled anyway). Then the trip row takes the new order
 * first (so the dispatch loop never mistakes the cancelled order for the end of the trip), cancelOrder goes out, and
 * once the robot confirms it in its state the new order follows. The hand-overs the cancel fails are not failed
 * deliveries: `interceptParcelEvent` keeps them from the parcel lifecycle. Each parcel re-routed gets a `reroute`
 * history entry with the dispatcher as actor.
 */
import type { Clock } from '../../clock/index.ts';
import { err, ok, type Result } from '../../common/core/AppError.ts';
import { deliveryActionsOf, type CodeHash, type VdaBody } from '../../protocol/index.ts';
import { planLiveReroute, scheduleLiveStops, type DispatchConfig, type LiveStop, type LiveTrip, type PlaceId, type RemainingStop } from '../dispatch/index.ts';
import type { Logger } from '../observability/index.ts';
import type { Parcel, ParcelService } from '../parcels/index.ts';
import { toJson, type Store } from '../store/index.ts';
import type { FleetTracker, ParcelEvent as TrackedEvent, RobotView } from '../tracking/index.ts';
import { nodeIdOf, type CampusModel } from './CampusModel.ts';
import { buildReplacementOrder, buildRerouteUpdate, type RerouteStop } from './core/buildRerouteOrder.ts';
import type { OrderPlace } from './core/buildTripOrder.ts';
import type { InstantActionRepository } from './repos/InstantActionRepository.ts';
import type { TripRecord, TripRepository } from './repos/TripRepository.ts';

export interface LiveRerouteOptions {
  store: Store;
  clock: Clock;
  parcels: ParcelService;
  trips: TripRepository;
  tracker: FleetTracker;
  campus: CampusModel;
  config: DispatchConfig;
  logger: Logger;
  /** Records the cancelOrder sent for a re-route with the robot's confirmation (GET /api/robots/:serial). */
  instantActions?: InstantActionRepository;
  /** As the dispatch loop's: how long the robot waits at a stop for the recipient. Default 600 s. */
  waitForRecipientS?: number;
  /** As the dispatch loop's: how far from the hub node the robot may stand at the end. Default 10 m. */
  hubRadiusM?: number;
  /** How long to wait for the robot to confirm cancelOrder. Default 30 s. */
  cancelTimeoutMs?: number;
}

/** How the re-route reaches the robot. */
export type LiveRerouteMethod = 'order_update' | 'cancel_and_new_order' | 'unchanged';

export interface LiveRerouteAccepted {
  serial: string;
  tripId: string;
  /** As decided now; decided again when the robot is between stops (it may have moved on meanwhile). */
  method: LiveRerouteMethod;
  /** The stops still to visit, in their new order. */
  stops: PlaceId[];
  /** `pending` until it is sent (`unchanged`: nothing to send). */
  status: 'pending' | 'unchanged';
}

export type LiveRerouteRefusalCode = 'NO_TRIP_IN_PROGRESS' | 'STOP_NOT_ON_TRIP' | 'NOTHING_LEFT_TO_DELIVER' | 'REROUTE_IN_PROGRESS';

export interface LiveRerouteRefusal {
  code: LiveRerouteRefusalCode;
  message: string;
}

interface Pending {
  serial: string;
  tripId: string;
  stops: readonly PlaceId[];
  /** The dispatcher's token name (instant action audit) and the parcel history actor (`dispatcher:<name>`). */
  by: string;
  actor: string;
  phase: 'waiting' | 'sending';
}

/** Parcel statuses of a parcel aboard its robot. */
const CARRIED: ReadonlySet<string> = new Set(['loaded', 'out_for_delivery', 'awaiting_pickup']);

const METHOD = { update: 'order_update', replace: 'cancel_and_new_order', unchanged: 'unchanged' } as const;

export class LiveReroute {
  readonly #o: LiveRerouteOptions;
  readonly #log: Logger;
  readonly #pending = new Map<string, Pending>();
  readonly #running = new Set<string>();
  /** serial → trip whose replacement order the robot may not have received (see start). */
  readonly #resume = new Map<string, string>();
  #off: (() => void) | undefined;

  constructor(options: LiveRerouteOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'reroute' });
  }

  /** Follows robot changes, to apply waiting re-routes once their robot is between stops. */
  async start(): Promise<void> {
    // A server stopped between a re-route's trip update and the new order reaching the robot: the trip holds a
    // replacement order (`<trip>-r<n>`) the robot may not run yet. Checked on each such robot's next report.
    for (const trip of await this.#o.trips.active()) {
      if (trip.status === 'sent' && /-r\d+$/.test(trip.orderId)) this.#resume.set(trip.robotSerial, trip.id);
    }
    this.#off ??= this.#o.tracker.on('robotChanged', (view) => {
      if (this.#pending.has(view.serial)) void this.#tryApply(view.serial);
      else if (this.#resume.has(view.serial)) void this.#resumeReplacement(view);
    });
  }

  /**
   * The robot reports an earlier order of its trip (same trip id) while the trip holds a replacement: the server
   * stopped mid re-route, or sending the replacement failed after the cancel. Cancel what the robot runs (a robot
   * with nothing to cancel says so, which is fine) and send the replacement, started where the robot stands now. A
   * restarted tracker does not know the earlier order's actions, and in this process the hand-overs the cancel fails
   * are intercepted, so the cancel changes no parcel.
   */
  async #resumeReplacement(view: RobotView): Promise<void> {
    const tripId = this.#resume.get(view.serial);
    if (tripId === undefined || this.#running.has(view.serial) || view.health.kind !== 'online') return;
    this.#running.add(view.serial);
    try {
      const trip = await this.#o.trips.get(tripId);
      const earlier = view.orderId !== undefined && isOrderOf(tripId, view.orderId);
      if (trip === undefined || trip.status !== 'sent' || trip.order === null || view.orderId === trip.orderId || !earlier) {
        this.#resume.delete(view.serial);
        return;
      }
      // As for a new re-route: not while a recipient may be at the robot.
      if (view.actionStates.some((a) => a.actionStatus === 'RUNNING' || a.actionStatus === 'INITIALIZING')) return;
      const { confirmation } = await this.#o.tracker.sendInstantAction(view.serial, 'cancelOrder', {}, { timeoutMs: this.#o.cancelTimeoutMs ?? 30_000 });
      const c = await confirmation;
      if (c.status === 'timeout' || c.status === 'cancelled') return;
      // The robot may have driven on since the order was built: start it where the robot stands now.
      const order = this.#startHere(trip.order, this.#o.tracker.robot(view.serial) ?? view);
      await this.#o.store.execute('UPDATE trips SET order_body = $1 WHERE id = $2 AND order_id = $3', [toJson(order), trip.id, trip.orderId]);
      await this.#o.tracker.sendOrder(view.serial, order);
      this.#resume.delete(view.serial);
      this.#log.warn('re-route resumed: replacement order sent', { robot: view.serial, trip: trip.id, order: trip.orderId, was: view.orderId });
    } catch (e) {
      this.#log.error('resuming a re-route failed; trying again on the next report', { robot: view.serial, trip: tripId, error: e });
    } finally {
      this.#running.delete(view.serial);
    }
  }

  stop(): void {
    this.#off?.();
    this.#off = undefined;
  }

  /** The re-route waiting for (or being sent to) this robot, if any. */
  pending(serial: string): { tripId: string; stops: readonly PlaceId[]; phase: Pending['phase'] } | undefined {
    const p = this.#pending.get(serial);
    return p === undefined ? undefined : { tripId: p.tripId, stops: p.stops, phase: p.phase };
  }

  /**
   * A dispatcher (`by`: the token's name) asks for `stops` to come next on the robot's trip under way. Refused (as a
   * value) when the robot has no trip under way, a stop is not among those still to visit, or a re-route is being
   * sent right now. A new request replaces one still waiting.
   */
  async request(serial: string, stops: readonly PlaceId[], by: string): Promise<Result<LiveRerouteAccepted, LiveRerouteRefusal>> {
    const trip = (await this.#o.trips.active()).find((t) => t.robotSerial === serial);
    if (trip === undefined) return err({ code: 'NO_TRIP_IN_PROGRESS', message: `robot ${serial} has no trip in progress; a re-route for its next trip needs trip: 'next'` });
    if (this.#pending.get(serial)?.phase === 'sending') {
      return err({ code: 'REROUTE_IN_PROGRESS', message: `a re-route of ${serial}'s trip is being sent; try again once the robot runs it` });
    }
    const decision = planLiveReroute(await this.#liveTrip(trip, this.#o.tracker.robot(serial)), stops);
    if (decision.kind === 'refused') {
      return err(decision.reason === 'nothing_left'
        ? { code: 'NOTHING_LEFT_TO_DELIVER', message: `trip ${trip.id} has no stop left to visit` }
        : { code: 'STOP_NOT_ON_TRIP', message: `not among the stops trip ${trip.id} still has to visit: ${decision.places.slice(0, 5).join(', ')}` });
    }
    const accepted: LiveRerouteAccepted = {
      serial, tripId: trip.id, method: METHOD[decision.kind], stops: decision.stops.map((s) => s.place),
      status: decision.kind === 'unchanged' ? 'unchanged' : 'pending',
    };
    if (decision.kind === 'unchanged') {
      this.#pending.delete(serial);
      return ok(accepted);
    }
    this.#pending.set(serial, { serial, tripId: trip.id, stops: [...stops], by, actor: `dispatcher:${by}`, phase: 'waiting' });
    this.#log.info('live re-route requested', { robot: serial, trip: trip.id, stops: accepted.stops, method: accepted.method, by });
    void this.#tryApply(serial);
    return ok(accepted);
  }

  /**
   * For the dispatch loop, before it applies a robot's parcel event: true when the event is a hand-over that a
   * re-route's cancelOrder failed (the parcel's trip has moved on to a newer order). The parcel is still aboard and
   * out for delivery on the new order, so it must not be returned as unclaimed.
   */
  async interceptParcelEvent(e: TrackedEvent): Promise<boolean> {
    if (e.kind !== 'delivery_failed' || e.reason !== 'cancelled') return false;
    const parcel = await this.#o.parcels.get(e.parcelId);
    const trip = parcel?.tripId == null ? undefined : await this.#o.trips.get(parcel.tripId);
    if (trip === undefined || trip.status !== 'sent' || trip.orderId === e.orderId || !isOrderOf(trip.id, e.orderId)) return false;
    this.#log.debug('hand-over cancelled by a re-route; the parcel stays out for delivery', { parcel: e.parcelId, order: e.orderId, now: trip.orderId });
    return true;
  }

  /** The trip as planLiveReroute sees it: the stops of the order sent, the robot's progress, the parcels still aboard. */
  async #liveTrip(trip: TripRecord, view: RobotView | undefined): Promise<LiveTrip> {
    const placeOf = new Map(trip.parcels.map((p) => [p.parcelId, p.place]));
    const stops: Array<LiveStop & { parcelIds: string[] }> = [];
    const order = trip.order;
    if (order === null) {
      // Planned, not sent yet: every stop is still ahead.
      trip.stops.forEach((s, i) => stops.push({ place: s.place, sequenceId: 2 * (i + 1), released: true, parcelIds: s.parcelIds }));
    } else {
      // The stops are the nodes with hand-overs, in sequence: whatever order (first, update, replacement) the trip holds.
      const decoded = deliveryActionsOf(order);
      const released = new Map(order.nodes.map((n) => [n.sequenceId, n.released]));
      for (const a of decoded.ok ? decoded.value : []) {
        if (a.action.actionType !== 'handOverParcel') continue;
        const { parcelId } = a.action.params;
        const stop = stops.find((s) => s.sequenceId === a.sequenceId);
        if (stop !== undefined) stop.parcelIds.push(parcelId);
        else stops.push({ place: placeOf.get(parcelId) ?? a.nodeId, sequenceId: a.sequenceId, released: released.get(a.sequenceId) ?? true, parcelIds: [parcelId] });
      }
    }
    const last = order?.nodes[order.nodes.length - 1];
    const parcels = await Promise.all(trip.parcels.map((p) => this.#o.parcels.get(p.parcelId)));
    const loads = new Set((view?.loads ?? []).map((l) => l.loadId));
    // Before loading, every parcel of the trip counts; after, only those the robot still reports in a compartment.
    const aboard = new Set(parcels.filter((p): p is Parcel => p !== undefined)
      .filter((p) => p.status === 'assigned' || (CARRIED.has(p.status) && loads.has(p.id))).map((p) => p.id));
    const progress = view?.orderId === trip.orderId ? (view.lastNodeSequenceId ?? 0) : 0;
    return {
      stops, aboard, lastNodeSequenceId: progress,
      end: { sequenceId: last?.sequenceId ?? 2 * (stops.length + 1), released: last?.released ?? true },
    };
  }

  /** Applies the waiting re-route of `serial` if its robot is between stops now; otherwise it waits for the next change. */
  async #tryApply(serial: string): Promise<void> {
    if (this.#running.has(serial)) return;
    this.#running.add(serial);
    try {
      const p = this.#pending.get(serial);
      if (p === undefined || p.phase !== 'waiting') return;
      const trip = await this.#o.trips.get(p.tripId);
      if (trip === undefined || trip.status !== 'sent' || trip.order === null) {
        if (trip === undefined || trip.status !== 'planned') this.#drop(p, 'the trip is no longer in progress');
        return;
      }
      const view = this.#o.tracker.robot(serial);
      if (view === undefined || !(await this.#betweenStops(trip, view))) return;
      const decision = planLiveReroute(await this.#liveTrip(trip, view), p.stops);
      if (decision.kind === 'refused' || decision.kind === 'unchanged') {
        this.#drop(p, decision.kind === 'unchanged' ? 'the stops left are already in that order' : `no longer possible (${decision.reason})`);
        return;
      }
      p.phase = 'sending';
      if (decision.kind === 'update') await this.#sendUpdate(p, trip, view, decision.stops, decision.stitchSequenceId, decision.append);
      else await this.#cancelAndReplace(p, trip, view, decision.stops);
    } catch (e) {
      const p = this.#pending.get(serial);
      if (p !== undefined) this.#drop(p, 'sending it failed', e);
    } finally {
      this.#running.delete(serial);
    }
  }

  /** Loaded, gone from the hub, on this trip's order, and no delivery action running at the node it stands on. */
  async #betweenStops(trip: TripRecord, view: RobotView): Promise<boolean> {
    if (view.health.kind !== 'online' || view.orderId !== trip.orderId || view.position === undefined) return false;
    if ((view.lastNodeSequenceId ?? 0) === 0 && view.driving !== true) return false;
    const running = view.actionStates.some((a) => a.actionStatus === 'RUNNING' || a.actionStatus === 'INITIALIZING');
    if (running) return false;
    const statuses = await Promise.all(trip.parcels.map(async (tp) => (await this.#o.parcels.get(tp.parcelId))?.status));
    // Parcel events follow the robot's state asynchronously: wait until every departure and arrival has been applied.
    return statuses.every((s) => s !== 'assigned' && s !== 'loaded' && s !== 'awaiting_pickup');
  }

  async #sendUpdate(p: Pending, trip: TripRecord, view: RobotView, stops: RemainingStop[], stitch: number, append: RemainingStop[]): Promise<void> {
    const current = trip.order!;
    const update = buildRerouteUpdate({
      ...(await this.#common(append)), current, orderUpdateId: (view.orderUpdateId ?? trip.orderUpdateId) + 1, stitchSequenceId: stitch,
      append: this.#orderStops(trip, append),
    });
    const merged: VdaBody<'order'> = {
      orderId: current.orderId, orderUpdateId: update.orderUpdateId,
      nodes: [...current.nodes.filter((n) => n.sequenceId < stitch), ...update.nodes],
      edges: [...current.edges.filter((e) => e.sequenceId < stitch), ...update.edges],
    };
    if (!(await this.#saveTrip(trip, merged, stops, view))) return this.#drop(p, 'the trip changed meanwhile');
    await this.#note(p, trip, stops, 'order_update', merged.orderId);
    await this.#o.tracker.sendOrder(p.serial, update);
    this.#pending.delete(p.serial);
    this.#log.info('live re-route sent as an order update', { robot: p.serial, trip: trip.id, orderUpdateId: update.orderUpdateId, stops: stops.map((s) => s.place) });
  }

  async #cancelAndReplace(p: Pending, trip: TripRecord, view: RobotView, stops: RemainingStop[]): Promise<void> {
    const { tracker, clock, store } = this.#o;
    const here = this.#here(view);
    const orderId = nextOrderId(trip);
    let order = buildReplacementOrder({
      ...(await this.#common(stops)), orderId, start: here.place, startDeviationM: here.deviationM, stops: this.#orderStops(trip, stops),
    });
    const previous = { orderId: trip.orderId, orderUpdateId: trip.orderUpdateId, order: trip.order!, stops: trip.stops };
    // The trip takes the new order before the cancel, so the loop never reads the cancelled order as the trip's end.
    if (!(await this.#saveTrip(trip, order, stops, view))) return this.#drop(p, 'the trip changed meanwhile');
    let cancelled = false;
    try {
      const { actionId, confirmation } = await tracker.sendInstantAction(p.serial, 'cancelOrder', {}, { timeoutMs: this.#o.cancelTimeoutMs ?? 30_000 });
      await this.#o.instantActions?.recordSent({ actionId, robotSerial: p.serial, actionType: 'cancelOrder', requestedBy: p.by, requestedAtMs: clock.now() });
      const c = await confirmation;
      await this.#o.instantActions?.settle(actionId, c.status, c.atMs, 'resultDescription' in c ? (c.resultDescription ?? null) : null);
      if (c.status !== 'FINISHED') throw new Error(`the robot did not confirm cancelOrder (${c.status})`);
      cancelled = true;
      // It stopped a little farther on than it stood when the order was built: start the order where it is now.
      order = this.#startHere(order, tracker.robot(p.serial) ?? view);
      await store.execute('UPDATE trips SET order_body = $1 WHERE id = $2 AND order_id = $3', [toJson(order), trip.id, orderId]);
      await this.#note(p, trip, stops, 'cancel_and_new_order', orderId);
      await tracker.sendOrder(p.serial, order);
    } catch (e) {
      if (cancelled) {
        // The robot stands with its order cancelled: resend the replacement on its next report (as after a restart).
        this.#resume.set(p.serial, trip.id);
      } else {
        // The robot still runs (or has finished) the old order: the trip keeps it.
        await store.execute('UPDATE trips SET order_id = $1, order_update_id = $2, order_body = $3, stops = $4 WHERE id = $5 AND order_id = $6', [
          previous.orderId, previous.orderUpdateId, toJson(previous.order), toJson(previous.stops), trip.id, orderId,
        ]);
      }
      throw e;
    }
    this.#pending.delete(p.serial);
    this.#log.info('live re-route sent: order cancelled, new order from where the robot stands', {
      robot: p.serial, trip: trip.id, cancelled: previous.orderId, order: orderId, from: order.nodes[0]!.nodeId, stops: stops.map((s) => s.place),
    });
  }

  /** The order with its first node moved to the path-graph node nearest to the robot now (#here). */
  #startHere(order: VdaBody<'order'>, view: RobotView): VdaBody<'order'> {
    const here = this.#here(view);
    const [first, ...nodes] = order.nodes;
    const [edge, ...edges] = order.edges;
    return {
      ...order,
      nodes: [{ ...first!, nodeId: here.place.nodeId, nodePosition: { ...first!.nodePosition!, x: round(here.place.x), y: round(here.place.y), allowedDeviationXy: here.deviationM } }, ...nodes],
      edges: edge === undefined ? [] : [{ ...edge, startNodeId: here.place.nodeId }, ...edges],
    };
  }

  /** The path-graph node nearest to the robot, with a deviation that covers where it stands. */
  #here(view: RobotView): { place: OrderPlace; deviationM: number } {
    const { map } = this.#o.campus;
    const at = view.position ?? { x: 0, y: 0 };
    const node = map.edgeIndex.nearestNode(at.x, at.y);
    const x = map.graph.nodeX[node]!, y = map.graph.nodeY[node]!;
    const distanceM = Math.hypot(at.x - x, at.y - y);
    return { place: { nodeId: nodeIdOf(node), x, y }, deviationM: Math.ceil(distanceM + 1) };
  }

  #orderStops(trip: TripRecord, stops: readonly RemainingStop[]): RerouteStop[] {
    return stops.map((s) => ({
      place: this.#o.campus.orderPlace(s.place)!,
      parcels: s.parcelIds.map((id) => ({ parcelId: id, compartment: trip.parcels.find((tp) => tp.parcelId === id)!.compartment })),
    }));
  }

  async #common(stops: readonly RemainingStop[]): Promise<{ mapId: string; hub: OrderPlace; hubDeviationM: number; codes: Map<string, CodeHash>; waitForRecipientS: number }> {
    const hashes = await this.#o.parcels.codeHashes(stops.flatMap((s) => s.parcelIds));
    return {
      mapId: this.#o.campus.mapId, hub: this.#o.campus.orderPlace(this.#o.campus.hub.id)!, hubDeviationM: this.#o.hubRadiusM ?? 10,
      codes: new Map([...hashes].map(([id, h]) => [id, h.hash])), waitForRecipientS: this.#o.waitForRecipientS ?? 600,
    };
  }

  /**
   * Writes the new order and stop times into the trip row, if it still runs the order we read (compare-and-set on
   * order_id and order_update_id). Stops already visited keep their row entries; the re-routed ones follow in order.
   */
  async #saveTrip(trip: TripRecord, order: VdaBody<'order'>, stops: readonly RemainingStop[], view: RobotView): Promise<boolean> {
    const { campus, config, clock } = this.#o;
    const moved = new Set(stops.map((s) => s.place));
    const visited = trip.stops.filter((s) => !moved.has(s.place));
    const fromHere = this.#legFromRobotS(view, stops[0]!.place) ?? 0;
    const timed = scheduleLiveStops(stops, clock.now(), fromHere, campus.travel, config);
    const { rowCount } = await this.#o.store.execute(
      'UPDATE trips SET order_id = $1, order_update_id = $2, order_body = $3, stops = $4 WHERE id = $5 AND status = $6 AND order_id = $7 AND order_update_id = $8',
      [order.orderId, order.orderUpdateId, toJson(order), toJson([...visited, ...timed.stops]), trip.id, 'sent', trip.orderId, trip.orderUpdateId],
    );
    return rowCount === 1;
  }

  /** Driving time from the robot's position to a place along the path graph, or undefined without a position. */
  #legFromRobotS(view: RobotView, place: PlaceId): number | undefined {
    const p = view.position;
    const target = this.#o.campus.place(place);
    if (p === undefined || target === undefined) return undefined;
    const { map, travel } = this.#o.campus;
    const node = map.edgeIndex.nearestNode(p.x, p.y);
    const costM = map.router.costsFrom(node)[target.node] ?? Infinity;
    const offM = Math.hypot(p.x - map.graph.nodeX[node]!, p.y - map.graph.nodeY[node]!);
    return Number.isFinite(costM) ? (costM + offM) / travel.speedMps : undefined;
  }

  /** A `reroute` history entry on each parcel re-routed, with the dispatcher as actor. */
  async #note(p: Pending, trip: TripRecord, stops: readonly RemainingStop[], method: LiveRerouteMethod, orderId: string): Promise<void> {
    const places = stops.map((s) => s.place);
    await this.#o.store.transaction(async (tx) => {
      for (const [i, s] of stops.entries()) {
        for (const id of s.parcelIds) {
          await this.#o.parcels.recordNote(tx, id, 'reroute', p.actor, { tripId: trip.id, orderId, method, stop: i + 1, stops: places });
        }
      }
    });
  }

  #drop(p: Pending, why: string, error?: unknown): void {
    this.#pending.delete(p.serial);
    const fields = { robot: p.serial, trip: p.tripId, stops: p.stops, why, ...(error === undefined ? {} : { error }) };
    if (error === undefined) this.#log.warn('live re-route dropped', fields);
    else this.#log.error('live re-route dropped', fields);
  }
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** Whether `orderId` is one of the trip's orders: its first (the trip's id) or a replacement `<trip>-r<n>`. */
function isOrderOf(tripId: string, orderId: string): boolean {
  return orderId === tripId || (orderId.startsWith(tripId) && /^-r\d+$/.test(orderId.slice(tripId.length)));
}

/** `<trip>-r<n>`: the trip's n-th replacement order (a new orderId, as §6.6.2 wants after cancelOrder). */
function nextOrderId(trip: TripRecord): string {
  const m = /-r(\d+)$/.exec(trip.orderId);
  return `${trip.id}-r${m === null ? 1 : Number(m[1]) + 1}`;
}
