/**
 * Full-fidelity robots for a simulated day: one InProcessBus, one `sim/world` World (stepped at its fixed rate) and
 * the campus pedestrians (moved every sync period and handed to the World as circles, so LiDAR, safety and contact
 * counting see them), and per robot a `FullFidelityRobot`. Everything runs on the caller's clock, so with runDay's
 * VirtualClock the fleet side, demand, recipients and every robot node interleave deterministically.
 *
 * This is one shard: the unit a worker thread would hold (see docs/sim.md, "Full fidelity"). Today runDay would run
 * one shard on the main thread.
 */
import type { Clock, TimerHandle } from '../../clock/index.ts';
import { Random } from '../../common/core/Random.ts';
import type { CampusMap, Pose2, Vec2 } from '../../maps/index.ts';
import type { SimRobotDriverOptions } from '../../robot/closedLoop/SimRobotDriver.ts';
import { InProcessBus, type LogEntry, type ParamsFile } from '../../robot/ros/index.ts';
import type { MessageTransport } from '../../transport/index.ts';
import { Pedestrians, type ClassSchedule } from '../people/index.ts';
import { RouteCache, type SimRobotHooks } from '../runner/SimRobot.ts';
import { World, type ContactEvent, type RobotBodyOptions } from '../world/index.ts';
import { FullFidelityRobot } from './FullFidelityRobot.ts';
import { footwayPoses } from './footwayPoses.ts';

export interface FullFidelityFleetOptions {
  campus: CampusMap;
  /** The day's clock (runDay's VirtualClock); robots' timers, the world and pedestrians all run on it. */
  clock: Clock;
  /** World seed (sensor noise) and pedestrian seed are forked from it. */
  seed: number;
  serials: readonly string[];
  /** Where robot i boots; see `parkingPoses`. */
  startOf: (serial: string, index: number) => Pose2;
  manufacturer: string;
  compartments: number;
  loadPerParcelS: number;
  takeParcelS: number;
  docks: readonly Vec2[];
  dockRadiusM?: number;
  /** Each robot's broker connection (runDay: `broker.connect(serial)`); omit for robots driven directly. */
  transportOf?: (serial: string) => MessageTransport;
  statePeriodMs?: number;
  visualizationPeriodMs?: number;
  hooks?: SimRobotHooks;
  /** Pedestrians on the footways (default: the class timetable; `false` for none). */
  pedestrians?: false | ClassSchedule;
  /** Walkers step around a robot to keep this far from its centre, m (default 1; 0: they walk through robots). */
  pedestrianYieldM?: number;
  /** Pedestrians move and are handed to the world every this often, ms (default 100, the LiDAR period). */
  syncPeriodMs?: number;
  /** World step, s (default 0.05 = 20 Hz). */
  worldDtS?: number;
  params?: ParamsFile;
  body?: Omit<RobotBodyOptions, 'id' | 'start'>;
  driver?: SimRobotDriverOptions;
  /** Bus log entries at warn or above (default: kept, the last 100, in `logs`). */
  logSink?: (entry: LogEntry) => void;
}

export interface FullFidelityStats {
  robots: number;
  collisions: number;
  nearMisses: number;
  pedestrianNearMisses: number;
  /** Pooled over robots: RMSE of every published pose against ground truth, m. */
  locRmseM: number;
  locMaxErrM: number;
  /** Pooled true cross-track RMS while tracking a plan, m. */
  crossTrackRmsM: number;
  crossTrackMaxM: number;
  /** Ground-truth distance, m. */
  distanceM: number;
  /** Pedestrians on campus now, and the most handed to the world at once (those within LiDAR reach of a robot). */
  pedestrians: number;
  pedestriansInWorldMax: number;
  scans: number;
  raysCast: number;
  busMessages: number;
}

/** Near misses kept as events (the first ones); every collision is kept. */
const KEEP_NEAR_MISS_EVENTS = 100;
const KEEP_LOGS = 100;

export class FullFidelityFleet {
  readonly campus: CampusMap;
  readonly clock: Clock;
  readonly bus: InProcessBus;
  readonly world: World;
  readonly routes: RouteCache;
  readonly pedestrians: Pedestrians | undefined;
  readonly robots: FullFidelityRobot[] = [];
  /**
   * Every collision and the first near misses (bounded), for the report, each with what the robot was doing
   * (`detail`). Collisions are never dropped: the 60-robot day's near misses filled the bound within its first hour,
   * and its five collisions had no event to say who, where or doing what.
   */
  readonly events: Array<ContactEvent & { detail: string }> = [];
  #nearMissEvents = 0;
  /** The last warn/error log entries of the bus (bounded). */
  readonly logs: LogEntry[] = [];
  readonly #bySerial = new Map<string, FullFidelityRobot>();
  readonly #timers: TimerHandle[] = [];
  readonly #reachM: number;
  #pedFirstId = 0;
  #centres: ReadonlyArray<{ x: number; y: number }> = [];
  readonly #nearIdx: number[] = [];
  readonly #circlePool: Array<{ x: number; y: number; radiusM: number; id: number }> = [];
  #pedInWorldMax = 0;

