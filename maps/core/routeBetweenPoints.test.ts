import { describe, expect, it } from 'vitest';
import { CELL_M, graphFromAscii } from '../test/graphFromAscii.ts';
import { createRouter } from './createRouter.ts';
import { EdgeIndex } from './EdgeIndex.ts';
import { routeBetweenPoints } from './routeBetweenPoints.ts';

const campus = graphFromAscii(`
......
.@@@@.
......
`);
const g = campus.graph;
const router = createRouter(g);
const index = new EdgeIndex(g);

describe('routeBetweenPoints', () => {
  it('snaps off-network points onto the nearest edges and returns the full polyline', () => {
    // 3 m north of the top row at x = 12, and 4 m south of the bottom row at x = 47.
    const r = routeBetweenPoints(g, router, index, { x: 12, y: 3 }, { x: 47, y: -2 * CELL_M - 4 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.snapLegsM).toBeCloseTo(7, 9);
    expect(r.value.from.distanceM).toBeCloseTo(3, 9);
    // Along the top to x = 50, down 20 m, back to x = 47: 38 + 20 + 3 = 61 m.
    expect(r.value.lengthM).toBeCloseTo(61, 6);
    expect(r.value.points[0]).toEqual({ x: 12, y: 3 });
    expect(r.value.points[1]!.x).toBeCloseTo(12, 9);
    expect(r.value.points[1]!.y).toBeCloseTo(0, 6);
    expect(r.value.points.at(-1)).toEqual({ x: 47, y: -24 });
    let polyline = 0;
    const pts = r.value.points;
    for (let i = 2; i < pts.length - 1; i++) polyline += Math.hypot(pts[i]!.x - pts[i - 1]!.x, pts[i]!.y - pts[i - 1]!.y);
    expect(polyline).toBeCloseTo(r.value.lengthM, 6);
  });

  it('goes straight along one edge when both points are on it', () => {
    const r = routeBetweenPoints(g, router, index, { x: 21, y: 1 }, { x: 28, y: -1 });
    expect(r.ok && r.value.lengthM).toBeCloseTo(7, 9);
    expect(r.ok && r.value.nodes).toEqual([]);
  });

  it('names an off-network point instead of throwing', () => {
    const r = routeBetweenPoints(g, router, index, { x: 0, y: 0 }, { x: 500, y: 500 }, { maxSnapM: 30 });
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ reason: 'off-network', which: 'to' }) });
  });

  it('reports unreachable when the two points are on different pieces', () => {
    const split = graphFromAscii(`
...@...
`);
    const r = routeBetweenPoints(split.graph, createRouter(split.graph), new EdgeIndex(split.graph), { x: 0, y: 1 }, { x: 60, y: 1 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.reason).toBe('unreachable');
  });
});
