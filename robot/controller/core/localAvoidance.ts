/**
 * Local avoidance within the path's width: when the scan shows something in the corridor ahead, shift the tracked
 * path sideways (a lateral offset the pure pursuit follows) to the nearest offset that leaves room, else stop; after
 * standing blocked for a timeout, ask for a re-plan. Deterministic and pure: state in, state out, no allocation.
 *
 * Offsets are a 1-D occupancy: every scan point in the corridor blocks the offsets within (robot half-width +
 * clearance) of its lateral position, so the choice is a scan over a small mask, O(beams + offsets).
 */
import type { Pose2 } from '../../../maps/core/types.ts';
import type { LaserScanData } from '../../localization/core/ScanMatcher.ts';
import { exactHypot } from './exactHypot.ts';
import { type TrackedPath } from './TrackedPath.ts';

export interface AvoidanceParams {
  /** Half the usable width of the path (3 m path: 1.5), m. */
  pathHalfWidthM: number;
  /** Half the robot's width, m. */
  robotHalfWidthM: number;
  /** Lateral gap kept between the robot's side and an obstacle when passing, m. */
  clearanceM: number;
  /** Keep the robot's side this far inside the path edge, m. */
  edgeMarginM: number;
  /** Obstacles up to this far ahead along the path are considered, m. */
  lookAheadM: number;
  /** Obstacles this far behind the robot's centre still count (its rear must clear them too), m. */
  lookBehindM: number;
  /** Resolution of the candidate offsets, m. */
  offsetStepM: number;
  /** How fast the tracked offset may move sideways, m/s (smooth lane changes). */
  offsetRateMps: number;
  /** Speed cap while passing an obstacle, m/s. */
  passingSpeedMps: number;
  /** Speed cap while blocked but still this far or more from the obstacle: creep up to the stop distance, m/s. */
  blockedCreepSpeedMps: number;
  /** Stop this far (along the path, from the robot's centre) before a blocking obstacle, m. */
  stopDistanceM: number;
  /** Blocked this long asks for a re-plan, s. */
  blockedTimeoutS: number;
  /**
   * Something within this of the goal (another robot parked on it) makes the goal taken: every offset counts as
   * blocked there, so the robot stops short in line rather than squeezing in beside it, m (0: off).
   */
  goalTakenRadiusM: number;
  /** LiDAR mounting in the robot frame: forward offset, m. */
  laserXM: number;
  /** LiDAR mounting in the robot frame: left offset, m. */
  laserYM: number;
  /** LiDAR mounting in the robot frame: yaw, rad. */
  laserYawRad: number;
}

export const defaultAvoidanceParams: Readonly<AvoidanceParams> = Object.freeze({
  pathHalfWidthM: 1.5,
  robotHalfWidthM: 0.3,
  clearanceM: 0.25,
  edgeMarginM: 0.1,
  lookAheadM: 4,
  lookBehindM: 0.6,
  offsetStepM: 0.05,
  offsetRateMps: 0.6,
  passingSpeedMps: 0.8,
  blockedCreepSpeedMps: 0.3,
  stopDistanceM: 1.0,
  blockedTimeoutS: 20,
  goalTakenRadiusM: 1.2,
  laserXM: 0,
  laserYM: 0,
  laserYawRad: 0,
});

/** Problems with a parameter set, for a node to refuse at configure time (empty: fine). */
export function validateAvoidanceParams(p: Readonly<AvoidanceParams>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(p)) {
    if (!Number.isFinite(value)) problems.push(`${name} must be finite (got ${value})`);
  }
  if (p.robotHalfWidthM + p.edgeMarginM > p.pathHalfWidthM) {
    problems.push(`the robot (half-width ${p.robotHalfWidthM} m + edge margin ${p.edgeMarginM} m) does not fit a path of half-width ${p.pathHalfWidthM} m`);
  }
  if (!(p.offsetStepM > 0)) problems.push(`offsetStepM must be > 0 (got ${p.offsetStepM})`);
  if (!(p.blockedTimeoutS > 0)) problems.push(`blockedTimeoutS must be > 0 (got ${p.blockedTimeoutS})`);
  if (!(p.lookAheadM > 0 && p.lookBehindM >= 0)) problems.push('lookAheadM must be > 0 and lookBehindM ≥ 0');
  return problems;
}

