import { describe, expect, it } from 'vitest';
import { exactHypot } from './exactHypot.ts';

describe('exactHypot', () => {
  it('equals Math.hypot bit for bit over random magnitudes', () => {
    // A fixed LCG: the same inputs on every run.
    let s = 12345;
    const rnd = (): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 4294967296;
    };
    let mismatches = 0;
    for (let i = 0; i < 2_000_000; i++) {
      const x = (rnd() - 0.5) * 10 ** (Math.floor(rnd() * 24) - 12);
      const y = (rnd() - 0.5) * 10 ** (Math.floor(rnd() * 24) - 12);
      if (!Object.is(exactHypot(x, y), Math.hypot(x, y))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('equals Math.hypot on the special values', () => {
    const values = [0, -0, 1, -1, 3, 4, 5e-324, -5e-324, 1e308, -1e308, Number.MAX_VALUE, Infinity, -Infinity, NaN, 0.1, 0.7];
    for (const x of values) for (const y of values) expect(Object.is(exactHypot(x, y), Math.hypot(x, y)), `${x}, ${y}`).toBe(true);
  });
});
