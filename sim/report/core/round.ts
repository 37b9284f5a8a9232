/** Rounds to a fixed number of decimals for stable output; -0 becomes 0 and non-finite becomes null. */
export function round(x: number, decimals: number): number | null {
  if (!Number.isFinite(x)) return null;
  const f = 10 ** decimals;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r;
}

/** round() for values that are always finite (counts, sums); NaN would be a bug, so it shows as 0 rather than null. */
export function roundN(x: number, decimals: number): number {
  return round(x, decimals) ?? 0;
}
