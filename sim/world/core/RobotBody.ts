/**
 * One simulated robot's physical side: ground-truth pose and velocity, its drive, battery and sensors. The robot's
 * nodes see it only through sensor samples and command it only through `command` (what cmd_vel sets), so the
 * ground truth here stays available for metrics without leaking into the stack under test.
 */
import type { Random } from '../../../common/core/Random.ts';
import type { Circle, Pose2 } from '../../../maps/core/types.ts';
import { Battery, type BatteryParams } from './Battery.ts';
import { DiffDrive, type DiffDriveLimits, type DriveState } from './DiffDrive.ts';
import { DEFAULT_FOOTPRINT, footprintCover, type Footprint, type FootprintCover } from './Footprint.ts';
import { GnssSensor, type GnssParams } from './GnssSensor.ts';
import { ImuSensor, type ImuParams, type ImuSample } from './ImuSensor.ts';
import { Lidar2D, type LidarParams } from './Lidar2D.ts';
import type { ScanSource } from './ScanSource.ts';
import { WheelOdometry, type OdometrySample, type WheelOdometryParams } from './WheelOdometry.ts';

export interface RobotBodyOptions {
  id: string;
  start: Pose2;
  footprint?: Footprint;
  drive?: Partial<DiffDriveLimits>;
  battery?: Partial<BatteryParams>;
  odometry?: Partial<WheelOdometryParams>;
  imu?: Partial<ImuParams>;
  gnss?: Partial<GnssParams>;
  lidar?: Partial<LidarParams>;
}

export interface VelocityCommand {
  vMps: number;
  omegaRadps: number;
}

export class RobotBody {
  readonly id: string;
  readonly footprint: Footprint;
  /** The footprint's covering circles for obstacle contacts, and its circumscribed radius (computed once). */
  readonly cover: FootprintCover;
  readonly drive: DiffDrive;
  readonly battery: Battery;
  readonly odometry: WheelOdometry;
  readonly imu: ImuSensor;
  readonly gnss: GnssSensor;
  readonly lidar: Lidar2D;
  /** Ground truth; read it for metrics, never feed it to the robot's nodes. */
  readonly truth: DriveState;
  /** The latest velocity command (cmd_vel); held until replaced, as a motor controller does. */
  readonly command: VelocityCommand = { vMps: 0, omegaRadps: 0 };
  /** True while docked at a charger. */
  charging = false;
  /** Ground-truth distance driven, m. */
  distanceM = 0;
  #odom: OdometrySample;
  #imu: ImuSample;
  readonly #circle: Circle;

  /** Each sensor draws from its own fork of `rng`, so adding draws in one does not shift another. */
  constructor(rng: Random, source: ScanSource, options: RobotBodyOptions) {
    this.id = options.id;
    this.footprint = options.footprint ?? DEFAULT_FOOTPRINT;
    this.cover = footprintCover(this.footprint);
    this.drive = new DiffDrive(options.drive);
    this.battery = new Battery(options.battery);
    this.odometry = new WheelOdometry(rng.fork(), options.odometry);
    this.imu = new ImuSensor(rng.fork(), options.imu);
    this.gnss = new GnssSensor(rng.fork(), options.gnss, source);
    this.lidar = new Lidar2D(rng.fork(), source, options.lidar);
    const { x, y, theta } = options.start;
    this.truth = { x, y, theta, vMps: 0, omegaRadps: 0 };
    this.#odom = this.odometry.sample(this.truth, 0);
    this.#imu = this.imu.sample(this.truth, 0);
    this.#circle = { x, y, radiusM: this.cover.circumscribedM };
  }

  get pose(): Pose2 {
    return { x: this.truth.x, y: this.truth.y, theta: this.truth.theta };
  }

  /** The latest wheel odometry (reused object). */
  get odom(): OdometrySample {
    return this.#odom;
  }

  /** The latest IMU reading (reused object). */
  get imuSample(): ImuSample {
    return this.#imu;
  }

  /** This robot as other robots' LiDAR sees it: its circumscribed circle (reused object). */
  get circle(): Circle {
    this.#circle.x = this.truth.x;
    this.#circle.y = this.truth.y;
    return this.#circle;
  }

  /** Advances `dtS` under `command`. An empty battery stops the motors. */
  step(dtS: number): void {
    const stopped = this.battery.empty;
    this.drive.step(this.truth, stopped ? 0 : this.command.vMps, stopped ? 0 : this.command.omegaRadps, dtS);
    this.distanceM += Math.abs(this.truth.vMps) * dtS;
    this.battery.step(dtS, this.truth.vMps, this.charging);
    this.#odom = this.odometry.sample(this.truth, dtS);
    this.#imu = this.imu.sample(this.truth, dtS);
    // The truth moves only here, so the circle is current between steps: World hands it to every other robot's
    // LiDAR without the getter's writes (30 robots: 29 circles per scan, 10 scans a second each).
    this.#circle.x = this.truth.x;
    this.#circle.y = this.truth.y;
  }

  /** `circle` as of the last step (or the start), without refreshing it: for the World, which steps every body. */
  get circleAtStep(): Circle {
    return this.#circle;
  }

  setCommand(vMps: number, omegaRadps: number): void {
    this.command.vMps = vMps;
    this.command.omegaRadps = omegaRadps;
  }
}
