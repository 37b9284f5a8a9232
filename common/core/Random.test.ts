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

  it('draws the same normals as the former Box–Muller with an optional spare (bit-identical)', () => {
    // The former spare (number | undefined), over a second stream of the same seed: the uniform draws are shared,
    // so only the spare's bookkeeping is under test, with uniform draws interleaved between normal ones.
    const a = new Random(99), b = new Random(99);
    let spare: number | undefined;
    const reference = (mean: number, sd: number): number => {
      if (spare !== undefined) {
        const z = spare;
        spare = undefined;
        return mean + sd * z;
      }
      let u = 0;
      while (u === 0) u = b.next();
      const v = b.next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return mean + sd * r * Math.cos(2 * Math.PI * v);
    };
    const pick = new Random(5);
    let differing = 0;
    for (let i = 0; i < 200_000; i++) {
      if (pick.chance(0.2)) {
        if (!Object.is(a.next(), b.next())) differing++;
      } else {
        const mean = pick.uniform(-5, 5), sd = pick.uniform(0, 3);
        if (!Object.is(a.normal(mean, sd), reference(mean, sd))) differing++;
      }
    }
    expect(differing).toBe(0);
  });

  it('draws the same words as the former xoshiro128** on plain fields (bit-identical)', () => {
    // The former implementation, state in four numbers normalised with `>>> 0`, seeded the same way.
    const former = (seed: number) => {
      let x = seed >>> 0;
      const next = () => {
        x = (x + 0x9e3779b9) >>> 0;
        let z = x;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
        return (z ^ (z >>> 16)) >>> 0;
      };
      let s0 = next(), s1 = next(), s2 = next(), s3 = next();
      const rotl = (v: number, k: number) => ((v << k) | (v >>> (32 - k))) >>> 0;
      return () => {
        const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
        const t = (s1 << 9) >>> 0;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = rotl(s3 >>> 0, 11);
        s0 >>>= 0;
        s1 >>>= 0;
        s2 >>>= 0;
        return result;
      };
    };
    for (const seed of [0, 1, 42, 0xffffffff, 0x80000000, 123456789]) {
      const a = new Random(seed), b = former(seed);
      let differing = 0;
      for (let i = 0; i < 100_000; i++) if (a.nextUint32() !== b()) differing++;
      expect(differing).toBe(0);
    }
  });
});
