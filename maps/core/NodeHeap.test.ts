import { describe, expect, it } from 'vitest';
import { Random } from '../../common/core/Random.ts';
import { NodeHeap } from './NodeHeap.ts';

describe('NodeHeap', () => {
  it('pops in key order with decrease-key and no duplicates', () => {
    const rnd = new Random(3);
    const keys = new Float64Array(200);
    const heap = new NodeHeap(200, keys);
    for (let i = 0; i < 200; i++) {
      keys[i] = rnd.uniform(0, 1000);
      heap.push(i);
    }
    for (let i = 0; i < 200; i += 3) {
      keys[i] = keys[i]! / 10; // lower some keys after insertion
      heap.push(i);
    }
    expect(heap.size).toBe(200);
    const popped: number[] = [];
    while (heap.size > 0) popped.push(keys[heap.pop()]!);
    expect(popped).toEqual([...popped].sort((a, b) => a - b));
  });

  it('clear() forgets positions so the heap can be reused', () => {
    const keys = new Float64Array([5, 1, 3]);
    const heap = new NodeHeap(3, keys);
    heap.push(0);
    heap.push(1);
    heap.clear();
    expect(heap.has(0)).toBe(false);
    expect(heap.peekKey()).toBe(Infinity);
    heap.push(2);
    expect(heap.pop()).toBe(2);
  });
});
