/**
 * Starts the fleet server in its own process (sim/wire/serveScaled.ts under tsx) on the simulator's time base, and
 * stops it. The child's stdin is a pipe it watches, so a simulator that dies takes its server with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SystemClock } from '../../clock/index.ts';
import { READY_PREFIX, scaledEnv, WireError, type ScaledTimeBase } from './scaledEnv.ts';

export interface FleetProcessOptions {
  time: ScaledTimeBase;
  /** `fleet serve` flags (`--database-url`, `--mqtt-url`, `--campus`, …). */
  args: readonly string[];
  /** Extra environment (SIM_STALE_AFTER_MS, SIM_CHEAP_CODES, LOG_LEVEL…). */
  env?: Record<string, string>;
  /** Wall-clock ms to wait for the server to listen. Default 60 s. */
  startTimeoutMs?: number;
}

export interface FleetProcess {
  url: string;
  mqttUrl: string;
  adminToken: string;
  pid: number;
  /** The tail of the child's output (its log lines, stdout and stderr interleaved). */
  stderr(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

const SERVE_SCRIPT = fileURLToPath(new URL('./serveScaled.ts', import.meta.url));
// Resolved from this file, so the child finds tsx whatever the caller's working directory.
const TSX_LOADER = import.meta.resolve('tsx');

/** Spawns the server process and resolves once it prints its ready line; rejects with its stderr if it exits first. */
export function startFleetProcess(options: FleetProcessOptions): Promise<FleetProcess> {
  const wall = new SystemClock();
  const child: ChildProcess = spawn(process.execPath, ['--import', TSX_LOADER, SERVE_SCRIPT, ...options.args], {
    env: { ...process.env, ...options.env, ...scaledEnv(options.time) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    // Keep the tail only: a long run at info level would otherwise grow without bound.
    err = (err + d).slice(-64_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const kill = wall.setTimer(10_000, () => child.kill('SIGKILL'));
    await exited;
    wall.clearTimer(kill);
    child.stdin!.destroy();
  };
  return new Promise<FleetProcess>((resolve, reject) => {
    const timer = wall.setTimer(options.startTimeoutMs ?? 60_000, () => {
      fail(new WireError('SIM_WIRE_SERVER', `fleet server process did not start within ${options.startTimeoutMs ?? 60_000} ms; stderr:\n${err}`));
    });
    const fail = (e: Error) => {
      wall.clearTimer(timer);
      void stop().finally(() => reject(e));
    };
    child.once('error', (e) => fail(new WireError('SIM_WIRE_SERVER', `cannot start the fleet server process: ${e.message}`, { cause: e })));
    const early = (code: number | null, signal: NodeJS.Signals | null) => {
      fail(new WireError('SIM_WIRE_SERVER', `fleet server process exited (${signal ?? `code ${code}`}) before it was ready; stderr:\n${err}`));
    };
    child.once('exit', early);
    let ready = false;
    // Read stdout to the end even after the ready line (the server logs there): a full pipe would block it.
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      err = (err + d).slice(-64_000);
      if (ready) return;
      out += d;
      const line = out.split('\n').slice(0, -1).find((l) => l.startsWith(READY_PREFIX));
      if (line === undefined) return;
      ready = true;
      wall.clearTimer(timer);
      child.off('exit', early);
      const info = JSON.parse(line.slice(READY_PREFIX.length)) as { url: string; mqttUrl: string; adminToken: string };
      resolve({ ...info, pid: child.pid!, stderr: () => err, stop });
    });
  });
}
