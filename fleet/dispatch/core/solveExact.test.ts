import { describe, expect, it } from 'vitest';
import { solveExact } from './solveExact.ts';
import { world } from './testWorld.ts';

const line = world({ hub: [0, 0], a: [100, 0], b: [200, 0], c: [-100, 0], d: [-300, 0] });

describe('solveExact', () => {
  it('needs one out-and-back per destination when each fills the robot', () => {
    const r = solveExact('hub', ['a', 'b', 'c', 'd'].map((place) => ({ place, count: 2 })), 2, line);
    expect(r.totalDistanceM).toBeCloseTo(2 * (100 + 200 + 100 + 300), 9);
    expect(r.trips).toHaveLength(4);
  });

  it('groups each side of the hub when capacity allows', () => {
    const r = solveExact('hub', ['a', 'b', 'c', 'd'].map((place) => ({ place, count: 1 })), 2, line);
    expect(r.totalDistanceM).toBeCloseTo(2 * 200 + 2 * 300, 9);
    expect(r.trips.map((t) => [...t].sort().join()).sort()).toEqual(['a,b', 'c,d']);
  });

  it('refuses instances it cannot solve', () => {
    expect(() => solveExact('hub', [{ place: 'a', count: 3 }], 2, line)).toThrow(RangeError);
    expect(() => solveExact('hub', Array.from({ length: 13 }, () => ({ place: 'a', count: 1 })), 2, line)).toThrow(/at most 12/);
  });
});
