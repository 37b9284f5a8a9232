import { esc, linearAxis, Plot, px, SERIES_COLOURS, timeAxis } from './Plot.ts';

export interface LineSeries {
  name: string;
  values: readonly number[];
  colour?: string;
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  /** Simulated instants, ms, ascending; values align with them. */
  tMs: readonly number[];
  series: readonly LineSeries[];
  yLabel?: string;
  xLabel?: string;
  utcOffsetMin?: number;
  /** Axis range to show, ms; defaults to the data's. */
  startMs?: number;
  endMs?: number;
  width?: number;
  height?: number;
}

/** Lines over the time of day (parcel queue). A non-finite value breaks its line. */
export function lineChart(o: LineChartOptions): string {
  let maxY = 0;
  let any = false;
  for (const s of o.series)
    for (const v of s.values)
      if (Number.isFinite(v)) {
        maxY = Math.max(maxY, v);
        any = true;
      }
  const plot = new Plot({
    title: o.title,
    width: o.width,
    height: o.height,
    xLabel: o.xLabel ?? 'time of day',
    yLabel: o.yLabel,
    x: timeAxis(o.startMs ?? o.tMs[0] ?? 0, o.endMs ?? o.tMs[o.tMs.length - 1] ?? 0, o.utcOffsetMin),
    y: linearAxis(0, maxY, { includeZero: true }),
    legend: o.series.map((s, i) => ({ label: s.name, colour: colourOf(s, i), shape: s.dashed === true ? 'dash' : 'line' })),
  });
  const out = [plot.open()];
  if (!any) out.push(plot.noData());
  o.series.forEach((s, si) => {
    const d = pathOf(o.tMs, s.values, (t) => plot.sx(t), (v) => plot.sy(v));
    if (d === '') return;
    const dash = s.dashed === true ? ' stroke-dasharray="6 4"' : '';
    out.push(`<path d="${d}" fill="none" stroke="${colourOf(s, si)}" stroke-width="2" stroke-linejoin="round"${dash}><title>${esc(s.name)}</title></path>`);
  });
  // A single point draws no line segment: mark lone points with dots so they stay visible.
  o.series.forEach((s, si) => {
    for (let i = 0; i < o.tMs.length; i++) {
      const v = s.values[i];
      if (v === undefined || !Number.isFinite(v)) continue;
      const prev = s.values[i - 1];
      const next = s.values[i + 1];
      const lone = (prev === undefined || !Number.isFinite(prev)) && (next === undefined || !Number.isFinite(next));
      if (lone) out.push(`<circle cx="${px(plot.sx(o.tMs[i]!))}" cy="${px(plot.sy(v))}" r="3" fill="${colourOf(s, si)}"/>`);
    }
  });
  out.push(plot.close());
  return out.join('\n');
}

/** SVG path data through finite points, starting a new sub-path after each gap. */
export function pathOf(xs: readonly number[], ys: readonly number[], sx: (x: number) => number, sy: (y: number) => number): string {
  const parts: string[] = [];
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const y = ys[i];
    if (y === undefined || !Number.isFinite(y) || !Number.isFinite(x)) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? 'L' : 'M'}${px(sx(x))} ${px(sy(y))}`);
    pen = true;
  }
  return parts.join(' ');
}

function colourOf(s: LineSeries, i: number): string {
  return s.colour ?? SERIES_COLOURS[i % SERIES_COLOURS.length]!;
}
