/**
 * Onboard algorithm costs against DESIGN.md's targets: EKF predict + GNSS update, scan-to-map match (180 beams),
 * controller step (pure pursuit, and with local avoidance over a 360-beam scan), collision check of a 360-beam scan.
 * Baselines measured in the same run: the scan matcher with brute-force nearest-segment search (one grid cell holds
 * every segment), and a naive collision check that point-in-polygon tests every point against the zones and against
 * the footprint at every step of the projected arc.
 *
 *   npx tsx bench/robot-algorithms.bench.ts
 */
import { Random } from '../common/core/Random.ts';
import type { Circle, Pose2, Segment } from '../maps/core/types.ts';
import {
  createAvoidanceState,
  createPurePursuitOutput,
  createPurePursuitState,
  createTrackedPath,
  defaultAvoidanceParams,
  defaultPurePursuitParams,
  purePursuitStep,
  updateAvoidance,
} from '../robot/controller/core/index.ts';
import { Ekf2D, ScanMatcher, SegmentGrid, castScanBruteForce, rectangleSegments } from '../robot/localization/core/index.ts';
import {
  type StampedScan,
  checkCollision,
  createCheckedCommand,
  defaultCollisionMonitorParams,
} from '../robot/safety/core/index.ts';

/** Median µs per call over `rounds` rounds of `iters` calls (after a warm-up round). */
function measure(iters: number, fn: (i: number) => void, rounds = 7): number {
  for (let i = 0; i < iters; i++) fn(i);
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) fn(i);
    per.push(((performance.now() - t0) * 1000) / iters);
  }
  per.sort((a, b) => a - b);
  return per[Math.floor(per.length / 2)]!;
}

function report(name: string, us: number, targetUs: number | undefined, baseline?: { name: string; us: number }): void {
  const target = targetUs === undefined ? 'no DESIGN target' : `target < ${targetUs} µs: ${us < targetUs ? 'MET' : 'MISSED'}`;
  const base = baseline ? `; ${baseline.name} ${baseline.us.toFixed(2)} µs (${(baseline.us / us).toFixed(1)}× slower)` : '';
  console.log(`${name.padEnd(44)} ${us.toFixed(2).padStart(9)} µs   ${target}${base}`);
}

const rnd = new Random(42);

// ---- EKF predict + GNSS update -------------------------------------------------------------------------------
{
  const ekf = new Ekf2D({}, { x: 0, y: 0, theta: 0 });
  const noise = new Float64Array(4096);
  for (let i = 0; i < noise.length; i++) noise[i] = rnd.normal(0, 2);
  let x = 0;
  const us = measure(200_000, (i) => {
    ekf.predict(0.15, 0.01, 0.1);
    x += 0.15;
    ekf.updateGnss(x + noise[i & 4095]!, noise[(i + 7) & 4095]!, 4, 0, 4);
  });
  const usPredict = measure(200_000, () => ekf.predict(0.15, 0.01, 0.1));
  // The default on the robot: heading from the wheels, with the turn scale error and turn slip.
  const usPredictWheels = measure(200_000, () => ekf.predict(0.15, 0.01, 0.1, false));
  report('EKF predict + GNSS update', us, 200);
  report('EKF predict alone (gyro heading)', usPredict, undefined);
  report('EKF predict alone (wheel heading)', usPredictWheels, undefined);
}

