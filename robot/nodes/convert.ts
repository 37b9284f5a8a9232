/**
 * Paired conversions between ROS messages and the pure cores' plain types (after rmf_traffic_ros2's convert
 * functions). `to*` builds or fills a message from core values; `from*` reads a message into core values. Functions
 * that take an `out` fill it in place, so the 10 Hz paths reuse one object per robot and allocate nothing.
 */
import type { LaserScanData } from '../localization/core/index.ts';
import type { Pose2, Vec2 } from '../../maps/index.ts';
import {
  makeHeader,
  msToStamp,
  quaternionToYaw,
  setStamp,
  setYawQuaternion,
  stampToMs,
  yawToQuaternion,
  type LaserScan,
  type Odometry,
  type Path,
  type PoseStamped,
  type PoseWithCovarianceStamped,
  type Twist,
} from '../ros/index.ts';

/** A pose estimate with its 3×3 (x, y, θ) covariance, row-major; what localization produces. */
export interface PoseEstimate {
  pose: Pose2;
  covariance: Float64Array;
  timeMs: number;
}

export function createPoseEstimate(): PoseEstimate {
  return { pose: { x: 0, y: 0, theta: 0 }, covariance: new Float64Array(9), timeMs: 0 };
}

/** An empty PoseWithCovarianceStamped to fill with `toPoseWithCovariance` every tick. */
export function createPoseWithCovarianceMsg(frameId: string): PoseWithCovarianceStamped {
  return {
    header: makeHeader(0, frameId),
    pose: { pose: { position: { x: 0, y: 0, z: 0 }, orientation: yawToQuaternion(0) }, covariance: new Float64Array(36) },
  };
}

// Where each entry of the row-major 3×3 (x, y, θ) covariance sits in the 6×6 ROS pose covariance (x, y, z, roll,
// pitch, yaw): rows and columns 0, 1 and 5. Spelled out, not looped over an index table: every pose message (10 Hz
// per robot, read by several nodes) goes through these copies.
const C00 = 0, C01 = 1, C02 = 5, C10 = 6, C11 = 7, C12 = 11, C20 = 30, C21 = 31, C22 = 35;

/** Fills `out` from an estimate: the 3×3 covariance goes into the x, y, yaw rows/columns of the 6×6 one. */
export function toPoseWithCovariance(est: PoseEstimate, out: PoseWithCovarianceStamped): PoseWithCovarianceStamped {
  setStamp(out.header.stamp, est.timeMs);
  out.pose.pose.position.x = est.pose.x;
  out.pose.pose.position.y = est.pose.y;
  setYawQuaternion(out.pose.pose.orientation, est.pose.theta);
  const c = out.pose.covariance;
  const e = est.covariance;
  c[C00] = e[0]!;
  c[C01] = e[1]!;
  c[C02] = e[2]!;
  c[C10] = e[3]!;
  c[C11] = e[4]!;
  c[C12] = e[5]!;
  c[C20] = e[6]!;
  c[C21] = e[7]!;
  c[C22] = e[8]!;
  return out;
}

/** Reads a PoseWithCovarianceStamped into `out`. */
export function fromPoseWithCovariance(msg: PoseWithCovarianceStamped, out: PoseEstimate): PoseEstimate {
  out.timeMs = stampToMs(msg.header.stamp);
  out.pose.x = msg.pose.pose.position.x;
  out.pose.y = msg.pose.pose.position.y;
  out.pose.theta = quaternionToYaw(msg.pose.pose.orientation);
  const c = msg.pose.covariance;
  const o = out.covariance;
  o[0] = c[C00] ?? 0;
  o[1] = c[C01] ?? 0;
  o[2] = c[C02] ?? 0;
  o[3] = c[C10] ?? 0;
  o[4] = c[C11] ?? 0;
  o[5] = c[C12] ?? 0;
  o[6] = c[C20] ?? 0;
  o[7] = c[C21] ?? 0;
  o[8] = c[C22] ?? 0;
  return out;
}

/** A PoseStamped (a goal) for a planar pose. */
export function toPoseStamped(pose: Pose2, timeMs: number, frameId: string): PoseStamped {
  return {
    header: makeHeader(timeMs, frameId),
    pose: { position: { x: pose.x, y: pose.y, z: 0 }, orientation: yawToQuaternion(pose.theta) },
  };
}

