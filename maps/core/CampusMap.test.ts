import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCampusMap } from './CampusMap.ts';
import { featuresFromGeoJson } from './featuresFromGeoJson.ts';
import { parsePlacesOverlay } from './parsePlacesOverlay.ts';

const fixture = featuresFromGeoJson(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'test', 'in', 'junctions.geojson'), 'utf8')), 'junctions.geojson');
const origin: [number, number] = [104, 30.7];

describe('createCampusMap', () => {
  const plain = createCampusMap(fixture, { origin });

  it('names its VDA 5050 mapId after the source file, overridable', () => {
    expect(plain.mapId).toBe('junctions');
    expect(createCampusMap(fixture, { origin, mapId: 'east-campus' }).mapId).toBe('east-campus');
  });

  it('exposes obstacle rings in metres: buildings, water, and each wall segment as a 2-point ring', () => {
    expect(plain.obstacleRings.filter((o) => o.kind === 'building')).toHaveLength(2);
    expect(plain.obstacleRings.filter((o) => o.kind === 'water')).toHaveLength(1);
    const wall = plain.obstacleRings.filter((o) => o.kind === 'wall');
    expect(wall).toHaveLength(1);
    expect(wall[0]!.ring).toHaveLength(2);
    expect(plain.obstaclePolygons).toHaveLength(4);
    // The wall runs 70 m east-west at y ≈ −20: a ray cast north from below it hits it.
    expect(plain.obstacles.castRay(20, -30, Math.PI / 2, 50)).toBeCloseTo(10, 0);
    expect(plain.bbox.minX).toBeLessThan(0);
    expect(plain.bbox.maxX).toBeGreaterThan(200);
  });

  it('closes edges inside an overlay no-go zone for routing and snapping', () => {
    // A box over the Main Walk between x ≈ 60 and 80 m cuts the west end off from the cross walk.
    const box = [[60, -5], [80, -5], [80, 5], [60, 5]].map(([x, y]) => plain.frame.toLonLat({ x: x!, y: y! }));
    const overlay = parsePlacesOverlay({ noGo: [{ name: 'Roadworks', ring: box }] }, 'overlay.json');
    const map = createCampusMap(fixture, { origin, overlay });
    expect(map.noGoZones[0]?.name).toBe('Roadworks');
    expect([...map.noGoEdges].map((e) => map.graph.edgeWayId[e])).toEqual(['way/1']);
    const from = { x: 10, y: 1 };
    const to = { x: 101, y: -40 };
    expect(plain.routePoints(from, to).ok).toBe(true);
    const r = map.routePoints(from, to);
    expect(!r.ok && r.error.reason).toBe('unreachable');
    // A point right on the closed stretch snaps elsewhere instead.
    const snapped = map.routePoints({ x: 70, y: 0 }, to, { maxSnapM: 100 });
    expect(snapped.ok && map.noGoEdges.has(snapped.value.from.edge)).toBe(false);
  });

  it('rejects a malformed no-go zone by field', () => {
    expect(() => parsePlacesOverlay({ noGo: [{ ring: [[104, 30.7], [104.1, 30.7]] }] }, 'o.json')).toThrow(/o\.json \(noGo\[0\]\.ring\)/);
  });

  it('finds places by id, exact name, then case-insensitive substring', () => {
    expect(plain.findPlace('hub')?.kind).toBe('hub');
    expect(plain.findPlace('North Dorm')?.kind).toBe('drop');
    expect(plain.findPlace('north d')?.name).toBe('North Dorm');
    expect(plain.findPlace('nowhere')).toBeUndefined();
  });
});
