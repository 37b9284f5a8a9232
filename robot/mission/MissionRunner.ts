/**
 * Runs the pure MissionExecutor against the world: stamps events with the Clock's time, queues events raised while
 * effects are carried out (so the executor is never re-entered), hands effects to the hardware ports, arms a timer for
 * the next deadline (recipient no-show), and tells listeners when the reportable state changed.
 */
import type { Clock, TimerHandle } from '../../clock/index.ts';
import type { Logger } from './core/Logger.ts';
import { silentLogger } from './core/Logger.ts';
import { jsonEqual } from './core/jsonEqual.ts';
import type { MissionExecutor } from './core/MissionExecutor.ts';
import type { CompartmentPurpose, KeypadResult, MissionEffect, MissionEvent, StateBody } from './core/missionTypes.ts';

/** Drives the robot: the ROS planner/controller, or the stand-in. */
export interface MotionPort {
  driveTo(target: Extract<MissionEffect, { type: 'driveTo' }>): void;
  stop(): void;
}

/** Compartment doors and locks. A door reports back with a `compartmentClosed` event. */
export interface CompartmentPort {
  open(compartment: number, purpose: CompartmentPurpose, actionId: string): void;
  lock(parcelId: string, compartment: number): void;
}

export interface ChargerPort {
  start(): void;
  stop(): void;
}

/** The recipient-facing keypad display: it lists the parcels waiting for their code (several at one stop). */
export interface KeypadPort {
  show(parcelId: string): void;
  hide(parcelId: string): void;
}

export type MissionNotice = 'state' | 'factsheet';

export interface MissionRunnerOptions {
  executor: MissionExecutor;
  clock: Clock;
  motion?: MotionPort;
  compartments?: CompartmentPort;
  charger?: ChargerPort;
  keypad?: KeypadPort;
  logger?: Logger;
}

export class MissionRunner {
  readonly executor: MissionExecutor;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #motion: MotionPort | undefined;
  #compartments: CompartmentPort | undefined;
  #charger: ChargerPort | undefined;
  #keypad: KeypadPort | undefined;
  #queue: MissionEvent[] = [];
  #draining = false;
  #listeners: Array<(notice: MissionNotice) => void> = [];
  /** The state as last reported to listeners (its pose and velocity are not compared). */
  #lastReported: StateBody;
  /** The executor's state since the last event, built once however many listeners read it. */
  #current: StateBody | undefined;
  #deadline: { atMs: number; handle: TimerHandle } | undefined;

  constructor(options: MissionRunnerOptions) {
    this.executor = options.executor;
    this.#clock = options.clock;
    this.#logger = options.logger ?? silentLogger;
    this.#motion = options.motion;
    this.#compartments = options.compartments;
    this.#charger = options.charger;
    this.#keypad = options.keypad;
    this.#lastReported = this.executor.state();
  }

  /** Connects the hardware ports (they usually need the runner to report back, so they come after construction). */
  attach(ports: { motion?: MotionPort; compartments?: CompartmentPort; charger?: ChargerPort; keypad?: KeypadPort }): void {
    if (ports.motion) this.#motion = ports.motion;
    if (ports.compartments) this.#compartments = ports.compartments;
    if (ports.charger) this.#charger = ports.charger;
    if (ports.keypad) this.#keypad = ports.keypad;
  }

