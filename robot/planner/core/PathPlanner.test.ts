import { beforeAll, describe, expect, it } from 'vitest';
import type { CampusMap } from '../../../maps/index.ts';
import { loadCampusCached } from '../../closedLoop/campusCache.ts';
import { createPathPlanner, planPath } from './PathPlanner.ts';

let campus: CampusMap;
beforeAll(async () => {
  campus = await loadCampusCached();
}, 30_000);

describe('planPath on the ZJU campus graph', () => {
  it('plans from a pose through goals, starting at the pose and ending at the last goal', () => {
    const a = { x: campus.graph.nodeX[10]!, y: campus.graph.nodeY[10]! };
    const b = { x: campus.graph.nodeX[300]!, y: campus.graph.nodeY[300]! };
    const r = planPath(campus, a, [b]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.points[0]).toEqual(a);
    expect(r.value.points.at(-1)).toEqual(b);
    expect(r.value.lengthM).toBeGreaterThanOrEqual(Math.hypot(b.x - a.x, b.y - a.y));
    expect(r.value.edges.length).toBeGreaterThan(0);
  });

  it('re-plans around an edge reported blocked, and reports unreachable as a value', () => {
    const planner = createPathPlanner(campus);
    const a = { x: campus.graph.nodeX[10]!, y: campus.graph.nodeY[10]! };
    const b = { x: campus.graph.nodeX[300]!, y: campus.graph.nodeY[300]! };
    const first = planner.plan(a, [b], new Set());
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const mid = first.value.points[Math.floor(first.value.points.length / 2)]!;
    const edge = planner.edgeNear(first.value, mid.x, mid.y, 5);
    expect(edge).toBeGreaterThanOrEqual(0);
    const second = planner.plan(a, [b], new Set([edge]));
    if (second.ok) {
      expect(second.value.edges).not.toContain(edge);
      expect(second.value.lengthM).toBeGreaterThanOrEqual(first.value.lengthM - 1e-6);
    } else {
      expect(second.error.reason).toBe('unreachable');
    }
    expect(planner.plan(a, [], new Set())).toMatchObject({ ok: false, error: { reason: 'no-goal' } });
    expect(planner.plan({ x: 1e6, y: 1e6 }, [b], new Set())).toMatchObject({ ok: false, error: { reason: 'off-network' } });
  });
});

describe('edgeNear', () => {
  it('names the edge ahead, not the one behind, for a robot blocked at the node between them', () => {
    // ZJU drop point 62 (node 27): the path comes along edge 502 and leaves by edge 22. A robot blocked at the node
    // reported 502 (as near as 22), so the re-plan kept 22 and it stood there for hours.
    const g = campus.graph;
    const planner = createPathPlanner(campus, { goalClearance: false, edgeClearanceM: false });
    // From halfway along edge 502 (from its far node the route may start on another edge there).
    const from = { x: (g.nodeX[27]! + g.nodeX[392]!) / 2, y: (g.nodeY[27]! + g.nodeY[392]!) / 2 };
    const to = { x: g.nodeX[26]!, y: g.nodeY[26]! };
    const r = planner.plan(from, [to], new Set());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.edges.slice(0, 2)).toEqual([502, 22]);
    // Where it stood: 0.1 m short of the node, on the edge behind.
    const at = { x: -543.93, y: 483.38 };
    expect(campus.edgeIndex.nearest(at.x, at.y, 10)!.edge).toBe(502);
    expect(planner.edgeNear(r.value, at.x, at.y, 10)).toBe(22);
    // Along an edge, away from its ends, that edge.
    expect(planner.edgeNear(r.value, from.x, from.y, 10)).toBe(502);
  });
});

describe('a re-plan with the robot on a blocked edge', () => {
  it('starts on its own edge rather than through a wall to the nearest open one', () => {
    // ZJU (281.7, -770): edge 263 runs beside a building there; with 263 reported blocked, the nearest open edge lay
    // 38 m north, through the building's wall, and the straight snap leg drove the robot into it for 10 min.
    const planner = createPathPlanner(campus);
    const from = { x: 281.7, y: -770 };
    const r = planner.plan(from, [{ x: 473, y: -711.8 }], new Set([263]));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const leg = r.value.points[1]!;
    const len = Math.hypot(leg.x - from.x, leg.y - from.y);
    expect(campus.obstacles.castRay(from.x, from.y, Math.atan2(leg.y - from.y, leg.x - from.x), len)).toBe(Infinity);
    expect(r.value.edges[0]).toBe(263);
  });
});