// ---- Scan match, 180 beams, on a block of buildings ----------------------------------------------------------
const campus: Segment[] = [];
for (let bx = -60; bx < 60; bx += 20) {
  for (let by = -60; by < 60; by += 20) {
    // Buildings 12 × 12 m with 8 m streets; outlines split into 2 m pieces like an OSM outline with many vertices.
    for (const s of rectangleSegments(bx, by, bx + 12, by + 12)) {
      const pieces = Math.ceil(Math.hypot(s.bx - s.ax, s.by - s.ay) / 2);
      for (let k = 0; k < pieces; k++) {
        const t0 = k / pieces, t1 = (k + 1) / pieces;
        campus.push({
          ax: s.ax + (s.bx - s.ax) * t0,
          ay: s.ay + (s.by - s.ay) * t0,
          bx: s.ax + (s.bx - s.ax) * t1,
          by: s.ay + (s.by - s.ay) * t1,
        });
      }
    }
  }
}
{
  const beams = 180;
  const poses: Pose2[] = [];
  const scans: Float32Array[] = [];
  for (let k = 0; k < 64; k++) {
    // Street centre lines: x or y ≡ 16 (mod 20).
    const along = rnd.uniform(-50, 50);
    const street = -44 + 20 * rnd.int(0, 4);
    const truth = k % 2 === 0 ? { x: along, y: street, theta: rnd.uniform(-Math.PI, Math.PI) } : { x: street, y: along, theta: rnd.uniform(-Math.PI, Math.PI) };
    const ranges = new Float32Array(beams);
    castScanBruteForce(campus, [], truth, -Math.PI, (2 * Math.PI) / beams, 10, ranges);
    for (let i = 0; i < beams; i++) if (Number.isFinite(ranges[i]!)) ranges[i] = ranges[i]! + rnd.normal(0, 0.03);
    poses.push({ x: truth.x + rnd.normal(0, 0.2), y: truth.y + rnd.normal(0, 0.2), theta: truth.theta + rnd.normal(0, 0.02) });
    scans.push(ranges);
  }
  const scan = { ranges: scans[0]!, angleMinRad: -Math.PI, angleIncrementRad: (2 * Math.PI) / beams, rangeMinM: 0.1, rangeMaxM: 10 };
  const matcher = new ScanMatcher(campus);
  const brute = new ScanMatcher(new SegmentGrid(campus, 1.5, 10_000));
  let ok = 0;
  let degenerate = 0;
  const us = measure(2_000, (i) => {
    scan.ranges = scans[i & 63]!;
    const m = matcher.match(scan, poses[i & 63]!);
    if (m.ok) ok++;
    if (m.ok && m.degenerate) degenerate++;
  }, 5);
  const usBrute = measure(200, (i) => {
    scan.ranges = scans[i & 63]!;
    brute.match(scan, poses[i & 63]!);
  }, 3);
  report(`scan match, 180 beams (${campus.length} segments)`, us, undefined, { name: 'brute-force nearest segment', us: usBrute });
  console.log(
    `${''.padEnd(44)} usable matches: ${((100 * ok) / (2_000 * 6)).toFixed(0)} %, ` +
      `of them with a direction left to the prior (a street between two rows of walls): ${((100 * degenerate) / Math.max(ok, 1)).toFixed(0)} %`,
  );
}

// ---- Controller step ---------------------------------------------------------------------------------------
{
  const pts = [];
  for (let i = 0; i <= 200; i++) pts.push({ x: i * 2, y: 5 * Math.sin(i / 10) });
  const path = createTrackedPath(pts);
  const state = createPurePursuitState();
  const out = createPurePursuitOutput();
  const input = { dtS: 0.1, obstacleDistM: Infinity, lateralOffsetM: 0, speedLimitMps: Infinity };
  const pose = { x: 0, y: 0, theta: 0 };
  const us = measure(200_000, (i) => {
    if ((i & 1023) === 0) {
      state.segmentIndex = 0;
      pose.x = 0;
      pose.y = 0;
      pose.theta = 0;
    }
    purePursuitStep(path, pose, input, state, defaultPurePursuitParams, out);
    pose.x += out.linearMps * 0.1 * Math.cos(pose.theta);
    pose.y += out.linearMps * 0.1 * Math.sin(pose.theta);
    pose.theta += out.angularRps * 0.1;
  });
  report('controller step (pure pursuit)', us, 200);

  const straight = createTrackedPath([{ x: 0, y: 0 }, { x: 50, y: 0 }]);
  const people: Circle[] = [{ x: 3, y: 0.2, radiusM: 0.3 }, { x: 6, y: -1, radiusM: 0.3 }];
  const walls: Segment[] = [{ ax: -5, ay: 1.6, bx: 60, by: 1.6 }, { ax: -5, ay: -1.6, bx: 60, by: -1.6 }];
  const ranges = new Float32Array(360);
  castScanBruteForce(walls, people, { x: 0, y: 0, theta: 0 }, -Math.PI, Math.PI / 180, 10, ranges);
  const scan = { ranges, angleMinRad: -Math.PI, angleIncrementRad: Math.PI / 180, rangeMinM: 0.05, rangeMaxM: 10 };
  const avoid = createAvoidanceState();
  const st2 = createPurePursuitState();
  const p0 = { x: 0, y: 0, theta: 0 };
  const usAvoid = measure(50_000, () => {
    updateAvoidance(straight, st2.segmentIndex, p0, scan, 0.1, avoid, defaultAvoidanceParams);
    input.lateralOffsetM = avoid.lateralOffsetM;
    input.speedLimitMps = avoid.speedLimitMps;
    purePursuitStep(straight, p0, input, st2, defaultPurePursuitParams, out);
  });
  report('controller step + avoidance (360 beams)', usAvoid, 200);
}