export type AvoidanceStatus = 'clear' | 'avoiding' | 'blocked' | 'replanRequested';

/** Avoidance state, carried from tick to tick. Reset (`createAvoidanceState`) with every new path. */
export interface AvoidanceState {
  status: AvoidanceStatus;
  /** Offset the controller should track now, left positive, m. */
  lateralOffsetM: number;
  /** Offset being moved towards, m. */
  targetOffsetM: number;
  /** Time spent blocked without a break, s. */
  blockedForS: number;
  /** Speed cap for the controller this tick, m/s (Infinity: none). */
  speedLimitMps: number;
  /** Distance from the robot to the nearest scan point inside the corridor, m (Infinity: none); for regulation. */
  nearestObstacleM: number;
  /** Along-path distance to the first obstacle blocking the current offset, m (Infinity: none). */
  blockingAheadM: number;
}

export function createAvoidanceState(): AvoidanceState {
  return {
    status: 'clear',
    lateralOffsetM: 0,
    targetOffsetM: 0,
    blockedForS: 0,
    speedLimitMps: Number.POSITIVE_INFINITY,
    nearestObstacleM: Number.POSITIVE_INFINITY,
    blockingAheadM: Number.POSITIVE_INFINITY,
  };
}

/** Segments this short at the path's end do not give its direction, m. */
const END_SEGMENT_MIN_M = 0.05;

// Which offsets some scan point blocks, as a difference array (a point adds 1 from the first offset it blocks and
// takes it back after the last): O(1) per point rather than a pass over its ~20 offsets. Grown on demand, shared
// (calls are synchronous).
let blockedDiff = new Int32Array(64);
// The window's segments (lengths and unit directions), worked out once per tick rather than once per scan point; grown
// on demand, shared.
let windowLen = new Float64Array(64);
let windowUx = new Float64Array(64);
let windowUy = new Float64Array(64);

/**
 * One avoidance tick. `fromSegment` is the controller's progress (the pure pursuit state's segmentIndex), `pose`
 * the robot's pose, `scan` the latest scan in the LiDAR frame. Updates and returns `state`.
 */
