/**
 * Mission node: hosts the VDA 5050 mission (the pure MissionExecutor behind a MissionRunner) on the robot's ROS
 * graph. Its `RosMotionPort` turns each `driveTo` into a planner goal and reports arrival when the controller says
 * the goal is reached; poses and battery states become mission events. The VDA bridge (MQTT) attaches to `runner`.
 */
import type { Clock, TimerHandle } from '../../clock/index.ts';
import {
  MissionExecutor,
  MissionRunner,
  planRetryDelayS,
  StandInCharger,
  StandInCompartments,
  type ChargerPort,
  type CompartmentPort,
  type Logger as MissionLogger,
  type MissionEffect,
  type MotionPort,
} from '../mission/index.ts';
import {
  LifecycleNode,
  declareParams,
  inRange,
  defineParams,
  type LifecyclePublisher,
  type ParamsHandle,
  type ParamsOf,
  type RosNode,
  type Subscription,
} from '../ros/index.ts';
import { createPoseEstimate, fromPoseWithCovariance, toPoseStamped } from './convert.ts';
import { TOPICS, type ControllerStatus, type PlannerStatus } from './topics.ts';

export const missionParams = defineParams({
  mapId: { name: 'map_id', type: 'string', default: 'campus', unit: '', description: 'VDA 5050 mapId of reported positions' },
  mapFrame: { name: 'map_frame', type: 'string', default: 'map', unit: '', description: 'Frame of planner goals' },
  compartments: {
    name: 'compartments', type: 'integer', default: 6, unit: '', description: 'Compartments on the robot',
    validate: inRange.atLeastOne,
  },
  positionPeriodS: {
    name: 'position_period_s', type: 'double', default: 0.2, unit: 's', description: 'How often the pose is passed to the mission (state/visualization)',
    validate: inRange.positive,
  },
  doorCloseS: {
    name: 'door_close_s', type: 'double', default: 2, unit: 's', description: 'Stand-in compartment doors close after this (simulation)',
    validate: inRange.positive,
  },
  planRetryInitialS: {
    name: 'plan_retry.initial_s', type: 'double', default: 10, unit: 's',
    description: 'The planner found no path to the goal: ask again after this, doubling with each failure in a row',
    validate: inRange.positive,
  },
  planRetryMaxS: {
    name: 'plan_retry.max_s', type: 'double', default: 120, unit: 's', description: 'Longest wait between asks for a path to the goal',
    validate: inRange.positive,
  },
  planRetryReportAfter: {
    name: 'plan_retry.report_after', type: 'integer', default: 3, unit: '',
    description: 'Failures in a row before the mission reports noRouteToNode (a WARNING in the VDA state, cleared by a path or the goal ending)',
    validate: inRange.atLeastOne,
  },
});

/** What the motion port needs of the mission parameters (read live: a runtime change applies to the next failure). */
type PlanRetryParams = Pick<ParamsOf<typeof missionParams>, 'planRetryInitialS' | 'planRetryMaxS' | 'planRetryReportAfter'>;

const NO_ROUTE = 'noRouteToNode';

type DriveTo = Extract<MissionEffect, { type: 'driveTo' }>;

interface PendingGoal {
  goalMs: number;
  nodeId: string;
  sequenceId: number;
  pose: { x: number; y: number; theta: number };
  /** Plans of this goal that failed in a row. */
  failures: number;
  /** The ask again after a failure, if one is waiting. */
  retry: TimerHandle | undefined;
  /** noRouteToNode is in the state for this goal. */
  reported: boolean;
}

/**
 * The mission's motion through the planner and controller: a goal per order node, arrival from the controller. A
 * goal the planner finds no path to is asked for again (same goal, same stamp) after a back-off on the clock,
 * `plan_retry.initial_s` doubling to `plan_retry.max_s`; from the `plan_retry.report_after`-th failure in a row the
 * mission reports noRouteToNode (a WARNING fault in the VDA state) until a path comes or the goal ends.
 */
