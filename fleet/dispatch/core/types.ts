/**
 * Plain data for trip planning. Absolute times are ms since the epoch (the project's Clock); durations are seconds;
 * distances metres; energy watt-hours. Place ids are the campus map's named places (hub, building drop points).
 */

export type PlaceId = string;

/** Travel between places, backed by a precomputed matrix (see createMatrixTravelModel). Unreachable is Infinity. */
export interface TravelModel {
  travelTimeS(from: PlaceId, to: PlaceId): number;
  distanceM(from: PlaceId, to: PlaceId): number;
}

/** A parcel at the hub waiting for a trip. */
export interface WaitingParcel {
  id: string;
  destination: PlaceId;
  /** When it became waiting (received at the hub, or requeued); older parcels go first. */
  readyAtMs: number;
  /** Higher goes first, before age. Default 0. */
  priority?: number;
  /** Dispatcher hold: never planned while set. */
  held?: boolean;
  /** Dispatcher override: only this robot may carry it, and it is planned before any free parcel. */
  pinnedRobot?: string;
  /** Delivery attempts already made (no-shows); at `maxDeliveryAttempts` it is returned, not planned. */
  attempts?: number;
}

export type RobotState = 'idle_at_hub' | 'on_trip' | 'charging' | 'offline' | 'paused';

/** Energy use: driving costs `whPerM` per metre, and the electronics draw `idleW` all trip long (dwell included). */
export interface EnergyModel {
  capacityWh: number;
  whPerM: number;
  idleW: number;
}

export interface DispatchRobot {
  serial: string;
  state: RobotState;
  /** Free compartments, one parcel each, numbered 1..compartments. */
  compartments: number;
  batteryPct: number;
  energy: EnergyModel;
  /** on_trip: expected return to the hub. Its `batteryPct` should then be the expected charge on return. */
  returnAtMs?: number;
  /** charging: the dock it occupies and since when. */
  dockId?: string;
  dockedAtMs?: number;
}

/** Fixed per planner (rmf_task's Configuration). Build with createDispatchConfig for defaults and validation. */
export interface DispatchConfig {
  /** Where every trip starts and ends. */
  hub: PlaceId;
  /** Hub loading time per parcel, s. */
  loadPerParcelS: number;
  /** Handover dwell per stop (recipients walk down, no-show timeout), s. */
  handoverDwellS: number;
  /** Extra dwell per parcel handed over at a stop, s. */
  handoverPerParcelS: number;
  /** A trip never lasts longer than this (loading to return), s: bounds the wait of its last recipient. */
  maxTripDurationS: number;
  /** Battery that must remain on return to the hub, % of capacity. */
  batteryReservePct: number;
  /** Trip energy estimates are multiplied by this before the battery check (estimate error, detours). */
  energyMarginFactor: number;
  /** After this many failed deliveries a parcel is returned to sender. */
  maxDeliveryAttempts: number;
  /** A no-show parcel is eligible again this long after it is back at the hub, s. */
  redeliveryDelayS: number;
  /** An offline robot's parcels are re-planned after this long, s. */
  robotFailureTimeoutS: number;
  /** Trips with at most this many stops are ordered exactly (Held–Karp); longer ones by 2-opt + or-opt. */
  exactStopLimit: number;
  /**
   * How parcels are chosen for the free compartments. `oldest`: the oldest parcels, wherever they go. `byPlace`: the
   * oldest parcel's place with every other parcel waiting for it, then the next oldest parcel's place, and so on —
   * full single-building loads, many recipients per stop, when the shelf holds more than the fleet can carry.
   */
  selection: 'oldest' | 'byPlace';
}

/** Per call (rmf_task's Options). */
export interface PlanOptions {
  /** Also plan for on_trip robots back at the hub within this many ms (their trip starts on return). Default 0. */
  horizonMs?: number;
  /** Dispatcher re-route override: robot serial → stop order. Listed places go first in that order. */
  routeOverrides?: Readonly<Record<string, readonly PlaceId[]>>;
  /**
   * List the parcels that wait only for a free compartment (`no_capacity`) in `unassigned`. Default true. A caller that
   * reads only the other reasons passes false: a busy shelf leaves thousands of parcels over capacity every run, and
   * listing and sorting them was most of a plan. The trips and the stats are the same either way.
   */
  reportNoCapacity?: boolean;
}

export interface PlanInput {
  nowMs: number;
  parcels: readonly WaitingParcel[];
  robots: readonly DispatchRobot[];
  travel: TravelModel;
}

export interface TripStop {
  place: PlaceId;
  parcelIds: string[];
  /** Arrival at the stop. */
  etaMs: number;
  /** Leaves the stop after the handover dwell. */
  departMs: number;
}

export interface Trip {
  robot: string;
  /** Loading starts (robot available at the hub). */
  startAtMs: number;
  /** Leaves the hub after loading. */
  departAtMs: number;
  returnAtMs: number;
  parcels: { parcelId: string; compartment: number; place: PlaceId }[];
  stops: TripStop[];
  distanceM: number;
  /** Loading, driving and dwell: returnAtMs − startAtMs, s. */
  durationS: number;
  /** Estimated energy, before the margin factor. */
  energyWh: number;
  batteryAtReturnPct: number;
}

/**
 * Why a parcel is not in a trip. Each says what would change the answer.
 * - held: a dispatcher hold. Remedy: release the hold.
 * - not_ready: readyAtMs is in the future. Remedy: plan again then.
 * - unreachable: no route hub → destination → hub. Remedy: fix the map or the address.
 * - attempts_exhausted: too many no-shows. Remedy: return to sender (see handleUnclaimed).
 * - no_capacity: every compartment of every available robot is taken by older/higher-priority parcels this round.
 *   Remedy: none needed, it waits for the next round (more robots would help).
 * - no_robot_available: its trip was formed but more trips than robots. Remedy: waits for the next round.
 * - low_battery: no available robot has the energy for any trip carrying it (`neededWh` with margin and reserve).
 *   Remedy: charge robots (chargingPolicy), or lower the reserve.
 * - trip_too_long: even alone its trip would exceed maxTripDurationS. Remedy: raise the limit or check the map.
 * - pinned_robot_unavailable: pinned to a robot that is not at the hub. Remedy: wait, or unpin.
 * - pinned_robot_full: more parcels pinned to the robot than it has compartments. Remedy: next trip, or unpin.
 */
export type UnassignedReason =
  | { kind: 'held' }
  | { kind: 'not_ready'; readyAtMs: number }
  | { kind: 'unreachable' }
  | { kind: 'attempts_exhausted'; attempts: number }
  | { kind: 'no_capacity' }
  | { kind: 'no_robot_available' }
  | { kind: 'low_battery'; neededWh: number; bestAvailableWh: number }
  | { kind: 'trip_too_long'; durationS: number }
  | { kind: 'pinned_robot_unavailable'; robot: string; state: RobotState | 'unknown' }
  | { kind: 'pinned_robot_full'; robot: string };

export interface Unassigned {
  parcelId: string;
  reason: UnassignedReason;
}

export interface PlanStats {
  eligibleParcels: number;
  plannedParcels: number;
  availableRobots: number;
  trips: number;
  totalDistanceM: number;
  /** Planned parcels / compartments of the robots given trips. */
  meanFill: number;
}

export interface PlanResult {
  trips: Trip[];
  unassigned: Unassigned[];
  stats: PlanStats;
}
