/**
 * Back-off before asking the planner again for a goal it found no path to: `initialS` after the first failure,
 * doubling with each further one, never more than `maxS`. Pure.
 */
export interface PlanRetryBackOff {
  /** Wait after the first failure, s. */
  initialS: number;
  /** Longest wait, s. */
  maxS: number;
}

/** The wait after the `failures`-th failure in a row (1 = the first), s. */
export function planRetryDelayS(failures: number, backOff: Readonly<PlanRetryBackOff>): number {
  // 2^(failures − 1) overflows to Infinity long before it matters; min() takes the cap then.
  return Math.min(backOff.maxS, backOff.initialS * 2 ** Math.max(0, failures - 1));
}