export class RosMotionPort implements MotionPort {
  readonly #clock: Clock;
  readonly #runner: MissionRunner;
  readonly #goalPub: LifecyclePublisher<'geometry_msgs/msg/PoseStamped'>;
  readonly #cancelPub: LifecyclePublisher<'std_msgs/msg/String'>;
  readonly #speedPub: LifecyclePublisher<'std_msgs/msg/Float64'>;
  readonly #frameId: () => string;
  readonly #retry: () => Readonly<PlanRetryParams>;
  readonly #warn: (message: string) => void;
  #pending: PendingGoal | undefined;
  #lastGoalMs = 0;

  constructor(
    clock: Clock,
    runner: MissionRunner,
    pubs: {
      goal: LifecyclePublisher<'geometry_msgs/msg/PoseStamped'>;
      cancel: LifecyclePublisher<'std_msgs/msg/String'>;
      speedLimit: LifecyclePublisher<'std_msgs/msg/Float64'>;
    },
    frameId: () => string,
    options: { retry?: () => Readonly<PlanRetryParams>; warn?: (message: string) => void } = {},
  ) {
    this.#clock = clock;
    this.#runner = runner;
    this.#goalPub = pubs.goal;
    this.#cancelPub = pubs.cancel;
    this.#speedPub = pubs.speedLimit;
    this.#frameId = frameId;
    const defaults: PlanRetryParams = {
      planRetryInitialS: missionParams.planRetryInitialS.default,
      planRetryMaxS: missionParams.planRetryMaxS.default,
      planRetryReportAfter: missionParams.planRetryReportAfter.default,
    };
    this.#retry = options.retry ?? (() => defaults);
    this.#warn = options.warn ?? (() => undefined);
  }

  /** The node being driven to, if any. */
  get pending(): { goalMs: number; nodeId: string; sequenceId: number } | undefined {
    return this.#pending;
  }

  driveTo(target: DriveTo): void {
    if (target.position === undefined) {
      // Without a position there is nothing to plan to; the order should have carried one.
      this.#runner.dispatch({
        type: 'fault', errorType: 'noNodePosition', level: 'WARNING',
        description: `node ${target.nodeId} has no nodePosition; cannot drive there`,
      });
      return;
    }
    // The goal's stamp is its id (plan and controller status echo it), so it must differ from the last one.
    const goalMs = Math.max(Math.round(this.#clock.now()), this.#lastGoalMs + 1);
    this.#lastGoalMs = goalMs;
    this.#end();
    const { x, y, theta } = target.position;
    this.#pending = {
      goalMs, nodeId: target.nodeId, sequenceId: target.sequenceId, pose: { x, y, theta: theta ?? 0 }, failures: 0, retry: undefined,
      reported: false,
    };
    this.#speedPub.publish({ data: target.maxSpeedMps ?? 0 });
    this.#goalPub.publish(toPoseStamped(this.#pending.pose, goalMs, this.#frameId()));
  }

  stop(): void {
    if (this.#pending === undefined) return;
    this.#end();
    this.#cancelPub.publish({ data: 'mission stop' });
  }

  /** Stops a waiting ask (the node shuts down). */
  dispose(): void {
    if (this.#pending?.retry !== undefined) this.#clock.clearTimer(this.#pending.retry);
    if (this.#pending) this.#pending.retry = undefined;
  }

  /** Controller status: an `arrived` for the pending goal is the node reached. */
  onControllerStatus(s: ControllerStatus): void {
    const p = this.#pending;
    if (s.state !== 'arrived' || p === undefined || s.goalMs !== p.goalMs) return;
    this.#end();
    this.#runner.dispatch({ type: 'arrivedAtNode', nodeId: p.nodeId, sequenceId: p.sequenceId });
  }

  /**
   * Planner status for the pending goal: a path ends a run of failures (and clears noRouteToNode); no path is asked
   * for again after the back-off, and from the report_after-th failure in a row reported as noRouteToNode.
   */
  onPlannerStatus(s: PlannerStatus): void {
    const p = this.#pending;
    if (p === undefined || s.goalMs !== p.goalMs) return;
    if (s.state === 'planned' || s.state === 'replanned') {
      p.failures = 0;
      if (p.retry !== undefined) this.#clock.clearTimer(p.retry);
      p.retry = undefined;
      this.#clearReport(p);
      return;
    }
    if (s.state !== 'failed') return;
    p.failures++;
    const r = this.#retry();
    const waitS = planRetryDelayS(p.failures, { initialS: r.planRetryInitialS, maxS: r.planRetryMaxS });
    this.#warn(`mission: no path to node ${p.nodeId} (${p.failures} in a row: ${s.reason ?? ''}); asking again in ${waitS} s`);
    if (p.failures >= r.planRetryReportAfter) {
      p.reported = true;
      this.#runner.dispatch({
        type: 'fault', errorType: NO_ROUTE, level: 'WARNING',
        description: `no path to node ${p.nodeId} (${p.failures} tries): ${s.reason ?? ''}`,
      });
    }
    if (p.retry !== undefined) this.#clock.clearTimer(p.retry);
    // The same goal with the same stamp: the controller still knows it, so while it keeps a path for it (a failed
    // re-plan) it drives on, and its arrival still counts.
    p.retry = this.#clock.setTimer(waitS * 1000, () => {
      p.retry = undefined;
      if (this.#pending !== p) return;
      this.#goalPub.publish(toPoseStamped(p.pose, p.goalMs, this.#frameId()));
    });
  }

  /** The pending goal ends (reached, stopped, replaced): no ask waits, and its noRouteToNode goes. */
  #end(): void {
    const p = this.#pending;
    if (p === undefined) return;
    this.#pending = undefined;
    if (p.retry !== undefined) this.#clock.clearTimer(p.retry);
    p.retry = undefined;
    this.#clearReport(p);
  }

  #clearReport(p: PendingGoal): void {
    if (!p.reported) return;
    p.reported = false;
    this.#runner.dispatch({ type: 'faultCleared', errorType: NO_ROUTE });
  }
}

