/**
 * Collision monitor between the controller and the motors (after Nav2's collision_monitor): from the latest scan it
 * stops the robot when anything is inside the stop zone (footprint + margin), scales the command down when anything
 * is in the slow-down zone, and limits the speed so that, driving on the commanded arc, nothing enters the stop zone
 * sooner than the approach horizon. A stale or missing scan stops the robot.
 *
 * One exception to the stop (`escape`): a command that takes the footprint away from every point in the stop zone
 * passes at the slow-down ratio. A stop zone that stops every motion holds two robots that came too close for good,
 * each in the other's zone, each refused even the reverse that would part them (issue #5: pairs of robots stood
 * 2–3.6 h, 0.6 m apart, in the 60-robot day).
 *
 * A second one (`alongside`): with everything in the stop zone beside the robot (a wall along its side), a command
 * that keeps the footprint `alongsideGapM` clear of it over the approach horizon, with the front and rear margins as
 * they are, passes slowly. Driving parallel to a wall keeps a steady distance, neither towards it nor away, and a
 * robot whose side had come within the stop margin of a building was refused every motion for hours (issue #5: three
 * robots 15–21 h in a narrow passage at ZJU).
 *
 * `checkCollision` is the only producer of `CheckedCommand`, the type the motor interface accepts, so nothing
 * reaches the motors that has not been through it. Zones are rectangles in the robot frame, so a point test is four
 * comparisons; points too far to matter on this tick are culled before the trajectory is projected.
 */
import { exactHypot } from '../../controller/core/index.ts';
import type { LaserScanData } from '../../localization/core/ScanMatcher.ts';

export interface CollisionMonitorParams {
  /** Footprint: distance from the robot's origin to its front edge, m. */
  footprintFrontM: number;
  /** Footprint: distance from the robot's origin to its rear edge, m. */
  footprintRearM: number;
  /** Footprint: distance from the robot's origin to its left side, m. */
  footprintLeftM: number;
  /** Footprint: distance from the robot's origin to its right side, m. */
  footprintRightM: number;
  /** The stop zone is the footprint grown by this on every side, m. */
  stopMarginM: number;
  /** The slow-down zone is the footprint grown by this on every side, m. */
  slowdownMarginM: number;
  /** Factor on the command while something is in the slow-down zone (–). */
  slowdownRatio: number;
  /** Points needed in a zone before it acts (–); 1 reacts to a single beam, 2 ignores lone specks of rain or dust. */
  minPoints: number;
  /** Look this far ahead along the commanded arc; slow so that nothing enters the stop zone sooner, s. */
  approachHorizonS: number;
  /** Time step of the projected arc, s. */
  approachStepS: number;
  /** A scan older than this stops the robot, s. */
  maxScanAgeS: number;
  /**
   * With only things beside the robot in the stop zone, a command passes (`alongside`) that keeps the footprint's
   * sides this far from them over the horizon, m; the front and rear keep the whole stop margin.
   */
  alongsideGapM: number;
  /** Speed cap of an `alongside` command, m/s (0: no such commands, everything in the stop zone stops the robot). */
  alongsideMaxSpeedMps: number;
  /** LiDAR mounting in the robot frame: forward offset, m. */
  laserXM: number;
  /** LiDAR mounting in the robot frame: left offset, m. */
  laserYM: number;
  /** LiDAR mounting in the robot frame: yaw, rad. */
  laserYawRad: number;
}

/** Defaults for a 0.8 m × 0.6 m delivery robot at up to 1.5 m/s with a 10 Hz LiDAR. */
export const defaultCollisionMonitorParams: Readonly<CollisionMonitorParams> = Object.freeze({
  footprintFrontM: 0.4,
  footprintRearM: 0.4,
  footprintLeftM: 0.3,
  footprintRightM: 0.3,
  stopMarginM: 0.1,
  slowdownMarginM: 0.5,
  slowdownRatio: 0.4,
  minPoints: 2,
  approachHorizonS: 1.5,
  approachStepS: 0.1,
  maxScanAgeS: 0.3,
  alongsideGapM: 0.01,
  alongsideMaxSpeedMps: 0.2,
  laserXM: 0,
  laserYM: 0,
  laserYawRad: 0,
});

