/**
 * Seeded pseudo-random numbers (xoshiro128**, seeded through splitmix32) so a simulated day with the same seed is
 * the same day. Not for secrets: pickup codes and tokens use node:crypto.
 */
export class Random {
  // The xoshiro state in a Uint32Array: a 32-bit value ≥ 2³¹ is no small integer to the engine, so in plain fields
  // each draw stored (and nextUint32 returned) boxed numbers, ~3 allocations a draw, and the LiDAR draws per beam.
  readonly #s = new Uint32Array(4);
  // The second Box–Muller value, valid while #hasSpare: a plain number field stays an unboxed double, where one that
  // also holds undefined boxes every value stored in it (an allocation per pair of draws; the LiDAR draws per beam).
  #spareNormal = 0;
  #hasSpare = false;
  #pairR = 0;
  #pairCos = 0;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    const st = this.#s;
    st[0] = next();
    st[1] = next();
    st[2] = next();
    st[3] = next();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    // xoshiro128** on locals; the array stores each word modulo 2³², as the former `>>> 0` did.
    const st = this.#s;
    const s0 = st[0]!, s1 = st[1]!;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = s1 << 9;
    const s2 = st[2]! ^ s0;
    const s3 = st[3]! ^ s1;
    st[0] = s0 ^ s3;
    st[1] = s1 ^ s2;
    st[2] = s2 ^ t;
    st[3] = rotl(s3 >>> 0, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Normal with the given mean and standard deviation (Box–Muller, one spare kept). */
  normal(mean = 0, sd = 1): number {
    // Kept small so the engine can inline it at its callers (the LiDAR draws one per beam): the spare then costs
    // neither a call nor a boxed return value. The pair is drawn out of line into fields, and the first value is
    // formed here as (sd · r) · cos, the same rounding as ever.
    if (this.#hasSpare) {
      this.#hasSpare = false;
      return mean + sd * this.#spareNormal;
    }
    this.#drawPair();
    return mean + sd * this.#pairR * this.#pairCos;
  }

  /** Draws a Box–Muller pair: r and cos into #pairR/#pairCos, the second value (r · sin) as the spare. */
  #drawPair(): void {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = r * Math.sin(2 * Math.PI * v);
    this.#hasSpare = true;
    this.#pairR = r;
    this.#pairCos = Math.cos(2 * Math.PI * v);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    let u = 0;
    while (u === 0) u = this.next();
    return -Math.log(u) * mean;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Picks an index with probability proportional to weights[i] (weights ≥ 0, not all zero). */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    if (!(total > 0)) throw new RangeError('Random.weightedIndex: weights must contain a positive value');
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** An independent stream derived from this one, so adding draws in one subsystem does not shift another. */
  fork(): Random {
    return new Random(this.nextUint32());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
