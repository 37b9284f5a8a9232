import type { Vec2 } from '../../../../maps/core/types.ts';
import { esc, fmtNum, px, svgOpen } from './Plot.ts';

export interface HeatMapOptions {
  title: string;
  /** Path-graph edges as polylines in the campus metric frame (x east, y north), m. */
  edges: readonly (readonly Vec2[])[];
  /** Traversals per edge, aligned with `edges`. */
  counts: ArrayLike<number>;
  /** Building outlines drawn underneath, m. */
  buildings?: readonly (readonly Vec2[])[];
  /** Map data credit, always printed. Default "© OpenStreetMap contributors". */
  attribution?: string;
  /** What a count is, for the legend. Default "traversals". */
  countLabel?: string;
  width?: number;
  height?: number;
}

/** Viridis, reversed so little traffic is light and heavy traffic dark on the white page (colour-blind safe). */
const STOPS = ['#fde725', '#7ad151', '#22a884', '#2a788e', '#414487', '#440154'];

/** Colour at f in [0, 1] on the traffic scale. */
export function trafficColour(f: number): string {
  const t = Math.min(1, Math.max(0, Number.isFinite(f) ? f : 0)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(t));
  const a = hex(STOPS[i]!);
  const b = hex(STOPS[i + 1]!);
  const u = t - i;
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * u));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Campus traffic heat map: edges coloured and widened by traversal count (log scale, since a few edges near the hub
 * carry most of the traffic) over building outlines, fitted to the panel with the aspect ratio kept and north up,
 * with a colour legend, a scale bar and the map attribution.
 */
export function heatMap(o: HeatMapOptions): string {
  const width = o.width ?? 760;
  const height = o.height ?? 560;
  const legendW = 96;
  const panel = { x0: 12, y0: 36, x1: width - legendW - 8, y1: height - 26 };
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  const extend = (p: Vec2) => {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) return;
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  };
  for (const e of o.edges) for (const p of e) extend(p);
  for (const b of o.buildings ?? []) for (const p of b) extend(p);
  const empty = !(maxX >= minX && maxY >= minY);
  if (empty) {
    minX = 0;
    minY = 0;
    maxX = 1;
    maxY = 1;
  }
  const spanX = Math.max(maxX - minX, 1e-6);
  const spanY = Math.max(maxY - minY, 1e-6);
  const scale = Math.min((panel.x1 - panel.x0) / spanX, (panel.y1 - panel.y0) / spanY);
  const offX = panel.x0 + ((panel.x1 - panel.x0) - spanX * scale) / 2;
  const offY = panel.y0 + ((panel.y1 - panel.y0) - spanY * scale) / 2;
  const sx = (x: number) => offX + (x - minX) * scale;
  const sy = (y: number) => offY + (maxY - y) * scale;
  const pts = (ring: readonly Vec2[]) =>
    ring
      .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
      .map((p, k) => `${k === 0 ? 'M' : 'L'}${px(sx(p.x))} ${px(sy(p.y))}`)
      .join(' ');

  let maxCount = 0;
  for (let i = 0; i < o.edges.length; i++) {
    const c = o.counts[i] ?? 0;
    if (Number.isFinite(c) && c > maxCount) maxCount = c;
  }
  const norm = (c: number) => (maxCount > 0 ? Math.log1p(c) / Math.log1p(maxCount) : 0);

  const out: string[] = [svgOpen(width, height, o.title)];
  out.push(`<text x="${px(width / 2)}" y="22" text-anchor="middle" font-size="15" font-weight="600" fill="#222">${esc(o.title)}</text>`);
  const buildingPaths = (o.buildings ?? []).map(pts).filter((d) => d !== '');
  if (buildingPaths.length > 0) {
    out.push(`<path d="${buildingPaths.map((d) => `${d} Z`).join(' ')}" fill="#e4e4e4" stroke="#c4c4c4" stroke-width="0.6"/>`);
  }
  // Unused edges in one light path, then used edges from least to most travelled so the busy ones sit on top.
  const unused: string[] = [];
  const used: { i: number; c: number }[] = [];
  o.edges.forEach((e, i) => {
    const c = o.counts[i] ?? 0;
    if (Number.isFinite(c) && c > 0) used.push({ i, c });
    else {
      const d = pts(e);
      if (d !== '') unused.push(d);
    }
  });
  if (unused.length > 0) out.push(`<path d="${unused.join(' ')}" fill="none" stroke="#b8b8b8" stroke-width="0.8" stroke-linecap="round"/>`);
  used.sort((a, b) => a.c - b.c || a.i - b.i);
  for (const { i, c } of used) {
    const d = pts(o.edges[i]!);
    if (d === '') continue;
    const f = norm(c);
    out.push(`<path d="${d}" fill="none" stroke="${trafficColour(f)}" stroke-width="${px(1.2 + 4.8 * f)}" stroke-linecap="round" stroke-linejoin="round"><title>${fmtNum(c, 0)}</title></path>`);
  }
  if (empty || o.edges.length === 0) {
    out.push(`<text x="${px((panel.x0 + panel.x1) / 2)}" y="${px((panel.y0 + panel.y1) / 2)}" text-anchor="middle" font-size="13" fill="#777">No data</text>`);
  } else {
    out.push(scaleBar(panel.x0 + 6, panel.y1 - 6, scale, (panel.x1 - panel.x0) / 5));
  }
  out.push(colourLegend(width - legendW + 6, panel.y0 + 8, Math.min(220, panel.y1 - panel.y0 - 40), maxCount, o.countLabel ?? 'traversals'));
  out.push(
    `<text x="${px(width - 8)}" y="${px(height - 8)}" text-anchor="end" font-size="11" fill="#555">${esc(o.attribution ?? '© OpenStreetMap contributors')}</text>`,
  );
  out.push('</svg>');
  return out.join('\n');
}

