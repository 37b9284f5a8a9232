/**
 * Full-fidelity robots sharded over worker threads, in lock-step: every `syncPeriodMs` of simulated time the main
 * thread asks every shard to advance to the same instant and waits until all have (a shared-memory barrier), then
 * reads their robots' samples in serial order. Robot i goes to shard i mod workers. A shard only ever runs to the
 * instant it is told, and its inputs are fixed before it runs, so the result does not depend on how the threads are
 * scheduled.
 *
 * Scope today (see docs/sim.md, "Full fidelity"): shards drive the stand-in round trips; VDA messages and keypad
 * entries do not cross the thread boundary yet, and robots in different shards do not see each other.
 */
import { Worker } from 'node:worker_threads';
import type { Pose2 } from '../../../maps/index.ts';
import type { FullFidelityStats } from '../FullFidelityFleet.ts';
import { ACTIVITIES, POSE_STRIDE, type BarrierBuffers, type ShardReply, type ShardRobotSample, type ShardSetup } from './shardProtocol.ts';

// The worker runs TypeScript like the rest of the project, through tsx's loader: a `.ts` entry given to Worker
// directly is refused by Node 20 (the `--import tsx` of execArgv registers too late for the entry module).
const BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./shardWorker.ts', import.meta.url).href)}); })`;

export interface FullFidelityShardsOptions {
  campusFile: string;
  serials: readonly string[];
  starts: readonly Pose2[];
  seed: number;
  startMs: number;
  tripSeed: number;
  workers: number;
  /** Lock-step period, ms of simulated time (default 100: one LiDAR period). */
  syncPeriodMs?: number;
  pedestrians?: boolean;
}

export interface ShardResult {
  serials: string[];
  stats: FullFidelityStats;
  legs: number;
  stuck: number;
}

export class FullFidelityShards {
  readonly syncPeriodMs: number;
  readonly shards: Array<{ worker: Worker; serials: string[] }>;
  readonly #serials: readonly string[];
  readonly #control: Int32Array;
  readonly #untilMs: Float64Array;
  readonly #done: Int32Array;
  readonly #poses: Float64Array;
  #generation = 0;
  #nowMs: number;
  syncs = 0;

  private constructor(o: FullFidelityShardsOptions, shards: Array<{ worker: Worker; serials: string[] }>, barrier: BarrierBuffers) {
    this.syncPeriodMs = o.syncPeriodMs ?? 100;
    this.shards = shards;
    this.#serials = o.serials;
    this.#nowMs = o.startMs;
    this.#control = new Int32Array(barrier.control);
    this.#untilMs = new Float64Array(barrier.untilMs);
    this.#done = new Int32Array(barrier.done);
    this.#poses = new Float64Array(barrier.poses);
  }

  /** Starts the workers and waits until every shard has built its robots. */
  static async start(o: FullFidelityShardsOptions): Promise<FullFidelityShards> {
    if (!Number.isInteger(o.workers) || o.workers < 1) throw new RangeError(`FullFidelityShards: workers must be an integer ≥ 1, got ${o.workers}`);
    const n = Math.min(o.workers, o.serials.length);
    const barrier: BarrierBuffers = {
      control: new SharedArrayBuffer(4),
      untilMs: new SharedArrayBuffer(8),
      done: new SharedArrayBuffer(4 * n),
      poses: new SharedArrayBuffer(8 * POSE_STRIDE * o.serials.length),
    };
    const groups = Array.from({ length: n }, () => ({ serials: [] as string[], slots: [] as number[], starts: [] as Pose2[] }));
    o.serials.forEach((s, i) => {
      const g = groups[i % n]!;
      g.serials.push(s);
      g.slots.push(i);
      g.starts.push(o.starts[i]!);
    });
    const shards = groups.map((g, shard) => {
      const setup: ShardSetup = {
        campusFile: o.campusFile, shard, serials: g.serials, slots: g.slots, starts: g.starts, seed: o.seed, startMs: o.startMs,
        tripSeed: o.tripSeed, pedestrians: o.pedestrians ?? true, barrier,
      };
      return { worker: new Worker(BOOT, { eval: true, workerData: setup }), serials: g.serials };
    });
    const self = new FullFidelityShards(o, shards, barrier);
    await Promise.all(shards.map((s) => next(s.worker, 'ready')));
    return self;
  }

  get nowMs(): number {
    return this.#nowMs;
  }

  /** The latest sample of every robot, in serial order. */
  get samples(): ShardRobotSample[] {
    return this.#serials.map((serial, i) => {
      const o = i * POSE_STRIDE;
      return { serial, x: this.#poses[o]!, y: this.#poses[o + 1]!, theta: this.#poses[o + 2]!, activity: ACTIVITIES[this.#poses[o + 3]!] ?? 'idle' };
    });
  }

  /**
   * Advances every shard to `untilMs` in lock-step periods. Blocks the calling thread while the shards work (the
   * main thread has nothing to do meanwhile; it runs its own clock between steps).
   */
  runUntil(untilMs: number): void {
    while (this.#nowMs < untilMs) {
      const t = Math.min(untilMs, this.#nowMs + this.syncPeriodMs);
      this.#step(t);
      this.#nowMs = t;
      this.syncs++;
    }
  }

  /** Stops every shard; returns each shard's figures. */
  async stop(): Promise<ShardResult[]> {
    const replies = this.shards.map((s) => next(s.worker, 'stopped'));
    this.#untilMs[0] = Number.NaN;
    Atomics.add(this.#control, 0, 1);
    Atomics.notify(this.#control, 0);
    const out = await Promise.all(replies.map(async (r, i) => {
      const m = await r;
      return m.type === 'stopped' ? { serials: this.shards[i]!.serials, stats: m.stats, legs: m.legs, stuck: m.stuck } : undefined;
    }));
    await Promise.all(this.shards.map((s) => s.worker.terminate()));
    return out.filter((r) => r !== undefined);
  }

  #step(untilMs: number): void {
    const gen = ++this.#generation;
    this.#untilMs[0] = untilMs;
    Atomics.store(this.#control, 0, gen);
    Atomics.notify(this.#control, 0);
    for (let i = 0; i < this.shards.length; i++) {
      // A shard that died would leave us waiting forever: give up after a minute of wall time per step.
      for (let waited = 0; Atomics.load(this.#done, i) !== gen; waited++) {
        if (Atomics.wait(this.#done, i, Atomics.load(this.#done, i), 1000) === 'timed-out' && waited > 60) {
          throw new Error(`full-fidelity shard ${i} did not finish the step to ${untilMs} within a minute`);
        }
      }
    }
  }
}

/** The worker's next reply, which must be of type `want`; a failure or an exit before it rejects. */
function next(worker: Worker, want: ShardReply['type']): Promise<ShardReply> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: ShardReply) => {
      cleanup();
      if (m.type === want) resolve(m);
      else reject(new Error(`full-fidelity shard: expected '${want}', got ${m.type === 'failed' ? `a failure: ${m.message}` : `'${m.type}'`}`));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`full-fidelity shard exited with code ${code} before '${want}'`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
