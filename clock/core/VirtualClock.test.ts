import { describe, expect, it } from 'vitest';
import { ClockError } from './Clock.ts';
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
});
