import { linearAxis, PALETTE, Plot, px, timeAxis } from './Plot.ts';
import { pathOf } from './lineChart.ts';

export interface BandChartOptions {
  title: string;
  tMs: readonly number[];
  min: readonly number[];
  mean: readonly number[];
  max: readonly number[];
  yLabel?: string;
  xLabel?: string;
  /** Fixed y range (battery: 0–100 %). */
  yMin?: number;
  yMax?: number;
  /** A horizontal reference line (a low-battery threshold), with its label. */
  reference?: { value: number; label: string };
  /** Legend names for the band and the line. */
  bandLabel?: string;
  lineLabel?: string;
  utcOffsetMin?: number;
  startMs?: number;
  endMs?: number;
  width?: number;
  height?: number;
}

/** A min–max band with its mean line over the time of day (fleet battery). Gaps where values are non-finite. */
export function bandChart(o: BandChartOptions): string {
  const n = o.tMs.length;
  const ok = (i: number) => [o.min[i], o.mean[i], o.max[i], o.tMs[i]].every((v) => v !== undefined && Number.isFinite(v));
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++)
    if (ok(i)) {
      lo = Math.min(lo, o.min[i]!);
      hi = Math.max(hi, o.max[i]!);
    }
  const plot = new Plot({
    title: o.title,
    width: o.width,
    height: o.height,
    xLabel: o.xLabel ?? 'time of day',
    yLabel: o.yLabel,
    x: timeAxis(o.startMs ?? o.tMs[0] ?? 0, o.endMs ?? o.tMs[n - 1] ?? 0, o.utcOffsetMin),
    y: linearAxis(o.yMin ?? lo, o.yMax ?? hi, { includeZero: o.yMin === undefined }),
    legend: [
      { label: o.bandLabel ?? 'min–max', colour: '#9ecae1' },
      { label: o.lineLabel ?? 'mean', colour: PALETTE.blue, shape: 'line' },
      ...(o.reference !== undefined ? [{ label: o.reference.label, colour: PALETTE.vermillion, shape: 'dash' as const }] : []),
    ],
  });
  const out = [plot.open()];
  // The band is drawn per run of consecutive valid instants.
  let run: number[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const xs = run.map((i) => plot.sx(o.tMs[i]!));
    if (run.length === 1) xs.splice(0, 1, xs[0]! - 2, xs[0]! + 2);
    const tops = run.map((i) => plot.sy(o.max[i]!));
    const bottoms = run.map((i) => plot.sy(o.min[i]!));
    if (run.length === 1) {
      tops.push(tops[0]!);
      bottoms.push(bottoms[0]!);
    }
    const up = xs.map((x, k) => `${k === 0 ? 'M' : 'L'}${px(x)} ${px(tops[k]!)}`);
    const down = xs.map((x, k) => `L${px(x)} ${px(bottoms[k]!)}`).reverse();
    out.push(`<path d="${up.join(' ')} ${down.join(' ')} Z" fill="#9ecae1" fill-opacity="0.8" stroke="none"/>`);
    run = [];
  };
  for (let i = 0; i < n; i++) {
    if (ok(i)) run.push(i);
    else flush();
  }
  flush();
  let any = false;
  for (let i = 0; i < n; i++) if (ok(i)) any = true;
  if (!any) out.push(plot.noData());
  const meanMasked = o.mean.map((v, i) => (ok(i) ? v : Number.NaN));
  const d = pathOf(o.tMs, meanMasked, (t) => plot.sx(t), (v) => plot.sy(v));
  if (d !== '') out.push(`<path d="${d}" fill="none" stroke="${PALETTE.blue}" stroke-width="2"/>`);
  if (o.reference !== undefined && Number.isFinite(o.reference.value)) {
    const y = px(plot.sy(o.reference.value));
    out.push(`<line x1="${px(plot.left)}" x2="${px(plot.right)}" y1="${y}" y2="${y}" stroke="${PALETTE.vermillion}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
  }
  out.push(plot.close());
  return out.join('\n');
}
