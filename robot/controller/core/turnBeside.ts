/**
 * Turning beside a wall: a robot turning on the spot, or on a tight arc, swings the rear corner on the far side of the
 * turn outwards, by √((R + b)² + r²) − (R + b) on an arc of radius R (b: half width, r: origin to rear edge); on the
 * spot that is 0.2 m for a 0.8 m × 0.6 m robot. With a wall closer than that beside it, the safety node refuses the
 * turn (the corner would hit the wall), and the pure pursuit, turning on the spot towards a path off its heading,
 * asks for nothing else: a robot whose side had come within the stop zone of a building stood there for hours
 * (issue #5, a narrow passage at ZJU). `limitTurnBeside` widens such a turn to the tightest forward arc whose
 * swinging corner keeps `minGapM` from what is beside the robot, as a car leaves a kerb. Pure; nothing allocated.
 */
import type { LaserScanData } from '../../localization/core/ScanMatcher.ts';
import { exactHypot } from './exactHypot.ts';

export interface TurnBesideParams {
  /** Half the robot's width, m. */
  robotHalfWidthM: number;
  /** Robot origin to its front edge, m. */
  robotFrontM: number;
  /** Robot origin to its rear edge, m. */
  robotRearM: number;
  /** The swinging corner keeps at least this from what is beside the robot (as measured), m. */
  minGapM: number;
  /** Speed of the forward arc that replaces a turn on the spot, m/s. */
  creepSpeedMps: number;
  /**
   * Which nearest point beside the robot gives a side's gap (1: the nearest; 2 ignores one stray beam, as the safety
   * node's min_points does).
   */
  rank: number;
  /** LiDAR mounting in the robot frame: forward offset, m. */
  laserXM: number;
  /** LiDAR mounting in the robot frame: left offset, m. */
  laserYM: number;
  /** LiDAR mounting in the robot frame: yaw, rad. */
  laserYawRad: number;
}

export const defaultTurnBesideParams: Readonly<TurnBesideParams> = Object.freeze({
  robotHalfWidthM: 0.3,
  robotFrontM: 0.4,
  robotRearM: 0.4,
  minGapM: 0.01,
  creepSpeedMps: 0.2,
  rank: 2,
  laserXM: 0,
  laserYM: 0,
  laserYawRad: 0,
});

/** Problems with a parameter set, for a node to refuse at configure time (empty: fine). */
export function validateTurnBesideParams(p: Readonly<TurnBesideParams>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(p)) {
    if (!Number.isFinite(value)) problems.push(`${name} must be finite (got ${value})`);
  }
  if (!(p.robotHalfWidthM > 0 && p.robotFrontM > 0 && p.robotRearM > 0)) problems.push('robotHalfWidthM, robotFrontM and robotRearM must be > 0');
  if (!(p.minGapM >= 0)) problems.push(`minGapM must be ≥ 0 (got ${p.minGapM})`);
  if (!(p.creepSpeedMps > 0)) problems.push(`creepSpeedMps must be > 0 (got ${p.creepSpeedMps})`);
  if (!(Number.isInteger(p.rank) && p.rank >= 1 && p.rank <= 4)) problems.push(`rank must be an integer in [1, 4] (got ${p.rank})`);
  return problems;
}

/** Gaps between the robot's sides and what is beside them, m (Infinity: nothing within reach of a turn). */
export interface SideGaps {
  leftM: number;
  rightM: number;
}

export function createSideGaps(): SideGaps {
  return { leftM: Number.POSITIVE_INFINITY, rightM: Number.POSITIVE_INFINITY };
}

// The `rank` smallest gaps per side, ascending; shared (calls are synchronous).
const leftBest = new Float64Array(4);
const rightBest = new Float64Array(4);

/**
 * The gap on each side: the `rank`-th smallest distance from the side to a scan point beside the robot (level with
 * it, between its rear and front edges), counting only points within a turn on the spot's swing (beyond it, no turn
 * reaches them). A point level with the robot inside its width (noise, a contact) counts as a gap of 0 on its side.
 */
