import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPathGraph } from './buildPathGraph.ts';
import type { MapWay } from './CampusFeatures.ts';
import { featuresFromGeoJson } from './featuresFromGeoJson.ts';
import { graphToGeoJson } from './graphToGeoJson.ts';
import { createLocalFrame } from './LocalFrame.ts';
import { MapValidationError } from './MapValidationError.ts';
import type { PathGraph } from './PathGraph.ts';

const here = import.meta.dirname;
const testDir = join(here, '..', 'test');
const frame = createLocalFrame([104, 30.7]);
const fixture = featuresFromGeoJson(JSON.parse(readFileSync(join(testDir, 'in', 'junctions.geojson'), 'utf8')), 'junctions.geojson');

/** Node id at metric point (x, y), within 0.5 m. */
function nodeNear(g: PathGraph, x: number, y: number): number {
  for (let v = 0; v < g.nodeCount; v++) if (Math.hypot(g.nodeX[v]! - x, g.nodeY[v]! - y) < 0.5) return v;
  return -1;
}
const degree = (g: PathGraph, v: number) => g.arcOffset[v + 1]! - g.arcOffset[v]!;
/** Approximate metres in the fixture's frame (it was drawn with a spherical approximation). */
const near = (g: PathGraph, x: number, y: number) => nodeNear(g, x * 0.99985, y * 1.0006);

describe('buildPathGraph golden files (maps/test/in → out, REGEN=1 rewrites)', () => {
  for (const file of readdirSync(join(testDir, 'in')).filter((f) => f.endsWith('.geojson'))) {
    it(file, () => {
      const features = featuresFromGeoJson(JSON.parse(readFileSync(join(testDir, 'in', file), 'utf8')), file);
      const { graph, problems } = buildPathGraph(features.ways, frame, { file });
      const out = { ...graphToGeoJson(graph, frame), problems };
      const outFile = join(testDir, 'out', `${basename(file, '.geojson')}.graph.geojson`);
      if (process.env.REGEN !== undefined) writeFileSync(outFile, `${JSON.stringify(out, null, 1)}\n`);
      // A missing golden is a failure, not a fresh pass: otherwise a clean checkout would compare the output with itself.
      expect(existsSync(outFile), `${outFile} is missing; run with REGEN=1 and commit it`).toBe(true);
      expect(out).toEqual(JSON.parse(readFileSync(outFile, 'utf8')));
    });
  }
});

describe('buildPathGraph', () => {
  const { graph: g, problems, stats } = buildPathGraph(fixture.ways, frame, { file: 'junctions.geojson' });

  it('splits ways at shared vertices and keeps interior vertices as geometry', () => {
    const cross = nodeNear(g, 100 * 0.99985, 0);
    expect(cross).toBeGreaterThanOrEqual(0);
    expect(degree(g, cross)).toBe(4);
    expect(nodeNear(g, 50 * 0.99985, 0)).toBe(-1); // a plain vertex of way/1, not a junction
    expect(g.nodeCount).toBe(10);
    expect(g.edgeCount).toBe(9);
  });

  it('snaps a dangling end 1.5 m from another way onto it, splitting that way', () => {
    expect(stats.snappedEnds).toBe(1);
    const foot = nodeNear(g, 30 * 0.99985, 0);
    expect(foot).toBeGreaterThanOrEqual(0);
    expect(g.nodeKey[foot]).toMatch(/^snap:/);
    expect(degree(g, foot)).toBe(3);
  });

  it('excludes steps, access=private and major roads by tag; walls never enter the graph', () => {
    expect(stats.waysExcluded).toEqual({ steps: 1, 'access=private': 1, 'major road': 1 });
    expect(g.edgeWayId).not.toContain('way/4');
    expect(g.edgeWayId).not.toContain('way/5');
    expect(g.edgeWayId).not.toContain('way/6');
    expect(g.edgeWayId).not.toContain('way/10');
    expect(degree(g, near(g, 0, 0))).toBe(1); // the private way no longer continues the walk
  });

  it('reports the disconnected piece by way id and name and keeps the largest', () => {
    expect(g.edgeWayId).not.toContain('way/8');
    const p = problems.find((q) => q.code === 'disconnected');
    expect(p?.featureId).toBe('way/8');
    expect(p?.message).toContain('Island Path');
    expect(g.componentCount).toBe(1);
  });

  it('carries class, width default, cost factor, one-way and incline on edges', () => {
    const service = g.edgeWayId.indexOf('way/7');
    expect(g.edgeClass[service]).toBe('service');
    expect(g.edgeWidthM[service]).toBe(3.5);
    expect(g.edgeCost[service]! / g.edgeLengthM[service]!).toBeCloseTo(1.2, 9);
    const ramp = g.edgeWayId.indexOf('way/9');
    expect(g.edgeOneway[ramp]).toBe(1);
    expect(g.edgeInclinePct[ramp]).toBe(5);
    expect(g.edgeCost[ramp]! / g.edgeLengthM[ramp]!).toBeCloseTo(1.25, 6);
    expect(degree(g, g.edgeTo[ramp]!)).toBe(0); // no arc back against the one-way
    expect(g.minCostFactor).toBe(1);
  });

  it('without snapping, the near miss becomes its own piece and is reported', () => {
    const r = buildPathGraph(fixture.ways, frame, { snapToleranceM: 0 });
    expect(r.stats.snappedEnds).toBe(0);
    expect(r.problems.filter((p) => p.code === 'disconnected').map((p) => p.featureId).sort()).toEqual(['way/3', 'way/8']);
  });

  it('does not snap across layers (a bridge end over a path)', () => {
    const ways: MapWay[] = fixture.ways.map((w) => (w.id === 'way/3' ? { ...w, tags: { ...w.tags, layer: '1' } } : w));
    expect(buildPathGraph(ways, frame).stats.snappedEnds).toBe(0);
  });

  it('can keep every component (for per-component reachability)', () => {
    const r = buildPathGraph(fixture.ways, frame, { keepLargestComponent: false });
    expect(r.graph.componentCount).toBe(2);
    expect(r.problems.some((p) => p.code === 'disconnected')).toBe(false);
  });

  it('throws MapValidationError naming the file when nothing is drivable', () => {
    const onlySteps: MapWay[] = [{ id: 'way/1', coords: [[104, 30.7], [104.001, 30.7]], tags: { highway: 'steps' } }];
    expect(() => buildPathGraph(onlySteps, frame, { file: 'stairs.geojson' })).toThrow(MapValidationError);
    expect(() => buildPathGraph(onlySteps, frame, { file: 'stairs.geojson' })).toThrow(/stairs\.geojson: no drivable ways.*steps/);
  });
});
