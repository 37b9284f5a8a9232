/**
 * Between `runDay`'s main thread and a full-fidelity day shard (a worker thread with its own robots, world, crowd
 * and clock): one synchronous request/response channel per shard in shared memory. The main thread writes a JSON
 * request, bumps `control[0]` and blocks until `control[1]` echoes it; the worker answers in the response buffer.
 * Synchronous on purpose: the main thread's VirtualClock must not move on while a shard works, and a keypad entry
 * (a recipient at a robot) needs its answer at once. Per-robot samples (pose, activity, battery) sit in a shared
 * Float64Array the shard refreshes after every step, so the main thread reads them without a message; before each
 * step the main thread copies them into `lastStep`, from which every shard places the other shards' robots in its
 * World (a shard cannot read the live samples while stepping: another may already be writing its step's end there).
 */
import type { Pose2 } from '../../../maps/index.ts';
import type { KeypadResult } from '../../../robot/mission/index.ts';
import type { FullFidelityStats } from '../FullFidelityFleet.ts';
import type { StallTraceSummary } from '../StallTrace.ts';
import type { CrossTrackWorst } from '../GroundTruthMetrics.ts';
import type { RemoteRobot } from './addRemoteRobots.ts';

export interface DayShardSetup {
  campusFile: string;
  serials: string[];
  /** Global robot index of each serial (its row in `samples`). */
  slots: number[];
  starts: Pose2[];
  /** The other shards' robots, held in this shard's World as remote bodies (addRemoteRobots). */
  remotes: RemoteRobot[];
  seed: number;
  startMs: number;
  manufacturer: string;
  compartments: number;
  loadPerParcelS: number;
  takeParcelS: number;
  battery: { capacityWh: number; whPerM: number; idleW: number; chargeW: number };
  statePeriodMs: number;
  visualizationPeriodMs: number;
  speedMps: number;
  docks: Array<{ x: number; y: number }>;
  channel: DayShardChannel;
}

export interface DayShardChannel {
  /** [0]: request sequence (main writes), [1]: answered sequence (worker writes), [2]: request bytes, [3]: response bytes. */
  control: SharedArrayBuffer;
  request: SharedArrayBuffer;
  response: SharedArrayBuffer;
  /** SAMPLE_STRIDE numbers per robot of the whole day (all shards), by global robot index. */
  samples: SharedArrayBuffer;
  /** `samples` as of the end of the last lock-step, same layout: written by the main thread only, between steps. */
  lastStep: SharedArrayBuffer;
}

/** x, y, θ, activity index, battery %, energy used Wh. */
export const SAMPLE_STRIDE = 6;
/** Activity codes in the shared sample buffer: the same table as the round-trip shards'. */
export { ACTIVITIES as ACTIVITY_CODES } from './shardProtocol.ts';

/** A VDA 5050 message crossing the thread boundary (payload as UTF-8 text). */
export interface RelayedMessage {
  topic: string;
  payload: string;
}

export type DayShardRequest =
  /** Run to `untilMs`, then hand the robots the master's messages sent up to then. */
  | { type: 'step'; untilMs: number; inbound: RelayedMessage[] }
  | { type: 'code'; serial: string; code: string; parcelId?: string }
  | { type: 'finish' };

/** What robots' hooks reported (runDay's onLeg / onHandoverOpen), in order. */
export type HookEvent =
  | { kind: 'leg'; serial: string; points: Array<{ x: number; y: number }>; edges: number[] }
  | { kind: 'handover'; serial: string; parcelId: string; typed: string | undefined };

/** Ground truth per robot, for the day's record. */
export interface RobotTruth {
  serial: string;
  distanceM: number;
  collisions: number;
  nearMisses: number;
  poses: number;
  sumSqM2: number;
  ctN: number;
  ctSumSqM2: number;
  /** The worst cross-track sample, for the day's `off-path` event. */
  ctWorst?: CrossTrackWorst;
  /** Time per controller state with a goal pending, and where the robot stood still with one. */
  stalls: StallTraceSummary;
}

/** A contact for the day's events: when, which robot, with what, how close, and what the robot was doing. */
export interface DayContactEvent {
  timeMs: number;
  robotId: string;
  kind: string;
  gapM: number;
  detail?: string;
}

export type DayShardResponse = { outbound: RelayedMessage[]; hooks: HookEvent[] } & (
  | { type: 'stepped' }
  | { type: 'code'; result: { result: KeypadResult; attemptsLeft?: number } }
  | {
    type: 'finished';
    truth: RobotTruth[];
    stats: FullFidelityStats;
    contacts: { collisions: number; nearMisses: number; collisionsByKind: Record<string, number> };
    events: DayContactEvent[];
  }
  | { type: 'failed'; message: string }
);

/** Bytes for a request / a response; a day's step carries a few kB, an order with 24 parcels ~20 kB. */
export const REQUEST_BYTES = 4 << 20;
export const RESPONSE_BYTES = 16 << 20;

export function writeJson(buffer: SharedArrayBuffer, control: Int32Array, lengthSlot: number, value: unknown): void {
  const text = JSON.stringify(value);
  const bytes = Buffer.byteLength(text);
  if (bytes > buffer.byteLength) throw new RangeError(`full-fidelity shard channel: a ${bytes}-byte message exceeds ${buffer.byteLength} bytes`);
  Buffer.from(buffer).write(text, 0, 'utf8');
  control[lengthSlot] = bytes;
}

export function readJson<T>(buffer: SharedArrayBuffer, control: Int32Array, lengthSlot: number): T {
  return JSON.parse(Buffer.from(buffer, 0, control[lengthSlot]!).toString('utf8')) as T;
}
