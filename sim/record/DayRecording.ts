/**
 * A simulated day recorded for Foxglove while it runs (`sim day --record`): the DayObserver that runDay calls, writing
 * through McapRecorder. Each robot's true pose (and /tf, lon/lat fix), the route of each leg it starts, its activity
 * changes and every hand-over as events. Whole days are long, so the defaults keep a pose every 2 s (a minute apart
 * while the robot stands still) and a fix every 10 s (docs/sim-recording.md "Size").
 */
import type { DayObserver, ObservedRobot } from '../runner/DayObserver.ts';
import type { Vec2 } from '../../maps/core/types.ts';
import type { RecordCampus } from './core/foxgloveMessages.ts';
import { RecordError } from './core/RecordError.ts';
import { McapRecorder, type RecordingSummary } from './McapRecorder.ts';

export interface DayRecordingOptions {
  campus: RecordCampus;
  /** Every robot of the day; the recording keeps those in `only` (default: all). */
  robots: readonly string[];
  only?: readonly string[];
  /** Simulated ms between kept poses. Default 2000. */
  poseEveryMs?: number;
  /** Simulated ms between kept lon/lat fixes. Default 10000. */
  fixEveryMs?: number;
  /** Simulated ms between kept LiDAR scans (full fidelity on the day's thread). Default 10000. */
  scanEveryMs?: number;
  metadata?: Readonly<Record<string, string>>;
}

const PARKED_POSE_EVERY_MS = 60_000;

export class DayRecording implements DayObserver {
  readonly tickEveryMs: number;
  readonly #rec: McapRecorder;
  readonly #kept: ReadonlySet<string>;
  readonly #activity = new Map<string, string>();
  readonly #lastScanMs = new Map<string, number>();
  /** The latest time handed to the recorder (a scan taken before it is written at it). */
  #writtenMs = -Infinity;
  /** The last pose written per robot, and when: a parked robot gets one pose a minute, not one per tick. */
  readonly #lastPose = new Map<string, { x: number; y: number; theta: number; tMs: number }>();

  private constructor(rec: McapRecorder, kept: ReadonlySet<string>, tickEveryMs: number) {
    this.#rec = rec;
    this.#kept = kept;
    this.tickEveryMs = tickEveryMs;
  }

  /** Creates the file. Throws RECORD_BAD_INPUT for a robot in `only` that the day does not have, RECORD_IO. */
  static async open(path: string, o: DayRecordingOptions): Promise<DayRecording> {
    const all = new Set(o.robots);
    const only = o.only ?? o.robots;
    const unknown = only.filter((s) => !all.has(s));
    if (unknown.length > 0) {
      throw new RecordError('RECORD_BAD_INPUT', `DayRecording: robots ${unknown.join(', ')} are not in this day (it has ${o.robots[0]}…${o.robots.at(-1)})`);
    }
    const poseEveryMs = o.poseEveryMs ?? 2000;
    if (!(Number.isFinite(poseEveryMs) && poseEveryMs > 0)) {
      throw new RecordError('RECORD_BAD_INPUT', `DayRecording: poseEveryMs must be > 0, got ${poseEveryMs}`);
    }
    const rec = await McapRecorder.open(path, {
      campus: o.campus, robots: only, poseEveryMs, fixEveryMs: o.fixEveryMs ?? 10_000, scanEveryMs: o.scanEveryMs ?? 10_000, ...(o.metadata ? { metadata: o.metadata } : {}),
    });
    return new DayRecording(rec, new Set(only), poseEveryMs);
  }

  tick(tMs: number, robots: readonly ObservedRobot[]): void {
    // Scans first, at the time each was taken (≤ 100 ms before this tick) but never before what is already written:
    // the recording's times must not go back.
    for (const r of robots) {
      const scan = this.#kept.has(r.serial) ? r.lastScan?.() : undefined;
      if (scan === undefined || scan.tMs <= (this.#lastScanMs.get(r.serial) ?? -Infinity)) continue;
      this.#lastScanMs.set(r.serial, scan.tMs);
      this.#writtenMs = Math.min(tMs, Math.max(scan.tMs, this.#writtenMs));
      this.#rec.scan(r.serial, this.#writtenMs, scan.ranges, scan.angleMinRad, scan.angleIncrementRad, scan.rangeMaxM);
    }
    this.#reached(tMs);
    for (const r of robots) {
      if (!this.#kept.has(r.serial)) continue;
      const activity = r.activity();
      if (this.#activity.get(r.serial) !== activity) {
        this.#activity.set(r.serial, activity);
        this.#rec.event(tMs, 'debug', `${r.serial} ${activity.replace('_', ' ')}`);
      }
      const pose = r.motion.poseNow();
      const last = this.#lastPose.get(r.serial);
      if (last !== undefined && tMs - last.tMs < PARKED_POSE_EVERY_MS && Math.abs(pose.x - last.x) < 0.001 &&
        Math.abs(pose.y - last.y) < 0.001 && Math.abs(pose.theta - last.theta) < 0.001) continue;
      if (this.#rec.pose(r.serial, tMs, pose)) this.#lastPose.set(r.serial, { x: pose.x, y: pose.y, theta: pose.theta, tMs });
    }
  }

  leg(tMs: number, serial: string, points: readonly Vec2[]): void {
    this.#reached(tMs);
    if (this.#kept.has(serial)) this.#rec.plan(serial, tMs, points);
  }

  handover(tMs: number, serial: string, parcelId: string, withCode: boolean): void {
    this.#reached(tMs);
    if (!this.#kept.has(serial)) return;
    this.#rec.event(tMs, withCode ? 'info' : 'error', `${serial} handed over ${parcelId}${withCode ? '' : ' WITHOUT the recipient\'s code'}`);
  }

  /** Writes what is queued; call now and then on a long day to bound memory. */
  flush(): Promise<void> {
    return this.#rec.flush();
  }

  /** The day has reached tMs: nothing later written may be stamped before it. */
  #reached(tMs: number): void {
    if (tMs > this.#writtenMs) this.#writtenMs = tMs;
  }

  close(): Promise<RecordingSummary> {
    return this.#rec.close();
  }
}