/** Problems with a parameter set, for a node to refuse at configure time (empty: fine). */
export function validateCollisionMonitorParams(p: Readonly<CollisionMonitorParams>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(p)) {
    if (!Number.isFinite(value)) problems.push(`${name} must be finite (got ${value})`);
  }
  if (!(p.footprintFrontM + p.footprintRearM > 0 && p.footprintLeftM + p.footprintRightM > 0)) {
    problems.push('the footprint must have a positive length and width');
  }
  if (!(p.stopMarginM >= 0)) problems.push(`stopMarginM must be ≥ 0 (got ${p.stopMarginM})`);
  if (!(p.slowdownMarginM >= p.stopMarginM)) {
    problems.push(`slowdownMarginM (${p.slowdownMarginM}) must be ≥ stopMarginM (${p.stopMarginM}): the slow-down zone contains the stop zone`);
  }
  if (!(p.slowdownRatio >= 0 && p.slowdownRatio <= 1)) problems.push(`slowdownRatio must be in [0, 1] (got ${p.slowdownRatio})`);
  if (!(p.minPoints >= 1)) problems.push(`minPoints must be ≥ 1 (got ${p.minPoints})`);
  if (!(p.approachStepS > 0 && p.approachHorizonS >= p.approachStepS)) {
    problems.push(`need 0 < approachStepS (${p.approachStepS}) ≤ approachHorizonS (${p.approachHorizonS})`);
  }
  if (!(p.maxScanAgeS > 0)) problems.push(`maxScanAgeS must be > 0 (got ${p.maxScanAgeS})`);
  if (!(p.alongsideGapM >= 0 && p.alongsideGapM <= p.stopMarginM)) {
    problems.push(`alongsideGapM must be in [0, stopMarginM = ${p.stopMarginM}] (got ${p.alongsideGapM})`);
  }
  if (!(p.alongsideMaxSpeedMps >= 0)) problems.push(`alongsideMaxSpeedMps must be ≥ 0 (got ${p.alongsideMaxSpeedMps})`);
  return problems;
}

/**
 * What the monitor did to the command, mildest first; `escape`: something is in the stop zone, but the command moves
 * the footprint away from all of it (slowed down as in `slowdown`); `alongside`: what is in the stop zone is all
 * beside the robot, and the command keeps its sides `alongsideGapM` clear of it (slowed down, at most
 * `alongsideMaxSpeedMps`).
 */
export type CollisionAction = 'pass' | 'slowdown' | 'approach' | 'escape' | 'alongside' | 'stop';

/** Why it stopped, when it did. */
export type CollisionStopReason = 'none' | 'obstacle' | 'imminent' | 'stale-scan' | 'no-scan';

/** A scan with the time it was taken, s on the same clock as `nowS`. */
export interface StampedScan extends LaserScanData {
  stampS: number;
}

declare const checkedByMonitor: unique symbol;

/**
 * A velocity command the collision monitor has passed. The motor interface accepts only this type; its fields are
 * read-only to everyone but the monitor, and a fresh one (`createCheckedCommand`) is a stop.
 */
