/**
 * The simulated robot's drivers: publishes a `sim/world` RobotBody's sensors on the robot's ROS topics (wheel
 * odometry, IMU, GNSS fix, LiDAR scan, battery) at their rates, and applies `cmd_vel` to the body's motors. This is
 * what the simulator reuses for full-fidelity mode, so each topic has one message object reused every tick, the
 * scan's ranges are the LiDAR's own reused Float32Array (cast against `campus.obstacles` only when something is in
 * range), and nothing else is allocated per tick.
 *
 * Per tick the order is imu → odom → scan: localization integrates the yaw rate up to the odometry's time, predicts,
 * then matches the scan taken at that time.
 */
import type { LocalFrame } from '../../maps/index.ts';
import type { RobotBody, World } from '../../sim/world/index.ts';
import {
  NAV_SAT,
  diagonalCovariance,
  makeHeader,
  setStamp,
  setYawQuaternion,
  yawToQuaternion,
  type BatteryState,
  type Imu,
  type LaserScan,
  type NavSatFix,
  type Odometry,
  type Publisher,
  type RosNode,
  type RosTimer,
  type Subscription,
} from '../ros/index.ts';
import { TOPICS } from '../nodes/topics.ts';

export interface SimRobotDriverOptions {
  /** Odometry, IMU and LiDAR period, ms (default 100 = 10 Hz). */
  sensorPeriodMs?: number;
  /** GNSS period, ms (default 1000). */
  gnssPeriodMs?: number;
  /** Battery period, ms (default 1000). */
  batteryPeriodMs?: number;
  /** Publish LiDAR scans (default true). */
  lidar?: boolean;
  odomFrame?: string;
  baseFrame?: string;
}

export interface DriverCounters {
  ticks: number;
  scans: number;
  gnssFixes: number;
  gnssMissing: number;
  commands: number;
}

export class SimRobotDriver {
  readonly counters: DriverCounters = { ticks: 0, scans: 0, gnssFixes: 0, gnssMissing: 0, commands: 0 };
  readonly body: RobotBody;
  readonly #node: RosNode;
  readonly #world: World;
  readonly #frame: LocalFrame;
  readonly #lidar: boolean;
  readonly #timers: RosTimer[] = [];
  readonly #sub: Subscription;
  readonly #odomPub: Publisher<'nav_msgs/msg/Odometry'>;
  readonly #imuPub: Publisher<'sensor_msgs/msg/Imu'>;
  readonly #scanPub: Publisher<'sensor_msgs/msg/LaserScan'>;
  readonly #gnssPub: Publisher<'sensor_msgs/msg/NavSatFix'>;
  readonly #batteryPub: Publisher<'sensor_msgs/msg/BatteryState'>;
  readonly #odom: Odometry;
  readonly #imu: Imu;
  readonly #scan: LaserScan;
  readonly #fix: NavSatFix;
  readonly #battery: BatteryState;

