import { describe, expect, it } from 'vitest';
import { Decimator } from './Decimator.ts';

describe('Decimator', () => {
  it('keeps the first sample per key, then one every everyMs of simulated time', () => {
    const d = new Decimator(500);
    const kept = [];
    for (let t = 0; t < 2000; t += 100) if (d.take('R1', t)) kept.push(t);
    expect(kept).toEqual([0, 500, 1000, 1500]);
    expect(d.take('R2', 1900)).toBe(true); // keys are independent
  });

  it('everyMs 0 keeps everything; a negative or NaN period is refused', () => {
    const d = new Decimator(0);
    expect([d.take('a', 1), d.take('a', 1), d.take('a', 2)]).toEqual([true, true, true]);
    expect(() => new Decimator(-1)).toThrow(/everyMs/);
    expect(() => new Decimator(NaN)).toThrow(/everyMs/);
  });
});
