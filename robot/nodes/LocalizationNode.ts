/**
 * Localization node: fuses wheel odometry, the IMU yaw rate and GNSS in the EKF, corrects it by matching each LiDAR
 * scan to the campus's building outlines, and publishes the pose with covariance in the map frame. The algorithm
 * lives in `robot/localization/core`; this file declares parameters, wires topics and converts messages.
 *
 * Sensor order matters on one tick: odometry predicts up to the scan's time before the scan is matched, so the
 * driver publishes imu → odom → scan (as a real stack would by timestamp).
 */
import type { CampusMap } from '../../maps/index.ts';
import { Ekf2D, defaultEkfParams, type LaserScanData, type ScanMatcher } from '../localization/core/index.ts';
import {
  LifecycleNode,
  NAV_SAT,
  declareParams,
  inRange,
  defineParams,
  stampToMs,
  type LifecyclePublisher,
  type ParamsHandle,
  type RosNode,
  type Subscription,
} from '../ros/index.ts';
import { campusMatcher } from './campusMatcher.ts';
import {
  createPoseEstimate,
  createPoseWithCovarianceMsg,
  fromLaserScan,
  fromOdometry,
  fromPoseWithCovariance,
  toPoseWithCovariance,
  type OdometryReading,
  type PoseEstimate,
} from './convert.ts';
import { TOPICS } from './topics.ts';

export const localizationParams = defineParams({
  mapFrame: { name: 'map_frame', type: 'string', default: 'map', unit: '', description: 'Frame of the published pose' },
  // Off by default: on the simulated base the gyro bias wanders (2e-4 rad/s/√s) faster than GNSS can track it, and
  // the heading from the wheels alone gave 0.61–0.65 m RMSE on the 1 km route against 0.67–0.81 m with the gyro
  // (alone or blended); see docs/robot.md.
  useImu: { name: 'use_imu', type: 'bool', default: false, unit: '', description: 'Heading change from the IMU yaw rate (else from the wheels)' },
  fuseWheelHeading: {
    name: 'imu.fuse_wheel_heading', type: 'bool', default: true, unit: '',
    description: 'With use_imu: blend the gyro and wheel heading changes by their variances and estimate the gyro bias from their difference (else the gyro alone)',
  },
  scanMatching: { name: 'scan_matching', type: 'bool', default: true, unit: '', description: 'Correct with scan-to-map matches' },
  scanMatchEveryN: {
    name: 'scan_match_every_n', type: 'integer', default: 1, unit: '', description: 'Match every n-th scan',
    validate: inRange.atLeastOne,
  },
  gnssMinStdM: {
    name: 'gnss_min_std_m', type: 'double', default: 0.5, unit: 'm', description: 'Floor on the GNSS std-dev the filter believes',
    validate: inRange.positive,
  },
  gnssSigmaM: {
    name: 'gnss_sigma_m', type: 'double', default: 2.0, unit: 'm', description: 'GNSS std-dev when the receiver reports no covariance',
    validate: inRange.positive,
  },
  gnssCorrelationTimeS: {
    name: 'gnss_correlation_time_s', type: 'double', default: 0, unit: 's',
    description: "Correlation time of the receiver's position error (multipath, atmosphere); 0: independent fixes",
    validate: inRange.nonNegative,
  },
  gyroBiasWalk: {
    name: 'imu.gyro_bias_walk_radps_per_sqrt_s', type: 'double', default: 2e-4, unit: 'rad/s/√s',
    description: "Random walk of the gyro bias (the IMU's datasheet value); too small a value makes the heading overconfident",
    validate: inRange.nonNegative,
  },
  gyroNoise: {
    name: 'imu.gyro_noise_radps', type: 'double', default: 0.005, unit: 'rad/s', description: 'Gyro white noise per sample',
    validate: inRange.positive,
  },
  odomScaleStd: {
    name: 'odom.scale_error_std', type: 'double', default: 0.03, unit: '', description: 'Prior std-dev of the wheel odometry scale error (estimated online)',
    validate: inRange.nonNegative,
  },
  odomDistanceFrac: {
    name: 'odom.distance_noise_frac', type: 'double', default: defaultEkfParams.odomDistanceFrac, unit: '',
    description: 'Std-dev of the odometry distance error per step as a fraction of the step (on top of the estimated scale error)',
    validate: inRange.nonNegative,
  },
  odomLateralFrac: {
    name: 'odom.lateral_noise_frac', type: 'double', default: defaultEkfParams.odomLateralFrac, unit: '',
    description: 'Std-dev of the sideways slip per step as a fraction of the step',
    validate: inRange.nonNegative,
  },
  odomVarPerM: {
    name: 'odom.position_var_per_m', type: 'double', default: defaultEkfParams.odomVarPerMM2, unit: 'm²/m',
    description: "Position random walk per metre travelled, along and across the track (the wheels' slip noise squared)",
    validate: inRange.nonNegative,
  },
  odomRotationFrac: {
    name: 'odom.rotation_noise_frac', type: 'double', default: defaultEkfParams.odomRotationFrac, unit: '',
    description: 'Std-dev of the wheel heading change per step as a fraction of the step (on top of the estimated turn scale error)',
    validate: inRange.nonNegative,
  },
  odomTurnVarPerRad: {
    name: 'odom.turn_var_per_rad', type: 'double', default: defaultEkfParams.odomTurnVarPerRad, unit: 'rad²/rad',
    description: 'Heading random walk per radian turned on the wheels (wheel slip in turns)',
    validate: inRange.nonNegative,
  },
  yawScaleStd: {
    name: 'odom.yaw_scale_error_std', type: 'double', default: defaultEkfParams.initialYawScaleStd, unit: '',
    description: "Prior std-dev of the wheels' turn scale error (unequal wheel sizes; estimated online); 0: not estimated",
    validate: inRange.nonNegative,
  },
  headingVarPerM: {
    name: 'odom.heading_var_per_m', type: 'double', default: defaultEkfParams.headingVarPerMRad2, unit: 'rad²/m',
    description: 'Heading random walk per metre travelled (uneven ground), on top of the gyro noise',
    validate: inRange.nonNegative,
  },
  initialPose: {
    name: 'initial_pose', type: 'double_array', default: [], unit: 'm, m, rad',
    description: 'Start pose [x, y, theta] in the map frame; empty: wait for `initialpose` or the first GNSS fix',
    validate: (v) => (v.length === 0 || v.length === 3 ? undefined : 'must be [] or [x, y, theta]'),
  },
  initialPositionStdM: {
    name: 'initial_position_std_m', type: 'double', default: 0.1, unit: 'm', description: 'Std-dev of initial_pose x and y',
    validate: inRange.positive,
  },
  initialHeadingStdRad: {
    name: 'initial_heading_std_rad', type: 'double', default: 0.05, unit: 'rad', description: 'Std-dev of initial_pose theta',
    validate: inRange.positive,
  },
});