  private constructor(o: FullFidelityFleetOptions) {
    this.campus = o.campus;
    this.clock = o.clock;
    this.bus = new InProcessBus(o.clock, {
      logLevel: 'warn',
      logSink: o.logSink ?? ((e) => {
        this.logs.push(e);
        if (this.logs.length > KEEP_LOGS) this.logs.shift();
      }),
    });
    const root = new Random(o.seed);
    this.world = new World({ seed: root.fork().nextUint32(), dtS: o.worldDtS ?? 0.05, source: o.campus.obstacles, startMs: o.clock.now() });
    this.routes = new RouteCache(o.campus);
    const pedRandom = root.fork();
    this.pedestrians = o.pedestrians === false ? undefined : new Pedestrians({
      graph: o.campus.graph, random: pedRandom, ...(o.pedestrians ? { schedule: o.pedestrians } : {}),
      ...(o.pedestrianYieldM !== undefined ? { yieldM: o.pedestrianYieldM } : {}),
    });
    // A pedestrian farther than LiDAR range (plus slack for a sync period's walk) from every robot cannot show in a
    // scan or touch a robot before the next sync, so only the near ones go into the world.
    this.#reachM = (o.body?.lidar?.rangeMaxM ?? 10) + 3;
    this.#timers.push(o.clock.setInterval(this.world.dtS * 1000, () => this.#step()));
    const syncMs = o.syncPeriodMs ?? 100;
    if (this.pedestrians) this.#timers.push(o.clock.setInterval(syncMs, () => this.#movePedestrians()));
  }

  /** Builds the world and starts every robot's stack, in serial order. */
  static async create(o: FullFidelityFleetOptions): Promise<FullFidelityFleet> {
    const fleet = new FullFidelityFleet(o);
    fleet.#movePedestrians();
    for (const [i, serial] of o.serials.entries()) {
      const robot = await FullFidelityRobot.create({
        serial, manufacturer: o.manufacturer, campus: o.campus, clock: o.clock, bus: fleet.bus, world: fleet.world,
        routes: fleet.routes, start: o.startOf(serial, i), compartments: o.compartments, loadPerParcelS: o.loadPerParcelS,
        takeParcelS: o.takeParcelS, docks: o.docks,
        ...(o.dockRadiusM !== undefined ? { dockRadiusM: o.dockRadiusM } : {}),
        ...(o.transportOf ? { transport: o.transportOf(serial) } : {}),
        ...(o.statePeriodMs !== undefined ? { statePeriodMs: o.statePeriodMs } : {}),
        ...(o.visualizationPeriodMs !== undefined ? { visualizationPeriodMs: o.visualizationPeriodMs } : {}),
        ...(o.hooks ? { hooks: o.hooks } : {}),
        ...(o.params ? { params: o.params } : {}),
        ...(o.body ? { body: o.body } : {}),
        ...(o.driver ? { driver: o.driver } : {}),
      });
      fleet.robots.push(robot);
      fleet.#bySerial.set(serial, robot);
    }
    return fleet;
  }

  robot(serial: string): FullFidelityRobot | undefined {
    return this.#bySerial.get(serial);
  }

  stats(): FullFidelityStats {
    let poses = 0, sumSq = 0, maxErr = 0, ctN = 0, ctSumSq = 0, ctMax = 0, distanceM = 0, scans = 0, raysCast = 0;
    let collisions = 0, nearMisses = 0, pedestrianNearMisses = 0;
    for (const r of this.robots) {
      const s = r.truth.sums();
      poses += s.poses;
      sumSq += s.sumSqM2;
      maxErr = Math.max(maxErr, s.maxM);
      ctN += s.ctN;
      ctSumSq += s.ctSumSqM2;
      ctMax = Math.max(ctMax, s.ctMaxM);
      distanceM += r.body.distanceM;
      scans += r.driver.counters.scans;
      raysCast += r.body.lidar.stats.raysCast;
      collisions += r.contacts.collisions;
      nearMisses += r.contacts.nearMisses;
      pedestrianNearMisses += r.contacts.pedestrianNearMisses;
    }
    return {
      robots: this.robots.length, collisions, nearMisses, pedestrianNearMisses,
      locRmseM: Math.sqrt(sumSq / poses), locMaxErrM: maxErr,
      crossTrackRmsM: Math.sqrt(ctSumSq / ctN), crossTrackMaxM: ctMax, distanceM,
      pedestrians: this.pedestrians?.count ?? 0, pedestriansInWorldMax: this.#pedInWorldMax,
      scans, raysCast, busMessages: this.bus.stats().messagesPublished,
    };
  }