  constructor(node: RosNode, world: World, body: RobotBody, frame: LocalFrame, options: SimRobotDriverOptions = {}) {
    this.#node = node;
    this.#world = world;
    this.body = body;
    this.#frame = frame;
    this.#lidar = options.lidar ?? true;
    const odomFrame = options.odomFrame ?? 'odom';
    const baseFrame = options.baseFrame ?? 'base_link';
    this.#odomPub = node.createPublisher('nav_msgs/msg/Odometry', TOPICS.odom);
    this.#imuPub = node.createPublisher('sensor_msgs/msg/Imu', TOPICS.imu);
    this.#scanPub = node.createPublisher('sensor_msgs/msg/LaserScan', TOPICS.scan);
    this.#gnssPub = node.createPublisher('sensor_msgs/msg/NavSatFix', TOPICS.gnss);
    this.#batteryPub = node.createPublisher('sensor_msgs/msg/BatteryState', TOPICS.battery);
    const sensorPeriodMs = options.sensorPeriodMs ?? 100;
    const odoCov = diagonalCovariance([1e-4, 1e-4, 1e6, 1e6, 1e6, 1e-3]);
    this.#odom = {
      header: makeHeader(0, odomFrame),
      child_frame_id: baseFrame,
      pose: { pose: { position: { x: 0, y: 0, z: 0 }, orientation: yawToQuaternion(0) }, covariance: odoCov },
      twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } }, covariance: odoCov },
    };
    const imuP = body.imu.params;
    this.#imu = {
      header: makeHeader(0, baseFrame),
      orientation: { x: 0, y: 0, z: 0, w: 1 },
      orientation_covariance: [-1, 0, 0, 0, 0, 0, 0, 0, 0],
      angular_velocity: { x: 0, y: 0, z: 0 },
      angular_velocity_covariance: diagonalCovariance([1e6, 1e6, imuP.gyroNoiseSdRadps ** 2]),
      linear_acceleration: { x: 0, y: 0, z: 0 },
      linear_acceleration_covariance: diagonalCovariance([imuP.accelNoiseSdMps2 ** 2, 1e6, 1e6]),
    };
    const lp = body.lidar.params;
    const full = lp.fovRad >= 2 * Math.PI - 1e-9;
    const inc = full ? lp.fovRad / lp.beams : lp.beams > 1 ? lp.fovRad / (lp.beams - 1) : 0;
    this.#scan = {
      header: makeHeader(0, baseFrame),
      angle_min: -lp.fovRad / 2,
      angle_max: -lp.fovRad / 2 + (lp.beams - 1) * inc,
      angle_increment: inc,
      time_increment: 0,
      scan_time: sensorPeriodMs / 1000,
      range_min: lp.rangeMinM,
      range_max: lp.rangeMaxM,
      ranges: new Float32Array(lp.beams).fill(Infinity),
      intensities: [],
    };
    this.#fix = {
      header: makeHeader(0, 'gnss'),
      status: { status: NAV_SAT.STATUS_FIX, service: NAV_SAT.SERVICE_GPS },
      latitude: 0,
      longitude: 0,
      altitude: 0,
      position_covariance: new Float64Array(9),
      position_covariance_type: NAV_SAT.COVARIANCE_TYPE_DIAGONAL_KNOWN,
    };
    this.#battery = {
      header: makeHeader(0, baseFrame),
      voltage: 0,
      current: 0,
      charge: 0,
      capacity: 0,
      percentage: 1,
      power_supply_status: 0,
      present: true,
    };
    this.#sub = node.createSubscription('geometry_msgs/msg/Twist', TOPICS.cmdVel, (m) => {
      this.counters.commands++;
      body.setCommand(m.linear.x, m.angular.z);
    });
    this.#timers.push(node.createTimer(sensorPeriodMs, () => this.#sensorTick()));
    this.#timers.push(node.createTimer(options.gnssPeriodMs ?? 1000, () => this.#gnssTick()));
    this.#timers.push(node.createTimer(options.batteryPeriodMs ?? 1000, () => this.#batteryTick()));
  }

  #sensorTick(): void {
    const now = this.#node.getClock().now();
    const body = this.body;
    this.counters.ticks++;
    const imu = this.#imu;
    const is = body.imuSample;
    setStamp(imu.header.stamp, now);
    imu.angular_velocity.z = is.yawRateRadps;
    imu.linear_acceleration.x = is.accelXMps2;
    this.#imuPub.publish(imu);

    const o = this.#odom;
    const os = body.odom;
    setStamp(o.header.stamp, now);
    o.pose.pose.position.x = os.x;
    o.pose.pose.position.y = os.y;
    setYawQuaternion(o.pose.pose.orientation, os.theta);
    o.twist.twist.linear.x = os.vMps;
    o.twist.twist.angular.z = os.omegaRadps;
    this.#odomPub.publish(o);

    if (!this.#lidar) return;
    const scan = this.#world.scan(body);
    this.#scan.ranges = scan.ranges;
    setStamp(this.#scan.header.stamp, now);
    this.counters.scans++;
    this.#scanPub.publish(this.#scan);
  }

  #gnssTick(): void {
    const now = this.#node.getClock().now();
    const s = this.body.gnss.sample(this.body.truth, now);
    const fix = this.#fix;
    setStamp(fix.header.stamp, now);
    if (!s.fix) {
      this.counters.gnssMissing++;
      fix.status.status = NAV_SAT.STATUS_NO_FIX;
      this.#gnssPub.publish(fix);
      return;
    }
    this.counters.gnssFixes++;
    const [lon, lat] = this.#frame.toLonLat({ x: s.x, y: s.y });
    fix.status.status = NAV_SAT.STATUS_FIX;
    fix.longitude = lon;
    fix.latitude = lat;
    const v = s.sigmaM * s.sigmaM;
    const c = fix.position_covariance;
    c[0] = v;
    c[4] = v;
    c[8] = 4 * v;
    this.#gnssPub.publish(fix);
  }

  #batteryTick(): void {
    const b = this.body.battery;
    const msg = this.#battery;
    setStamp(msg.header.stamp, this.#node.getClock().now());
    msg.percentage = b.soc;
    this.#batteryPub.publish(msg);
  }

  /** Stops publishing and listening. */
  /** The last LaserScan published (its ranges buffer is reused by the next scan), or undefined before the first. */
  get lastScan(): Readonly<LaserScan> | undefined {
    return this.counters.scans > 0 ? this.#scan : undefined;
  }

  destroy(): void {
    for (const t of this.#timers) this.#node.destroyTimer(t);
    this.#node.destroySubscription(this.#sub);
  }
}
