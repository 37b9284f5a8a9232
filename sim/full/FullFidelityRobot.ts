/**
 * A full-fidelity robot: its REAL onboard stack (localization, planner, controller, safety, mission nodes and the
 * VDA bridge, `createRobotStack`) on the shard's InProcessBus, fed by `SimRobotDriver` from a `sim/world` body
 * (odometry, IMU, LiDAR at 10 Hz, GNSS and battery at 1 Hz; cmd_vel to the motors). The hardware the fleet-fidelity
 * robot simulates beside the mission (compartments worked by hub staff and recipients, the keypad) is the same code
 * (`SimCompartments`, `SimKeypad` from sim/runner); only motion, battery and charger are physical here.
 *
 * It exposes the surface `runDay` reads from its fleet-fidelity `SimRobot` (runner, activity, enterCode,
 * motion.poseNow, battery.pctAt/usedWh, reportBattery, hooks onLeg/onHandoverOpen), plus ground truth.
 */
import type { Clock, TimerHandle } from '../../clock/index.ts';
import type { CampusMap, Pose2, Vec2 } from '../../maps/index.ts';
import { createRobotStack, type RobotStack } from '../../robot/RobotStack.ts';
import { SimRobotDriver, type SimRobotDriverOptions } from '../../robot/closedLoop/SimRobotDriver.ts';
import type { ChargerPort, KeypadResult, MapPose, MissionRunner } from '../../robot/mission/index.ts';
import { TOPICS, type ControllerStatus } from '../../robot/nodes/topics.ts';
import { stampToMs, type InProcessBus, type ParamsFile, type RosNode, type Subscription } from '../../robot/ros/index.ts';
import type { MessageTransport } from '../../transport/index.ts';
import { defaultBatteryModel } from '../runner/core/SimBattery.ts';
import type { ObservedScan } from '../runner/DayObserver.ts';
import { activityOf, SimCompartments, SimKeypad, typeAtKeypad, type RouteCache, type SimRobotActivity, type SimRobotHooks } from '../runner/SimRobot.ts';
import type { RobotBody, RobotBodyOptions, World } from '../world/index.ts';
import { GroundTruthMetrics } from './GroundTruthMetrics.ts';
import { StallTrace } from './StallTrace.ts';

export interface FullFidelityRobotOptions {
  serial: string;
  manufacturer: string;
  campus: CampusMap;
  clock: Clock;
  bus: InProcessBus;
  world: World;
  /** Routes for the traffic heat map's legs (the planner plans its own path; this only attributes edges). */
  routes: RouteCache;
  start: Pose2;
  compartments: number;
  /** Hub staff time per parcel loaded or unloaded, s. */
  loadPerParcelS: number;
  /** A recipient takes the parcel and closes the door in, s. */
  takeParcelS: number;
  docks: readonly Vec2[];
  /** Default 5 m. */
  dockRadiusM?: number;
  /** The robot's connection to the broker (VDA 5050); no bridge without it. */
  transport?: MessageTransport;
  statePeriodMs?: number;
  visualizationPeriodMs?: number;
  /** Extra node parameters, e.g. `{ controller: { desired_speed_mps: 1.2 } }`. */
  params?: ParamsFile;
  body?: Omit<RobotBodyOptions, 'id' | 'start'>;
  driver?: SimRobotDriverOptions;
  hooks?: SimRobotHooks;
}

/** How often the stall trace samples a robot, ms. */
const TRACE_PERIOD_MS = 1000;

/** Near misses and collisions this robot was part of (from the world's contact events). */
export interface RobotContacts {
  collisions: number;
  nearMisses: number;
  pedestrianNearMisses: number;
}

export class FullFidelityRobot {
  readonly serial: string;
  readonly body: RobotBody;
  readonly stack: RobotStack;
  readonly driver: SimRobotDriver;
  readonly truth: GroundTruthMetrics;
  readonly keypad: SimKeypad;
  readonly compartments: SimCompartments;
  readonly charger: DockCharger;
  readonly contacts: RobotContacts = { collisions: 0, nearMisses: 0, pedestrianNearMisses: 0 };
  /** Ground truth, as the fleet-fidelity robot's KinematicMotion offers it to runDay's samples. */
  readonly motion: { poseNow(): MapPose; readonly driving: boolean; readonly distanceM: number };
  /** The body's battery, as runDay reads the fleet-fidelity SimBattery. */
  readonly battery: { pctAt(tMs: number): number; readonly usedWh: number; readonly charging: boolean };
  /** Time per controller state and the stall episodes (sampled once a second). */
  readonly stalls = new StallTrace();
  readonly #simNode: RosNode;
  readonly #legs: LegTracker;
  readonly #clock: Clock;
  readonly #traceTimer: TimerHandle;

