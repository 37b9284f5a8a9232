/**
 * Nearest map segment to a point, within a fixed reach, in O(segments per cell). The scan matcher asks this for every
 * beam end point on every iteration, so segments are bucketed once per map into a grid (compressed rows, no
 * per-query allocation). The cell lookup is a dense Int32Array over the map's bounding box (4 bytes a cell: a
 * 2 km × 2 km campus at 1 m cells is 16 MB); a larger map coarsens the cells to stay under ~64 MB.
 */
import type { Segment } from '../../../maps/core/types.ts';

/** Where the nearest segment is; filled in by `SegmentGrid.nearest`. */
export interface NearestSegment {
  /** Index into the segments the grid was built from; -1 when none is within reach. */
  index: number;
  /** Closest point on that segment, m. */
  xM: number;
  yM: number;
  /** Distance from the query point, m. */
  distM: number;
  /** Position of the closest point along the segment, 0 at a, 1 at b. */
  t: number;
}

/** Creates an empty result to pass to `SegmentGrid.nearest` (allocate once, reuse). */
export function createNearestSegment(): NearestSegment {
  return { index: -1, xM: 0, yM: 0, distM: Number.POSITIVE_INFINITY, t: 0 };
}

/** Largest dense lookup table, cells (× 4 bytes). */
const MAX_CELLS = 16_000_000;

export class SegmentGrid {
  /** Segment end points, 4 per segment: ax, ay, bx, by. */
  readonly coords: Float64Array;
  /** Unit left normal of each segment, 2 per segment: nx, ny (0, 0 for a degenerate segment). */
  readonly normals: Float64Array;
  readonly cellSizeM: number;
  /** Largest distance `nearest` answers, m. */
  readonly reachM: number;
  readonly #x0: number;
  readonly #y0: number;
  readonly #nx: number;
  readonly #ny: number;
  /** Per cell (row-major over the bounding box): the index of its list, -1 when empty. */
  readonly #cellOf: Int32Array;
  #offsets: Int32Array;
  #items: Int32Array;
  readonly #at = new Float64Array(2);

