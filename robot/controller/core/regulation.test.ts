import { describe, expect, it } from 'vitest';
import {
  approachConstraint,
  curvatureConstraint,
  defaultRegulationParams,
  proximityConstraint,
  regulateSpeed,
} from './regulation.ts';

describe('regulation', () => {
  it('curvature: full speed on gentle curves, proportional to the radius on tight ones', () => {
    expect(curvatureConstraint(1.5, 0, 2)).toBe(1.5);
    expect(curvatureConstraint(1.5, 1 / 4, 2)).toBe(1.5);
    expect(curvatureConstraint(1.5, 1, 2)).toBeCloseTo(0.75, 12);
    expect(curvatureConstraint(1.5, -2, 2)).toBeCloseTo(0.375, 12);
  });

  it('proximity: slows as obstacles get closer, floored at the minimum speed', () => {
    expect(proximityConstraint(1.5, Infinity, 1.5, 0.5, 0.25)).toBe(1.5);
    expect(proximityConstraint(1.5, 2, 1.5, 0.5, 0.25)).toBe(1.5);
    expect(proximityConstraint(1.5, 1.0, 1.5, 0.5, 0.25)).toBeCloseTo(0.75, 12);
    expect(proximityConstraint(1.5, 0.2, 1.5, 0.5, 0.25)).toBe(0.25);
    const near = proximityConstraint(1.5, 0.7, 1.5, 0.5, 0.25);
    const far = proximityConstraint(1.5, 1.2, 1.5, 0.5, 0.25);
    expect(near).toBeLessThan(far);
  });

  it('approach: slows in the last metres', () => {
    expect(approachConstraint(1.5, 5, 1.5, 0.1)).toBe(1.5);
    expect(approachConstraint(1.5, 0.75, 1.5, 0.1)).toBeCloseTo(0.75, 12);
    expect(approachConstraint(1.5, 0.01, 1.5, 0.1)).toBe(0.1);
  });

  it('regulateSpeed composes them', () => {
    const p = defaultRegulationParams;
    expect(regulateSpeed(1.5, 0, Infinity, 100, p)).toBe(1.5);
    expect(regulateSpeed(1.5, 1, Infinity, 100, p)).toBeLessThan(1.5);
    expect(regulateSpeed(1.5, 0, 0.8, 100, p)).toBeLessThan(1.5);
    expect(regulateSpeed(1.5, 1, 0.8, 100, p)).toBeLessThan(regulateSpeed(1.5, 1, Infinity, 100, p));
  });
});