  /** Use `FullFidelityRobot.create` (the stack starts asynchronously). */
  private constructor(o: FullFidelityRobotOptions, parts: {
    body: RobotBody; stack: RobotStack; keypad: SimKeypad; compartments: SimCompartments; charger: DockCharger;
  }) {
    this.serial = o.serial;
    this.body = parts.body;
    this.stack = parts.stack;
    this.keypad = parts.keypad;
    this.compartments = parts.compartments;
    this.charger = parts.charger;
    const namespace = `/${o.serial}`;
    this.driver = new SimRobotDriver(o.bus.createNode('sim_driver', { namespace }), o.world, this.body, o.campus.frame, o.driver);
    this.#simNode = o.bus.createNode('sim_truth', { namespace });
    this.truth = new GroundTruthMetrics(this.#simNode, this.body, this.stack.controller);
    this.#legs = new LegTracker(this.#simNode, o, this.body);
    const body = this.body;
    const mapId = o.campus.mapId;
    const mission = this.stack.mission;
    this.motion = {
      poseNow: () => ({ x: body.truth.x, y: body.truth.y, theta: body.truth.theta, mapId }),
      get driving() {
        return mission?.motion?.pending !== undefined;
      },
      get distanceM() {
        return body.distanceM;
      },
    };
    this.#clock = o.clock;
    const controller = this.stack.controller, safety = this.stack.safety;
    this.#traceTimer = o.clock.setInterval(TRACE_PERIOD_MS, () => this.stalls.add({
      tMs: o.clock.now(), x: body.truth.x, y: body.truth.y, pending: this.motion.driving,
      controller: controller?.status ?? 'none', safety: safety?.lastChecked.action ?? 'none',
    }));
    this.battery = {
      pctAt: () => body.battery.percent,
      get usedWh() {
        return body.battery.usedWh;
      },
      get charging() {
        return body.charging;
      },
    };
  }

  /** Adds the body to the world, creates and starts the stack (and its bridge when a transport is given). */
  static async create(o: FullFidelityRobotOptions): Promise<FullFidelityRobot> {
    const body = o.world.addRobot({ ...o.body, id: o.serial, start: o.start });
    const keypad = new SimKeypad();
    // SimCompartments reads only the people-timing fields and hooks; the rest describe kinematic motion.
    const peopleSide = {
      serial: o.serial, clock: o.clock, routes: o.routes, start: { ...o.start, mapId: o.campus.mapId }, speedMps: 0,
      compartments: o.compartments, battery: defaultBatteryModel, loadPerParcelS: o.loadPerParcelS, takeParcelS: o.takeParcelS,
      docks: o.docks, ...(o.hooks ? { hooks: o.hooks } : {}),
    };
    let compartments: SimCompartments | undefined;
    let charger: DockCharger | undefined;
    const params: ParamsFile = { ...o.params, mission: { ...o.params?.mission, compartments: o.compartments } };
    const stack = createRobotStack({
      context: o.bus,
      serial: o.serial,
      manufacturer: o.manufacturer,
      campus: o.campus,
      clock: o.clock,
      initialPose: o.start,
      params,
      ...(o.transport ? { transport: o.transport } : {}),
      mission: {
        compartments: (runner) => (compartments = new SimCompartments(peopleSide, runner, keypad)),
        charger: (runner) => (charger = new DockCharger(runner, body, o.docks, o.dockRadiusM ?? 5)),
      },
      bridge: {
        ...(o.statePeriodMs !== undefined ? { statePeriodMs: o.statePeriodMs } : {}),
        ...(o.visualizationPeriodMs !== undefined ? { visualizationPeriodMs: o.visualizationPeriodMs } : {}),
      },
    });
    await stack.start();
    stack.runner.attach({ keypad });
    if (compartments === undefined || charger === undefined) {
      throw new Error(`robot ${o.serial}: the mission node did not build its compartments and charger at start`);
    }
    return new FullFidelityRobot(o, { body, stack, keypad, compartments, charger });
  }

  get runner(): MissionRunner {
    return this.stack.runner;
  }

  /** What the robot is doing, for the day's samples (same categories as the fleet-fidelity robot). */
  activity(): SimRobotActivity {
    return activityOf(this.motion.driving, this.keypad, this.compartments, this.body.charging);
  }

  /** The robot's last LiDAR scan as it published it (a day recording reads it; the ranges buffer is reused). */
  lastScan(): ObservedScan | undefined {
    const s = this.driver.lastScan;
    if (s === undefined) return undefined;
    return { tMs: stampToMs(s.header.stamp), ranges: s.ranges, angleMinRad: s.angle_min, angleIncrementRad: s.angle_increment, rangeMaxM: s.range_max };
  }

  /** The recipient's keypad (sim/people Keypad): the typed code is visible to the hand-over hook while it opens. */
  enterCode(code: string, parcelId?: string): { result: KeypadResult; attemptsLeft?: number } {
    return typeAtKeypad(this.keypad, this.runner, code, parcelId);
  }

  /** Nothing to do: the driver publishes the battery at 1 Hz and the mission node forwards it. */
  reportBattery(): void {}

  /** Stops the drivers and metrics, deactivates the nodes (the controller publishes a final stop), stops the bridge. */
  async stop(): Promise<void> {
    this.#clock.clearTimer(this.#traceTimer);
    this.driver.destroy();
    this.truth.destroy();
    this.#legs.destroy();
    await this.stack.stop();
  }
}

