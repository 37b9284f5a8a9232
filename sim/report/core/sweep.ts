import type { DayKpis } from './computeKpis.ts';
import type { RunParams } from './DayRecord.ts';
import type { DayVerdict } from './validateDay.ts';
import { round } from './round.ts';

/** One day of a fleet-size sweep. */
export interface SweepRun {
  params: RunParams;
  kpis: DayKpis;
  verdict: DayVerdict;
}

/**
 * What a fleet costs per day, for capacity planning. The defaults are planning assumptions, not quotes: a delivery
 * robot around ¥60,000 written off over 3 years plus upkeep ≈ ¥80 a day, and campus electricity ≈ ¥0.6/kWh.
 */
export interface CostModel {
  currency: string;
  robotPerDay: number;
  energyPerKWh: number;
}

export const DEFAULT_COST_MODEL: CostModel = { currency: 'CNY', robotPerDay: 80, energyPerKWh: 0.6 };

/** A sweep row as plotted and saved. */
export interface SweepRow {
  robots: number;
  passed: boolean;
  parcelsDelivered: number;
  deliveryTimeP50Min: number | null;
  deliveryTimeP95Min: number | null;
  robotUtilizationPct: number | null;
  costPerDay: number;
  costPerParcel: number | null;
}

/** Fleet cost of a run: the robots are owned for whole calendar days (a 16 h day costs a day), plus energy. */
export function dayCost(run: SweepRun, model: CostModel = DEFAULT_COST_MODEL): number {
  const days = Math.max(1, Math.ceil(run.kpis.simulatedHours / 24 - 1e-9));
  return run.kpis.robots * model.robotPerDay * days + run.kpis.energyKWh * model.energyPerKWh;
}

/** Rows sorted by fleet size, with cost per delivered parcel. */
export function sweepRows(runs: readonly SweepRun[], model: CostModel = DEFAULT_COST_MODEL): SweepRow[] {
  return [...runs]
    .sort((a, b) => a.kpis.robots - b.kpis.robots)
    .map((r) => {
      const cost = dayCost(r, model);
      return {
        robots: r.kpis.robots,
        passed: r.verdict.passed,
        parcelsDelivered: r.kpis.parcelsDelivered,
        deliveryTimeP50Min: r.kpis.deliveryTimeP50Min,
        deliveryTimeP95Min: r.kpis.deliveryTimeP95Min,
        robotUtilizationPct: r.kpis.robotUtilizationPct,
        costPerDay: round(cost, 2) ?? 0,
        costPerParcel: r.kpis.parcelsDelivered > 0 ? round(cost / r.kpis.parcelsDelivered, 3) : null,
      };
    });
}