export interface CheckedCommand {
  readonly linearMps: number;
  readonly angularRps: number;
  readonly action: CollisionAction;
  readonly reason: CollisionStopReason;
  /** Points in the stop zone and the slow-down zone this tick. */
  readonly stopPoints: number;
  readonly slowdownPoints: number;
  /** Time until something would enter the stop zone on the commanded arc, s (Infinity: not within the horizon). */
  readonly timeToCollisionS: number;
  /** Scan time the decision was based on, s. */
  readonly scanStampS: number;
  readonly [checkedByMonitor]: true;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A command object to reuse tick after tick; it starts as a stop. */
export function createCheckedCommand(): CheckedCommand {
  const c: Omit<Mutable<CheckedCommand>, typeof checkedByMonitor> = {
    linearMps: 0,
    angularRps: 0,
    action: 'stop',
    reason: 'no-scan',
    stopPoints: 0,
    slowdownPoints: 0,
    timeToCollisionS: 0,
    scanStampS: Number.NEGATIVE_INFINITY,
  };
  return c as CheckedCommand;
}

// Beam direction cache: recomputed only when the scan geometry or mounting changes, so a tick costs no trig.
let cacheN = -1, cacheMin = NaN, cacheInc = NaN, cacheYaw = NaN;
let beamCos = new Float64Array(0);
let beamSin = new Float64Array(0);
// Projected robot poses along the commanded arc: x, y, cos θ, sin θ per step.
let arc = new Float64Array(0);

/**
 * Checks `commandLinearMps`/`commandAngularRps` against `scan` at `nowS` and writes the allowed command into `out`
 * (and returns it). Pass `undefined` for the scan when none has arrived: the answer is a stop.
 */
export function checkCollision(
  scan: StampedScan | undefined,
  nowS: number,
  commandLinearMps: number,
  commandAngularRps: number,
  p: Readonly<CollisionMonitorParams>,
  out: CheckedCommand,
): CheckedCommand {
  const o = out as unknown as Mutable<CheckedCommand>;
  o.stopPoints = 0;
  o.slowdownPoints = 0;
  o.timeToCollisionS = Number.POSITIVE_INFINITY;
  if (scan === undefined) return halt(o, 'no-scan', Number.NEGATIVE_INFINITY);
  o.scanStampS = scan.stampS;
  // A scan from the future is as untrustworthy as an old one (clock mix-up between nodes).
  if (!(Math.abs(nowS - scan.stampS) <= p.maxScanAgeS)) return halt(o, 'stale-scan', scan.stampS);
  if (!Number.isFinite(commandLinearMps) || !Number.isFinite(commandAngularRps)) return halt(o, 'obstacle', scan.stampS);

  const n = scan.ranges.length;
  if (n !== cacheN || scan.angleMinRad !== cacheMin || scan.angleIncrementRad !== cacheInc || p.laserYawRad !== cacheYaw) {
    if (beamCos.length < n) {
      beamCos = new Float64Array(n);
      beamSin = new Float64Array(n);
    }
    for (let i = 0; i < n; i++) {
      const a = p.laserYawRad + scan.angleMinRad + i * scan.angleIncrementRad;
      beamCos[i] = Math.cos(a);
      beamSin[i] = Math.sin(a);
    }
    cacheN = n;
    cacheMin = scan.angleMinRad;
    cacheInc = scan.angleIncrementRad;
    cacheYaw = p.laserYawRad;
  }

  // Zones as [xmin, xmax] × [ymin, ymax] in the robot frame.
  const sxMin = -p.footprintRearM - p.stopMarginM, sxMax = p.footprintFrontM + p.stopMarginM;
  const syMin = -p.footprintRightM - p.stopMarginM, syMax = p.footprintLeftM + p.stopMarginM;
  const dxMin = -p.footprintRearM - p.slowdownMarginM, dxMax = p.footprintFrontM + p.slowdownMarginM;
  const dyMin = -p.footprintRightM - p.slowdownMarginM, dyMax = p.footprintLeftM + p.slowdownMarginM;

  // The stop zone's poses along the commanded arc (unicycle, exact integration), computed when the first point near
  // enough to matter needs them: ticks with nothing within reach (open footway) skip the trig.
  const v = commandLinearMps, w = commandAngularRps;
  const moving = v !== 0 || w !== 0;
  const steps = moving ? Math.max(1, Math.ceil(p.approachHorizonS / p.approachStepS)) : 0;
  if (arc.length < steps * 4) arc = new Float64Array(steps * 4);
  let arcReady = false;
  // A point farther than the stop zone's corner radius plus the arc's length cannot be reached in the horizon.
  const zoneRadius = exactHypot(Math.max(sxMax, -sxMin), Math.max(syMax, -syMin));
  const reach = zoneRadius + Math.abs(v) * p.approachHorizonS;
  const reach2 = reach * reach;

  let stopPts = 0, slowPts = 0, ttc = Number.POSITIVE_INFINITY;
  const rMin = scan.rangeMinM, rMax = scan.rangeMaxM;
  // A return farther from the LiDAR than this lies outside the slowdown zone and out of the arc's reach (its distance
  // from the robot's origin is at least the range less the LiDAR's offset; the millimetre covers rounding), so the
  // loop passes it over without working out where it is, which is most of a scan on an open footway.
  const slowRadius = exactHypot(Math.max(dxMax, -dxMin), Math.max(dyMax, -dyMin));
  const skipBeyond = Math.max(slowRadius, steps === 0 ? 0 : reach) + exactHypot(p.laserXM, p.laserYM) + 1e-3;
  const ranges = scan.ranges;
  for (let i = 0; i < n; i++) {
    const r = ranges[i]!;
    if (!(r >= rMin && r < rMax) || r > skipBeyond) continue;
    const px = p.laserXM + r * beamCos[i]!;
    const py = p.laserYM + r * beamSin[i]!;
    if (px >= dxMin && px <= dxMax && py >= dyMin && py <= dyMax) {
      if (px >= sxMin && px <= sxMax && py >= syMin && py <= syMax) {
        stopPts++;
        continue;
      }
      slowPts++;
    }
    if (steps === 0 || px * px + py * py > reach2) continue;
    if (!arcReady) {
      projectArc(v, w, steps, p.approachStepS);
      arcReady = true;
    }
    // Walk the arc until the point would be inside the stop zone, but not past the earliest collision found so far.
    for (let k = 0; k < steps; k++) {
      const t = (k + 1) * p.approachStepS;
      if (t >= ttc) break;
      const ex = px - arc[4 * k]!, ey = py - arc[4 * k + 1]!;
      const c = arc[4 * k + 2]!, s = arc[4 * k + 3]!;
      const qx = c * ex + s * ey;
      const qy = -s * ex + c * ey;
      if (qx >= sxMin && qx <= sxMax && qy >= syMin && qy <= syMax) {
        ttc = t;
        break;
      }
    }
  }
  o.stopPoints = stopPts;
  o.slowdownPoints = slowPts;
  o.timeToCollisionS = ttc;
  let scale = 1;
  let action: CollisionAction = 'pass';
  if (stopPts >= p.minPoints) {
    if (moving && movesAway(scan, v, w, p, sxMin, sxMax, syMin, syMax)) {
      scale = p.slowdownRatio;
      action = 'escape';
    } else {
      // Not away from it: only along it, if it is all beside the robot (the arc's check then against the narrowed zone).
      const alongTtc = v !== 0 && p.alongsideMaxSpeedMps > 0 ? alongsideTtc(scan, v, w, p, steps, sxMin, sxMax, syMin, syMax) : Number.NaN;
      if (Number.isNaN(alongTtc)) return halt(o, 'obstacle', scan.stampS);
      ttc = alongTtc;
      o.timeToCollisionS = ttc;
      scale = Math.min(p.slowdownRatio, p.alongsideMaxSpeedMps / Math.abs(v));
      action = 'alongside';
    }
  } else if (slowPts >= p.minPoints) {
    scale = p.slowdownRatio;
    action = 'slowdown';
  }
  if (ttc < Number.POSITIVE_INFINITY) {
    // Slow so that, at the new speed, the collision would be a full horizon away (Nav2's "approach" behaviour).
    const approachScale = (ttc - p.approachStepS) / p.approachHorizonS;
    if (approachScale <= 0) return halt(o, 'imminent', scan.stampS);
    if (approachScale < scale) {
      scale = approachScale;
      if (action !== 'escape' && action !== 'alongside') action = 'approach';
    }
  }
  o.linearMps = v * scale;
  o.angularRps = w * scale;
  o.action = action;
  o.reason = 'none';
  return out;
}

/** Moving the footprint by this little along the command tells whether it nears a point, m (and ~rad). */
const ESCAPE_PROBE = 0.02;
/** ... and some point in the stop zone must end at least this much farther from it, m. */
const ESCAPE_GAIN_M = 1e-4;

/**
 * Whether driving the command a little (ESCAPE_PROBE of travel or turn) takes the footprint away from what is in the
 * stop zone: the signed distance from each point there to the footprint rectangle (negative inside) must not
 * shrink, and grow for some (a point level with the side of a robot backing out of a corner contact keeps its
 * distance). Exact for the probe step; a command that parts the robot from a neighbour passes, one that sweeps a
 * corner towards it or slides along it does not. Runs only while something is in the stop zone (`sx…`/`sy…`: its
 * bounds in the robot frame, as checkCollision has them).
 */
function movesAway(
  scan: StampedScan, v: number, w: number, p: Readonly<CollisionMonitorParams>, sxMin: number, sxMax: number, syMin: number, syMax: number,
): boolean {
  const t = ESCAPE_PROBE / Math.max(Math.abs(v), Math.abs(w));
  const th = w * t;
  const x = Math.abs(w) < 1e-9 ? v * t : (v / w) * Math.sin(th);
  const y = Math.abs(w) < 1e-9 ? 0 : (v / w) * (1 - Math.cos(th));
  const c = Math.cos(th), sn = Math.sin(th);
  const n = scan.ranges.length;
  let gains = false;
  for (let i = 0; i < n; i++) {
    const r = scan.ranges[i]!;
    if (!(r >= scan.rangeMinM && r < scan.rangeMaxM)) continue;
    const px = p.laserXM + r * beamCos[i]!;
    const py = p.laserYM + r * beamSin[i]!;
    if (!(px >= sxMin && px <= sxMax && py >= syMin && py <= syMax)) continue;
    const ex = px - x, ey = py - y;
    const qx = c * ex + sn * ey, qy = -sn * ex + c * ey;
    const before = footprintDistance(px, py, p), after = footprintDistance(qx, qy, p);
    if (after < before - 1e-9) return false;
    gains ||= after > before + ESCAPE_GAIN_M;
  }
  // Sliding along something in the stop zone (no point farther) is what the zone is there to stop.
  return gains;
}

// The earliest entries into the narrowed zone, ascending (alongsideTtc); grown to minPoints on demand.
let entries = new Float64Array(4);

/**
 * The `alongside` rule, run only while something is in the stop zone and the command does not move away from it.
 * NaN when it does not apply: fewer than minPoints of what is in the stop zone lie beside the footprint on a side
 * (the rest is ahead, behind or in it: what the zone stops for), or minPoints are already within `alongsideGapM` of
 * a side. Otherwise the time at which, driving the command, minPoints points would be inside the stop zone narrowed
 * on that side to `alongsideGapM` (Infinity: not within the horizon), for the approach rule; minPoints rather than
 * one, since along a wall a few cm away the LiDAR's range noise puts a stray beam or two nearer every scan.
 */
function alongsideTtc(
  scan: StampedScan, v: number, w: number, p: Readonly<CollisionMonitorParams>, steps: number,
  sxMin: number, sxMax: number, syMin: number, syMax: number,
): number {
  const n = scan.ranges.length;
  let left = 0, right = 0, across = 0;
  for (let i = 0; i < n; i++) {
    const r = scan.ranges[i]!;
    if (!(r >= scan.rangeMinM && r < scan.rangeMaxM)) continue;
    const px = p.laserXM + r * beamCos[i]!;
    const py = p.laserYM + r * beamSin[i]!;
    if (!(px >= sxMin && px <= sxMax && py >= syMin && py <= syMax)) continue;
    if (py > p.footprintLeftM) left++;
    else if (py < -p.footprintRightM) right++;
    else across++;
  }
  if (across >= p.minPoints || (left < p.minPoints && right < p.minPoints)) return Number.NaN;
  const gyMax = left >= p.minPoints ? p.footprintLeftM + p.alongsideGapM : syMax;
  const gyMin = right >= p.minPoints ? -p.footprintRightM - p.alongsideGapM : syMin;
  projectArc(v, w, steps, p.approachStepS);
  const reach = exactHypot(Math.max(sxMax, -sxMin), Math.max(syMax, -syMin)) + Math.abs(v) * p.approachHorizonS;
  const reach2 = reach * reach;
  if (entries.length < p.minPoints) entries = new Float64Array(p.minPoints);
  entries.fill(Number.POSITIVE_INFINITY, 0, p.minPoints);
  let inside = 0;
  for (let i = 0; i < n; i++) {
    const r = scan.ranges[i]!;
    if (!(r >= scan.rangeMinM && r < scan.rangeMaxM)) continue;
    const px = p.laserXM + r * beamCos[i]!;
    const py = p.laserYM + r * beamSin[i]!;
    if (px >= sxMin && px <= sxMax && py >= gyMin && py <= gyMax) {
      inside++;
      continue;
    }
    if (px * px + py * py > reach2) continue;
    const last = p.minPoints - 1;
    for (let k = 0; k < steps; k++) {
      const t = (k + 1) * p.approachStepS;
      if (t >= entries[last]!) break;
      const ex = px - arc[4 * k]!, ey = py - arc[4 * k + 1]!;
      const c = arc[4 * k + 2]!, s = arc[4 * k + 3]!;
      const qx = c * ex + s * ey;
      const qy = -s * ex + c * ey;
      if (qx >= sxMin && qx <= sxMax && qy >= gyMin && qy <= gyMax) {
        // Insert t into the ascending list, dropping the last.
        let j = last;
        while (j > 0 && entries[j - 1]! > t) {
          entries[j] = entries[j - 1]!;
          j--;
        }
        entries[j] = t;
        break;
      }
    }
  }
  if (inside >= p.minPoints) return Number.NaN;
  // Points already inside count towards minPoints: the entry that makes minPoints is the (minPoints − inside)-th.
  return entries[p.minPoints - inside - 1]!;
}

/** Signed distance from a point in the robot frame to the footprint rectangle, m (negative inside). */
function footprintDistance(x: number, y: number, p: Readonly<CollisionMonitorParams>): number {
  const dx = Math.max(-p.footprintRearM - x, x - p.footprintFrontM);
  const dy = Math.max(-p.footprintRightM - y, y - p.footprintLeftM);
  if (dx <= 0 && dy <= 0) return Math.max(dx, dy);
  return exactHypot(Math.max(dx, 0), Math.max(dy, 0));
}

/** Robot poses at each step of the commanded arc into `arc`: x, y, cos θ, sin θ. */
function projectArc(v: number, w: number, steps: number, stepS: number): void {
  for (let k = 0; k < steps; k++) {
    const t = (k + 1) * stepS;
    const th = w * t;
    let x: number, y: number;
    if (Math.abs(w) < 1e-9) {
      x = v * t;
      y = 0;
    } else {
      x = (v / w) * Math.sin(th);
      y = (v / w) * (1 - Math.cos(th));
    }
    arc[4 * k] = x;
    arc[4 * k + 1] = y;
    arc[4 * k + 2] = Math.cos(th);
    arc[4 * k + 3] = Math.sin(th);
  }
}

function halt(o: Mutable<CheckedCommand>, reason: CollisionStopReason, stampS: number): CheckedCommand {
  o.linearMps = 0;
  o.angularRps = 0;
  o.action = 'stop';
  o.reason = reason;
  o.scanStampS = stampS;
  return o as unknown as CheckedCommand;
}
