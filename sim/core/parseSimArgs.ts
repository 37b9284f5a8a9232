import { err, ok, type Result } from '../../common/core/AppError.ts';

export interface DayArgs {
  command: 'day';
  campus: string;
  parcels: number;
  robots: number;
  seed: number;
  hours: number;
  /** Lockers per robot. */
  compartments: number;
  /** Most hours run past the day to resolve the last parcels (the hard stop). */
  drainHours: number;
  fidelity: 'fleet' | 'full';
  mode: 'fast' | 'wire';
  /** The fleet side: the real FleetServer, the only one (the interim in-memory fleet is gone; docs/sim.md). */
  fleet: 'server';
  broker: string | undefined;
  speedup: number;
  /** Full fidelity: worker threads for the robots (0: all on the main thread). */
  workers: number;
  /** Record the day for Foxglove into `<out>/day.mcap`: these robots (all of them when the list is empty). */
  record: { robots: string[] } | undefined;
  out: string;
  quiet: boolean;
}

export interface SweepArgs {
  command: 'sweep';
  campus: string;
  parcels: number;
  robotCounts: number[];
  seed: number;
  hours: number;
  compartments: number;
  drainHours: number;
  out: string;
  quiet: boolean;
}

export type SimArgs = DayArgs | SweepArgs | { command: 'help' };

export const SIM_USAGE = `Usage:
  sim day   [--campus zju|swjtu|FILE] [--parcels N] [--robots N] [--seed N] [--hours H] [--compartments N]
            [--drain-hours H] [--fidelity fleet|full] [--mode fast|wire] [--broker mqtt://HOST:PORT] [--speedup X]
            [--fleet server] [--workers N] [--record] [--record-robots R01,R02] [--out DIR] [--quiet]
  sim sweep [--campus …] [--parcels N] [--robots 30,40,60,80] [--seed N] [--hours H] [--compartments N]
            [--drain-hours H] [--out DIR] [--quiet]
Defaults: --campus zju --parcels 30000 --robots 60 --seed 1 --hours 18 --compartments 24 --drain-hours 6
          --fidelity fleet --mode fast --fleet server --workers 0 (full fidelity: robot threads; 0 = main thread)
          --out out/sim-<campus>-<seed> (sweep: out/sweep-<campus>-<seed>)
--record writes <out>/day.mcap for Foxglove (poses every 2 s, routes, events; docs/sim-recording.md); --record-robots
          keeps only the robots named (a whole 60-robot day is ~1.4 GB, one robot ~25 MB).
Exit code: 0 the day passed validation, 1 it failed, 2 usage error.`;

const FLAGS: Record<'day' | 'sweep', ReadonlySet<string>> = {
  day: new Set(['campus', 'parcels', 'robots', 'seed', 'hours', 'compartments', 'drain-hours', 'fidelity', 'mode', 'broker', 'speedup', 'fleet', 'workers', 'record', 'record-robots', 'out', 'quiet']),
  sweep: new Set(['campus', 'parcels', 'robots', 'seed', 'hours', 'compartments', 'drain-hours', 'out', 'quiet']),
};
const BOOLEAN = new Set(['quiet', 'record']);

