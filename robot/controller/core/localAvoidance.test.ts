import { describe, expect, it } from 'vitest';
import type { Circle, Segment } from '../../../maps/core/types.ts';
import { castScanBruteForce } from '../../localization/core/syntheticWorld.ts';
import {
  type AvoidanceStatus,
  createAvoidanceState,
  defaultAvoidanceParams,
  updateAvoidance,
  validateAvoidanceParams,
} from './localAvoidance.ts';
import {
  type PurePursuitInput,
  createPurePursuitOutput,
  createPurePursuitState,
  defaultPurePursuitParams,
  purePursuitStep,
} from './purePursuit.ts';
import { createTrackedPath } from './TrackedPath.ts';

const BEAMS = 180;

/** A 30 m long, 3 m wide footway along x with kerb walls at y = ±1.6; drives it with pursuit + avoidance at 10 Hz. */
function drive(obstacles: Circle[], extraWalls: Segment[], seconds: number) {
  const walls: Segment[] = [
    { ax: -5, ay: 1.6, bx: 40, by: 1.6 },
    { ax: -5, ay: -1.6, bx: 40, by: -1.6 },
    ...extraWalls,
  ];
  const path = createTrackedPath([{ x: 0, y: 0 }, { x: 30, y: 0 }]);
  const pp = createPurePursuitState();
  const out = createPurePursuitOutput();
  const avoid = createAvoidanceState();
  const ranges = new Float32Array(BEAMS);
  const scan = { ranges, angleMinRad: -Math.PI, angleIncrementRad: (2 * Math.PI) / BEAMS, rangeMinM: 0.05, rangeMaxM: 10 };
  const input: PurePursuitInput = { dtS: 0.1, obstacleDistM: Infinity, lateralOffsetM: 0, speedLimitMps: Infinity };
  const pose = { x: 0, y: 0, theta: 0 };
  let minClearance = Infinity;
  let maxX = 0;
  const statuses = new Set<AvoidanceStatus>();
  let replanAtS = -1;
  for (let k = 0; k < seconds * 10; k++) {
    castScanBruteForce(walls, obstacles, pose, scan.angleMinRad, scan.angleIncrementRad, scan.rangeMaxM, ranges);
    updateAvoidance(path, pp.segmentIndex, pose, scan, 0.1, avoid, defaultAvoidanceParams);
    statuses.add(avoid.status);
    if (avoid.status === 'replanRequested' && replanAtS < 0) replanAtS = k * 0.1;
    input.lateralOffsetM = avoid.lateralOffsetM;
    input.speedLimitMps = avoid.speedLimitMps;
    input.obstacleDistM = avoid.nearestObstacleM;
    purePursuitStep(path, pose, input, pp, defaultPurePursuitParams, out);
    if (out.mode === 'goal-reached') break;
    const th = pose.theta + 0.05 * out.angularRps;
    pose.x += out.linearMps * 0.1 * Math.cos(th);
    pose.y += out.linearMps * 0.1 * Math.sin(th);
    pose.theta += out.angularRps * 0.1;
    maxX = Math.max(maxX, pose.x);
    for (const o of obstacles) minClearance = Math.min(minClearance, Math.hypot(pose.x - o.x, pose.y - o.y) - o.radiusM);
    expect(Math.abs(pose.y)).toBeLessThan(1.5);
  }
  return { reached: out.mode === 'goal-reached', minClearance, statuses, replanAtS, maxX, avoid, pose };
}

