import { assertPeriod, normalizeDelay, type Clock, type TimerHandle } from '../core/Clock.ts';

/** Wall-clock time and Node timers: the production clock. */
export class SystemClock implements Clock {
  #nextId = 1;
  #timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const id = this.#nextId++;
    const t = setTimeout(() => {
      this.#timers.delete(id);
      callback();
    }, normalizeDelay(delayMs, 'SystemClock.setTimer'));
    this.#timers.set(id, t);
    return { id };
  }

  setInterval(periodMs: number, callback: () => void): TimerHandle {
    assertPeriod(periodMs, 'SystemClock.setInterval');
    const id = this.#nextId++;
    this.#timers.set(id, setInterval(callback, periodMs));
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    const t = this.#timers.get(handle.id);
    if (t !== undefined) {
      clearTimeout(t); // clearTimeout also clears an interval in Node
      this.#timers.delete(handle.id);
    }
  }

  /** Cancels everything this clock scheduled, so a process can exit cleanly. */
  clearAll(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }
}
