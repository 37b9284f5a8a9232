/**
 * A path prepared for tracking: interleaved coordinates plus cumulative arc length, built once per plan so the
 * controller's per-tick work (progress, lookahead, remaining distance) is O(segments near the robot), not O(path).
 */
import type { Vec2 } from '../../../maps/core/types.ts';

export interface TrackedPath {
  /** Interleaved x, y of the vertices in the metric frame, m. */
  readonly xy: Float64Array;
  /** Arc length from the start to each vertex, m. */
  readonly cumM: Float64Array;
  /** Number of vertices (≥ 2). */
  readonly count: number;
  /** Total length, m. */
  readonly lengthM: number;
}

/**
 * Prepares `points` (Vec2s, or interleaved x, y) for tracking. Consecutive duplicates are dropped (a zero-length
 * segment has no direction). A single point becomes a zero-length path to that point.
 */
export function createTrackedPath(points: ReadonlyArray<Vec2> | ArrayLike<number>): TrackedPath {
  const raw: number[] = [];
  const isVec = (points as ReadonlyArray<Vec2>).length > 0 && typeof (points as ReadonlyArray<Vec2>)[0] === 'object';
  const n = isVec ? (points as ReadonlyArray<Vec2>).length : Math.floor((points as ArrayLike<number>).length / 2);
  for (let i = 0; i < n; i++) {
    const x = isVec ? (points as ReadonlyArray<Vec2>)[i]!.x : (points as ArrayLike<number>)[2 * i]!;
    const y = isVec ? (points as ReadonlyArray<Vec2>)[i]!.y : (points as ArrayLike<number>)[2 * i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new RangeError(`createTrackedPath: point ${i} is not finite (${x}, ${y})`);
    }
    const m = raw.length;
    if (m >= 2 && Math.hypot(x - raw[m - 2]!, y - raw[m - 1]!) < 1e-6) continue;
    raw.push(x, y);
  }
  if (raw.length === 0) throw new RangeError('createTrackedPath: the path has no points');
  if (raw.length === 2) raw.push(raw[0]!, raw[1]!);
  const count = raw.length / 2;
  const xy = Float64Array.from(raw);
  const cumM = new Float64Array(count);
  for (let i = 1; i < count; i++) {
    cumM[i] = cumM[i - 1]! + Math.hypot(xy[2 * i]! - xy[2 * i - 2]!, xy[2 * i + 1]! - xy[2 * i - 1]!);
  }
  return { xy, cumM, count, lengthM: cumM[count - 1]! };
}

/** Where a point projects onto the path; filled in by `projectOntoPath`. */
export interface PathProjection {
  /** Segment index i (from vertex i to i + 1). */
  segmentIndex: number;
  /** Arc length of the projection from the path start, m. */
  sM: number;
  /** Signed distance from the path, left of the direction of travel positive, m. */
  lateralM: number;
  /** Unit direction of the segment. */
  dirX: number;
  dirY: number;
}

export function createPathProjection(): PathProjection {
  return { segmentIndex: 0, sM: 0, lateralM: 0, dirX: 1, dirY: 0 };
}

/**
 * Projects (x, y) onto the segments from `fromSegment` up to `windowM` of arc length past its end, keeping the
 * nearest. Searching forward from the last progress keeps the progress monotonic: a path that doubles back past
 * the robot cannot steal the projection.
 */
export function projectOntoPath(
  path: TrackedPath,
  x: number,
  y: number,
  fromSegment: number,
  windowM: number,
  out: PathProjection,
): PathProjection {
  const { xy, cumM, count } = path;
  const first = Math.max(0, Math.min(fromSegment, count - 2));
  // The window runs from the end of the current segment, so a long segment never hides the next one.
  const limitM = cumM[first + 1]! + windowM;
  // Start from the first vertex so a path of zero-length segments (a single goal point) still gets an answer.
  let best = (x - xy[2 * first]!) ** 2 + (y - xy[2 * first + 1]!) ** 2;
  out.segmentIndex = first;
  out.sM = cumM[first]!;
  out.lateralM = Math.sqrt(best);
  out.dirX = 1;
  out.dirY = 0;
  for (let i = first; i < count - 1; i++) {
    if (i > first && cumM[i]! > limitM) break;
    const ax = xy[2 * i]!, ay = xy[2 * i + 1]!;
    const dx = xy[2 * i + 2]! - ax, dy = xy[2 * i + 3]! - ay;
    const len = cumM[i + 1]! - cumM[i]!;
    if (len <= 0) continue;
    const ux = dx / len, uy = dy / len;
    let t = (x - ax) * ux + (y - ay) * uy;
    if (t < 0) t = 0;
    else if (t > len) t = len;
    const qx = ax + t * ux, qy = ay + t * uy;
    const d2 = (x - qx) * (x - qx) + (y - qy) * (y - qy);
    // ≤ so that at a vertex shared by two segments the later one wins and progress moves on.
    if (d2 <= best) {
      best = d2;
      out.segmentIndex = i;
      out.sM = cumM[i]! + t;
      const cross = ux * (y - ay) - uy * (x - ax);
      out.lateralM = cross >= 0 ? Math.sqrt(d2) : -Math.sqrt(d2);
      out.dirX = ux;
      out.dirY = uy;
    }
  }
  return out;
}

/**
 * The point at arc length `sM` (clamped to the path), shifted `offsetM` to the left of the direction of travel,
 * written into `out`; returns the segment index it lies on. Starts scanning at `hintSegment`.
 */
export function pointAtArcLength(path: TrackedPath, sM: number, offsetM: number, hintSegment: number, out: Vec2): number {
  const { xy, cumM, count } = path;
  const s = Math.max(0, Math.min(sM, path.lengthM));
  let i = Math.max(0, Math.min(hintSegment, count - 2));
  while (i > 0 && cumM[i]! > s) i--;
  while (i < count - 2 && cumM[i + 1]! < s) i++;
  const ax = xy[2 * i]!, ay = xy[2 * i + 1]!;
  const len = cumM[i + 1]! - cumM[i]!;
  const ux = len > 0 ? (xy[2 * i + 2]! - ax) / len : 1;
  const uy = len > 0 ? (xy[2 * i + 3]! - ay) / len : 0;
  const t = s - cumM[i]!;
  out.x = ax + t * ux - offsetM * uy;
  out.y = ay + t * uy + offsetM * ux;
  return i;
}