function scaleBar(x: number, y: number, pxPerM: number, maxPx: number): string {
  if (!(pxPerM > 0)) return '';
  // The longest round length (1, 2 or 5 × 10^k m) that fits in maxPx.
  const targetM = maxPx / pxPerM;
  const mag = 10 ** Math.floor(Math.log10(targetM));
  const lengthM = [5, 2, 1].map((m) => m * mag).find((m) => m <= targetM) ?? mag;
  const w = lengthM * pxPerM;
  const label = lengthM >= 1000 ? `${fmtNum(lengthM / 1000, 1)} km` : `${fmtNum(lengthM, 0)} m`;
  return [
    `<path d="M${px(x)} ${px(y - 5)} L${px(x)} ${px(y)} L${px(x + w)} ${px(y)} L${px(x + w)} ${px(y - 5)}" fill="none" stroke="#333" stroke-width="1.5"/>`,
    `<text x="${px(x + w / 2)}" y="${px(y - 7)}" text-anchor="middle" font-size="11" fill="#333" stroke="#fff" stroke-width="3" paint-order="stroke">${label}</text>`,
  ].join('\n');
}

function colourLegend(x: number, y: number, h: number, maxCount: number, label: string): string {
  const out: string[] = [];
  out.push(`<text x="${px(x)}" y="${px(y)}" font-size="12" fill="#333">${esc(label)}</text>`);
  const top = y + 10;
  const barW = 14;
  out.push('<defs><linearGradient id="traffic-scale" x1="0" y1="1" x2="0" y2="0">');
  for (let k = 0; k <= 10; k++) out.push(`<stop offset="${k / 10}" stop-color="${trafficColour(k / 10)}"/>`);
  out.push('</linearGradient></defs>');
  out.push(`<rect x="${px(x)}" y="${px(top)}" width="${barW}" height="${px(h)}" fill="url(#traffic-scale)" stroke="#888" stroke-width="0.5"/>`);
  // Ticks at powers of ten below the maximum, and the maximum itself, on the same log scale as the edges.
  const ticks: number[] = [0];
  for (let p = 1; p < maxCount; p *= 10) ticks.push(p);
  if (maxCount > 0) ticks.push(maxCount);
  let lastY = Number.POSITIVE_INFINITY;
  const placed: string[] = [];
  for (const t of [...ticks].sort((a, b) => a - b)) {
    const f = maxCount > 0 ? Math.log1p(t) / Math.log1p(maxCount) : 0;
    const ty = top + h - f * h;
    // Skip a tick whose label would touch the previous one, but always keep the maximum.
    if (lastY - ty < 13 && t !== maxCount) continue;
    if (lastY - ty < 13 && placed.length > 0) placed.pop();
    placed.push(
      `<line x1="${px(x + barW)}" x2="${px(x + barW + 4)}" y1="${px(ty)}" y2="${px(ty)}" stroke="#444"/>` +
        `<text x="${px(x + barW + 7)}" y="${px(ty)}" dy="0.32em" font-size="11" fill="#444">${fmtNum(t, 0)}</text>`,
    );
    lastY = ty;
  }
  out.push(...placed);
  out.push(`<text x="${px(x)}" y="${px(top + h + 16)}" font-size="10" fill="#666">log scale</text>`);
  return out.join('\n');
}

function hex(c: string): number[] {
  return [1, 3, 5].map((i) => Number.parseInt(c.slice(i, i + 2), 16));
}
