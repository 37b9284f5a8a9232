import { describe, expect, it } from 'vitest';
import { planRetryDelayS } from './planRetryDelayS.ts';

describe('planRetryDelayS', () => {
  it('waits the initial time after the first failure, doubling to the cap', () => {
    const backOff = { initialS: 10, maxS: 120 };
    expect([1, 2, 3, 4, 5, 6, 2000].map((n) => planRetryDelayS(n, backOff))).toEqual([10, 20, 40, 80, 120, 120, 120]);
  });
});