export interface MissionNodeOptions {
  /** Door hardware; default: stand-in doors that close after door_close_s (simulation). */
  compartments?: (runner: MissionRunner, clock: Clock) => CompartmentPort;
  charger?: (runner: MissionRunner) => ChargerPort;
  logger?: MissionLogger;
  /** Initial pose for the executor (where the robot boots), map frame. */
  initialPose?: { x: number; y: number; theta: number };
}

export class MissionNode {
  readonly lifecycle: LifecycleNode;
  readonly #node: RosNode;
  readonly #options: MissionNodeOptions;
  #params: ParamsHandle<typeof missionParams> | undefined;
  #executor: MissionExecutor | undefined;
  #runner: MissionRunner | undefined;
  #motion: RosMotionPort | undefined;
  #compartments: CompartmentPort | undefined;
  #subs: Subscription[] = [];
  readonly #pose = createPoseEstimate();
  #lastPositionMs = Number.NEGATIVE_INFINITY;
  /** The whole percent last passed to the mission; NaN until the first battery message. */
  #reportedPct = Number.NaN;

  constructor(node: RosNode, options: MissionNodeOptions = {}) {
    this.#node = node;
    this.#options = options;
    this.lifecycle = new LifecycleNode(node, {
      onConfigure: () => this.#configure(),
      onDeactivate: () => this.#motion?.stop(),
      onCleanup: () => this.#cleanup(),
      onShutdown: () => this.#cleanup(),
    });
  }

