/**
 * Keeps one sample per key every `everyMs` of simulated time: a whole day at full rate is far too large to record
 * (see docs/sim-recording.md), and thinning by time rather than by count keeps robots that tick at different rates
 * comparable. `everyMs` 0 keeps every sample.
 */
export class Decimator {
  readonly everyMs: number;
  readonly #last = new Map<string, number>();

  constructor(everyMs: number) {
    if (!Number.isFinite(everyMs) || everyMs < 0) throw new RangeError(`Decimator: everyMs must be a finite number ≥ 0, got ${everyMs}`);
    this.everyMs = everyMs;
  }

  /** True (and remembers tMs) when `key` has no sample yet or its last kept one is at least everyMs old. */
  take(key: string, tMs: number): boolean {
    const last = this.#last.get(key);
    if (last !== undefined && tMs - last < this.everyMs) return false;
    this.#last.set(key, tMs);
    return true;
  }
}