export function updateAvoidance(
  path: TrackedPath,
  fromSegment: number,
  pose: Pose2,
  scan: LaserScanData,
  dtS: number,
  state: AvoidanceState,
  p: Readonly<AvoidanceParams>,
): AvoidanceState {
  const { xy, cumM, count } = path;
  const maxOffset = Math.max(0, p.pathHalfWidthM - p.robotHalfWidthM - p.edgeMarginM);
  const half = Math.floor(maxOffset / p.offsetStepM + 1e-9);
  const nOff = 2 * half + 1;
  if (blockedDiff.length < nOff + 1) blockedDiff = new Int32Array(nOff + 1);
  const blocked = blockedDiff;
  blocked.fill(0, 0, nOff + 1);
  // The choice below needs, of every offset, only whether it is blocked, and of the current target's, also how far
  // ahead it is blocked (the nearest point on it): that one is known now, so its distance is kept alone.
  const cur = Math.max(-half, Math.min(half, Math.round(state.targetOffsetM / p.offsetStepM)));
  let curAheadM = Number.POSITIVE_INFINITY;
  // Whether the centre line is blocked, kept alone too: it is asked first, and mostly free.
  let centreBlocked = false;

  // The robot's arc length, and the range of segments the window covers.
  let seg = Math.max(0, Math.min(fromSegment, count - 2));
  const sRobot = projectS(path, pose.x, pose.y, seg);
  // Points behind the robot's centre count so that its rear clears them, which holds for a robot heading along the
  // path. One standing across it has no rear on the path: on the stub a re-plan draws from where it stands to the
  // footway, a wall it stands along (a building under a metre from the centre line, issue #5) lay all along that stub's
  // "behind" and blocked every offset, so the robot stood blocked with the way along the footway free.
  const headingAlong = alongPath(path, sRobot, seg, Math.cos(pose.theta), Math.sin(pose.theta)) >= ALIGNED_COS;
  const lookBehindM = headingAlong ? p.lookBehindM : 0;
  while (seg > 0 && cumM[seg]! > sRobot - lookBehindM) seg--;
  let segEnd = seg;
  while (segEnd < count - 2 && cumM[segEnd + 1]! < sRobot + p.lookAheadM) segEnd++;
  // The direction the path arrives at its end in: the last segment longer than END_SEGMENT_MIN_M (a path may end in a
  // repeated or nearly repeated point, e.g. the graph node then the order's rounded node position, whose direction is
  // noise). A point ahead of the end along it lies past the goal.
  let lastSeg = count - 2;
  while (lastSeg > 0 && cumM[lastSeg + 1]! - cumM[lastSeg]! <= END_SEGMENT_MIN_M) lastSeg--;
  const lastLen = cumM[lastSeg + 1]! - cumM[lastSeg]!;
  const endX = xy[2 * count - 2]!, endY = xy[2 * count - 1]!;
  const endUx = lastLen > 0 ? (xy[2 * lastSeg + 2]! - xy[2 * lastSeg]!) / lastLen : 0;
  const endUy = lastLen > 0 ? (xy[2 * lastSeg + 3]! - xy[2 * lastSeg + 1]!) / lastLen : 0;

  const reach = p.robotHalfWidthM + p.clearanceM;
  const corridor = p.pathHalfWidthM + reach;
  const c = Math.cos(pose.theta), s = Math.sin(pose.theta);
  const lxs = pose.x + c * p.laserXM - s * p.laserYM;
  const lys = pose.y + s * p.laserXM + c * p.laserYM;
  const maxRange = p.lookAheadM + corridor;
  // A point within goalTakenRadiusM of the goal, itself within the look-ahead, marks the goal taken.
  const remainingM = cumM[count - 1]! - sRobot;
  const goalInView = p.goalTakenRadiusM > 0 && remainingM <= p.lookAheadM + p.goalTakenRadiusM;
  const takenR2 = p.goalTakenRadiusM * p.goalTakenRadiusM;
  const pastGoalR2 = p.lookAheadM * p.lookAheadM;
  const nWindow = segEnd - seg + 1;
  if (windowLen.length < nWindow) {
    windowLen = new Float64Array(2 * nWindow);
    windowUx = new Float64Array(2 * nWindow);
    windowUy = new Float64Array(2 * nWindow);
  }
  const wLen = windowLen, wUx = windowUx, wUy = windowUy;
  for (let k = seg; k <= segEnd; k++) {
    const len = cumM[k + 1]! - cumM[k]!;
    wLen[k - seg] = len;
    if (len <= 0) continue;
    wUx[k - seg] = (xy[2 * k + 2]! - xy[2 * k]!) / len;
    wUy[k - seg] = (xy[2 * k + 3]! - xy[2 * k + 1]!) / len;
  }
  let nearest = Number.POSITIVE_INFINITY;
  const ranges = scan.ranges, n = ranges.length;
  const rMin = scan.rangeMinM, rMax = scan.rangeMaxM;
  const a0 = pose.theta + p.laserYawRad + scan.angleMinRad, inc = scan.angleIncrementRad;
  for (let i = 0; i < n; i++) {
    const r = ranges[i]!;
    if (!(r >= rMin && r < rMax) || r > maxRange) continue;
    const a = a0 + i * inc;
    const wx = lxs + r * Math.cos(a);
    const wy = lys + r * Math.sin(a);
    const toGoal2 = (wx - endX) * (wx - endX) + (wy - endY) * (wy - endY);
    // Past the goal: the robot stops before it gets there, so it is not in the way (a wall behind a drop point used to
    // block the centre line, and the robot turned on the spot beside its goal for hours; the safety node still guards
    // the front). Only around the goal: the half-plane beyond a goal reached by a last turn can cover the path far
    // back, and a robot charging at a dock on the way to the hub was ignored there, then the turn past it stopped by
    // the safety node every time (issue #5, ~2 min per pass at ZJU's dock 1).
    if (toGoal2 <= pastGoalR2 && (wx - endX) * endUx + (wy - endY) * endUy > 0) continue;
    // On the goal (another robot parked there, a second one sent to the same dock or drop point): no way round it
    // gets there, and squeezing in beside it wedged two robots that could then neither turn nor leave (issue #5, a
    // dock for hours). Its near side (this side of the goal; a wall behind the goal was passed over above) blocks
    // every offset from where the point is (its distance short of the goal, measured straight); the controller counts
    // stopping short as arrived.
    if (goalInView && toGoal2 <= takenR2) {
      const aheadM = Math.max(0, remainingM - Math.sqrt(toGoal2));
      // (A NaN distance blocks nothing, as a min taken with `<` over +Infinity never took it.)
      if (aheadM < Number.POSITIVE_INFINITY) {
        blocked[0]!++;
        blocked[nOff]!--;
        centreBlocked = true;
        if (aheadM < curAheadM) curAheadM = aheadM;
      }
      continue;
    }
    // Nearest segment in the window gives the point's (along, across) path coordinates (searched after the two tests
    // above, which do not need it).
    let bestD2 = Number.POSITIVE_INFINITY, bestS = 0, bestLat = 0;
    for (let k = seg; k <= segEnd; k++) {
      const len = wLen[k - seg]!;
      if (len <= 0) continue;
      const ax = xy[2 * k]!, ay = xy[2 * k + 1]!;
      const ux = wUx[k - seg]!, uy = wUy[k - seg]!;
      const t = (wx - ax) * ux + (wy - ay) * uy;
      const tc = t < 0 ? (k === 0 ? t : 0) : t > len ? (k === count - 2 ? t : len) : t;
      const qx = ax + tc * ux, qy = ay + tc * uy;
      const d2 = (wx - qx) * (wx - qx) + (wy - qy) * (wy - qy);
      if (d2 < bestD2) {
        bestD2 = d2;
        bestS = cumM[k]! + tc;
        bestLat = ux * (wy - ay) - uy * (wx - ax);
      }
    }
    const along = bestS - sRobot;
    if (along < -lookBehindM || along > p.lookAheadM || Math.abs(bestLat) > corridor) continue;
    if (Math.abs(bestLat) <= p.pathHalfWidthM) {
      const dist = exactHypot(wx - pose.x, wy - pose.y);
      if (dist < nearest) nearest = dist;
    }
    const lo = Math.max(-half, Math.ceil((bestLat - reach) / p.offsetStepM - 1e-9));
    const hi = Math.min(half, Math.floor((bestLat + reach) / p.offsetStepM + 1e-9));
    if (!(lo <= hi)) continue;
    const aheadM = along > 0 ? along : 0;
    blocked[lo + half]!++;
    blocked[hi + half + 1]!--;
    if (lo <= 0 && 0 <= hi) centreBlocked = true;
    if (lo <= cur && cur <= hi && aheadM < curAheadM) curAheadM = aheadM;
  }
  state.nearestObstacleM = nearest;

  // Choose: the centre line if it is free, else stay on the current target, else the nearest free offset to it. (The
  // current target is blocked exactly when some point gave it a distance.)
  let choice = -Infinity;
  if (!centreBlocked) choice = 0;
  else if (curAheadM === Number.POSITIVE_INFINITY) choice = cur;
  else {
    // The difference array summed up: blocked[o] > 0 now marks offset o - half blocked.
    for (let o = 1; o < nOff; o++) blocked[o] = blocked[o]! + blocked[o - 1]!;
    for (let dd = 1; dd <= 2 * half; dd++) {
      // Right first (negative offsets): keep-right on shared footways, and one fixed rule keeps it deterministic.
      if (cur - dd >= -half && blocked[cur - dd + half] === 0) {
        choice = cur - dd;
        break;
      }
      if (cur + dd <= half && blocked[cur + dd + half] === 0) {
        choice = cur + dd;
        break;
      }
    }
  }

  if (choice !== -Infinity) {
    state.targetOffsetM = choice * p.offsetStepM;
    state.blockedForS = 0;
    state.blockingAheadM = Number.POSITIVE_INFINITY;
    const passing = choice !== 0 || Math.abs(state.lateralOffsetM) > 1e-9;
    state.status = passing ? 'avoiding' : 'clear';
    state.speedLimitMps = passing ? p.passingSpeedMps : Number.POSITIVE_INFINITY;
  } else {
    const blockingAhead = curAheadM;
    state.blockingAheadM = blockingAhead;
    state.blockedForS += dtS;
    state.status = state.blockedForS >= p.blockedTimeoutS ? 'replanRequested' : 'blocked';
    state.speedLimitMps = blockingAhead > p.stopDistanceM ? p.blockedCreepSpeedMps : 0;
  }

  // Move the tracked offset towards the target at a bounded rate.
  const stepM = p.offsetRateMps * Math.max(0, dtS);
  const diff = state.targetOffsetM - state.lateralOffsetM;
  state.lateralOffsetM += Math.abs(diff) <= stepM ? diff : diff > 0 ? stepM : -stepM;
  return state;
}

