import { describe, expect, it } from 'vitest';
import { Random } from '../../../common/core/Random.ts';
import { orderStops, tourCost } from './orderStops.ts';

function randomCost(rng: Random, k: number): Float64Array {
  const m = k + 1;
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) c[i * m + j] = i === j ? 0 : rng.uniform(10, 1000); // asymmetric
  return c;
}

function bruteForce(cost: Float64Array, k: number): number {
  let best = Infinity;
  const perm = (rest: number[], acc: number[]) => {
    if (rest.length === 0) best = Math.min(best, tourCost(cost, k, acc));
    rest.forEach((s, i) => perm([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, s]));
  };
  perm(Array.from({ length: k }, (_, i) => i + 1), []);
  return best;
}

describe('orderStops', () => {
  it('is exact (Held–Karp) against brute force on asymmetric matrices', () => {
    const rng = new Random(5);
    for (let k = 1; k <= 7; k++) {
      const cost = randomCost(rng, k);
      const r = orderStops(cost, k);
      expect([...r.order].sort((a, b) => a - b)).toEqual(Array.from({ length: k }, (_, i) => i + 1));
      expect(r.cost).toBeCloseTo(tourCost(cost, k, r.order), 9);
      expect(r.cost).toBeCloseTo(bruteForce(cost, k), 9);
    }
  });

  it('improves nearest neighbour to within a few % of exact above the exact limit', () => {
    const rng = new Random(9);
    let gap = 0;
    for (let t = 0; t < 5; t++) {
      const k = 11, m = k + 1;
      const pts = Array.from({ length: m }, () => [rng.uniform(0, 1000), rng.uniform(0, 1000)] as const);
      const cost = new Float64Array(m * m);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) cost[i * m + j] = Math.hypot(pts[i]![0] - pts[j]![0], pts[i]![1] - pts[j]![1]);
      const heuristic = orderStops(cost, k, 4);
      const exact = orderStops(cost, k, 11);
      expect(heuristic.cost).toBeGreaterThanOrEqual(exact.cost - 1e-9);
      gap += heuristic.cost / exact.cost - 1;
    }
    expect(gap / 5).toBeLessThan(0.05);
  });
});
