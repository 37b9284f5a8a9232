/**
 * The one time source every module takes. Nothing outside `clock/adapters` reads the wall clock, so the simulator can
 * run a whole day in virtual time and tests can drive time by hand.
 *
 * Times are milliseconds since the Unix epoch (virtual or real); durations are milliseconds.
 */
export interface Clock {
  /** Current time in ms since the epoch. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now. Negative delays count as zero. */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
  /** Calls `callback` every `periodMs` (> 0), first at now + periodMs. */
  setInterval(periodMs: number, callback: () => void): TimerHandle;
  /** Cancels a timer or interval; cancelling one that already fired or was cancelled is harmless. */
  clearTimer(handle: TimerHandle): void;
}

/** Opaque timer handle; only the clock that issued it can clear it. */
export interface TimerHandle {
  readonly id: number;
}

/** Thrown for a timer period that would never advance time (zero, negative, NaN or infinite). */
export class ClockError extends Error {
  readonly code = 'CLOCK_INVALID_ARGUMENT';
  constructor(message: string) {
    super(message);
    this.name = 'ClockError';
  }
}

export function assertPeriod(periodMs: number, where: string): void {
  if (!Number.isFinite(periodMs) || periodMs <= 0) {
    throw new ClockError(`${where}: period must be a finite number of ms > 0, got ${periodMs}`);
  }
}

export function normalizeDelay(delayMs: number, where: string): number {
  if (Number.isNaN(delayMs) || delayMs === Infinity) {
    throw new ClockError(`${where}: delay must be a finite number of ms, got ${delayMs}`);
  }
  return Math.max(0, delayMs);
}
