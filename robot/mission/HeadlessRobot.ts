/**
 * A headless robot for tests and the fast simulator: the real mission executor behind trivially simple stand-ins for
 * the hardware. The stand-ins are honest about what they are — the motion moves the pose in a straight line to the
 * next node's position at a set speed over the Clock (no planner, no controller, no obstacles), and the compartment
 * doors close after a set delay with the content the purpose implies (hub staff load, recipients take, staff
 * empty). The real ROS planner/controller and door drivers replace them through the same ports.
 */
import type { Clock, TimerHandle } from '../../clock/index.ts';
import type { Logger } from './core/Logger.ts';
import { MissionExecutor, type MissionExecutorOptions } from './core/MissionExecutor.ts';
import type { CompartmentPurpose, KeypadResult, MapPose, MissionEffect } from './core/missionTypes.ts';
import { MissionRunner, type ChargerPort, type CompartmentPort, type MotionPort } from './MissionRunner.ts';

export interface StandInMotionOptions {
  /** Cruise speed when the edge sets no maxSpeed. Default 1.5 m/s. */
  speedMps?: number;
  /** Pose update period. Default 100 ms. */
  stepMs?: number;
}

/** Straight-line motion to each node at a fixed speed, in Clock time. Not a controller: no dynamics, no obstacles. */
export class StandInMotion implements MotionPort {
  readonly #clock: Clock;
  readonly #runner: MissionRunner;
  readonly #speedMps: number;
  readonly #stepMs: number;
  #pose: MapPose;
  #timer: TimerHandle | undefined;
  /**
   * Arrive this far short of each goal (a robot that counts a blocked goal within its tolerance as reached); 0: on
   * the goal. For fleet tests of robots that stop short.
   */
  stopShortM = 0;

  constructor(clock: Clock, runner: MissionRunner, start: MapPose, options: StandInMotionOptions = {}) {
    this.#clock = clock;
    this.#runner = runner;
    this.#pose = { ...start };
    this.#speedMps = options.speedMps ?? 1.5;
    this.#stepMs = options.stepMs ?? 100;
  }

  get pose(): MapPose {
    return { ...this.#pose };
  }

  driveTo(target: Extract<MissionEffect, { type: 'driveTo' }>): void {
    this.stop();
    const speed = Math.min(this.#speedMps, target.maxSpeedMps ?? Infinity);
    const goal = target.position ?? { x: this.#pose.x, y: this.#pose.y, mapId: this.#pose.mapId };
    this.#timer = this.#clock.setInterval(this.#stepMs, () => {
      const dx = goal.x - this.#pose.x;
      const dy = goal.y - this.#pose.y;
      const left = Math.hypot(dx, dy);
      const stepM = (speed * this.#stepMs) / 1000;
      const shortM = Math.min(this.stopShortM, left);
      if (left - shortM <= stepM) {
        this.stop(false);
        this.#pose = shortM > 0
          ? { x: goal.x - (dx / left) * shortM, y: goal.y - (dy / left) * shortM, theta: Math.atan2(dy, dx), mapId: goal.mapId }
          : { x: goal.x, y: goal.y, theta: goal.theta ?? this.#pose.theta, mapId: goal.mapId };
        this.#report(0);
        this.#runner.dispatch({ type: 'arrivedAtNode', nodeId: target.nodeId, sequenceId: target.sequenceId });
        return;
      }
      const theta = Math.atan2(dy, dx);
      this.#pose = { x: this.#pose.x + (dx / left) * stepM, y: this.#pose.y + (dy / left) * stepM, theta, mapId: goal.mapId };
      this.#report(speed);
    });
  }

  stop(report = true): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    if (report) this.#report(0);
  }

  /** Reports the current pose (e.g. once at start-up). */
  report(): void {
    this.#report(0);
  }

  #report(speedMps: number): void {
    this.#runner.dispatch({ type: 'position', pose: this.pose, velocity: { vx: speedMps, vy: 0, omega: 0 }, localizationScore: 1 });
  }
}

/**
 * What happens at an open door, per purpose: the content when it closes (`true` occupied), or `undefined` to leave it
 * open. The default: loading fills it, a handover and a return empty it, maintenance leaves the content as it was.
 */
export type DoorBehaviour = (compartment: number, purpose: CompartmentPurpose) => boolean | undefined;

export class StandInCompartments implements CompartmentPort {
  readonly #clock: Clock;
  readonly #runner: MissionRunner;
  readonly #closeAfterMs: number;
  behaviour: DoorBehaviour;
  /** Doors opened so far, in order: tests assert that only the right compartment opened. */
  readonly opened: Array<{ compartment: number; purpose: CompartmentPurpose }> = [];
  readonly locked: Array<{ parcelId: string; compartment: number }> = [];

  constructor(clock: Clock, runner: MissionRunner, closeAfterMs = 2000, behaviour?: DoorBehaviour) {
    this.#clock = clock;
    this.#runner = runner;
    this.#closeAfterMs = closeAfterMs;
    this.behaviour = behaviour ?? ((n, purpose) => {
      if (purpose === 'load') return true;
      if (purpose === 'maintenance') return runner.executor.compartment(n) !== undefined;
      return false;
    });
  }

  open(compartment: number, purpose: CompartmentPurpose): void {
    this.opened.push({ compartment, purpose });
    this.#clock.setTimer(this.#closeAfterMs, () => {
      const occupied = this.behaviour(compartment, purpose);
      if (occupied !== undefined) this.#runner.dispatch({ type: 'compartmentClosed', compartment, occupied });
    });
  }

  lock(parcelId: string, compartment: number): void {
    this.locked.push({ parcelId, compartment });
  }
}

/** A dock that starts and stops charging at once. */
export class StandInCharger implements ChargerPort {
  readonly #runner: MissionRunner;
  constructor(runner: MissionRunner) {
    this.#runner = runner;
  }
  start(): void {
    this.#runner.dispatch({ type: 'chargingChanged', charging: true });
  }
  stop(): void {
    this.#runner.dispatch({ type: 'chargingChanged', charging: false });
  }
}

export interface HeadlessRobotOptions extends MissionExecutorOptions {
  clock: Clock;
  start: MapPose;
  motion?: StandInMotionOptions;
  /** Door close delay of the stand-in compartments. Default 2000 ms. */
  doorCloseMs?: number;
  logger?: Logger;
}

/** Executor + runner + stand-in hardware: a robot that can be driven end to end without the ROS nodes. */
export class HeadlessRobot {
  readonly executor: MissionExecutor;
  readonly runner: MissionRunner;
  readonly motion: StandInMotion;
  readonly compartments: StandInCompartments;
  readonly charger: StandInCharger;

  constructor(options: HeadlessRobotOptions) {
    this.executor = new MissionExecutor({ ...options, initialPose: options.start });
    this.runner = new MissionRunner({ executor: this.executor, clock: options.clock, ...(options.logger ? { logger: options.logger } : {}) });
    this.motion = new StandInMotion(options.clock, this.runner, options.start, options.motion);
    this.compartments = new StandInCompartments(options.clock, this.runner, options.doorCloseMs ?? 2000);
    this.charger = new StandInCharger(this.runner);
    this.runner.attach({ motion: this.motion, compartments: this.compartments, charger: this.charger });
  }

  /** The robot's keypad: a recipient types a code, for `parcelId` when several hand-overs wait at the stop. */
  enterCode(code: string, parcelId?: string): { result: KeypadResult; attemptsLeft?: number } {
    return this.runner.enterCode(code, parcelId);
  }

  dispose(): void {
    this.motion.stop(false);
    this.runner.dispose();
  }
}
