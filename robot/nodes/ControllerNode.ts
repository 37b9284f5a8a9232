/**
 * Controller node: regulated pure pursuit along `plan` from the localization pose, slowing for curvature and for
 * obstacles in the scan, passing them within the path's width (local avoidance), and, when blocked too long,
 * stopping, reporting it and asking the planner for a new path. Publishes `cmd_vel_nav` (to the safety node, never
 * to the motors) at `control_rate_hz` on the node's clock, and `controller/status` on every change.
 */
import {
  applyPoseCorrection,
  backUpHoldS,
  backUpSpeed,
  createAvoidanceState,
  createBackUpState,
  defaultBackUpParams,
  startBackUp,
  createPoseCorrection,
  createPurePursuitOutput,
  createPurePursuitState,
  createTrackedPath,
  createSideGaps,
  defaultAvoidanceParams,
  defaultTurnBesideParams,
  limitTurnBeside,
  measureSideGaps,
  defaultPoseCorrectionParams,
  defaultPurePursuitParams,
  poseCorrectionBetween,
  projectOntoPath,
  createPathProjection,
  purePursuitStep,
  updateAvoidance,
  updatePoseCorrection,
  type AvoidanceParams,
  type AvoidanceState,
  type BackUpParams,
  type BackUpState,
  type PoseCorrection,
  type PoseCorrectionParams,
  type PurePursuitInput,
  type PurePursuitParams,
  type PurePursuitState,
  type TrackedPath,
  type TurnBesideParams,
} from '../controller/core/index.ts';
import type { LaserScanData } from '../localization/core/index.ts';
import type { Pose2 } from '../../maps/core/types.ts';
import {
  LifecycleNode,
  declareParams,
  inRange,
  defineParams,
  makeTwist,
  stampToMs,
  type LifecyclePublisher,
  type ParamsHandle,
  type ParamsOf,
  type RosNode,
  type RosTimer,
  type Subscription,
} from '../ros/index.ts';
import { createPoseEstimate, fromLaserScan, fromOdometry, fromPath, fromPoseWithCovariance, toTwist, type OdometryReading } from './convert.ts';
import { TOPICS, type ControllerStatus, type ReplanReason, type ReplanRequest } from './topics.ts';


