import { esc, fmtNum, linearAxis, niceStep, PALETTE, Plot, px } from './Plot.ts';

export interface HistogramMarker {
  label: string;
  value: number;
}

export interface HistogramOptions {
  title: string;
  values: ArrayLike<number>;
  /** Vertical reference lines (p50, p95), labelled with their value. */
  markers?: readonly HistogramMarker[];
  xLabel?: string;
  yLabel?: string;
  /** Unit appended to marker values ("min"). */
  unit?: string;
  /**
   * Upper end of the axis: larger values are counted in the last bin (noted in the chart), so a few outliers do not
   * squash the rest into one bar. Default: the largest value.
   */
  maxValue?: number;
  /** Roughly how many bins; the width is rounded to 1, 2 or 5 × 10^k. Default 30. */
  bins?: number;
  width?: number;
  height?: number;
}

/**
 * Histogram with round bin widths over [0 or min, max]. Non-finite values are ignored. The bins start at a multiple
 * of the width, so the same data always bins the same way.
 */
export function histogram(o: HistogramOptions): string {
  const vals: number[] = [];
  for (let i = 0; i < o.values.length; i++) {
    const v = o.values[i]!;
    if (Number.isFinite(v)) vals.push(v);
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of vals) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const markers = (o.markers ?? []).filter((m) => Number.isFinite(m.value));
  let clipped = 0;
  if (o.maxValue !== undefined && Number.isFinite(o.maxValue) && o.maxValue < hi) {
    hi = o.maxValue;
    for (const v of vals) if (v > hi) clipped++;
  }
  for (const m of markers) hi = Math.max(hi, m.value);
  if (vals.length === 0) {
    lo = 0;
    hi = 1;
  }
  lo = Math.min(lo, 0);
  const width = niceStep(hi - lo || 1, o.bins ?? 30);
  const start = Math.floor(lo / width) * width;
  const nBins = Math.max(1, Math.floor((hi - start) / width) + 1);
  const counts = new Array<number>(nBins).fill(0);
  for (const v of vals) counts[Math.min(nBins - 1, Math.floor((v - start) / width))]!++;
  const maxCount = counts.reduce((a, b) => Math.max(a, b), 0);

  const xAxis = linearAxis(start, start + nBins * width, { includeZero: true, count: 8 });
  const plot = new Plot({
    title: o.title,
    width: o.width,
    height: o.height,
    xLabel: o.xLabel,
    yLabel: o.yLabel ?? 'parcels per bin',
    x: xAxis,
    y: linearAxis(0, maxCount * (markers.length > 0 ? 1.15 : 1), { includeZero: true, decimals: 0 }),
  });
  const out = [plot.open()];
  if (vals.length === 0) out.push(plot.noData());
  counts.forEach((c, i) => {
    if (c === 0) return;
    const x0 = plot.sx(start + i * width);
    const x1 = plot.sx(start + (i + 1) * width);
    const y = plot.sy(c);
    out.push(
      `<rect x="${px(x0 + 0.5)}" y="${px(y)}" width="${px(Math.max(0.5, x1 - x0 - 1))}" height="${px(plot.bottom - y)}" fill="${PALETTE.sky}">` +
        `<title>${esc(`${fmtNum(start + i * width)}–${fmtNum(start + (i + 1) * width)}: ${c}`)}</title></rect>`,
    );
  });
  if (clipped > 0) {
    const note = `last bar includes ${fmtNum(clipped, 0)} value${clipped === 1 ? '' : 's'} above ${fmtNum(hi, 1)}${o.unit !== undefined ? ` ${o.unit}` : ''}`;
    out.push(`<text x="${px(plot.right - 4)}" y="${px(plot.bottom - 8)}" text-anchor="end" font-size="11" fill="#555" stroke="#fff" stroke-width="3" paint-order="stroke">${esc(note)}</text>`);
  }
  const markerColours = [PALETTE.black, PALETTE.vermillion, PALETTE.purple];
  markers.forEach((m, i) => {
    const x = px(plot.sx(m.value));
    const colour = markerColours[i % markerColours.length]!;
    // Labels step down so close markers (p50 near p95) do not print over each other; the label sits on the side
    // of the line with more room.
    const ly = plot.top + 12 + i * 15;
    const onRight = plot.sx(m.value) < (plot.left + plot.right) / 2;
    const text = `${m.label} ${fmtNum(m.value, 1)}${o.unit !== undefined ? ` ${o.unit}` : ''}`;
    out.push(`<line x1="${x}" x2="${x}" y1="${px(plot.top)}" y2="${px(plot.bottom)}" stroke="${colour}" stroke-width="2" stroke-dasharray="5 3"/>`);
    out.push(
      `<text x="${px(plot.sx(m.value) + (onRight ? 5 : -5))}" y="${px(ly)}" text-anchor="${onRight ? 'start' : 'end'}" font-size="12" font-weight="600" fill="${colour}" stroke="#fff" stroke-width="3" paint-order="stroke">${esc(text)}</text>`,
    );
  });
  out.push(plot.close());
  return out.join('\n');
}
