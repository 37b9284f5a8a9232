import { AppError } from '../../common/core/AppError.ts';
import type { Circle, Pose2, Segment, Vec2 } from './types.ts';
import { pointSegmentDistanceSq, rayCircleDistance, raySegmentDistance } from './castRaySegment.ts';

/** Options for building an ObstacleIndex. */
export interface ObstacleIndexOptions {
  /**
   * Edge of a grid cell, metres. Smaller cells mean fewer segments per cell but more cells per ray or scan window.
   * On the shared 2-core machine 1–8 m all came within about 2× of each other for 10 m scans (bench/raycast.bench.ts
   * prints a sweep; runs were noisy); 2 m keeps single castRay and nearestDistance calls cheap too.
   */
  cellSizeM?: number;
}

export const DEFAULT_CELL_SIZE_M = 2;

/**
 * The grid is dense, so its size is capped; geometry spread over a larger area gets proportionally larger cells
 * (`cellSizeM` reports the size actually used). 4 Mi cells is 16 MiB of cell offsets.
 */
const MAX_CELLS = 1 << 22;
/**
 * castScan collects the segments within range once per scan when the square around the pose spans at most this many
 * cells; beyond that (very long range, tiny cells) it walks the grid beam by beam instead.
 */
const SWEEP_MAX_CELLS = 4096;
/** Ring cells (for containsPoint) are this many segment cells a side. */
const RING_CELL_FACTOR = 16;
/** Chebyshev cell distance meaning "no segment anywhere". */
const FAR = 0xffff;
/** containsPoint's per-cell memo values. */
const OUTSIDE = 1;
const INSIDE = 2;

export type ObstacleIndexErrorCode = 'OBSTACLE_BAD_GEOMETRY' | 'OBSTACLE_BAD_QUERY';

/**
 * A fault in what was given to ObstacleIndex: `OBSTACLE_BAD_GEOMETRY` from the factories (names the ring and vertex,
 * or the segment), `OBSTACLE_BAD_QUERY` from a query with a non-finite position or angle, a negative or NaN range,
 * or a bad scan shape. A NaN pose is a bug upstream; answering "no obstacle" would let it drive through walls.
 */
export class ObstacleIndexError extends AppError {
  constructor(code: ObstacleIndexErrorCode, message: string) {
    super(code, message);
  }
}

const isFiniteNumber = (v: number): boolean => v - v === 0;

/**
 * Static obstacle geometry (building outlines, water edges, walls) in the metric frame, in a uniform grid so that
 * LiDAR rays, clearance queries and scan matching only meet nearby segments.
 *
 * Layout: segments are packed four numbers each (`ax, ay, ex, ey`, with E = B − A) in one Float64Array; each grid
 * cell lists the segments that touch it (plus a hair of margin, so a ray through a cell corner cannot slip between
 * two cells) in CSR form. A ray walks the cells it crosses (Amanatides–Woo) and stops at the first cell whose best
 * hit is no farther than the cell's exit; a per-segment stamp stops a segment that spans several cells being tested
 * twice in one ray. Each cell also stores its Chebyshev distance to the nearest non-empty cell, which answers
 * "anything within range?" in O(1) for most points in the open.
 *
 * Queries allocate nothing (except `forEachSegmentNear` when called from inside its own callback). Not safe to share
 * between threads: the stamps are per instance, so build one index per worker.
 */
export class ObstacleIndex {
  /** Number of segments (ring edges, or the segments given). */
  readonly segmentCount: number;
  /** Number of closed rings with area that `containsPoint` tests. */
  readonly ringCount: number;
  /** Grid cell size actually used, metres (see MAX_CELLS). */
  readonly cellSizeM: number;
  /** The segments, frozen; index i is the `index` that forEachSegmentNear reports. */
  readonly segments: ReadonlyArray<Readonly<Segment>>;

  readonly #seg: Float64Array;
  readonly #ox: number;
  readonly #oy: number;
  readonly #nx: number;
  readonly #ny: number;
  readonly #inv: number;
  readonly #cellStart: Int32Array;
  readonly #cellItems: Int32Array;
  readonly #chebyshev: Uint16Array;
  readonly #ringFirst: Int32Array;
  readonly #ringEnd: Int32Array;
  readonly #ringBox: Float64Array;
  readonly #ringCellSizeM: number;
  readonly #ringNx: number;
  readonly #ringCellStart: Int32Array;
  readonly #ringCellItems: Int32Array;
  readonly #stamp: Uint32Array;
  #stampId = 0;
  #scratch: Int32Array;
  #scratchBusy = false;
  #circleBuf = new Float64Array(48);
  #ranges = new Float64Array(0);
  /** #scanBySweep's beam directions, NaN for a beam not yet needed (every entry is NaN between scans). */
  #dirX = new Float64Array(0);
  #dirY = new Float64Array(0);
  /** The beams #scanBySweep needed, in the order it first did. */
  #touched = new Int32Array(0);
  readonly #arcPairs = new Int32Array(16);
  /** Per grid cell, for containsPoint: 0 not asked yet, else INSIDE or OUTSIDE (empty cells only); built on first use. */
  #insideCell: Uint8Array | undefined;

