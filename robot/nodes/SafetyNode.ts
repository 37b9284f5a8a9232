/**
 * Safety node: the collision monitor between the controller and the motors. Every `cmd_vel_nav` is checked against
 * the latest scan (`robot/safety/core`) and only the checked command goes out on `cmd_vel`; this node is the only
 * publisher of `cmd_vel`. A controller that falls silent gets the motors stopped after `cmd_timeout_s`.
 */
import { checkCollision, createCheckedCommand, defaultCollisionMonitorParams, type CheckedCommand, type CollisionAction, type CollisionMonitorParams, type StampedScan } from '../safety/core/index.ts';
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
import { fromLaserScan, fromTwist, toTwist, type PlanarVelocity } from './convert.ts';
import { TOPICS } from './topics.ts';


export const safetyParams = defineParams({
  footprintFrontM: { name: 'footprint.front_m', type: 'double', default: 0.4, unit: 'm', description: 'Robot origin to front edge', validate: inRange.positive },
  footprintRearM: { name: 'footprint.rear_m', type: 'double', default: 0.4, unit: 'm', description: 'Robot origin to rear edge', validate: inRange.positive },
  footprintHalfWidthM: { name: 'footprint.half_width_m', type: 'double', default: 0.3, unit: 'm', description: 'Robot origin to either side', validate: inRange.positive },
  stopZoneM: { name: 'stop_zone_m', type: 'double', default: 0.1, unit: 'm', description: 'Stop zone: footprint grown by this', validate: inRange.nonNegative },
  slowdownZoneM: { name: 'slowdown_zone_m', type: 'double', default: 0.5, unit: 'm', description: 'Slow-down zone: footprint grown by this', validate: inRange.nonNegative },
  slowdownRatio: {
    name: 'slowdown_ratio', type: 'double', default: 0.4, unit: '', description: 'Command factor with something in the slow-down zone',
    validate: inRange.fraction,
  },
  minPoints: { name: 'min_points', type: 'integer', default: 2, unit: '', description: 'Scan points a zone needs before it acts', validate: inRange.positive },
  approachHorizonS: { name: 'approach_horizon_s', type: 'double', default: 1.5, unit: 's', description: 'Keep the stop zone this far in time from any obstacle', validate: inRange.positive },
  maxScanAgeS: { name: 'max_scan_age_s', type: 'double', default: 0.3, unit: 's', description: 'An older scan stops the robot', validate: inRange.positive },
  alongsideGapM: {
    name: 'alongside.gap_m', type: 'double', default: defaultCollisionMonitorParams.alongsideGapM, unit: 'm',
    description: 'With only things beside the robot in the stop zone (a wall along its side), a command passes that keeps the sides this far from them (front and rear keep the stop zone); at most stop_zone_m',
    validate: inRange.nonNegative,
  },
  alongsideMaxSpeedMps: {
    name: 'alongside.max_speed_mps', type: 'double', default: defaultCollisionMonitorParams.alongsideMaxSpeedMps, unit: 'm/s',
    description: 'Speed cap of such a command (0: none pass, anything in the stop zone stops the robot)', validate: inRange.nonNegative,
  },
  cmdTimeoutS: { name: 'cmd_timeout_s', type: 'double', default: 0.5, unit: 's', description: 'No command for this long stops the motors', validate: inRange.positive },
});

export interface SafetyCounters {
  commands: number;
  byAction: Record<CollisionAction, number>;
  watchdogStops: number;
}

export class SafetyNode {
  readonly lifecycle: LifecycleNode;
  readonly counters: SafetyCounters = { commands: 0, byAction: { pass: 0, slowdown: 0, approach: 0, escape: 0, alongside: 0, stop: 0 }, watchdogStops: 0 };
  readonly #node: RosNode;
  #params: ParamsHandle<typeof safetyParams> | undefined;
  #mp: CollisionMonitorParams = { ...defaultCollisionMonitorParams };
  #subs: Subscription[] = [];
  #timer: RosTimer | undefined;
  #cmdPub: LifecyclePublisher<'geometry_msgs/msg/Twist'> | undefined;
  #statusPub: LifecyclePublisher<'std_msgs/msg/String'> | undefined;
  readonly #checked: CheckedCommand = createCheckedCommand();
  readonly #scan: StampedScan = { ranges: [], angleMinRad: 0, angleIncrementRad: 0, rangeMinM: 0, rangeMaxM: 0, stampS: 0 };
  #hasScan = false;
  readonly #in: PlanarVelocity = { linearMps: 0, angularRps: 0 };
  readonly #twist = makeTwist();
  #lastCmdMs = Number.NEGATIVE_INFINITY;
  #motorsMoving = false;
  #lastAction: CollisionAction | undefined;