/** A dock charger: charges the body only within reach of a dock; elsewhere the start is refused (startCharging fails). */
export class DockCharger implements ChargerPort {
  readonly #runner: MissionRunner;
  readonly #body: RobotBody;
  readonly #docks: readonly Vec2[];
  readonly #radiusM: number;
  refused = 0;

  constructor(runner: MissionRunner, body: RobotBody, docks: readonly Vec2[], radiusM: number) {
    this.#runner = runner;
    this.#body = body;
    this.#docks = docks;
    this.#radiusM = radiusM;
  }

  start(): void {
    const p = this.#body.truth;
    if (!this.#docks.some((d) => Math.hypot(d.x - p.x, d.y - p.y) <= this.#radiusM)) {
      this.refused++;
      this.#runner.dispatch({ type: 'chargingRefused', reason: 'no dock within reach' });
      return;
    }
    this.#body.charging = true;
    this.#runner.dispatch({ type: 'chargingChanged', charging: true });
  }

  stop(): void {
    this.#body.charging = false;
    this.#runner.dispatch({ type: 'chargingChanged', charging: false });
  }
}

/**
 * Attributes each reached goal to graph edges for the traffic heat map: it listens to the mission's planner goals and
 * the controller's `arrived`, and reports the routed leg from where the body was when the goal was given.
 */
class LegTracker {
  readonly #node: RosNode;
  readonly #subs: Subscription[];
  #goal: { goalMs: number; from: Vec2; to: Vec2 } | undefined;

  constructor(node: RosNode, o: FullFidelityRobotOptions, body: RobotBody) {
    this.#node = node;
    this.#subs = [
      node.createSubscription('geometry_msgs/msg/PoseStamped', TOPICS.plannerGoal, (m) => {
        this.#goal = {
          goalMs: stampToMs(m.header.stamp),
          from: { x: body.truth.x, y: body.truth.y },
          to: { x: m.pose.position.x, y: m.pose.position.y },
        };
      }),
      node.createSubscription('std_msgs/msg/String', TOPICS.controllerStatus, (m) => {
        const g = this.#goal;
        if (g === undefined || o.hooks?.onLeg === undefined) return;
        const s = JSON.parse(m.data) as ControllerStatus;
        if (s.state !== 'arrived' || s.goalMs !== g.goalMs) return;
        this.#goal = undefined;
        o.hooks.onLeg(o.serial, o.routes.leg(g.from, g.to));
      }),
    ];
  }

  destroy(): void {
    for (const s of this.#subs) this.#node.destroySubscription(s);
  }
}