describe('local avoidance', () => {
  it('drives straight through when the path is clear', () => {
    const r = drive([], [], 40);
    expect(r.reached).toBe(true);
    expect([...r.statuses]).toEqual(['clear']);
  });

  it('passes a pedestrian standing in the middle of a 3 m path, keeping clear of them', () => {
    const r = drive([{ x: 15, y: 0, radiusM: 0.3 }], [], 60);
    expect(r.reached).toBe(true);
    expect(r.statuses.has('avoiding')).toBe(true);
    expect(r.statuses.has('blocked')).toBe(false);
    // The robot is 0.6 m wide: its centre must stay at least its half-width plus a margin from the person's edge.
    expect(r.minClearance).toBeGreaterThan(defaultAvoidanceParams.robotHalfWidthM + 0.15);
    // Back on the centre line at the end.
    expect(Math.abs(r.pose.y)).toBeLessThan(0.15);
  });

  it('passes a pedestrian standing off-centre on the side with room', () => {
    const r = drive([{ x: 12, y: -0.6, radiusM: 0.3 }], [], 60);
    expect(r.reached).toBe(true);
    expect(r.minClearance).toBeGreaterThan(defaultAvoidanceParams.robotHalfWidthM + 0.15);
  });

  it('stops short of a path blocked from kerb to kerb and asks for a re-plan after the timeout', () => {
    const r = drive([], [{ ax: 15, ay: -1.6, bx: 15, by: 1.6 }], 40);
    expect(r.reached).toBe(false);
    expect(r.maxX).toBeLessThan(15 - defaultAvoidanceParams.stopDistanceM + 0.2);
    expect(r.statuses.has('blocked')).toBe(true);
    expect(r.statuses.has('replanRequested')).toBe(true);
    // It was first blocked when the wall came within the look-ahead, ~7 s in; the re-plan comes 20 s later.
    expect(r.replanAtS).toBeGreaterThan(defaultAvoidanceParams.blockedTimeoutS);
    expect(r.avoid.blockedForS).toBeGreaterThanOrEqual(defaultAvoidanceParams.blockedTimeoutS);
  });

  it('stops short in line behind a robot parked on its goal rather than squeezing in beside it', () => {
    // Issue #5: the second robot sent to a dock (or drop point) passed the first within the footway's width to reach the
    // goal under it, ended 0.95 m from it, and neither could turn out again (the safety node stopped every turn).
    const parked: Segment[] = [
      { ax: 29.6, ay: -0.3, bx: 30.4, by: -0.3 }, { ax: 30.4, ay: -0.3, bx: 30.4, by: 0.3 },
      { ax: 30.4, ay: 0.3, bx: 29.6, by: 0.3 }, { ax: 29.6, ay: 0.3, bx: 29.6, by: -0.3 },
    ];
    const r = drive([], parked, 40);
    expect(r.reached).toBe(false);
    expect(r.statuses.has('avoiding')).toBe(false);
    expect(r.statuses.has('blocked')).toBe(true);
    // In line, with room to turn: its front 0.6 m or more from the parked robot's back.
    expect(Math.abs(r.pose.y)).toBeLessThan(0.15);
    expect(r.maxX).toBeLessThan(29.6 - 0.9);
  });

  it('ignores what lies past the goal only around the goal, not where a last turn puts the path far back', () => {
    // The path ends turning back west, so the half-plane past its goal covers the first leg: a wall across that leg
    // (a robot charging at a dock on the way) was ignored, and the safety node stopped every pass.
    const path = createTrackedPath([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 3 }, { x: 8, y: 3 }]);
    const ranges = new Float32Array(BEAMS);
    const scan = { ranges, angleMinRad: -Math.PI, angleIncrementRad: (2 * Math.PI) / BEAMS, rangeMinM: 0.05, rangeMaxM: 10 };
    const pose = { x: 1.5, y: 0, theta: 0 };
    castScanBruteForce([{ ax: 4, ay: -1.6, bx: 4, by: 1.6 }], [], pose, scan.angleMinRad, scan.angleIncrementRad, 10, ranges);
    const state = updateAvoidance(path, 0, pose, scan, 0.1, createAvoidanceState(), defaultAvoidanceParams);
    expect(state.status).toBe('blocked');
    // Near the goal the wall behind it is still ignored: past the end of a path that ends going east.
    const short = createTrackedPath([{ x: 0, y: 0 }, { x: 3.5, y: 0 }]);
    expect(updateAvoidance(short, 0, pose, scan, 0.1, createAvoidanceState(), defaultAvoidanceParams).status).toBe('clear');
  });

  it('is not blocked by a wall beside a robot standing across the stub of a re-plan, with the footway along it free', () => {
    // Issue #5, ZJU's narrow passage: a building 0.85 m from the centre line, the robot's side 5 cm from it, heading
    // along the footway; the re-plan's path starts with a stub from where it stands to the centre line. Seen from
    // that stub, the whole wall lay "behind" the robot and blocked every offset.
    const path = createTrackedPath([{ x: 0, y: 0.5 }, { x: 0, y: 0 }, { x: 20, y: 0 }]);
    const ranges = new Float32Array(BEAMS);
    const scan = { ranges, angleMinRad: -Math.PI, angleIncrementRad: (2 * Math.PI) / BEAMS, rangeMinM: 0.05, rangeMaxM: 10 };
    const pose = { x: 0, y: 0.5, theta: 0 };
    castScanBruteForce([{ ax: -20, ay: 0.85, bx: 20, by: 0.85 }], [], pose, scan.angleMinRad, scan.angleIncrementRad, 10, ranges);
    const state = updateAvoidance(path, 0, pose, scan, 0.1, createAvoidanceState(), defaultAvoidanceParams);
    expect(state.status).toBe('clear');
    expect(state.targetOffsetM).toBe(0);
    expect(state.speedLimitMps).toBe(Infinity);
  });

  it('clears the blocked counter when the way opens again', () => {
    const path = createTrackedPath([{ x: 0, y: 0 }, { x: 30, y: 0 }]);
    const ranges = new Float32Array(BEAMS);
    const scan = { ranges, angleMinRad: -Math.PI, angleIncrementRad: (2 * Math.PI) / BEAMS, rangeMinM: 0.05, rangeMaxM: 10 };
    const state = createAvoidanceState();
    const pose = { x: 10, y: 0, theta: 0 };
    castScanBruteForce([{ ax: 12, ay: -1.6, bx: 12, by: 1.6 }], [], pose, scan.angleMinRad, scan.angleIncrementRad, 10, ranges);
    for (let k = 0; k < 50; k++) updateAvoidance(path, 0, pose, scan, 0.1, state, defaultAvoidanceParams);
    expect(state.status).toBe('blocked');
    expect(state.blockedForS).toBeCloseTo(5, 6);
    expect(state.speedLimitMps).toBe(defaultAvoidanceParams.blockedCreepSpeedMps);
    ranges.fill(Infinity);
    updateAvoidance(path, 0, pose, scan, 0.1, state, defaultAvoidanceParams);
    expect(state.status).toBe('clear');
    expect(state.blockedForS).toBe(0);
  });

  it('validates its parameters: a robot wider than the path is refused', () => {
    expect(validateAvoidanceParams(defaultAvoidanceParams)).toEqual([]);
    expect(validateAvoidanceParams({ ...defaultAvoidanceParams, pathHalfWidthM: 0.3 })[0]).toMatch(/does not fit/);
  });
});