export const controllerParams = defineParams({
  controlRateHz: { name: 'control_rate_hz', type: 'double', default: 10, unit: 'Hz', description: 'Control loop rate', validate: inRange.positive },
  desiredSpeedMps: { name: 'desired_speed_mps', type: 'double', default: 1.5, unit: 'm/s', description: 'Cruise speed on a straight, clear path', validate: inRange.positive },
  lookaheadTimeS: { name: 'lookahead_time_s', type: 'double', default: 0.8, unit: 's', description: 'Lookahead distance = speed × this', validate: inRange.positive },
  minLookaheadM: { name: 'min_lookahead_m', type: 'double', default: 0.5, unit: 'm', description: 'Shortest lookahead', validate: inRange.positive },
  maxLookaheadM: { name: 'max_lookahead_m', type: 'double', default: 1.5, unit: 'm', description: 'Longest lookahead', validate: inRange.positive },
  goalToleranceM: { name: 'goal_tolerance_m', type: 'double', default: 0.25, unit: 'm', description: 'The goal is reached within this distance', validate: inRange.positive },
  pathHalfWidthM: { name: 'path_half_width_m', type: 'double', default: 1.5, unit: 'm', description: 'Half the usable footway width for passing', validate: inRange.positive },
  robotHalfWidthM: { name: 'robot_half_width_m', type: 'double', default: 0.3, unit: 'm', description: 'Half the robot width', validate: inRange.positive },
  passingClearanceM: { name: 'passing_clearance_m', type: 'double', default: 0.25, unit: 'm', description: 'Side gap kept when passing an obstacle', validate: inRange.positive },
  passingSpeedMps: { name: 'passing_speed_mps', type: 'double', default: 0.8, unit: 'm/s', description: 'Speed cap while passing', validate: inRange.positive },
  robotFrontM: {
    name: 'robot_front_m', type: 'double', default: defaultTurnBesideParams.robotFrontM, unit: 'm', description: 'Robot origin to its front edge',
    validate: inRange.positive,
  },
  robotRearM: {
    name: 'robot_rear_m', type: 'double', default: defaultTurnBesideParams.robotRearM, unit: 'm',
    description: 'Robot origin to its rear edge (a turn swings the rear corner out)', validate: inRange.positive,
  },
  turnBesideMinGapM: {
    name: 'turn_beside.min_gap_m', type: 'double', default: defaultTurnBesideParams.minGapM, unit: 'm',
    description: 'A turn that would swing the rear corner nearer than this to something beside the robot (a wall it stands along) is widened to a forward arc that does not',
    validate: inRange.nonNegative,
  },
  turnBesideCreepSpeedMps: {
    name: 'turn_beside.creep_speed_mps', type: 'double', default: defaultTurnBesideParams.creepSpeedMps, unit: 'm/s',
    description: 'Speed of the forward arc that replaces a turn on the spot beside a wall', validate: inRange.positive,
  },
  blockedTimeoutS: { name: 'blocked_timeout_s', type: 'double', default: 20, unit: 's', description: 'Blocked this long asks for a re-plan', validate: inRange.positive },
  replanTimeoutS: {
    name: 'replan_timeout_s', type: 'double', default: 10, unit: 's',
    description: 'A re-plan asked for (blocked) and not answered with a path in this long is asked for again (a lost message, a planner that dropped it)',
    validate: inRange.positive,
  },
  poseTimeoutS: { name: 'pose_timeout_s', type: 'double', default: 0.5, unit: 's', description: 'A pose older than this stops the robot', validate: inRange.positive },
  goalBlockedToleranceM: {
    name: 'goal_blocked_tolerance_m', type: 'double', default: 2, unit: 'm',
    description: 'Blocked this close to the goal (another robot parked on it, a crowd at a door) counts as arrived', validate: inRange.nonNegative,
  },
  goalBlockedWaitS: {
    name: 'goal_blocked_wait_s', type: 'double', default: 5, unit: 's', description: 'How long blocked near the goal before it counts as arrived',
    validate: inRange.positive,
  },
  stallTimeoutS: {
    name: 'stall_timeout_s', type: 'double', default: 30, unit: 's',
    description: 'No progress along the path for this long (turning on the spot, edging back and forth): drop the avoidance offset and ask for a re-plan',
    validate: inRange.positive,
  },
  backUpDistanceM: {
    name: 'back_up.distance_m', type: 'double', default: defaultBackUpParams.distanceM, unit: 'm',
    description: 'When the stall watchdog fires away from the goal, back up this far (wedged beside a robot or wall, a turn on the spot is stopped) before the fresh path; 0: no back-up',
    validate: inRange.nonNegative,
  },
  backUpSpeedMps: {
    name: 'back_up.speed_mps', type: 'double', default: defaultBackUpParams.speedMps, unit: 'm/s', description: 'Reverse speed while backing up',
    validate: inRange.positive,
  },
  backUpHoldMaxS: {
    name: 'back_up.hold_max_s', type: 'double', default: 10, unit: 's',
    description: 'After backing up, hold still up to this long (a share that differs per robot and per try) so that of two robots that met face to face one goes first; 0: no hold',
    validate: inRange.nonNegative,
  },
  smoothingTimeConstantS: {
    name: 'pose_smoothing.time_constant_s', type: 'double', default: defaultPoseCorrectionParams.timeConstantS, unit: 's',
    description: 'Track odometry carried into the map frame by a correction that lags the localization estimate by this (0: track the estimate itself)',
    validate: inRange.nonNegative,
  },
  smoothingMaxRateMps: {
    name: 'pose_smoothing.max_rate_mps', type: 'double', default: defaultPoseCorrectionParams.maxRateMps, unit: 'm/s',
    description: 'Fastest the tracked position is pulled towards the estimate', validate: inRange.positive,
  },
  smoothingMaxRateRps: {
    name: 'pose_smoothing.max_rate_rps', type: 'double', default: defaultPoseCorrectionParams.maxRateRps, unit: 'rad/s',
    description: 'Fastest the tracked heading is turned towards the estimate', validate: inRange.positive,
  },
  smoothingSnapM: {
    name: 'pose_smoothing.snap_distance_m', type: 'double', default: defaultPoseCorrectionParams.snapDistanceM, unit: 'm',
    description: 'A gap to the estimate beyond this (start-up, re-localization) is taken at once', validate: inRange.positive,
  },
  scanTimeoutS: { name: 'scan_timeout_s', type: 'double', default: 0.5, unit: 's', description: 'A scan older than this is ignored by avoidance', validate: inRange.positive },
});

