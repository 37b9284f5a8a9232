import { esc, fmtNum, fmtSig, legendRow, linearAxis, PALETTE, Plot, px, svgOpen } from './Plot.ts';

export interface SweepChartPoint {
  robots: number;
  /** p95 arrival → hand-over, minutes; null when nothing was delivered. */
  p95Min: number | null;
  /** Cost per delivered parcel; null when nothing was delivered. */
  costPerParcel: number | null;
  /** The day's validation verdict. */
  passed: boolean;
}

export interface SweepChartOptions {
  title: string;
  points: readonly SweepChartPoint[];
  /** Currency shown in the cost axis label ("CNY"). */
  currency: string;
  /** A p95 target line, minutes. */
  targetP95Min?: number;
  width?: number;
  height?: number;
}

/**
 * Capacity planning: p95 delivery time and cost per parcel against fleet size, as two side-by-side panels sharing
 * the x axis (two y axes on one panel are easy to misread). Days that failed validation are drawn as hollow
 * vermillion markers.
 */
export function sweepChart(o: SweepChartOptions): string {
  const width = o.width ?? 900;
  const height = o.height ?? 360;
  const pts = [...o.points].filter((p) => Number.isFinite(p.robots)).sort((a, b) => a.robots - b.robots);
  const robots = [...new Set(pts.map((p) => p.robots))];
  const rLo = robots[0] ?? 0;
  const rHi = robots[robots.length - 1] ?? 1;
  const pad = Math.max(1, (rHi - rLo) * 0.08);
  const xAxis = {
    min: rLo - pad,
    max: rHi + pad,
    ticks: robots.length > 0 && robots.length <= 12 ? robots : linearAxis(rLo, rHi, { includeZero: false }).ticks,
    format: (v: number) => fmtNum(v, 0),
  };
  const panelW = Math.floor((width - 16) / 2);
  const out = [svgOpen(width, height, o.title)];
  out.push(`<text x="${px(width / 2)}" y="20" text-anchor="middle" font-size="15" font-weight="600" fill="#222">${esc(o.title)}</text>`);
  out.push(
    legendRow(
      [
        { label: 'day passed validation', colour: PALETTE.black, shape: 'dot' },
        { label: 'day failed validation', colour: PALETTE.vermillion, shape: 'ring' },
      ],
      width / 2 - 170,
      40,
      width,
    ),
  );
  out.push(
    panel(pts, (p) => p.p95Min, {
      title: 'p95 time to delivery',
      yLabel: 'p95 arrival → hand-over (min)',
      colour: PALETTE.blue,
      xAxis,
      at: { x: 0, y: 44 },
      width: panelW,
      height: height - 44,
      target: o.targetP95Min,
    }),
  );
  out.push(
    panel(pts, (p) => p.costPerParcel, {
      title: 'cost per delivered parcel',
      yLabel: `cost per parcel (${o.currency})`,
      colour: PALETTE.orange,
      xAxis,
      at: { x: panelW + 16, y: 44 },
      width: panelW,
      height: height - 44,
    }),
  );
  out.push('</svg>');
  return out.join('\n');
}

interface PanelOptions {
  title: string;
  yLabel: string;
  colour: string;
  xAxis: { min: number; max: number; ticks: number[]; format: (v: number) => string };
  at: { x: number; y: number };
  width: number;
  height: number;
  target?: number;
}

function panel(pts: readonly SweepChartPoint[], value: (p: SweepChartPoint) => number | null, o: PanelOptions): string {
  const ys = pts.map(value).filter((v): v is number => v !== null && Number.isFinite(v));
  const hi = Math.max(0, ...ys, o.target ?? 0);
  const plot = new Plot({
    title: o.title,
    width: o.width,
    height: o.height,
    at: o.at,
    xLabel: 'robots in the fleet',
    yLabel: o.yLabel,
    x: o.xAxis,
    y: linearAxis(0, hi * 1.1, { includeZero: true }),
  });
  const out = [plot.open()];
  if (ys.length === 0) out.push(plot.noData());
  if (o.target !== undefined && Number.isFinite(o.target)) {
    const y = px(plot.sy(o.target));
    out.push(`<line x1="${px(plot.left)}" x2="${px(plot.right)}" y1="${y}" y2="${y}" stroke="${PALETTE.grey}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${px(plot.left + 4)}" y="${px(plot.sy(o.target) - 5)}" font-size="11" fill="#555" stroke="#fff" stroke-width="3" paint-order="stroke">target ${fmtNum(o.target, 1)}</text>`);
  }
  const line = pts
    .map((p) => ({ p, v: value(p) }))
    .filter((q): q is { p: SweepChartPoint; v: number } => q.v !== null && Number.isFinite(q.v));
  if (line.length > 1) {
    const d = line.map((q, k) => `${k === 0 ? 'M' : 'L'}${px(plot.sx(q.p.robots))} ${px(plot.sy(q.v))}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${o.colour}" stroke-width="2"/>`);
  }
  for (const { p, v } of line) {
    const cx = px(plot.sx(p.robots));
    const cy = px(plot.sy(v));
    out.push(
      p.passed
        ? `<circle cx="${cx}" cy="${cy}" r="4.5" fill="${o.colour}"/>`
        : `<circle cx="${cx}" cy="${cy}" r="5" fill="#ffffff" stroke="${PALETTE.vermillion}" stroke-width="2"/>`,
    );
    out.push(`<text x="${cx}" y="${px(plot.sy(v) - 9)}" text-anchor="middle" font-size="11" fill="#333" stroke="#fff" stroke-width="3" paint-order="stroke">${fmtSig(v, 3)}</text>`);
  }
  out.push(plot.close());
  return out.join('\n');
}