  private constructor(seg: Float64Array, ringFirst: Int32Array, ringEnd: Int32Array, cellSizeM: number) {
    const n = seg.length / 4;
    this.segmentCount = n;
    this.ringCount = ringFirst.length;
    this.#seg = seg;
    this.#ringFirst = ringFirst;
    this.#ringEnd = ringEnd;
    this.#stamp = new Uint32Array(n);
    this.#scratch = new Int32Array(Math.max(16, n));

    const segments: Readonly<Segment>[] = [];
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let s = 0; s < n; s++) {
      const ax = seg[4 * s]!;
      const ay = seg[4 * s + 1]!;
      const bx = ax + seg[4 * s + 2]!;
      const by = ay + seg[4 * s + 3]!;
      segments.push(Object.freeze({ ax, ay, bx, by }));
      minX = Math.min(minX, ax, bx);
      maxX = Math.max(maxX, ax, bx);
      minY = Math.min(minY, ay, by);
      maxY = Math.max(maxY, ay, by);
    }
    this.segments = Object.freeze(segments);
    if (n === 0) {
      minX = maxX = minY = maxY = 0;
    }

    // One empty cell of padding on every side keeps points just outside the geometry inside the grid.
    let cs = cellSizeM;
    let nx = Math.floor((maxX - minX) / cs) + 3;
    let ny = Math.floor((maxY - minY) / cs) + 3;
    while (nx * ny > MAX_CELLS) {
      cs *= 1.25;
      nx = Math.floor((maxX - minX) / cs) + 3;
      ny = Math.floor((maxY - minY) / cs) + 3;
    }
    this.cellSizeM = cs;
    this.#nx = nx;
    this.#ny = ny;
    this.#inv = 1 / cs;
    this.#ox = minX - cs;
    this.#oy = minY - cs;

    const cellCount = nx * ny;
    const cellStart = new Int32Array(cellCount + 1);
    this.#forEachCellOfEverySegment((c) => { cellStart[c + 1]!++; });
    for (let c = 0; c < cellCount; c++) cellStart[c + 1]! += cellStart[c]!;
    const cellItems = new Int32Array(cellStart[cellCount]!);
    const fill = cellStart.slice(0, cellCount);
    this.#forEachCellOfEverySegment((c, s) => { cellItems[fill[c]!++] = s; });
    this.#cellStart = cellStart;
    this.#cellItems = cellItems;
    this.#chebyshev = this.#chebyshevToOccupied();

