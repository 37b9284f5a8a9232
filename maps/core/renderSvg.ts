import type { CampusMap } from './CampusMap.ts';
import type { WayClass } from './classifyWay.ts';
import type { Vec2 } from './types.ts';

export interface RenderSvgOptions {
  /** Output width in pixels (height follows the map's aspect ratio; default 1600). */
  widthPx?: number;
  /** A route polyline to draw on top, metres. */
  route?: readonly Vec2[];
  /** Label drop points with building names (default true). */
  labels?: boolean;
}

const PATH_STYLE: Record<WayClass, { stroke: string; widthPx: number }> = {
  footway: { stroke: '#d9661f', widthPx: 1.6 },
  service: { stroke: '#8a8a8a', widthPx: 2.4 },
  shared_road: { stroke: '#5a5a5a', widthPx: 3.2 },
};
const PLACE_STYLE = {
  hub: { fill: '#d7191c', r: 7 },
  dock: { fill: '#fdae61', r: 5 },
  parking: { fill: '#2c7bb6', r: 5 },
  drop: { fill: '#1a9641', r: 3.5 },
} as const;

/**
 * Draws a campus as a standalone SVG string: water, buildings, walls, graph edges coloured by class, places, an
 * optional route, a scale bar, a legend and the OSM attribution. North is up; one SVG unit is one pixel.
 */
