import { assertPeriod, ClockError, normalizeDelay, type Clock, type TimerHandle } from './Clock.ts';

interface ScheduledEvent {
  at: number;
  seq: number;
  id: number;
  periodMs: number; // 0 for a one-shot timer
  callback: () => void;
  /** False once cleared (or fired, for a one-shot): the heap drops it when it reaches the top. */
  live: boolean;
}

/**
 * Discrete-event clock: time moves only when the owner runs it, jumping from one scheduled event to the next.
 *
 * Events fire in (time, scheduling order) order, so two runs that schedule the same things in the same order fire
 * them identically — the simulator's determinism rests on this. A callback may schedule or clear timers, including
 * ones due at the current instant; those fire in the same run, after every event already due at that instant.
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #nextId = 1;
  #heap: ScheduledEvent[] = [];
  // id -> live event; a cleared timer is removed here and skipped lazily when it reaches the heap top.
  #live = new Map<number, ScheduledEvent>();
  #running = false;

  constructor(startMs = 0) {
    if (!Number.isFinite(startMs)) throw new ClockError(`VirtualClock: start time must be finite, got ${startMs}`);
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    return this.#schedule(this.#now + normalizeDelay(delayMs, 'VirtualClock.setTimer'), 0, callback);
  }

  setInterval(periodMs: number, callback: () => void): TimerHandle {
    assertPeriod(periodMs, 'VirtualClock.setInterval');
    return this.#schedule(this.#now + periodMs, periodMs, callback);
  }

  clearTimer(handle: TimerHandle): void {
    const ev = this.#live.get(handle.id);
    if (ev === undefined) return;
    ev.live = false;
    this.#live.delete(handle.id);
  }

  /** Number of timers and intervals still scheduled. */
  get pending(): number {
    return this.#live.size;
  }

  /** Time of the next live event, or undefined when nothing is scheduled. */
  nextEventAt(): number | undefined {
    this.#dropCleared();
    return this.#heap[0]?.at;
  }

  /**
   * Fires every event due at or before `untilMs` in order, then sets the time to `untilMs`.
   * Returns the number of callbacks fired.
   */
  runUntil(untilMs: number): number {
    if (untilMs < this.#now) {
      throw new ClockError(`VirtualClock.runUntil: ${untilMs} is before now (${this.#now}); time does not run backwards`);
    }
    if (this.#running) throw new ClockError('VirtualClock.runUntil: called from inside a timer callback');
    this.#running = true;
    let fired = 0;
    try {
      for (;;) {
        this.#dropCleared();
        const ev = this.#heap[0];
        if (ev === undefined || ev.at > untilMs) break;
        this.#now = ev.at;
        if (ev.periodMs > 0) {
          // Re-armed in place: one sift down from the top instead of a pop and a push. The keys (at, seq) are unique,
          // so any valid heap gives the same firing order.
          ev.at += ev.periodMs;
          ev.seq = this.#seq++;
          this.#siftDown(ev);
        } else {
          this.#pop();
          ev.live = false;
          this.#live.delete(ev.id);
        }
        fired++;
        ev.callback();
      }
      this.#now = untilMs;
    } finally {
      this.#running = false;
    }
    return fired;
  }

  /** Runs `durationMs` of virtual time from now. */
  runFor(durationMs: number): number {
    return this.runUntil(this.#now + normalizeDelay(durationMs, 'VirtualClock.runFor'));
  }

  /**
   * Like runUntil, but yields to the event loop after each instant so promise chains started by callbacks (database
   * writes, message handlers) settle before virtual time moves on.
   */
  async runUntilAsync(untilMs: number, yieldToEventLoop: () => Promise<void> = defaultYield): Promise<number> {
    let fired = 0;
    for (;;) {
      const next = this.nextEventAt();
      if (next === undefined || next > untilMs) break;
      fired += this.runUntil(next);
      await yieldToEventLoop();
    }
    if (untilMs > this.#now) this.runUntil(untilMs);
    await yieldToEventLoop();
    return fired;
  }

  #schedule(at: number, periodMs: number, callback: () => void): TimerHandle {
    const ev: ScheduledEvent = { at, seq: this.#seq++, id: this.#nextId++, periodMs, callback, live: true };
    this.#live.set(ev.id, ev);
    this.#push(ev);
    return { id: ev.id };
  }

  #dropCleared(): void {
    const h = this.#heap;
    while (h.length > 0 && !h[0]!.live) this.#pop();
  }

  // Binary min-heap on (at, seq): seq breaks ties so equal-time events keep scheduling order. The sifts move a hole
  // rather than swap pairs (keys are unique, so the result is the swapping sift's): the heap runs on every simulated
  // tick, and the destructuring swap was a hot line.
  #push(ev: ScheduledEvent): void {
    const h = this.#heap;
    let i = h.length;
    h.push(ev);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!(ev.at < parent.at || (ev.at === parent.at && ev.seq < parent.seq))) break;
      h[i] = parent;
      i = p;
    }
    h[i] = ev;
  }

  #pop(): ScheduledEvent | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) this.#siftDown(last);
    return top;
  }

  /** Puts `last` at the top in place of the top event and sifts it down to where it belongs. */
  #siftDown(last: ScheduledEvent): void {
    const h = this.#heap;
    const n = h.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      // The smaller child, ties to the left, then whether it goes above `last`: as the swapping sift decided.
      let m = l;
      let child = h[l]!;
      const r = l + 1;
      if (r < n) {
        const right = h[r]!;
        if (right.at < child.at || (right.at === child.at && right.seq < child.seq)) {
          m = r;
          child = right;
        }
      }
      if (!(child.at < last.at || (child.at === last.at && child.seq < last.seq))) break;
      h[i] = child;
      i = m;
    }
    h[i] = last;
  }
}

function defaultYield(): Promise<void> {
  // A resolved-promise hop only drains microtasks; a MessageChannel round trip also lets I/O callbacks run,
  // without reading or waiting on the wall clock.
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.once('message', () => {
      port1.close();
      resolve();
    });
    port2.postMessage(null);
  });
}
