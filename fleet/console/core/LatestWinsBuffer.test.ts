import { describe, expect, it } from 'vitest';
import { LatestWinsBuffer } from './LatestWinsBuffer.ts';

describe('LatestWinsBuffer', () => {
  it('keeps only the latest value per key, in first-put order', () => {
    const buffer = new LatestWinsBuffer<string, number>();
    expect(buffer.put('a', 1)).toBe(true);
    expect(buffer.put('b', 2)).toBe(false);
    expect(buffer.put('a', 3)).toBe(false);
    expect(buffer.size).toBe(2);
    expect(buffer.replaced).toBe(1);
    expect(buffer.drain()).toEqual([3, 2]);
    expect(buffer.size).toBe(0);
    expect(buffer.put('b', 4)).toBe(true);
    expect(buffer.drain()).toEqual([4]);
  });
});
