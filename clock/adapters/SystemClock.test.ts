import { describe, expect, it } from 'vitest';
import { SystemClock } from './SystemClock.ts';

describe('SystemClock', () => {
  it('reads wall time and fires real timers, cancellable', async () => {
    const clock = new SystemClock();
    const before = Date.now();
    expect(Math.abs(clock.now() - before)).toBeLessThan(1000);
    const fired: string[] = [];
    const cancelled = clock.setTimer(5, () => fired.push('cancelled'));
    clock.clearTimer(cancelled);
    await new Promise<void>((resolve) => clock.setTimer(20, () => { fired.push('timer'); resolve(); }));
    let n = 0;
    await new Promise<void>((resolve) => {
      const h = clock.setInterval(5, () => {
        if (++n === 3) { clock.clearTimer(h); resolve(); }
      });
    });
    expect(fired).toEqual(['timer']);
    expect(n).toBe(3);
    clock.clearAll();
  });
});
