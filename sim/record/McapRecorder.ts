/**
 * Records a simulated run as an MCAP file that Foxglove opens directly: campus outlines and path network, each
 * robot's pose, LiDAR scans, plan, GNSS-style fix for the Map panel, and run events. JSON message encoding with
 * Foxglove's schema names; chunked and indexed so Foxglove seeks without reading the whole file. Log times are
 * SIMULATED time. See docs/sim-recording.md.
 *
 * The record methods are synchronous so the simulation loop does not await per message: they validate at once (a
 * bad value throws where it was produced), encode, and queue; the queue drains to the file in the background once
 * it holds `flushAtBytes`, and `flush()`/`close()` wait for it. A loop that never yields should call `flush()` now and
 * then to bound memory.
 */
import { LIBRARY_IDENTIFIER, McapWriter } from '@mcap/core';
import type { Pose2, Vec2 } from '../../maps/core/types.ts';
import { FileWritable } from './adapters/FileWritable.ts';
import { Decimator } from './core/Decimator.ts';
import {
  buildFrameTransform, buildLaserScan, buildLocationFix, buildLog, buildObstaclesUpdate, buildPathsUpdate,
  buildPlanUpdate, buildPoseInFrame, buildRobotBodiesUpdate,
} from './core/foxgloveMessages.ts';
import type { EventLevel, RecordCampus } from './core/foxgloveMessages.ts';
import { jsonSchemaBytes } from './core/foxgloveSchemas.ts';
import type { FoxgloveSchemaName } from './core/foxgloveSchemas.ts';
import { RecordError, requireFinite } from './core/RecordError.ts';
import { nsFromMs } from './core/simTime.ts';
import { robotTopics, SERIAL_PATTERN, TOPIC_BUILDINGS, TOPIC_EVENTS, TOPIC_PATHS, TOPIC_ROBOT_BODIES, TOPIC_TF } from './core/topics.ts';

export interface McapRecorderOptions {
  /** The campus (a CampusMap will do): outlines, path network, and the frame for lon/lat fixes. */
  campus: RecordCampus;
  /** Robot serial numbers; each gets its own topics and `<serial>/base_link` frame. */
  robots: readonly string[];
  /** Message set; only Foxglove's JSON schemas for now. */
  profile?: 'foxglove';
  /** Keep one pose (+ /tf) per robot every this many simulated ms; 0 keeps all. Default 500. */
  poseEveryMs?: number;
  /** Keep one LiDAR scan per robot every this many simulated ms; 0 keeps all. Default 2000. */
  scanEveryMs?: number;
  /** Keep one lon/lat fix per robot every this many simulated ms (taken from pose calls). Default 5000. */
  fixEveryMs?: number;
  /** Decimal places kept of a LiDAR range, m. Default 3 (mm; sensor noise is cm). */
  rangeDecimals?: number;
  /** Bytes of uncompressed messages per MCAP chunk; smaller seeks finer, larger indexes less. Default 1 MiB. */
  chunkSizeBytes?: number;
  /** Queued bytes that start a background write. Default 4 MiB. */
  flushAtBytes?: number;
  /** Box drawn for each robot. Default 0.7 × 0.5 × 0.6 m. */
  robotSize?: { lengthM: number; widthM: number; heightM: number };
  /** Simulated start time for the map messages; default: the time of the first recorded call. */
  startMs?: number;
  /** Extra key/values for the file's `campus-fleet.run` metadata record (seed, scenario, …). */
  metadata?: Readonly<Record<string, string>>;
}

/** What `close()` reports. */
export interface RecordingSummary {
  path: string;
  bytes: number;
  messages: number;
  /** First and last log time, simulated ns since the epoch (0n when nothing was recorded). */
  startNs: bigint;
  endNs: bigint;
}

interface Pending {
  channelId: number;
  logTime: bigint;
  data: Uint8Array;
}

interface FixedChannels {
  buildings: number;
  paths: number;
  bodies: number;
  tf: number;
  events: number;
}

interface RobotChannels {
  pose: number;
  fix: number;
  scan: number;
  plan: number;
}

const encoder = new TextEncoder();

