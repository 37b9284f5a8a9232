/**
 * ROS 2 message shapes with ROS type and field names (snake_case on purpose), so node code written against these
 * runs unchanged on rclnodejs, which hands out plain objects with exactly these fields, and on the in-process bus.
 * Only the messages the robot stack uses are here; add one by adding its interface and a `MsgTypes` entry.
 */

/** builtin_interfaces/msg/Time */
export interface Time {
  sec: number;
  nanosec: number;
}

/** std_msgs/msg/Header */
export interface Header {
  stamp: Time;
  frame_id: string;
}

/** std_msgs/msg/String */
export interface StringMsg {
  data: string;
}

/** std_msgs/msg/Bool */
export interface BoolMsg {
  data: boolean;
}

/** std_msgs/msg/Float64 */
export interface Float64Msg {
  data: number;
}

/** geometry_msgs/msg/Vector3 */
export interface Vector3 {
  x: number;
  y: number;
  z: number;
}

/** geometry_msgs/msg/Point */
export interface Point {
  x: number;
  y: number;
  z: number;
}

/** geometry_msgs/msg/Quaternion */
export interface Quaternion {
  x: number;
  y: number;
  z: number;
  w: number;
}

/** geometry_msgs/msg/Pose */
export interface Pose {
  position: Point;
  orientation: Quaternion;
}

/** geometry_msgs/msg/PoseStamped */
export interface PoseStamped {
  header: Header;
  pose: Pose;
}

/** geometry_msgs/msg/PoseWithCovariance: covariance is row-major 6×6 over (x, y, z, roll, pitch, yaw). */
export interface PoseWithCovariance {
  pose: Pose;
  covariance: number[] | Float64Array;
}

/** geometry_msgs/msg/PoseWithCovarianceStamped */
export interface PoseWithCovarianceStamped {
  header: Header;
  pose: PoseWithCovariance;
}

/** geometry_msgs/msg/Twist */
export interface Twist {
  linear: Vector3;
  angular: Vector3;
}

/** geometry_msgs/msg/TwistStamped */
export interface TwistStamped {
  header: Header;
  twist: Twist;
}

/** geometry_msgs/msg/TwistWithCovariance */
export interface TwistWithCovariance {
  twist: Twist;
  covariance: number[] | Float64Array;
}

/** nav_msgs/msg/Odometry */
export interface Odometry {
  header: Header;
  child_frame_id: string;
  pose: PoseWithCovariance;
  twist: TwistWithCovariance;
}

/** nav_msgs/msg/Path */
export interface Path {
  header: Header;
  poses: PoseStamped[];
}

/** sensor_msgs/msg/LaserScan: out-of-range beams are +Infinity (REP 117). */
export interface LaserScan {
  header: Header;
  angle_min: number;
  angle_max: number;
  angle_increment: number;
  time_increment: number;
  scan_time: number;
  range_min: number;
  range_max: number;
  ranges: number[] | Float32Array;
  intensities: number[] | Float32Array;
}

/** sensor_msgs/msg/Imu: a covariance whose first element is -1 means "not provided" (as in the ROS definition). */
export interface Imu {
  header: Header;
  orientation: Quaternion;
  orientation_covariance: number[] | Float64Array;
  angular_velocity: Vector3;
  angular_velocity_covariance: number[] | Float64Array;
  linear_acceleration: Vector3;
  linear_acceleration_covariance: number[] | Float64Array;
}

/** sensor_msgs/msg/NavSatStatus */
export interface NavSatStatus {
  status: number;
  service: number;
}

/** Constants of sensor_msgs/msg/NavSatStatus and NavSatFix, with their ROS names. */
export const NAV_SAT = {
  STATUS_NO_FIX: -1,
  STATUS_FIX: 0,
  STATUS_SBAS_FIX: 1,
  STATUS_GBAS_FIX: 2,
  SERVICE_GPS: 1,
  COVARIANCE_TYPE_UNKNOWN: 0,
  COVARIANCE_TYPE_APPROXIMATED: 1,
  COVARIANCE_TYPE_DIAGONAL_KNOWN: 2,
  COVARIANCE_TYPE_KNOWN: 3,
} as const;

/** sensor_msgs/msg/NavSatFix: position_covariance is 3×3 row-major in east/north/up, m². */
export interface NavSatFix {
  header: Header;
  status: NavSatStatus;
  latitude: number;
  longitude: number;
  altitude: number;
  position_covariance: number[] | Float64Array;
  position_covariance_type: number;
}

/** sensor_msgs/msg/BatteryState (the fields the robot uses; percentage is 0..1 as in ROS). */
export interface BatteryState {
  header: Header;
  voltage: number;
  current: number;
  charge: number;
  capacity: number;
  percentage: number;
  power_supply_status: number;
  present: boolean;
}

/** Every message type the port knows, by its ROS type name. */
export interface MsgTypes {
  'std_msgs/msg/String': StringMsg;
  'std_msgs/msg/Bool': BoolMsg;
  'std_msgs/msg/Float64': Float64Msg;
  'geometry_msgs/msg/Twist': Twist;
  'geometry_msgs/msg/TwistStamped': TwistStamped;
  'geometry_msgs/msg/Pose': Pose;
  'geometry_msgs/msg/PoseStamped': PoseStamped;
  'geometry_msgs/msg/PoseWithCovarianceStamped': PoseWithCovarianceStamped;
  'nav_msgs/msg/Odometry': Odometry;
  'nav_msgs/msg/Path': Path;
  'sensor_msgs/msg/LaserScan': LaserScan;
  'sensor_msgs/msg/Imu': Imu;
  'sensor_msgs/msg/NavSatFix': NavSatFix;
  'sensor_msgs/msg/BatteryState': BatteryState;
}

/** A ROS message type name such as 'geometry_msgs/msg/Twist'. */
export type MsgTypeName = keyof MsgTypes;

/** The message interface for a type name: `Msg<'geometry_msgs/msg/Twist'>` is `Twist`. */
export type Msg<T extends MsgTypeName> = MsgTypes[T];
