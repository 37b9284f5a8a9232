/**
 * `Math.hypot(x, y)`, bit for bit, without the builtin's cost: V8 boxes both arguments and allocates an array for
 * them on every call, which in the controller's per-beam loops was a large share of the simulator's garbage. The
 * arithmetic is V8's (src/builtins/math.tq, MathHypot): scale by the larger magnitude, then Kahan-sum the squares;
 * with two terms the first compensation is exactly 0, so the sum is the plain a² + b². A differential test holds it
 * to Math.hypot over random magnitudes and the special values.
 */
export function exactHypot(x: number, y: number): number {
  const ax = Math.abs(x), ay = Math.abs(y);
  if (ax === Number.POSITIVE_INFINITY || ay === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (Number.isNaN(ax) || Number.isNaN(ay)) return Number.NaN;
  const max = ax > ay ? ax : ay;
  if (max === 0) return 0;
  const a = ax / max, b = ay / max;
  return Math.sqrt(a * a + b * b) * max;
}