export interface LocalizationCounters {
  predictions: number;
  gnssAccepted: number;
  gnssRejected: number;
  matchesTried: number;
  matchesFused: number;
}

export interface LocalizationNodeOptions {
  campus: CampusMap;
}

export class LocalizationNode {
  readonly lifecycle: LifecycleNode;
  readonly counters: LocalizationCounters = { predictions: 0, gnssAccepted: 0, gnssRejected: 0, matchesTried: 0, matchesFused: 0 };
  readonly #node: RosNode;
  readonly #campus: CampusMap;
  #params: ParamsHandle<typeof localizationParams> | undefined;
  #ekf: Ekf2D | undefined;
  #matcher: ScanMatcher | undefined;
  #initialized = false;
  #subs: Subscription[] = [];
  #posePub: LifecyclePublisher<'geometry_msgs/msg/PoseWithCovarianceStamped'> | undefined;
  readonly #poseMsg = createPoseWithCovarianceMsg('map');
  readonly #est: PoseEstimate = createPoseEstimate();
  readonly #odom: OdometryReading = { x: 0, y: 0, theta: 0, vMps: 0, omegaRps: 0, timeMs: 0 };
  #hasOdom = false;
  #imuTurnRad = 0;
  #imuSamples = 0;
  #lastImuMs: number | undefined;
  #scanCount = 0;
  /** The latest GNSS fix in the map frame, held until the odometry reaches its stamp. */
  readonly #pendingFix = { x: 0, y: 0, vxx: 0, vxy: 0, vyy: 0, timeMs: 0, pending: false };
  #lastFixMs: number | undefined;
  readonly #scan: LaserScanData = { ranges: [], angleMinRad: 0, angleIncrementRad: 0, rangeMinM: 0, rangeMaxM: 0 };
  readonly #initEst = createPoseEstimate();

  constructor(node: RosNode, options: LocalizationNodeOptions) {
    this.#node = node;
    this.#campus = options.campus;
    this.lifecycle = new LifecycleNode(node, {
      onConfigure: () => this.#configure(),
      onCleanup: () => this.#cleanup(),
      onShutdown: () => this.#cleanup(),
    });
  }

