/**
 * Orders one trip's stops: hub (local index 0) → every stop 1..k once → hub, minimising the matrix cost.
 * Exact (Held–Karp, O(2^k·k²)) up to `exactLimit` stops, nearest neighbour + 2-opt + or-opt above it.
 * Costs may be asymmetric (one-way paths): every move is judged on the whole tour, not on a symmetric delta.
 *
 * @param cost row-major (k+1)×(k+1) local matrix, index 0 the hub
 * @returns the visiting order as local indices 1..k and the tour cost
 */
export function orderStops(cost: Float64Array, k: number, exactLimit = 10): { order: number[]; cost: number } {
  if (k === 0) return { order: [], cost: 0 };
  if (k === 1) return { order: [1], cost: cost[1]! + cost[(k + 1) * 1]! };
  return k <= exactLimit ? heldKarp(cost, k) : improveTour(cost, k, nearestNeighbour(cost, k));
}

/** Cost of hub → order… → hub. */
export function tourCost(cost: Float64Array, k: number, order: readonly number[]): number {
  const n = k + 1;
  let prev = 0, total = 0;
  for (const s of order) {
    total += cost[prev * n + s]!;
    prev = s;
  }
  return total + cost[prev * n]!;
}

function heldKarp(cost: Float64Array, k: number): { order: number[]; cost: number } {
  const n = k + 1;
  const full = (1 << k) - 1;
  // dp[mask·k + j]: cheapest path hub → all stops in mask, ending at stop j (bit j of mask).
  const dp = new Float64Array((full + 1) * k).fill(Infinity);
  const parent = new Int8Array((full + 1) * k).fill(-1);
  for (let j = 0; j < k; j++) dp[(1 << j) * k + j] = cost[j + 1]!;
  for (let mask = 1; mask <= full; mask++) {
    for (let j = 0; j < k; j++) {
      if (!(mask & (1 << j))) continue;
      const here = dp[mask * k + j]!;
      if (here === Infinity) continue;
      const row = (j + 1) * n;
      for (let next = 0; next < k; next++) {
        if (mask & (1 << next)) continue;
        const m2 = mask | (1 << next);
        const c = here + cost[row + next + 1]!;
        if (c < dp[m2 * k + next]!) {
          dp[m2 * k + next] = c;
          parent[m2 * k + next] = j;
        }
      }
    }
  }
  let best = Infinity, last = -1;
  for (let j = 0; j < k; j++) {
    const c = dp[full * k + j]! + cost[(j + 1) * n]!;
    if (c < best) {
      best = c;
      last = j;
    }
  }
  if (last < 0) return { order: Array.from({ length: k }, (_, i) => i + 1), cost: Infinity };
  const order: number[] = [];
  let mask = full;
  while (last >= 0) {
    order.push(last + 1);
    const p = parent[mask * k + last]!;
    mask &= ~(1 << last);
    last = p;
  }
  order.reverse();
  return { order, cost: best };
}

function nearestNeighbour(cost: Float64Array, k: number): number[] {
  const n = k + 1;
  const seen = new Uint8Array(n);
  const order: number[] = [];
  let at = 0;
  for (let step = 0; step < k; step++) {
    let best = -1, bestC = Infinity;
    for (let s = 1; s <= k; s++) {
      if (seen[s]) continue;
      const c = cost[at * n + s]!;
      if (best < 0 || c < bestC) {
        best = s;
        bestC = c;
      }
    }
    seen[best] = 1;
    order.push(best);
    at = best;
  }
  return order;
}

function improveTour(cost: Float64Array, k: number, start: number[]): { order: number[]; cost: number } {
  let order = start;
  let best = tourCost(cost, k, order);
  let improved = true;
  while (improved) {
    improved = false;
    // 2-opt: reverse order[i..j].
    for (let i = 0; i < k - 1; i++) {
      for (let j = i + 1; j < k; j++) {
        const cand = [...order.slice(0, i), ...order.slice(i, j + 1).reverse(), ...order.slice(j + 1)];
        const c = tourCost(cost, k, cand);
        if (c < best - 1e-9) {
          order = cand;
          best = c;
          improved = true;
        }
      }
    }
    // or-opt: move a run of 1–3 stops elsewhere.
    for (let len = 1; len <= 3; len++) {
      for (let i = 0; i + len <= k; i++) {
        const seg = order.slice(i, i + len);
        const rest = [...order.slice(0, i), ...order.slice(i + len)];
        for (let at = 0; at <= rest.length; at++) {
          if (at === i) continue;
          const cand = [...rest.slice(0, at), ...seg, ...rest.slice(at)];
          const c = tourCost(cost, k, cand);
          if (c < best - 1e-9) {
            order = cand;
            best = c;
            improved = true;
            break;
          }
        }
      }
    }
  }
  return { order, cost: best };
}
