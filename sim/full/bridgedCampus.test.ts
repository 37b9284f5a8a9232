// The campus as full-fidelity robots meet it: footways that cross a building's or river's outline get a gap the
// robot fits through, dead ends on an outline (drop points at a door) keep their wall. Issue #5: robots stood for
// hours at drop point 62 and node 474 of ZJU, where the footway goes through the outline at a graph node, and in a
// 1.5 m gap where the footway crosses the vertex two outline segments share.
import { beforeAll, describe, expect, it } from 'vitest';
import { ObstacleIndex, type CampusMap, type Segment } from '../../maps/index.ts';
import { loadCampusCached } from '../../robot/closedLoop/campusCache.ts';
import { bridgedCampus } from './bridgedCampus.ts';

let raw: CampusMap;
let bridged: CampusMap;
beforeAll(async () => {
  raw = await loadCampusCached();
  bridged = bridgedCampus(raw).campus;
}, 30_000);

/** A campus whose obstacles are `segments` (the graph and the rest are ZJU's; only obstacles are read here). */
function withObstacles(segments: Segment[]): CampusMap {
  return { ...raw, obstacles: ObstacleIndex.fromSegments(segments) };
}

describe('bridgedCampus', () => {
  it('opens the outline where the footway goes on through a graph node on it (drop point 62, node 474 on ZJU)', () => {
    const g = bridged.graph;
    for (const node of [27, 474]) {
      const x = g.nodeX[node]!, y = g.nodeY[node]!;
      // Before: 0.96 m to the wall at drop point 62 (the next leg went through it), 0 m at node 474.
      expect(raw.obstacles.nearestDistance(x, y, 5)).toBeLessThan(1);
      expect(bridged.obstacles.nearestDistance(x, y, 5)).toBeGreaterThan(1.4);
    }
  });

  it('opens both outline segments where the footway crosses the vertex they share (edge 541 on ZJU)', () => {
    // The footway crosses x ≈ -433.2 at y ≈ -761.1, a few mm from the vertex of two outline segments; one of them
    // used to stay whole, leaving a 1.5 m gap the safety stop zone could not pass.
    const x = -433.18, y = -761.12;
    expect(raw.obstacles.nearestDistance(x, y, 5)).toBeLessThan(0.05);
    expect(bridged.obstacles.nearestDistance(x, y, 5)).toBeGreaterThan(1.4);
  });

  it('keeps the wall at a dead end on an outline (the footway stops there)', () => {
    // A footway from open ground to a wall it ends at: the last node lies on the wall.
    const g = raw.graph;
    const e = Array.from({ length: g.edgeCount }, (_, i) => i).find((i) => degree(raw, g.edgeTo[i]!) === 1 && degree(raw, g.edgeFrom[i]!) > 1)!;
    const to = g.edgeTo[e]!, from = g.geomOffset[e + 1]! - 2;
    const ex = g.nodeX[to]!, ey = g.nodeY[to]!;
    const dx = ex - g.geomX[from]!, dy = ey - g.geomY[from]!;
    const len = Math.hypot(dx, dy);
    // A wall 3 m long across the edge's last half metre, at right angles.
    const cx = ex - (dx / len) * 0.5, cy = ey - (dy / len) * 0.5;
    const wall: Segment = { ax: cx - (dy / len) * 1.5, ay: cy + (dx / len) * 1.5, bx: cx + (dy / len) * 1.5, by: cy - (dx / len) * 1.5 };
    const out = bridgedCampus(withObstacles([wall])).campus;
    expect(out.obstacles.segments).toHaveLength(1);
    expect(out.obstacles.nearestDistance(cx, cy, 1)).toBeLessThan(1e-9);
  });
});

function degree(c: CampusMap, node: number): number {
  return c.graph.arcOffset[node + 1]! - c.graph.arcOffset[node]!;
}
