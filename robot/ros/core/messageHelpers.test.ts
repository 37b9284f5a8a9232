import { describe, expect, it } from 'vitest';
import { diagonalCovariance, msToStamp, normalizeAngle, quaternionToYaw, setStamp, stampToMs, yawToQuaternion } from './messageHelpers.ts';

describe('message helpers', () => {
  it('round-trips yaw through a quaternion over the whole circle', () => {
    for (let yaw = -Math.PI + 1e-6; yaw <= Math.PI; yaw += 0.1) {
      const q = yawToQuaternion(yaw);
      expect(Math.hypot(q.x, q.y, q.z, q.w)).toBeCloseTo(1, 12);
      expect(quaternionToYaw(q)).toBeCloseTo(yaw, 12);
    }
    expect(quaternionToYaw(yawToQuaternion(3 * Math.PI))).toBeCloseTo(Math.PI, 9);
  });

  it('converts clock ms to ROS stamps and back, with nanosec in [0, 1e9)', () => {
    expect(msToStamp(1_700_000_000_123.5)).toEqual({ sec: 1_700_000_000, nanosec: 123_500_000 });
    expect(msToStamp(-1)).toEqual({ sec: -1, nanosec: 999_000_000 });
    expect(msToStamp(999.9999999)).toEqual({ sec: 1, nanosec: 0 });
    const out = { sec: 0, nanosec: 0 };
    expect(setStamp(out, 2500)).toBe(out);
    expect(out).toEqual({ sec: 2, nanosec: 500_000_000 });
    for (const ms of [0, 1, 1234.567, 1_700_000_000_000.25]) expect(stampToMs(msToStamp(ms))).toBeCloseTo(ms, 3);
  });

  it('wraps angles to (-π, π] and builds diagonal covariances', () => {
    expect(normalizeAngle(3 * Math.PI)).toBeCloseTo(Math.PI, 12);
    expect(normalizeAngle(-Math.PI)).toBeCloseTo(Math.PI, 12);
    expect(normalizeAngle(-0.5 - 4 * Math.PI)).toBeCloseTo(-0.5, 12);
    expect(diagonalCovariance([1, 2])).toEqual([1, 0, 0, 2]);
  });
});
