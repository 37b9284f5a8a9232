import { describe, expect, it } from 'vitest';
import { Random } from '../../common/core/Random.ts';
import { ObstacleIndex, ObstacleIndexError } from './ObstacleIndex.ts';
import { castRayBruteForce, packSegments } from './castRayBruteForce.ts';
import type { Circle, Segment, Vec2 } from './types.ts';

const SQRT2 = Math.SQRT2;
const square = (x0: number, y0: number, x1: number, y1: number): Vec2[] =>
  [{ x: x0, y: y0 }, { x: x1, y: y0 }, { x: x1, y: y1 }, { x: x0, y: y1 }];
const room = () => ObstacleIndex.fromPolygons([square(0, 0, 10, 10)]);

/**
 * Independent oracles: written from the textbook formulas (Cramer's rule for ray–segment, projection clamp for
 * point–segment), not from the module's primitive, so they catch a wrong primitive as well as a wrong traversal.
 */
function oracleRay(segments: Segment[], x: number, y: number, angle: number, maxRangeM: number): number {
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  let best = Infinity;
  for (const s of segments) {
    // Solve [dx  -(bx-ax); dy  -(by-ay)] · [t; u] = [ax - x; ay - y]
    const m11 = dx, m12 = -(s.bx - s.ax), m21 = dy, m22 = -(s.by - s.ay);
    const r1 = s.ax - x, r2 = s.ay - y;
    const det = m11 * m22 - m12 * m21;
    if (Math.abs(det) < 1e-12) continue;
    const t = (r1 * m22 - m12 * r2) / det;
    const u = (m11 * r2 - r1 * m21) / det;
    if (t >= 0 && u >= 0 && u <= 1) best = Math.min(best, t);
  }
  return best <= maxRangeM ? best : Infinity;
}

function oracleDistance(segments: Segment[], x: number, y: number): number {
  let best = Infinity;
  for (const s of segments) {
    const vx = s.bx - s.ax, vy = s.by - s.ay;
    const len2 = vx * vx + vy * vy;
    const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - s.ax) * vx + (y - s.ay) * vy) / len2));
    best = Math.min(best, Math.hypot(s.ax + u * vx - x, s.ay + u * vy - y));
  }
  return best;
}

function oracleCircle(c: Circle, x: number, y: number, angle: number): number {
  // Solve |p + t·d − c|² = r² for the smaller root t ≥ 0.
  const dx = Math.cos(angle), dy = Math.sin(angle);
  const fx = x - c.x, fy = y - c.y;
  const b = 2 * (fx * dx + fy * dy);
  const cc = fx * fx + fy * fy - c.radiusM * c.radiusM;
  if (cc <= 0) return 0;
  const disc = b * b - 4 * cc;
  if (disc < 0) return Infinity;
  const t = (-b - Math.sqrt(disc)) / 2;
  return t >= 0 ? t : Infinity;
}

function nearestSegmentDistance(rings: Vec2[][], x: number, y: number): number {
  const segments: Segment[] = [];
  for (const ring of rings) {
    for (let k = 0, j = ring.length - 1; k < ring.length; j = k++) segments.push({ ax: ring[j]!.x, ay: ring[j]!.y, bx: ring[k]!.x, by: ring[k]!.y });
  }
  return oracleDistance(segments, x, y);
}

function randomSoup(random: Random, count: number, sizeM: number): Segment[] {
  const segments: Segment[] = [];
  for (let i = 0; i < count; i++) {
    const ax = random.uniform(0, sizeM);
    const ay = random.uniform(0, sizeM);
    const len = random.chance(0.1) ? random.uniform(20, 60) : random.uniform(0.2, 8);
    const a = random.uniform(0, 2 * Math.PI);
    segments.push({ ax, ay, bx: ax + len * Math.cos(a), by: ay + len * Math.sin(a) });
  }
  return segments;
}

