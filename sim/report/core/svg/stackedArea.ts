import { esc, linearAxis, Plot, px, SERIES_COLOURS, timeAxis } from './Plot.ts';

export interface AreaSeries {
  name: string;
  values: readonly number[];
  colour?: string;
}

export interface StackedAreaOptions {
  title: string;
  tMs: readonly number[];
  /** Stacked bottom-up in the order given. */
  series: readonly AreaSeries[];
  yLabel?: string;
  xLabel?: string;
  /** Top of the y axis (the fleet size); defaults to the largest stack. */
  yMax?: number;
  utcOffsetMin?: number;
  startMs?: number;
  endMs?: number;
  width?: number;
  height?: number;
  /** Series that are zero throughout are left out of the legend. Default true. */
  hideEmpty?: boolean;
}

/**
 * Stacked areas over the time of day (robots per state). An instant where any series is non-finite (no sample)
 * is skipped by every layer, so the stack never tears.
 */
export function stackedArea(o: StackedAreaOptions): string {
  const n = o.tMs.length;
  const valid = Array.from({ length: n }, (_, i) => Number.isFinite(o.tMs[i]!) && o.series.every((s) => Number.isFinite(s.values[i] ?? Number.NaN)));
  const shown = o.series
    .map((s, i) => ({ s, colour: s.colour ?? SERIES_COLOURS[i % SERIES_COLOURS.length]! }))
    .filter(({ s }) => (o.hideEmpty ?? true) === false || s.values.some((v, i) => valid[i] === true && v > 0));
  const base = new Array<number>(n).fill(0);
  let maxStack = 0;
  for (let i = 0; i < n; i++) {
    if (!valid[i]) continue;
    let sum = 0;
    for (const { s } of shown) sum += Math.max(0, s.values[i]!);
    maxStack = Math.max(maxStack, sum);
  }
  const plot = new Plot({
    title: o.title,
    width: o.width,
    height: o.height,
    xLabel: o.xLabel ?? 'time of day',
    yLabel: o.yLabel,
    x: timeAxis(o.startMs ?? o.tMs[0] ?? 0, o.endMs ?? o.tMs[n - 1] ?? 0, o.utcOffsetMin),
    y: linearAxis(0, o.yMax ?? maxStack, { includeZero: true }),
    legend: shown.map(({ s, colour }) => ({ label: s.name, colour })),
  });
  const out = [plot.open()];
  const idx = Array.from({ length: n }, (_, i) => i).filter((i) => valid[i]);
  if (idx.length === 0 || shown.length === 0) out.push(plot.noData());
  for (const { s, colour } of shown) {
    if (idx.length === 0) break;
    const top = idx.map((i) => base[i]! + Math.max(0, s.values[i]!));
    let d: string;
    if (idx.length === 1) {
      // One instant has no width: draw it as a thin bar so it stays visible.
      const i = idx[0]!;
      const x = plot.sx(o.tMs[i]!);
      d = `M${px(x - 2)} ${px(plot.sy(base[i]!))} L${px(x - 2)} ${px(plot.sy(top[0]!))} L${px(x + 2)} ${px(plot.sy(top[0]!))} L${px(x + 2)} ${px(plot.sy(base[i]!))} Z`;
    } else {
      const upper = idx.map((i, k) => `${k === 0 ? 'M' : 'L'}${px(plot.sx(o.tMs[i]!))} ${px(plot.sy(top[k]!))}`);
      const lower = [...idx].reverse().map((i) => `L${px(plot.sx(o.tMs[i]!))} ${px(plot.sy(base[i]!))}`);
      d = `${upper.join(' ')} ${lower.join(' ')} Z`;
    }
    out.push(`<path d="${d}" fill="${colour}" fill-opacity="0.9" stroke="#ffffff" stroke-width="0.5"><title>${esc(s.name)}</title></path>`);
    idx.forEach((i, k) => {
      base[i] = top[k]!;
    });
  }
  out.push(plot.close());
  return out.join('\n');
}
