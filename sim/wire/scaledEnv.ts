/** The time base shared by wire mode's two processes, passed to the server process through its environment. */
import { AppError } from '../../common/core/AppError.ts';

/** What serveScaled prints once the server listens, before its JSON. */
export const READY_PREFIX = 'SIM-WIRE-READY ';

export interface ScaledTimeBase {
  speedup: number;
  /** Virtual ms since the epoch at `baseStartMs`. */
  startMs: number;
  /** Wall-clock ms since the epoch that maps to `startMs`. */
  baseStartMs: number;
}

/** A wire-mode setting that cannot work (bad speed-up, server that does not start, …). */
export class WireError extends AppError {}

/** The variables that give the server process the simulator's time base. */
export function scaledEnv(base: ScaledTimeBase): Record<string, string> {
  return { SIM_SPEEDUP: String(base.speedup), SIM_START_MS: String(base.startMs), SIM_BASE_START_MS: String(base.baseStartMs) };
}

/** Reads the time base back; throws WireError naming the bad variable. */
export function readScaledEnv(env: Readonly<Record<string, string | undefined>>): ScaledTimeBase {
  const num = (name: string, min: number): number => {
    const raw = env[name];
    const n = Number(raw);
    if (raw === undefined || raw === '' || !Number.isFinite(n) || n < min) {
      throw new WireError('SIM_WIRE_ENV', `${name}=${JSON.stringify(raw)}: must be a number ≥ ${min}`);
    }
    return n;
  };
  const speedup = num('SIM_SPEEDUP', 0);
  if (speedup <= 0) throw new WireError('SIM_WIRE_ENV', `SIM_SPEEDUP must be > 0, got ${speedup}`);
  return { speedup, startMs: num('SIM_START_MS', 0), baseStartMs: num('SIM_BASE_START_MS', 0) };
}
