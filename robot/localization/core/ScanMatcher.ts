/**
 * Scan-to-map matching: aligns the LiDAR beam end points with the map's obstacle outlines around a predicted pose by
 * Gauss-Newton on point-to-segment residuals (point-to-line ICP with Huber weights and a shrinking association
 * radius). The covariance comes from the Hessian, so along a long featureless wall (only one direction constrained)
 * the unconstrained direction is left with the weak prior's large variance rather than a made-up small one — that is
 * what keeps the EKF honest when it fuses the match.
 */
import type { Pose2, Segment } from '../../../maps/core/types.ts';
import { invert3, wrapAngle } from './Ekf2D.ts';
import { SegmentGrid, createNearestSegment } from './SegmentGrid.ts';

/** A planar laser scan in the sensor frame, shaped after sensor_msgs/LaserScan without the ROS type. */
export interface LaserScanData {
  /** Range of each beam, m; NaN, ±Infinity, < rangeMinM or ≥ rangeMaxM mean "no return". */
  ranges: ArrayLike<number>;
  /** Angle of beam 0 in the sensor frame, rad. */
  angleMinRad: number;
  /** Angle between consecutive beams, rad. */
  angleIncrementRad: number;
  rangeMinM: number;
  rangeMaxM: number;
}

/** Tuning of the matcher. */
export interface ScanMatcherParams {
  /** Gauss-Newton iterations at most (–). */
  maxIterations: number;
  /** Association radius on the first iteration, m: how far the prediction may be off and still be pulled in. */
  associationStartM: number;
  /** Association radius on the last iterations, m: beams farther than this from the map are outliers (people, cars). */
  associationEndM: number;
  /** Huber threshold on a residual, m: larger residuals weigh less so a few odd beams cannot drag the pose. */
  huberM: number;
  /** Std-dev of one range measurement, m (the LiDAR's noise plus the map's outline error). */
  rangeStdM: number;
  /**
   * Factor on the covariance, ≥ 1 (–): neighbouring beams see the same wall with correlated errors, so the
   * independent-beam Hessian is optimistic; this widens it to what the errors really are.
   */
  covarianceScale: number;
  /** Floor on the matched position std-dev, m: the map itself is no better than this. */
  minPositionStdM: number;
  /** Floor on the matched heading std-dev, rad. */
  minHeadingStdRad: number;
  /** Weak prior std-dev on position around the prediction, m: the variance an unconstrained direction gets. */
  priorPositionStdM: number;
  /** Weak prior std-dev on heading around the prediction, rad. */
  priorHeadingStdRad: number;
  /** Minimum number of beams with a return (–); fewer and the match is not attempted. */
  minValidBeams: number;
  /** Minimum number of beams that fit the map (–). */
  minInliers: number;
  /** Minimum share of returning beams that fit the map (–). */
  minInlierRatio: number;
  /** Largest RMS residual of the inliers for a usable match, m. */
  maxRmsResidualM: number;
  /**
   * A direction of the position that fewer than this many beams' worth of information constrains is left to the
   * prior (–): along a wall with one beam past its corner, that one beam would otherwise claim a 9 cm fix along the
   * wall, and every scan repeats the same wrong claim, so the filter fuses one error ten times a second.
   */
  minDirectionBeams: number;
  /** A match whose largest position std-dev exceeds this is flagged `degenerate` (still usable: the covariance says so), m. */
  degenerateStdM: number;
  /** Stop iterating when a step moves less than this, m (and 1/10 of it in rad). */
  convergenceM: number;
  /** Use every n-th beam (–); 1 uses all. */
  beamStride: number;
  /** LiDAR mounting in the robot frame: forward offset, m. */
  laserXM: number;
  /** LiDAR mounting in the robot frame: left offset, m. */
  laserYM: number;
  /** LiDAR mounting in the robot frame: yaw, rad. */
  laserYawRad: number;
}

/** Defaults for a 2D LiDAR with ~3 cm noise on 0.1 m-accurate building outlines. */
export const defaultScanMatcherParams: Readonly<ScanMatcherParams> = Object.freeze({
  maxIterations: 10,
  associationStartM: 1.5,
  associationEndM: 0.4,
  huberM: 0.1,
  rangeStdM: 0.05,
  covarianceScale: 3,
  minPositionStdM: 0.02,
  minHeadingStdRad: 0.003,
  priorPositionStdM: 5,
  priorHeadingStdRad: 0.5,
  minValidBeams: 20,
  minInliers: 15,
  minInlierRatio: 0.3,
  maxRmsResidualM: 0.2,
  minDirectionBeams: 10,
  degenerateStdM: 0.5,
  convergenceM: 1e-3,
  beamStride: 1,
  laserXM: 0,
  laserYM: 0,
  laserYawRad: 0,
});

