import { describe, expect, it } from 'vitest';
import type { Segment } from '../../../maps/core/types.ts';
import { castScanBruteForce } from '../../localization/core/syntheticWorld.ts';
import { createSideGaps, defaultTurnBesideParams as P, limitTurnBeside, measureSideGaps, validateTurnBesideParams } from './turnBeside.ts';

const BEAMS = 360;

/** A scan from the robot's origin (robot frame) of the given walls. */
function scanOf(walls: Segment[]) {
  const ranges = new Float32Array(BEAMS);
  const scan = { ranges, angleMinRad: -Math.PI, angleIncrementRad: (2 * Math.PI) / BEAMS, rangeMinM: 0.05, rangeMaxM: 10 };
  castScanBruteForce(walls, [], { x: 0, y: 0, theta: 0 }, scan.angleMinRad, scan.angleIncrementRad, scan.rangeMaxM, ranges);
  return scan;
}

/** Largest lateral excursion beyond its start of the rear corner on the far side of the turn, driving `cmd` for 6 s. */
function rearCornerSwing(v: number, w: number): number {
  const side = w < 0 ? 1 : -1; // turning right, the rear-left corner swings left
  let y = 0, th = 0, worst = 0;
  for (let k = 0; k < 6000; k++) {
    y += v * 0.001 * Math.sin(th);
    th += w * 0.001;
    const cy = y - Math.sin(th) * P.robotRearM + Math.cos(th) * side * P.robotHalfWidthM;
    worst = Math.max(worst, side * cy - P.robotHalfWidthM);
    if (Math.abs(th) > Math.PI / 2) break;
  }
  return worst;
}

describe('turning beside a wall', () => {
  const wallLeft: Segment = { ax: -5, ay: 0.35, bx: 5, by: 0.35 }; // 5 cm from the left side

  it('measures the gap on each side from points level with the robot', () => {
    const gaps = measureSideGaps(scanOf([wallLeft, { ax: -5, ay: -0.42, bx: 5, by: -0.42 }]), P, createSideGaps());
    expect(gaps.leftM).toBeCloseTo(0.05, 3);
    expect(gaps.rightM).toBeCloseTo(0.12, 3);
    // A wall ahead or far to the side is no gap: no turn's swing reaches it.
    const open = measureSideGaps(scanOf([{ ax: 1, ay: -3, bx: 1, by: 3 }, { ax: -5, ay: 1.2, bx: 5, by: 1.2 }]), P, createSideGaps());
    expect(open.leftM).toBe(Infinity);
    expect(open.rightM).toBe(Infinity);
  });

  it('widens a turn on the spot away from a wall into a forward arc whose rear corner keeps min_gap from it', () => {
    // Issue #5, ZJU's narrow passage: the pure pursuit turned on the spot towards the path, away from the building
    // 5 cm from the robot's side, and the safety node refused it for hours (the rear corner swings 0.2 m out).
    const gaps = measureSideGaps(scanOf([wallLeft]), P, createSideGaps());
    const cmd = { linearMps: 0, angularRps: -1 };
    expect(rearCornerSwing(0.001, -1)).toBeGreaterThan(0.19);
    expect(limitTurnBeside(cmd, gaps, P)).toBe(true);
    expect(cmd.linearMps).toBe(P.creepSpeedMps);
    expect(cmd.angularRps).toBeLessThan(0);
    const swing = rearCornerSwing(cmd.linearMps, cmd.angularRps);
    expect(swing).toBeLessThanOrEqual(gaps.leftM - P.minGapM + 1e-4);
    expect(swing).toBeGreaterThan(gaps.leftM - P.minGapM - 2e-3); // the tightest such arc
    // A tight arc away is widened the same way, keeping its speed.
    const arc = { linearMps: 0.5, angularRps: -1 };
    expect(limitTurnBeside(arc, gaps, P)).toBe(true);
    expect(arc.linearMps).toBe(0.5);
    expect(rearCornerSwing(arc.linearMps, arc.angularRps)).toBeLessThanOrEqual(gaps.leftM - P.minGapM + 1e-4);
    // Blocked (a speed limit of 0): no arc, and no turn either.
    const held = { linearMps: 0, angularRps: -1 };
    limitTurnBeside(held, gaps, P, 0);
    expect(held).toEqual({ linearMps: 0, angularRps: 0 });
  });

  it('leaves alone wide arcs, turns with room, turns towards the wall, reverses and straight driving', () => {
    const gaps = measureSideGaps(scanOf([wallLeft]), P, createSideGaps());
    for (const c of [{ linearMps: 0.5, angularRps: -0.05 }, { linearMps: 0, angularRps: 1 }, { linearMps: -0.2, angularRps: -1 }, { linearMps: 1, angularRps: 0 }]) {
      const before = { ...c };
      expect(limitTurnBeside(c, gaps, P)).toBe(false);
      expect(c).toEqual(before);
    }
    // Nothing beside: a turn on the spot stays one.
    const spin = { linearMps: 0, angularRps: -1 };
    expect(limitTurnBeside(spin, measureSideGaps(scanOf([]), P, createSideGaps()), P)).toBe(false);
    // No room for any swing: straight on.
    const tight = { linearMps: 0, angularRps: -1 };
    limitTurnBeside(tight, { leftM: P.minGapM / 2, rightM: Infinity }, P);
    expect(tight).toEqual({ linearMps: P.creepSpeedMps, angularRps: 0 });
  });

  it('validates its parameters', () => {
    expect(validateTurnBesideParams(P)).toEqual([]);
    expect(validateTurnBesideParams({ ...P, rank: 0 })[0]).toMatch(/rank/);
    expect(validateTurnBesideParams({ ...P, creepSpeedMps: 0 })[0]).toMatch(/creepSpeedMps/);
  });
});
