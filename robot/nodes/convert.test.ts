import { describe, expect, it } from 'vitest';
import { Random } from '../../common/core/Random.ts';
import { createPoseEstimate, createPoseWithCovarianceMsg, fromPoseWithCovariance, toPoseWithCovariance } from './convert.ts';

// The pose's x, y and θ are rows/columns 0, 1 and 5 of the 6×6 ROS covariance (x, y, z, roll, pitch, yaw).
const ROS_INDEX = [0, 1, 5];

describe('pose covariance conversion', () => {
  it('puts each 3×3 entry at its (x, y, yaw) place in the 6×6, leaves the rest, and reads it back unchanged', () => {
    const rnd = new Random(3);
    const msg = createPoseWithCovarianceMsg('map');
    msg.pose.covariance.fill(-7);
    const est = createPoseEstimate();
    est.pose = { x: 1.5, y: -2, theta: 0.3 };
    est.timeMs = 12_345;
    for (let k = 0; k < 9; k++) est.covariance[k] = rnd.normal(0, 1);
    toPoseWithCovariance(est, msg);
    for (let r = 0; r < 6; r++) {
      for (let c = 0; c < 6; c++) {
        const i = ROS_INDEX.indexOf(r), j = ROS_INDEX.indexOf(c);
        expect(msg.pose.covariance[r * 6 + c]).toBe(i >= 0 && j >= 0 ? est.covariance[i * 3 + j] : -7);
      }
    }
    const back = fromPoseWithCovariance(msg, createPoseEstimate());
    expect([...back.covariance]).toEqual([...est.covariance]);
    expect(back.timeMs).toBe(12_345);
    expect(back.pose.x).toBe(1.5);
    expect(back.pose.theta).toBeCloseTo(0.3, 12);
  });

  it('reads a short covariance (a foreign publisher) as zeros where entries are missing', () => {
    const msg = createPoseWithCovarianceMsg('map');
    (msg.pose as { covariance: ArrayLike<number> }).covariance = [1, 2, 3, 4, 5, 6, 7, 8];
    const e = fromPoseWithCovariance(msg, createPoseEstimate());
    expect([...e.covariance]).toEqual([1, 2, 6, 7, 8, 0, 0, 0, 0]);
  });
});
