/** Absolute-error summary of predictions against truth, seconds. */
export interface ErrorStats {
  maeS: number;
  p50AbsS: number;
  p90AbsS: number;
  /** Mean of prediction − truth: positive means the ETAs were too long (the robot came early). */
  biasS: number;
  n: number;
}

/** MAE, median and p90 absolute error, and bias of `predictedS` against `actualS` (same length). */
export function errorStats(predictedS: readonly number[], actualS: readonly number[]): ErrorStats {
  if (predictedS.length !== actualS.length) throw new RangeError(`errorStats: ${predictedS.length} predictions for ${actualS.length} actuals`);
  const n = actualS.length;
  if (n === 0) return { maeS: NaN, p50AbsS: NaN, p90AbsS: NaN, biasS: NaN, n };
  const abs = new Array<number>(n);
  let sum = 0, bias = 0;
  for (let i = 0; i < n; i++) {
    const d = predictedS[i]! - actualS[i]!;
    abs[i] = Math.abs(d);
    sum += abs[i]!;
    bias += d;
  }
  abs.sort((a, b) => a - b);
  const q = (p: number) => abs[Math.min(n - 1, Math.floor(p * n))]!;
  return { maeS: sum / n, p50AbsS: q(0.5), p90AbsS: q(0.9), biasS: bias / n, n };
}
