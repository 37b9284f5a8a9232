/**
 * A fleet-fidelity robot: the REAL mission executor and runner (and, wired by the runner, the real VDA bridge) with
 * simulated hardware behind the mission ports — kinematic motion along the routed polyline, compartments worked by
 * hub staff and recipients, a dock charger, and a battery. Motion is event-driven: one timer per leg at the arrival
 * time, nothing ticks at 10 Hz; positions between events are interpolated when someone asks.
 */
import type { Clock, TimerHandle } from '../../clock/index.ts';
import type { CampusMap } from '../../maps/index.ts';
import type { Vec2 } from '../../maps/core/types.ts';
import {
  MissionExecutor, MissionRunner,
  type ChargerPort, type CompartmentPort, type CompartmentPurpose, type KeypadPort, type KeypadResult, type MapPose,
  type MissionEffect, type MotionPort,
} from '../../robot/mission/index.ts';
import { measurePolyline, pointAlong, type MeasuredPolyline } from './core/polyline.ts';
import { SimBattery, type BatteryModel } from './core/SimBattery.ts';

/** A routed leg between two points, with the graph edges it uses (for the traffic heat map). */
export interface RoutedLeg {
  line: MeasuredPolyline;
  edges: readonly number[];
}

/**
 * Routes between metric points through the campus router, memoized: robots drive between the same few hundred
 * place nodes all day, so after the first hour nearly every leg is a cache hit.
 */
export class RouteCache {
  readonly #map: CampusMap;
  readonly #legs = new Map<string, RoutedLeg>();
  hits = 0;
  misses = 0;
  failures = 0;

  constructor(map: CampusMap) {
    this.#map = map;
  }

  leg(from: Vec2, to: Vec2): RoutedLeg {
    const key = `${from.x.toFixed(2)},${from.y.toFixed(2)}>${to.x.toFixed(2)},${to.y.toFixed(2)}`;
    const cached = this.#legs.get(key);
    if (cached !== undefined) {
      this.hits++;
      return cached;
    }
    this.misses++;
    let leg: RoutedLeg;
    if (Math.hypot(to.x - from.x, to.y - from.y) < 0.01) {
      leg = { line: measurePolyline([from, to]), edges: [] };
    } else {
      const r = this.#map.routePoints(from, to);
      if (r.ok) {
        leg = { line: measurePolyline(r.value.points), edges: r.value.edges };
      } else {
        // Orders only name graph nodes, so this is a map or runner bug; drive straight and count it.
        this.failures++;
        leg = { line: measurePolyline([from, to]), edges: [] };
      }
    }
    this.#legs.set(key, leg);
    return leg;
  }
}

export interface SimRobotHooks {
  /** A leg was driven to its end (for distance, edge traffic). */
  onLeg?: (serial: string, leg: RoutedLeg) => void;
  /** A compartment door opened for a parcel hand-over; `typedCode` is the keypad entry that opened it, if any. */
  onHandoverOpen?: (serial: string, parcelId: string, typedCode: string | undefined) => void;
}

export interface SimRobotOptions {
  serial: string;
  clock: Clock;
  routes: RouteCache;
  start: MapPose;
  speedMps: number;
  compartments: number;
  battery: BatteryModel;
  /** Hub staff time per parcel loaded or unloaded, s. */
  loadPerParcelS: number;
  /** A recipient takes the parcel out and closes the door in this time, s. */
  takeParcelS: number;
  /** Where the charger works (dock positions) and how close the robot must be, m. */
  docks: readonly Vec2[];
  dockRadiusM?: number;
  hooks?: SimRobotHooks;
}

export type SimRobotActivity = 'idle' | 'driving' | 'loading' | 'waiting_handover' | 'unloading' | 'charging';

/** The activity a simulated robot of either fidelity is sampled in, from its simulated hardware. */
export function activityOf(driving: boolean, keypad: SimKeypad, compartments: SimCompartments, charging: boolean): SimRobotActivity {
  if (driving) return 'driving';
  if (keypad.showing.size > 0) return 'waiting_handover';
  if (compartments.openFor('load')) return 'loading';
  if (compartments.openFor('return')) return 'unloading';
  if (charging) return 'charging';
  return 'idle';
}

/** A recipient types at the robot's keypad; the typed code is visible to the hand-over hook while the door opens. */
export function typeAtKeypad(
  keypad: SimKeypad, runner: MissionRunner, code: string, parcelId?: string,
): { result: KeypadResult; attemptsLeft?: number } {
  keypad.entry = code;
  try {
    return runner.enterCode(code, parcelId);
  } finally {
    keypad.entry = undefined;
  }
}