  /** The mission runner (configure first): the VDA bridge attaches here, the keypad calls `enterCode`. */
  get runner(): MissionRunner {
    if (!this.#runner) throw new Error(`mission node ${this.#node.name()}: configure it before using its runner`);
    return this.#runner;
  }

  get executor(): MissionExecutor {
    if (!this.#executor) throw new Error(`mission node ${this.#node.name()}: configure it before using its executor`);
    return this.#executor;
  }

  get motion(): RosMotionPort | undefined {
    return this.#motion;
  }

  get compartments(): CompartmentPort | undefined {
    return this.#compartments;
  }

  #configure(): void {
    const node = this.#node;
    const clock = node.getClock();
    this.#params = declareParams(node, missionParams, {
      check: (v) => (v.planRetryInitialS <= v.planRetryMaxS ? undefined : 'plan_retry.initial_s must be ≤ plan_retry.max_s'),
    });
    const p = this.#params.values;
    const o = this.#options;
    this.#executor = new MissionExecutor({
      compartmentCount: p.compartments,
      ...(o.initialPose ? { initialPose: { ...o.initialPose, mapId: p.mapId } } : {}),
    });
    const runner = new MissionRunner({ executor: this.#executor, clock, ...(o.logger ? { logger: o.logger } : {}) });
    this.#runner = runner;
    this.#motion = new RosMotionPort(clock, runner, {
      goal: this.lifecycle.createLifecyclePublisher('geometry_msgs/msg/PoseStamped', TOPICS.plannerGoal),
      cancel: this.lifecycle.createLifecyclePublisher('std_msgs/msg/String', TOPICS.plannerCancel),
      speedLimit: this.lifecycle.createLifecyclePublisher('std_msgs/msg/Float64', TOPICS.speedLimit),
    }, () => this.#params!.values.mapFrame, {
      retry: () => this.#params!.values,
      warn: (message) => node.getLogger().warn(message),
    });
    this.#compartments = o.compartments?.(runner, clock) ?? new StandInCompartments(clock, runner, p.doorCloseS * 1000);
    runner.attach({ motion: this.#motion, compartments: this.#compartments, charger: o.charger?.(runner) ?? new StandInCharger(runner) });
    this.#subs = [
      node.createSubscription('geometry_msgs/msg/PoseWithCovarianceStamped', TOPICS.pose, (m) => {
        if (!this.lifecycle.isActive) return;
        const now = clock.now();
        if (now - this.#lastPositionMs < this.#params!.values.positionPeriodS * 1000) return;
        this.#lastPositionMs = now;
        const e = fromPoseWithCovariance(m, this.#pose);
        const sigma = Math.sqrt(Math.max(e.covariance[0]!, e.covariance[4]!));
        runner.dispatch({
          type: 'position',
          pose: { x: e.pose.x, y: e.pose.y, theta: e.pose.theta, mapId: this.#params!.values.mapId },
          // A score the master can read at a glance: 1 at σ ≤ 0.1 m, 0 at σ ≥ 2 m.
          localizationScore: Math.max(0, Math.min(1, (2 - sigma) / 1.9)),
        });
      }),
      node.createSubscription('sensor_msgs/msg/BatteryState', TOPICS.battery, (m) => {
        if (!this.lifecycle.isActive) return;
        // Whole percents, passed on only when they change: the charge is part of the VDA state, and a state goes out
        // on every change, so a float here (or its voltage) would send a state per robot per battery message.
        const pct = Math.floor(m.percentage * 100);
        if (pct === this.#reportedPct) return;
        this.#reportedPct = pct;
        runner.dispatch(m.voltage > 0
          ? { type: 'batteryUpdate', chargePercent: pct, voltageV: m.voltage }
          : { type: 'batteryUpdate', chargePercent: pct });
      }),
      node.createSubscription('std_msgs/msg/String', TOPICS.controllerStatus, (m) => {
        if (this.lifecycle.isActive) this.#motion?.onControllerStatus(JSON.parse(m.data) as ControllerStatus);
      }),
      node.createSubscription('std_msgs/msg/String', TOPICS.plannerStatus, (m) => {
        if (this.lifecycle.isActive) this.#motion?.onPlannerStatus(JSON.parse(m.data) as PlannerStatus);
      }),
    ];
  }

  #cleanup(): void {
    for (const s of this.#subs) this.#node.destroySubscription(s);
    this.#subs = [];
    this.#params?.dispose();
    this.#motion?.dispose();
    this.#runner?.dispose();
  }
}
