import { describe, expect, it } from 'vitest';
import { stableJson } from './stableJson.ts';

describe('stableJson', () => {
  it('rounds, normalizes -0 and non-finite numbers, expands typed arrays and drops undefined', () => {
    const s = stableJson({ a: 0.1 + 0.2, b: -0, c: Number.NaN, d: Infinity, e: new Uint32Array([1, 2]), f: undefined, g: [1 / 3] }, { decimals: 3, indent: 0 });
    expect(s).toBe('{"a":0.3,"b":0,"c":null,"d":null,"e":[1,2],"g":[0.333]}');
  });

  it('keeps key insertion order', () => {
    expect(stableJson({ z: 1, a: 2 }, { indent: 0 })).toBe('{"z":1,"a":2}');
  });
});