export class SimRobot {
  readonly serial: string;
  readonly executor: MissionExecutor;
  readonly runner: MissionRunner;
  readonly battery: SimBattery;
  readonly motion: KinematicMotion;
  readonly compartments: SimCompartments;
  readonly keypad: SimKeypad;
  readonly charger: SimCharger;
  #reportedPct: number;

  constructor(o: SimRobotOptions) {
    this.serial = o.serial;
    this.battery = new SimBattery(o.battery, o.clock.now());
    this.executor = new MissionExecutor({ compartmentCount: o.compartments, initialPose: o.start, batteryChargePercent: 100 });
    this.runner = new MissionRunner({ executor: this.executor, clock: o.clock });
    this.motion = new KinematicMotion(o, this.runner, () => this.reportBattery(), (m) => this.battery.drive(o.clock.now(), m));
    this.keypad = new SimKeypad();
    this.compartments = new SimCompartments(o, this.runner, this.keypad);
    this.charger = new SimCharger(o, this.runner, this.battery, this.motion);
    this.runner.attach({ motion: this.motion, compartments: this.compartments, charger: this.charger, keypad: this.keypad });
    this.#reportedPct = 100;
  }

  /** What the robot is doing, for the day's samples. */
  activity(): SimRobotActivity {
    return activityOf(this.motion.driving, this.keypad, this.compartments, this.battery.charging);
  }

  /** The recipient's keypad: the parcel id comes from the QR code of their notification, then the code. */
  enterCode(code: string, parcelId?: string): { result: KeypadResult; attemptsLeft?: number } {
    return typeAtKeypad(this.keypad, this.runner, code, parcelId);
  }

  /** Tells the executor the charge when its whole percent changed (each change is a state message). */
  reportBattery(): void {
    const pct = Math.floor(this.battery.pctAt(this.motion.clock.now()));
    if (pct === this.#reportedPct) return;
    this.#reportedPct = pct;
    this.runner.dispatch({ type: 'batteryUpdate', chargePercent: pct });
  }

  dispose(): void {
    this.motion.stop();
    this.runner.dispose();
  }
}

type DriveTo = Extract<MissionEffect, { type: 'driveTo' }>;

/** MotionPort: follows the routed polyline at cruise speed; one timer per leg. */
export class KinematicMotion implements MotionPort {
  readonly clock: Clock;
  readonly #o: SimRobotOptions;
  readonly #runner: MissionRunner;
  readonly #afterLeg: () => void;
  readonly #onDistance: (distanceM: number) => void;
  #pose: MapPose;
  #leg: { leg: RoutedLeg; startMs: number; speedMps: number; target: DriveTo; timer: TimerHandle } | undefined;
  distanceM = 0;

  constructor(o: SimRobotOptions, runner: MissionRunner, afterLeg: () => void, onDistance: (distanceM: number) => void) {
    this.#o = o;
    this.clock = o.clock;
    this.#runner = runner;
    this.#afterLeg = afterLeg;
    this.#onDistance = onDistance;
    this.#pose = { ...o.start };
  }

  get driving(): boolean {
    return this.#leg !== undefined;
  }

