import { ROBOT_STATES } from './DayRecord.ts';
import type { DayRecord, RobotState } from './DayRecord.ts';

/** The time series the report plots, derived from a DayRecord. Times are simulated ms. */
export interface DaySeries {
  /** Start of each clock-hour bin (aligned to the hour of the shown clock). */
  hourStartMs: number[];
  deliveredPerHour: number[];
  returnedPerHour: number[];
  /** Arrival → hand-over of each delivered parcel, minutes, sorted ascending. */
  deliveryTimesMin: Float64Array;
  /** Instants at which the parcel queue was counted. */
  queueTMs: number[];
  /** Arrived at the hub, not yet loaded on a robot. */
  queueWaiting: number[];
  /** Loaded, on the way (or coming back). */
  queueOnRobots: number[];
  /** Robot at the drop point, recipient not there yet. */
  queueAwaitingPickup: number[];
  /** Centre of each fleet bin. */
  fleetTMs: number[];
  /** Mean number of robots in each state per fleet bin. */
  robotsInState: Record<RobotState, number[]>;
  batteryMinPct: number[];
  batteryMeanPct: number[];
  batteryMaxPct: number[];
}

export interface DaySeriesOptions {
  /** Spacing of the parcel-queue counts. Default 5 min. */
  queueStepMs?: number;
  /** Width of the robot-state and battery bins. Default 10 min. */
  fleetBinMs?: number;
}

const HOUR_MS = 3_600_000;

/** Derives the plotted series. Pure; O(parcels + samples + bins). */
export function daySeries(record: DayRecord, options: DaySeriesOptions = {}): DaySeries {
  const { params, parcels, samples } = record;
  const startMs = params.startMs;
  const endMs = Math.max(params.endMs, startMs);
  const offsetMs = (params.utcOffsetMin ?? 0) * 60_000;

  // Hourly bins aligned to the shown clock, covering [startMs, endMs].
  const firstHour = Math.floor((startMs + offsetMs) / HOUR_MS) * HOUR_MS - offsetMs;
  const hours = Math.max(1, Math.ceil((endMs - firstHour) / HOUR_MS));
  const hourStartMs = Array.from({ length: hours }, (_, i) => firstHour + i * HOUR_MS);
  const deliveredPerHour = new Array<number>(hours).fill(0);
  const returnedPerHour = new Array<number>(hours).fill(0);
  const hourOf = (t: number) => clampIndex(Math.floor((t - firstHour) / HOUR_MS), hours);

  const stepMs = options.queueStepMs ?? 300_000;
  const steps = Math.floor((endMs - startMs) / stepMs) + 1;
  const queueTMs = Array.from({ length: steps }, (_, k) => startMs + k * stepMs);
  const dWaiting = new Float64Array(steps + 1);
  const dOnRobots = new Float64Array(steps + 1);
  const dAwaiting = new Float64Array(steps + 1);
  // A parcel in a state during [a, b) is counted at every grid instant t_k with a ≤ t_k < b.
  const addInterval = (diff: Float64Array, a: number | undefined, b: number | undefined) => {
    if (a === undefined) return;
    const from = Math.max(0, Math.ceil((a - startMs) / stepMs));
    const to = Math.min(steps, b === undefined ? steps : Math.ceil((b - startMs) / stepMs));
    if (to <= from) return;
    diff[from]! += 1;
    diff[to]! -= 1;
  };

  const times: number[] = [];
  for (const p of parcels) {
    const end = p.deliveredAtMs ?? p.returnedAtMs;
    if (p.deliveredAtMs !== undefined) {
      deliveredPerHour[hourOf(p.deliveredAtMs)]!++;
      times.push((p.deliveredAtMs - p.arrivedAtMs) / 60_000);
    } else if (p.returnedAtMs !== undefined) {
      returnedPerHour[hourOf(p.returnedAtMs)]!++;
    }
    const boarded = p.loadedAtMs ?? p.outForDeliveryAtMs ?? p.awaitingPickupAtMs;
    addInterval(dWaiting, p.arrivedAtMs, boarded ?? end);
    if (boarded !== undefined && boarded !== p.awaitingPickupAtMs) addInterval(dOnRobots, boarded, p.awaitingPickupAtMs ?? end);
    addInterval(dAwaiting, p.awaitingPickupAtMs, end);
  }

  const binMs = options.fleetBinMs ?? 600_000;
  const bins = Math.max(1, Math.ceil((endMs - startMs) / binMs));
  const fleetTMs = Array.from({ length: bins }, (_, i) => Math.min(endMs, startMs + (i + 0.5) * binMs));
  const nStates = ROBOT_STATES.length;
  const stateCounts = new Float64Array(bins * nStates);
  const binCount = new Float64Array(bins);
  const bMin = new Float64Array(bins).fill(Number.POSITIVE_INFINITY);
  const bMax = new Float64Array(bins).fill(Number.NEGATIVE_INFINITY);
  const bSum = new Float64Array(bins);
  for (let i = 0; i < samples.count; i++) {
    const b = clampIndex(Math.floor((samples.tMs[i]! - startMs) / binMs), bins);
    stateCounts[b * nStates + samples.state[i]!]!++;
    binCount[b]!++;
    const battery = samples.batteryPct[i]!;
    if (battery < bMin[b]!) bMin[b] = battery;
    if (battery > bMax[b]!) bMax[b] = battery;
    bSum[b]! += battery;
  }
  const fleetSize = Math.max(record.robots.length, 1);
  const robotsInState = {} as Record<RobotState, number[]>;
  ROBOT_STATES.forEach((s, si) => {
    robotsInState[s] = Array.from({ length: bins }, (_, b) =>
      binCount[b]! > 0 ? (stateCounts[b * nStates + si]! * fleetSize) / binCount[b]! : Number.NaN,
    );
  });
  const perBin = (f: (b: number) => number) => Array.from({ length: bins }, (_, b) => (binCount[b]! > 0 ? f(b) : Number.NaN));

  return {
    hourStartMs,
    deliveredPerHour,
    returnedPerHour,
    deliveryTimesMin: Float64Array.from(times).sort(),
    queueTMs,
    queueWaiting: prefixSum(dWaiting, steps),
    queueOnRobots: prefixSum(dOnRobots, steps),
    queueAwaitingPickup: prefixSum(dAwaiting, steps),
    fleetTMs,
    robotsInState,
    batteryMinPct: perBin((b) => bMin[b]!),
    batteryMeanPct: perBin((b) => bSum[b]! / binCount[b]!),
    batteryMaxPct: perBin((b) => bMax[b]!),
  };
}

function clampIndex(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

function prefixSum(diff: Float64Array, n: number): number[] {
  const out = new Array<number>(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += diff[i]!;
    out[i] = acc;
  }
  return out;
}