  /** The current estimate (pose, 3×3 covariance, time), or undefined before initialization. Reused object. */
  estimate(): PoseEstimate | undefined {
    if (!this.#initialized || !this.#ekf) return undefined;
    this.#ekf.pose(this.#est.pose);
    this.#ekf.covariance(this.#est.covariance);
    this.#est.timeMs = this.#node.getClock().now();
    return this.#est;
  }

  /** The estimated wheel-odometry scale error k (true distance ≈ odometry × (1 + k)), or undefined before configure. */
  get odomScaleError(): number | undefined {
    return this.#ekf?.odomScaleError;
  }

  /** The estimated wheel turn scale error kθ (true turn ≈ wheel turn × (1 + kθ)), or undefined before configure. */
  get yawScaleError(): number | undefined {
    return this.#ekf?.yawScaleError;
  }

  #configure(): void {
    const node = this.#node;
    this.#params = declareParams(node, localizationParams);
    const p = this.#params.values;
    this.#poseMsg.header.frame_id = p.mapFrame;
    this.#ekf = new Ekf2D({
      gnssMinStdM: p.gnssMinStdM,
      gyroBiasVarPerS: p.gyroBiasWalk ** 2,
      yawRateStdRps: p.gyroNoise,
      initialOdomScaleStd: p.odomScaleStd,
      odomDistanceFrac: p.odomDistanceFrac,
      odomLateralFrac: p.odomLateralFrac,
      odomVarPerMM2: p.odomVarPerM,
      headingVarPerMRad2: p.headingVarPerM,
      odomRotationFrac: p.odomRotationFrac,
      odomTurnVarPerRad: p.odomTurnVarPerRad,
      initialYawScaleStd: p.yawScaleStd,
      initialPositionStdM: p.initialPositionStdM,
      initialHeadingStdRad: p.initialHeadingStdRad,
    });
    this.#matcher = p.scanMatching ? campusMatcher(this.#campus) : undefined;
    if (p.initialPose.length === 3) {
      const [x, y, theta] = p.initialPose as [number, number, number];
      this.#reset({ x, y, theta }, p.initialPositionStdM ** 2, p.initialHeadingStdRad ** 2);
    }
    this.#posePub = this.lifecycle.createLifecyclePublisher('geometry_msgs/msg/PoseWithCovarianceStamped', TOPICS.pose);
    this.#subs = [
      node.createSubscription('sensor_msgs/msg/Imu', TOPICS.imu, (m) => {
        const t = stampToMs(m.header.stamp);
        if (this.#lastImuMs !== undefined && t > this.#lastImuMs) {
          this.#imuTurnRad += m.angular_velocity.z * ((t - this.#lastImuMs) / 1000);
          this.#imuSamples++;
        }
        this.#lastImuMs = t;
      }),
      node.createSubscription('nav_msgs/msg/Odometry', TOPICS.odom, (m) => this.#onOdom(m)),
      node.createSubscription('sensor_msgs/msg/LaserScan', TOPICS.scan, (m) => {
        if (!this.lifecycle.isActive || !this.#initialized || !this.#matcher) return;
        if (++this.#scanCount % this.#params!.values.scanMatchEveryN !== 0) return;
        this.#onScan(fromLaserScan(m, this.#scan));
      }),
      node.createSubscription('sensor_msgs/msg/NavSatFix', TOPICS.gnss, (m) => {
        if (!this.lifecycle.isActive || m.status.status === NAV_SAT.STATUS_NO_FIX) return;
        const xy = this.#campus.frame.toMetric([m.longitude, m.latitude]);
        const known = m.position_covariance_type !== NAV_SAT.COVARIANCE_TYPE_UNKNOWN;
        const fallback = this.#params!.values.gnssSigmaM ** 2;
        const vxx = known ? m.position_covariance[0]! : fallback;
        const vxy = known ? m.position_covariance[1]! : 0;
        const vyy = known ? m.position_covariance[4]! : fallback;
        if (!this.#initialized) {
          // No start pose given: start where GNSS says, heading unknown (the first scan matches and turns pin it).
          this.#reset({ x: xy.x, y: xy.y, theta: 0 }, Math.max(vxx, vyy), Math.PI ** 2);
          return;
        }
        const fix = this.#pendingFix;
        fix.x = xy.x;
        fix.y = xy.y;
        fix.vxx = vxx;
        fix.vxy = vxy;
        fix.vyy = vyy;
        fix.timeMs = stampToMs(m.header.stamp);
        fix.pending = true;
        // A fix stamped after the filter's last odometry (drivers publish in any order within one instant) waits for
        // the odometry to catch up; fused at once it would pull the estimate ahead by one odometry period of travel
        // (0.15 m at 1.5 m/s, measured as a steady along-track bias before this).
        if (!this.#hasOdom || fix.timeMs <= this.#odom.timeMs) this.#fuseFix();
      }),
      node.createSubscription('geometry_msgs/msg/PoseWithCovarianceStamped', TOPICS.initialPose, (m) => {
        const e = fromPoseWithCovariance(m, this.#initEst);
        this.#reset(e.pose, Math.max(e.covariance[0]!, 1e-4), Math.max(e.covariance[8]!, 1e-6));
      }),
    ];
  }

  #reset(pose: { x: number; y: number; theta: number }, varXY: number, varTheta: number): void {
    this.#ekf!.reset(pose, [varXY, 0, 0, 0, varXY, 0, 0, 0, varTheta]);
    this.#initialized = true;
    this.#node.getLogger().info(`localization: initialized at (${pose.x.toFixed(2)}, ${pose.y.toFixed(2)}, ${pose.theta.toFixed(3)})`);
  }

  #onOdom(m: Parameters<typeof fromOdometry>[0]): void {
    const prev = this.#odom;
    const px = prev.x, py = prev.y, pth = prev.theta, pt = prev.timeMs;
    fromOdometry(m, prev);
    if (!this.#hasOdom) {
      this.#hasOdom = true;
      this.#imuTurnRad = 0;
      this.#imuSamples = 0;
      return;
    }
    if (!this.lifecycle.isActive || !this.#initialized) return;
    const dtS = Math.max(0, (prev.timeMs - pt) / 1000);
    const dThOdom = wrap(prev.theta - pth);
    const mid = pth + dThOdom / 2;
    // Forward motion in the odometry's own frame: the increment projected on the mid-step heading.
    const ds = (prev.x - px) * Math.cos(mid) + (prev.y - py) * Math.sin(mid);
    const useImu = this.#params!.values.useImu && this.#imuSamples > 0;
    if (useImu && this.#params!.values.fuseWheelHeading) this.#ekf!.predictFused(ds, this.#imuTurnRad, dThOdom, dtS);
    else this.#ekf!.predict(ds, useImu ? this.#imuTurnRad : dThOdom, dtS, useImu);
    this.#imuTurnRad = 0;
    this.#imuSamples = 0;
    this.counters.predictions++;
    if (this.#pendingFix.pending && this.#pendingFix.timeMs <= prev.timeMs) this.#fuseFix();
    const est = this.estimate()!;
    est.timeMs = prev.timeMs;
    this.#posePub!.publish(toPoseWithCovariance(est, this.#poseMsg));
  }

  /**
   * Fuses the held GNSS fix, moved forward by the distance the robot drove between the fix's stamp and the filter's
   * time (odometry speed × lag along the heading), so a fix is compared with where the robot was when it was taken.
   */
  #fuseFix(): void {
    const fix = this.#pendingFix;
    fix.pending = false;
    const ekf = this.#ekf!;
    const lagS = this.#hasOdom ? Math.max(0, (this.#odom.timeMs - fix.timeMs) / 1000) : 0;
    const pose = ekf.pose(this.#est.pose);
    const ds = this.#odom.vMps * (1 + ekf.odomScaleError) * lagS;
    // Errors correlated over τ make consecutive fixes partly the same fix: fused as independent, n of them would
    // shrink the variance n times while the error stays. Inflating each by (1 + φ)/(1 − φ), φ = e^(−Δt/τ) (the
    // variance of the mean of an AR(1) sequence against independent samples), keeps the covariance honest.
    const tau = this.#params!.values.gnssCorrelationTimeS;
    const dtS = this.#lastFixMs === undefined ? Infinity : (fix.timeMs - this.#lastFixMs) / 1000;
    this.#lastFixMs = fix.timeMs;
    const phi = tau > 0 && dtS > 0 && Number.isFinite(dtS) ? Math.exp(-dtS / tau) : 0;
    const f = (1 + phi) / (1 - phi);
    const o = ekf.updateGnss(fix.x + ds * Math.cos(pose.theta), fix.y + ds * Math.sin(pose.theta), f * fix.vxx, f * fix.vxy, f * fix.vyy);
    if (o.accepted) this.counters.gnssAccepted++;
    else this.counters.gnssRejected++;
  }

  #onScan(scan: LaserScanData): void {
    const ekf = this.#ekf!;
    this.counters.matchesTried++;
    const r = this.#matcher!.match(scan, ekf.pose(this.#est.pose));
    if (r.ok && ekf.updatePose(r.pose, r.covariance).accepted) this.counters.matchesFused++;
  }

  #cleanup(): void {
    for (const s of this.#subs) this.#node.destroySubscription(s);
    this.#subs = [];
    this.#params?.dispose();
    this.#initialized = false;
    this.#hasOdom = false;
    this.#pendingFix.pending = false;
    this.#lastFixMs = undefined;
  }
}

function wrap(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}