/** Problems with a parameter set, for a node to refuse at configure time (empty: fine). */
export function validateScanMatcherParams(p: Readonly<ScanMatcherParams>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(p)) {
    if (!Number.isFinite(value)) problems.push(`${name} must be finite (got ${value})`);
  }
  if (!(p.associationEndM > 0 && p.associationStartM >= p.associationEndM)) {
    problems.push(`need associationStartM (${p.associationStartM}) ≥ associationEndM (${p.associationEndM}) > 0`);
  }
  if (!(p.rangeStdM > 0)) problems.push(`rangeStdM must be > 0 (got ${p.rangeStdM})`);
  if (!(p.covarianceScale >= 1)) problems.push(`covarianceScale must be ≥ 1 (got ${p.covarianceScale})`);
  if (!(p.priorPositionStdM > 0 && p.priorHeadingStdRad > 0)) problems.push('prior std-devs must be > 0');
  if (!(p.maxIterations >= 2)) problems.push(`maxIterations must be ≥ 2 (got ${p.maxIterations})`);
  if (!(p.minInlierRatio >= 0 && p.minInlierRatio <= 1)) problems.push(`minInlierRatio must be in [0, 1] (got ${p.minInlierRatio})`);
  if (!(p.beamStride >= 1)) problems.push(`beamStride must be ≥ 1 (got ${p.beamStride})`);
  if (!(p.minDirectionBeams >= 0)) problems.push(`minDirectionBeams must be ≥ 0 (got ${p.minDirectionBeams})`);
  return problems;
}

/** Why a match was not usable. */
export type ScanMatchFailure = 'none' | 'too-few-beams' | 'too-few-inliers' | 'low-inlier-ratio' | 'high-residual' | 'singular';

/** The outcome of one match. The object is owned by the matcher and overwritten by its next call. */
export interface ScanMatchResult {
  /** True when the match may be fused. */
  ok: boolean;
  failure: ScanMatchFailure;
  pose: Pose2;
  /** 3×3 row-major over (x, y, θ). */
  covariance: Float64Array;
  /** Beams with a return. */
  validBeams: number;
  /** Beams within the final association radius of the map. */
  inliers: number;
  /** inliers / validBeams. */
  inlierRatio: number;
  /** RMS residual of the inliers, m. */
  rmsResidualM: number;
  /** Only one direction (or none) was constrained: a corridor or a lone wall. */
  degenerate: boolean;
  iterations: number;
}

/**
 * Matches scans against one map. Build once per map (the segment grid is the expensive part) and call `match` per
 * scan; it allocates nothing after the first scan of the largest size.
 */
