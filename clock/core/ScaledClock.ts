import { assertPeriod, ClockError, normalizeDelay, type Clock, type TimerHandle } from './Clock.ts';

export interface ScaledClockOptions {
  /** Virtual time runs this many times faster than the base clock (> 0; 1 is the base's own pace). */
  speedup: number;
  /** Virtual time at `baseStartMs`. Default: the base clock's now. */
  startMs?: number;
  /**
   * Base-clock instant that maps to `startMs`. Default: the base clock's now. Two processes that pass the same
   * (startMs, baseStartMs, speedup) on the wall clock share one virtual time.
   */
  baseStartMs?: number;
}

/**
 * A clock whose time runs `speedup` times faster than a base clock: the simulator's wire mode drives real processes
 * (fleet server, robots on a real broker) through a day faster than real time while timers still fire in wall time.
 *
 * now() = startMs + (base.now() − baseStartMs) × speedup; a timer of `delayMs` waits `delayMs / speedup` on the base.
 * An interval is re-armed from its own due time rather than from when the base fired it, so late firings do not
 * accumulate drift in virtual time.
 */
export class ScaledClock implements Clock {
  readonly speedup: number;
  readonly startMs: number;
  readonly baseStartMs: number;
  readonly #base: Clock;
  #nextId = 1;
  // our id -> the base handle currently armed for it (an interval re-arms, so the base handle changes).
  readonly #armed = new Map<number, TimerHandle>();

  constructor(base: Clock, options: ScaledClockOptions) {
    if (!Number.isFinite(options.speedup) || options.speedup <= 0) {
      throw new ClockError(`ScaledClock: speedup must be a finite number > 0, got ${options.speedup}`);
    }
    const baseNow = base.now();
    this.#base = base;
    this.speedup = options.speedup;
    this.baseStartMs = options.baseStartMs ?? baseNow;
    this.startMs = options.startMs ?? baseNow;
    if (!Number.isFinite(this.startMs) || !Number.isFinite(this.baseStartMs)) {
      throw new ClockError(`ScaledClock: start times must be finite, got startMs=${this.startMs} baseStartMs=${this.baseStartMs}`);
    }
  }

  now(): number {
    return this.startMs + (this.#base.now() - this.baseStartMs) * this.speedup;
  }

  /** The base-clock instant at which this clock reads `virtualMs`. */
  baseTimeAt(virtualMs: number): number {
    return this.baseStartMs + (virtualMs - this.startMs) / this.speedup;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const id = this.#nextId++;
    const base = this.#base.setTimer(normalizeDelay(delayMs, 'ScaledClock.setTimer') / this.speedup, () => {
      this.#armed.delete(id);
      callback();
    });
    this.#armed.set(id, base);
    return { id };
  }

  setInterval(periodMs: number, callback: () => void): TimerHandle {
    assertPeriod(periodMs, 'ScaledClock.setInterval');
    const id = this.#nextId++;
    let dueMs = this.now() + periodMs;
    const arm = (): void => {
      const base = this.#base.setTimer(Math.max(0, dueMs - this.now()) / this.speedup, () => {
        dueMs += periodMs;
        arm();
        callback();
      });
      this.#armed.set(id, base);
    };
    arm();
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    const base = this.#armed.get(handle.id);
    if (base === undefined) return;
    this.#base.clearTimer(base);
    this.#armed.delete(handle.id);
  }

  /** Number of timers and intervals still scheduled. */
  get pending(): number {
    return this.#armed.size;
  }

  /** Cancels everything this clock scheduled (so a process can exit cleanly). */
  clearAll(): void {
    for (const base of this.#armed.values()) this.#base.clearTimer(base);
    this.#armed.clear();
  }
}