  constructor(node: RosNode) {
    this.#node = node;
    this.lifecycle = new LifecycleNode(node, {
      onConfigure: () => this.#configure(),
      onActivate: () => {
        const period = Math.min(100, (this.#params!.values.cmdTimeoutS * 1000) / 2);
        this.#timer = this.#node.createTimer(period, () => this.#watchdog());
      },
      onDeactivate: () => {
        this.#stopMotors();
        if (this.#timer) this.#node.destroyTimer(this.#timer);
        this.#timer = undefined;
      },
      onCleanup: () => this.#cleanup(),
      onShutdown: () => this.#cleanup(),
    });
  }

  /** The last command passed to the motors (what the monitor allowed). */
  get lastChecked(): CheckedCommand {
    return this.#checked;
  }

  #configure(): void {
    const node = this.#node;
    this.#params = declareParams(node, safetyParams, {
      check: (v) => (v.slowdownZoneM < v.stopZoneM ? 'slowdown_zone_m must be ≥ stop_zone_m'
        : v.alongsideGapM > v.stopZoneM ? `alongside.gap_m (${v.alongsideGapM}) must be ≤ stop_zone_m (${v.stopZoneM})` : undefined),
    });
    this.#apply(this.#params.values);
    this.#params.onChange((v) => this.#apply(v));
    this.#cmdPub = this.lifecycle.createLifecyclePublisher('geometry_msgs/msg/Twist', TOPICS.cmdVel);
    this.#statusPub = this.lifecycle.createLifecyclePublisher('std_msgs/msg/String', TOPICS.safetyStatus);
    this.#subs = [
      node.createSubscription('sensor_msgs/msg/LaserScan', TOPICS.scan, (m) => {
        fromLaserScan(m, this.#scan);
        this.#scan.stampS = stampToMs(m.header.stamp) / 1000;
        this.#hasScan = true;
      }),
      node.createSubscription('geometry_msgs/msg/Twist', TOPICS.cmdVelNav, (m) => this.#onCommand(fromTwist(m, this.#in))),
    ];
  }

  #apply(v: Readonly<ParamsOf<typeof safetyParams>>): void {
    this.#mp = {
      ...defaultCollisionMonitorParams,
      footprintFrontM: v.footprintFrontM,
      footprintRearM: v.footprintRearM,
      footprintLeftM: v.footprintHalfWidthM,
      footprintRightM: v.footprintHalfWidthM,
      stopMarginM: v.stopZoneM,
      slowdownMarginM: v.slowdownZoneM,
      slowdownRatio: v.slowdownRatio,
      minPoints: v.minPoints,
      approachHorizonS: v.approachHorizonS,
      maxScanAgeS: v.maxScanAgeS,
      alongsideGapM: v.alongsideGapM,
      alongsideMaxSpeedMps: v.alongsideMaxSpeedMps,
    };
  }

  #onCommand(cmd: PlanarVelocity): void {
    if (!this.lifecycle.isActive) return;
    const nowMs = this.#node.getClock().now();
    this.#lastCmdMs = nowMs;
    const c = checkCollision(this.#hasScan ? this.#scan : undefined, nowMs / 1000, cmd.linearMps, cmd.angularRps, this.#mp, this.#checked);
    this.counters.commands++;
    this.counters.byAction[c.action]++;
    this.#cmdPub!.publish(toTwist(c, this.#twist));
    this.#motorsMoving = c.linearMps !== 0 || c.angularRps !== 0;
    if (c.action !== this.#lastAction) {
      this.#lastAction = c.action;
      this.#statusPub!.publish({ data: JSON.stringify({ action: c.action, reason: c.reason, timeToCollisionS: c.timeToCollisionS }) });
    }
  }

  #watchdog(): void {
    if (!this.#motorsMoving) return;
    if (this.#node.getClock().now() - this.#lastCmdMs > this.#params!.values.cmdTimeoutS * 1000) {
      this.counters.watchdogStops++;
      this.#node.getLogger().warn('safety: no command from the controller; stopping the motors');
      this.#stopMotors();
    }
  }

  #stopMotors(): void {
    this.#twist.linear.x = 0;
    this.#twist.angular.z = 0;
    this.#cmdPub?.publish(this.#twist);
    this.#motorsMoving = false;
  }

  #cleanup(): void {
    for (const s of this.#subs) this.#node.destroySubscription(s);
    this.#subs = [];
    this.#params?.dispose();
  }
}