describe('ObstacleIndex.castRay on hand-computed geometry', () => {
  it('measures a square room from inside in all four directions', () => {
    const index = room();
    expect(index.segmentCount).toBe(4);
    expect(index.castRay(2, 3, 0, 20)).toBeCloseTo(8, 12);
    expect(index.castRay(2, 3, Math.PI / 2, 20)).toBeCloseTo(7, 12);
    expect(index.castRay(2, 3, Math.PI, 20)).toBeCloseTo(2, 12);
    expect(index.castRay(2, 3, -Math.PI / 2, 20)).toBeCloseTo(3, 12);
    expect(index.castRay(2, 3, Math.atan2(7, 4), 20)).toBeCloseTo(Math.hypot(4, 7), 12);
  });

  it('hits a corner exactly, from inside and from outside', () => {
    const index = room();
    expect(index.castRay(5, 5, Math.PI / 4, 20)).toBeCloseTo(5 * SQRT2, 12);
    expect(index.castRay(2, 3, Math.atan2(7, 8), 20)).toBeCloseTo(Math.hypot(8, 7), 12);
    expect(index.castRay(-5, -5, Math.PI / 4, 20)).toBeCloseTo(5 * SQRT2, 12);
    expect(index.castRay(15, -5, (3 * Math.PI) / 4, 20)).toBeCloseTo(5 * SQRT2, 12);
  });

  it('ignores edges parallel to the ray and stops at a collinear edge’s near end', () => {
    const index = room();
    expect(index.castRay(-5, 5, 0, 20)).toBeCloseTo(5, 12); // parallel to top and bottom, hits the left wall
    expect(index.castRay(-5, -1, 0, 100)).toBe(Infinity); // parallel, below the room
    expect(index.castRay(-5, 0, 0, 20)).toBeCloseTo(5, 12); // along the bottom edge
    expect(index.castRay(0, -5, Math.PI / 2, 20)).toBeCloseTo(5, 12); // along the left edge; cos(π/2) ≠ 0
    expect(index.castRay(10, 15, -Math.PI / 2, 20)).toBeCloseTo(5, 12);
    expect(index.castRay(-5, 0, Math.PI, 100)).toBe(Infinity); // collinear but behind
  });

  it('returns 0 for a ray that starts on a segment, whatever its direction', () => {
    const index = room();
    for (const angle of [0, Math.PI / 2, -Math.PI / 2, 1, Math.PI]) {
      expect(index.castRay(5, 0, angle, 20)).toBe(0);
      expect(index.castRay(0, 0, angle, 20)).toBe(0); // on a corner
    }
    expect(index.castRay(3, 0, 0, 20)).toBe(0); // on the edge, pointing along it
  });

  it('counts a ray that only grazes a vertex as a hit', () => {
    const triangle = ObstacleIndex.fromPolygons([[{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 5, y: 5 }]]);
    expect(triangle.castRay(-5, 5, 0, 20)).toBeCloseTo(10, 12);
    expect(triangle.castRay(-5, 5.001, 0, 20)).toBe(Infinity);
  });

  it('reports Infinity beyond maxRangeM and the distance at exactly maxRangeM', () => {
    const index = room();
    expect(index.castRay(2, 5, 0, 7.9)).toBe(Infinity);
    expect(index.castRay(2, 5, 0, 8)).toBe(8);
    expect(index.castRay(2, 5, 0, Infinity)).toBe(8);
    expect(index.castRay(2, 5, 0, 0)).toBe(Infinity);
  });

  it('finds geometry far from the origin and rays that start outside the grid', () => {
    const index = ObstacleIndex.fromPolygons([square(1000, 1000, 1010, 1004)], { cellSizeM: 1 });
    expect(index.castRay(0, 0, Math.atan2(1002, 1000), 2000)).toBeCloseTo(Math.hypot(1000, 1002), 9);
    expect(index.castRay(2000, 1002, Math.PI, 2000)).toBeCloseTo(990, 9);
    expect(index.castRay(2000, 1002, 0, 2000)).toBe(Infinity);
  });
});

