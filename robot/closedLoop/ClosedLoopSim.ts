/**
 * A closed-loop simulation of robots on a campus: one VirtualClock, one in-process ROS bus, one `sim/world` World
 * stepped at its fixed rate on the clock, and per robot its onboard stack (`createRobotStack`), its simulated
 * drivers (`SimRobotDriver`) and ground-truth metrics (`RunMetrics`). Tests and the robot benchmark build on this;
 * the simulator's full-fidelity mode composes the same pieces.
 */
import { VirtualClock } from '../../clock/index.ts';
import type { CampusMap, Pose2 } from '../../maps/index.ts';
import { World, type RobotBody, type RobotBodyOptions } from '../../sim/world/index.ts';
import type { MessageTransport } from '../../transport/index.ts';
import { createRobotStack, type RobotNodeName, type RobotStack, type RobotStackOptions } from '../RobotStack.ts';
import { InProcessBus, type LogEntry, type ParamsFile } from '../ros/index.ts';
import { RunMetrics } from './RunMetrics.ts';
import { SimRobotDriver, type SimRobotDriverOptions } from './SimRobotDriver.ts';

export interface ClosedLoopSimOptions {
  campus: CampusMap;
  seed: number;
  /** Clock start, ms since the epoch (default 2026-03-02T08:00Z). */
  startMs?: number;
  /** World step, s (default 0.05 = 20 Hz). */
  worldDtS?: number;
  /** Bus log entries at or above 'warn' are kept in `logs`; default sink drops the rest. */
  logSink?: (entry: LogEntry) => void;
}

export interface SimRobotOptions {
  serial: string;
  start: Pose2;
  manufacturer?: string;
  params?: ParamsFile;
  transport?: MessageTransport;
  body?: Omit<RobotBodyOptions, 'id' | 'start'>;
  driver?: SimRobotDriverOptions;
  nodes?: readonly RobotNodeName[];
  stack?: Pick<RobotStackOptions, 'mission' | 'bridge' | 'logger'>;
}

export interface SimRobot {
  serial: string;
  body: RobotBody;
  stack: RobotStack;
  driver: SimRobotDriver;
  metrics: RunMetrics;
}

export class ClosedLoopSim {
  readonly clock: VirtualClock;
  readonly bus: InProcessBus;
  readonly world: World;
  readonly campus: CampusMap;
  readonly robots: SimRobot[] = [];
  readonly logs: LogEntry[] = [];

  constructor(options: ClosedLoopSimOptions) {
    this.campus = options.campus;
    this.clock = new VirtualClock(options.startMs ?? Date.parse('2026-03-02T08:00:00.000Z'));
    this.bus = new InProcessBus(this.clock, {
      logLevel: 'warn',
      logSink: options.logSink ?? ((e) => void this.logs.push(e)),
    });
    this.world = new World({ seed: options.seed, dtS: options.worldDtS ?? 0.05, source: options.campus.obstacles, startMs: this.clock.now() });
    this.clock.setInterval(this.world.dtS * 1000, () => this.world.step());
  }

  /** Adds a robot: body in the world, drivers, onboard stack (created and started), metrics. */
  async addRobot(o: SimRobotOptions): Promise<SimRobot> {
    const body = this.world.addRobot({ ...o.body, id: o.serial, start: o.start });
    const stack = createRobotStack({
      context: this.bus,
      serial: o.serial,
      manufacturer: o.manufacturer ?? 'campus-fleet',
      campus: this.campus,
      clock: this.clock,
      initialPose: o.start,
      ...(o.params ? { params: o.params } : {}),
      ...(o.transport ? { transport: o.transport } : {}),
      ...(o.nodes ? { nodes: o.nodes } : {}),
      ...o.stack,
    });
    await stack.start();
    const namespace = `/${o.serial}`;
    const driver = new SimRobotDriver(this.bus.createNode('sim_driver', { namespace }), this.world, body, this.campus.frame, o.driver);
    const metrics = new RunMetrics(this.bus.createNode('sim_metrics', { namespace }), body, stack.controller);
    const robot = { serial: o.serial, body, stack, driver, metrics };
    this.robots.push(robot);
    return robot;
  }

  /**
   * Runs until `done()` holds (checked every `checkEveryMs` of virtual time) or `maxMs` passes; returns the virtual
   * time taken, ms.
   */
  runUntil(done: () => boolean, maxMs: number, checkEveryMs = 500): number {
    const t0 = this.clock.now();
    while (!done() && this.clock.now() - t0 < maxMs) this.clock.runFor(checkEveryMs);
    return this.clock.now() - t0;
  }

  /** Async form for runs with a bridge: lets promise chains (transport) settle between instants. */
  async runUntilAsync(done: () => boolean, maxMs: number, checkEveryMs = 500): Promise<number> {
    const t0 = this.clock.now();
    while (!done() && this.clock.now() - t0 < maxMs) await this.clock.runUntilAsync(this.clock.now() + checkEveryMs);
    return this.clock.now() - t0;
  }

  async stop(): Promise<void> {
    for (const r of this.robots) {
      r.driver.destroy();
      await r.stack.stop();
    }
    await this.bus.shutdown();
  }
}
