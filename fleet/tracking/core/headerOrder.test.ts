import { describe, expect, it } from 'vitest';
import { headerOrder } from './headerOrder.ts';

describe('headerOrder [VDA5050 §6.4]', () => {
  it('accepts anything first, then only increasing headerIds; gaps are fine', () => {
    expect(headerOrder(undefined, 7)).toBe('newer');
    expect(headerOrder(7, 8)).toBe('newer');
    expect(headerOrder(7, 100)).toBe('newer');
    expect(headerOrder(7, 7)).toBe('duplicate');
    expect(headerOrder(7, 6)).toBe('older');
    expect(headerOrder(7, 0)).toBe('older');
  });

  it('treats the uint32 wrap-around as newer', () => {
    expect(headerOrder(2 ** 32 - 1, 0)).toBe('newer');
    expect(headerOrder(2 ** 32 - 10, 5)).toBe('newer');
    expect(headerOrder(2 ** 31, 5)).toBe('older');
  });
});
