import type { Vec2 } from '../../../maps/core/types.ts';
import type { DayKpis } from './computeKpis.ts';
import { ROBOT_STATES } from './DayRecord.ts';
import type { DayRecord, RobotState, RunParams } from './DayRecord.ts';
import { daySeries } from './daySeries.ts';
import type { DaySeries } from './daySeries.ts';
import { kpiRows } from './kpiRows.ts';
import { quantileSorted } from './quantile.ts';
import { bandChart } from './svg/bandChart.ts';
import { barChart } from './svg/barChart.ts';
import { heatMap } from './svg/heatMap.ts';
import { histogram } from './svg/histogram.ts';
import { lineChart } from './svg/lineChart.ts';
import { clockLabel, esc, fmtNum, PALETTE } from './svg/Plot.ts';
import { stackedArea } from './svg/stackedArea.ts';
import { DAY_RULES } from './validateDay.ts';
import type { DayVerdict } from './validateDay.ts';

/** Campus geometry for the traffic heat map, as plain metric data (edges indexed like DayRecord.edgeTraversals). */
export interface CampusGeometry {
  edges: readonly (readonly Vec2[])[];
  buildings: readonly (readonly Vec2[])[];
  attribution: string;
}

export interface ReportInput {
  record: DayRecord;
  kpis: DayKpis;
  verdict: DayVerdict;
  /** Omit to draw the heat map panel as "no campus geometry". */
  campus?: CampusGeometry;
  /** Precomputed series; derived from the record when absent. */
  series?: DaySeries;
  /** Battery level the fleet sends robots to charge at, drawn on the battery chart. */
  lowBatteryPct?: number;
}

/** Colours of robot states in the stacked chart: working states in blues/greens, trouble in vermillion/black. */
export const STATE_COLOURS: Record<RobotState, string> = {
  driving: PALETTE.blue,
  waiting_handover: PALETTE.sky,
  loading: PALETTE.orange,
  returning: PALETTE.purple,
  charging: PALETTE.green,
  idle: '#c8c8c8',
  paused: PALETTE.yellow,
  fault: PALETTE.vermillion,
  offline: '#333333',
};

