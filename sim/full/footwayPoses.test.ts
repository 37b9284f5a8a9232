// The footway walk the hub-spot, bay-spot and parking pickers choose from, on the real ZJU campus: nearest first
// along every footway around the node at once (issue #5: walking one edge to its end first lined 36 m of one
// footway with the 60-robot fleet's waiting spots, the footway robots also drove through).
import { beforeAll, describe, expect, it } from 'vitest';
import type { CampusMap } from '../../maps/index.ts';
import { loadCampusCached } from '../../robot/closedLoop/campusCache.ts';
import { footwayPoses, type FootwayPose } from './footwayPoses.ts';
import { hubSpots } from './hubSpots.ts';

let campus: CampusMap;
let hubNode: number;
beforeAll(async () => {
  campus = await loadCampusCached();
  hubNode = campus.places.find((p) => p.kind === 'hub')!.node;
}, 30_000);

function take(n: number, it: Iterable<FootwayPose>): FootwayPose[] {
  const out: FootwayPose[] = [];
  for (const p of it) {
    out.push(p);
    if (out.length >= n) break;
  }
  return out;
}

describe('footwayPoses', () => {
  it('yields the node, then poses in order of distance along the footways, on every footway around the node', () => {
    const g = campus.graph;
    const poses = take(400, footwayPoses(g, hubNode, 1.5, [0]));
    expect(poses[0]).toMatchObject({ atNode: true, distanceM: 0, x: g.nodeX[hubNode], y: g.nodeY[hubNode] });
    for (let i = 1; i < poses.length; i++) expect(poses[i]!.distanceM).toBeGreaterThanOrEqual(poses[i - 1]!.distanceM);
    // Each pose lies on the footways (lane 0) and no nearer to the node in a straight line than along them.
    for (const p of poses) {
      expect(campus.edgeIndex.nearest(p.x, p.y)!.distanceM).toBeLessThan(1e-6);
      expect(Math.hypot(p.x - g.nodeX[hubNode]!, p.y - g.nodeY[hubNode]!)).toBeLessThanOrEqual(p.distanceM + 1e-6);
    }
    // The first poses go out along every edge of the hub node, one step each, before the second step on any.
    const degree = g.arcOffset[hubNode + 1]! - g.arcOffset[hubNode]!;
    expect(degree).toBeGreaterThanOrEqual(3);
    const firstSteps = poses.slice(1, 1 + degree);
    for (const p of firstSteps) expect(p.distanceM).toBeLessThanOrEqual(1.5 + 1e-9);
    const edges = new Set(firstSteps.map((p) => campus.edgeIndex.nearest(p.x, p.y)!.edge));
    expect(edges.size).toBe(degree);
  });

  it('reaches each node once, at its shortest distance along the footways (Dijkstra)', () => {
    const g = campus.graph;
    const d = new Map<number, number>();
    const nodeAt = new Map<string, number>();
    for (let n = 0; n < g.nodeCount; n++) nodeAt.set(`${g.nodeX[n]},${g.nodeY[n]}`, n);
    for (const p of take(4000, footwayPoses(g, hubNode, 5, [0]))) {
      if (!p.atNode) continue;
      const n = nodeAt.get(`${p.x},${p.y}`)!;
      expect(d.has(n)).toBe(false);
      d.set(n, p.distanceM);
    }
    expect(d.size).toBeGreaterThan(20);
    // Shortest distances: no edge between two reached nodes is a shortcut, and each node but the start is reached
    // over one of its edges exactly.
    for (const [n, dn] of d) {
      let over = n === hubNode;
      for (let a = g.arcOffset[n]!; a < g.arcOffset[n + 1]!; a++) {
        const m = g.arcTarget[a]!, len = g.edgeLengthM[g.arcEdge[a]!]!;
        const dm = d.get(m);
        if (dm === undefined) continue;
        expect(dn).toBeLessThanOrEqual(dm + len + 1e-6);
        if (Math.abs(dm + len - dn) < 1e-6) over = true;
      }
      expect(over).toBe(true);
    }
  });

  it('spreads 60 hub spots over every footway around the hub, all within 15 m of it', () => {
    const g = campus.graph;
    const hx = g.nodeX[hubNode]!, hy = g.nodeY[hubNode]!;
    const spots = hubSpots(campus, hubNode, 60);
    expect(spots).toHaveLength(60);
    // Before: all 60 along the first edge, out to 36 m.
    for (const s of spots) expect(Math.hypot(s.x - hx, s.y - hy)).toBeLessThan(15);
    const onEdge = new Set(spots.map((s) => campus.edgeIndex.nearest(s.x, s.y)!.edge));
    expect(onEdge.size).toBeGreaterThanOrEqual(g.arcOffset[hubNode + 1]! - g.arcOffset[hubNode]!);
  });
});