/** Progress along the path that counts as moving on, m. */
const STALL_PROGRESS_M = 0.5;
/** Odometry readings kept to pair each pose with the odometry of its stamp (odometry runs at the pose's rate). */
const ODOM_HISTORY = 8;

export interface ControllerMetrics {
  ticks: number;
  /**
   * Σ cross-track² and samples, over ticks tracking a clear path (no deliberate avoidance offset), m², of the pose
   * the controller tracks (odometry through the smoothed correction).
   */
  crossTrackSumSq: number;
  crossTrackSamples: number;
  crossTrackMaxM: number;
  /** Σ cross-track² of the localization estimate itself over the same ticks, m². */
  estimateCrossTrackSumSq: number;
  arrivals: number;
  /** Re-plans asked for, each repeat included. */
  replanRequests: number;
  /** Re-plans asked for again after replan_timeout_s without an answer. */
  replanRepeats: number;
  blockedTicks: number;
  /** Times the stall watchdog fired (no progress for stall_timeout_s). */
  stalls: number;
  /** Ticks whose turn was widened to keep the swinging rear corner off something beside the robot. */
  turnsBeside: number;
}

export class ControllerNode {
  readonly lifecycle: LifecycleNode;
  readonly metrics: ControllerMetrics = {
    ticks: 0, crossTrackSumSq: 0, crossTrackSamples: 0, crossTrackMaxM: 0, estimateCrossTrackSumSq: 0, arrivals: 0,
    replanRequests: 0, replanRepeats: 0, blockedTicks: 0, stalls: 0, turnsBeside: 0,
  };
  readonly #node: RosNode;
  #params: ParamsHandle<typeof controllerParams> | undefined;
  #pp: PurePursuitParams = { ...defaultPurePursuitParams };
  #ap: AvoidanceParams = { ...defaultAvoidanceParams };
  #subs: Subscription[] = [];
  #timer: RosTimer | undefined;
  #cmdPub: LifecyclePublisher<'geometry_msgs/msg/Twist'> | undefined;
  #statusPub: LifecyclePublisher<'std_msgs/msg/String'> | undefined;
  #replanPub: LifecyclePublisher<'std_msgs/msg/String'> | undefined;
  readonly #cmd = makeTwist();
  readonly #pose = createPoseEstimate();
  #poseMs = Number.NEGATIVE_INFINITY;
  #pc: PoseCorrectionParams = { ...defaultPoseCorrectionParams };
  /** Recent odometry, a ring; `#odomCount` readings so far. */
  readonly #odom: OdometryReading[] = Array.from({ length: ODOM_HISTORY }, () => ({ x: 0, y: 0, theta: 0, vMps: 0, omegaRps: 0, timeMs: 0 }));
  #odomCount = 0;
  /** map→odom from the latest pose and the odometry of its stamp, and the smoothed one the controller tracks with. */
  readonly #rawCorrection = createPoseCorrection();
  #smoothCorrection: PoseCorrection = createPoseCorrection();
  readonly #target: Pose2 = { x: 0, y: 0, theta: 0 };
  readonly #tracked: Pose2 = { x: 0, y: 0, theta: 0 };
  readonly #estProj = createPathProjection();
  readonly #scan: LaserScanData = { ranges: [], angleMinRad: 0, angleIncrementRad: 0, rangeMinM: 0, rangeMaxM: 0 };
  #scanMs = Number.NEGATIVE_INFINITY;
  #path: TrackedPath | undefined;
  #goalMs = 0;
  #speedLimitMps = Number.POSITIVE_INFINITY;
  #state: PurePursuitState = createPurePursuitState();
  #avoid: AvoidanceState = createAvoidanceState();
  #bp: BackUpParams = { ...defaultBackUpParams };
  #tb: TurnBesideParams = { ...defaultTurnBesideParams };
  readonly #gaps = createSideGaps();
  readonly #backUp: BackUpState = createBackUpState();
  readonly #out = createPurePursuitOutput();
  /** The pursuit's input, refilled every tick (purePursuitStep keeps no reference to it). */
  readonly #ppInput: PurePursuitInput = { dtS: 0, obstacleDistM: 0, lateralOffsetM: 0, speedLimitMps: 0 };
  #moving = false;
  /** When the pending re-plan (blocked) was asked for; undefined when none is pending (a path came since). */
  #replanAskedMs: number | undefined;
  #lastStatus: ControllerStatus['state'] = 'idle';
  #lastStatusGoalMs = 0;
  /** Furthest progress along the path so far, and when it last grew by STALL_PROGRESS_M. */
  #progress = { sM: Number.NEGATIVE_INFINITY, atMs: 0 };

