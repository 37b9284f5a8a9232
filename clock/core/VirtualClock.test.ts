import { describe, expect, it } from 'vitest';
import { Random } from '../../common/core/Random.ts';
import { ClockError, type TimerHandle } from './Clock.ts';
import { VirtualClock } from './VirtualClock.ts';

describe('VirtualClock', () => {
  it('fires timers in time order, ties in scheduling order', () => {
    const clock = new VirtualClock(1000);
    const seen: string[] = [];
    clock.setTimer(30, () => seen.push('c@30'));
    clock.setTimer(10, () => seen.push('a@10'));
    clock.setTimer(10, () => seen.push('b@10'));
    clock.setTimer(0, () => seen.push('now'));
    expect(clock.runUntil(1025)).toBe(3);
    expect(seen).toEqual(['now', 'a@10', 'b@10']);
    expect(clock.now()).toBe(1025);
    clock.runFor(5);
    expect(seen.at(-1)).toBe('c@30');
  });

  it('shows each callback the time it was due, not the run target', () => {
    const clock = new VirtualClock();
    const at: number[] = [];
    clock.setTimer(7, () => at.push(clock.now()));
    clock.setInterval(5, () => at.push(clock.now()));
    clock.runUntil(16);
    expect(at).toEqual([5, 7, 10, 15]);
  });

  it('cancels timers and intervals, also from inside a callback', () => {
    const clock = new VirtualClock();
    let ticks = 0;
    const iv = clock.setInterval(10, () => {
      ticks++;
      if (ticks === 3) clock.clearTimer(iv);
    });
    const t = clock.setTimer(5, () => {
      throw new Error('cleared timer fired');
    });
    clock.clearTimer(t);
    clock.runUntil(1000);
    expect(ticks).toBe(3);
    expect(clock.pending).toBe(0);
    clock.clearTimer(t); // a second clear is harmless
  });

  it('runs timers scheduled by a callback for the same instant in the same run', () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    clock.setTimer(10, () => {
      seen.push('first');
      clock.setTimer(0, () => seen.push('chained'));
    });
    clock.setTimer(10, () => seen.push('second'));
    clock.runUntil(10);
    expect(seen).toEqual(['first', 'second', 'chained']);
  });

  it('is deterministic: the same schedule gives the same trace', () => {
    const trace = () => {
      const clock = new VirtualClock();
      const out: string[] = [];
      let x = 12345;
      const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let i = 0; i < 200; i++) {
        const name = `t${i}`;
        clock.setTimer(Math.floor(rnd() * 100), () => out.push(`${name}@${clock.now()}`));
      }
      clock.runUntil(100);
      return out.join(',');
    };
    expect(trace()).toBe(trace());
  });

  it('refuses to run backwards, re-enter, or spin on a zero period', () => {
    const clock = new VirtualClock(100);
    expect(() => clock.runUntil(50)).toThrow(ClockError);
    expect(() => clock.setInterval(0, () => {})).toThrow(/period must be/);
    expect(() => clock.setTimer(Number.NaN, () => {})).toThrow(/delay must be/);
    clock.setTimer(1, () => clock.runUntil(200));
    expect(() => clock.runUntil(150)).toThrow(/inside a timer callback/);
  });

  it('lets promise chains started by callbacks settle between instants in async runs', async () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    clock.setTimer(10, () => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => seen.push(`async@${clock.now()}`));
    });
    clock.setTimer(20, () => seen.push(`sync@${clock.now()}`));
    await clock.runUntilAsync(30);
    expect(seen).toEqual(['async@10', 'sync@20']);
    expect(clock.now()).toBe(30);
  });

  it('fires a seeded random mix of timers, intervals and clears in (time, scheduling) order', () => {
    const rng = new Random(31);
    const clock = new VirtualClock(0);
    const handles: TimerHandle[] = [];
    const fired: number[] = [];
    const schedule = (fromCallback: boolean): void => {
      // Whole-millisecond delays: many events share an instant, so the tie-break is exercised.
      const delay = rng.int(0, 30);
      const periodic = !fromCallback && rng.chance(0.2);
      const period = rng.int(1, 20);
      const onFire = (): void => {
        fired.push(h.id);
        if (rng.chance(0.3)) schedule(true);
        if (rng.chance(0.1) && handles.length > 0) cancel(rng.int(0, handles.length - 1));
      };
      const h = periodic ? clock.setInterval(period, onFire) : clock.setTimer(delay, onFire);
      handles.push(h);
    };
    const cancel = (k: number): void => clock.clearTimer(handles[k]!);
    for (let i = 0; i < 300; i++) schedule(false);
    clock.runUntil(400);
    expect(fired.length).toBeGreaterThan(1000);
    // Reference: the same random choices (a second stream of the same seed, drawn in the same order) over a plain list
    // of live events, the next one found by a linear scan for the least (time, scheduling sequence).
    interface Ref { at: number; seq: number; id: number; periodMs: number }
    const rng2 = new Random(31);
    const ids: number[] = [];
    const replay: Ref[] = [];
    let seq2 = 0, nextId = 1;
    const order: number[] = [];
    const schedule2 = (fromCallback: boolean, now: number): void => {
      const delay = rng2.int(0, 30);
      const periodic = !fromCallback && rng2.chance(0.2);
      const period = rng2.int(1, 20);
      const id = nextId++;
      ids.push(id);
      replay.push({ at: now + (periodic ? period : delay), seq: seq2++, id, periodMs: periodic ? period : 0 });
    };
    for (let i = 0; i < 300; i++) schedule2(false, 0);
    for (;;) {
      let best = -1;
      for (let k = 0; k < replay.length; k++) {
        const e = replay[k]!, b = best >= 0 ? replay[best]! : undefined;
        if (!b || e.at < b.at || (e.at === b.at && e.seq < b.seq)) best = k;
      }
      if (best < 0 || replay[best]!.at > 400) break;
      const e = replay[best]!;
      const now = e.at;
      if (e.periodMs > 0) {
        e.at += e.periodMs;
        e.seq = seq2++;
      } else {
        replay.splice(best, 1);
      }
      order.push(e.id);
      if (rng2.chance(0.3)) schedule2(true, now);
      if (rng2.chance(0.1) && ids.length > 0) {
        const id = ids[rng2.int(0, ids.length - 1)]!;
        const at = replay.findIndex((x) => x.id === id);
        if (at >= 0) replay.splice(at, 1);
      }
    }
    expect(fired).toEqual(order);
  });
});
