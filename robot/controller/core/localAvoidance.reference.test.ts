/**
 * Differential test: local avoidance against the version before the per-tick window directions and the blocked-offset
 * difference array (kept below verbatim as the reference), over random paths, poses, scans and carried state. The
 * simulator's runs must stay bit-identical, so every output field is compared with Object.is.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../../common/core/Random.ts';
import type { Pose2 } from '../../../maps/core/types.ts';
import type { LaserScanData } from '../../localization/core/ScanMatcher.ts';
import {
  type AvoidanceParams,
  type AvoidanceState,
  createAvoidanceState,
  defaultAvoidanceParams,
  updateAvoidance,
} from './localAvoidance.ts';
import { type TrackedPath, createTrackedPath } from './TrackedPath.ts';

describe('updateAvoidance against the reference', () => {
  it('gives bit-identical state over random scenes', () => {
    const random = new Random(20261128);
    const p: AvoidanceParams = { ...defaultAvoidanceParams };
    const beams = 180;
    let compared = 0, blockedTicks = 0, avoidingTicks = 0;
    for (let scene = 0; scene < 400; scene++) {
      // A path of a few segments, some of them repeated or very short points, with turns.
      const points: Array<{ x: number; y: number }> = [{ x: 0, y: 0 }];
      let heading = random.uniform(-Math.PI, Math.PI);
      const vertices = 2 + Math.floor(random.uniform(0, 6));
      for (let v = 1; v < vertices; v++) {
        const last = points[points.length - 1]!;
        const len = random.uniform(0, 1) < 0.15 ? random.uniform(0, 0.06) : random.uniform(0.5, 8);
        heading += random.uniform(-1.6, 1.6);
        points.push({ x: last.x + len * Math.cos(heading), y: last.y + len * Math.sin(heading) });
      }
      const path = createTrackedPath(points);
      const state = createAvoidanceState();
      const reference = createAvoidanceState();
      const start = random.uniform(0, path.lengthM);
      for (let tick = 0; tick < 20; tick++) {
        const pose = poseNear(path, Math.min(path.lengthM, start + 0.3 * tick), random);
        const scan = randomScan(beams, random);
        const seg = Math.floor(random.uniform(0, path.count));
        const dtS = 0.1;
        updateAvoidance(path, seg, pose, scan, dtS, state, p);
        referenceUpdateAvoidance(path, seg, pose, scan, dtS, reference, p);
        for (const key of Object.keys(reference) as Array<keyof AvoidanceState>) {
          expect(Object.is(state[key], reference[key]), `scene ${scene} tick ${tick} ${key}: ${state[key]} vs ${reference[key]}`).toBe(true);
        }
        compared++;
        if (reference.status === 'blocked' || reference.status === 'replanRequested') blockedTicks++;
        if (reference.status === 'avoiding') avoidingTicks++;
      }
    }
    expect(compared).toBe(8000);
    // The scenes exercise every branch of the choice, not just the clear path.
    expect(blockedTicks).toBeGreaterThan(100);
    expect(avoidingTicks).toBeGreaterThan(100);
  });
});

/** A pose within a couple of metres of the path at arc length s, heading roughly along it or anywhere. */
function poseNear(path: TrackedPath, s: number, random: Random): Pose2 {
  let k = 0;
  while (k < path.count - 2 && path.cumM[k + 1]! < s) k++;
  const len = path.cumM[k + 1]! - path.cumM[k]!;
  const t = len > 0 ? Math.min(1, (s - path.cumM[k]!) / len) : 0;
  const ax = path.xy[2 * k]!, ay = path.xy[2 * k + 1]!, bx = path.xy[2 * k + 2]!, by = path.xy[2 * k + 3]!;
  const along = Math.atan2(by - ay, bx - ax);
  return {
    x: ax + t * (bx - ax) + random.uniform(-1.5, 1.5),
    y: ay + t * (by - ay) + random.uniform(-1.5, 1.5),
    theta: random.uniform(0, 1) < 0.7 ? along + random.uniform(-0.5, 0.5) : random.uniform(-Math.PI, Math.PI),
  };
}

