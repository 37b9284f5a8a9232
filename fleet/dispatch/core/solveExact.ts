import type { PlaceId, TravelModel } from './types.ts';

/** A destination and how many parcels (compartments) it needs. */
export interface ExactDemand {
  place: PlaceId;
  count: number;
}

/**
 * The optimal set of hub-based trips for a tiny instance (the reference the heuristic is measured against): every
 * destination visited once, each trip carrying at most `capacity` parcels, total distance minimal, trips unlimited
 * (one robot doing them in turn, or several robots: the distance is the same).
 *
 * Held–Karp over all subsets gives the best tour of every subset at once (O(2^n·n²)); a DP over set partitions then
 * picks the cheapest cover by capacity-feasible subsets (O(3^n)). Practical to n ≈ 12.
 *
 * @throws RangeError when n > 12 or a destination needs more than `capacity` (split it into full loads first).
 */
export function solveExact(
  hub: PlaceId,
  demands: readonly ExactDemand[],
  capacity: number,
  travel: TravelModel,
): { totalDistanceM: number; trips: PlaceId[][] } {
  const n = demands.length;
  if (n > 12) throw new RangeError(`solveExact: ${n} destinations, at most 12 (it is exponential)`);
  if (n === 0) return { totalDistanceM: 0, trips: [] };
  for (const d of demands) {
    if (d.count > capacity) throw new RangeError(`solveExact: ${d.place} needs ${d.count} > capacity ${capacity}`);
  }
  const places = [hub, ...demands.map((d) => d.place)];
  const m = n + 1;
  const cost = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) cost[i * m + j] = i === j ? 0 : travel.distanceM(places[i]!, places[j]!);

  const size = 1 << n;
  const dp = new Float64Array(size * n).fill(Infinity);
  const parent = new Int8Array(size * n).fill(-1);
  for (let j = 0; j < n; j++) dp[(1 << j) * n + j] = cost[j + 1]!;
  for (let mask = 1; mask < size; mask++) {
    for (let j = 0; j < n; j++) {
      const here = dp[mask * n + j]!;
      if (!(mask & (1 << j)) || here === Infinity) continue;
      for (let k = 0; k < n; k++) {
        if (mask & (1 << k)) continue;
        const c = here + cost[(j + 1) * m + k + 1]!;
        const idx = (mask | (1 << k)) * n + k;
        if (c < dp[idx]!) {
          dp[idx] = c;
          parent[idx] = j;
        }
      }
    }
  }
  const tour = new Float64Array(size).fill(Infinity);
  const tourLast = new Int8Array(size).fill(-1);
  const load = new Int32Array(size);
  for (let mask = 1; mask < size; mask++) {
    const low = 31 - Math.clz32(mask & -mask);
    load[mask] = load[mask & (mask - 1)]! + demands[low]!.count;
    if (load[mask]! > capacity) continue;
    for (let j = 0; j < n; j++) {
      if (!(mask & (1 << j))) continue;
      const c = dp[mask * n + j]! + cost[(j + 1) * m]!;
      if (c < tour[mask]!) {
        tour[mask] = c;
        tourLast[mask] = j;
      }
    }
  }
  // best[mask]: cheapest cover of mask; the subset holding mask's lowest destination is enumerated, which avoids
  // counting each partition once per order.
  const best = new Float64Array(size).fill(Infinity);
  const choice = new Int32Array(size);
  best[0] = 0;
  for (let mask = 1; mask < size; mask++) {
    const low = mask & -mask;
    const rest = mask ^ low;
    for (let sub = rest; ; sub = (sub - 1) & rest) {
      const part = sub | low;
      const c = tour[part]! + best[mask ^ part]!;
      if (c < best[mask]!) {
        best[mask] = c;
        choice[mask] = part;
      }
      if (sub === 0) break;
    }
  }
  if (best[size - 1] === Infinity) return { totalDistanceM: Infinity, trips: [] };
  const trips: PlaceId[][] = [];
  for (let mask = size - 1; mask > 0;) {
    const part = choice[mask]!;
    const order: PlaceId[] = [];
    let sub = part, last = tourLast[part]!;
    while (last >= 0) {
      order.push(demands[last]!.place);
      const p = parent[sub * n + last]!;
      sub &= ~(1 << last);
      last = p;
    }
    trips.push(order.reverse());
    mask ^= part;
  }
  return { totalDistanceM: best[size - 1]!, trips };
}
