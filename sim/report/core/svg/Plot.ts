/**
 * The shared frame of every cartesian chart: title, optional legend row, plot area with grid, axes with ticks and
 * unit labels. Charts map data with sx/sy and put their marks between open() and close().
 */

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = {
  blue: '#0072B2',
  orange: '#E69F00',
  green: '#009E73',
  vermillion: '#D55E00',
  sky: '#56B4E9',
  purple: '#CC79A7',
  yellow: '#F0E442',
  black: '#000000',
  grey: '#999999',
} as const;

export const SERIES_COLOURS: readonly string[] = [PALETTE.blue, PALETTE.orange, PALETTE.green, PALETTE.vermillion, PALETTE.purple, PALETTE.sky];

export const FONT = 'system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif';

/** Escapes text for SVG/HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A pixel coordinate with one decimal; a non-finite value (a bug upstream) becomes 0 rather than "NaN" in the SVG. */
export function px(v: number): string {
  if (!Number.isFinite(v)) return '0';
  const r = Math.round(v * 10) / 10;
  return String(r === 0 ? 0 : r);
}

/** A number for a label: thousands separated, at most `decimals` decimals, trailing zeros dropped. */
export function fmtNum(v: number, decimals = 2): string {
  if (!Number.isFinite(v)) return 'n/a';
  const f = 10 ** decimals;
  const r = Math.round(v * f) / f;
  const [int, frac] = String(Math.abs(r)).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${r < 0 ? '−' : ''}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

/** A number with about `digits` significant digits (0.143, 17.1, 493), for labels of values of any size. */
export function fmtSig(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return 'n/a';
  if (v === 0) return '0';
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(v))));
  return fmtNum(v, Math.min(decimals, 6));
}

/** "HH:MM" of a simulated instant on the shown clock. */
export function clockLabel(tMs: number, utcOffsetMin = 0): string {
  const dayMs = 86_400_000;
  const t = (((Math.round(tMs / 60_000) * 60_000 + utcOffsetMin * 60_000) % dayMs) + dayMs) % dayMs;
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

export interface Axis {
  min: number;
  max: number;
  ticks: number[];
  format: (v: number) => string;
}

/** Round tick step (1, 2 or 5 × 10^k) giving about `count` intervals over span. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const m = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
  return m * mag;
}

/** A linear axis over the data extent widened to round ticks; `includeZero` anchors bars and counts at 0. */
export function linearAxis(dataMin: number, dataMax: number, options: { includeZero?: boolean; count?: number; decimals?: number } = {}): Axis {
  let lo = Number.isFinite(dataMin) ? dataMin : 0;
  let hi = Number.isFinite(dataMax) ? dataMax : 1;
  if (options.includeZero ?? true) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (hi - lo < 1e-9) hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.1);
  const step = niceStep(hi - lo, options.count ?? 5);
  const min = Math.floor(lo / step + 1e-9) * step;
  const max = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  // Ticks are k × step, trimmed to 12 significant digits so 3 × 0.2 prints as 0.6, not 0.6000000000000001.
  for (let k = Math.round(min / step); k * step <= max + step * 1e-6; k++) ticks.push(Number.parseFloat((k * step).toPrecision(12)));
  const decimals = options.decimals ?? Math.max(0, -Math.floor(Math.log10(step)));
  return { min, max, ticks, format: (v) => fmtNum(v, decimals) };
}

/** A time-of-day axis over [minMs, maxMs] with ticks on whole clock hours (every 1, 2, 3, 4 or 6 h). */
export function timeAxis(minMs: number, maxMs: number, utcOffsetMin = 0, maxTicks = 9): Axis {
  const hour = 3_600_000;
  const lo = Number.isFinite(minMs) ? minMs : 0;
  const hi = Number.isFinite(maxMs) && maxMs > lo ? maxMs : lo + hour;
  const offset = utcOffsetMin * 60_000;
  let stepH = 1;
  for (const s of [1, 2, 3, 4, 6, 12]) {
    stepH = s;
    if ((hi - lo) / (s * hour) <= maxTicks) break;
  }
  const step = stepH * hour;
  const ticks: number[] = [];
  for (let t = Math.ceil((lo + offset) / step) * step - offset; t <= hi; t += step) ticks.push(t);
  return { min: lo, max: hi, ticks, format: (v) => clockLabel(v, utcOffsetMin) };
}