  /** `state`: the reportable state changed or was requested; `factsheet`: a factsheet was requested. */
  onNotice(listener: (notice: MissionNotice) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * The VDA 5050 state body. The executor changes only through `dispatch`, so the body is built once per event and
   * shared by every reader until the next one: treat it as read-only.
   */
  state(): StateBody {
    // Mid-event (a port asking while effects run) the executor may still change: build afresh.
    if (this.#draining) return this.executor.state();
    this.#current ??= this.executor.state();
    return this.#current;
  }

  /**
   * Feeds one event. Events raised by ports while effects run are queued behind it. Returns the effects of this
   * event when it ran at once (not queued behind an event being handled).
   */
  dispatch(event: MissionEvent): MissionEffect[] {
    this.#queue.push(event);
    if (this.#draining) return [];
    this.#draining = true;
    this.#current = undefined;
    let first: MissionEffect[] | undefined;
    let notices = new Set<MissionNotice>();
    // Pose updates (5 Hz from a moving robot) touch only what the comparison below ignores: skip building the state.
    let poseOnly = true;
    try {
      for (let e = this.#queue.shift(); e !== undefined; e = this.#queue.shift()) {
        const fx = this.executor.handle(e, this.#clock.now());
        first ??= fx;
        if (e.type !== 'position' || fx.length > 0) poseOnly = false;
        for (const f of fx) this.#apply(f, notices);
      }
    } finally {
      this.#draining = false;
    }
    this.#armDeadline();
    this.#current = undefined;
    if (poseOnly && notices.size === 0) return first ?? [];
    const now = this.state();
    if (!sameReportable(now, this.#lastReported)) notices.add('state');
    this.#lastReported = now;
    const toSend = notices;
    notices = new Set();
    for (const n of toSend) for (const l of this.#listeners) l(n);
    return first ?? [];
  }

  /**
   * A code typed on the keypad for `parcelId` (scanned from the recipient's notification or typed); without it, for
   * the one hand-over waiting. Returns what the keypad should show.
   */
  enterCode(code: string, parcelId?: string): { result: KeypadResult; attemptsLeft?: number } {
    const fx = this.dispatch(parcelId === undefined ? { type: 'keypadEntry', code } : { type: 'keypadEntry', parcelId, code });
    const fb = fx.find((f): f is Extract<MissionEffect, { type: 'keypadFeedback' }> => f.type === 'keypadFeedback');
    if (fb === undefined) return { result: 'not_waiting' };
    return fb.attemptsLeft === undefined ? { result: fb.result } : { result: fb.result, attemptsLeft: fb.attemptsLeft };
  }

  /** Stops the deadline timer (the robot shuts down). */
  dispose(): void {
    if (this.#deadline) this.#clock.clearTimer(this.#deadline.handle);
    this.#deadline = undefined;
  }

  #apply(f: MissionEffect, notices: Set<MissionNotice>): void {
    switch (f.type) {
      case 'driveTo':
        this.#logger.debug(`mission: drive to ${f.nodeId}/${f.sequenceId} over ${f.edgeId}`);
        this.#require(this.#motion, 'motion')?.driveTo(f);
        return;
      case 'stopDriving':
        this.#logger.info(`mission: stop driving (${f.reason})`);
        this.#require(this.#motion, 'motion')?.stop();
        return;
      case 'openCompartment':
        this.#logger.info(`mission: open compartment ${f.compartment} for ${f.purpose} (${f.actionId})`);
        this.#require(this.#compartments, 'compartments')?.open(f.compartment, f.purpose, f.actionId);
        return;
      case 'lockParcel':
        this.#logger.warn(`mission: parcel ${f.parcelId} in compartment ${f.compartment} locked after too many wrong codes`);
        this.#require(this.#compartments, 'compartments')?.lock(f.parcelId, f.compartment);
        return;
      case 'keypad':
        if (f.show) this.#keypad?.show(f.parcelId);
        else this.#keypad?.hide(f.parcelId);
        return;
      case 'keypadFeedback':
        return;
      case 'startCharging':
        this.#require(this.#charger, 'charger')?.start();
        return;
      case 'stopCharging':
        this.#require(this.#charger, 'charger')?.stop();
        return;
      case 'publishState':
        notices.add('state');
        return;
      case 'publishFactsheet':
        notices.add('factsheet');
        return;
    }
  }

  #require<T>(port: T | undefined, name: string): T | undefined {
    if (port === undefined) this.#logger.error(`mission: no ${name} port attached; effect dropped`);
    return port;
  }

  #armDeadline(): void {
    const at = this.executor.nextDeadlineMs();
    if (this.#deadline?.atMs === at) return;
    if (this.#deadline) this.#clock.clearTimer(this.#deadline.handle);
    this.#deadline = undefined;
    if (at === undefined) return;
    const handle = this.#clock.setTimer(at - this.#clock.now(), () => {
      this.#deadline = undefined;
      this.dispatch({ type: 'tick' });
    });
    this.#deadline = { atMs: at, handle };
  }
}

/**
 * Equal but for what changes continuously (pose, velocity): any other change triggers a state message [§6.10].
 * Compared structurally (as their JSON would compare): serialising the whole state per event was ~15 % of a robot.
 */
function sameReportable(a: StateBody, b: StateBody): boolean {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
    if (key === 'agvPosition' || key === 'velocity') continue;
    if (!jsonEqual(x[key], y[key])) return false;
  }
  return true;
}