export function renderSvg(map: CampusMap, options: RenderSvgOptions = {}): string {
  const widthPx = options.widthPx ?? 1600;
  const pad = 20;
  // Frame the path network (obstacles far outside it only waste space).
  const g = map.graph;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < g.geomX.length; i++) {
    minX = Math.min(minX, g.geomX[i]!); maxX = Math.max(maxX, g.geomX[i]!);
    minY = Math.min(minY, g.geomY[i]!); maxY = Math.max(maxY, g.geomY[i]!);
  }
  const scale = (widthPx - 2 * pad) / Math.max(1, maxX - minX);
  const footerPx = 44;
  const heightPx = Math.ceil((maxY - minY) * scale + 2 * pad + footerPx);
  const px = (x: number) => ((x - minX) * scale + pad).toFixed(1);
  const py = (y: number) => ((maxY - y) * scale + pad).toFixed(1);
  const pts = (ring: readonly Vec2[]) => ring.map((p) => `${px(p.x)},${py(p.y)}`).join(' ');

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}" viewBox="0 0 ${widthPx} ${heightPx}" font-family="sans-serif">`);
  out.push(`<title>${esc(map.name)}</title>`);
  out.push(`<rect width="100%" height="100%" fill="#f4f1ea"/>`);
  out.push(`<clipPath id="frame"><rect x="0" y="0" width="${widthPx}" height="${heightPx - footerPx}"/></clipPath><g clip-path="url(#frame)">`);
  out.push('<g id="water" fill="#a6cee3" stroke="#6a9fc0" stroke-width="0.8">');
  for (const o of map.obstacleRings) if (o.kind === 'water') out.push(`<polygon points="${pts(o.ring)}"/>`);
  for (const l of map.features.lines) {
    if (l.tags.waterway === undefined) continue;
    out.push(`<polyline fill="none" stroke-width="3" points="${pts(l.coords.map((c) => map.frame.toMetric(c)))}"/>`);
  }
  out.push('</g><g id="buildings" fill="#cbbfb0" stroke="#9c8f80" stroke-width="0.8">');
  for (const o of map.obstacleRings) if (o.kind === 'building') out.push(`<polygon points="${pts(o.ring)}"/>`);
  out.push('</g><g id="nogo" fill="#e31a1c" fill-opacity="0.25" stroke="#e31a1c" stroke-dasharray="4 3">');
  for (const z of map.noGoZones) out.push(`<polygon points="${pts(z.ring)}"><title>${esc(`no-go: ${z.name}`)}</title></polygon>`);
  out.push('</g><g id="walls" fill="none" stroke="#444" stroke-width="1">');
  for (const o of map.obstacleRings) if (o.kind === 'wall') out.push(`<polyline points="${pts(o.ring)}"/>`);
  out.push('</g><g id="paths" fill="none" stroke-linecap="round" stroke-linejoin="round">');
  for (const cls of ['shared_road', 'service', 'footway'] as const) {
    const s = PATH_STYLE[cls];
    const d: string[] = [];
    for (let e = 0; e < g.edgeCount; e++) {
      if (g.edgeClass[e] !== cls) continue;
      const parts: string[] = [];
      for (let i = g.geomOffset[e]!; i < g.geomOffset[e + 1]!; i++) parts.push(`${px(g.geomX[i]!)},${py(g.geomY[i]!)}`);
      d.push(`M${parts.join('L')}`);
    }
    out.push(`<path class="${cls}" stroke="${s.stroke}" stroke-width="${s.widthPx}" d="${d.join('')}"/>`);
  }
  out.push('</g>');
  if (options.route !== undefined && options.route.length > 1) {
    out.push(`<polyline id="route" fill="none" stroke="#c51b8a" stroke-width="5" stroke-opacity="0.85" stroke-linejoin="round" points="${pts(options.route)}"/>`);
    const a = options.route[0]!;
    const b = options.route[options.route.length - 1]!;
    out.push(`<circle cx="${px(a.x)}" cy="${py(a.y)}" r="7" fill="#fff" stroke="#c51b8a" stroke-width="3"/>`);
    out.push(`<circle cx="${px(b.x)}" cy="${py(b.y)}" r="7" fill="#c51b8a"/>`);
  }
  out.push('<g id="places" stroke="#fff" stroke-width="1">');
  for (const p of [...map.places].reverse()) {
    const s = PLACE_STYLE[p.kind];
    out.push(`<circle class="${p.kind}" cx="${px(p.x)}" cy="${py(p.y)}" r="${s.r}" fill="${s.fill}"><title>${esc(`${p.kind}: ${p.name}`)}</title></circle>`);
  }
  out.push('</g>');
  if (options.labels ?? true) {
    out.push('<g id="labels" font-size="10" fill="#222" stroke="#f4f1ea" stroke-width="2.5" paint-order="stroke">');
    const labelled = new Set<string>();
    for (const p of map.places) {
      if (p.kind === 'dock' || p.kind === 'parking') continue;
      // Two places on one spot (a hub at its building's drop point) get one label.
      const spot = `${Math.round(Number(px(p.x)) / 8)},${Math.round(Number(py(p.y)) / 8)}`;
      if (labelled.has(spot)) continue;
      labelled.add(spot);
      out.push(`<text x="${(Number(px(p.x)) + 5).toFixed(1)}" y="${(Number(py(p.y)) - 4).toFixed(1)}"${p.kind === 'hub' ? ' font-weight="bold" font-size="13"' : ''}>${esc(p.name)}</text>`);
    }
    out.push('</g>');
  }
  out.push('</g>');

  // Footer: legend on one row; scale bar and attribution on the row below.
  const barM = niceLength(Math.min(200, widthPx / 4) / scale);
  const y0 = heightPx - 8;
  const yLegend = heightPx - 28;
  out.push(`<g font-size="12" fill="#222"><line x1="${pad}" y1="${y0 - 4}" x2="${(pad + barM * scale).toFixed(1)}" y2="${y0 - 4}" stroke="#222" stroke-width="3"/>`);
  out.push(`<text x="${(pad + barM * scale + 6).toFixed(1)}" y="${y0}">${barM} m</text>`);
  let lx = pad;
  for (const [label, color] of [['footway', PATH_STYLE.footway.stroke], ['service', PATH_STYLE.service.stroke], ['shared road', PATH_STYLE.shared_road.stroke],
    ['hub', PLACE_STYLE.hub.fill], ['dock', PLACE_STYLE.dock.fill], ['parking', PLACE_STYLE.parking.fill], ['drop point', PLACE_STYLE.drop.fill]] as const) {
    out.push(`<rect x="${lx.toFixed(1)}" y="${yLegend - 8}" width="12" height="8" fill="${color}"/><text x="${(lx + 16).toFixed(1)}" y="${yLegend}">${label}</text>`);
    lx += 24 + label.length * 7;
  }
  out.push(`<text x="${widthPx - pad}" y="${y0}" text-anchor="end">${esc(map.attribution)}</text></g>`);
  out.push('</svg>');
  return out.join('\n');
}

function niceLength(m: number): number {
  const p = 10 ** Math.floor(Math.log10(m));
  for (const k of [1, 2, 5, 10]) if (k * p >= m) return k * p;
  return 10 * p;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