  constructor(node: RosNode) {
    this.#node = node;
    this.lifecycle = new LifecycleNode(node, {
      onConfigure: () => this.#configure(),
      onActivate: () => this.#activate(),
      onDeactivate: () => this.#deactivate(),
      onCleanup: () => this.#cleanup(),
      onShutdown: () => this.#cleanup(),
    });
  }

  /** The status last reported. */
  get status(): ControllerStatus['state'] {
    return this.#lastStatus;
  }

  /** Cross-track RMS of the pose the controller tracks against its path so far, m (NaN before any sample). */
  crossTrackRmsM(): number {
    const m = this.metrics;
    return Math.sqrt(m.crossTrackSumSq / m.crossTrackSamples);
  }

  /** Cross-track RMS of the localization estimate against the path over the same ticks, m (NaN before any sample). */
  estimateCrossTrackRmsM(): number {
    const m = this.metrics;
    return Math.sqrt(m.estimateCrossTrackSumSq / m.crossTrackSamples);
  }

  #configure(): void {
    const node = this.#node;
    this.#params = declareParams(node, controllerParams, {
      check: (v) => (v.minLookaheadM <= v.maxLookaheadM ? undefined : 'min_lookahead_m must be ≤ max_lookahead_m'),
    });
    this.#apply(this.#params.values);
    this.#params.onChange((v) => this.#apply(v));
    this.#cmdPub = this.lifecycle.createLifecyclePublisher('geometry_msgs/msg/Twist', TOPICS.cmdVelNav);
    this.#statusPub = this.lifecycle.createLifecyclePublisher('std_msgs/msg/String', TOPICS.controllerStatus);
    this.#replanPub = this.lifecycle.createLifecyclePublisher('std_msgs/msg/String', TOPICS.controllerReplan);
    this.#subs = [
      node.createSubscription('geometry_msgs/msg/PoseWithCovarianceStamped', TOPICS.pose, (m) => {
        fromPoseWithCovariance(m, this.#pose);
        this.#poseMs = this.#pose.timeMs;
        const odom = this.#odomAt(this.#poseMs);
        if (odom !== undefined) poseCorrectionBetween(this.#pose.pose, odom, this.#rawCorrection);
      }),
      node.createSubscription('nav_msgs/msg/Odometry', TOPICS.odom, (m) => {
        fromOdometry(m, this.#odom[this.#odomCount % ODOM_HISTORY]!);
        this.#odomCount++;
      }),
      node.createSubscription('sensor_msgs/msg/LaserScan', TOPICS.scan, (m) => {
        fromLaserScan(m, this.#scan);
        this.#scanMs = stampToMs(m.header.stamp);
      }),
      node.createSubscription('nav_msgs/msg/Path', TOPICS.plan, (m) => {
        const goalMs = stampToMs(m.header.stamp);
        // No path for the goal being tracked: a fresh path this controller asked for (stall, blocked) that the
        // planner could not find (issue #5: the edge to a drop point reported blocked, and the drop point more than
        // the snap distance from every other). Going idle there leaves the mission waiting for ever; the old path
        // is still a way there, and the watchdog stops the robot again if it stays shut.
        const keep = m.poses.length === 0 && this.#path !== undefined && goalMs === this.#goalMs;
        this.#goalMs = goalMs;
        this.#state = createPurePursuitState();
        this.#avoid = createAvoidanceState();
        this.#backUp.active = false;
        this.#estProj.segmentIndex = 0;
        this.#replanAskedMs = undefined;
        this.#progress = { sM: Number.NEGATIVE_INFINITY, atMs: this.#node.getClock().now() };
        if (keep) return;
        this.#path = m.poses.length === 0 ? undefined : createTrackedPath(fromPath(m));
        if (this.#path === undefined) this.#halt('idle');
      }),
      node.createSubscription('std_msgs/msg/Float64', TOPICS.speedLimit, (m) => {
        this.#speedLimitMps = m.data > 0 ? m.data : Number.POSITIVE_INFINITY;
      }),
    ];
  }

  #apply(p: Readonly<ParamsOf<typeof controllerParams>>): void {
    this.#pp = {
      ...defaultPurePursuitParams,
      desiredSpeedMps: p.desiredSpeedMps,
      lookaheadTimeS: p.lookaheadTimeS,
      minLookaheadM: p.minLookaheadM,
      maxLookaheadM: p.maxLookaheadM,
      goalToleranceM: p.goalToleranceM,
    };
    this.#ap = {
      ...defaultAvoidanceParams,
      pathHalfWidthM: p.pathHalfWidthM,
      robotHalfWidthM: p.robotHalfWidthM,
      clearanceM: p.passingClearanceM,
      passingSpeedMps: p.passingSpeedMps,
      blockedTimeoutS: p.blockedTimeoutS,
    };
    this.#bp = { ...defaultBackUpParams, distanceM: p.backUpDistanceM, speedMps: p.backUpSpeedMps };
    this.#tb = {
      ...defaultTurnBesideParams,
      robotHalfWidthM: p.robotHalfWidthM,
      robotFrontM: p.robotFrontM,
      robotRearM: p.robotRearM,
      minGapM: p.turnBesideMinGapM,
      creepSpeedMps: p.turnBesideCreepSpeedMps,
    };
    this.#pc = {
      timeConstantS: p.smoothingTimeConstantS,
      maxRateMps: p.smoothingMaxRateMps,
      maxRateRps: p.smoothingMaxRateRps,
      snapDistanceM: p.smoothingSnapM,
    };
  }

  /** The odometry reading of stamp `timeMs` (else the newest before it), if still held. */
  #odomAt(timeMs: number): OdometryReading | undefined {
    let best: OdometryReading | undefined;
    for (let k = 1; k <= Math.min(this.#odomCount, ODOM_HISTORY); k++) {
      const o = this.#odom[(this.#odomCount - k) % ODOM_HISTORY]!;
      if (o.timeMs <= timeMs) {
        best = o;
        break;
      }
    }
    return best;
  }

  /**
   * The pose to track this tick: the newest odometry through the smoothed correction, which creeps towards the
   * latest estimate (so a correction moves the path under the robot gradually rather than jerking it). Without
   * odometry, or with smoothing off, the estimate itself.
   */
  #trackedPose(dtS: number): Pose2 {
    if (this.#odomCount === 0 || !this.#rawCorrection.initialized || this.#pc.timeConstantS === 0) return this.#pose.pose;
    const odom = this.#odom[(this.#odomCount - 1) % ODOM_HISTORY]!;
    applyPoseCorrection(this.#rawCorrection, odom, this.#target);
    return updatePoseCorrection(this.#smoothCorrection, odom, this.#target, dtS, this.#pc, this.#tracked);
  }

  #activate(): void {
    this.#timer = this.#node.createTimer(1000 / this.#params!.values.controlRateHz, () => this.#tick());
  }

  /**
   * The path segment the pursuit has progressed to (0 with no path). Ground truth beside the stack (sim/full) projects
   * the true pose from here, so that its cross-track error is measured where the controller is on the path.
   */
  get progressSegment(): number {
    return this.#state.segmentIndex;
  }

  #deactivate(): void {
    // The last word to the motors is a stop (published while still active).
    this.#halt('idle');
    if (this.#timer) this.#node.destroyTimer(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const path = this.#path;
    if (path === undefined) return;
    const p = this.#params!.values;
    const now = this.#node.getClock().now();
    this.metrics.ticks++;
    if (now - this.#poseMs > p.poseTimeoutS * 1000) {
      this.#halt(this.#lastStatus === 'idle' ? 'idle' : 'blocked');
      return;
    }
    const dtS = 1 / p.controlRateHz;
    const pose = this.#trackedPose(dtS);
    if (this.#backUp.active) {
      const v = backUpSpeed(this.#backUp, pose, now, this.#bp);
      if (this.#backUp.active) {
        // Reversing, or holding still after it (v 0).
        this.#cmd.linear.x = v;
        this.#cmd.angular.z = 0;
        this.#cmdPub!.publish(this.#cmd);
        this.#moving = v !== 0;
        this.#report('blocked');
        return;
      }
      // Backed up: a fresh path from here, and the watchdog's clock starts again.
      this.#progress = { sM: Number.NEGATIVE_INFINITY, atMs: now };
      // The planner may answer within this call (in-process bus), and a new path or none replaces this tick's: the
      // rest of the tick would track the old one and report it over the answer.
      if (this.#askFreshPath(pose, 'stalled')) return;
    }
    const avoid = this.#avoid;
    const scanFresh = now - this.#scanMs <= p.scanTimeoutS * 1000;
    if (scanFresh) {
      updateAvoidance(path, this.#state.segmentIndex, pose, this.#scan, dtS, avoid, this.#ap);
    } else {
      avoid.nearestObstacleM = Number.POSITIVE_INFINITY;
      avoid.speedLimitMps = Number.POSITIVE_INFINITY;
    }
    // Blocked within reach of the goal: as close as it gets (two robots sent to one parking node; the goal itself
    // taken). Waiting for the re-plan would go on for ever, since every path ends at the same spot.
    if ((avoid.status === 'blocked' || avoid.status === 'replanRequested') && avoid.blockedForS >= p.goalBlockedWaitS
      && this.#out.remainingM <= p.goalBlockedToleranceM) {
      this.metrics.arrivals++;
      this.#path = undefined;
      this.#halt('arrived');
      return;
    }
    if (avoid.status === 'replanRequested') {
      this.#halt('replan-requested');
      // Standing here waiting for the answer, the stall watchdog below never runs: an answer that never comes (a lost
      // message, a planner that dropped the request) is asked for again after replan_timeout_s, for the same reason.
      const asked = this.#replanAskedMs;
      if (asked === undefined || now - asked >= p.replanTimeoutS * 1000) {
        if (asked === undefined) {
          this.#node.getLogger().warn(`controller: blocked for ${avoid.blockedForS.toFixed(1)} s; asking for a re-plan`);
        } else {
          this.metrics.replanRepeats++;
          this.#node.getLogger().warn(`controller: no answer to the re-plan in ${p.replanTimeoutS} s; asking again`);
        }
        // Set first: the answer may come within the call (in-process bus), and a path clears it.
        this.#replanAskedMs = now;
        this.#askFreshPath(pose, 'blocked');
      }
      return;
    }
    const input = this.#ppInput;
    input.dtS = dtS;
    input.obstacleDistM = avoid.nearestObstacleM;
    input.lateralOffsetM = avoid.lateralOffsetM;
    input.speedLimitMps = Math.min(avoid.speedLimitMps, this.#speedLimitMps);
    const out = purePursuitStep(path, pose, input, this.#state, this.#pp, this.#out);
    if (out.mode === 'goal-reached') {
      this.metrics.arrivals++;
      this.#path = undefined;
      this.#halt('arrived');
      return;
    }
    if (out.mode === 'tracking' && avoid.status === 'clear' && Math.abs(avoid.lateralOffsetM) < 1e-6) {
      const e = out.crossTrackM;
      this.metrics.crossTrackSumSq += e * e;
      const est = this.#pose.pose;
      const ee = projectOntoPath(path, est.x, est.y, this.#estProj.segmentIndex, this.#pp.progressWindowM, this.#estProj).lateralM;
      this.metrics.estimateCrossTrackSumSq += ee * ee;
      this.metrics.crossTrackSamples++;
      if (Math.abs(e) > this.metrics.crossTrackMaxM) this.metrics.crossTrackMaxM = Math.abs(e);
    }
    if (avoid.status === 'blocked') this.metrics.blockedTicks++;
    if (this.#stalled(out.progressM, out.remainingM, now, p, pose)) return;
    // A turn beside a wall that would swing the rear corner into it (the safety node would refuse it for ever): a
    // forward arc that keeps it off instead.
    if (scanFresh && out.angularRps !== 0 && limitTurnBeside(out, measureSideGaps(this.#scan, this.#tb, this.#gaps), this.#tb, Math.min(avoid.speedLimitMps, this.#speedLimitMps))) {
      this.metrics.turnsBeside++;
    }
    this.#cmdPub!.publish(toTwist(out, this.#cmd));
    this.#moving = true;
    this.#report(avoid.status === 'blocked' ? 'blocked' : avoid.status === 'avoiding' ? 'avoiding' : 'tracking');
  }

  /**
   * The watchdog for ways of getting stuck nobody foresaw: blocked is handled above, but a robot can also turn on the
   * spot or edge to and fro for ever while "moving" (an avoidance offset the pursuit cannot reach at a corner).
   * Without STALL_PROGRESS_M of progress for stall_timeout_s: near the goal that is arrival; elsewhere the offset is
   * dropped and a fresh path from here is asked for. Returns true when the tick ends here (stopped, or the planner's
   * answer already replaced the path).
   */
  #stalled(progressM: number, remainingM: number, now: number, p: Readonly<ParamsOf<typeof controllerParams>>, pose: Pose2): boolean {
    if (progressM > this.#progress.sM + STALL_PROGRESS_M || this.#progress.sM === Number.NEGATIVE_INFINITY) {
      this.#progress = { sM: progressM, atMs: now };
      return false;
    }
    if (now - this.#progress.atMs < p.stallTimeoutS * 1000) return false;
    this.metrics.stalls++;
    this.#progress = { sM: progressM, atMs: now };
    this.#avoid = createAvoidanceState();
    if (remainingM <= p.goalBlockedToleranceM) {
      this.metrics.arrivals++;
      this.#path = undefined;
      this.#halt('arrived');
      return true;
    }
    if (this.#bp.distanceM > 0) {
      this.#node.getLogger().warn(`controller: no progress for ${p.stallTimeoutS} s; backing up for a fresh path`);
      startBackUp(this.#backUp, pose, now, this.#bp, backUpHoldS(`${this.#node.namespace()}/${this.#node.name()}`, this.metrics.stalls, p.backUpHoldMaxS));
      return false;
    }
    this.#node.getLogger().warn(`controller: no progress for ${p.stallTimeoutS} s; asking for a fresh path`);
    return this.#askFreshPath(pose, 'stalled');
  }

  /**
   * Asks the planner for a fresh path from `pose`, saying why (`blocked` marks the edge there blocked, `stalled` does
   * not); true when its answer already came (the path was replaced).
   */
  #askFreshPath(pose: { x: number; y: number }, reason: ReplanReason): boolean {
    this.metrics.replanRequests++;
    const before = this.#path, beforeGoalMs = this.#goalMs, beforeState = this.#state;
    const req: ReplanRequest = { goalMs: this.#goalMs, x: pose.x, y: pose.y, reason };
    this.#replanPub!.publish({ data: JSON.stringify(req) });
    return this.#path !== before || this.#goalMs !== beforeGoalMs || this.#state !== beforeState;
  }

  /** Publishes one zero command if the robot was told to move, and reports `state`. */
  #halt(state: ControllerStatus['state']): void {
    if (this.#moving) {
      this.#cmd.linear.x = 0;
      this.#cmd.angular.z = 0;
      this.#cmdPub?.publish(this.#cmd);
      this.#moving = false;
    }
    this.#report(state);
  }

  #report(state: ControllerStatus['state']): void {
    if (state === this.#lastStatus && this.#goalMs === this.#lastStatusGoalMs) return;
    this.#lastStatus = state;
    this.#lastStatusGoalMs = this.#goalMs;
    const s: ControllerStatus = { state, goalMs: this.#goalMs, x: this.#pose.pose.x, y: this.#pose.pose.y };
    this.#statusPub?.publish({ data: JSON.stringify(s) });
  }

  #cleanup(): void {
    for (const s of this.#subs) this.#node.destroySubscription(s);
    this.#subs = [];
    this.#params?.dispose();
    this.#path = undefined;
    this.#odomCount = 0;
    this.#rawCorrection.initialized = false;
    this.#smoothCorrection = createPoseCorrection();
  }
}
