import { describe, expect, it } from 'vitest';
import { quantiles, quantileSorted } from './quantile.ts';

describe('quantileSorted (linear interpolation between closest ranks)', () => {
  it('interpolates between ranks like numpy/R type 7', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileSorted([10, 20, 30, 40, 50], 0.25)).toBe(20);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantileSorted(hundred, 0.95)).toBeCloseTo(95.05, 10);
  });

  it('handles one value and no values', () => {
    expect(quantileSorted([7], 0.95)).toBe(7);
    expect(Number.isNaN(quantileSorted([], 0.5))).toBe(true);
  });

  it('rejects q outside [0, 1]', () => {
    expect(() => quantileSorted([1], 1.5)).toThrow(RangeError);
    expect(() => quantileSorted([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('quantiles', () => {
  it('sorts numerically (not as strings) without touching the input', () => {
    const input = [100, 9, 20, 3];
    expect(quantiles(input, [0, 0.5, 1])).toEqual([3, 14.5, 100]);
    expect(input).toEqual([100, 9, 20, 3]);
  });
});
