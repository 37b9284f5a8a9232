/** A Foxglove `time`: whole seconds and nanoseconds since the epoch. */
export interface FoxgloveTime {
  sec: number;
  nsec: number;
}

/**
 * Simulated milliseconds since the epoch (what `Clock.now()` returns) to MCAP nanoseconds. Sub-millisecond parts are
 * kept to the nanosecond; the integer and fractional parts are split so a 2020s epoch in ms does not lose precision.
 */
export function nsFromMs(tMs: number): bigint {
  const wholeMs = Math.floor(tMs);
  return BigInt(wholeMs) * 1_000_000n + BigInt(Math.round((tMs - wholeMs) * 1e6));
}

/** MCAP nanoseconds to a Foxglove `{ sec, nsec }`. */
export function timeFromNs(tNs: bigint): FoxgloveTime {
  return { sec: Number(tNs / 1_000_000_000n), nsec: Number(tNs % 1_000_000_000n) };
}
