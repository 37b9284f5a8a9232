import { AppError } from '../../../common/core/AppError.ts';
import type { Random } from '../../../common/core/Random.ts';

/** A parcel reaching the hub: when it is scanned in and which drop point it goes to. */
export interface ParcelArrival {
  id: string;
  atMs: number;
  destination: string;
}

/** A drop point parcels can be addressed to, with its relative demand (dormitories heavier). */
export interface DemandDestination {
  id: string;
  weight: number;
}

/** A truck unloading at the hub: `share` of the day's parcels, scanned in over `spreadMs` from `atMs`. */
export interface TruckWave {
  atMs: number;
  spreadMs: number;
  share: number;
}

/** A bell-shaped peak (a festival, a sale day): `share` of the parcels, normal around `centerMs` with `sdMs`. */
export interface DemandPeak {
  centerMs: number;
  sdMs: number;
  share: number;
}

export interface DemandConfig {
  parcels: number;
  /** Arrivals happen in [startMs, endMs). */
  startMs: number;
  endMs: number;
  waves: TruckWave[];
  peaks: DemandPeak[];
  /** Whatever share waves and peaks leave arrives uniformly over the day (couriers, walk-ins). */
}

/** A demand shape that cannot produce the parcels asked for. */
export class DemandError extends AppError {}

const H = 3_600_000;

/**
 * The default day, 07:00–23:00 on the clock's day: morning, midday and afternoon truck waves (60 % of parcels),
 * an evening festival peak (15 %) and a uniform background for the rest.
 */
export function defaultDemandConfig(parcels: number, dayStartMs = 0): DemandConfig {
  return {
    parcels,
    startMs: dayStartMs + 7 * H,
    endMs: dayStartMs + 23 * H,
    waves: [
      { atMs: dayStartMs + 7.5 * H, spreadMs: 0.75 * H, share: 0.3 },
      { atMs: dayStartMs + 12 * H, spreadMs: 0.5 * H, share: 0.18 },
      { atMs: dayStartMs + 15.5 * H, spreadMs: 0.5 * H, share: 0.12 },
    ],
    peaks: [{ centerMs: dayStartMs + 19.5 * H, sdMs: 0.6 * H, share: 0.15 }],
  };
}

/**
 * Draws exactly `config.parcels` arrivals: each component (wave, peak, background) gets its share by largest
 * remainder, times inside it are drawn from its shape and clamped to the day, destinations are drawn by weight.
 * Sorted by time; ids `P000001…` follow that order. Pure given the Random.
 * @throws DemandError for shares that do not add up, an empty day, or no destination with positive weight.
 */
export function generateArrivals(config: DemandConfig, destinations: readonly DemandDestination[], random: Random): ParcelArrival[] {
  const { parcels, startMs, endMs } = config;
  if (!Number.isInteger(parcels) || parcels < 0) throw new DemandError('DEMAND_INVALID', `demand: parcels must be an integer ≥ 0, got ${parcels}`);
  if (!(endMs > startMs)) throw new DemandError('DEMAND_INVALID', `demand: the day must end after it starts (${startMs}..${endMs})`);
  const shaped = [...config.waves.map((w) => w.share), ...config.peaks.map((p) => p.share)];
  const shapedTotal = shaped.reduce((a, b) => a + b, 0);
  if (shaped.some((s) => !(s >= 0)) || shapedTotal > 1 + 1e-9) {
    throw new DemandError('DEMAND_INVALID', `demand: wave and peak shares must be ≥ 0 and add up to at most 1, got ${shapedTotal}`);
  }
  const cumulative: number[] = [];
  let total = 0;
  for (const d of destinations) {
    total += d.weight > 0 ? d.weight : 0;
    cumulative.push(total);
  }
  if (parcels > 0 && !(total > 0)) throw new DemandError('DEMAND_NO_DESTINATION', 'demand: no destination with a positive weight');

  const counts = apportion(parcels, [...shaped, Math.max(0, 1 - shapedTotal)]);
  const times: number[] = [];
  const clamp = (t: number) => Math.min(endMs - 1, Math.max(startMs, Math.round(t)));
  config.waves.forEach((w, i) => {
    for (let k = 0; k < counts[i]!; k++) times.push(clamp(w.atMs + random.next() * w.spreadMs));
  });
  config.peaks.forEach((p, i) => {
    for (let k = 0; k < counts[config.waves.length + i]!; k++) times.push(clamp(random.normal(p.centerMs, p.sdMs)));
  });
  for (let k = 0; k < counts[counts.length - 1]!; k++) times.push(clamp(random.uniform(startMs, endMs)));
  times.sort((a, b) => a - b);

  const width = Math.max(6, String(parcels).length);
  return times.map((atMs, i) => {
    const r = random.next() * total;
    // Binary search of the cumulative weights: 30,000 draws over ~200 drop points stay cheap.
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return { id: `P${String(i + 1).padStart(width, '0')}`, atMs, destination: destinations[lo]!.id };
  });
}

/** Splits `n` into integer parts proportional to `shares` (largest remainder, ties to the earlier part). */
export function apportion(n: number, shares: readonly number[]): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return shares.map((_, i) => (i === shares.length - 1 ? n : 0));
  const exact = shares.map((s) => (n * s) / sum);
  const out = exact.map(Math.floor);
  let left = n - out.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, frac: e - Math.floor(e) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; left > 0; k++, left--) out[order[k % order.length]!.i]!++;
  return out;
}