  /**
   * @param segments map outlines in the metric frame
   * @param reachM the largest distance a query will ask for, m (a cell lists every segment within this of it)
   * @param cellSizeM bucket size, m; about the reach keeps lists short without many empty lookups
   */
  constructor(segments: ReadonlyArray<Segment>, reachM = 1.5, cellSizeM = 1) {
    if (!(reachM > 0) || !(cellSizeM > 0)) {
      throw new RangeError(`SegmentGrid: reachM (${reachM}) and cellSizeM (${cellSizeM}) must be positive`);
    }
    this.reachM = reachM;
    this.coords = new Float64Array(segments.length * 4);
    this.normals = new Float64Array(segments.length * 2);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let k = 0; k < segments.length; k++) {
      const s = segments[k]!;
      if (![s.ax, s.ay, s.bx, s.by].every(Number.isFinite)) {
        throw new RangeError(`SegmentGrid: segment ${k} has a non-finite coordinate`);
      }
      this.coords[k * 4] = s.ax;
      this.coords[k * 4 + 1] = s.ay;
      this.coords[k * 4 + 2] = s.bx;
      this.coords[k * 4 + 3] = s.by;
      const len = Math.sqrt((s.bx - s.ax) ** 2 + (s.by - s.ay) ** 2);
      if (len > 0) {
        this.normals[k * 2] = -(s.by - s.ay) / len;
        this.normals[k * 2 + 1] = (s.bx - s.ax) / len;
      }
      minX = Math.min(minX, s.ax, s.bx);
      minY = Math.min(minY, s.ay, s.by);
      maxX = Math.max(maxX, s.ax, s.bx);
      maxY = Math.max(maxY, s.ay, s.by);
    }
    if (segments.length === 0) minX = minY = maxX = maxY = 0;
    minX -= reachM;
    minY -= reachM;
    maxX += reachM;
    maxY += reachM;
    while (Math.ceil((maxX - minX) / cellSizeM) * Math.ceil((maxY - minY) / cellSizeM) > MAX_CELLS) cellSizeM *= 2;
    this.cellSizeM = cellSizeM;
    this.#x0 = minX;
    this.#y0 = minY;
    this.#nx = Math.max(1, Math.ceil((maxX - minX) / cellSizeM));
    this.#ny = Math.max(1, Math.ceil((maxY - minY) / cellSizeM));
    this.#cellOf = new Int32Array(this.#nx * this.#ny).fill(-1);
    const lists: number[][] = [];
    const halfDiag = cellSizeM * Math.SQRT1_2;
    for (let k = 0; k < segments.length; k++) {
      const s = segments[k]!;
      const ix0 = Math.max(0, Math.floor((Math.min(s.ax, s.bx) - reachM - minX) / cellSizeM));
      const ix1 = Math.min(this.#nx - 1, Math.floor((Math.max(s.ax, s.bx) + reachM - minX) / cellSizeM));
      const iy0 = Math.max(0, Math.floor((Math.min(s.ay, s.by) - reachM - minY) / cellSizeM));
      const iy1 = Math.min(this.#ny - 1, Math.floor((Math.max(s.ay, s.by) + reachM - minY) / cellSizeM));
      for (let iy = iy0; iy <= iy1; iy++) {
        for (let ix = ix0; ix <= ix1; ix++) {
          const cx = minX + (ix + 0.5) * cellSizeM;
          const cy = minY + (iy + 0.5) * cellSizeM;
          if (pointSegmentDistance(cx, cy, s.ax, s.ay, s.bx, s.by) > reachM + halfDiag) continue;
          const key = iy * this.#nx + ix;
          let cell = this.#cellOf[key]!;
          if (cell < 0) {
            cell = lists.length;
            this.#cellOf[key] = cell;
            lists.push([]);
          }
          lists[cell]!.push(k);
        }
      }
    }
    this.#offsets = new Int32Array(lists.length + 1);
    let total = 0;
    for (let c = 0; c < lists.length; c++) {
      this.#offsets[c] = total;
      total += lists[c]!.length;
    }
    this.#offsets[lists.length] = total;
    this.#items = new Int32Array(total);
    for (let c = 0; c < lists.length; c++) this.#items.set(lists[c]!, this.#offsets[c]!);
  }

  /** Number of segments. */
  get size(): number {
    return this.coords.length / 4;
  }

  /**
   * Finds the segment nearest to (x, y) no farther than `maxDistM` (capped at the grid's reach) and writes it into
   * `out`. Returns false (and out.index = -1) when there is none.
   */
  nearest(x: number, y: number, maxDistM: number, out: NearestSegment): boolean {
    const at = this.#at;
    at[0] = x;
    at[1] = y;
    return this.nearestAt(at, maxDistM, out);
  }

  /**
   * `nearest` for the point (`at[0]`, `at[1]`). For a hot caller: V8 boxes every freshly computed number passed to a
   * call it does not inline, and the scan matcher's search per beam end point was ~9 KB of garbage per match; values
   * written into a Float64Array are not boxed.
   */
  nearestAt(at: Float64Array, maxDistM: number, out: NearestSegment): boolean {
    const x = at[0]!, y = at[1]!;
    out.index = -1;
    out.distM = Number.POSITIVE_INFINITY;
    const ix = Math.floor((x - this.#x0) / this.cellSizeM);
    const iy = Math.floor((y - this.#y0) / this.cellSizeM);
    if (ix < 0 || iy < 0 || ix >= this.#nx || iy >= this.#ny) return false;
    const cell = this.#cellOf[iy * this.#nx + ix]!;
    if (cell < 0) return false;
    let best2 = Math.min(maxDistM, this.reachM) ** 2;
    const co = this.coords;
    const end = this.#offsets[cell + 1]!;
    for (let p = this.#offsets[cell]!; p < end; p++) {
      const k = this.#items[p]! * 4;
      const ax = co[k]!, ay = co[k + 1]!;
      const dx = co[k + 2]! - ax, dy = co[k + 3]! - ay;
      const len2 = dx * dx + dy * dy;
      let t = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
      if (t < 0) t = 0;
      else if (t > 1) t = 1;
      const qx = ax + t * dx, qy = ay + t * dy;
      const d2 = (x - qx) * (x - qx) + (y - qy) * (y - qy);
      if (d2 <= best2) {
        best2 = d2;
        out.index = k / 4;
        out.xM = qx;
        out.yM = qy;
        out.t = t;
      }
    }
    if (out.index < 0) return false;
    out.distM = Math.sqrt(best2);
    return true;
  }
}

/** Distance from (px, py) to the segment (ax, ay)–(bx, by), m. */
export function pointSegmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const qx = ax + t * dx - px, qy = ay + t * dy - py;
  return Math.sqrt(qx * qx + qy * qy);
}
