/**
 * Structural equality with JSON.stringify's meaning: `jsonEqual(a, b)` is true exactly when the two values serialise
 * to the same JSON, for the plain data a VDA 5050 body holds (objects with keys in a fixed order, arrays, strings,
 * numbers, booleans, null; no toJSON). It walks both values without building strings, so change detection on a large state
 * costs a comparison, not two serialisations.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' || typeof b === 'number') return asJsonNumber(a) === asJsonNumber(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const aArray = Array.isArray(a);
  if (aArray !== Array.isArray(b)) return false;
  if (aArray) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!jsonEqual(arrayItem(x[i]), arrayItem(y[i]))) return false;
    return true;
  }
  return objectsEqual(a as Record<string, unknown>, b as Record<string, unknown>);
}

/** Key by key in insertion order, skipping what JSON leaves out (undefined, functions, symbols). */
function objectsEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < ka.length && !serialised(a[ka[i]!])) i++;
    while (j < kb.length && !serialised(b[kb[j]!])) j++;
    if (i === ka.length || j === kb.length) return i === ka.length && j === kb.length;
    const key = ka[i]!;
    if (key !== kb[j] || !jsonEqual(a[key], b[key])) return false;
    i++;
    j++;
  }
}

function serialised(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

/** In an array JSON writes null where an object would leave the key out. */
function arrayItem(v: unknown): unknown {
  return serialised(v) ? v : null;
}

/** Non-finite numbers serialise as null. */
function asJsonNumber(v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}