export interface LegendItem {
  label: string;
  colour: string;
  /** How the swatch is drawn. Default 'box'. */
  shape?: 'box' | 'line' | 'dash' | 'dot' | 'ring';
}

export interface PlotOptions {
  title: string;
  width?: number;
  height?: number;
  xLabel?: string;
  yLabel?: string;
  x: Axis;
  y: Axis;
  legend?: LegendItem[];
  /** Band scale: x ticks sit at category centres and no vertical grid is drawn. */
  categoryX?: boolean;
  /** Position when nested inside another SVG (multi-panel charts). */
  at?: { x: number; y: number };
}

const TITLE_Y = 22;

export class Plot {
  readonly width: number;
  readonly height: number;
  readonly left = 64;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly x: Axis;
  readonly y: Axis;
  readonly #o: PlotOptions;

  constructor(options: PlotOptions) {
    this.#o = options;
    this.width = options.width ?? 760;
    this.height = options.height ?? 320;
    this.x = options.x;
    this.y = options.y;
    this.right = this.width - 24;
    const rows = options.legend !== undefined && options.legend.length > 0 ? legendLayout(options.legend, this.left, this.right).rows : 0;
    this.top = 40 + rows * 17;
    this.bottom = this.height - (options.xLabel !== undefined ? 50 : 32);
  }

  sx(v: number): number {
    const span = this.x.max - this.x.min || 1;
    return this.left + ((v - this.x.min) / span) * (this.right - this.left);
  }

  sy(v: number): number {
    const span = this.y.max - this.y.min || 1;
    return this.bottom - ((v - this.y.min) / span) * (this.bottom - this.top);
  }

  /** SVG header, title, legend, grid and axes; marks go after this. */
  open(): string {
    const o = this.#o;
    const out: string[] = [svgOpen(this.width, this.height, o.title, o.at)];
    out.push(`<text x="${px(this.width / 2)}" y="${TITLE_Y}" text-anchor="middle" font-size="15" font-weight="600" fill="#222">${esc(o.title)}</text>`);
    if (o.legend !== undefined && o.legend.length > 0) out.push(legendRow(o.legend, this.left, 42, this.right));
    // horizontal grid + y ticks
    for (const t of this.y.ticks) {
      const y = px(this.sy(t));
      out.push(`<line x1="${px(this.left)}" x2="${px(this.right)}" y1="${y}" y2="${y}" stroke="#e3e3e3" stroke-width="1"/>`);
      out.push(`<text x="${px(this.left - 6)}" y="${y}" dy="0.32em" text-anchor="end" font-size="11" fill="#444">${esc(this.y.format(t))}</text>`);
    }
    for (const t of this.x.ticks) {
      const x = px(this.sx(t));
      if (o.categoryX !== true) out.push(`<line x1="${x}" x2="${x}" y1="${px(this.top)}" y2="${px(this.bottom)}" stroke="#f0f0f0" stroke-width="1"/>`);
      out.push(`<line x1="${x}" x2="${x}" y1="${px(this.bottom)}" y2="${px(this.bottom + 4)}" stroke="#444" stroke-width="1"/>`);
      out.push(`<text x="${x}" y="${px(this.bottom + 16)}" text-anchor="middle" font-size="11" fill="#444">${esc(this.x.format(t))}</text>`);
    }
    if (o.xLabel !== undefined) {
      out.push(`<text x="${px((this.left + this.right) / 2)}" y="${px(this.height - 10)}" text-anchor="middle" font-size="12" fill="#333">${esc(o.xLabel)}</text>`);
    }
    if (o.yLabel !== undefined) {
      const cy = (this.top + this.bottom) / 2;
      out.push(`<text transform="translate(16 ${px(cy)}) rotate(-90)" text-anchor="middle" font-size="12" fill="#333">${esc(o.yLabel)}</text>`);
    }
    out.push(this.clipDef());
    out.push(`<g clip-path="url(#${this.clipId()})">`);
    return out.join('\n');
  }

