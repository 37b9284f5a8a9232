import { describe, expect, it } from 'vitest';
import {
  applyPoseCorrection,
  createPoseCorrection,
  defaultPoseCorrectionParams,
  poseCorrectionBetween,
  updatePoseCorrection,
  type PoseCorrectionParams,
} from './poseCorrection.ts';

const p: PoseCorrectionParams = { timeConstantS: 2, maxRateMps: 0.25, maxRateRps: 0.2, snapDistanceM: 2 };
const pose = (x: number, y: number, theta: number) => ({ x, y, theta });

describe('poseCorrectionBetween / applyPoseCorrection', () => {
  it('gives the transform that carries the odometry pose onto the map pose, at any heading', () => {
    const odom = pose(120, -35, 2.9);
    const map = pose(-4, 17, -1.2);
    const c = poseCorrectionBetween(map, odom, createPoseCorrection());
    const back = applyPoseCorrection(c, odom, pose(0, 0, 0));
    expect(back.x).toBeCloseTo(map.x, 9);
    expect(back.y).toBeCloseTo(map.y, 9);
    expect(back.theta).toBeCloseTo(map.theta, 9);
    // A second odometry pose 1 m ahead in the odom frame lands 1 m ahead along the map heading.
    const ahead = applyPoseCorrection(c, pose(odom.x + Math.cos(odom.theta), odom.y + Math.sin(odom.theta), odom.theta), pose(0, 0, 0));
    expect(ahead.x - map.x).toBeCloseTo(Math.cos(map.theta), 9);
    expect(ahead.y - map.y).toBeCloseTo(Math.sin(map.theta), 9);
  });
});

describe('updatePoseCorrection', () => {
  it('takes the estimate at once on the first tick, then follows odometry exactly while the estimate agrees', () => {
    const c = createPoseCorrection();
    const out = pose(0, 0, 0);
    updatePoseCorrection(c, pose(5, 5, 0), pose(10, 0, Math.PI / 2), 0.1, p, out);
    expect(out).toEqual({ x: 10, y: 0, theta: Math.PI / 2 });
    // Odometry drives 1 m along its x; the map pose moves 1 m along its heading (+y); the estimate says the same.
    updatePoseCorrection(c, pose(6, 5, 0), pose(10, 1, Math.PI / 2), 0.1, p, out);
    expect(out.x).toBeCloseTo(10, 9);
    expect(out.y).toBeCloseTo(1, 9);
  });

  it('spreads a 0.1 m estimate jump over ticks instead of taking it at once, and converges with the time constant', () => {
    const c = createPoseCorrection();
    const out = pose(0, 0, 0);
    updatePoseCorrection(c, pose(0, 0, 0), pose(0, 0, 0), 0.1, p, out);
    // The estimate jumps 0.1 m to the left while the robot stands still.
    const target = pose(0, 0.1, 0);
    updatePoseCorrection(c, pose(0, 0, 0), target, 0.1, p, out);
    const firstStep = out.y;
    expect(firstStep).toBeGreaterThan(0);
    expect(firstStep).toBeCloseTo(0.1 * (1 - Math.exp(-0.1 / p.timeConstantS)), 9);
    for (let k = 1; k < 20; k++) updatePoseCorrection(c, pose(0, 0, 0), target, 0.1, p, out);
    // After one time constant (20 ticks of 0.1 s) 1 − 1/e of the jump is taken.
    expect(out.y).toBeCloseTo(0.1 * (1 - Math.exp(-1)), 6);
    for (let k = 0; k < 200; k++) updatePoseCorrection(c, pose(0, 0, 0), target, 0.1, p, out);
    expect(out.y).toBeCloseTo(0.1, 4);
  });

  it('caps how fast a large gap is closed, and snaps when the gap is beyond snap_distance_m', () => {
    const c = createPoseCorrection();
    const out = pose(0, 0, 0);
    updatePoseCorrection(c, pose(0, 0, 0), pose(0, 0, 0), 0.1, p, out);
    updatePoseCorrection(c, pose(0, 0, 0), pose(1.5, 0, 0), 0.1, p, out);
    expect(out.x).toBeCloseTo(p.maxRateMps * 0.1, 9);
    updatePoseCorrection(c, pose(0, 0, 0), pose(0, 0, 1), 0.1, p, out);
    expect(out.theta).toBeCloseTo(p.maxRateRps * 0.1, 9);
    updatePoseCorrection(c, pose(0, 0, 0), pose(30, -4, 1), 0.1, p, out);
    expect(out.x).toBeCloseTo(30, 12);
    expect(out.y).toBeCloseTo(-4, 12);
    expect(out.theta).toBeCloseTo(1, 12);
  });

  it('turns about the robot, not the odom origin: a heading correction far from the origin does not move the position', () => {
    const c = createPoseCorrection();
    const out = pose(0, 0, 0);
    const odom = pose(2000, 0, 0);
    updatePoseCorrection(c, odom, pose(2000, 0, 0), 0.1, p, out);
    updatePoseCorrection(c, odom, pose(2000, 0, 0.05), 0.1, p, out);
    expect(out.theta).toBeGreaterThan(0);
    expect(out.x).toBeCloseTo(2000, 9);
    expect(out.y).toBeCloseTo(0, 9);
  });

  it('with a zero time constant tracks the estimate exactly', () => {
    const c = createPoseCorrection();
    const out = pose(0, 0, 0);
    const q = { ...defaultPoseCorrectionParams, timeConstantS: 0 };
    updatePoseCorrection(c, pose(0, 0, 0), pose(0, 0, 0), 0.1, q, out);
    updatePoseCorrection(c, pose(1, 0, 0), pose(1, 0.1, 0.02), 0.1, q, out);
    expect(out.x).toBeCloseTo(1, 12);
    expect(out.y).toBeCloseTo(0.1, 12);
    expect(out.theta).toBeCloseTo(0.02, 12);
  });
});
