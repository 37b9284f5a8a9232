import { esc, linearAxis, Plot, px, SERIES_COLOURS } from './Plot.ts';

export interface BarSeries {
  name: string;
  values: readonly number[];
  colour?: string;
}

export interface BarChartOptions {
  title: string;
  /** One label per bar (e.g. the hour "08:00"). */
  categories: readonly string[];
  /** Stacked bottom-up in the order given; values align with categories. */
  series: readonly BarSeries[];
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
}

/** Stacked bar chart over categories (deliveries per hour). Non-finite or negative values draw as 0. */
export function barChart(o: BarChartOptions): string {
  const n = o.categories.length;
  const totals = Array.from({ length: n }, (_, i) => o.series.reduce((s, ser) => s + clean(ser.values[i]), 0));
  const maxTotal = totals.reduce((a, b) => Math.max(a, b), 0);
  // Label every k-th category so labels (about 40 px each) never collide.
  const plotWidth = (o.width ?? 760) - 88;
  const every = Math.max(1, Math.ceil((n * 40) / plotWidth));
  const ticks: number[] = [];
  for (let i = 0; i < n; i += every) ticks.push(i + 0.5);
  const plot = new Plot({
    title: o.title,
    width: o.width,
    height: o.height,
    xLabel: o.xLabel,
    yLabel: o.yLabel,
    categoryX: true,
    x: { min: 0, max: Math.max(1, n), ticks, format: (v) => o.categories[Math.floor(v)] ?? '' },
    y: linearAxis(0, maxTotal, { includeZero: true, decimals: 0 }),
    legend: o.series.length > 1 ? o.series.map((s, i) => ({ label: s.name, colour: colourOf(s, i) })) : undefined,
  });
  const out = [plot.open()];
  if (n === 0 || maxTotal === 0) out.push(plot.noData());
  const band = (plot.right - plot.left) / Math.max(1, n);
  const barW = Math.max(1, band * 0.8);
  for (let i = 0; i < n; i++) {
    let base = 0;
    o.series.forEach((s, si) => {
      const v = clean(s.values[i]);
      if (v <= 0) return;
      const y0 = plot.sy(base);
      const y1 = plot.sy(base + v);
      out.push(
        `<rect x="${px(plot.left + i * band + (band - barW) / 2)}" y="${px(y1)}" width="${px(barW)}" height="${px(y0 - y1)}" fill="${colourOf(s, si)}">` +
          `<title>${esc(`${o.categories[i] ?? ''} ${s.name}: ${v}`)}</title></rect>`,
      );
      base += v;
    });
  }
  out.push(plot.close());
  return out.join('\n');
}

function clean(v: number | undefined): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : 0;
}

function colourOf(s: BarSeries, i: number): string {
  return s.colour ?? SERIES_COLOURS[i % SERIES_COLOURS.length]!;
}
