import { overrideStopOrder } from './buildTrip.ts';
import type { DispatchConfig, PlaceId, TravelModel, TripStop } from './types.ts';

/** A stop of the order a robot is running: the sequenceId of its node, and whether that node is released (base). */
export interface LiveStop {
  place: PlaceId;
  sequenceId: number;
  released: boolean;
  parcelIds: readonly string[];
}

/** A trip under way, as far as a re-route is concerned: the order sent and how far the robot got along it. */
export interface LiveTrip {
  /** The stops in the order's driving order. */
  stops: readonly LiveStop[];
  /** The order's closing hub node. */
  end: { sequenceId: number; released: boolean };
  /** The robot's `lastNodeSequenceId` in this order: nodes up to it are traversed, never visited again. */
  lastNodeSequenceId: number;
  /** Parcels of the trip still aboard and not handed over. A stop left without any is not visited. */
  aboard: ReadonlySet<string>;
}

/** A stop still to visit, with the parcels still aboard for it. */
export interface RemainingStop {
  place: PlaceId;
  parcelIds: string[];
}

/**
 * How a re-route of a trip under way reaches the robot [VDA5050 §6.6.2]:
 * - `unchanged`: the stops still to visit are already in the dispatcher's order; nothing to send.
 * - `update`: an order update (same orderId, higher orderUpdateId) stitched at the last released node
 *   (`stitchSequenceId`), appending `append` after it. Only possible when the released base ends before the closing
 *   hub and the dispatcher's order keeps the base stops not yet reached first, in their order: an update may extend
 *   the base from its last node, never change what was released.
 * - `replace`: anything else: cancelOrder, then a new order from where the robot stands visiting `stops`.
 * - `refused`: `not_on_trip` lists requested places that are not among the stops still to visit (not on the trip,
 *   already visited, or their parcels all handed over); `nothing_left` when no stop is left to visit.
 */
export type LiveRerouteDecision =
  | { kind: 'unchanged'; stops: RemainingStop[] }
  | { kind: 'update'; stops: RemainingStop[]; stitchSequenceId: number; append: RemainingStop[] }
  | { kind: 'replace'; stops: RemainingStop[] }
  | { kind: 'refused'; reason: 'not_on_trip'; places: PlaceId[] }
  | { kind: 'refused'; reason: 'nothing_left' };

/**
 * Decides how to re-route a trip under way so that the stops in `order` come next, in that order; the other stops
 * still to visit keep their order after them (overrideStopOrder). Pure.
 */
export function planLiveReroute(trip: LiveTrip, order: readonly PlaceId[]): LiveRerouteDecision {
  const pending = trip.stops
    .filter((s) => s.sequenceId > trip.lastNodeSequenceId)
    .map((s) => ({ place: s.place, released: s.released, parcelIds: s.parcelIds.filter((id) => trip.aboard.has(id)) }))
    .filter((s) => s.parcelIds.length > 0);
  if (pending.length === 0) return { kind: 'refused', reason: 'nothing_left' };
  const places = new Set(pending.map((s) => s.place));
  const missing = [...new Set(order.filter((p) => !places.has(p)))];
  if (missing.length > 0) return { kind: 'refused', reason: 'not_on_trip', places: missing };

  const next = overrideStopOrder(pending, order);
  const stops = next.map((s) => ({ place: s.place, parcelIds: s.parcelIds }));
  if (next.every((s, i) => s === pending[i])) return { kind: 'unchanged', stops };
  // A base released up to the closing hub can only be extended after the hub: no new stop order fits in an update.
  if (trip.end.released) return { kind: 'replace', stops };
  const base = pending.filter((s) => s.released);
  if (!base.every((s, i) => next[i] === s)) return { kind: 'replace', stops };
  let stitchSequenceId = trip.lastNodeSequenceId;
  for (const s of trip.stops) if (s.released && s.sequenceId > stitchSequenceId) stitchSequenceId = s.sequenceId;
  return { kind: 'update', stops, stitchSequenceId, append: stops.slice(base.length) };
}

/**
 * Arrival and departure times of re-routed stops: the robot reaches the first one `firstLegS` after `nowMs` (it is
 * somewhere between places, so the caller measures that leg), then drives the travel model's legs and dwells as
 * buildTrip does. Also the expected return to the hub.
 */
export function scheduleLiveStops(
  stops: readonly RemainingStop[],
  nowMs: number,
  firstLegS: number,
  travel: TravelModel,
  config: DispatchConfig,
): { stops: TripStop[]; returnAtMs: number } {
  let t = nowMs;
  let prev: PlaceId | undefined;
  const out: TripStop[] = [];
  for (const s of stops) {
    t += (prev === undefined ? firstLegS : travel.travelTimeS(prev, s.place)) * 1000;
    const etaMs = t;
    t += (config.handoverDwellS + s.parcelIds.length * config.handoverPerParcelS) * 1000;
    out.push({ place: s.place, parcelIds: [...s.parcelIds], etaMs, departMs: t });
    prev = s.place;
  }
  if (prev !== undefined) t += travel.travelTimeS(prev, config.hub) * 1000;
  return { stops: out, returnAtMs: t };
}
