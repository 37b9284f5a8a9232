/**
 * GNSS position fixes in the map's metric frame (the node converts to NavSatFix through the map's LocalFrame).
 * Error is σ per axis (default 2 m), optionally time-correlated (first-order Gauss–Markov, as multipath errors are);
 * near buildings it grows and fixes drop out, using the map's clearance (`ScanSource.isClear`) as an urban-canyon
 * proxy; defined zones (tunnels, arcades) and scheduled outages give no fix at all, for tests and scenarios.
 */
import type { Random } from '../../../common/core/Random.ts';
import type { ScanSource } from './ScanSource.ts';

export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface GnssParams {
  /** Per-axis error in the open, m. */
  sigmaM: number;
  /** Error correlation time, s; 0 gives independent errors per fix. */
  correlationTimeS: number;
  /** A building within this distance degrades the fix, m. */
  canyonRadiusM: number;
  /** σ multiplier inside the canyon radius. */
  canyonSigmaFactor: number;
  /** A building within this distance (deep canyon) degrades it more and drops fixes, m. */
  deepCanyonRadiusM: number;
  deepCanyonSigmaFactor: number;
  /** Chance that a fix in a deep canyon is lost. */
  deepCanyonDropoutProbability: number;
  /** Chance that any fix is lost. */
  dropoutProbability: number;
  /** No fix inside these boxes. */
  dropoutZones: Box[];
  /** No fix between startMs (inclusive) and endMs (exclusive), clock time. */
  outages: Array<{ startMs: number; endMs: number }>;
}

export const DEFAULT_GNSS: GnssParams = {
  sigmaM: 2,
  correlationTimeS: 0,
  canyonRadiusM: 15,
  canyonSigmaFactor: 2,
  deepCanyonRadiusM: 5,
  deepCanyonSigmaFactor: 4,
  deepCanyonDropoutProbability: 0.5,
  dropoutProbability: 0,
  dropoutZones: [],
  outages: [],
};

export type GnssNoFixReason = 'outage' | 'zone' | 'canyon' | 'random';

export type GnssSample =
  | { fix: true; x: number; y: number; sigmaM: number }
  | { fix: false; reason: GnssNoFixReason };

export class GnssSensor {
  readonly params: GnssParams;
  readonly #rng: Random;
  readonly #source: ScanSource | undefined;
  #ex = 0;
  #ey = 0;
  #lastMs: number | undefined;

  constructor(rng: Random, params: Partial<GnssParams> = {}, source?: ScanSource) {
    this.params = { ...DEFAULT_GNSS, ...params };
    this.#rng = rng;
    this.#source = source;
  }

  /** How built-up (x, y) is: 'open', 'canyon' (a building within canyonRadiusM) or 'deep' (within deepCanyonRadiusM). */
  canyonAt(x: number, y: number): 'open' | 'canyon' | 'deep' {
    const p = this.params;
    const s = this.#source;
    if (!s || s.isClear(x, y, p.canyonRadiusM)) return 'open';
    return s.isClear(x, y, p.deepCanyonRadiusM) ? 'canyon' : 'deep';
  }

  /** σ the receiver would report at (x, y), before any dropout, m. */
  sigmaAt(x: number, y: number): number {
    const p = this.params;
    const level = this.canyonAt(x, y);
    return level === 'open' ? p.sigmaM : level === 'canyon' ? p.sigmaM * p.canyonSigmaFactor : p.sigmaM * p.deepCanyonSigmaFactor;
  }

  /** A fix (or the lack of one) for the true position at clock time `timeMs`. */
  sample(truth: { x: number; y: number }, timeMs: number): GnssSample {
    const p = this.params;
    for (const o of p.outages) if (timeMs >= o.startMs && timeMs < o.endMs) return { fix: false, reason: 'outage' };
    for (const z of p.dropoutZones) {
      if (truth.x >= z.minX && truth.x <= z.maxX && truth.y >= z.minY && truth.y <= z.maxY) return { fix: false, reason: 'zone' };
    }
    const level = this.canyonAt(truth.x, truth.y);
    if (level === 'deep' && this.#rng.chance(p.deepCanyonDropoutProbability)) return { fix: false, reason: 'canyon' };
    const sigma =
      level === 'open' ? p.sigmaM : level === 'canyon' ? p.sigmaM * p.canyonSigmaFactor : p.sigmaM * p.deepCanyonSigmaFactor;
    if (p.dropoutProbability > 0 && this.#rng.chance(p.dropoutProbability)) return { fix: false, reason: 'random' };
    this.#advanceError(sigma, timeMs);
    return { fix: true, x: truth.x + this.#ex, y: truth.y + this.#ey, sigmaM: sigma };
  }

  // Gauss–Markov: e ← φe + σ√(1−φ²)·n keeps the stationary spread at σ whatever the sampling interval.
  #advanceError(sigma: number, timeMs: number): void {
    const tau = this.params.correlationTimeS;
    const dtS = this.#lastMs === undefined ? Infinity : (timeMs - this.#lastMs) / 1000;
    this.#lastMs = timeMs;
    const phi = tau > 0 && Number.isFinite(dtS) ? Math.exp(-dtS / tau) : 0;
    const k = sigma * Math.sqrt(1 - phi * phi);
    this.#ex = phi * this.#ex + this.#rng.normal(0, k);
    this.#ey = phi * this.#ey + this.#rng.normal(0, k);
  }
}