// ---- Collision check, 360 beams ----------------------------------------------------------------------------
{
  const P = defaultCollisionMonitorParams;
  const ranges = new Float32Array(360);
  const obstacles: Circle[] = [{ x: 1.6, y: 0.3, radiusM: 0.3 }, { x: 0.2, y: 0.9, radiusM: 0.2 }, { x: -2, y: -1, radiusM: 0.3 }];
  const walls: Segment[] = [{ ax: -10, ay: 1.5, bx: 10, by: 1.5 }, { ax: -10, ay: -1.5, bx: 10, by: -1.5 }, { ax: 6, ay: -3, bx: 6, by: 3 }];
  castScanBruteForce(walls, obstacles, { x: 0, y: 0, theta: 0 }, -Math.PI, Math.PI / 180, 12, ranges);
  const scan: StampedScan = { ranges, angleMinRad: -Math.PI, angleIncrementRad: Math.PI / 180, rangeMinM: 0.05, rangeMaxM: 12, stampS: 0 };
  const out = createCheckedCommand();
  const us = measure(100_000, (i) => checkCollision(scan, 0.05, 1.5, (i & 1) === 0 ? 0.3 : -0.2, P, out));
  const usNaive = measure(5_000, (i) => naiveCollisionCheck(scan, 1.5, (i & 1) === 0 ? 0.3 : -0.2));
  report('collision check (360 beams)', us, 1000, { name: 'naive polygon-test-every-point', us: usNaive });
  console.log(`${''.padEnd(44)} (Nav2 collision monitor, as reported in DESIGN.md: 4450 µs)`);
  const mine = checkCollision(scan, 0.05, 1.5, 0.3, P, out);
  const naive = naiveCollisionCheck(scan, 1.5, 0.3);
  if (mine.action !== naive.action || Math.abs(mine.linearMps - naive.linearMps) > 1e-9) {
    console.error(`collision check disagrees with the naive baseline: ${mine.action} ${mine.linearMps} vs ${naive.action} ${naive.linearMps}`);
    process.exit(1);
  }
}

/** Point in polygon by ray crossing; polygon as interleaved x, y. */
function inPolygon(x: number, y: number, poly: number[]): boolean {
  let inside = false;
  const n = poly.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = poly[2 * i]!, yi = poly[2 * i + 1]!, xj = poly[2 * j]!, yj = poly[2 * j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The textbook way: points as objects, polygons as vertex lists, every point against every projected footprint. */
function naiveCollisionCheck(scan: StampedScan, v: number, w: number): { action: string; linearMps: number } {
  const P = defaultCollisionMonitorParams;
  const rect = (m: number) => [
    P.footprintFrontM + m, P.footprintLeftM + m, -P.footprintRearM - m, P.footprintLeftM + m,
    -P.footprintRearM - m, -P.footprintRightM - m, P.footprintFrontM + m, -P.footprintRightM - m,
  ];
  const stop = rect(P.stopMarginM);
  const slow = rect(P.slowdownMarginM);
  const points: Array<{ x: number; y: number }> = [];
  for (let i = 0; i < scan.ranges.length; i++) {
    const r = scan.ranges[i]!;
    if (!(r >= scan.rangeMinM && r < scan.rangeMaxM)) continue;
    const a = scan.angleMinRad + i * scan.angleIncrementRad;
    points.push({ x: r * Math.cos(a), y: r * Math.sin(a) });
  }
  let nStop = 0, nSlow = 0;
  for (const q of points) {
    if (inPolygon(q.x, q.y, stop)) nStop++;
    else if (inPolygon(q.x, q.y, slow)) nSlow++;
  }
  if (nStop >= P.minPoints) return { action: 'stop', linearMps: 0 };
  let ttc = Infinity;
  const steps = Math.ceil(P.approachHorizonS / P.approachStepS);
  for (let k = 0; k < steps; k++) {
    const t = (k + 1) * P.approachStepS;
    const th = w * t;
    const x = Math.abs(w) < 1e-9 ? v * t : (v / w) * Math.sin(th);
    const y = Math.abs(w) < 1e-9 ? 0 : (v / w) * (1 - Math.cos(th));
    const moved: number[] = [];
    for (let j = 0; j < stop.length; j += 2) {
      moved.push(x + Math.cos(th) * stop[j]! - Math.sin(th) * stop[j + 1]!, y + Math.sin(th) * stop[j]! + Math.cos(th) * stop[j + 1]!);
    }
    for (const q of points) if (inPolygon(q.x, q.y, moved) && t < ttc) ttc = t;
  }
  let scale = nSlow >= P.minPoints ? P.slowdownRatio : 1;
  let action = nSlow >= P.minPoints ? 'slowdown' : 'pass';
  if (ttc < Infinity) {
    const s = (ttc - P.approachStepS) / P.approachHorizonS;
    if (s <= 0) return { action: 'stop', linearMps: 0 };
    if (s < scale) {
      scale = s;
      action = 'approach';
    }
  }
  return { action, linearMps: v * scale };
}