/** Parses `sim` command-line arguments (after the script name). Usage errors are values, with a message. Pure. */
export function parseSimArgs(argv: readonly string[]): Result<SimArgs, string> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return ok({ command: 'help' });
  if (command !== 'day' && command !== 'sweep') return err(`unknown command '${command}' (expected day or sweep)`);
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (!a.startsWith('--')) return err(`unexpected argument '${a}'`);
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (!FLAGS[command].has(name)) return err(`unknown flag --${name} for '${command}'`);
    if (BOOLEAN.has(name)) {
      flags.set(name, 'true');
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : rest[++i];
    if (value === undefined || value === '') return err(`--${name} needs a value`);
    flags.set(name, value);
  }
  const int = (name: string, def: number, min: number, max: number): Result<number, string> => {
    const raw = flags.get(name);
    if (raw === undefined) return ok(def);
    const v = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(v) || v < min || v > max) return err(`--${name} must be an integer in ${min}..${max}, got '${raw}'`);
    return ok(v);
  };
  const campus = flags.get('campus') ?? 'zju';
  const parcels = int('parcels', 30_000, 0, 1_000_000);
  if (!parcels.ok) return parcels;
  const seed = int('seed', 1, 0, 2 ** 32 - 1);
  if (!seed.ok) return seed;
  const hoursRaw = flags.get('hours') ?? '18';
  const hours = Number(hoursRaw);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 48) return err(`--hours must be a number in (0, 48], got '${hoursRaw}'`);
  const compartments = int('compartments', 24, 1, 64);
  if (!compartments.ok) return compartments;
  const drainRaw = flags.get('drain-hours') ?? '6';
  const drainHours = Number(drainRaw);
  if (!/^\d+(\.\d+)?$/.test(drainRaw) || drainHours > 24) return err(`--drain-hours must be a number in [0, 24], got '${drainRaw}'`);
  const common = { compartments: compartments.value, drainHours };
  const quiet = flags.has('quiet');
  const label = campusLabel(campus);

  if (command === 'sweep') {
    const raw = flags.get('robots') ?? '30,40,60,80';
    const counts = raw.split(',').map((s) => s.trim());
    if (counts.some((c) => !/^\d+$/.test(c) || Number(c) < 1 || Number(c) > 999)) return err(`--robots must be a comma-separated list of integers in 1..999, got '${raw}'`);
    const robotCounts = [...new Set(counts.map(Number))].sort((a, b) => a - b);
    return ok({ command, campus, parcels: parcels.value, robotCounts, seed: seed.value, hours, ...common, quiet, out: flags.get('out') ?? `out/sweep-${label}-${seed.value}` });
  }
  const robots = int('robots', 60, 1, 999);
  if (!robots.ok) return robots;
  const fidelity = flags.get('fidelity') ?? 'fleet';
  if (fidelity !== 'fleet' && fidelity !== 'full') return err(`--fidelity must be fleet or full, got '${fidelity}'`);
  const mode = flags.get('mode') ?? 'fast';
  if (mode !== 'fast' && mode !== 'wire') return err(`--mode must be fast or wire, got '${mode}'`);
  const broker = flags.get('broker');
  if (broker !== undefined && !/^mqtts?:\/\/[^/\s]+$/.test(broker)) return err(`--broker must look like mqtt://HOST:PORT, got '${broker}'`);
  if (broker !== undefined && mode !== 'wire') return err('--broker only applies to --mode wire');
  const fleet = flags.get('fleet') ?? 'server';
  // `direct` named the interim in-memory fleet, removed once the real server passed the headline day.
  if (fleet !== 'server') return err(`--fleet must be server (the real FleetServer; 'direct' was removed), got '${fleet}'`);
  const speedupRaw = flags.get('speedup') ?? '10';
  const speedup = Number(speedupRaw);
  if (!Number.isFinite(speedup) || speedup <= 0) return err(`--speedup must be a number > 0, got '${speedupRaw}'`);
  const workers = int('workers', 0, 0, 16);
  if (!workers.ok) return workers;
  if (flags.has('workers') && fidelity !== 'full') return err('--workers only applies to --fidelity full');
  const recordRobots = flags.get('record-robots');
  if (recordRobots !== undefined && !/^[A-Za-z0-9_-]+(,[A-Za-z0-9_-]+)*$/.test(recordRobots)) {
    return err(`--record-robots must be a comma-separated list of serial numbers like R01,R02, got '${recordRobots}'`);
  }
  const record = flags.has('record') || recordRobots !== undefined ? { robots: recordRobots?.split(',') ?? [] } : undefined;
  if (record !== undefined && mode !== 'fast') return err('--record needs --mode fast');
  return ok({
    command, campus, parcels: parcels.value, robots: robots.value, seed: seed.value, hours, ...common, fidelity, mode, fleet, broker, speedup, quiet,
    workers: workers.value, record,
    out: flags.get('out') ?? `out/sim-${label}-${seed.value}`,
  });
}

/** A short name for output folders: the shipped campus key, or the file's base name. */
export function campusLabel(campus: string): string {
  const base = campus.split(/[\\/]/).at(-1) ?? campus;
  return base.replace(/\.(geojson|json|osm)$/i, '').replace(/[^A-Za-z0-9_-]+/g, '_') || 'campus';
}
