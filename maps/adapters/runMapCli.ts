/**
 * The `map` command line (maps/cli.ts is its entry point): look at a campus map.
 *   inspect FILE                      nodes, edges, km, components, places, problems
 *   route FILE FROM TO                FROM/TO are "lon,lat" or a place id/name
 *   render FILE OUT.svg [--route FROM TO]
 * Options: --overlay PATH | --no-overlay, --snap METRES, --json (inspect/route), --width PX (render).
 */
import { writeFileSync } from 'node:fs';
import type { CampusMap } from '../core/CampusMap.ts';
import type { LonLat } from '../core/LocalFrame.ts';
import { MapValidationError } from '../core/MapValidationError.ts';
import { renderSvg } from '../core/renderSvg.ts';
import type { Vec2 } from '../core/types.ts';
import { loadCampus } from './loadCampus.ts';
import type { LoadCampusOptions } from './loadCampus.ts';

const USAGE = `usage: npm run map -- inspect FILE [--json]
       npm run map -- route FILE FROM TO [--json]     (FROM/TO: "lon,lat" or a place id/name)
       npm run map -- render FILE OUT.svg [--route FROM TO] [--width PX]
options: --overlay PATH | --no-overlay   places overlay (default maps/data/overlays/<name>.json beside FILE)
         --snap METRES                   join dangling way ends closer than this (default 2)`;

class UsageError extends Error {}
class UserError extends Error {}

/** Where the CLI prints: console in production, a capture in tests. */
export interface CliOutput {
  log(line: string): void;
  error(line: string): void;
}

