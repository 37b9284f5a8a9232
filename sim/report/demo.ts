/**
 * Looks at the report like a person would: a synthetic 30,000-parcel day on the ZJU campus graph (routes from the
 * hub to drop points count the edge traffic), written to out/report-demo/ with every chart also as a separate .svg
 * for conversion to PNG. Also a fleet-size sweep. Run: npx tsx sim/report/demo.ts [outDir]
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCampus } from '../../maps/index.ts';
import type { Vec2 } from '../../maps/core/types.ts';
import { computeKpis } from './core/computeKpis.ts';
import { formatKpiTable, formatVerdict } from './core/formatKpiTable.ts';
import type { CampusGeometry } from './core/renderHtml.ts';
import { syntheticDay } from './core/syntheticDay.ts';
import { validateDay } from './core/validateDay.ts';
import { writeReport, writeSweepReport } from './adapters/writeReport.ts';

const outDir = process.argv[2] ?? 'out/report-demo';

async function campusGeometry(): Promise<{ geometry: CampusGeometry; routes: number[][] } | undefined> {
  try {
    const map = await loadCampus('maps/data/zju-zijingang.geojson');
    const g = map.graph;
    const edges: Vec2[][] = [];
    for (let e = 0; e < g.edgeCount; e++) {
      const pts: Vec2[] = [];
      for (let k = g.geomOffset[e]!; k < g.geomOffset[e + 1]!; k++) pts.push({ x: g.geomX[k]!, y: g.geomY[k]! });
      edges.push(pts);
    }
    const buildings = map.obstacleRings.filter((r) => r.kind === 'building').map((r) => r.ring);
    const hub = map.places.find((p) => p.kind === 'hub') ?? map.places[0];
    const drops = map.places.filter((p) => p.kind === 'drop');
    const routes: number[][] = [];
    for (const d of drops) {
      if (hub === undefined) break;
      const r = map.router.route(hub.node, d.node);
      if (r.found) routes.push(r.edges);
    }
    return { geometry: { edges, buildings, attribution: map.attribution }, routes };
  } catch (e) {
    console.warn(`campus not loaded (${(e as Error).message}); the heat map will be empty`);
    return undefined;
  }
}

const t0 = performance.now();
const campus = await campusGeometry();
const routes = campus?.routes ?? [];
const opts = {
  seed: 1,
  parcels: 30_000,
  robots: 60,
  edgeCount: campus?.geometry.edges.length ?? 200,
  // Eight delivery zones; each stop drives to one of the zone's drop points in turn, so every route carries traffic.
  destinations: 8,
  routeEdges: routes.length > 0 ? (d: number, visit: number) => routes[(d + 8 * visit) % routes.length]! : undefined,
};
const record = syntheticDay(opts);
record.params.campus = 'zju (synthetic demo day)';
const t1 = performance.now();
const kpis = computeKpis(record);
const verdict = validateDay(record);
process.stdout.write(formatKpiTable(kpis) + formatVerdict(verdict));
const written = await writeReport(outDir, record, {
  kpis,
  verdict,
  campus: campus?.geometry,
  lowBatteryPct: 30,
  runInfo: { note: 'demo', generatedBy: 'sim/report/demo.ts' },
});
const t2 = performance.now();

// Each chart as its own file, for PNG conversion.
const html = written.files['report.html']!;
await mkdir(join(outDir, 'svg'), { recursive: true });
const svgs = html.match(/<svg[\s\S]*?<\/svg>\n(?=<figcaption>)/g) ?? [];
for (let i = 0; i < svgs.length; i++) await writeFile(join(outDir, 'svg', `chart-${i + 1}.svg`), svgs[i]!);

const sweep = [30, 40, 60, 80].map((robots) => {
  const r = syntheticDay({ ...opts, robots });
  return { params: r.params, kpis: computeKpis(r), verdict: validateDay(r) };
});
await writeSweepReport(outDir, sweep, { targetP95Min: 60 });
const sweepHtml = await readFile(join(outDir, 'sweep.html'), 'utf8');
await writeFile(join(outDir, 'svg', 'sweep.svg'), sweepHtml.match(/<svg[\s\S]*<\/svg>(?=\n<figcaption>)/)?.[0] ?? '');
console.log(
  `synthetic day ${(t1 - t0).toFixed(0)} ms (incl. campus load), kpis+verdict+report ${(t2 - t1).toFixed(0)} ms, ` +
    `${record.samples.count} samples, report.html ${(html.length / 1024).toFixed(0)} KiB → ${outDir}`,
);
