import { describe, expect, it } from 'vitest';
import { Random } from '../../../common/core/Random.ts';
import { jsonEqual } from './jsonEqual.ts';

describe('jsonEqual', () => {
  it('agrees with comparing JSON.stringify output on the corner cases', () => {
    const cases: Array<[unknown, unknown]> = [
      [{ a: 1, b: undefined }, { a: 1 }],
      [{ a: 1, f: () => 1 }, { a: 1 }],
      [[undefined], [null]],
      [[1, 2], [1, 2, 3]],
      [{ a: NaN }, { a: null }],
      [{ a: Infinity }, { a: NaN }],
      [{ a: 0 }, { a: -0 }],
      [{ a: 1, b: 2 }, { b: 2, a: 1 }],
      [{ a: [] }, { a: {} }],
      [{ a: '1' }, { a: 1 }],
      [null, {}],
      [{ a: { b: { c: [1, { d: true }] } } }, { a: { b: { c: [1, { d: false }] } } }],
      [{ a: { b: { c: [1, { d: true }] } } }, { a: { b: { c: [1, { d: true }] } } }],
    ];
    for (const [a, b] of cases) expect(jsonEqual(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(JSON.stringify(a) === JSON.stringify(b));
  });

  it('agrees with JSON.stringify on random nested values and their one-field mutations', () => {
    const r = new Random(7);
    const leaf = (): unknown => [0, 1, -1.5, 'x', 'y', true, false, null, undefined][r.int(0, 8)];
    const value = (depth: number): unknown => {
      if (depth === 0 || r.int(0, 3) === 0) return leaf();
      if (r.int(0, 1) === 0) return Array.from({ length: r.int(0, 3) }, () => value(depth - 1));
      const o: Record<string, unknown> = {};
      for (let k = r.int(0, 3); k > 0; k--) o[`k${r.int(0, 4)}`] = value(depth - 1);
      return o;
    };
    for (let i = 0; i < 2000; i++) {
      const a = value(4);
      const b = r.int(0, 1) === 0 ? structuredClone(a) : value(4);
      expect(jsonEqual(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
    }
  });
});
