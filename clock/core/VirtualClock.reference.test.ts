import { describe, expect, it } from 'vitest';
import { Random } from '../../common/core/Random.ts';
import type { Clock, TimerHandle } from './Clock.ts';
import { VirtualClock } from './VirtualClock.ts';

/**
 * The firing rule spelled out the slow way, as the reference for VirtualClock's heap (which re-arms an interval by
 * sifting it down from the top rather than popping and pushing it): every live timer in a list, the one with the
 * least (time, scheduling number) fires next; an interval gets its next time and a fresh scheduling number before its
 * callback runs.
 */
class ListClock implements Clock {
  #now: number;
  #seq = 0;
  #nextId = 1;
  readonly #timers: Array<{ id: number; at: number; seq: number; periodMs: number; callback: () => void }> = [];

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    return this.#add(this.#now + Math.max(0, delayMs), 0, callback);
  }

  setInterval(periodMs: number, callback: () => void): TimerHandle {
    return this.#add(this.#now + periodMs, periodMs, callback);
  }

  clearTimer(handle: TimerHandle): void {
    const i = this.#timers.findIndex((t) => t.id === handle.id);
    if (i >= 0) this.#timers.splice(i, 1);
  }

  runUntil(untilMs: number): void {
    for (;;) {
      let next = -1;
      this.#timers.forEach((t, i) => {
        const best = this.#timers[next];
        if (best === undefined || t.at < best.at || (t.at === best.at && t.seq < best.seq)) next = i;
      });
      const t = this.#timers[next];
      if (t === undefined || t.at > untilMs) break;
      this.#now = t.at;
      if (t.periodMs > 0) {
        t.at += t.periodMs;
        t.seq = this.#seq++;
      } else this.#timers.splice(next, 1);
      t.callback();
    }
    this.#now = untilMs;
  }

  #add(at: number, periodMs: number, callback: () => void): TimerHandle {
    const id = this.#nextId++;
    this.#timers.push({ id, at, seq: this.#seq++, periodMs, callback });
    return { id };
  }
}

/** A seeded storm of timers and intervals that set, clear and re-set each other from their callbacks; the firing log. */
function storm(clock: Clock & { runUntil(untilMs: number): unknown }, seed: number): string[] {
  const rng = new Random(seed);
  const log: string[] = [];
  const handles: TimerHandle[] = [];
  let made = 0;
  const make = (): void => {
    const name = made++;
    const periodic = rng.chance(0.5);
    // Few distinct periods and delays, so many timers fall due at the same instant and the order among them counts.
    const ms = [0, 10, 20, 50, 100][rng.int(periodic ? 1 : 0, 4)]!;
    const callback = (): void => {
      log.push(`${clock.now()}:${name}`);
      if (made < 400 && rng.chance(0.3)) make();
      if (handles.length > 0 && rng.chance(0.15)) clock.clearTimer(handles[rng.int(0, handles.length - 1)]!);
    };
    handles.push(periodic ? clock.setInterval(ms, callback) : clock.setTimer(ms, callback));
  };
  for (let i = 0; i < 30; i++) make();
  for (let t = 0; t <= 2_000; t += 37) clock.runUntil(t);
  return log;
}

describe('VirtualClock against the list reference', () => {
  it('fires the same timers at the same instants in the same order', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const heap = storm(new VirtualClock(0), seed);
      const list = storm(new ListClock(0), seed);
      expect(heap.length).toBeGreaterThan(500);
      expect(heap).toEqual(list);
    }
  });
});