describe('ObstacleIndex against brute force on random segment soups', () => {
  for (const [seed, cellSizeM] of [[1, 0.7], [2, 2], [3, 5], [4, 13]] as const) {
    it(`agrees on castRay, castScan, nearestDistance, isClear and forEachSegmentNear (seed ${seed}, cell ${cellSizeM} m)`, () => {
      const random = new Random(seed);
      const segments = randomSoup(random, 300, 120);
      const index = ObstacleIndex.fromSegments(segments, { cellSizeM });
      const packed = packSegments(segments);
      const rangeOf = () => (random.chance(0.1) ? Infinity : random.uniform(0.5, 40));
      const point = () => ({ x: random.uniform(-20, 140), y: random.uniform(-20, 140) });

      for (let n = 0; n < 400; n++) {
        const { x, y } = point();
        const angle = random.uniform(-7, 7);
        const range = rangeOf();
        const got = index.castRay(x, y, angle, range);
        expect(Object.is(got, castRayBruteForce(packed, x, y, angle, range))).toBe(true);
        const want = oracleRay(segments, x, y, angle, range);
        if (want === Infinity) expect(got).toBe(Infinity);
        else expect(Math.abs(got - want)).toBeLessThan(1e-9);
      }

      for (let n = 0; n < 60; n++) {
        const pose = { ...point(), theta: random.uniform(-4, 4) };
        const count = random.int(1, 400);
        // Ordinary scans, reversed ones, partial arcs and scans wrapping past a full turn.
        const inc = random.chance(0.2) ? -random.uniform(0.001, 0.05) : random.uniform(0.001, (3.5 * Math.PI) / count);
        const angleMin = random.uniform(-Math.PI, Math.PI);
        const range = random.chance(0.1) ? random.uniform(50, 200) : random.uniform(1, 30);
        const out = index.castScan(pose, angleMin, inc, count, range, new Float32Array(count + 3).fill(-1));
        for (let i = 0; i < count; i++) {
          const brute = castRayBruteForce(packed, pose.x, pose.y, pose.theta + angleMin + i * inc, range);
          expect(Object.is(out[i], Math.fround(brute))).toBe(true);
        }
        expect(out[count]).toBe(-1); // nothing written past count
      }

      for (let n = 0; n < 300; n++) {
        const { x, y } = point();
        const range = rangeOf();
        const want = oracleDistance(segments, x, y);
        const got = index.nearestDistance(x, y, range);
        if (want <= range) expect(Math.abs(got - want)).toBeLessThan(1e-9);
        else expect(got).toBe(Infinity);
        expect(index.isClear(x, y, range)).toBe(!(want <= range));

        const radius = random.uniform(0, 15);
        const seen: number[] = [];
        index.forEachSegmentNear(x, y, radius, (s, i) => {
          expect(s).toEqual(segments[i]);
          seen.push(i);
        });
        expect(new Set(seen).size).toBe(seen.length);
        segments.forEach((_, i) => {
          if (oracleDistance([segments[i]!], x, y) <= radius) expect(seen).toContain(i);
        });
      }
    });
  }
});

describe('ObstacleIndex clearance shortcut (isClear and castScan skip the work far from geometry)', () => {
  it('is exact on every side of a lone wall, near and far', () => {
    const wall: Segment = { ax: 200, ay: 200, bx: 203, by: 201 };
    const spread = [wall, { ax: 0, ay: 0, bx: 1, by: 0 }, { ax: 400, ay: 400, bx: 400, by: 401 }];
    const index = ObstacleIndex.fromSegments(spread, { cellSizeM: 2 });
    const packed = packSegments(spread);
    const out = new Float32Array(72);
    for (let k = 0; k < 72; k++) {
      for (const d of [0.3, 1.9, 2.1, 4.5, 7.9, 9.9, 10.1, 14, 25]) {
        const a = (2 * Math.PI * k) / 72;
        const x = 201.5 + d * Math.cos(a);
        const y = 200.5 + d * Math.sin(a);
        const want = oracleDistance(spread, x, y);
        for (const range of [2, 5, 10, 20]) expect(index.isClear(x, y, range)).toBe(want > range);
        index.castScan({ x, y, theta: 0 }, 0, (2 * Math.PI) / 72, 72, 10, out);
        for (let i = 0; i < 72; i++) {
          expect(Object.is(out[i], Math.fround(castRayBruteForce(packed, x, y, (i * 2 * Math.PI) / 72, 10)))).toBe(true);
        }
      }
    }
  });
});

