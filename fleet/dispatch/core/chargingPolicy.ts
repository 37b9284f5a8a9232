import { DispatchConfigError } from './DispatchConfigError.ts';
import type { DispatchRobot } from './types.ts';

export interface Dock {
  id: string;
  /** Serial of the robot on it, if any. */
  occupiedBy?: string;
}

/** Thresholds in % of battery capacity (X, Y, Z of the issue) and the anti-thrash dwell. */
export interface ChargingConfig {
  /** X: an idle robot below this goes to charge (queues when every dock is taken). */
  chargeBelowPct: number;
  /** Y: a charging robot at or above this leaves the dock. */
  chargedPct: number;
  /** Z: under high demand a charging robot at or above this leaves early. */
  demandLeavePct: number;
  /** Under low demand an idle robot below this takes a free dock (never queues for one). */
  opportunisticBelowPct: number;
  /** A robot stays at least this long on a dock before leaving for demand, s (avoids dock thrash). */
  minDockS: number;
}

export const defaultChargingConfig: ChargingConfig = {
  chargeBelowPct: 30,
  chargedPct: 90,
  demandLeavePct: 60,
  opportunisticBelowPct: 70,
  minDockS: 600,
};

export interface ChargingOptions {
  /** True when parcels wait for robots (the caller decides, e.g. waiting parcels > free compartments). */
  demandHigh?: boolean;
  /** Dispatcher override: send these robots to charge whatever their battery (still needs a dock). */
  forceCharge?: readonly string[];
}

export type ChargingDecision =
  | { serial: string; kind: 'go_to_dock'; dockId: string }
  | { serial: string; kind: 'queue'; position: number }
  | { serial: string; kind: 'leave_dock'; dockId: string; reason: 'charged' | 'demand' };

/**
 * Decides who charges where, from scratch each call (no hidden queue state, so a restarted server decides the same):
 * 1. a docked (charging) robot leaves at `chargedPct`, or early at `demandLeavePct` when demand is high and it has
 *    been docked `minDockS`; its dock is free for this same round;
 * 2. idle robots that must charge (forced by the dispatcher, or below `chargeBelowPct`) take free docks, forced
 *    first then lowest battery first, ties by serial; the rest get a queue position;
 * 3. when demand is low, idle robots below `opportunisticBelowPct` take any dock still free, lowest first.
 * Robots with no decision carry on as they are. Docks are handed out in id order.
 * @throws DispatchConfigError for thresholds out of order.
 */
export function chargingPolicy(
  robots: readonly DispatchRobot[],
  docks: readonly Dock[],
  nowMs: number,
  config: ChargingConfig = defaultChargingConfig,
  options: ChargingOptions = {},
): ChargingDecision[] {
  if (!(config.chargeBelowPct <= config.demandLeavePct && config.demandLeavePct <= config.chargedPct)) {
    throw new DispatchConfigError(`chargingPolicy: need chargeBelowPct ≤ demandLeavePct ≤ chargedPct, got ` +
      `${config.chargeBelowPct}, ${config.demandLeavePct}, ${config.chargedPct}`);
  }
  const decisions: ChargingDecision[] = [];
  const bySerial = [...robots].sort((a, b) => (a.serial < b.serial ? -1 : a.serial > b.serial ? 1 : 0));
  const occupant = new Map<string, string | undefined>();
  for (const d of [...docks].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) occupant.set(d.id, d.occupiedBy);
  for (const r of bySerial) if (r.state === 'charging' && r.dockId !== undefined && occupant.has(r.dockId)) occupant.set(r.dockId, r.serial);

  const forced = new Set(options.forceCharge ?? []);
  for (const r of bySerial) {
    if (r.state !== 'charging' || r.dockId === undefined || forced.has(r.serial)) continue;
    const dockedS = r.dockedAtMs === undefined ? Infinity : (nowMs - r.dockedAtMs) / 1000;
    let reason: 'charged' | 'demand' | undefined;
    if (r.batteryPct >= config.chargedPct) reason = 'charged';
    else if (options.demandHigh && r.batteryPct >= config.demandLeavePct && dockedS >= config.minDockS) reason = 'demand';
    if (reason) {
      decisions.push({ serial: r.serial, kind: 'leave_dock', dockId: r.dockId, reason });
      if (occupant.get(r.dockId) === r.serial) occupant.set(r.dockId, undefined);
    }
  }
  const freeDocks = [...occupant.entries()].filter(([, who]) => who === undefined).map(([id]) => id);

  const idle = bySerial.filter((r) => r.state === 'idle_at_hub' || (r.state === 'paused' && forced.has(r.serial)));
  const byNeed = (a: DispatchRobot, b: DispatchRobot) =>
    Number(forced.has(b.serial)) - Number(forced.has(a.serial)) || a.batteryPct - b.batteryPct ||
    (a.serial < b.serial ? -1 : a.serial > b.serial ? 1 : 0);
  const must = idle.filter((r) => forced.has(r.serial) || r.batteryPct < config.chargeBelowPct).sort(byNeed);
  let position = 0;
  for (const r of must) {
    const dockId = freeDocks.shift();
    if (dockId !== undefined) decisions.push({ serial: r.serial, kind: 'go_to_dock', dockId });
    else decisions.push({ serial: r.serial, kind: 'queue', position: ++position });
  }
  if (!options.demandHigh) {
    const mustSet = new Set(must.map((r) => r.serial));
    const topUp = idle.filter((r) => !mustSet.has(r.serial) && r.batteryPct < config.opportunisticBelowPct).sort(byNeed);
    for (const r of topUp) {
      const dockId = freeDocks.shift();
      if (dockId === undefined) break;
      decisions.push({ serial: r.serial, kind: 'go_to_dock', dockId });
    }
  }
  return decisions;
}
