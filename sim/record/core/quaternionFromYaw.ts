/** A unit quaternion, ROS/Foxglove field order. */
export interface Quaternion {
  x: number;
  y: number;
  z: number;
  w: number;
}

/** Rotation by `yawRad` about +z (REP 103: counter-clockwise from east), as a unit quaternion. */
export function quaternionFromYaw(yawRad: number): Quaternion {
  const half = yawRad / 2;
  return { x: 0, y: 0, z: Math.sin(half), w: Math.cos(half) };
}

/** The yaw of a rotation about +z; the inverse of quaternionFromYaw (used by tests and readers). */
export function yawFromQuaternion(q: Quaternion): number {
  return Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
}