export class ScanMatcher {
  readonly params: Readonly<ScanMatcherParams>;
  readonly grid: SegmentGrid;
  #lx = new Float64Array(0);
  #ly = new Float64Array(0);
  /** Segment each beam was associated with on the last lookup, -1 for none. */
  #assoc = new Int32Array(0);
  // Each beam's direction in the robot frame for the scan shape last seen (a LiDAR's never changes): two trig calls
  // per beam per scan saved, and the same angle expression as before, so the same end points to the last bit.
  #beamCos = new Float64Array(0);
  #beamSin = new Float64Array(0);
  #beamsFor = { count: -1, angleMinRad: NaN, angleIncrementRad: NaN, laserYawRad: NaN };
  readonly #hit = createNearestSegment();
  // The point handed to the grid's search, unboxed (see SegmentGrid.nearestAt).
  readonly #at = new Float64Array(2);
  readonly #H = new Float64Array(9);
  readonly #Hs = new Float64Array(9);
  readonly #Hinv = new Float64Array(9);
  readonly #g = new Float64Array(3);
  #sumR2 = 0;
  #inliers = 0;
  readonly #result: ScanMatchResult = {
    ok: false,
    failure: 'none',
    pose: { x: 0, y: 0, theta: 0 },
    covariance: new Float64Array(9),
    validBeams: 0,
    inliers: 0,
    inlierRatio: 0,
    rmsResidualM: 0,
    degenerate: false,
    iterations: 0,
  };

  constructor(segments: ReadonlyArray<Segment> | SegmentGrid, params: Partial<ScanMatcherParams> = {}) {
    this.params = Object.freeze({ ...defaultScanMatcherParams, ...params });
    const p = this.params;
    if (!(p.associationStartM >= p.associationEndM && p.associationEndM > 0)) {
      throw new RangeError(
        `ScanMatcher: associationStartM (${p.associationStartM}) must be ≥ associationEndM (${p.associationEndM}) > 0`,
      );
    }
    this.grid = segments instanceof SegmentGrid ? segments : new SegmentGrid(segments, p.associationStartM);
    if (this.grid.reachM < p.associationStartM) {
      throw new RangeError(`ScanMatcher: the grid's reach (${this.grid.reachM} m) is below associationStartM`);
    }
  }

  /** Aligns `scan`, taken at about `predicted`, with the map. The result is reused by the next call. */
  match(scan: LaserScanData, predicted: Pose2): ScanMatchResult {
    const p = this.params;
    const res = this.#result;
    const n = this.#prepare(scan);
    res.validBeams = n;
    res.iterations = 0;
    res.degenerate = false;
    res.pose.x = predicted.x;
    res.pose.y = predicted.y;
    res.pose.theta = predicted.theta;
    if (n < p.minValidBeams) return this.#fail('too-few-beams');

    const invVar = 1 / (p.rangeStdM * p.rangeStdM);
    const lamP = 1 / (p.priorPositionStdM * p.priorPositionStdM);
    const lamT = 1 / (p.priorHeadingStdRad * p.priorHeadingStdRad);
    let x = predicted.x, y = predicted.y, th = predicted.theta;
    const H = this.#H, Hs = this.#Hs, g = this.#g, Hi = this.#Hinv;
    // Two association radii: wide to pull in a poor prediction, then tight so that pedestrians and parked bikes stop
    // counting. The nearest-segment search runs when a stage starts (and again if a beam end may have moved more than
    // the tight radius / 4 since); iterations in between reuse the association.
    let stage = 0, inStage = 0, converged = false, lookup = true;
    let lx = x, ly = y, lth = th;
    const farthestM = Math.min(scan.rangeMaxM, 50);
    for (let it = 0; it < p.maxIterations; it++) {
      const last = stage === 1;
      const radius = last ? p.associationEndM : p.associationStartM;
      this.#accumulate(x, y, th, n, radius, invVar, lookup);
      if (lookup) {
        lx = x;
        ly = y;
        lth = th;
      }
      for (let i = 0; i < 9; i++) Hs[i] = H[i]!;
      Hs[0] = Hs[0]! + lamP;
      Hs[4] = Hs[4]! + lamP;
      Hs[8] = Hs[8]! + lamT;
      const g0 = g[0]! + lamP * (x - predicted.x);
      const g1 = g[1]! + lamP * (y - predicted.y);
      const g2 = g[2]! + lamT * wrapAngle(th - predicted.theta);
      if (!invert3(Hs, Hi)) return this.#fail('singular');
      const dx = -(Hi[0]! * g0 + Hi[1]! * g1 + Hi[2]! * g2);
      const dy = -(Hi[3]! * g0 + Hi[4]! * g1 + Hi[5]! * g2);
      const dt = -(Hi[6]! * g0 + Hi[7]! * g1 + Hi[8]! * g2);
      x += dx;
      y += dy;
      th = wrapAngle(th + dt);
      res.iterations = it + 1;
      const tol = last ? p.convergenceM : 0.01;
      const small = Math.sqrt(dx * dx + dy * dy) < tol && Math.abs(dt) < tol * 0.1;
      inStage++;
      const movedM = Math.sqrt((x - lx) * (x - lx) + (y - ly) * (y - ly)) + farthestM * Math.abs(wrapAngle(th - lth));
      lookup = movedM > p.associationEndM / 4;
      if (last) {
        if (small && !lookup) {
          converged = true;
          break;
        }
      } else if (small || inStage >= 4) {
        stage = 1;
        inStage = 0;
        lookup = true;
      }
    }
    // Information at the solution with the final radius; the last pass already is, when it converged (its step was
    // under a millimetre).
    if (!converged) this.#accumulate(x, y, th, n, p.associationEndM, invVar, true);
    res.pose.x = x;
    res.pose.y = y;
    res.pose.theta = th;
    const inliers = this.#inliers;
    res.inliers = inliers;
    res.inlierRatio = inliers / n;
    res.rmsResidualM = inliers > 0 ? Math.sqrt(this.#sumR2 / inliers) : Number.POSITIVE_INFINITY;
    if (inliers < p.minInliers) return this.#fail('too-few-inliers');
    if (res.inlierRatio < p.minInlierRatio) return this.#fail('low-inlier-ratio');
    if (res.rmsResidualM > p.maxRmsResidualM) return this.#fail('high-residual');

    if (p.minDirectionBeams > 0) this.#dropWeakDirection(res.pose, predicted, p.minDirectionBeams * invVar);
    // Residuals larger than the nominal noise mean the model fits worse than assumed: widen by the observed ratio.
    const fitScale = Math.max(1, (res.rmsResidualM * res.rmsResidualM) * invVar);
    const scale = 1 / (p.covarianceScale * fitScale);
    for (let i = 0; i < 9; i++) H[i] = H[i]! * scale;
    H[0] = H[0]! + lamP;
    H[4] = H[4]! + lamP;
    H[8] = H[8]! + lamT;
    const C = res.covariance;
    if (!invert3(H, C)) return this.#fail('singular');
    C[0] = C[0]! + p.minPositionStdM ** 2;
    C[4] = C[4]! + p.minPositionStdM ** 2;
    C[8] = C[8]! + p.minHeadingStdRad ** 2;
    C[1] = C[3] = 0.5 * (C[1]! + C[3]!);
    C[2] = C[6] = 0.5 * (C[2]! + C[6]!);
    C[5] = C[7] = 0.5 * (C[5]! + C[7]!);
    // Largest eigenvalue of the position block tells whether a direction was left to the prior.
    const a = C[0]!, b = C[1]!, d = C[4]!;
    const maxVar = 0.5 * (a + d) + Math.sqrt(0.25 * (a - d) * (a - d) + b * b);
    res.degenerate = maxVar > p.degenerateStdM * p.degenerateStdM;
    res.ok = true;
    res.failure = 'none';
    return res;
  }

  /**
   * When the weaker eigen-direction v of the position information (the 2×2 block of #H) holds less than `minInfo`,
   * removes every bit of information along v (the position block and its coupling with the heading) and puts the
   * pose back on the prediction along v: the match then says nothing there, and the prior's variance stands.
   */
  #dropWeakDirection(pose: Pose2, predicted: Pose2, minInfo: number): void {
    const H = this.#H;
    const a = H[0]!, b = H[1]!, d = H[4]!;
    const half = 0.5 * (a - d);
    const root = Math.sqrt(half * half + b * b);
    const weak = 0.5 * (a + d) - root;
    if (!(weak < minInfo)) return;
    // Eigenvector of the smaller eigenvalue (for b = 0: the axis with the smaller diagonal).
    let vx: number, vy: number;
    if (Math.abs(b) > 1e-12 * (Math.abs(a) + Math.abs(d))) {
      vx = weak - d;
      vy = b;
    } else if (a <= d) {
      vx = 1;
      vy = 0;
    } else {
      vx = 0;
      vy = 1;
    }
    const len = Math.hypot(vx, vy);
    vx /= len;
    vy /= len;
    // H ← Tᵀ H T with T = blockdiag(I − v vᵀ, 1): the position block projected off v, the θ coupling likewise.
    const ux = -vy, uy = vx;
    const strong = 0.5 * (a + d) + root;
    H[0] = strong * ux * ux;
    H[1] = H[3] = strong * ux * uy;
    H[4] = strong * uy * uy;
    const ht = ux * H[2]! + uy * H[5]!;
    H[2] = H[6] = ht * ux;
    H[5] = H[7] = ht * uy;
    const along = (pose.x - predicted.x) * vx + (pose.y - predicted.y) * vy;
    pose.x -= along * vx;
    pose.y -= along * vy;
  }

  #fail(failure: ScanMatchFailure): ScanMatchResult {
    const res = this.#result;
    res.ok = false;
    res.failure = failure;
    return res;
  }

  /** Beam end points in the robot frame into #lx/#ly; returns how many beams have a return. */
  #prepare(scan: LaserScanData): number {
    const p = this.params;
    const count = scan.ranges.length;
    if (this.#lx.length < count) {
      this.#lx = new Float64Array(count);
      this.#ly = new Float64Array(count);
      this.#assoc = new Int32Array(count);
    }
    const shape = this.#beamsFor;
    if (shape.count !== count || shape.angleMinRad !== scan.angleMinRad || shape.angleIncrementRad !== scan.angleIncrementRad
      || shape.laserYawRad !== p.laserYawRad) {
      if (this.#beamCos.length < count) {
        this.#beamCos = new Float64Array(count);
        this.#beamSin = new Float64Array(count);
      }
      for (let i = 0; i < count; i++) {
        const a = p.laserYawRad + scan.angleMinRad + i * scan.angleIncrementRad;
        this.#beamCos[i] = Math.cos(a);
        this.#beamSin[i] = Math.sin(a);
      }
      shape.count = count;
      shape.angleMinRad = scan.angleMinRad;
      shape.angleIncrementRad = scan.angleIncrementRad;
      shape.laserYawRad = p.laserYawRad;
    }
    const cos = this.#beamCos, sin = this.#beamSin, lx = this.#lx, ly = this.#ly, ranges = scan.ranges;
    const rMin = scan.rangeMinM, rMax = scan.rangeMaxM;
    const stride = Math.max(1, Math.floor(p.beamStride));
    let n = 0;
    for (let i = 0; i < count; i += stride) {
      const r = ranges[i]!;
      if (!(r >= rMin && r < rMax)) continue;
      lx[n] = p.laserXM + r * cos[i]!;
      ly[n] = p.laserYM + r * sin[i]!;
      n++;
    }
    return n;
  }

  /**
   * Gauss-Newton normal equations (H, g) of the data term at (x, y, θ); also counts inliers and their Σr². With
   * `lookup` each beam's nearest segment is searched in the grid and remembered; without, the remembered segment is
   * reused (classic ICP: the association barely changes between iterations, and the search is the expensive part).
   */
  #accumulate(x: number, y: number, th: number, n: number, radius: number, invVar: number, lookup: boolean): void {
    const H = this.#H, g = this.#g, hit = this.#hit, nrm = this.grid.normals, co = this.grid.coords;
    // Fields in locals, and the closest point in locals rather than written into `hit` and read back: the loop runs
    // for every beam on every iteration of every match.
    const assoc = this.#assoc, at = this.#at, lxs = this.#lx, lys = this.#ly, grid = this.grid;
    const radius2 = radius * radius;
    const huber = this.params.huberM;
    let h0 = 0, h1 = 0, h2 = 0, h4 = 0, h5 = 0, h8 = 0, g0 = 0, g1 = 0, g2 = 0;
    let inliers = 0;
    let sumR2 = 0;
    const c = Math.cos(th), s = Math.sin(th);
    for (let i = 0; i < n; i++) {
      const rx = c * lxs[i]! - s * lys[i]!;
      const ry = s * lxs[i]! + c * lys[i]!;
      const wx = x + rx, wy = y + ry;
      let k: number, t: number, qx: number, qy: number;
      if (lookup) {
        at[0] = wx;
        at[1] = wy;
        if (!grid.nearestAt(at, radius, hit)) {
          assoc[i] = -1;
          continue;
        }
        k = hit.index;
        t = hit.t;
        qx = hit.xM;
        qy = hit.yM;
        assoc[i] = k;
      } else {
        k = assoc[i]!;
        if (k < 0) continue;
        const ax = co[k * 4]!, ay = co[k * 4 + 1]!;
        const sx = co[k * 4 + 2]! - ax, sy = co[k * 4 + 3]! - ay;
        const len2 = sx * sx + sy * sy;
        t = len2 > 0 ? ((wx - ax) * sx + (wy - ay) * sy) / len2 : 0;
        if (t < 0) t = 0;
        else if (t > 1) t = 1;
        qx = ax + t * sx;
        qy = ay + t * sy;
        if ((wx - qx) * (wx - qx) + (wy - qy) * (wy - qy) > radius2) continue;
      }
      let nx: number, ny: number, r: number;
      if (t > 0 && t < 1) {
        // Interior: point-to-line, the residual is linear in the pose and the normal is the segment's.
        nx = nrm[k * 2]!;
        ny = nrm[k * 2 + 1]!;
        r = nx * (wx - qx) + ny * (wy - qy);
      } else {
        // Past an end: point-to-point towards the corner.
        const ex = wx - qx, ey = wy - qy;
        r = Math.sqrt(ex * ex + ey * ey);
        if (r < 1e-9) continue;
        nx = ex / r;
        ny = ey / r;
      }
      const ar = Math.abs(r);
      const w = (ar <= huber ? 1 : huber / ar) * invVar;
      const j2 = -nx * ry + ny * rx;
      // Summed in locals in the order the H and g entries were summed in place before, so the same sums.
      h0 = h0 + w * nx * nx;
      h1 = h1 + w * nx * ny;
      h2 = h2 + w * nx * j2;
      h4 = h4 + w * ny * ny;
      h5 = h5 + w * ny * j2;
      h8 = h8 + w * j2 * j2;
      g0 = g0 + w * nx * r;
      g1 = g1 + w * ny * r;
      g2 = g2 + w * j2 * r;
      inliers++;
      sumR2 += r * r;
    }
    H[0] = h0;
    H[1] = h1;
    H[2] = h2;
    H[4] = h4;
    H[5] = h5;
    H[8] = h8;
    H[3] = h1;
    H[6] = h2;
    H[7] = h5;
    g[0] = g0;
    g[1] = g1;
    g[2] = g2;
    this.#inliers = inliers;
    this.#sumR2 = sumR2;
  }

}
