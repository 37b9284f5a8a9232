import { describe, expect, it } from 'vitest';
import { ClockError } from './Clock.ts';
import { ScaledClock } from './ScaledClock.ts';
import { VirtualClock } from './VirtualClock.ts';

describe('ScaledClock', () => {
  it('runs virtual time speedup times faster than the base, from the given start', () => {
    const base = new VirtualClock(1_000);
    const clock = new ScaledClock(base, { speedup: 20, startMs: 5_000_000 });
    expect(clock.now()).toBe(5_000_000);
    base.runFor(1_500);
    expect(clock.now()).toBe(5_000_000 + 30_000);
    expect(clock.baseTimeAt(5_000_000 + 30_000)).toBe(2_500);
  });

  it('shares one time base between two clocks given the same epoch, whenever each was made', () => {
    const base = new VirtualClock(0);
    const a = new ScaledClock(base, { speedup: 10, startMs: 1e9, baseStartMs: 0 });
    base.runFor(777);
    const b = new ScaledClock(base, { speedup: 10, startMs: 1e9, baseStartMs: 0 });
    expect(b.now()).toBe(a.now());
    expect(a.now()).toBe(1e9 + 7_770);
  });

  it('fires a timer after delay / speedup of base time, reading the virtual due time', () => {
    const base = new VirtualClock(0);
    const clock = new ScaledClock(base, { speedup: 50, startMs: 0 });
    const seen: number[] = [];
    clock.setTimer(10_000, () => seen.push(clock.now()));
    base.runUntil(199);
    expect(seen).toEqual([]);
    base.runUntil(200);
    expect(seen).toEqual([10_000]);
    expect(clock.pending).toBe(0);
  });

  it('repeats an interval on virtual period boundaries and stops it when cleared, even from its own callback', () => {
    const base = new VirtualClock(0);
    const clock = new ScaledClock(base, { speedup: 4, startMs: 0 });
    const seen: number[] = [];
    const h = clock.setInterval(1_000, () => {
      seen.push(clock.now());
      if (seen.length === 3) clock.clearTimer(h);
    });
    base.runFor(10_000);
    expect(seen).toEqual([1_000, 2_000, 3_000]);
    expect(clock.pending).toBe(0);
    expect(base.pending).toBe(0);
  });

  it('cancels one-shot timers and clearAll cancels everything on the base', () => {
    const base = new VirtualClock(0);
    const clock = new ScaledClock(base, { speedup: 2 });
    let fired = 0;
    const t = clock.setTimer(100, () => fired++);
    clock.clearTimer(t);
    clock.clearTimer(t);
    clock.setTimer(100, () => fired++);
    clock.setInterval(100, () => fired++);
    clock.clearAll();
    base.runFor(1_000);
    expect(fired).toBe(0);
    expect(base.pending).toBe(0);
  });

  it('refuses a speed-up that cannot run time and a bad period', () => {
    const base = new VirtualClock(0);
    expect(() => new ScaledClock(base, { speedup: 0 })).toThrow(ClockError);
    expect(() => new ScaledClock(base, { speedup: Number.NaN })).toThrow(ClockError);
    expect(() => new ScaledClock(base, { speedup: 2 }).setInterval(0, () => undefined)).toThrow(ClockError);
  });
});