describe('ObstacleIndex.castScan with moving circles', () => {
  const beams = (index: ObstacleIndex, circles: Circle[], x = 0, y = 0, rangeM = 10) =>
    Array.from(index.castScan({ x, y, theta: 0 }, 0, Math.PI / 2, 4, rangeM, new Float32Array(4), circles));

  it('hits a circle in an empty world and leaves the other beams at Infinity', () => {
    const empty = ObstacleIndex.fromSegments([]);
    expect(beams(empty, [{ x: 5, y: 0, radiusM: 1 }])).toEqual([4, Infinity, Infinity, Infinity]);
    expect(beams(empty, [{ x: 0, y: -3, radiusM: 0.5 }])).toEqual([Infinity, Infinity, Infinity, 2.5]);
  });

  it('takes the nearer of a wall and a circle, ignores circles out of range, reads 0 from inside one', () => {
    const wall = ObstacleIndex.fromSegments([{ ax: 6, ay: -5, bx: 6, by: 5 }]);
    expect(beams(wall, [])).toEqual([6, Infinity, Infinity, Infinity]);
    expect(beams(wall, [{ x: 3, y: 0, radiusM: 1 }])).toEqual([2, Infinity, Infinity, Infinity]);
    expect(beams(wall, [{ x: 8, y: 0, radiusM: 1 }])).toEqual([6, Infinity, Infinity, Infinity]);
    expect(beams(wall, [{ x: -12, y: 0, radiusM: 1 }])).toEqual([6, Infinity, Infinity, Infinity]);
    expect(beams(wall, [{ x: 0.2, y: 0, radiusM: 0.5 }])).toEqual([0, 0, 0, 0]);
  });

  it('agrees with a per-beam circle oracle on random crowds', () => {
    const random = new Random(7);
    const segments = randomSoup(random, 100, 60);
    const index = ObstacleIndex.fromSegments(segments);
    const packed = packSegments(segments);
    for (let n = 0; n < 40; n++) {
      const pose = { x: random.uniform(0, 60), y: random.uniform(0, 60), theta: random.uniform(-3, 3) };
      const circles: Circle[] = Array.from({ length: random.int(0, 30) }, () =>
        ({ x: random.uniform(0, 60), y: random.uniform(0, 60), radiusM: random.uniform(0.1, 1.5) }));
      const count = 360;
      const inc = (2 * Math.PI) / count;
      const out = index.castScan(pose, -Math.PI, inc, count, 10, new Float32Array(count), circles);
      for (let i = 0; i < count; i++) {
        const angle = pose.theta - Math.PI + i * inc;
        let want = castRayBruteForce(packed, pose.x, pose.y, angle, 10);
        for (const c of circles) {
          const t = oracleCircle(c, pose.x, pose.y, angle);
          if (t <= 10) want = Math.min(want, t);
        }
        if (want === Infinity) expect(out[i]).toBe(Infinity);
        else expect(Math.abs(out[i]! - want)).toBeLessThan(1e-5); // float32 output
      }
    }
  });
});

describe('ObstacleIndex.fromPolygons rings', () => {
  it('closes an open ring and treats a closed ring the same', () => {
    const open = ObstacleIndex.fromPolygons([square(0, 0, 10, 10)]);
    const closed = ObstacleIndex.fromPolygons([[...square(0, 0, 10, 10), { x: 0, y: 0 }]]);
    expect(open.segmentCount).toBe(4);
    expect(closed.segmentCount).toBe(4);
    expect(open.segments).toEqual(closed.segments);
    expect(open.castRay(5, 5, Math.PI, 20)).toBe(5); // the closing edge x = 0 is there
    expect(closed.castRay(5, 5, Math.PI, 20)).toBe(5);
  });

  it('skips repeated vertices and keeps a two-vertex ring as a single wall without area', () => {
    const index = ObstacleIndex.fromPolygons([
      [{ x: 0, y: 0 }, { x: 0, y: 0 }, { x: 4, y: 0 }, { x: 4, y: 0 }, { x: 4, y: 4 }, { x: 0, y: 4 }],
      [{ x: 10, y: -5 }, { x: 10, y: 5 }],
    ]);
    expect(index.segmentCount).toBe(5);
    expect(index.ringCount).toBe(1);
    expect(index.castRay(6, 0, 0, 20)).toBe(4);
    expect(index.containsPoint(10, 0)).toBe(false);
  });

  it('rejects non-finite coordinates naming the ring and vertex, and rings with one distinct vertex', () => {
    const bad = () => ObstacleIndex.fromPolygons([square(0, 0, 1, 1), [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: NaN, y: 2 }]]);
    expect(bad).toThrow(ObstacleIndexError);
    expect(bad).toThrow(/ring 1 vertex 2/);
    try {
      bad();
    } catch (e) {
      expect((e as ObstacleIndexError).code).toBe('OBSTACLE_BAD_GEOMETRY');
    }
    expect(() => ObstacleIndex.fromPolygons([[{ x: 1, y: 1 }, { x: 1, y: 1 }]])).toThrow(/ring 0 has 1 distinct vertex/);
    expect(() => ObstacleIndex.fromPolygons([square(0, 0, 1, 1)], { cellSizeM: 0 })).toThrow(/cellSizeM/);
  });
});

