/**
 * Small pure conversions every node needs: planar yaw ↔ quaternion, clock milliseconds ↔ ROS stamps, and message
 * skeletons with ROS defaults. No node state, no I/O.
 */
import type { Header, Quaternion, Time, Twist } from './types.ts';

const NS_PER_MS = 1_000_000;
const MS_PER_S = 1000;

/** Quaternion for a rotation of `yawRad` about +z (planar robots never roll or pitch). */
export function yawToQuaternion(yawRad: number): Quaternion {
  const half = yawRad / 2;
  return { x: 0, y: 0, z: Math.sin(half), w: Math.cos(half) };
}

/** Writes the yaw quaternion into `out` so hot loops can reuse one message. */
export function setYawQuaternion(out: Quaternion, yawRad: number): Quaternion {
  const half = yawRad / 2;
  out.x = 0;
  out.y = 0;
  out.z = Math.sin(half);
  out.w = Math.cos(half);
  return out;
}

/** Yaw in (-π, π] of any quaternion (the z-axis rotation of its ZYX Euler decomposition). */
export function quaternionToYaw(q: Quaternion): number {
  return Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
}

/** Wraps an angle to (-π, π]. */
export function normalizeAngle(rad: number): number {
  let a = rad % (2 * Math.PI);
  if (a > Math.PI) a -= 2 * Math.PI;
  else if (a <= -Math.PI) a += 2 * Math.PI;
  return a;
}

/** ROS stamp for a clock time in ms since the epoch; nanosec stays in [0, 1e9) also for negative times. */
export function msToStamp(timeMs: number): Time {
  const sec = Math.floor(timeMs / MS_PER_S);
  const nanosec = Math.round((timeMs - sec * MS_PER_S) * NS_PER_MS);
  // Rounding can reach a full second (e.g. 999.9999999 ms): carry it so nanosec stays below 1e9.
  return nanosec >= 1e9 ? { sec: sec + 1, nanosec: nanosec - 1e9 } : { sec, nanosec };
}

/** Writes a stamp in place (no allocation), for messages reused every tick. */
export function setStamp(out: Time, timeMs: number): Time {
  const sec = Math.floor(timeMs / MS_PER_S);
  const nanosec = Math.round((timeMs - sec * MS_PER_S) * NS_PER_MS);
  if (nanosec >= 1e9) {
    out.sec = sec + 1;
    out.nanosec = nanosec - 1e9;
  } else {
    out.sec = sec;
    out.nanosec = nanosec;
  }
  return out;
}

/** Clock milliseconds for a ROS stamp. */
export function stampToMs(stamp: Time): number {
  return stamp.sec * MS_PER_S + stamp.nanosec / NS_PER_MS;
}

/** A header stamped at `timeMs` in `frameId`. */
export function makeHeader(timeMs: number, frameId: string): Header {
  return { stamp: msToStamp(timeMs), frame_id: frameId };
}

/** A planar velocity command: forward `linearMps`, counter-clockwise `angularRadps`. */
export function makeTwist(linearMps = 0, angularRadps = 0): Twist {
  return { linear: { x: linearMps, y: 0, z: 0 }, angular: { x: 0, y: 0, z: angularRadps } };
}

/** A zeroed row-major n×n covariance with `diagonal` on the diagonal. */
export function diagonalCovariance(diagonal: readonly number[]): number[] {
  const n = diagonal.length;
  const out = new Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++) out[i * n + i] = diagonal[i]!;
  return out;
}