  /** Stops every robot (reverse serial order) and the bus. */
  async stop(): Promise<void> {
    for (const t of this.#timers) this.clock.clearTimer(t);
    for (const r of [...this.robots].reverse()) await r.stop();
    await this.bus.shutdown();
  }

  #step(): void {
    this.world.step();
    // Tally the world's contact events per robot and drop them, so memory stays flat over a day.
    const ev = this.world.events;
    if (ev.length === 0) return;
    for (const e of ev) {
      const c = this.#bySerial.get(e.robotId)?.contacts;
      if (c !== undefined) {
        if (e.gapM <= 0) c.collisions++;
        else {
          c.nearMisses++;
          if (e.kind === 'pedestrian') c.pedestrianNearMisses++;
        }
      }
      if (e.gapM <= 0 || this.#nearMissEvents++ < KEEP_NEAR_MISS_EVENTS) this.events.push({ ...e, detail: this.#contactDetail(e) });
    }
    ev.length = 0;
  }

  /** Who was where, how fast, and what the robot's controller and safety node said: enough to tell whose fault it was. */
  #contactDetail(e: ContactEvent): string {
    const r = this.#bySerial.get(e.robotId);
    const b = this.world.robot(e.robotId);
    const parts = [`robot ${e.robotSpeedMps.toFixed(2)} m/s`];
    if (b !== undefined) parts.push(`at (${b.truth.x.toFixed(1)}, ${b.truth.y.toFixed(1)}) heading ${b.truth.theta.toFixed(2)}`);
    if (r !== undefined) {
      parts.push(`controller ${r.stack.controller?.status ?? '-'}`, `safety ${r.stack.safety?.lastChecked.action ?? '-'}`, r.activity());
    }
    if (e.kind === 'pedestrian') {
      const p = this.world.pedestrians.find((q) => q.id === e.otherId);
      if (p !== undefined) parts.push(`walker ${e.otherId} at (${p.x.toFixed(1)}, ${p.y.toFixed(1)})`);
    } else if (e.otherId !== undefined) parts.push(`other ${e.otherId}`);
    return parts.join(', ');
  }

  #movePedestrians(): void {
    const peds = this.pedestrians;
    if (peds === undefined) return;
    const before = peds.count;
    // Walkers step around robots in their way (the bodies' true poses: objects the bodies update in place).
    const bodies = this.world.robots;
    if (this.#centres.length !== bodies.length) this.#centres = bodies.map((b) => b.truth);
    peds.step(this.clock.now(), this.#centres);
    // Pedestrians leave oldest first and join at the end, so index + first id is a stable id across steps.
    if (peds.count < before) this.#pedFirstId += before - peds.count;
    const out = this.world.pedestrians;
    out.length = 0;
    if (bodies.length === 0) return;
    // The walkers within reach of some robot (the crowd's own grid finds them), in walker order, as pooled circles.
    const near = peds.nearRobots(this.#reachM, this.#nearIdx);
    const pool = this.#circlePool;
    for (let k = 0; k < near.length; k++) {
      const i = near[k]!;
      let c = pool[k];
      if (c === undefined) pool.push((c = { x: 0, y: 0, radiusM: peds.radiusM, id: 0 }));
      c.x = peds.x(i);
      c.y = peds.y(i);
      c.id = this.#pedFirstId + i;
      out.push(c);
    }
    if (out.length > this.#pedInWorldMax) this.#pedInWorldMax = out.length;
  }
}

/** Creates the world and starts `serials`' robots; see FullFidelityFleetOptions. */
export function createFullFidelityFleet(options: FullFidelityFleetOptions): Promise<FullFidelityFleet> {
  return FullFidelityFleet.create(options);
}

/**
 * `count` boot poses on the footways around graph node `node` (breadth-first along edges, `spacingM` apart, each
 * at least `clearanceM` from mapped obstacles, heading along its edge): a fleet parks in a queue near its hub, and
 * robots booted on one point would start in collision, each blocking the others' LiDAR. `lanesM` puts several side
 * by side across the footway (offsets from its centre line), `apartM` is the least distance between two (default
 * spacingM).
 */
export function parkingPoses(
  campus: CampusMap, node: number, count: number, spacingM = 3, clearanceM = 1, options: { lanesM?: readonly number[]; apartM?: number } = {},
): Pose2[] {
  const out: Pose2[] = [];
  const apartM = options.apartM ?? spacingM;
  const far = (x: number, y: number) => out.every((p) => Math.hypot(p.x - x, p.y - y) >= apartM);
  const clear = (x: number, y: number) => campus.obstacles.nearestDistance(x, y, clearanceM + 1) >= clearanceM;
  for (const c of footwayPoses(campus.graph, node, spacingM, options.lanesM ?? [0])) {
    if (out.length >= count) break;
    // A graph node is a spot only for the first robot (and only until one is found): the rest queue along the edges.
    if (c.atNode ? out.length === 0 && clear(c.x, c.y) : far(c.x, c.y) && clear(c.x, c.y)) out.push({ x: c.x, y: c.y, theta: c.theta });
  }
  return out;
}
