/**
 * JSON for files that must be byte-identical for the same seed: numbers rounded to `decimals` (so float noise in
 * the last bits does not leak), -0 as 0, NaN/Infinity as null, typed arrays as plain arrays, undefined fields
 * dropped. Object keys keep their insertion order, which the report's builders fix; maps built from data are
 * sorted where they are built.
 */
export function stableJson(value: unknown, options: { decimals?: number; indent?: number } = {}): string {
  const decimals = options.decimals ?? 6;
  return JSON.stringify(normalize(value, 10 ** decimals), null, options.indent ?? 2);
}

function normalize(v: unknown, f: number): unknown {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    const r = Math.round(v * f) / f;
    return r === 0 ? 0 : r;
  }
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, (x) => normalize(x, f));
  if (Array.isArray(v)) return v.map((x) => normalize(x, f));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = normalize(x, f);
  return out;
}
