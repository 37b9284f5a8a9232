import { describe, expect, it } from 'vitest';
import { Random } from './Random.ts';

describe('Random', () => {
  it('repeats for the same seed and differs for another', () => {
    const a = new Random(42), b = new Random(42), c = new Random(43);
    const seq = (r: Random) => Array.from({ length: 20 }, () => r.nextUint32());
    const sa = seq(a);
    expect(sa).toEqual(seq(b));
    expect(sa).not.toEqual(seq(c));
  });

  it('has the right moments for uniform and normal draws', () => {
    const r = new Random(7);
    const n = 50_000;
    let su = 0, sn = 0, sn2 = 0;
    for (let i = 0; i < n; i++) {
      su += r.next();
      const z = r.normal(3, 2);
      sn += z;
      sn2 += z * z;
    }
    expect(su / n).toBeCloseTo(0.5, 2);
    const mean = sn / n;
    expect(mean).toBeCloseTo(3, 1);
    expect(Math.sqrt(sn2 / n - mean * mean)).toBeCloseTo(2, 1);
  });

  it('draws weighted indices in proportion and rejects all-zero weights', () => {
    const r = new Random(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.weightedIndex([1, 0, 3])]!++;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(2.7);
    expect(counts[2]! / counts[0]!).toBeLessThan(3.3);
    expect(() => r.weightedIndex([0, 0])).toThrow(/positive/);
  });
});
