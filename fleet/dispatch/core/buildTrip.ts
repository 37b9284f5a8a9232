import type { DispatchConfig, DispatchRobot, PlaceId, TravelModel, Trip, TripStop, WaitingParcel } from './types.ts';

/** Energy a robot spends on a trip of this length and duration, before the margin factor. */
export function tripEnergyWh(robot: DispatchRobot, distanceM: number, durationS: number): number {
  return distanceM * robot.energy.whPerM + (durationS * robot.energy.idleW) / 3600;
}

/** Energy the robot may spend and still return with the reserve, Wh. */
export function usableEnergyWh(robot: DispatchRobot, config: DispatchConfig): number {
  return ((robot.batteryPct - config.batteryReservePct) / 100) * robot.energy.capacityWh;
}

/**
 * Turns an ordered list of stops into a Trip: compartments numbered 1.. in stop order (the first recipient's parcels
 * in the first compartments), ETAs from loading at `startAtMs`, distance, duration and energy.
 */
export function buildTrip(
  robot: DispatchRobot,
  startAtMs: number,
  stops: readonly { place: PlaceId; parcels: readonly WaitingParcel[] }[],
  travel: TravelModel,
  config: DispatchConfig,
): Trip {
  let load = 0;
  for (const s of stops) load += s.parcels.length;
  const departAtMs = startAtMs + load * config.loadPerParcelS * 1000;
  let t = departAtMs, prev = config.hub, distanceM = 0, compartment = 0;
  const outStops: TripStop[] = [];
  const parcels: Trip['parcels'] = [];
  for (const s of stops) {
    distanceM += travel.distanceM(prev, s.place);
    t += travel.travelTimeS(prev, s.place) * 1000;
    const etaMs = t;
    t += (config.handoverDwellS + s.parcels.length * config.handoverPerParcelS) * 1000;
    outStops.push({ place: s.place, parcelIds: s.parcels.map((p) => p.id), etaMs, departMs: t });
    for (const p of s.parcels) parcels.push({ parcelId: p.id, compartment: ++compartment, place: s.place });
    prev = s.place;
  }
  distanceM += travel.distanceM(prev, config.hub);
  t += travel.travelTimeS(prev, config.hub) * 1000;
  const durationS = (t - startAtMs) / 1000;
  const energyWh = tripEnergyWh(robot, distanceM, durationS);
  return {
    robot: robot.serial,
    startAtMs,
    departAtMs,
    returnAtMs: t,
    parcels,
    stops: outStops,
    distanceM,
    durationS,
    energyWh,
    batteryAtReturnPct: robot.batteryPct - (energyWh / robot.energy.capacityWh) * 100,
  };
}

/**
 * The dispatcher's stop order applied to stops in their planned order: the listed places go first, in the listed order
 * (a place listed twice counts where it is first listed); the stops the list does not name keep their planned order
 * after them; listed places that are not among `stops` are ignored (callers that must refuse them check first).
 */
export function overrideStopOrder<S extends { place: PlaceId }>(stops: readonly S[], order: readonly PlaceId[]): S[] {
  const rank = new Map<PlaceId, number>();
  order.forEach((p, i) => {
    if (!rank.has(p)) rank.set(p, i);
  });
  return stops
    .map((s, i) => ({ s, key: rank.get(s.place) ?? order.length + i }))
    .sort((a, b) => a.key - b.key)
    .map(({ s }) => s);
}

/**
 * Applies a dispatcher re-route override to a planned trip (overrideStopOrder). ETAs, distance and energy are
 * recomputed. The override wins even when it is longer: that is the dispatcher's call.
 */
export function rerouteTrip(
  trip: Trip,
  order: readonly PlaceId[],
  robot: DispatchRobot,
  parcelsById: ReadonlyMap<string, WaitingParcel>,
  travel: TravelModel,
  config: DispatchConfig,
): Trip {
  const stops = overrideStopOrder(trip.stops, order).map((s) => ({ place: s.place, parcels: s.parcelIds.map((id) => parcelsById.get(id)!) }));
  return buildTrip(robot, trip.startAtMs, stops, travel, config);
}
