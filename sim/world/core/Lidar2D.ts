/**
 * A 2D LiDAR: beams swept around the robot, ray cast against the map's static obstacles and against circles
 * (pedestrians, other robots), with Gaussian range noise; beyond range reads Infinity as sensor_msgs/LaserScan
 * specifies (REP 117). When the map says nothing static is in range and no circle is near, the scan is all
 * Infinity and no ray is cast: most of a campus day is spent on open paths.
 */
import type { Random } from '../../../common/core/Random.ts';
import type { Circle, Pose2 } from '../../../maps/core/types.ts';
import type { ScanSource } from './ScanSource.ts';

export interface LidarParams {
  beams: number;
  /** Field of view, rad; 2π is a full sweep. */
  fovRad: number;
  rangeMaxM: number;
  rangeMinM: number;
  /** Range noise, m. */
  rangeNoiseSdM: number;
}

export const DEFAULT_LIDAR: LidarParams = {
  beams: 180,
  fovRad: 2 * Math.PI,
  rangeMaxM: 10,
  rangeMinM: 0.05,
  rangeNoiseSdM: 0.02,
};

/** A scan's geometry and ranges, in sensor_msgs/LaserScan terms (the node converts). */
export interface LidarScan {
  angleMinRad: number;
  angleIncrementRad: number;
  rangeMinM: number;
  rangeMaxM: number;
  ranges: Float32Array;
}

const NO_CIRCLES: ReadonlyArray<Circle> = Object.freeze([]);

export class Lidar2D {
  readonly params: LidarParams;
  readonly #rng: Random;
  readonly #source: ScanSource;
  readonly #near: Circle[] = [];
  readonly #scan: LidarScan;
  #raysCast = 0;
  #scansSkipped = 0;

  constructor(rng: Random, source: ScanSource, params: Partial<LidarParams> = {}) {
    this.params = { ...DEFAULT_LIDAR, ...params };
    const p = this.params;
    if (!Number.isInteger(p.beams) || p.beams < 1) throw new RangeError(`Lidar2D: beams must be an integer ≥ 1, got ${p.beams}`);
    this.#rng = rng;
    this.#source = source;
    // A full sweep must not repeat its first beam at +π; a partial one spans the field of view edge to edge.
    const full = p.fovRad >= 2 * Math.PI - 1e-9;
    const increment = full ? p.fovRad / p.beams : p.beams > 1 ? p.fovRad / (p.beams - 1) : 0;
    this.#scan = {
      angleMinRad: -p.fovRad / 2,
      angleIncrementRad: increment,
      rangeMinM: p.rangeMinM,
      rangeMaxM: p.rangeMaxM,
      ranges: new Float32Array(p.beams),
    };
  }

  /** Rays cast and scans skipped so far (for the simulator's performance report). */
  get stats(): { raysCast: number; scansSkipped: number } {
    return { raysCast: this.#raysCast, scansSkipped: this.#scansSkipped };
  }

  /**
   * Scans from `pose` with `circles` as moving obstacles (leave out this robot's own). The returned scan and its
   * ranges array are reused by the next call: copy them to keep them.
   */
  sample(pose: Pose2, circles: ReadonlyArray<Circle> = []): LidarScan {
    const p = this.params;
    const scan = this.#scan;
    // The circles in reach are written over the last scan's and the array cut to size only when the count changed
    // (`length = 0` then push gave it a new backing store every scan); none in reach passes the shared empty array.
    const near = this.#near;
    let n = 0;
    for (let k = 0; k < circles.length; k++) {
      const c = circles[k]!;
      const reach = p.rangeMaxM + c.radiusM;
      const dx = c.x - pose.x;
      const dy = c.y - pose.y;
      if (dx * dx + dy * dy <= reach * reach) {
        if (n < near.length) near[n] = c;
        else near.push(c);
        n++;
      }
    }
    if (n === 0 && this.#source.isClear(pose.x, pose.y, p.rangeMaxM)) {
      scan.ranges.fill(Infinity);
      this.#scansSkipped++;
      return scan;
    }
    if (n > 0 && near.length !== n) near.length = n;
    this.#source.castScan(pose, scan.angleMinRad, scan.angleIncrementRad, p.beams, p.rangeMaxM, scan.ranges, n === 0 ? NO_CIRCLES : near);
    this.#raysCast += p.beams;
    this.#addNoise(scan.ranges, p.rangeNoiseSdM, p.rangeMinM, p.rangeMaxM);
    return scan;
  }

  // Out of `sample`, so the engine inlines the per-beam `normal` draw here (in `sample` its inlining budget went on
  // the rest, and every draw came back as a boxed number: ~40 allocations a scan).
  #addNoise(r: Float32Array, sd: number, rangeMinM: number, rangeMaxM: number): void {
    const rng = this.#rng;
    for (let i = 0; i < r.length; i++) {
      const v = r[i]!;
      if (v === Infinity) continue;
      const noisy = v + rng.normal(0, sd);
      // Returns beyond range are no return; a noisy return below range_min is clamped, as drivers report it.
      r[i] = noisy > rangeMaxM ? Infinity : Math.max(rangeMinM, noisy);
    }
  }
}
