import type { DayKpis } from './computeKpis.ts';
import { fmtNum } from './svg/Plot.ts';

/** One line of the KPI table, shared by the terminal table and the HTML report so both say the same thing. */
export interface KpiRow {
  label: string;
  value: string;
  unit: string;
  /** Indented detail under the previous row (returns per reason). */
  sub?: boolean;
}

/** The KPIs as display rows, in reading order; "n/a" where the figure was not measured or has no data. */
export function kpiRows(k: DayKpis): KpiRow[] {
  const v = (x: number | null, decimals = 2) => (x === null ? 'n/a' : fmtNum(x, decimals));
  const rows: KpiRow[] = [
    { label: 'parcels', value: v(k.parcelsTotal, 0), unit: '' },
    { label: 'delivered', value: v(k.parcelsDelivered, 0), unit: k.deliveredPct === null ? '' : `(${fmtNum(k.deliveredPct, 2)} %)` },
    { label: 'returned', value: v(k.parcelsReturned, 0), unit: '' },
  ];
  for (const [reason, n] of Object.entries(k.returnsByReason)) rows.push({ label: reason, value: fmtNum(n, 0), unit: '', sub: true });
  rows.push(
    { label: 'unresolved (stuck or lost)', value: v(k.parcelsUnresolved, 0), unit: '' },
    { label: 'time to delivery p50', value: v(k.deliveryTimeP50Min, 1), unit: 'min' },
    { label: 'time to delivery p95', value: v(k.deliveryTimeP95Min, 1), unit: 'min' },
    { label: 'time to delivery mean / max', value: `${v(k.deliveryTimeMeanMin, 1)} / ${v(k.deliveryTimeMaxMin, 1)}`, unit: 'min' },
    { label: 'recipient wait p50 / p95', value: `${v(k.recipientWaitP50Min, 1)} / ${v(k.recipientWaitP95Min, 1)}`, unit: 'min' },
    { label: 'peak deliveries', value: v(k.peakDeliveriesPerHour, 0), unit: 'per hour' },
    { label: 'robots', value: v(k.robots, 0), unit: '' },
    { label: 'robot utilization', value: v(k.robotUtilizationPct, 1), unit: '%' },
    { label: 'distance driven', value: v(k.distanceKm, 1), unit: 'km' },
    { label: 'energy', value: v(k.energyKWh, 2), unit: 'kWh' },
    { label: 'energy per delivery', value: v(k.energyWhPerDelivery, 1), unit: 'Wh' },
    { label: 'lowest battery', value: v(k.minBatteryPct, 1), unit: '%' },
    { label: 'collisions', value: v(k.collisions, 0), unit: '' },
  );
  for (const [kind, n] of Object.entries(k.collisionsByKind)) if (n > 0) rows.push({ label: kind, value: fmtNum(n, 0), unit: '', sub: true });
  rows.push(
    { label: 'near misses', value: v(k.nearMisses, 0), unit: '' },
    { label: 'localization RMSE', value: v(k.localizationRmseM, 3), unit: 'm' },
    { label: 'cross-track error RMS', value: v(k.crossTrackRmsM, 3), unit: 'm' },
    { label: 'simulated time', value: v(k.simulatedHours, 2), unit: 'h' },
  );
  return rows;
}