export class McapRecorder {
  readonly path: string;
  readonly #file: FileWritable;
  readonly #writer: McapWriter;
  readonly #campus: RecordCampus;
  readonly #robots: ReadonlyMap<string, RobotChannels>;
  readonly #fixed: FixedChannels;
  readonly #poses: Decimator;
  readonly #scans: Decimator;
  readonly #fixes: Decimator;
  readonly #rangeDecimals: number;
  readonly #flushAtBytes: number;
  readonly #robotSize: { lengthM: number; widthM: number; heightM: number };
  readonly #startMs: number | undefined;
  readonly #sequence = new Map<number, number>();
  #pending: Pending[] = [];
  #pendingBytes = 0;
  #writing: Promise<void> = Promise.resolve();
  #failure: unknown;
  #lastMs = -Infinity;
  #mapWritten = false;
  #messages = 0;
  #firstNs: bigint | undefined;
  #lastNs = 0n;
  #closing: Promise<RecordingSummary> | undefined;

  private constructor(path: string, file: FileWritable, writer: McapWriter, options: McapRecorderOptions,
    robots: ReadonlyMap<string, RobotChannels>, fixed: FixedChannels) {
    this.path = path;
    this.#file = file;
    this.#writer = writer;
    this.#campus = options.campus;
    this.#robots = robots;
    this.#fixed = fixed;
    this.#poses = new Decimator(options.poseEveryMs ?? 500);
    this.#scans = new Decimator(options.scanEveryMs ?? 2000);
    this.#fixes = new Decimator(options.fixEveryMs ?? 5000);
    this.#rangeDecimals = options.rangeDecimals ?? 3;
    this.#flushAtBytes = options.flushAtBytes ?? 4 * 1024 * 1024;
    this.#robotSize = options.robotSize ?? { lengthM: 0.7, widthM: 0.5, heightM: 0.6 };
    this.#startMs = options.startMs;
  }

  /** Creates `path` and writes the header, metadata, schemas and channels. Throws RECORD_BAD_INPUT or RECORD_IO. */
  static async open(path: string, options: McapRecorderOptions): Promise<McapRecorder> {
    validateOptions(options);
    let file: FileWritable;
    try {
      file = await FileWritable.create(path);
    } catch (cause) {
      throw new RecordError('RECORD_IO', `McapRecorder.open: cannot create ${path}: ${String(cause)}`, { cause });
    }
    try {
      const writer = new McapWriter({ writable: file, useChunks: true, chunkSize: options.chunkSizeBytes ?? 1024 * 1024 });
      // No wall-clock time or host name goes in: the same run must give the same bytes.
      await writer.start({ profile: '', library: `campus-fleet sim/record; ${LIBRARY_IDENTIFIER}` });
      await writer.addMetadata({
        name: 'campus-fleet.run',
        metadata: new Map<string, string>([
          ['campus', options.campus.name],
          ['robots', options.robots.join(',')],
          ['time', 'simulated'],
          ['poseEveryMs', String(options.poseEveryMs ?? 500)],
          ['scanEveryMs', String(options.scanEveryMs ?? 2000)],
          ['fixEveryMs', String(options.fixEveryMs ?? 5000)],
          ...Object.entries(options.metadata ?? {}),
        ]),
      });
      const schemaIds = new Map<FoxgloveSchemaName, number>();
      const channel = async (topic: string, schema: FoxgloveSchemaName): Promise<number> => {
        let schemaId = schemaIds.get(schema);
        if (schemaId === undefined) {
          schemaId = await writer.registerSchema({ name: schema, encoding: 'jsonschema', data: jsonSchemaBytes(schema) });
          schemaIds.set(schema, schemaId);
        }
        return writer.registerChannel({ topic, schemaId, messageEncoding: 'json', metadata: new Map() });
      };
      const fixed: FixedChannels = {
        buildings: await channel(TOPIC_BUILDINGS, 'foxglove.SceneUpdate'),
        paths: await channel(TOPIC_PATHS, 'foxglove.SceneUpdate'),
        bodies: await channel(TOPIC_ROBOT_BODIES, 'foxglove.SceneUpdate'),
        tf: await channel(TOPIC_TF, 'foxglove.FrameTransform'),
        events: await channel(TOPIC_EVENTS, 'foxglove.Log'),
      };
      const robots = new Map<string, RobotChannels>();
      for (const serial of options.robots) {
        const t = robotTopics(serial);
        robots.set(serial, {
          pose: await channel(t.pose, 'foxglove.PoseInFrame'),
          fix: await channel(t.fix, 'foxglove.LocationFix'),
          scan: await channel(t.scan, 'foxglove.LaserScan'),
          plan: await channel(t.plan, 'foxglove.SceneUpdate'),
        });
      }
      return new McapRecorder(path, file, writer, options, robots, fixed);
    } catch (cause) {
      await file.close().catch(() => undefined);
      throw new RecordError('RECORD_IO', `McapRecorder.open: cannot write the MCAP header of ${path}: ${String(cause)}`, { cause });
    }
  }

