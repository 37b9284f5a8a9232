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
    // Beside the left side, near the front: turning right swings that side away from it; turning left into it and
    // standing are stops. Driving on, sliding along it 7 cm away, is not an escape: it passes as `alongside`.
    const side = scanOf([{ x: 0.3, y: 0.42, radiusM: 0.05 }]);
    expect(checkCollision(side, 10, 0, -0.5, P, createCheckedCommand()).action).toBe('escape');
    expect(checkCollision(side, 10, 0, 0.5, P, createCheckedCommand()).action).toBe('stop');
    expect(checkCollision(side, 10, 0.3, 0, P, createCheckedCommand()).action).toBe('alongside');
    expect(checkCollision(side, 10, 0, 0, P, createCheckedCommand()).action).toBe('stop');
    // Boxed in front and behind: no way out.
    const boxed = scanOf([ahead, behind]);
    expect(checkCollision(boxed, 10, 0.2, 0, P, createCheckedCommand()).action).toBe('stop');
    expect(checkCollision(boxed, 10, -0.2, 0, P, createCheckedCommand()).action).toBe('stop');
  });

  it('lets a robot drive on along a wall beside it, inside the stop zone, but not into it nor into anything ahead (alongside)', () => {
    // Issue #5: three robots stood 15–21 h in a narrow passage at ZJU, each with its side inside the stop zone of a
    // building: driving on along it was refused (not away from it), and so was every turn (a corner swings into it).
    const wall: Segment = { ax: -5, ay: 0.35, bx: 5, by: 0.35 }; // 5 cm from the left side
    const scan = scanOf([], [wall]);
    const on = checkCollision(scan, 10, 0.3, 0, P, createCheckedCommand());
    expect(on.action).toBe('alongside');
    expect(on.reason).toBe('none');
    expect(on.stopPoints).toBeGreaterThanOrEqual(P.minPoints);
    expect(on.linearMps).toBeCloseTo(Math.min(0.3 * P.slowdownRatio, P.alongsideMaxSpeedMps), 12);
    // Fast commands are capped; reversing along it is the same.
    expect(checkCollision(scan, 10, 1.5, 0, P, createCheckedCommand()).linearMps).toBeCloseTo(P.alongsideMaxSpeedMps, 12);
    expect(checkCollision(scan, 10, -0.2, 0, P, createCheckedCommand()).action).toBe('alongside');
    // A wide arc away from it: the rear-left corner swings out by √((R + b)² + r²) − (R + b), 2.7 mm at R = 30 m.
    expect(checkCollision(scan, 10, 0.3, -0.01, P, createCheckedCommand()).action).toBe('alongside');
    // Turning on the spot swings a corner 0.2 m out, into it; turning towards it or a tight arc away hits it.
    expect(checkCollision(scan, 10, 0, -0.5, P, createCheckedCommand()).action).toBe('stop');
    expect(checkCollision(scan, 10, 0.3, -1.5, P, createCheckedCommand()).reason).toBe('imminent');
    expect(checkCollision(scan, 10, 0.3, 1.0, P, createCheckedCommand()).reason).toBe('imminent');
    // A gentle turn towards it is slowed so as to reach the narrowed zone no sooner than a horizon away (approach).
    const toward = checkCollision(scan, 10, 0.3, 0.3, P, createCheckedCommand());
    expect(toward.timeToCollisionS).toBeLessThan(P.approachHorizonS);
    expect(toward.linearMps).toBeLessThan(on.linearMps / 2);
    // Standing still is a stop, as before.
    expect(checkCollision(scan, 10, 0, 0, P, createCheckedCommand()).reason).toBe('obstacle');
    // Something ahead in the stop zone besides the wall: a stop; farther ahead on the arc: slowed for it as ever.
    const ahead = scanOf([{ x: 0.55, y: 0, radiusM: 0.1 }], [wall]);
    expect(checkCollision(ahead, 10, 0.3, 0, P, createCheckedCommand()).reason).toBe('obstacle');
    const later = checkCollision(scanOf([{ x: 0.63, y: 0, radiusM: 0.1 }], [wall]), 10, 1.5, 0, P, createCheckedCommand());
    expect(later.reason).toBe('imminent');
    const far = checkCollision(scanOf([{ x: 2.5, y: 0, radiusM: 0.1 }], [wall]), 10, 1.5, 0, P, createCheckedCommand());
    expect(far.action).toBe('alongside');
    expect(far.timeToCollisionS).toBeLessThan(Infinity);
    // Closer than alongsideGapM: a stop; and the rule switched off (max speed 0): a stop.
    expect(checkCollision(scanOf([], [{ ax: -5, ay: 0.305, bx: 5, by: 0.305 }]), 10, 0.3, 0, P, createCheckedCommand()).reason).toBe('obstacle');
    expect(checkCollision(scan, 10, 0.3, 0, { ...P, alongsideMaxSpeedMps: 0 }, createCheckedCommand()).reason).toBe('obstacle');
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

  it('in closed loop, a robot along a wall steering into it stops short of it (alongside keeps alongsideGapM)', () => {
    // The robot's side starts 5 cm from a wall on its left and steers left into it at 0.3 rad/s per m/s.
    let x = 0, y = 0, th = 0, tS = 0, travelled = 0;
    const out = createCheckedCommand();
    let minGap = Infinity;
    for (let k = 0; k < 300; k++) {
      tS += 0.1;
      // The wall y = 0.35 in the robot frame: rotate and shift it.
      const c = Math.cos(th), s = Math.sin(th);
      const toRobot = (wx: number, wy: number) => ({ x: c * (wx - x) + s * (wy - y), y: -s * (wx - x) + c * (wy - y) });
      const a = toRobot(-10, 0.35), b = toRobot(20, 0.35);
      checkCollision(scanOf([], [{ ax: a.x, ay: a.y, bx: b.x, by: b.y }], tS), tS, 0.3, 0.3, P, out);
      const v = out.linearMps, w = out.angularRps;
      x += v * 0.1 * Math.cos(th + 0.05 * w);
      y += v * 0.1 * Math.sin(th + 0.05 * w);
      th += w * 0.1;
      travelled += Math.abs(v) * 0.1;
      // Nearest corner of the footprint to the wall (the front-left one while turning left).
      for (const [fx, fy] of [[P.footprintFrontM, P.footprintLeftM], [-P.footprintRearM, P.footprintLeftM]] as const) {
        minGap = Math.min(minGap, 0.35 - (y + Math.sin(th) * fx + Math.cos(th) * fy));
      }
    }
    expect(travelled).toBeGreaterThan(0.01);
    expect(minGap).toBeGreaterThan(0);
    expect(out.linearMps).toBeLessThan(0.01);
  });

  it('validates its parameters: the slow-down zone must contain the stop zone', () => {
    expect(validateCollisionMonitorParams(P)).toEqual([]);
    expect(validateCollisionMonitorParams({ ...P, slowdownMarginM: 0.05 })[0]).toMatch(/slowdownMarginM/);
    expect(validateCollisionMonitorParams({ ...P, alongsideGapM: 0.2 })[0]).toMatch(/alongsideGapM/);
    expect(validateCollisionMonitorParams({ ...P, alongsideMaxSpeedMps: -1 })[0]).toMatch(/alongsideMaxSpeedMps/);
  });
});
