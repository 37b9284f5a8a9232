import { describe, expect, it } from 'vitest';
import { DiffDrive, type DriveState } from './DiffDrive.ts';

const at = (x = 0, y = 0, theta = 0): DriveState => ({ x, y, theta, vMps: 0, omegaRadps: 0 });

function run(drive: DiffDrive, s: DriveState, v: number, w: number, seconds: number, dtS = 0.01): DriveState {
  for (let i = 0; i < Math.round(seconds / dtS); i++) drive.step(s, v, w, dtS);
  return s;
}

describe('DiffDrive', () => {
  it('drives a straight line, ramping up at the acceleration limit', () => {
    const drive = new DiffDrive({ maxSpeedMps: 1.5, maxAccelMps2: 1 });
    const s = run(drive, at(2, 3, Math.PI / 2), 1.5, 0, 10);
    // 1.5 s ramp covers 1.5²/2 = 1.125 m, then 8.5 s at 1.5 m/s.
    expect(s.x).toBeCloseTo(2, 9);
    expect(s.y - 3).toBeCloseTo(1.125 + 1.5 * 8.5, 1);
    expect(s.vMps).toBeCloseTo(1.5, 9);
  });

  it('turns on a circle of radius v/ω and comes back round to its start', () => {
    const drive = new DiffDrive();
    const s = at();
    run(drive, s, 1, 0.5, 3); // reach steady (v, ω)
    const start = { ...s };
    // Centre of the turning circle is radius 2 m to the left of the heading.
    const cx = start.x - 2 * Math.sin(start.theta);
    const cy = start.y + 2 * Math.cos(start.theta);
    const period = (2 * Math.PI) / 0.5;
    let worst = 0;
    for (let i = 0; i < Math.round(period / 0.01); i++) {
      drive.step(s, 1, 0.5, 0.01);
      worst = Math.max(worst, Math.abs(Math.hypot(s.x - cx, s.y - cy) - 2));
    }
    expect(worst).toBeLessThan(1e-9);
    // The period is not a whole number of steps: back within one step (v·dt) of the start.
    expect(Math.hypot(s.x - start.x, s.y - start.y)).toBeLessThan(0.01);
  });

  it('honours speed, reverse, yaw-rate and wheel-speed limits', () => {
    const drive = new DiffDrive({ maxSpeedMps: 1.5, maxReverseMps: 0.3, maxYawRateRadps: 1.5, wheelBaseM: 0.45 });
    expect(run(drive, at(), 9, 0, 5).vMps).toBeCloseTo(1.5, 12);
    expect(run(drive, at(), -9, 0, 5).vMps).toBeCloseTo(-0.3, 12);
    expect(run(drive, at(), 0, 9, 5).omegaRadps).toBeCloseTo(1.5, 12);
    // Full speed while turning at 1.5 rad/s would spin the outer wheel at 1.5 + 1.5·0.225 m/s: speed gives way.
    const s = run(drive, at(), 1.5, 1.5, 5);
    expect(s.omegaRadps).toBeCloseTo(1.5, 12);
    expect(s.vMps).toBeCloseTo(1.5 - 1.5 * 0.225, 9);
    const { leftMps, rightMps } = drive.wheelSpeeds(s.vMps, s.omegaRadps);
    expect(Math.max(Math.abs(leftMps), Math.abs(rightMps))).toBeCloseTo(1.5, 9);
  });

  it('honours acceleration and braking limits', () => {
    const drive = new DiffDrive({ maxAccelMps2: 1, maxDecelMps2: 2, maxYawAccelRadps2: 3 });
    const s = run(drive, at(), 1.5, 1, 0.5);
    expect(s.vMps).toBeCloseTo(0.5, 9);
    expect(s.omegaRadps).toBeCloseTo(1, 9); // 3 rad/s² reaches 1 rad/s in 1/3 s
    run(drive, s, 1.5, 0, 2);
    expect(s.vMps).toBeCloseTo(1.5, 9);
    run(drive, s, 0, 0, 0.5);
    expect(s.vMps).toBeCloseTo(0.5, 9);
  });

  it('reads a NaN command as stop, and refuses nonsense limits', () => {
    const drive = new DiffDrive();
    const s = run(drive, at(), 1, 0, 2);
    run(drive, s, Number.NaN, Number.NaN, 2);
    expect(s.vMps).toBe(0);
    expect(() => new DiffDrive({ maxSpeedMps: 0 })).toThrow(/maxSpeedMps/);
  });
});