    // Rings go in a coarser grid of their own: a river outline kilometres wide would fill millions of fine cells.
    const rcs = cs * RING_CELL_FACTOR;
    const rnx = Math.ceil((nx * cs) / rcs);
    const rny = Math.ceil((ny * cs) / rcs);
    const ringCellCount = rnx * rny;
    const ringBox = new Float64Array(4 * this.ringCount);
    const ringCellStart = new Int32Array(ringCellCount + 1);
    const ringCells = (r: number, visit: (c: number) => void) => {
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      for (let s = ringFirst[r]!; s < ringEnd[r]!; s++) {
        x0 = Math.min(x0, seg[4 * s]!);
        x1 = Math.max(x1, seg[4 * s]!);
        y0 = Math.min(y0, seg[4 * s + 1]!);
        y1 = Math.max(y1, seg[4 * s + 1]!);
      }
      ringBox.set([x0, y0, x1, y1], 4 * r);
      const i1 = Math.min(rnx - 1, Math.floor((x1 - this.#ox) / rcs));
      const j1 = Math.min(rny - 1, Math.floor((y1 - this.#oy) / rcs));
      for (let j = Math.floor((y0 - this.#oy) / rcs); j <= j1; j++) {
        for (let i = Math.floor((x0 - this.#ox) / rcs); i <= i1; i++) visit(j * rnx + i);
      }
    };
    for (let r = 0; r < this.ringCount; r++) ringCells(r, (c) => { ringCellStart[c + 1]!++; });
    for (let c = 0; c < ringCellCount; c++) ringCellStart[c + 1]! += ringCellStart[c]!;
    const ringCellItems = new Int32Array(ringCellStart[ringCellCount]!);
    const ringFill = ringCellStart.slice(0, ringCellCount);
    for (let r = 0; r < this.ringCount; r++) ringCells(r, (c) => { ringCellItems[ringFill[c]!++] = r; });
    this.#ringCellSizeM = rcs;
    this.#ringNx = rnx;
    this.#ringBox = ringBox;
    this.#ringCellStart = ringCellStart;
    this.#ringCellItems = ringCellItems;
  }

  /**
   * Builds the index from polygon rings (building outlines, water, walls) in the metric frame. Each ring's edges
   * become segments; an open ring (last vertex ≠ first) gets its closing edge. Repeated consecutive vertices are
   * skipped. A ring with only two distinct vertices is a single wall segment (no area, ignored by containsPoint).
   * @throws ObstacleIndexError `OBSTACLE_BAD_GEOMETRY` naming the ring and vertex for a non-finite coordinate, or a
   *   ring with fewer than two distinct vertices.
   */
  static fromPolygons(rings: ReadonlyArray<ReadonlyArray<Vec2>>, options: ObstacleIndexOptions = {}): ObstacleIndex {
    const cellSizeM = checkOptions(options);
    const packed: number[] = [];
    const ringFirst: number[] = [];
    const ringEnd: number[] = [];
    const xs: number[] = [];
    const ys: number[] = [];
    for (let r = 0; r < rings.length; r++) {
      const ring = rings[r]!;
      xs.length = 0;
      ys.length = 0;
      for (let v = 0; v < ring.length; v++) {
        const p = ring[v]!;
        if (!isFiniteNumber(p.x) || !isFiniteNumber(p.y)) {
          throw new ObstacleIndexError('OBSTACLE_BAD_GEOMETRY',
            `ObstacleIndex.fromPolygons: ring ${r} vertex ${v} has a non-finite coordinate (x=${p.x}, y=${p.y})`);
        }
        const last = xs.length - 1;
        if (last >= 0 && xs[last] === p.x && ys[last] === p.y) continue;
        xs.push(p.x);
        ys.push(p.y);
      }
      if (xs.length > 1 && xs[0] === xs[xs.length - 1] && ys[0] === ys[ys.length - 1]) {
        xs.pop();
        ys.pop();
      }
      if (xs.length < 2) {
        throw new ObstacleIndexError('OBSTACLE_BAD_GEOMETRY',
          `ObstacleIndex.fromPolygons: ring ${r} has ${xs.length} distinct vertex; a ring needs at least 2`);
      }
      const first = packed.length / 4;
      const edges = xs.length === 2 ? 1 : xs.length;
      for (let v = 0; v < edges; v++) {
        const w = (v + 1) % xs.length;
        packed.push(xs[v]!, ys[v]!, xs[w]! - xs[v]!, ys[w]! - ys[v]!);
      }
      if (edges > 1) {
        ringFirst.push(first);
        ringEnd.push(first + edges);
      }
    }
    return new ObstacleIndex(Float64Array.from(packed), Int32Array.from(ringFirst), Int32Array.from(ringEnd), cellSizeM);
  }

  /**
   * Builds the index from bare segments (walls, fences). Every segment is kept, so callback indices match the
   * input; a zero-length segment acts as a point. containsPoint is always false for an index built this way.
   * @throws ObstacleIndexError `OBSTACLE_BAD_GEOMETRY` naming the segment for a non-finite coordinate.
   */
  static fromSegments(segments: ReadonlyArray<Segment>, options: ObstacleIndexOptions = {}): ObstacleIndex {
    const cellSizeM = checkOptions(options);
    const packed = new Float64Array(4 * segments.length);
    for (let s = 0; s < segments.length; s++) {
      const { ax, ay, bx, by } = segments[s]!;
      if (!isFiniteNumber(ax) || !isFiniteNumber(ay) || !isFiniteNumber(bx) || !isFiniteNumber(by)) {
        throw new ObstacleIndexError('OBSTACLE_BAD_GEOMETRY',
          `ObstacleIndex.fromSegments: segment ${s} has a non-finite coordinate (ax=${ax}, ay=${ay}, bx=${bx}, by=${by})`);
      }
      packed.set([ax, ay, bx - ax, by - ay], 4 * s);
    }
    return new ObstacleIndex(packed, new Int32Array(0), new Int32Array(0), cellSizeM);
  }

  /**
   * Distance along the ray from (x,y) at angleRad (counter-clockwise from east) to the first static obstacle, or
   * Infinity if none lies within maxRangeM (Infinity allowed). A ray that starts on a segment gets 0.
   * @throws ObstacleIndexError `OBSTACLE_BAD_QUERY` for a non-finite origin or angle, or a NaN/negative range.
   */
  castRay(x: number, y: number, angleRad: number, maxRangeM: number): number {
    if (!isFiniteNumber(x) || !isFiniteNumber(y) || !isFiniteNumber(angleRad)) {
      throw badQuery(`castRay: x, y and angleRad must be finite (got x=${x}, y=${y}, angleRad=${angleRad})`);
    }
    checkRange('castRay', maxRangeM);
    return this.#cast(x, y, Math.cos(angleRad), Math.sin(angleRad), maxRangeM);
  }

  /**
   * A LaserScan-style sweep: beam i points at `pose.theta + angleMinRad + i * angleIncrementRad` (in that order of
   * addition, which castRay reproduces exactly). Writes `count` ranges to `out[0..count)`: the nearer of the first
   * static obstacle and the first of `circles` (pedestrians, other robots; leave out the sensing robot itself, since
   * an origin inside a circle reads 0), or Infinity where nothing lies within maxRangeM, as sensor_msgs/LaserScan
   * reports no return. Skips the static work entirely when the pose is provably clear. Returns `out`.
   * @throws ObstacleIndexError `OBSTACLE_BAD_QUERY` for a non-finite pose, angle or circle, a NaN/negative range or
   *   radius, or a count that is not an integer in [0, out.length].
   */
  castScan(
    pose: Pose2, angleMinRad: number, angleIncrementRad: number, count: number, maxRangeM: number,
    out: Float32Array, circles?: ReadonlyArray<Circle>,
  ): Float32Array {
    const px = pose.x;
    const py = pose.y;
    if (!isFiniteNumber(px) || !isFiniteNumber(py) || !isFiniteNumber(pose.theta)
      || !isFiniteNumber(angleMinRad) || !isFiniteNumber(angleIncrementRad)) {
      throw badQuery(`castScan: pose and angles must be finite (got x=${px}, y=${py}, theta=${pose.theta}, `
        + `angleMinRad=${angleMinRad}, angleIncrementRad=${angleIncrementRad})`);
    }
    checkRange('castScan', maxRangeM);
    if (!Number.isInteger(count) || count < 0 || count > out.length) {
      throw badQuery(`castScan: count must be an integer in [0, out.length=${out.length}] (got ${count})`);
    }

    let nearCircles = 0;
    if (circles !== undefined && circles.length > 0) {
      if (this.#circleBuf.length < 3 * circles.length) this.#circleBuf = new Float64Array(6 * circles.length);
      const buf = this.#circleBuf;
      for (let k = 0; k < circles.length; k++) {
        const { x, y, radiusM } = circles[k]!;
        if (!isFiniteNumber(x) || !isFiniteNumber(y) || !(radiusM >= 0) || !isFiniteNumber(radiusM)) {
          throw badQuery(`castScan: circle ${k} must have a finite position and radius ≥ 0 (got x=${x}, y=${y}, radiusM=${radiusM})`);
        }
        const reach = maxRangeM + radiusM;
        const dx = x - px;
        const dy = y - py;
        if (dx * dx + dy * dy > reach * reach) continue;
        buf[3 * nearCircles] = x;
        buf[3 * nearCircles + 1] = y;
        buf[3 * nearCircles + 2] = radiusM;
        nearCircles++;
      }
    }

    const staticClear = this.#clearanceLowerBound(px, py) > maxRangeM;
    const angle0 = pose.theta + angleMinRad;
    const windowCells = (2 * maxRangeM * this.#inv + 2) ** 2;
    if (angleIncrementRad === 0 || count * Math.abs(angleIncrementRad) > 4 * Math.PI || !(windowCells <= SWEEP_MAX_CELLS)) {
      this.#scanByRays(px, py, angle0, angleIncrementRad, count, maxRangeM, out, nearCircles, staticClear);
    } else {
      this.#scanBySweep(px, py, angle0, angleIncrementRad, count, maxRangeM, out, nearCircles, staticClear);
    }
    return out;
  }

  /**
   * Distance from (x,y) to the nearest obstacle segment if it is within maxRangeM (Infinity allowed), else Infinity.
   * @throws ObstacleIndexError `OBSTACLE_BAD_QUERY` for a non-finite point or a NaN/negative range.
   */
  nearestDistance(x: number, y: number, maxRangeM: number): number {
    checkPoint('nearestDistance', x, y);
    checkRange('nearestDistance', maxRangeM);
    if (this.segmentCount === 0) return Infinity;
    const nx = this.#nx;
    const ny = this.#ny;
    const cs = this.cellSizeM;
    const ox = this.#ox;
    const oy = this.#oy;
    const ci = this.#cellX(x);
    const cj = this.#cellY(y);
    const id = this.#nextStamp();
    let bestSq = Infinity;
    for (let k = 0; ; k++) {
      const i0 = ci - k;
      const i1 = ci + k;
      const j0 = cj - k;
      const j1 = cj + k;
      const iLo = i0 < 0 ? 0 : i0;
      const iHi = i1 >= nx ? nx - 1 : i1;
      if (j0 >= 0) for (let i = iLo; i <= iHi; i++) bestSq = this.#nearestInCell(j0 * nx + i, x, y, id, bestSq);
      if (k > 0 && j1 < ny) for (let i = iLo; i <= iHi; i++) bestSq = this.#nearestInCell(j1 * nx + i, x, y, id, bestSq);
      const jLo = j0 + 1 < 0 ? 0 : j0 + 1;
      const jHi = j1 - 1 >= ny ? ny - 1 : j1 - 1;
      if (k > 0 && i0 >= 0) for (let j = jLo; j <= jHi; j++) bestSq = this.#nearestInCell(j * nx + i0, x, y, id, bestSq);
      if (k > 0 && i1 < nx) for (let j = jLo; j <= jHi; j++) bestSq = this.#nearestInCell(j * nx + i1, x, y, id, bestSq);

      // Every cell not yet searched lies beyond one side of the searched square; the nearest such side bounds how
      // close anything unsearched can be.
      let unsearchedM = Infinity;
      if (i0 > 0) unsearchedM = Math.min(unsearchedM, x - (ox + i0 * cs));
      if (i1 < nx - 1) unsearchedM = Math.min(unsearchedM, ox + (i1 + 1) * cs - x);
      if (j0 > 0) unsearchedM = Math.min(unsearchedM, y - (oy + j0 * cs));
      if (j1 < ny - 1) unsearchedM = Math.min(unsearchedM, oy + (j1 + 1) * cs - y);
      if (unsearchedM === Infinity || unsearchedM > maxRangeM || unsearchedM * unsearchedM >= bestSq) break;
    }
    return bestSq <= maxRangeM * maxRangeM ? Math.sqrt(bestSq) : Infinity;
  }

  /**
   * Calls back for every segment listed in a grid cell that overlaps the square around the circle at (x,y) with
   * radiusM: a candidate set (each segment once) that includes every segment within radiusM, plus some a little
   * farther. The Segment passed is the frozen object in `segments`, so keeping it is safe.
   * @throws ObstacleIndexError `OBSTACLE_BAD_QUERY` for a non-finite point or a NaN/negative radius.
   */
  forEachSegmentNear(x: number, y: number, radiusM: number, callback: (s: Segment, index: number) => void): void {
    checkPoint('forEachSegmentNear', x, y);
    checkRange('forEachSegmentNear', radiusM);
    const cs = this.cellSizeM;
    if (x + radiusM < this.#ox || y + radiusM < this.#oy
      || x - radiusM > this.#ox + this.#nx * cs || y - radiusM > this.#oy + this.#ny * cs) return;
    const i0 = this.#cellX(x - radiusM);
    const i1 = this.#cellX(x + radiusM);
    const j0 = this.#cellY(y - radiusM);
    const j1 = this.#cellY(y + radiusM);
    // The callback may query this index again (even this method), which reuses the stamps and the scratch list,
    // so candidates are collected first and a nested call gets its own list.
    const nested = this.#scratchBusy;
    const found = nested ? new Int32Array(this.segmentCount) : this.#scratch;
    const id = this.#nextStamp();
    const stamp = this.#stamp;
    const start = this.#cellStart;
    const items = this.#cellItems;
    let count = 0;
    for (let j = j0; j <= j1; j++) {
      for (let c = j * this.#nx + i0, end = j * this.#nx + i1; c <= end; c++) {
        for (let k = start[c]!, kEnd = start[c + 1]!; k < kEnd; k++) {
          const s = items[k]!;
          if (stamp[s] === id) continue;
          stamp[s] = id;
          found[count++] = s;
        }
      }
    }
    this.#scratchBusy = true;
    try {
      for (let k = 0; k < count; k++) {
        const s = found[k]!;
        callback(this.segments[s]!, s);
      }
    } finally {
      this.#scratchBusy = nested;
    }
  }

  /**
   * True if no static obstacle lies within maxRangeM of (x,y) (so a simulator can skip the scan's ray casting).
   * O(1) for most points in the open; otherwise it stops at the first segment in range.
   * @throws ObstacleIndexError `OBSTACLE_BAD_QUERY` for a non-finite point or a NaN/negative range.
   */
  isClear(x: number, y: number, maxRangeM: number): boolean {
    checkPoint('isClear', x, y);
    checkRange('isClear', maxRangeM);
    if (this.#clearanceLowerBound(x, y) > maxRangeM) return true;
    if (maxRangeM === Infinity) return this.segmentCount === 0;
    // Any segment within range will do, so no nearest-first search: scan the window and stop at the first one.
    const seg = this.#seg;
    const start = this.#cellStart;
    const items = this.#cellItems;
    const rangeSq = maxRangeM * maxRangeM;
    const i0 = this.#cellX(x - maxRangeM);
    const i1 = this.#cellX(x + maxRangeM);
    const j1 = this.#cellY(y + maxRangeM);
    for (let j = this.#cellY(y - maxRangeM); j <= j1; j++) {
      for (let c = j * this.#nx + i0, cEnd = j * this.#nx + i1; c <= cEnd; c++) {
        for (let k = start[c]!, kEnd = start[c + 1]!; k < kEnd; k++) {
          const o = 4 * items[k]!;
          if (pointSegmentDistanceSq(x, y, seg[o]!, seg[o + 1]!, seg[o + 2]!, seg[o + 3]!) <= rangeSq) return false;
        }
      }
    }
    return true;
  }

  /**
   * Whether (x,y) is inside any ring given to fromPolygons (even–odd rule per ring; each ring is its own polygon, so
   * a hole given as a ring counts as inside). A point exactly on an edge may go either way.
   * @throws ObstacleIndexError `OBSTACLE_BAD_QUERY` for a non-finite point.
   */
  containsPoint(x: number, y: number): boolean {
    checkPoint('containsPoint', x, y);
    const cs = this.cellSizeM;
    if (x < this.#ox || y < this.#oy || x >= this.#ox + this.#nx * cs || y >= this.#oy + this.#ny * cs) return false;
    if (this.ringCount === 0) return false;
    // No segment touches an empty cell (cells list segments with a margin), so no ring edge crosses it and the
    // even–odd answer is the same at every point of it: the first query's answer is kept for the rest. The world
    // asks this for every robot 20 times a simulated second, and a campus outline can have thousands of edges.
    const cell = this.#cellY(y) * this.#nx + this.#cellX(x);
    if (this.#cellStart[cell] !== this.#cellStart[cell + 1]) return this.#insideRings(x, y);
    const known = (this.#insideCell ??= new Uint8Array(this.#nx * this.#ny));
    if (known[cell] === 0) known[cell] = this.#insideRings(x, y) ? INSIDE : OUTSIDE;
    return known[cell] === INSIDE;
  }

  /** containsPoint without the per-cell memo: the even–odd test against each ring whose box holds the point. */
  #insideRings(x: number, y: number): boolean {
    const c = Math.floor((y - this.#oy) / this.#ringCellSizeM) * this.#ringNx
      + Math.floor((x - this.#ox) / this.#ringCellSizeM);
    const seg = this.#seg;
    const box = this.#ringBox;
    for (let k = this.#ringCellStart[c]!, end = this.#ringCellStart[c + 1]!; k < end; k++) {
      const r = this.#ringCellItems[k]!;
      if (x < box[4 * r]! || y < box[4 * r + 1]! || x > box[4 * r + 2]! || y > box[4 * r + 3]!) continue;
      let inside = false;
      for (let s = this.#ringFirst[r]!, sEnd = this.#ringEnd[r]!; s < sEnd; s++) {
        const ay = seg[4 * s + 1]!;
        const ey = seg[4 * s + 3]!;
        if ((ay > y) !== (ay + ey > y) && x < seg[4 * s]! + ((y - ay) * seg[4 * s + 2]!) / ey) inside = !inside;
      }
      if (inside) return true;
    }
    return false;
  }

  /** castScan for odd scan shapes or long ranges: one grid walk per beam. */
  #scanByRays(
    px: number, py: number, angle0: number, inc: number, count: number, maxRangeM: number,
    out: Float32Array, nearCircles: number, staticClear: boolean,
  ): void {
    const buf = this.#circleBuf;
    for (let i = 0; i < count; i++) {
      const a = angle0 + i * inc;
      const dx = Math.cos(a);
      const dy = Math.sin(a);
      let range = staticClear ? Infinity : this.#cast(px, py, dx, dy, maxRangeM);
      for (let k = 0; k < nearCircles; k++) {
        const t = rayCircleDistance(px, py, dx, dy, buf[3 * k]!, buf[3 * k + 1]!, buf[3 * k + 2]!);
        if (t < range && t <= maxRangeM) range = t;
      }
      out[i] = range;
    }
  }

  /**
   * castScan for the usual shape: turn it inside out. Collect the segments within range once, then test each only
   * against the beams inside the angle it subtends (plus a beam of margin each side), so a beam into the open costs
   * nothing, not even its cos/sin. Same primitive and same direction per beam as castRay, so the same ranges.
   */
  #scanBySweep(
    px: number, py: number, angle0: number, inc: number, count: number, maxRangeM: number,
    out: Float32Array, nearCircles: number, staticClear: boolean,
  ): void {
    if (this.#ranges.length < count) {
      this.#ranges = new Float64Array(count);
      this.#dirX = new Float64Array(count).fill(NaN);
      this.#dirY = new Float64Array(count);
      this.#touched = new Int32Array(count);
    }
    // Only the beams some segment or circle needs are touched (a few dozen of 180 in the open): each is set up on first
    // use, and put back to "not needed" at the end, so nothing is done per beam for the rest.
    const ranges = this.#ranges;
    const dirX = this.#dirX;
    const dirY = this.#dirY;
    const touched = this.#touched;
    let nTouched = 0;
    const minSpanRad = 0.25 * Math.abs(inc);
    const pairs = this.#arcPairs;

    if (!staticClear) {
      const seg = this.#seg;
      const start = this.#cellStart;
      const items = this.#cellItems;
      const stamp = this.#stamp;
      const id = this.#nextStamp();
      const nx = this.#nx;
      const rangeSq = maxRangeM * maxRangeM;
      const i0 = this.#cellX(px - maxRangeM);
      const i1 = this.#cellX(px + maxRangeM);
      const j1 = this.#cellY(py + maxRangeM);
      for (let j = this.#cellY(py - maxRangeM); j <= j1; j++) {
        for (let c = j * nx + i0, cEnd = j * nx + i1; c <= cEnd; c++) {
          for (let k = start[c]!, kEnd = start[c + 1]!; k < kEnd; k++) {
            const s = items[k]!;
            if (stamp[s] === id) continue;
            stamp[s] = id;
            const o = 4 * s;
            const ax = seg[o]!;
            const ay = seg[o + 1]!;
            const ex = seg[o + 2]!;
            const ey = seg[o + 3]!;
            const distSq = pointSegmentDistanceSq(px, py, ax, ay, ex, ey);
            if (distSq > rangeSq) continue;
            // raySegmentDistance's tolerances widen a segment by up to ~1e-9 (1 + length) m; seen from very close
            // that is a wide angle, and then every beam is tested.
            const slackRad = (1e-9 * (Math.sqrt(ex * ex + ey * ey) + 2)) / Math.sqrt(distSq) + 1e-12;
            let n = 1;
            if (slackRad < minSpanRad) {
              const angA = Math.atan2(ay - py, ax - px);
              let delta = Math.atan2(ay + ey - py, ax + ex - px) - angA;
              if (delta > Math.PI) delta -= 2 * Math.PI;
              else if (delta < -Math.PI) delta += 2 * Math.PI;
              n = this.#arcToBeams(delta >= 0 ? angA : angA + delta, Math.abs(delta), slackRad, angle0, inc, count);
            } else {
              pairs[0] = 0;
              pairs[1] = count - 1;
            }
            for (let p = 0; p < n; p++) {
              for (let i = pairs[2 * p]!, iEnd = pairs[2 * p + 1]!; i <= iEnd; i++) {
                if (dirX[i] !== dirX[i]) {
                  beamDirection(dirX, dirY, i, angle0, inc);
                  ranges[i] = Infinity;
                  touched[nTouched++] = i;
                }
                const t = raySegmentDistance(px, py, dirX[i]!, dirY[i]!, ax, ay, ex, ey);
                if (t < ranges[i]!) ranges[i] = t;
              }
            }
          }
        }
      }
    }

    const buf = this.#circleBuf;
    for (let k = 0; k < nearCircles; k++) {
      const cx = buf[3 * k]!;
      const cy = buf[3 * k + 1]!;
      const r = buf[3 * k + 2]!;
      const mx = cx - px;
      const my = cy - py;
      const dSq = mx * mx + my * my;
      let n = 1;
      if (dSq > r * r) {
        const half = Math.asin(r / Math.sqrt(dSq));
        n = this.#arcToBeams(Math.atan2(my, mx) - half, 2 * half, 1e-9, angle0, inc, count);
      } else {
        pairs[0] = 0;
        pairs[1] = count - 1;
      }
      for (let p = 0; p < n; p++) {
        for (let i = pairs[2 * p]!, iEnd = pairs[2 * p + 1]!; i <= iEnd; i++) {
          if (dirX[i] !== dirX[i]) {
            beamDirection(dirX, dirY, i, angle0, inc);
            ranges[i] = Infinity;
            touched[nTouched++] = i;
          }
          const t = rayCircleDistance(px, py, dirX[i]!, dirY[i]!, cx, cy, r);
          if (t < ranges[i]!) ranges[i] = t;
        }
      }
    }

    out.fill(Infinity, 0, count);
    for (let j = 0; j < nTouched; j++) {
      const i = touched[j]!;
      const range = ranges[i]!;
      out[i] = range <= maxRangeM ? range : Infinity;
      dirX[i] = NaN;
    }
  }

  /**
   * The beams (as inclusive index ranges written to #arcPairs; returns how many) whose direction falls within the
   * arc from loRad spanning spanRad ≤ π counter-clockwise, widened by slackRad and one beam each side. Beam i points
   * at angle0 + i·inc; inc may be negative, and a scan of up to two turns can meet the arc more than once.
   */
  #arcToBeams(loRad: number, spanRad: number, slackRad: number, angle0: number, inc: number, count: number): number {
    const turn = 2 * Math.PI;
    const absInc = Math.abs(inc);
    let offset = inc > 0 ? loRad - angle0 : angle0 - loRad - spanRad;
    offset -= turn * Math.floor(offset / turn);
    const pairs = this.#arcPairs;
    let n = 0;
    for (let q = -1; n < pairs.length / 2; q++) {
      const from = Math.ceil((offset + turn * q - slackRad) / absInc) - 1;
      if (from > count - 1) break;
      const to = Math.floor((offset + spanRad + turn * q + slackRad) / absInc) + 1;
      if (to < 0) continue;
      pairs[2 * n] = from < 0 ? 0 : from;
      pairs[2 * n + 1] = to > count - 1 ? count - 1 : to;
      n++;
    }
    return n;
  }

  /** The ray walk; (dx,dy) is a unit vector. */
  #cast(px: number, py: number, dx: number, dy: number, maxRangeM: number): number {
    const nx = this.#nx;
    const ny = this.#ny;
    const cs = this.cellSizeM;
    const ox = this.#ox;
    const oy = this.#oy;

    // Clip the ray to the grid: nothing lies outside it.
    let tIn = 0;
    let tOut = maxRangeM;
    if (dx !== 0) {
      const ta = (ox - px) / dx;
      const tb = (ox + nx * cs - px) / dx;
      tIn = Math.max(tIn, Math.min(ta, tb));
      tOut = Math.min(tOut, Math.max(ta, tb));
    } else if (px < ox || px > ox + nx * cs) {
      return Infinity;
    }
    if (dy !== 0) {
      const ta = (oy - py) / dy;
      const tb = (oy + ny * cs - py) / dy;
      tIn = Math.max(tIn, Math.min(ta, tb));
      tOut = Math.min(tOut, Math.max(ta, tb));
    } else if (py < oy || py > oy + ny * cs) {
      return Infinity;
    }
    if (tIn > tOut) return Infinity;

    let i = this.#cellX(px + tIn * dx);
    let j = this.#cellY(py + tIn * dy);
    const stepX = dx > 0 ? 1 : -1;
    const stepY = dy > 0 ? 1 : -1;
    let tMaxX = dx > 0 ? (ox + (i + 1) * cs - px) / dx : dx < 0 ? (ox + i * cs - px) / dx : Infinity;
    let tMaxY = dy > 0 ? (oy + (j + 1) * cs - py) / dy : dy < 0 ? (oy + j * cs - py) / dy : Infinity;
    const tDeltaX = dx !== 0 ? cs / Math.abs(dx) : Infinity;
    const tDeltaY = dy !== 0 ? cs / Math.abs(dy) : Infinity;

    const seg = this.#seg;
    const start = this.#cellStart;
    const items = this.#cellItems;
    const stamp = this.#stamp;
    const id = this.#nextStamp();
    let best = Infinity;
    for (;;) {
      const c = j * nx + i;
      for (let k = start[c]!, end = start[c + 1]!; k < end; k++) {
        const s = items[k]!;
        if (stamp[s] === id) continue;
        stamp[s] = id;
        const o = 4 * s;
        const t = raySegmentDistance(px, py, dx, dy, seg[o]!, seg[o + 1]!, seg[o + 2]!, seg[o + 3]!);
        if (t < best) best = t;
      }
      if (tMaxX < tMaxY) {
        if (best <= tMaxX || tMaxX > tOut) break;
        i += stepX;
        if (i < 0 || i >= nx) break;
        tMaxX += tDeltaX;
      } else {
        if (best <= tMaxY || tMaxY > tOut) break;
        j += stepY;
        if (j < 0 || j >= ny) break;
        tMaxY += tDeltaY;
      }
    }
    return best <= maxRangeM ? best : Infinity;
  }

  #nearestInCell(c: number, x: number, y: number, id: number, bestSq: number): number {
    const seg = this.#seg;
    const stamp = this.#stamp;
    const items = this.#cellItems;
    for (let k = this.#cellStart[c]!, end = this.#cellStart[c + 1]!; k < end; k++) {
      const s = items[k]!;
      if (stamp[s] === id) continue;
      stamp[s] = id;
      const o = 4 * s;
      const d = pointSegmentDistanceSq(x, y, seg[o]!, seg[o + 1]!, seg[o + 2]!, seg[o + 3]!);
      if (d < bestSq) bestSq = d;
    }
    return bestSq;
  }

  /** A distance, metres, that no segment is closer to (x,y) than. */
  #clearanceLowerBound(x: number, y: number): number {
    const cs = this.cellSizeM;
    const x0 = this.#ox;
    const y0 = this.#oy;
    const x1 = x0 + this.#nx * cs;
    const y1 = y0 + this.#ny * cs;
    if (x < x0 || y < y0 || x >= x1 || y >= y1) {
      const gx = x < x0 ? x0 - x : x > x1 ? x - x1 : 0;
      const gy = y < y0 ? y0 - y : y > y1 ? y - y1 : 0;
      return this.segmentCount === 0 ? Infinity : Math.sqrt(gx * gx + gy * gy);
    }
    const i = this.#cellX(x);
    const j = this.#cellY(y);
    if (this.segmentCount === 0) return Infinity;
    // FAR saturates, but "every cell nearer than FAR is empty" still holds, so the bound below stays valid.
    const k = this.#chebyshev[j * this.#nx + i]!;
    if (k === 0) return 0;
    // The (2k−1)-cell square centred on this cell is empty; the point's distance to its edge bounds the clearance.
    const left = x - (x0 + (i - k + 1) * cs);
    const right = x0 + (i + k) * cs - x;
    const bottom = y - (y0 + (j - k + 1) * cs);
    const top = y0 + (j + k) * cs - y;
    return Math.min(left, right, bottom, top);
  }

  #cellX(x: number): number {
    const i = Math.floor((x - this.#ox) * this.#inv);
    return i < 0 ? 0 : i >= this.#nx ? this.#nx - 1 : i;
  }

  #cellY(y: number): number {
    const j = Math.floor((y - this.#oy) * this.#inv);
    return j < 0 ? 0 : j >= this.#ny ? this.#ny - 1 : j;
  }

  #nextStamp(): number {
    let id = this.#stampId + 1;
    if (id === 0xffffffff) {
      this.#stamp.fill(0);
      id = 1;
    }
    this.#stampId = id;
    return id;
  }

  /**
   * Visits every cell each segment touches. The cell box is grown by a hair so a segment that ends on, or runs
   * along, a cell edge or corner is listed in the cells on both sides: a ray then cannot pass between them.
   */
  #forEachCellOfEverySegment(visit: (cell: number, segment: number) => void): void {
    const seg = this.#seg;
    const cs = this.cellSizeM;
    const marginM = cs * 1e-6;
    const nx = this.#nx;
    for (let s = 0; s < this.segmentCount; s++) {
      const ax = seg[4 * s]!;
      const ay = seg[4 * s + 1]!;
      const ex = seg[4 * s + 2]!;
      const ey = seg[4 * s + 3]!;
      const i0 = this.#cellX(Math.min(ax, ax + ex) - marginM);
      const i1 = this.#cellX(Math.max(ax, ax + ex) + marginM);
      const j0 = this.#cellY(Math.min(ay, ay + ey) - marginM);
      const j1 = this.#cellY(Math.max(ay, ay + ey) + marginM);
      for (let j = j0; j <= j1; j++) {
        for (let i = i0; i <= i1; i++) {
          if (i0 !== i1 && j0 !== j1) {
            // Separating axis along the segment's normal: skip the cell if all four corners lie on one side.
            const bx0 = this.#ox + i * cs - marginM - ax;
            const by0 = this.#oy + j * cs - marginM - ay;
            const bx1 = bx0 + cs + 2 * marginM;
            const by1 = by0 + cs + 2 * marginM;
            const c00 = ex * by0 - ey * bx0;
            const c10 = ex * by0 - ey * bx1;
            const c01 = ex * by1 - ey * bx0;
            const c11 = ex * by1 - ey * bx1;
            if ((c00 > 0 && c10 > 0 && c01 > 0 && c11 > 0) || (c00 < 0 && c10 < 0 && c01 < 0 && c11 < 0)) continue;
          }
          visit(j * nx + i, s);
        }
      }
    }
  }

  /**
   * Each cell's Chebyshev distance, in cells, to a non-empty cell (saturating at FAR): the two-pass chessboard
   * chamfer transform, which is exact for this metric and streams through memory.
   */
  #chebyshevToOccupied(): Uint16Array {
    const nx = this.#nx;
    const ny = this.#ny;
    const start = this.#cellStart;
    const dist = new Uint16Array(nx * ny);
    for (let c = 0; c < nx * ny; c++) dist[c] = start[c + 1]! > start[c]! ? 0 : FAR;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const c = j * nx + i;
        let d = dist[c]!;
        if (d === 0) continue;
        if (i > 0) d = Math.min(d, dist[c - 1]! + 1);
        if (j > 0) {
          d = Math.min(d, dist[c - nx]! + 1);
          if (i > 0) d = Math.min(d, dist[c - nx - 1]! + 1);
          if (i < nx - 1) d = Math.min(d, dist[c - nx + 1]! + 1);
        }
        dist[c] = Math.min(d, FAR);
      }
    }
    for (let j = ny - 1; j >= 0; j--) {
      for (let i = nx - 1; i >= 0; i--) {
        const c = j * nx + i;
        let d = dist[c]!;
        if (d === 0) continue;
        if (i < nx - 1) d = Math.min(d, dist[c + 1]! + 1);
        if (j < ny - 1) {
          d = Math.min(d, dist[c + nx]! + 1);
          if (i > 0) d = Math.min(d, dist[c + nx - 1]! + 1);
          if (i < nx - 1) d = Math.min(d, dist[c + nx + 1]! + 1);
        }
        dist[c] = Math.min(d, FAR);
      }
    }
    return dist;
  }
}

function checkOptions(options: ObstacleIndexOptions): number {
  const cellSizeM = options.cellSizeM ?? DEFAULT_CELL_SIZE_M;
  if (!(cellSizeM > 0) || !isFiniteNumber(cellSizeM)) {
    throw new ObstacleIndexError('OBSTACLE_BAD_GEOMETRY', `ObstacleIndex: cellSizeM must be a finite number > 0 (got ${cellSizeM})`);
  }
  return cellSizeM;
}

function badQuery(message: string): ObstacleIndexError {
  return new ObstacleIndexError('OBSTACLE_BAD_QUERY', `ObstacleIndex.${message}`);
}

function checkPoint(method: string, x: number, y: number): void {
  if (!isFiniteNumber(x) || !isFiniteNumber(y)) throw badQuery(`${method}: x and y must be finite (got x=${x}, y=${y})`);
}

function checkRange(method: string, rangeM: number): void {
  if (!(rangeM >= 0)) throw badQuery(`${method}: range must be ≥ 0 (Infinity allowed), got ${rangeM}`);
}

/**
 * Fills in beam i's unit direction on first use (NaN marks "not yet"): beams into open space never pay for their
 * sine and cosine.
 */
function beamDirection(dirX: Float64Array, dirY: Float64Array, i: number, angle0: number, inc: number): void {
  const a = angle0 + i * inc;
  dirX[i] = Math.cos(a);
  dirY[i] = Math.sin(a);
}