async function main(argv: string[], out: CliOutput): Promise<void> {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  let routeArgs: [string, string] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--route') {
      if (argv[i + 2] === undefined) throw new UsageError('--route needs FROM and TO');
      routeArgs = [argv[i + 1]!, argv[i + 2]!];
      i += 2;
    } else if (a === '--overlay' || a === '--snap' || a === '--width') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      flags.set(a, v);
    } else if (a.startsWith('--')) flags.set(a, true);
    else positional.push(a);
  }
  const [command, file, ...rest] = positional;
  if (command === undefined || flags.has('--help') || command === 'help') {
    out.log(USAGE);
    return;
  }
  if (file === undefined) throw new UsageError(`${command} needs a map FILE`);
  const options: LoadCampusOptions = {};
  const overlay = flags.get('--overlay');
  if (typeof overlay === 'string') options.overlayPath = overlay;
  if (flags.has('--no-overlay')) options.overlayPath = false;
  const snap = flags.get('--snap');
  if (typeof snap === 'string') {
    const m = Number(snap);
    if (!(m >= 0)) throw new UsageError(`--snap must be a distance in metres, got ${snap}`);
    options.snapToleranceM = m;
  }
  const json = flags.has('--json');

  switch (command) {
    case 'inspect': {
      const map = await loadCampus(file, options);
      inspect(map, json, out);
      return;
    }
    case 'route': {
      const [from, to] = rest;
      if (from === undefined || to === undefined) throw new UsageError('route needs FROM and TO');
      const map = await loadCampus(file, options);
      route(map, from, to, json, out);
      return;
    }
    case 'render': {
      const [svgFile] = rest;
      if (svgFile === undefined) throw new UsageError('render needs an output file, e.g. out.svg');
      const map = await loadCampus(file, options);
      let points: Vec2[] | undefined;
      if (routeArgs !== undefined) {
        const r = map.routePoints(resolvePoint(map, routeArgs[0]), resolvePoint(map, routeArgs[1]));
        if (!r.ok) throw new UserError(`cannot draw route: ${r.error.message}`);
        points = r.value.points;
      }
      const width = flags.get('--width');
      writeFileSync(svgFile, renderSvg(map, { route: points, widthPx: typeof width === 'string' ? Number(width) : undefined }));
      out.log(`wrote ${svgFile} (${map.graph.edgeCount} edges, ${map.obstacleRings.length} obstacles, ${map.places.length} places${points ? ', 1 route' : ''})`);
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function inspect(map: CampusMap, json: boolean, out: CliOutput): void {
  const g = map.graph;
  const kmByClass: Record<string, number> = {};
  let km = 0;
  for (let e = 0; e < g.edgeCount; e++) {
    km += g.edgeLengthM[e]! / 1000;
    kmByClass[g.edgeClass[e]!] = (kmByClass[g.edgeClass[e]!] ?? 0) + g.edgeLengthM[e]! / 1000;
  }
  const dropped = map.problems.filter((p) => p.code === 'disconnected');
  const placesByKind: Record<string, number> = {};
  for (const p of map.places) placesByKind[p.kind] = (placesByKind[p.kind] ?? 0) + 1;
  const summary = {
    name: map.name, file: map.features.source.file, format: map.features.source.format, attribution: map.attribution,
    origin: map.frame.origin, nodes: g.nodeCount, edges: g.edgeCount, km: round(km, 2),
    kmByClass: Object.fromEntries(Object.entries(kmByClass).map(([k, v]) => [k, round(v, 2)])),
    components: { kept: 1, dropped: dropped.length }, obstacles: map.obstacleRings.length, places: placesByKind,
    problems: map.problems.length,
  };
  if (json) {
    out.log(JSON.stringify({ ...summary, placesList: map.places, problemsList: map.problems }, null, 2));
    return;
  }
  out.log(`${map.name}  (${summary.format}: ${summary.file})`);
  out.log(`  frame origin      ${map.frame.origin[0]}, ${map.frame.origin[1]} (lon, lat)`);
  out.log(`  path graph        ${g.nodeCount} nodes, ${g.edgeCount} edges, ${km.toFixed(2)} km  ` +
    Object.entries(summary.kmByClass).map(([k, v]) => `${k} ${v} km`).join(', '));
  out.log(`  components        largest kept; ${dropped.length} smaller piece(s) dropped`);
  out.log(`  obstacles         ${map.obstacleRings.filter((o) => o.kind === 'building').length} building, ` +
    `${map.obstacleRings.filter((o) => o.kind === 'water').length} water, ${map.obstacleRings.filter((o) => o.kind === 'wall').length} wall segment rings`);
  out.log(`  places            ${Object.entries(placesByKind).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  for (const p of map.places.filter((q) => q.kind !== 'drop')) {
    out.log(`    ${p.id.padEnd(12)} ${p.name}  @ ${p.lonLat[0].toFixed(6)},${p.lonLat[1].toFixed(6)}  node ${p.node} (${p.source})`);
  }
  const drops = map.places.filter((q) => q.kind === 'drop');
  out.log(`    drops: ${drops.slice(0, 12).map((d) => `${d.name}${d.weight !== 1 ? `×${d.weight}` : ''}`).join(', ')}${drops.length > 12 ? ', …' : ''}`);
  out.log(`  problems          ${map.problems.length}`);
  const byCode = new Map<string, typeof map.problems>();
  for (const p of map.problems) byCode.set(p.code, [...(byCode.get(p.code) ?? []), p]);
  for (const [code, list] of byCode) {
    out.log(`    ${code} (${list.length})`);
    for (const p of list.slice(0, 5)) out.log(`      ${p.featureId ?? ''}${p.featureId ? ': ' : ''}${p.message}`);
    if (list.length > 5) out.log(`      … ${list.length - 5} more (--json lists all)`);
  }
  out.log(`  ${map.attribution}`);
}

function route(map: CampusMap, fromArg: string, toArg: string, json: boolean, out: CliOutput): void {
  const from = resolvePoint(map, fromArg);
  const to = resolvePoint(map, toArg);
  const t0 = performance.now();
  const r = map.routePoints(from, to);
  const ms = performance.now() - t0;
  if (!r.ok) throw new UserError(r.error.message);
  const v = r.value;
  const lonLat = v.points.map((p) => map.frame.toLonLat(p).map((c) => round(c, 7)));
  if (json) {
    out.log(JSON.stringify({ type: 'Feature', geometry: { type: 'LineString', coordinates: lonLat },
      properties: { lengthM: round(v.lengthM, 1), snapLegsM: round(v.snapLegsM, 1), nodes: v.nodes, edges: v.edges } }));
    return;
  }
  const names = [...new Set(v.edges.map((e) => map.graph.edgeName[e]).filter((n) => n !== undefined))];
  out.log(`route ${fromArg} → ${toArg}: ${v.lengthM.toFixed(1)} m along paths (+${v.snapLegsM.toFixed(1)} m to reach them), ` +
    `${v.edges.length} edges, ${v.points.length} points, found in ${ms.toFixed(2)} ms`);
  if (names.length > 0) out.log(`  via ${names.slice(0, 10).join(' → ')}`);
  out.log(`  start ${lonLat[0]!.join(',')}  end ${lonLat[lonLat.length - 1]!.join(',')}`);
}

function resolvePoint(map: CampusMap, arg: string): Vec2 {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(arg);
  if (m !== null) {
    const lonLat: LonLat = [Number(m[1]), Number(m[2])];
    if (Math.abs(lonLat[0]) > 180 || Math.abs(lonLat[1]) > 90) throw new UserError(`"${arg}" is not a lon,lat`);
    return map.frame.toMetric(lonLat);
  }
  const place = map.findPlace(arg);
  if (place === undefined) {
    const examples = map.places.slice(0, 6).map((p) => p.id).join(', ');
    throw new UserError(`no place "${arg}" (give "lon,lat" or a place id/name, e.g. ${examples})`);
  }
  return { x: place.x, y: place.y };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Runs one CLI invocation and resolves to its exit code: 0 ok, 1 a bad map or an impossible request (one-line
 * message, no stack), 2 bad usage. Unexpected faults propagate so they keep their stack.
 */
export async function runMapCli(argv: readonly string[], output: CliOutput = console): Promise<number> {
  try {
    await main([...argv], output);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      output.error(`map: ${e.message}\n${USAGE}`);
      return 2;
    }
    if (e instanceof MapValidationError || e instanceof UserError) {
      output.error(`map: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