  /** Messages queued but not yet handed to the writer. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /**
   * The robot's true pose at simulated time tMs (ms since the epoch). Writes PoseInFrame and the map→base_link
   * transform when the pose decimation keeps it, and a LocationFix when the fix decimation does. Returns whether
   * the pose was kept.
   */
  pose(serial: string, tMs: number, pose: Pose2): boolean {
    const where = `McapRecorder.pose(${serial}, t=${tMs})`;
    const ch = this.#robot(where, serial);
    requireFinite(where, { tMs, x: pose.x, y: pose.y, theta: pose.theta });
    this.#advance(where, tMs);
    const tNs = nsFromMs(tMs);
    if (this.#fixes.take(serial, tMs)) {
      this.#push(ch.fix, tNs, buildLocationFix(tNs, serial, this.#campus.frame.toLonLat(pose)));
    }
    if (!this.#poses.take(serial, tMs)) return false;
    this.#push(ch.pose, tNs, buildPoseInFrame(tNs, pose));
    this.#push(this.#fixed.tf, tNs, buildFrameTransform(tNs, serial, pose));
    return true;
  }

  /**
   * A LiDAR scan in the robot's frame (sensor_msgs/LaserScan terms: +Infinity or NaN = no return). Returns whether
   * the scan decimation kept it. `ranges` is copied, so a reused buffer (Lidar2D's) is fine.
   */
  scan(serial: string, tMs: number, ranges: ArrayLike<number>, angleMinRad: number, angleIncrementRad: number, rangeMaxM: number): boolean {
    const where = `McapRecorder.scan(${serial}, t=${tMs})`;
    const ch = this.#robot(where, serial);
    requireFinite(where, { tMs, angleMinRad, angleIncrementRad, rangeMaxM });
    this.#advance(where, tMs);
    if (!this.#scans.take(serial, tMs)) return false;
    const tNs = nsFromMs(tMs);
    this.#push(ch.scan, tNs, buildLaserScan(tNs, serial, ranges, angleMinRad, angleIncrementRad, rangeMaxM, { rangeDecimals: this.#rangeDecimals }));
    return true;
  }

  /** The robot's current plan in metres (map frame); fewer than 2 points clears it. Never decimated. */
  plan(serial: string, tMs: number, points: ReadonlyArray<Vec2>): void {
    const where = `McapRecorder.plan(${serial}, t=${tMs})`;
    const ch = this.#robot(where, serial);
    requireFinite(where, { tMs });
    points.forEach((p, i) => requireFinite(where, { [`points[${i}].x`]: p.x, [`points[${i}].y`]: p.y }));
    this.#advance(where, tMs);
    const tNs = nsFromMs(tMs);
    this.#push(ch.plan, tNs, buildPlanUpdate(tNs, serial, points));
  }

  /** A run event (delivery, collision, low battery, …) on /events. Never decimated. */
  event(tMs: number, level: EventLevel, text: string): void {
    const where = `McapRecorder.event(t=${tMs})`;
    requireFinite(where, { tMs });
    if (!['debug', 'info', 'warning', 'error'].includes(level)) {
      throw new RecordError('RECORD_BAD_INPUT', `${where}: level must be debug, info, warning or error, got ${String(level)}`);
    }
    this.#advance(where, tMs);
    const tNs = nsFromMs(tMs);
    this.#push(this.#fixed.events, tNs, buildLog(tNs, level, text));
  }

  /** Waits until everything recorded so far is handed to the writer (whole chunks are on disk). */
  async flush(): Promise<void> {
    this.#drainSoon();
    await this.#writing;
    this.#throwIfFailed('flush');
  }

  /** Flushes, writes the summary and index, closes the file. Calling it again returns the same result. */
  close(): Promise<RecordingSummary> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<RecordingSummary> {
    try {
      await this.flush();
      await this.#writer.end();
    } catch (cause) {
      await this.#file.close().catch(() => undefined);
      if (cause instanceof RecordError) throw cause;
      throw new RecordError('RECORD_IO', `McapRecorder.close: cannot finish ${this.path}: ${String(cause)}`, { cause });
    }
    await this.#file.close();
    return { path: this.path, bytes: Number(this.#file.position()), messages: this.#messages, startNs: this.#firstNs ?? 0n, endNs: this.#lastNs };
  }

  #robot(where: string, serial: string): RobotChannels {
    const ch = this.#robots.get(serial);
    if (ch === undefined) {
      throw new RecordError('RECORD_BAD_INPUT', `${where}: robot ${JSON.stringify(serial)} was not listed in McapRecorder.open({ robots })`);
    }
    return ch;
  }

  /** Checks the recorder is open and time runs forward; writes the map once, at the first recorded time. */
  #advance(where: string, tMs: number): void {
    if (this.#closing !== undefined) throw new RecordError('RECORD_CLOSED', `${where}: the recording ${this.path} is closed`);
    this.#throwIfFailed(where);
    if (tMs < this.#lastMs) {
      throw new RecordError('RECORD_TIME_BACKWARDS', `${where}: simulated time went back from ${this.#lastMs} to ${tMs} ms`);
    }
    this.#lastMs = tMs;
    if (!this.#mapWritten) {
      this.#mapWritten = true;
      const t0Ns = nsFromMs(this.#startMs !== undefined && this.#startMs <= tMs ? this.#startMs : tMs);
      this.#push(this.#fixed.buildings, t0Ns, buildObstaclesUpdate(t0Ns, this.#campus));
      this.#push(this.#fixed.paths, t0Ns, buildPathsUpdate(t0Ns, this.#campus));
      this.#push(this.#fixed.bodies, t0Ns, buildRobotBodiesUpdate(t0Ns, [...this.#robots.keys()], this.#robotSize));
    }
  }

  #push(channelId: number, logTime: bigint, message: unknown): void {
    const data = encoder.encode(JSON.stringify(message));
    this.#pending.push({ channelId, logTime, data });
    this.#pendingBytes += data.byteLength;
    this.#messages++;
    this.#firstNs ??= logTime;
    this.#lastNs = logTime;
    if (this.#pendingBytes >= this.#flushAtBytes) this.#drainSoon();
  }

  #drainSoon(): void {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#writing = this.#writing.then(async () => {
      if (this.#failure !== undefined) return;
      for (const m of batch) {
        const sequence = (this.#sequence.get(m.channelId) ?? 0) + 1;
        this.#sequence.set(m.channelId, sequence);
        await this.#writer.addMessage({ channelId: m.channelId, sequence, logTime: m.logTime, publishTime: m.logTime, data: m.data });
      }
    }).catch((cause: unknown) => {
      this.#failure ??= cause;
    });
  }

  #throwIfFailed(where: string): void {
    if (this.#failure !== undefined) {
      throw new RecordError('RECORD_IO', `${where}: writing ${this.path} failed: ${String(this.#failure)}`, { cause: this.#failure });
    }
  }
}

function validateOptions(o: McapRecorderOptions): void {
  const where = 'McapRecorder.open';
  if (o.profile !== undefined && o.profile !== 'foxglove') {
    throw new RecordError('RECORD_BAD_INPUT', `${where}: profile must be 'foxglove', got ${JSON.stringify(o.profile)}`);
  }
  if (o.robots.length === 0) throw new RecordError('RECORD_BAD_INPUT', `${where}: robots is empty; list the serials to record`);
  const seen = new Set<string>();
  for (const s of o.robots) {
    if (!SERIAL_PATTERN.test(s)) {
      throw new RecordError('RECORD_BAD_INPUT', `${where}: robot serial ${JSON.stringify(s)} must match ${SERIAL_PATTERN} (it becomes a topic and frame name)`);
    }
    if (seen.has(s)) throw new RecordError('RECORD_BAD_INPUT', `${where}: robot serial ${s} is listed twice`);
    seen.add(s);
  }
  for (const [name, v] of [['poseEveryMs', o.poseEveryMs], ['scanEveryMs', o.scanEveryMs], ['fixEveryMs', o.fixEveryMs]] as const) {
    if (v !== undefined && (!Number.isFinite(v) || v < 0)) throw new RecordError('RECORD_BAD_INPUT', `${where}: ${name} must be a finite number ≥ 0, got ${v}`);
  }
  if (o.rangeDecimals !== undefined && (!Number.isInteger(o.rangeDecimals) || o.rangeDecimals < 0 || o.rangeDecimals > 9)) {
    throw new RecordError('RECORD_BAD_INPUT', `${where}: rangeDecimals must be an integer 0..9, got ${o.rangeDecimals}`);
  }
  for (const [name, v] of [['chunkSizeBytes', o.chunkSizeBytes], ['flushAtBytes', o.flushAtBytes]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v <= 0)) throw new RecordError('RECORD_BAD_INPUT', `${where}: ${name} must be a positive integer, got ${v}`);
  }
  if (o.startMs !== undefined) requireFinite(where, { startMs: o.startMs });
}
