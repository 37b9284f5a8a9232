import { describe, expect, it } from 'vitest';
import type { Pose2, Vec2 } from '../../../maps/core/types.ts';
import {
  type PurePursuitInput,
  createPurePursuitOutput,
  createPurePursuitState,
  defaultPurePursuitParams,
  purePursuitStep,
  validatePurePursuitParams,
} from './purePursuit.ts';
import { createTrackedPath } from './TrackedPath.ts';

/** Drives an ideal unicycle along `points` at 20 Hz; returns cross-track RMS, whether the goal was reached, speeds seen. */
function follow(points: Vec2[], start: Pose2, maxSteps = 4000) {
  const path = createTrackedPath(points);
  const state = createPurePursuitState();
  const out = createPurePursuitOutput();
  const input: PurePursuitInput = { dtS: 0.05, obstacleDistM: Infinity, lateralOffsetM: 0, speedLimitMps: Infinity };
  const pose = { ...start };
  let sum2 = 0, n = 0, maxAbs = 0, reached = false, rotations = 0;
  const speeds: Array<{ s: number; v: number }> = [];
  let lastProgress = 0;
  for (let k = 0; k < maxSteps; k++) {
    purePursuitStep(path, pose, input, state, defaultPurePursuitParams, out);
    expect(out.progressM).toBeGreaterThanOrEqual(lastProgress - 1e-9);
    lastProgress = out.progressM;
    if (out.mode === 'goal-reached') {
      reached = true;
      break;
    }
    if (out.mode === 'rotating') rotations++;
    sum2 += out.crossTrackM ** 2;
    n++;
    maxAbs = Math.max(maxAbs, Math.abs(out.crossTrackM));
    speeds.push({ s: out.progressM, v: out.linearMps });
    const th = pose.theta + 0.5 * out.angularRps * input.dtS;
    pose.x += out.linearMps * input.dtS * Math.cos(th);
    pose.y += out.linearMps * input.dtS * Math.sin(th);
    pose.theta += out.angularRps * input.dtS;
  }
  return { rms: Math.sqrt(sum2 / n), maxAbs, reached, speeds, pose, rotations };
}

describe('purePursuitStep', () => {
  it('tracks a straight line from a 0.3 m offset and stops at the goal', () => {
    const r = follow([{ x: 0, y: 0 }, { x: 40, y: 0 }], { x: 0, y: 0.3, theta: 0 });
    expect(r.reached).toBe(true);
    expect(r.rms).toBeLessThan(0.1);
    expect(Math.hypot(r.pose.x - 40, r.pose.y)).toBeLessThan(0.2);
    // Cruises at the desired speed on the straight.
    expect(Math.max(...r.speeds.map((s) => s.v))).toBeCloseTo(defaultPurePursuitParams.desiredSpeedMps, 6);
  });

  it('tracks a 5 m circle', () => {
    const pts: Vec2[] = [];
    for (let i = 0; i <= 360; i++) {
      const a = (i / 360) * 2 * Math.PI - Math.PI / 2;
      pts.push({ x: 5 * Math.cos(a), y: 5 + 5 * Math.sin(a) });
    }
    const r = follow(pts, { x: 0, y: 0, theta: 0 });
    expect(r.reached).toBe(true);
    expect(r.rms).toBeLessThan(0.1);
  });

  it('tracks an L-corner, slowing for it', () => {
    const r = follow([{ x: 0, y: 0 }, { x: 15, y: 0 }, { x: 15, y: 15 }], { x: 0, y: 0, theta: 0 });
    expect(r.reached).toBe(true);
    expect(r.rms).toBeLessThan(0.1);
    const nearCorner = r.speeds.filter((s) => Math.abs(s.s - 15) < 0.3).map((s) => s.v);
    expect(nearCorner.length).toBeGreaterThan(0);
    expect(Math.min(...nearCorner)).toBeLessThan(0.8 * defaultPurePursuitParams.desiredSpeedMps);
  });

  it('rotates in place first when the path starts behind the robot', () => {
    const r = follow([{ x: 0, y: 0 }, { x: -10, y: 0 }], { x: 0, y: 0, theta: 0 });
    expect(r.rotations).toBeGreaterThan(0);
    expect(r.reached).toBe(true);
  });

  it('tracks a path shifted by the lateral offset', () => {
    const path = createTrackedPath([{ x: 0, y: 0 }, { x: 30, y: 0 }]);
    const state = createPurePursuitState();
    const out = createPurePursuitOutput();
    const input: PurePursuitInput = { dtS: 0.05, obstacleDistM: Infinity, lateralOffsetM: -0.8, speedLimitMps: Infinity };
    const pose = { x: 0, y: 0, theta: 0 };
    for (let k = 0; k < 300; k++) {
      purePursuitStep(path, pose, input, state, defaultPurePursuitParams, out);
      const th = pose.theta + 0.5 * out.angularRps * input.dtS;
      pose.x += out.linearMps * input.dtS * Math.cos(th);
      pose.y += out.linearMps * input.dtS * Math.sin(th);
      pose.theta += out.angularRps * input.dtS;
    }
    expect(pose.y).toBeCloseTo(-0.8, 1);
    expect(out.crossTrackM).toBeCloseTo(-0.8, 1);
    expect(Math.abs(out.trackingErrorM)).toBeLessThan(0.05);
  });

  it('honours the speed limit and slows near obstacles', () => {
    const path = createTrackedPath([{ x: 0, y: 0 }, { x: 30, y: 0 }]);
    const out = createPurePursuitOutput();
    const state = createPurePursuitState();
    state.lastSpeedMps = 1.5;
    const pose = { x: 1, y: 0, theta: 0 };
    purePursuitStep(path, pose, { dtS: 0.05, obstacleDistM: Infinity, lateralOffsetM: 0, speedLimitMps: 0 }, state,
      defaultPurePursuitParams, out);
    expect(out.linearMps).toBe(0);
    state.lastSpeedMps = 1.5;
    purePursuitStep(path, pose, { dtS: 0.05, obstacleDistM: 0.8, lateralOffsetM: 0, speedLimitMps: Infinity }, state,
      defaultPurePursuitParams, out);
    expect(out.linearMps).toBeLessThan(1.5);
    expect(out.linearMps).toBeGreaterThan(0);
  });

  it('validates its parameters', () => {
    expect(validatePurePursuitParams(defaultPurePursuitParams)).toEqual([]);
    const bad = validatePurePursuitParams({ ...defaultPurePursuitParams, minLookaheadM: 3, maxLookaheadM: 1 });
    expect(bad.some((m) => m.includes('minLookaheadM'))).toBe(true);
  });
});