  /** Axis lines on top of the marks, then the closing tag. */
  close(extra = ''): string {
    return [
      '</g>',
      `<line x1="${px(this.left)}" x2="${px(this.right)}" y1="${px(this.bottom)}" y2="${px(this.bottom)}" stroke="#444" stroke-width="1"/>`,
      `<line x1="${px(this.left)}" x2="${px(this.left)}" y1="${px(this.top)}" y2="${px(this.bottom)}" stroke="#444" stroke-width="1"/>`,
      extra,
      '</svg>',
    ]
      .filter((s) => s !== '')
      .join('\n');
  }

  /** Centred "No data" note for an empty chart. */
  noData(): string {
    return `<text x="${px((this.left + this.right) / 2)}" y="${px((this.top + this.bottom) / 2)}" text-anchor="middle" font-size="13" fill="#777">No data</text>`;
  }

  /** The clip path keeping marks inside the plot area (ids derive from the title so one page can hold many charts). */
  clipId(): string {
    return `clip-${slug(this.#o.title)}`;
  }

  clipDef(): string {
    return `<defs><clipPath id="${this.clipId()}"><rect x="${px(this.left)}" y="${px(this.top - 1)}" width="${px(this.right - this.left + 1)}" height="${px(this.bottom - this.top + 2)}"/></clipPath></defs>`;
  }
}

/** Opening <svg> tag with viewBox, font and an accessible title. */
export function svgOpen(width: number, height: number, title: string, at?: { x: number; y: number }): string {
  const pos = at !== undefined ? `x="${px(at.x)}" y="${px(at.y)}" ` : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" ${pos}viewBox="0 0 ${px(width)} ${px(height)}" width="${px(width)}" height="${px(height)}" ` +
    `font-family='${FONT}' role="img"><title>${esc(title)}</title>\n<rect x="0" y="0" width="${px(width)}" height="${px(height)}" fill="#ffffff"/>`
  );
}

/** One row of legend swatches, wrapping to the left edge when it runs past `maxX`. */
export function legendRow(items: readonly LegendItem[], x0: number, y: number, maxX: number): string {
  const out: string[] = [];
  const { positions } = legendLayout(items, x0, maxX);
  items.forEach((item, i) => {
    const x = positions[i]!.x;
    const row = y + positions[i]!.row * 17;
    const shape = item.shape ?? 'box';
    if (shape === 'box') out.push(`<rect x="${px(x)}" y="${px(row - 9)}" width="14" height="10" fill="${item.colour}"/>`);
    else if (shape === 'dot') out.push(`<circle cx="${px(x + 7)}" cy="${px(row - 4)}" r="4" fill="${item.colour}"/>`);
    else if (shape === 'ring') out.push(`<circle cx="${px(x + 7)}" cy="${px(row - 4)}" r="4" fill="#ffffff" stroke="${item.colour}" stroke-width="2"/>`);
    else {
      const dash = shape === 'dash' ? ' stroke-dasharray="4 3"' : '';
      out.push(`<line x1="${px(x)}" x2="${px(x + 16)}" y1="${px(row - 4)}" y2="${px(row - 4)}" stroke="${item.colour}" stroke-width="2.5"${dash}/>`);
    }
    out.push(`<text x="${px(x + 20)}" y="${px(row)}" font-size="12" fill="#333">${esc(item.label)}</text>`);
  });
  return out.join('\n');
}

// Label widths are estimated (about 6.6 px per character at 12 px) since a static SVG cannot measure text.
function legendLayout(items: readonly LegendItem[], x0: number, maxX: number): { rows: number; positions: { x: number; row: number }[] } {
  const positions: { x: number; row: number }[] = [];
  let x = x0;
  let row = 0;
  for (const item of items) {
    const w = 20 + item.label.length * 6.6 + 16;
    if (x + w > maxX && x > x0) {
      x = x0;
      row++;
    }
    positions.push({ x, row });
    x += w;
  }
  return { rows: items.length > 0 ? row + 1 : 0, positions };
}

function slug(s: string): string {
  const base = s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return base === '' ? 'chart' : base;
}
