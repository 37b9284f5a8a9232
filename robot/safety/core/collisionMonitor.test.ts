import { describe, expect, it } from 'vitest';
import type { Circle, Segment } from '../../../maps/core/types.ts';
import { castScanBruteForce } from '../../localization/core/syntheticWorld.ts';
import {
  type CheckedCommand,
  type StampedScan,
  checkCollision,
  createCheckedCommand,
  defaultCollisionMonitorParams as P,
  validateCollisionMonitorParams,
} from './collisionMonitor.ts';

const BEAMS = 360;

/** A 360-beam scan taken at the robot's origin of the given obstacles, given in the robot frame. */
function scanOf(circles: Circle[], segments: Segment[] = [], stampS = 10): StampedScan {
  const ranges = new Float32Array(BEAMS);
  const scan = { ranges, angleMinRad: -Math.PI, angleIncrementRad: (2 * Math.PI) / BEAMS, rangeMinM: 0.05, rangeMaxM: 12, stampS };
  castScanBruteForce(segments, circles, { x: 0, y: 0, theta: 0 }, scan.angleMinRad, scan.angleIncrementRad, scan.rangeMaxM, ranges);
  return scan;
}

describe('checkCollision', () => {
  it('passes the command unchanged when nothing is near', () => {
    const out = checkCollision(scanOf([{ x: 6, y: 3, radiusM: 0.3 }]), 10.05, 1.2, 0.3, P, createCheckedCommand());
    expect(out.action).toBe('pass');
    expect(out.linearMps).toBe(1.2);
    expect(out.angularRps).toBe(0.3);
    expect(out.timeToCollisionS).toBe(Infinity);
  });

  it('stops for an obstacle in the stop zone, even when asked to turn in place into it', () => {
    const scan = scanOf([{ x: 0.47, y: 0.1, radiusM: 0.05 }]);
    const out = checkCollision(scan, 10, 1.0, 0, P, createCheckedCommand());
    expect(out.action).toBe('stop');
    expect(out.reason).toBe('obstacle');
    expect(out.linearMps).toBe(0);
    expect(out.angularRps).toBe(0);
    expect(out.stopPoints).toBeGreaterThanOrEqual(P.minPoints);
    // Turning right swings the front face left of centre, where the obstacle is, towards it.
    expect(checkCollision(scan, 10, 0, -0.8, P, out).action).toBe('stop');
  });

  it('lets a robot with something in its stop zone move away from it, slowly, but not towards it (escape)', () => {
    // Issue #5: two robots 0.6 m apart, each in the other's stop zone, stood for hours: every motion was refused,
    // the reverse that would part them too. Here a robot-sized body 0.07 m ahead of the front edge.
    const ahead = { x: 0.62, y: 0, radiusM: 0.15 }, behind = { x: -0.6, y: 0, radiusM: 0.12 };
    const scan = scanOf([ahead]);
    expect(checkCollision(scan, 10, 0.5, 0, P, createCheckedCommand()).action).toBe('stop');
    const back = checkCollision(scan, 10, -0.2, 0, P, createCheckedCommand());
    expect(back.action).toBe('escape');
    expect(back.reason).toBe('none');
    expect(back.linearMps).toBeCloseTo(-0.2 * P.slowdownRatio, 12);
    expect(back.stopPoints).toBeGreaterThanOrEqual(P.minPoints);
    const rear = scanOf([behind]);
    expect(checkCollision(rear, 10, 0.4, 0, P, createCheckedCommand()).action).toBe('escape');
    expect(checkCollision(rear, 10, -0.4, 0, P, createCheckedCommand()).action).toBe('stop');
    // Beside the left side, near the front: turning right swings that side away from it; turning left into it,
    // driving on (sliding along it) and standing are stops.
    const side = scanOf([{ x: 0.3, y: 0.42, radiusM: 0.05 }]);
    expect(checkCollision(side, 10, 0, -0.5, P, createCheckedCommand()).action).toBe('escape');
    expect(checkCollision(side, 10, 0, 0.5, P, createCheckedCommand()).action).toBe('stop');
    expect(checkCollision(side, 10, 0.3, 0, P, createCheckedCommand()).action).toBe('stop');
    expect(checkCollision(side, 10, 0, 0, P, createCheckedCommand()).action).toBe('stop');
    // Boxed in front and behind: no way out.
    const boxed = scanOf([ahead, behind]);
    expect(checkCollision(boxed, 10, 0.2, 0, P, createCheckedCommand()).action).toBe('stop');
    expect(checkCollision(boxed, 10, -0.2, 0, P, createCheckedCommand()).action).toBe('stop');
  });

  it('slows down for an obstacle beside the robot in the slow-down zone', () => {
    const out = checkCollision(scanOf([{ x: 0, y: 0.75, radiusM: 0.1 }]), 10, 1.0, 0, P, createCheckedCommand());
    expect(out.action).toBe('slowdown');
    expect(out.linearMps).toBeCloseTo(1.0 * P.slowdownRatio, 12);
  });

  it('limits the speed so an obstacle ahead on the arc stays a horizon away (approach)', () => {
    const scan = scanOf([{ x: 1.8, y: 0, radiusM: 0.1 }]);
    const out = checkCollision(scan, 10, 1.5, 0, P, createCheckedCommand());
    expect(out.action).toBe('approach');
    // The front of the stop zone is 0.5 m ahead; the obstacle's face is at 1.7 m: 0.8 s at 1.5 m/s, found on the
    // first 0.1 s step at or after it.
    expect(out.timeToCollisionS).toBeGreaterThanOrEqual(0.8 - 1e-9);
    expect(out.timeToCollisionS).toBeLessThanOrEqual(0.9 + 1e-9);
    expect(out.linearMps).toBeGreaterThan(0);
    expect(out.linearMps).toBeLessThan(1.0);
    // Turning in place cannot reach it.
    expect(checkCollision(scan, 10, 0, 1.0, P, out).action).toBe('pass');
    // Driving away from it is not limited.
    expect(checkCollision(scan, 10, -0.5, 0, P, out).action).toBe('pass');
  });

  it('predicts a collision on a curved arc that a straight-ahead check would miss', () => {
    const scan = scanOf([{ x: 1.2, y: 1.2, radiusM: 0.15 }]);
    const straight = checkCollision(scan, 10, 1.0, 0, P, createCheckedCommand());
    expect(straight.action).toBe('pass');
    const curving = checkCollision(scan, 10, 1.0, 1.0, P, createCheckedCommand());
    expect(['approach', 'stop']).toContain(curving.action);
    expect(curving.linearMps).toBeLessThan(1.0);
  });

  it('stops on a stale scan, a scan from the future, or no scan at all', () => {
    const scan = scanOf([], [], 10);
    expect(checkCollision(scan, 10 + P.maxScanAgeS + 0.01, 1, 0, P, createCheckedCommand()).reason).toBe('stale-scan');
    expect(checkCollision(scan, 10 - P.maxScanAgeS - 0.01, 1, 0, P, createCheckedCommand()).reason).toBe('stale-scan');
    const none = checkCollision(undefined, 10, 1, 0, P, createCheckedCommand());
    expect(none.action).toBe('stop');
    expect(none.reason).toBe('no-scan');
    expect(checkCollision(scan, 10.1, 1, 0, P, createCheckedCommand()).action).toBe('pass');
  });

  it('ignores a single stray beam below minPoints, but not two', () => {
    const scan = scanOf([]);
    const ranges = scan.ranges as Float32Array;
    ranges[180] = 0.3; // straight ahead, inside the footprint
    expect(checkCollision(scan, 10, 1, 0, P, createCheckedCommand()).action).not.toBe('stop');
    ranges[181] = 0.3;
    expect(checkCollision(scan, 10, 1, 0, P, createCheckedCommand()).action).toBe('stop');
  });

  it('a fresh command is a stop, and a plain object is not a CheckedCommand', () => {
    const c = createCheckedCommand();
    expect(c.linearMps).toBe(0);
    expect(c.action).toBe('stop');
    // @ts-expect-error only checkCollision produces commands for the motors
    const forged: CheckedCommand = { linearMps: 1, angularRps: 0, action: 'pass', reason: 'none', stopPoints: 0, slowdownPoints: 0, timeToCollisionS: Infinity, scanStampS: 0 };
    expect(forged.linearMps).toBe(1);
  });

  it('in closed loop, a robot driven at a wall at full speed stops before touching it', () => {
    let xM = 0;
    let tS = 0;
    const wallX = 6;
    const out = createCheckedCommand();
    for (let k = 0; k < 200; k++) {
      tS += 0.1;
      const scan = scanOf([], [{ ax: wallX - xM, ay: -3, bx: wallX - xM, by: 3 }], tS);
      checkCollision(scan, tS, 1.5, 0, P, out);
      xM += out.linearMps * 0.1;
    }
    expect(out.action).toBe('stop');
    expect(xM + P.footprintFrontM).toBeLessThan(wallX);
    expect(xM + P.footprintFrontM).toBeGreaterThan(wallX - 1);
  });

  it('validates its parameters: the slow-down zone must contain the stop zone', () => {
    expect(validateCollisionMonitorParams(P)).toEqual([]);
    expect(validateCollisionMonitorParams({ ...P, slowdownMarginM: 0.05 })[0]).toMatch(/slowdownMarginM/);
  });
});
