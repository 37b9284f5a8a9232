import { BUSY_STATES, ROBOT_STATES } from './DayRecord.ts';
import type { DayRecord } from './DayRecord.ts';
import { quantileSorted } from './quantile.ts';
import { round, roundN } from './round.ts';

/**
 * The day's key figures, units in the key names, rounded for stable output. A figure that has no data (no parcel
 * delivered, accuracy not measured at this fidelity) is null rather than 0, so a table can show "n/a".
 */
export interface DayKpis {
  parcelsTotal: number;
  parcelsDelivered: number;
  parcelsReturned: number;
  /** Neither delivered nor returned at the end of the day: stuck or lost. */
  parcelsUnresolved: number;
  deliveredPct: number | null;
  /** Returned parcels per reason, reasons sorted; a return without a reason counts under "(none)". */
  returnsByReason: Record<string, number>;
  /** Arrival at the hub → hand-over, minutes, over delivered parcels. */
  deliveryTimeP50Min: number | null;
  deliveryTimeP95Min: number | null;
  deliveryTimeMeanMin: number | null;
  deliveryTimeMaxMin: number | null;
  /** Robot at the drop point → hand-over (how long the robot waited for its recipient), minutes. */
  recipientWaitP50Min: number | null;
  recipientWaitP95Min: number | null;
  peakDeliveriesPerHour: number;
  robots: number;
  /** Busy time over robots × day length. */
  robotUtilizationPct: number | null;
  distanceKm: number;
  energyKWh: number;
  energyWhPerDelivery: number | null;
  collisions: number;
  collisionsByKind: Record<string, number>;
  nearMisses: number;
  /** Fleet RMSE, each robot weighted by its number of estimates. */
  localizationRmseM: number | null;
  crossTrackRmsM: number | null;
  minBatteryPct: number | null;
  simulatedHours: number;
}

const MS_PER_MIN = 60_000;
const MS_PER_H = 3_600_000;

/** Computes the KPIs of a recorded day. Pure; O(parcels log parcels + samples). */
export function computeKpis(record: DayRecord): DayKpis {
  const { params, parcels, robots } = record;
  const dayMs = Math.max(0, params.endMs - params.startMs);

  let delivered = 0;
  let returned = 0;
  let unresolved = 0;
  const reasons = new Map<string, number>();
  const deliveryMs: number[] = [];
  const waitMs: number[] = [];
  const hourly = new Map<number, number>();
  for (const p of parcels) {
    if (p.deliveredAtMs !== undefined) {
      delivered++;
      deliveryMs.push(p.deliveredAtMs - p.arrivedAtMs);
      if (p.awaitingPickupAtMs !== undefined) waitMs.push(p.deliveredAtMs - p.awaitingPickupAtMs);
      const hour = Math.floor((p.deliveredAtMs - params.startMs) / MS_PER_H);
      hourly.set(hour, (hourly.get(hour) ?? 0) + 1);
    } else if (p.returnedAtMs !== undefined) {
      returned++;
      const reason = p.returnReason === undefined || p.returnReason === '' ? '(none)' : p.returnReason;
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    } else {
      unresolved++;
    }
  }
  const d = Float64Array.from(deliveryMs).sort();
  const w = Float64Array.from(waitMs).sort();
  let sumDelivery = 0;
  for (const x of d) sumDelivery += x;

  let distanceM = 0;
  let energyWh = 0;
  let busyMs = 0;
  let locSq = 0;
  let locN = 0;
  let xtSq = 0;
  let xtN = 0;
  let minBattery = Number.POSITIVE_INFINITY;
  for (const r of robots) {
    distanceM += r.distanceM;
    energyWh += r.energyWh;
    busyMs += r.busyMs;
    if (r.locRmseM !== null && r.locSamples > 0) {
      locSq += r.locRmseM * r.locRmseM * r.locSamples;
      locN += r.locSamples;
    }
    if (r.crossTrackRmsM !== null && r.crossTrackSamples > 0) {
      xtSq += r.crossTrackRmsM * r.crossTrackRmsM * r.crossTrackSamples;
      xtN += r.crossTrackSamples;
    }
    minBattery = Math.min(minBattery, r.minBatteryPct);
  }
  const fleetSize = Math.max(robots.length, params.robots);
  let utilization: number | null = null;
  if (busyMs > 0 && fleetSize > 0 && dayMs > 0) utilization = busyMs / (fleetSize * dayMs);
  else utilization = sampledUtilization(record);

  const returnsByReason: Record<string, number> = {};
  for (const k of [...reasons.keys()].sort()) returnsByReason[k] = reasons.get(k)!;
  const collisionsByKind: Record<string, number> = {};
  for (const k of Object.keys(record.contacts.collisionsByKind).sort()) collisionsByKind[k] = record.contacts.collisionsByKind[k]!;

  return {
    parcelsTotal: parcels.length,
    parcelsDelivered: delivered,
    parcelsReturned: returned,
    parcelsUnresolved: unresolved,
    deliveredPct: parcels.length > 0 ? round((100 * delivered) / parcels.length, 2) : null,
    returnsByReason,
    deliveryTimeP50Min: round(quantileSorted(d, 0.5) / MS_PER_MIN, 2),
    deliveryTimeP95Min: round(quantileSorted(d, 0.95) / MS_PER_MIN, 2),
    deliveryTimeMeanMin: d.length > 0 ? round(sumDelivery / d.length / MS_PER_MIN, 2) : null,
    deliveryTimeMaxMin: d.length > 0 ? round(d[d.length - 1]! / MS_PER_MIN, 2) : null,
    recipientWaitP50Min: round(quantileSorted(w, 0.5) / MS_PER_MIN, 2),
    recipientWaitP95Min: round(quantileSorted(w, 0.95) / MS_PER_MIN, 2),
    peakDeliveriesPerHour: Math.max(0, ...hourly.values()),
    robots: fleetSize,
    robotUtilizationPct: utilization === null ? null : round(100 * utilization, 2),
    distanceKm: roundN(distanceM / 1000, 3),
    energyKWh: roundN(energyWh / 1000, 3),
    energyWhPerDelivery: delivered > 0 ? round(energyWh / delivered, 2) : null,
    collisions: record.contacts.collisions,
    collisionsByKind,
    nearMisses: record.contacts.nearMisses,
    localizationRmseM: locN > 0 ? round(Math.sqrt(locSq / locN), 4) : null,
    crossTrackRmsM: xtN > 0 ? round(Math.sqrt(xtSq / xtN), 4) : null,
    minBatteryPct: robots.length > 0 ? round(minBattery, 2) : null,
    simulatedHours: roundN(dayMs / MS_PER_H, 3),
  };
}

// When the runner kept no busy time, the fraction of fleet samples in a working state estimates it.
function sampledUtilization(record: DayRecord): number | null {
  const { samples } = record;
  if (samples.count === 0) return null;
  const busy = ROBOT_STATES.map((s) => BUSY_STATES.has(s));
  let n = 0;
  for (let i = 0; i < samples.count; i++) if (busy[samples.state[i]!]) n++;
  return n / samples.count;
}
