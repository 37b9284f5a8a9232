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
