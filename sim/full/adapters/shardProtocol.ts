/**
 * Between the main thread and a full-fidelity shard worker: plain messages for setup and stop, and shared memory for
 * the lock-step itself (a postMessage round trip per 100 ms step cost ~0.4 ms here, as much as the step's work).
 */
import type { Pose2 } from '../../../maps/index.ts';
import type { SimRobotActivity } from '../../runner/index.ts';
import type { FullFidelityStats } from '../FullFidelityFleet.ts';

export interface ShardSetup {
  /** Campus file the worker loads (the parsed map does not cross threads). */
  campusFile: string;
  /** This shard's index (its slot in `Barrier.done`). */
  shard: number;
  serials: string[];
  /** Global robot index of each serial (its slot in `Barrier.poses`). */
  slots: number[];
  starts: Pose2[];
  seed: number;
  startMs: number;
  /** Seed of the stand-in round-trip dispatcher (until the fleet server's orders cross the thread boundary). */
  tripSeed: number;
  pedestrians: boolean;
  barrier: BarrierBuffers;
}

/**
 * The lock-step barrier. `control[0]` is the step generation the main thread asks for (`untilMs[0]` the instant;
 * NaN asks the worker to leave the loop); `done[shard]` is the generation a shard has finished. `poses` holds x, y,
 * θ and an activity code per robot, written by its shard before it reports done.
 */
export interface BarrierBuffers {
  control: SharedArrayBuffer;
  untilMs: SharedArrayBuffer;
  done: SharedArrayBuffer;
  poses: SharedArrayBuffer;
}

export const ACTIVITIES: readonly SimRobotActivity[] = ['idle', 'driving', 'loading', 'waiting_handover', 'unloading', 'charging'];
export const POSE_STRIDE = 4;

export interface ShardRobotSample {
  serial: string;
  x: number;
  y: number;
  theta: number;
  activity: SimRobotActivity;
}

export type ShardReply =
  | { type: 'ready' }
  | { type: 'stopped'; stats: FullFidelityStats; legs: number; stuck: number }
  | { type: 'failed'; message: string };
