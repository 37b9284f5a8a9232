import { describe, expect, it } from 'vitest';
import { inRange } from './params.ts';

describe('inRange', () => {
  it.each([
    ['positive', 0.001, 0],
    ['nonNegative', 0, -0.001],
    ['atLeastOne', 1, 0.999],
    ['fraction', 1, 1.001],
  ] as const)('%s accepts %s and names the rule for %s', (rule, good, bad) => {
    expect(inRange[rule](good)).toBeUndefined();
    expect(inRange[rule](bad)).toMatch(/^must be /);
  });

  it('rejects NaN everywhere', () => {
    for (const check of Object.values(inRange)) expect(check(Number.NaN)).toMatch(/^must be /);
  });
});
