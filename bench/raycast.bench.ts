/**
 * LiDAR ray casting against campus obstacles: ObstacleIndex.castScan against a brute-force baseline (every segment
 * for every beam) measured in the same run, on the real ZJU Zijingang building and water outlines and on a synthetic
 * 1.5 km campus of rectangles. Also checks that both give bit-identical ranges, and times isClear.
 *
 *   npx tsx bench/raycast.bench.ts            (or: npm run bench raycast)
 *
 * Poses are uniform over the campus outside every polygon ("anywhere"), and a harder set within 10 m of an outline
 * ("near buildings", where no scan can be skipped). DESIGN.md's figure to beat is 7,300 scans/s (360 beams, 10 m).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../common/core/Random.ts';
import { ObstacleIndex } from '../maps/core/ObstacleIndex.ts';
import { castRayBruteForce, packSegments } from '../maps/core/castRayBruteForce.ts';
import type { Pose2, Vec2 } from '../maps/core/types.ts';

const RANGE_M = 10;
const DESIGN_SCANS_PER_S = 7300;
const here = dirname(fileURLToPath(import.meta.url));

/** The ZJU file's building and water rings, projected equirectangularly about the data's mean point (metres). */
function zjuRings(): Vec2[][] {
  const path = join(here, '..', 'maps', 'data', 'zju-zijingang.geojson');
  const collection = JSON.parse(readFileSync(path, 'utf8')) as {
    features: { geometry: { type: string; coordinates: number[][][] }; properties: { kind?: string } }[];
  };
  const lonLatRings: number[][][] = [];
  for (const f of collection.features) {
    if (f.geometry.type !== 'Polygon') continue;
    if (f.properties.kind !== 'building' && f.properties.kind !== 'water') continue;
    lonLatRings.push(...f.geometry.coordinates);
  }
  let lon0 = 0;
  let lat0 = 0;
  let n = 0;
  for (const ring of lonLatRings) for (const [lon, lat] of ring) { lon0 += lon!; lat0 += lat!; n++; }
  lon0 /= n;
  lat0 /= n;
  const mPerDeg = (6_371_008.8 * Math.PI) / 180;
  const cosLat = Math.cos((lat0 * Math.PI) / 180);
  return lonLatRings.map((ring) => ring.map(([lon, lat]) => ({ x: (lon! - lon0) * mPerDeg * cosLat, y: (lat! - lat0) * mPerDeg })));
}

/** ~260 buildings: rectangles 15–90 m a side, some rotated, kept 8 m apart (footways between), in a 1.5 km square. */
function syntheticRings(random: Random): Vec2[][] {
  const rings: Vec2[][] = [];
  const placed: { x: number; y: number; r: number }[] = [];
  for (let tries = 0; rings.length < 260 && tries < 50_000; tries++) {
    const w = random.uniform(15, 90);
    const h = random.uniform(12, 40);
    const x = random.uniform(60, 1440);
    const y = random.uniform(60, 1440);
    const r = Math.hypot(w, h) / 2;
    if (placed.some((p) => Math.hypot(p.x - x, p.y - y) < p.r + r + 8)) continue;
    placed.push({ x, y, r });
    const a = random.chance(0.3) ? random.uniform(0, Math.PI) : 0;
    const c = Math.cos(a);
    const s = Math.sin(a);
    rings.push([[-w, -h], [w, -h], [w, h], [-w, h]].map(([u, v]) => ({ x: x + (u! * c - v! * s) / 2, y: y + (u! * s + v! * c) / 2 })));
  }
  return rings;
}

function bounds(rings: Vec2[][]): { x0: number; y0: number; x1: number; y1: number } {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const ring of rings) for (const p of ring) {
    x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y);
  }
  return { x0, y0, x1, y1 };
}

function samplePoses(index: ObstacleIndex, rings: Vec2[][], random: Random, count: number, nearOnly: boolean): Pose2[] {
  const b = bounds(rings);
  const poses: Pose2[] = [];
  while (poses.length < count) {
    const x = random.uniform(b.x0, b.x1);
    const y = random.uniform(b.y0, b.y1);
    if (index.containsPoint(x, y)) continue;
    const d = index.nearestDistance(x, y, RANGE_M);
    if (d < 0.3 || (nearOnly && d === Infinity)) continue;
    poses.push({ x, y, theta: random.uniform(-Math.PI, Math.PI) });
  }
  return poses;
}

/** Runs `body` over the poses until about `budgetMs` has passed; returns scans per second. */
function scansPerSecond(poses: Pose2[], budgetMs: number, body: (pose: Pose2) => void): number {
  for (let i = 0; i < Math.min(poses.length, 200); i++) body(poses[i]!);
  let scans = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    for (let i = 0; i < poses.length && (i & 63 || performance.now() - t0 < budgetMs); i++) {
      body(poses[i]!);
      scans++;
    }
    elapsed = performance.now() - t0;
  }
  return (scans * 1000) / elapsed;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