export function fromPoseStamped(msg: PoseStamped): Pose2 {
  return { x: msg.pose.position.x, y: msg.pose.position.y, theta: quaternionToYaw(msg.pose.orientation) };
}

/**
 * A nav_msgs/Path through `points`; each pose faces the next point. The header stamp identifies the goal the path
 * answers (the planner copies the goal's stamp), so the controller can report arrival against it.
 */
export function toPath(points: readonly Vec2[], stampMs: number, frameId: string): Path {
  const stamp = msToStamp(stampMs);
  const poses: PoseStamped[] = points.map((p, i) => {
    const next = points[Math.min(i + 1, points.length - 1)]!;
    const prev = points[Math.max(i - 1, 0)]!;
    const yaw = i + 1 < points.length ? Math.atan2(next.y - p.y, next.x - p.x) : Math.atan2(p.y - prev.y, p.x - prev.x);
    return { header: { stamp, frame_id: frameId }, pose: { position: { x: p.x, y: p.y, z: 0 }, orientation: yawToQuaternion(yaw) } };
  });
  return { header: { stamp, frame_id: frameId }, poses };
}

/** The path's vertices, interleaved x, y (what `createTrackedPath` takes). */
export function fromPath(msg: Path): Float64Array {
  const out = new Float64Array(msg.poses.length * 2);
  msg.poses.forEach((p, i) => {
    out[2 * i] = p.pose.position.x;
    out[2 * i + 1] = p.pose.position.y;
  });
  return out;
}

/** Reads a LaserScan into `out` (the ranges array is referenced, not copied: read it before the next scan). */
export function fromLaserScan(msg: LaserScan, out: LaserScanData): LaserScanData {
  out.ranges = msg.ranges;
  out.angleMinRad = msg.angle_min;
  out.angleIncrementRad = msg.angle_increment;
  out.rangeMinM = msg.range_min;
  out.rangeMaxM = msg.range_max;
  return out;
}

/** A LaserScan message over a core scan (ranges referenced), stamped at `timeMs`. */
export function toLaserScan(scan: LaserScanData, timeMs: number, frameId: string, scanTimeS: number): LaserScan {
  const n = scan.ranges.length;
  return {
    header: makeHeader(timeMs, frameId),
    angle_min: scan.angleMinRad,
    angle_max: scan.angleMinRad + (n - 1) * scan.angleIncrementRad,
    angle_increment: scan.angleIncrementRad,
    time_increment: 0,
    scan_time: scanTimeS,
    range_min: scan.rangeMinM,
    range_max: scan.rangeMaxM,
    ranges: scan.ranges as Float32Array | number[],
    intensities: [],
  };
}

/** A planar velocity command. */
export interface PlanarVelocity {
  linearMps: number;
  angularRps: number;
}

/** Fills a Twist from a planar command. */
export function toTwist(v: PlanarVelocity, out: Twist): Twist {
  out.linear.x = v.linearMps;
  out.linear.y = 0;
  out.linear.z = 0;
  out.angular.x = 0;
  out.angular.y = 0;
  out.angular.z = v.angularRps;
  return out;
}

export function fromTwist(msg: Twist, out: PlanarVelocity): PlanarVelocity {
  out.linearMps = msg.linear.x;
  out.angularRps = msg.angular.z;
  return out;
}

/** Odometry in its own frame: pose, forward speed, turn rate. */
export interface OdometryReading {
  x: number;
  y: number;
  theta: number;
  vMps: number;
  omegaRps: number;
  timeMs: number;
}

export function fromOdometry(msg: Odometry, out: OdometryReading): OdometryReading {
  out.timeMs = stampToMs(msg.header.stamp);
  out.x = msg.pose.pose.position.x;
  out.y = msg.pose.pose.position.y;
  out.theta = quaternionToYaw(msg.pose.pose.orientation);
  out.vMps = msg.twist.twist.linear.x;
  out.omegaRps = msg.twist.twist.angular.z;
  return out;
}

/** Fills a reused Odometry message from a reading. */
export function toOdometry(r: OdometryReading, out: Odometry): Odometry {
  setStamp(out.header.stamp, r.timeMs);
  out.pose.pose.position.x = r.x;
  out.pose.pose.position.y = r.y;
  setYawQuaternion(out.pose.pose.orientation, r.theta);
  out.twist.twist.linear.x = r.vMps;
  out.twist.twist.angular.z = r.omegaRps;
  return out;
}