export function measureSideGaps(scan: LaserScanData, p: Readonly<TurnBesideParams>, out: SideGaps): SideGaps {
  const b = p.robotHalfWidthM;
  const reach = spinSwing(p) + p.minGapM;
  const k = p.rank;
  // A loop, not fill(): for a handful of entries the builtin's call costs more than the stores (every turning tick).
  for (let j = 0; j < k; j++) {
    leftBest[j] = Number.POSITIVE_INFINITY;
    rightBest[j] = Number.POSITIVE_INFINITY;
  }
  const ranges = scan.ranges, n = ranges.length;
  const rMin = scan.rangeMinM, rMax = scan.rangeMaxM;
  const within = b + reach + p.robotFrontM + p.robotRearM;
  for (let i = 0; i < n; i++) {
    const r = ranges[i]!;
    if (!(r >= rMin && r < rMax) || r > within) continue;
    const a = p.laserYawRad + scan.angleMinRad + i * scan.angleIncrementRad;
    const x = p.laserXM + r * Math.cos(a);
    if (x < -p.robotRearM || x > p.robotFrontM) continue;
    const y = p.laserYM + r * Math.sin(a);
    const gap = Math.max(0, Math.abs(y) - b);
    if (gap > reach) continue;
    insert(y >= 0 ? leftBest : rightBest, k, gap);
  }
  out.leftM = leftBest[k - 1]!;
  out.rightM = rightBest[k - 1]!;
  return out;
}

/**
 * Widens `cmd` (forward or on the spot; a reverse is left alone) so that the rear corner swinging out of the turn
 * keeps `minGapM` from what is beside the robot on that side: an arc tighter than that, or a turn on the spot, becomes
 * the tightest arc that keeps it, at least at `creepSpeedMps` but within `speedLimitMps` (avoidance's, a limit of 0
 * stops the robot: the turn would hit the wall); with no room for any swing, straight on. Returns whether it changed
 * the command. Turns towards a wall are left to the safety node: they near it at once.
 */
export function limitTurnBeside(
  cmd: { linearMps: number; angularRps: number }, gaps: Readonly<SideGaps>, p: Readonly<TurnBesideParams>, speedLimitMps = Number.POSITIVE_INFINITY,
): boolean {
  const v = cmd.linearMps, w = cmd.angularRps;
  if (v < 0 || w === 0) return false;
  // Turning right (w < 0), the rear-left corner swings left; turning left, the rear-right one swings right.
  const room = (w < 0 ? gaps.leftM : gaps.rightM) - p.minGapM;
  const radius = v / Math.abs(w);
  if (room >= spinSwing(p) || swing(radius, p) <= room) return false;
  const speed = Math.max(0, Math.min(Math.max(v, p.creepSpeedMps), speedLimitMps));
  cmd.linearMps = speed;
  const minRadius = room > 0 ? minArcRadius(room, p) : Number.POSITIVE_INFINITY;
  cmd.angularRps = minRadius === Number.POSITIVE_INFINITY || speed === 0 ? 0 : (w < 0 ? -speed : speed) / minRadius;
  return true;
}

/** How far the outer rear corner swings out on an arc of radius `radius` (0: on the spot), m. */
function swing(radius: number, p: Readonly<TurnBesideParams>): number {
  const a = radius + p.robotHalfWidthM;
  return exactHypot(a, p.robotRearM) - a;
}

function spinSwing(p: Readonly<TurnBesideParams>): number {
  return swing(0, p);
}

/** The radius whose swing is exactly `room` (> 0): √(A² + r²) = A + room ⇒ A = (r² − room²) / (2 room). */
function minArcRadius(room: number, p: Readonly<TurnBesideParams>): number {
  const a = (p.robotRearM * p.robotRearM - room * room) / (2 * room);
  return Math.max(0, a - p.robotHalfWidthM);
}

function insert(best: Float64Array, k: number, v: number): void {
  if (!(v < best[k - 1]!)) return;
  let j = k - 1;
  while (j > 0 && best[j - 1]! > v) {
    best[j] = best[j - 1]!;
    j--;
  }
  best[j] = v;
}