export const REPORT_CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI","DejaVu Sans",Arial,sans-serif;margin:0;background:#f6f6f4;color:#1d1d1d;line-height:1.45}
main{max-width:960px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.2em;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#555;margin:0 0 16px}
table{border-collapse:collapse;background:#fff;font-variant-numeric:tabular-nums}
td,th{padding:4px 12px;border-bottom:1px solid #eee;text-align:left}
td.num{text-align:right}td.sub{padding-left:28px;color:#555}
.params td:first-child{color:#555}
.verdict{padding:12px 16px;border-radius:6px;margin:16px 0;font-weight:600}
.verdict.pass{background:#e3f4ea;border:1px solid #2e7d4f;color:#1b5e35}
.verdict.fail{background:#fbe9e4;border:1px solid #b3401d;color:#8a2a0c}
.verdict ul{font-weight:400;margin:8px 0 0 0;padding-left:20px}
.verdict code{font-size:.9em}
figure{background:#fff;margin:16px 0;padding:12px;border:1px solid #e2e2e2;border-radius:6px}
figure svg{width:100%;height:auto;display:block}
figcaption{color:#444;font-size:.92em;margin-top:6px}
details{margin:12px 0}summary{cursor:pointer;color:#0b5394}
footer{color:#777;font-size:.85em;margin-top:40px}
`;

/**
 * The day's report as one self-contained HTML page: inline CSS and SVG, no script, no external URL, so it opens
 * offline and the same record renders to the same bytes.
 */
/** The opening of a self-contained report page (inline CSS, no external URLs) up to its title heading. */
export function pageStart(title: string): string[] {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${esc(title)}</h1>`,
  ];
}

export function renderHtml(input: ReportInput): string {
  const { record, kpis, verdict } = input;
  const p = record.params;
  const s = input.series ?? daySeries(record);
  const off = p.utcOffsetMin ?? 0;
  const title = `Delivery day on ${p.campus}: ${fmtNum(p.parcels, 0)} parcels, ${p.robots} robots, seed ${p.seed}`;

  const p50 = kpis.deliveryTimeP50Min;
  const p95 = kpis.deliveryTimeP95Min;
  const markers = [
    ...(p50 !== null ? [{ label: 'p50', value: p50 }] : []),
    ...(p95 !== null ? [{ label: 'p95', value: p95 }] : []),
  ];
  const figures: string[] = [
    figure(
      barChart({
        title: 'Deliveries per hour',
        categories: s.hourStartMs.map((t) => clockLabel(t, off)),
        series: [
          { name: 'delivered', values: s.deliveredPerHour, colour: PALETTE.blue },
          { name: 'returned', values: s.returnedPerHour, colour: PALETTE.vermillion },
        ],
        xLabel: 'hour starting at',
        yLabel: 'parcels',
      }),
      'Parcels handed over (blue) and sent back to the hub (vermillion) in each clock hour. Bars should follow the arrival waves with a lag; a flat top means the fleet is at capacity.',
    ),
    figure(
      histogram({
        title: 'Time from arrival to delivery',
        values: s.deliveryTimesMin,
        markers,
        maxValue: tailCut(s.deliveryTimesMin),
        unit: 'min',
        xLabel: 'arrival at the hub → hand-over (min)',
        yLabel: 'parcels',
      }),
      'Distribution over delivered parcels; dashed lines mark the median (p50) and the 95th percentile (p95). A long right tail means parcels waited at the hub or recipients came late.',
    ),
    figure(
      lineChart({
        title: 'Parcel queue over the day',
        tMs: s.queueTMs,
        series: [
          { name: 'waiting at the hub', values: s.queueWaiting, colour: PALETTE.vermillion },
          { name: 'on robots', values: s.queueOnRobots, colour: PALETTE.blue },
          { name: 'awaiting pickup', values: s.queueAwaitingPickup, colour: PALETTE.green, dashed: true },
        ],
        yLabel: 'parcels',
        utcOffsetMin: off,
        startMs: p.startMs,
        endMs: p.endMs,
      }),
      'How many parcels are in each stage at every moment. A hub queue that keeps growing through the day means too few robots; one that drains after each truck wave is healthy.',
    ),
    figure(
      stackedArea({
        title: 'Robot states over the day',
        tMs: s.fleetTMs,
        series: ROBOT_STATES.map((st) => ({ name: st.replace('_', ' '), values: s.robotsInState[st], colour: STATE_COLOURS[st] })),
        yLabel: 'robots',
        yMax: Math.max(p.robots, record.robots.length),
        utcOffsetMin: off,
        startMs: p.startMs,
        endMs: p.endMs,
      }),
      'Mean number of robots in each state per 10-minute bin, stacked up to the fleet size. Grey (idle) is spare capacity; vermillion and black (fault, offline) should stay thin.',
    ),
    figure(
      bandChart({
        title: 'Battery across the fleet',
        tMs: s.fleetTMs,
        min: s.batteryMinPct,
        mean: s.batteryMeanPct,
        max: s.batteryMaxPct,
        yMin: 0,
        yMax: 100,
        yLabel: 'state of charge (%)',
        bandLabel: 'lowest–highest robot',
        lineLabel: 'fleet mean',
        reference: input.lowBatteryPct !== undefined ? { value: input.lowBatteryPct, label: `charge threshold ${input.lowBatteryPct} %` } : undefined,
        utcOffsetMin: off,
        startMs: p.startMs,
        endMs: p.endMs,
      }),
      'The band spans the emptiest to the fullest robot in each 10-minute bin, the line is the fleet mean. The band must never touch 0 %.',
    ),
    figure(
      heatMap({
        title: 'Traffic on the campus paths',
        edges: input.campus?.edges ?? [],
        counts: record.edgeTraversals,
        buildings: input.campus?.buildings ?? [],
        attribution: input.campus?.attribution ?? '© OpenStreetMap contributors',
        height: 600,
      }),
      'Each path segment coloured and widened by how many times robots drove along it (log scale; grey: never used), over the building outlines. North is up. Dark, thick segments are the bottlenecks where robots meet each other and pedestrians most.',
    ),
  ];

  return [
    ...pageStart(title),
    `<p class="sub">Simulated ${esc(clockLabel(p.startMs, off))}–${esc(clockLabel(p.endMs, off))} (${fmtNum(kpis.simulatedHours, 1)} h), ${esc(String(p.fidelity))} fidelity, ${esc(String(p.mode))} mode.</p>`,
    verdictBlock(verdict),
    '<h2>Run</h2>',
    paramsTable(p),
    '<h2>Key figures</h2>',
    kpiTable(kpis),
    '<h2>Plots</h2>',
    ...figures,
    '<h2>Robots</h2>',
    robotTable(record),
    '<footer>Generated by the campus fleet simulator (sim/report). Map data © OpenStreetMap contributors, ODbL. ' +
      'The page has no scripts and loads nothing from the network; the same seed gives the same bytes.</footer>',
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// Cut the histogram's axis at p99.5 when the last half-percent stretches it past twice that (stuck parcels).
function tailCut(sorted: Float64Array): number | undefined {
  if (sorted.length < 200) return undefined;
  const q = quantileSorted(sorted, 0.995);
  return sorted[sorted.length - 1]! > 2 * q ? q * 1.05 : undefined;
}

function figure(svg: string, caption: string): string {
  return `<figure>\n${svg}\n<figcaption>${esc(caption)}</figcaption>\n</figure>`;
}

/** The verdict banner: green with the rules checked, or red with each failure, its count and examples. */
export function verdictBlock(verdict: DayVerdict): string {
  if (verdict.passed) {
    return (
      `<div class="verdict pass">PASSED: all ${DAY_RULES.length} validation rules hold.<ul>` +
      DAY_RULES.map((r) => `<li>${esc(r.text)}</li>`).join('') +
      '</ul></div>'
    );
  }
  const items = verdict.failures.map(
    (f) =>
      `<li><code>${esc(f.rule)}</code>: ${esc(f.detail)} (${fmtNum(f.count, 0)})` +
      (f.examples.length > 0 ? `, e.g. ${f.examples.map((e) => `<code>${esc(e)}</code>`).join(', ')}` : '') +
      '</li>',
  );
  return `<div class="verdict fail">FAILED: ${verdict.failures.length} problem(s).<ul>${items.join('')}</ul></div>`;
}

function paramsTable(p: RunParams): string {
  const rows: [string, string][] = [
    ['campus', p.campus],
    ['seed', String(p.seed)],
    ['robots', fmtNum(p.robots, 0)],
    ['parcels', fmtNum(p.parcels, 0)],
    ['fidelity', String(p.fidelity)],
    ['mode', String(p.mode)],
    ['simulated from', `${clockLabel(p.startMs, p.utcOffsetMin ?? 0)} (${p.startMs} ms)`],
    ['simulated to', `${clockLabel(p.endMs, p.utcOffsetMin ?? 0)} (${p.endMs} ms)`],
    ['fleet sample period', `${fmtNum(p.samplePeriodMs / 1000, 1)} s`],
  ];
  return `<table class="params">${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

function kpiTable(k: DayKpis): string {
  const rows = kpiRows(k).map(
    (r) => `<tr><td${r.sub === true ? ' class="sub"' : ''}>${esc(r.label)}</td><td class="num">${esc(r.value)}</td><td>${esc(r.unit)}</td></tr>`,
  );
  return `<table class="kpis">${rows.join('')}</table>`;
}

function robotTable(record: DayRecord): string {
  const na = (v: number | null, d: number) => (v === null ? 'n/a' : fmtNum(v, d));
  const dayMs = Math.max(1, record.params.endMs - record.params.startMs);
  const head = '<tr><th>robot</th><th>km</th><th>kWh</th><th>busy %</th><th>lowest battery %</th><th>collisions</th><th>near misses</th><th>loc. RMSE m</th><th>cross-track RMS m</th></tr>';
  const rows = record.robots.map(
    (r) =>
      `<tr><td>${esc(r.serial)}</td><td class="num">${fmtNum(r.distanceM / 1000, 2)}</td><td class="num">${fmtNum(r.energyWh / 1000, 3)}</td>` +
      `<td class="num">${fmtNum((100 * r.busyMs) / dayMs, 1)}</td><td class="num">${fmtNum(r.minBatteryPct, 1)}</td><td class="num">${r.collisions}</td>` +
      `<td class="num">${r.nearMisses}</td><td class="num">${na(r.locRmseM, 3)}</td><td class="num">${na(r.crossTrackRmsM, 3)}</td></tr>`,
  );
  return `<details><summary>Per-robot totals (${record.robots.length} robots)</summary><table>${head}${rows.join('')}</table></details>`;
}