let mismatches = 0;

function benchCampus(name: string, rings: Vec2[][], random: Random): void {
  const t0 = performance.now();
  const index = ObstacleIndex.fromPolygons(rings);
  const buildMs = performance.now() - t0;
  const packed = packSegments(index.segments);
  console.log(`\n${name}: ${rings.length} rings, ${index.segmentCount} segments, cell ${index.cellSizeM} m, built in ${buildMs.toFixed(1)} ms`);

  for (const nearOnly of [false, true]) {
    const poses = samplePoses(index, rings, random, 2000, nearOnly);
    const clear = poses.filter((p) => index.isClear(p.x, p.y, RANGE_M)).length;
    console.log(`  poses ${nearOnly ? 'near buildings (≤ 10 m)' : 'anywhere outdoors'}: ${poses.length}, ${((100 * clear) / poses.length).toFixed(0)}% clear within ${RANGE_M} m`);
    for (const beams of [360, 180]) {
      const inc = (2 * Math.PI) / beams;
      const angleMin = -Math.PI;
      const out = new Float32Array(beams);
      const brute = new Float32Array(beams);
      const bruteScan = (p: Pose2) => {
        const a0 = p.theta + angleMin;
        for (let i = 0; i < beams; i++) brute[i] = castRayBruteForce(packed, p.x, p.y, a0 + i * inc, RANGE_M);
      };

      const rayScan = (p: Pose2) => {
        const a0 = p.theta + angleMin;
        for (let i = 0; i < beams; i++) out[i] = index.castRay(p.x, p.y, a0 + i * inc, RANGE_M);
      };

      // Same poses, same angles: the ranges must agree to the bit (Infinity included), both for castScan (angular
      // sweep) and for castRay (grid walk).
      let hits = 0;
      for (const p of poses.slice(0, 150)) {
        bruteScan(p);
        index.castScan(p, angleMin, inc, beams, RANGE_M, out);
        for (let i = 0; i < beams; i++) {
          if (!Object.is(out[i], brute[i])) mismatches++;
          if (out[i]! < Infinity) hits++;
        }
        rayScan(p);
        for (let i = 0; i < beams; i++) if (!Object.is(out[i], brute[i])) mismatches++;
      }

      const indexed = scansPerSecond(poses, 1000, (p) => index.castScan(p, angleMin, inc, beams, RANGE_M, out));
      const walked = scansPerSecond(poses, 500, rayScan);
      const baseline = scansPerSecond(poses.slice(0, 300), 500, bruteScan);
      console.log(`    ${beams} beams @ ${RANGE_M} m: castScan ${fmt(indexed)} scans/s (×${(indexed / baseline).toFixed(0)} brute force`
        + (beams === 360 ? `, ×${(indexed / DESIGN_SCANS_PER_S).toFixed(1)} DESIGN.md's 7,300` : '')
        + `); castRay per beam ${fmt(walked)}; brute force ${fmt(baseline)}; ${((100 * hits) / (150 * beams)).toFixed(0)}% of beams hit`);
    }
    let sink = 0;
    const reps = 200;
    const t1 = performance.now();
    for (let r = 0; r < reps; r++) for (const p of poses) if (index.isClear(p.x, p.y, RANGE_M)) sink++;
    const nsPerCall = ((performance.now() - t1) * 1e6) / (reps * poses.length);
    console.log(`    isClear(${RANGE_M} m): ${nsPerCall.toFixed(0)} ns/call (${sink > 0 ? 'some' : 'no'} clear)`);
  }
}

/** Default-cell-size sweep on the real campus (poses near buildings, 360 beams), so DEFAULT_CELL_SIZE_M stays earned. */
function cellSweep(rings: Vec2[][], random: Random): void {
  const line: string[] = [];
  for (const cellSizeM of [1, 1.5, 2, 3, 5, 8]) {
    const index = ObstacleIndex.fromPolygons(rings, { cellSizeM });
    const poses = samplePoses(index, rings, random.fork(), 1000, true);
    const out = new Float32Array(360);
    const rate = scansPerSecond(poses, 400, (p) => index.castScan(p, -Math.PI, Math.PI / 180, 360, RANGE_M, out));
    line.push(`${cellSizeM} m: ${fmt(rate)}`);
  }
  console.log(`\ncell size sweep (ZJU, near buildings, 360 beams, scans/s): ${line.join(' | ')}`);
}

const random = new Random(20261127);
console.log(`raycast bench — node ${process.version}, ${process.arch}; one core`);
const zju = zjuRings();
benchCampus('ZJU Zijingang (real OSM buildings + water)', zju, random.fork());
benchCampus('synthetic 1.5 km campus', syntheticRings(random.fork()), random.fork());
cellSweep(zju, random.fork());
if (mismatches > 0) {
  console.error(`\nFAIL: ${mismatches} beams differ between ObstacleIndex and brute force`);
  process.exit(1);
}
console.log('\nranges identical to brute force on every checked beam');
