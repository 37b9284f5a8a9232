/**
 * `npm run sim -- day|sweep …`: runs simulated campus days and writes their reports. Exit code 0 when the day passes
 * validation, 1 when it fails, 2 for a usage error (see SIM_USAGE).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCampus, type CampusMap } from '../maps/index.ts';
import type { Vec2 } from '../maps/core/types.ts';
import { campusLabel, parseSimArgs, SIM_USAGE, type DayArgs, type SweepArgs } from './core/parseSimArgs.ts';
import {
  computeKpis, formatKpiTable, formatVerdict, ProgressBar, validateDay, writeReport, writeSweepReport,
  type CampusGeometry, type SweepRun,
} from './report/index.ts';
import { DayRecording } from './record/index.ts';
import { daySerials, runDay, type DayProgress, type DayResult } from './runner/index.ts';
import { runWireCommand } from './wire/index.ts';

const SHIPPED: Record<string, string> = {
  zju: '../maps/data/zju-zijingang.geojson',
  swjtu: '../maps/data/swjtu-xipu.geojson',
};

async function main(argv: string[]): Promise<number> {
  const parsed = parseSimArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`sim: ${parsed.error}\n${SIM_USAGE}\n`);
    return 2;
  }
  const args = parsed.value;
  if (args.command === 'help') {
    process.stdout.write(`${SIM_USAGE}\n`);
    return 0;
  }
  if (args.command === 'day' && args.fidelity === 'fleet' && args.mode === 'wire') return runWireCommand(args);
  if (args.command === 'day' && args.mode !== 'fast') {
    process.stderr.write(`sim: --fidelity ${args.fidelity} --mode ${args.mode} is not available in this build yet; ` +
      'only --mode fast runs at --fidelity full (see docs/sim.md)\n');
    return 2;
  }
  const campus = await openCampus(args.campus);
  if (campus === undefined) return 2;
  return args.command === 'day' ? day(args, campus) : sweep(args, campus);
}

function campusFile(name: string): string {
  const shipped = SHIPPED[name];
  return shipped !== undefined ? fileURLToPath(new URL(shipped, import.meta.url)) : name;
}

async function openCampus(name: string): Promise<CampusMap | undefined> {
  const file = campusFile(name);
  if (!existsSync(file)) {
    process.stderr.write(`sim: --campus '${name}' is neither zju, swjtu nor an existing map file\n`);
    return undefined;
  }
  try {
    return await loadCampus(file);
  } catch (e) {
    process.stderr.write(`sim: cannot load campus ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  }
}

async function simulate(args: DayArgs | SweepArgs, campus: CampusMap, robots: number, recording?: DayRecording): Promise<{ result: DayResult; wallMs: number }> {
  const wall0 = performance.now();
  let view: ProgressBar | undefined;
  let last = { simMs: 0, delivered: 0, waiting: 0, wallMs: 0 };
  const result = await runDay({
    campus, campusLabel: campusLabel(args.campus), parcels: args.parcels, robots, seed: args.seed, hours: args.hours,
    compartments: args.compartments, drainHours: args.drainHours,
    ...(args.command === 'day' ? { fleet: args.fleet, fidelity: args.fidelity, full: { workers: args.workers, campusFile: campusFile(args.campus) } } : {}),
    ...(recording === undefined ? {} : { observer: recording }),
    // Quiet: no progress callback at all, since each report counts over every parcel of the day (runDay), several hundred
    // times a day.
    ...(args.quiet ? {} : {
      onProgress: (p: DayProgress) => {
        if (view === undefined) {
          // The day's window is known once it runs; the bar is made at the first report.
          view = new ProgressBar({ stream: process.stderr, startSimMs: p.startMs, endSimMs: p.endMs, startWallMs: wall0 });
        }
        last = { simMs: p.simMs, delivered: p.delivered, waiting: p.waiting, wallMs: performance.now() };
        view.update(last);
      },
    }),
  });
  view?.finish({ ...last, wallMs: performance.now() });
  return { result, wallMs: performance.now() - wall0 };
}

async function day(args: DayArgs, campus: CampusMap): Promise<number> {
  const recording = args.record === undefined ? undefined : await openRecording(args, campus);
  const { result, wallMs } = await simulate(args, campus, args.robots, recording);
  const recorded = await recording?.close();
  const kpis = computeKpis(result.record);
  const verdict = validateDay(result.record);
  // CPU time of the whole process: on the shared machine, wall time mostly measures the neighbours.
  const cpu = process.cpuUsage();
  const cpuS = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(formatKpiTable(kpis) + formatVerdict(verdict));
  const written = await writeReport(args.out, result.record, {
    kpis, verdict, campus: geometryOf(campus),
    runInfo: {
      wallMs: Math.round(wallMs), realTimeFactor: Math.round((args.hours * 3_600_000) / wallMs), peakRssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
      node: process.version, fidelity: args.fidelity, mode: args.mode, fleet: args.fleet, messages: result.messages, clockEvents: result.events,
      trips: result.fleet.trips, statesParsed: result.fleet.statesParsed, rejectedMessages: result.fleet.rejected, cpuS: Math.round(cpuS * 10) / 10,
    },
  });
  process.stdout.write(`report: ${written.outDir}/report.html (${(wallMs / 1000).toFixed(1)} s wall, ${cpuS.toFixed(1)} s CPU)\n`);
  if (recorded !== undefined) {
    process.stdout.write(`recording: ${recorded.path} (${(recorded.bytes / 2 ** 20).toFixed(1)} MiB, ${recorded.messages} messages; open it in Foxglove)\n`);
  }
  return verdict.passed ? 0 : 1;
}

function openRecording(args: DayArgs, campus: CampusMap): Promise<DayRecording> {
  const serials = daySerials(args.robots);
  mkdirSync(args.out, { recursive: true });
  return DayRecording.open(join(args.out, 'day.mcap'), {
    campus, robots: serials, ...(args.record!.robots.length > 0 ? { only: args.record!.robots } : {}),
    metadata: { seed: String(args.seed), parcels: String(args.parcels), fidelity: args.fidelity },
  });
}

async function sweep(args: SweepArgs, campus: CampusMap): Promise<number> {
  const runs: SweepRun[] = [];
  for (const robots of args.robotCounts) {
    if (!args.quiet) process.stderr.write(`sweep: ${robots} robots\n`);
    const { result } = await simulate(args, campus, robots);
    const kpis = computeKpis(result.record);
    const verdict = validateDay(result.record);
    runs.push({ params: result.record.params, kpis, verdict });
    process.stdout.write(`${String(robots).padStart(4)} robots: delivered ${kpis.parcelsDelivered}/${kpis.parcelsTotal}, ` +
      `p95 ${kpis.deliveryTimeP95Min ?? 'n/a'} min, ${verdict.passed ? 'PASSED' : 'FAILED'}\n`);
  }
  const paths = await writeSweepReport(args.out, runs);
  process.stdout.write(`sweep: ${paths.find((p) => p.endsWith('.html')) ?? args.out}\n`);
  return 0;
}

function geometryOf(campus: CampusMap): CampusGeometry {
  const g = campus.graph;
  const edges: Vec2[][] = [];
  for (let e = 0; e < g.edgeCount; e++) {
    const pts: Vec2[] = [];
    for (let k = g.geomOffset[e]!; k < g.geomOffset[e + 1]!; k++) pts.push({ x: g.geomX[k]!, y: g.geomY[k]! });
    edges.push(pts);
  }
  return { edges, buildings: campus.obstacleRings.filter((r) => r.kind === 'building').map((r) => r.ring), attribution: campus.attribution };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`sim: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