describe('ObstacleIndex.containsPoint', () => {
  const lShape: Vec2[] = [{ x: 0, y: 0 }, { x: 30, y: 0 }, { x: 30, y: 10 }, { x: 10, y: 10 }, { x: 10, y: 30 }, { x: 0, y: 30 }];
  const index = ObstacleIndex.fromPolygons([lShape, square(50, 50, 60, 55)]);

  it('answers inside and outside for a concave polygon and a second building', () => {
    expect(index.containsPoint(5, 5)).toBe(true);
    expect(index.containsPoint(25, 5)).toBe(true);
    expect(index.containsPoint(5, 25)).toBe(true);
    expect(index.containsPoint(20, 20)).toBe(false); // in the notch
    expect(index.containsPoint(55, 52)).toBe(true);
    expect(index.containsPoint(45, 52)).toBe(false);
    expect(index.containsPoint(-1000, 5)).toBe(false);
  });

  it('matches an even–odd oracle on random points, including a ring bigger than many ring cells', () => {
    const random = new Random(11);
    const big: Vec2[] = Array.from({ length: 40 }, (_, k) => {
      const a = (2 * Math.PI * k) / 40;
      const r = random.uniform(300, 600);
      return { x: r * Math.cos(a), y: r * Math.sin(a) };
    });
    const bigIndex = ObstacleIndex.fromPolygons([big], { cellSizeM: 2 });
    for (let n = 0; n < 500; n++) {
      const x = random.uniform(-700, 700);
      const y = random.uniform(-700, 700);
      let inside = false;
      for (let k = 0, j = big.length - 1; k < big.length; j = k++) {
        const a = big[k]!, b = big[j]!;
        if ((a.y > y) !== (b.y > y) && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
      }
      expect(bigIndex.containsPoint(x, y)).toBe(inside);
    }
  });

  it('keeps agreeing with the oracle when many points share a cell (the per-cell memo) and for points near edges', () => {
    const random = new Random(23);
    // Star-shaped rings (concave, overlapping each other) on a 2 m grid; queries come four to a cell at random
    // offsets, so the later ones in an empty cell are answered from the first one's memo.
    const rings: Vec2[][] = Array.from({ length: 12 }, () => {
      const cx = random.uniform(0, 200), cy = random.uniform(0, 200), k = random.int(5, 30);
      return Array.from({ length: k }, (_, i) => {
        const a = (2 * Math.PI * i) / k;
        const r = random.uniform(5, 40);
        return { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) };
      });
    });
    const idx = ObstacleIndex.fromPolygons(rings, { cellSizeM: 2 });
    const oracle = (x: number, y: number) => rings.some((ring) => {
      let inside = false;
      for (let k = 0, j = ring.length - 1; k < ring.length; j = k++) {
        const a = ring[k]!, b = ring[j]!;
        if ((a.y > y) !== (b.y > y) && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
      }
      return inside;
    });
    let checked = 0;
    for (let n = 0; n < 3000; n++) {
      const x0 = 2 * Math.floor(random.uniform(-30, 230) / 2), y0 = 2 * Math.floor(random.uniform(-30, 230) / 2);
      for (let q = 0; q < 4; q++) {
        const x = x0 + random.uniform(0, 2), y = y0 + random.uniform(0, 2);
        // A point within a micrometre of an edge may go either way (documented); the oracle is not exact there.
        if (nearestSegmentDistance(rings, x, y) < 1e-6) continue;
        expect(idx.containsPoint(x, y), `(${x}, ${y})`).toBe(oracle(x, y));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(11_000);
  });

  it('is always false for an index built from bare segments', () => {
    const walls = ObstacleIndex.fromSegments([{ ax: 0, ay: 0, bx: 10, by: 0 }, { ax: 10, ay: 0, bx: 5, by: 5 }, { ax: 5, ay: 5, bx: 0, by: 0 }]);
    expect(walls.containsPoint(5, 1)).toBe(false);
  });
});

describe('ObstacleIndex degenerate input', () => {
  it('answers an empty index without error', () => {
    const empty = ObstacleIndex.fromPolygons([]);
    expect(empty.segmentCount).toBe(0);
    expect(empty.castRay(1, 2, 0.3, 100)).toBe(Infinity);
    expect(Array.from(empty.castScan({ x: 0, y: 0, theta: 0 }, 0, 0.1, 3, 10, new Float32Array(3)))).toEqual([Infinity, Infinity, Infinity]);
    expect(empty.nearestDistance(0, 0, Infinity)).toBe(Infinity);
    expect(empty.isClear(0, 0, Infinity)).toBe(true);
    expect(empty.containsPoint(0, 0)).toBe(false);
    let calls = 0;
    empty.forEachSegmentNear(0, 0, 100, () => calls++);
    expect(calls).toBe(0);
  });

  it('keeps a zero-length segment as a point, with its input index', () => {
    const index = ObstacleIndex.fromSegments([{ ax: 0, ay: 10, bx: 1, by: 10 }, { ax: 5, ay: 0, bx: 5, by: 0 }]);
    expect(index.segmentCount).toBe(2);
    expect(index.nearestDistance(5, 3, 10)).toBe(3);
    expect(index.castRay(0, 0, 0, 10)).toBe(5); // exactly through the point
    expect(index.castRay(0, 0.01, 0, 10)).toBe(Infinity);
    const seen: number[] = [];
    index.forEachSegmentNear(5, 1, 1.5, (_, i) => seen.push(i));
    expect(seen).toEqual([1]);
  });

  it('rejects NaN and infinite queries with OBSTACLE_BAD_QUERY instead of answering "clear"', () => {
    const index = room();
    const out = new Float32Array(4);
    const cases: Array<() => unknown> = [
      () => index.castRay(NaN, 0, 0, 10),
      () => index.castRay(0, 0, Infinity, 10),
      () => index.castRay(0, 0, 0, NaN),
      () => index.castRay(0, 0, 0, -1),
      () => index.castScan({ x: 0, y: NaN, theta: 0 }, 0, 0.1, 4, 10, out),
      () => index.castScan({ x: 0, y: 0, theta: 0 }, 0, 0.1, 5, 10, out),
      () => index.castScan({ x: 0, y: 0, theta: 0 }, 0, 0.1, 2.5, 10, out),
      () => index.castScan({ x: 0, y: 0, theta: 0 }, 0, 0.1, 4, 10, out, [{ x: 1, y: 1, radiusM: NaN }]),
      () => index.nearestDistance(0, NaN, 10),
      () => index.isClear(Infinity, 0, 10),
      () => index.containsPoint(NaN, NaN),
      () => index.forEachSegmentNear(0, 0, -2, () => undefined),
    ];
    for (const run of cases) {
      expect(run).toThrow(ObstacleIndexError);
      try {
        run();
      } catch (e) {
        expect((e as ObstacleIndexError).code).toBe('OBSTACLE_BAD_QUERY');
      }
    }
  });

  it('rejects a non-finite segment naming its index', () => {
    expect(() => ObstacleIndex.fromSegments([{ ax: 0, ay: 0, bx: 1, by: 1 }, { ax: 0, ay: 0, bx: Infinity, by: 1 }]))
      .toThrow(/segment 1 has a non-finite coordinate/);
  });

  it('grows the cell size for geometry kilometres apart and stays exact', () => {
    const segments = [{ ax: 0, ay: 0, bx: 1, by: 1 }, { ax: 30_000, ay: 20_000, bx: 30_001, by: 20_000 }];
    const index = ObstacleIndex.fromSegments(segments, { cellSizeM: 1 });
    expect(index.cellSizeM).toBeGreaterThan(1);
    expect(index.castRay(30_000.5, 19_990, Math.PI / 2, 20)).toBeCloseTo(10, 9);
    expect(index.nearestDistance(3, 1, 5)).toBeCloseTo(2, 12);
  });

  it('lets a forEachSegmentNear callback query the index again without losing or repeating segments', () => {
    const random = new Random(5);
    const segments = randomSoup(random, 80, 30);
    const index = ObstacleIndex.fromSegments(segments);
    const outer: number[] = [];
    const alone: number[] = [];
    index.forEachSegmentNear(15, 15, 8, (_, i) => alone.push(i));
    index.forEachSegmentNear(15, 15, 8, (s, i) => {
      outer.push(i);
      index.castRay(s.ax, s.ay, 1, 10);
      index.forEachSegmentNear(s.bx, s.by, 3, () => undefined);
    });
    expect(outer).toEqual(alone);
  });
});