/** Ranges mostly open, some near (people, walls), some out of the sensor's limits, runs of a wall. */
function randomScan(beams: number, random: Random): LaserScanData {
  const ranges = new Float32Array(beams);
  let wall = 0, wallRange = 0;
  for (let i = 0; i < beams; i++) {
    if (wall > 0) {
      wall--;
      ranges[i] = wallRange + random.uniform(-0.05, 0.05);
      continue;
    }
    const u = random.uniform(0, 1);
    if (u < 0.05) {
      wall = Math.floor(random.uniform(3, 30));
      wallRange = random.uniform(0.3, 7);
      ranges[i] = wallRange;
    } else if (u < 0.15) ranges[i] = random.uniform(0.2, 6.5);
    else if (u < 0.17) ranges[i] = random.uniform(0, 0.05);
    else if (u < 0.19) ranges[i] = Number.NaN;
    else ranges[i] = Number.POSITIVE_INFINITY;
  }
  return { ranges, angleMinRad: -Math.PI, angleIncrementRad: (2 * Math.PI) / beams, rangeMinM: 0.05, rangeMaxM: 10 };
}

// ---- The reference: updateAvoidance as it was, verbatim. ----

// Per-offset nearest obstacle ahead; grown on demand, shared (calls are synchronous).
/** Segments this short at the path's end do not give its direction, m. */
const END_SEGMENT_MIN_M = 0.05;

let aheadByOffset = new Float64Array(64);

/**
 * One avoidance tick. `fromSegment` is the controller's progress (the pure pursuit state's segmentIndex), `pose`
 * the robot's pose, `scan` the latest scan in the LiDAR frame. Updates and returns `state`.
 */
function referenceUpdateAvoidance(
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
  if (aheadByOffset.length < nOff) aheadByOffset = new Float64Array(nOff);
  const ahead = aheadByOffset;
  ahead.fill(Number.POSITIVE_INFINITY, 0, nOff);

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
  let nearest = Number.POSITIVE_INFINITY;
  const n = scan.ranges.length;
  for (let i = 0; i < n; i++) {
    const r = scan.ranges[i]!;
    if (!(r >= scan.rangeMinM && r < scan.rangeMaxM) || r > maxRange) continue;
    const a = pose.theta + p.laserYawRad + scan.angleMinRad + i * scan.angleIncrementRad;
    const wx = lxs + r * Math.cos(a);
    const wy = lys + r * Math.sin(a);
    // Nearest segment in the window gives the point's (along, across) path coordinates.
    let bestD2 = Number.POSITIVE_INFINITY, bestS = 0, bestLat = 0;
    for (let k = seg; k <= segEnd; k++) {
      const ax = xy[2 * k]!, ay = xy[2 * k + 1]!;
      const len = cumM[k + 1]! - cumM[k]!;
      if (len <= 0) continue;
      const ux = (xy[2 * k + 2]! - ax) / len, uy = (xy[2 * k + 3]! - ay) / len;
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
      for (let o = 0; o < nOff; o++) if (aheadM < ahead[o]!) ahead[o] = aheadM;
      continue;
    }
    const along = bestS - sRobot;
    if (along < -lookBehindM || along > p.lookAheadM || Math.abs(bestLat) > corridor) continue;
    if (Math.abs(bestLat) <= p.pathHalfWidthM) {
      const dist = Math.hypot(wx - pose.x, wy - pose.y);
      if (dist < nearest) nearest = dist;
    }
    const lo = Math.max(-half, Math.ceil((bestLat - reach) / p.offsetStepM - 1e-9));
    const hi = Math.min(half, Math.floor((bestLat + reach) / p.offsetStepM + 1e-9));
    const aheadM = along > 0 ? along : 0;
    for (let o = lo; o <= hi; o++) if (aheadM < ahead[o + half]!) ahead[o + half] = aheadM;
  }
  state.nearestObstacleM = nearest;

  // Choose: the centre line if it is free, else stay on the current target, else the nearest free offset to it.
  const cur = Math.max(-half, Math.min(half, Math.round(state.targetOffsetM / p.offsetStepM)));
  let choice = -Infinity;
  if (ahead[half] === Number.POSITIVE_INFINITY) choice = 0;
  else if (ahead[cur + half] === Number.POSITIVE_INFINITY) choice = cur;
  else {
    for (let dd = 1; dd <= 2 * half; dd++) {
      // Right first (negative offsets): keep-right on shared footways, and one fixed rule keeps it deterministic.
      if (cur - dd >= -half && ahead[cur - dd + half] === Number.POSITIVE_INFINITY) {
        choice = cur - dd;
        break;
      }
      if (cur + dd <= half && ahead[cur + dd + half] === Number.POSITIVE_INFINITY) {
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
    const blockingAhead = ahead[cur + half]!;
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