  /** Position now (interpolated along the current leg). */
  poseNow(): MapPose {
    const l = this.#leg;
    if (l === undefined) return { ...this.#pose };
    const p = pointAlong(l.leg.line, ((this.clock.now() - l.startMs) / 1000) * l.speedMps);
    return { x: p.x, y: p.y, theta: p.theta, mapId: this.#pose.mapId };
  }

  driveTo(target: DriveTo): void {
    this.stop();
    const goal = target.position ?? { x: this.#pose.x, y: this.#pose.y, mapId: this.#pose.mapId };
    const leg = this.#o.routes.leg(this.#pose, goal);
    const speedMps = Math.min(this.#o.speedMps, target.maxSpeedMps ?? Infinity);
    const durMs = Math.round((leg.line.lengthM / speedMps) * 1000);
    const timer = this.clock.setTimer(durMs, () => this.#arrive());
    this.#leg = { leg, startMs: this.clock.now(), speedMps, target, timer };
  }

  stop(): void {
    const l = this.#leg;
    if (l === undefined) return;
    this.clock.clearTimer(l.timer);
    const doneM = Math.min(l.leg.line.lengthM, ((this.clock.now() - l.startMs) / 1000) * l.speedMps);
    const p = pointAlong(l.leg.line, doneM);
    this.#pose = { x: p.x, y: p.y, theta: p.theta, mapId: this.#pose.mapId };
    this.#leg = undefined;
    this.#book(doneM);
  }

  #arrive(): void {
    const l = this.#leg!;
    this.#leg = undefined;
    const goal = l.target.position ?? this.#pose;
    const end = pointAlong(l.leg.line, l.leg.line.lengthM);
    this.#pose = { x: goal.x, y: goal.y, theta: goal.theta ?? end.theta, mapId: goal.mapId };
    this.#book(l.leg.line.lengthM);
    this.#o.hooks?.onLeg?.(this.#o.serial, l.leg);
    this.#afterLeg();
    this.#runner.dispatch({ type: 'position', pose: { ...this.#pose }, velocity: { vx: 0, vy: 0, omega: 0 }, localizationScore: 1 });
    this.#runner.dispatch({ type: 'arrivedAtNode', nodeId: l.target.nodeId, sequenceId: l.target.sequenceId });
  }

  #book(distanceM: number): void {
    this.distanceM += distanceM;
    this.#onDistance(distanceM);
  }
}

/**
 * Compartments worked by people: hub staff fill (load) or empty (return) open doors one after another, taking
 * `loadPerParcelS` each; a recipient whose code was accepted takes the parcel and closes the door.
 */
export class SimCompartments implements CompartmentPort {
  readonly #o: SimRobotOptions;
  readonly #runner: MissionRunner;
  readonly #keypad: SimKeypad;
  readonly #open = new Map<number, CompartmentPurpose>();
  #staffFreeAtMs = 0;
  readonly locked: Array<{ parcelId: string; compartment: number }> = [];

  constructor(o: SimRobotOptions, runner: MissionRunner, keypad: SimKeypad) {
    this.#o = o;
    this.#runner = runner;
    this.#keypad = keypad;
  }

  openFor(purpose: CompartmentPurpose): boolean {
    for (const p of this.#open.values()) if (p === purpose) return true;
    return false;
  }

  open(compartment: number, purpose: CompartmentPurpose): void {
    const clock = this.#o.clock;
    this.#open.set(compartment, purpose);
    let delayMs: number;
    if (purpose === 'load' || purpose === 'return') {
      const start = Math.max(clock.now(), this.#staffFreeAtMs);
      this.#staffFreeAtMs = start + this.#o.loadPerParcelS * 1000;
      delayMs = this.#staffFreeAtMs - clock.now();
    } else {
      if (purpose === 'handOver') {
        const parcel = this.#runner.executor.compartment(compartment)?.parcelId;
        if (parcel !== undefined) this.#o.hooks?.onHandoverOpen?.(this.#o.serial, parcel, this.#keypad.entry);
      }
      delayMs = this.#o.takeParcelS * 1000;
    }
    clock.setTimer(delayMs, () => {
      this.#open.delete(compartment);
      const occupied = purpose === 'load' ? true : purpose === 'maintenance' ? this.#runner.executor.compartment(compartment) !== undefined : false;
      this.#runner.dispatch({ type: 'compartmentClosed', compartment, occupied });
    });
  }

  lock(parcelId: string, compartment: number): void {
    this.locked.push({ parcelId, compartment });
  }
}

/** The keypad display: the parcels it asks a code for (all hand-overs of a stop wait together). */
export class SimKeypad implements KeypadPort {
  readonly showing = new Set<string>();
  /** The code being typed right now (set only during an entry). */
  entry: string | undefined;
  show(parcelId: string): void {
    this.showing.add(parcelId);
  }
  hide(parcelId: string): void {
    this.showing.delete(parcelId);
  }
}

/** A dock charger: charges only within `dockRadiusM` of a dock; elsewhere the start is refused (startCharging fails). */
export class SimCharger implements ChargerPort {
  readonly #o: SimRobotOptions;
  readonly #runner: MissionRunner;
  readonly #battery: SimBattery;
  readonly #motion: KinematicMotion;
  refused = 0;

  constructor(o: SimRobotOptions, runner: MissionRunner, battery: SimBattery, motion: KinematicMotion) {
    this.#o = o;
    this.#runner = runner;
    this.#battery = battery;
    this.#motion = motion;
  }

  start(): void {
    const p = this.#motion.poseNow();
    const r = this.#o.dockRadiusM ?? 5;
    if (!this.#o.docks.some((d) => Math.hypot(d.x - p.x, d.y - p.y) <= r)) {
      this.refused++;
      this.#runner.dispatch({ type: 'chargingRefused', reason: 'no dock within reach' });
      return;
    }
    this.#battery.setCharging(this.#o.clock.now(), true);
    this.#runner.dispatch({ type: 'chargingChanged', charging: true });
  }

  stop(): void {
    this.#battery.setCharging(this.#o.clock.now(), false);
    this.#runner.dispatch({ type: 'chargingChanged', charging: false });
  }
}
