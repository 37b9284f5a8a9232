/**
 * Exact quantile of already-sorted ascending values by linear interpolation between closest ranks (the "type 7"
 * definition numpy and R use by default), so p50 of [1, 2, 3, 4] is 2.5. NaN for an empty array.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantileSorted: q must be in [0, 1], got ${q}`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

/** Sorts a copy (numerically) and returns the requested quantiles, in the order asked. */
export function quantiles(values: ArrayLike<number>, qs: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  return qs.map((q) => quantileSorted(sorted, q));
}
