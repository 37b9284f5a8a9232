/** sim/world: the physical world for closed-loop runs (kinematics, battery, sensors, contacts). */
export { Battery, DEFAULT_BATTERY } from './core/Battery.ts';
export type { BatteryParams } from './core/Battery.ts';
export { DiffDrive, DEFAULT_DIFF_DRIVE_LIMITS } from './core/DiffDrive.ts';
export type { DiffDriveLimits, DriveState } from './core/DiffDrive.ts';
export {
  circumscribedRadius,
  DEFAULT_FOOTPRINT,
  footprintCircleGap,
  footprintCover,
  footprintGap,
  footprintHitsObstacles,
} from './core/Footprint.ts';
export type { Footprint, FootprintCover } from './core/Footprint.ts';
export { GnssSensor, DEFAULT_GNSS } from './core/GnssSensor.ts';
export type { Box, GnssNoFixReason, GnssParams, GnssSample } from './core/GnssSensor.ts';
export { ImuSensor, DEFAULT_IMU } from './core/ImuSensor.ts';
export type { ImuParams, ImuSample } from './core/ImuSensor.ts';
export { Lidar2D, DEFAULT_LIDAR } from './core/Lidar2D.ts';
export type { LidarParams, LidarScan } from './core/Lidar2D.ts';
export { RobotBody } from './core/RobotBody.ts';
export type { RobotBodyOptions, VelocityCommand } from './core/RobotBody.ts';
export { OPEN_FIELD, rayCircle } from './core/ScanSource.ts';
export type { ScanSource } from './core/ScanSource.ts';
export { WheelOdometry, DEFAULT_WHEEL_ODOMETRY } from './core/WheelOdometry.ts';
export type { OdometrySample, WheelOdometryParams } from './core/WheelOdometry.ts';
export { World } from './core/World.ts';
export type { ContactEvent, ContactKind, Pedestrian, WorldMetrics, WorldOptions } from './core/World.ts';
export { BruteForceScanSource } from './core/BruteForceScanSource.ts';
export { RemoteBody } from './core/RemoteBody.ts';
export type { RemoteBodyOptions } from './core/RemoteBody.ts';
