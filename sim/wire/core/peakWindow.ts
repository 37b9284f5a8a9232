/**
 * The busiest window of a demand day: wire mode replays one peak hour, not a whole day, so it picks the hour whose
 * arrivals are the most (the morning truck wave with the default demand).
 */

/**
 * Start of the `windowMs`-long window holding the most of `timesMs` (sorted ascending); ties go to the earliest.
 * Windows start at an arrival time, which is where a maximum always is. Undefined for no times.
 */
export function peakWindow(timesMs: readonly number[], windowMs: number): { startMs: number; count: number } | undefined {
  if (timesMs.length === 0) return undefined;
  let best = { startMs: timesMs[0]!, count: 0 };
  let end = 0;
  for (let i = 0; i < timesMs.length; i++) {
    const startMs = timesMs[i]!;
    while (end < timesMs.length && timesMs[end]! < startMs + windowMs) end++;
    if (end - i > best.count) best = { startMs, count: end - i };
  }
  return best;
}

/**
 * Visualization period (virtual ms) that keeps the whole fleet's visualization within `maxWallPerS` messages per
 * wall-clock second at `speedup`, but never faster than `minPeriodMs` (10 Hz) of virtual time.
 */
export function thinnedVisualizationPeriodMs(robots: number, speedup: number, maxWallPerS: number, minPeriodMs = 100): number {
  return Math.max(minPeriodMs, Math.ceil((robots * speedup * 1000) / maxWallPerS));
}

/** Sums a Prometheus counter's samples per value of one label (`name{…label="v"…} n` lines). */
export function counterByLabel(text: string, name: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const close = line.lastIndexOf('}');
    const labels = close > 0 ? line.slice(name.length + 1, close) : '';
    const value = Number(line.slice(close > 0 ? close + 1 : name.length).trim());
    if (!Number.isFinite(value)) continue;
    const m = new RegExp(`(?:^|,)${label}="((?:[^"\\\\]|\\\\.)*)"`).exec(labels);
    const key = m?.[1] ?? '';
    out.set(key, (out.get(key) ?? 0) + value);
  }
  return out;
}