/** Heading within 45° of the path's direction counts as along it (look-behind applies). */
const ALIGNED_COS = Math.SQRT1_2;

/**
 * Cosine between the heading (cos, sin) and the path's direction at arc length `sM` (the segment holding it, searched
 * from `seg`; a degenerate path counts as aligned).
 */
function alongPath(path: TrackedPath, sM: number, seg: number, hc: number, hs: number): number {
  const { xy, cumM, count } = path;
  let k = seg;
  while (k > 0 && cumM[k]! > sM) k--;
  while (k < count - 2 && (cumM[k + 1]! <= sM || cumM[k + 1]! - cumM[k]! <= 0)) k++;
  const len = cumM[k + 1]! - cumM[k]!;
  if (!(len > 0)) return 1;
  return ((xy[2 * k + 2]! - xy[2 * k]!) * hc + (xy[2 * k + 3]! - xy[2 * k + 1]!) * hs) / len;
}

/** Arc length of the robot's projection, searching a few segments either side of `seg`. */
function projectS(path: TrackedPath, x: number, y: number, seg: number): number {
  const { xy, cumM, count } = path;
  let best = Number.POSITIVE_INFINITY, bestS = cumM[seg]!;
  const k0 = Math.max(0, seg - 1), k1 = Math.min(count - 2, seg + 2);
  for (let k = k0; k <= k1; k++) {
    const ax = xy[2 * k]!, ay = xy[2 * k + 1]!;
    const len = cumM[k + 1]! - cumM[k]!;
    if (len <= 0) continue;
    const ux = (xy[2 * k + 2]! - ax) / len, uy = (xy[2 * k + 3]! - ay) / len;
    let t = (x - ax) * ux + (y - ay) * uy;
    t = t < 0 ? 0 : t > len ? len : t;
    const d2 = (x - ax - t * ux) ** 2 + (y - ay - t * uy) ** 2;
    if (d2 < best) {
      best = d2;
      bestS = cumM[k]! + t;
    }
  }
  return bestS;
}
