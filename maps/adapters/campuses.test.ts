import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../common/core/Random.ts';
import type { CampusMap } from '../core/CampusMap.ts';
import { createCampusMap } from '../core/CampusMap.ts';
import { featuresFromGeoJson } from '../core/featuresFromGeoJson.ts';
import { renderSvg } from '../core/renderSvg.ts';
import { ringCentroid } from '../core/ringGeometry.ts';
import { loadCampus } from './loadCampus.ts';
import { readOsmXml } from './readOsmXml.ts';

const data = join(import.meta.dirname, '..', 'data');
let swjtu: CampusMap;
let swjtuOsm: CampusMap;
let zju: CampusMap;

beforeAll(async () => {
  [swjtu, swjtuOsm, zju] = await Promise.all([
    loadCampus(join(data, 'swjtu-xipu.geojson')), loadCampus(join(data, 'swjtu-xipu.osm')), loadCampus(join(data, 'zju-zijingang.geojson')),
  ]);
});

describe('shipped campuses', () => {
  it('SWJTU GeoJSON: the robot network matches the data README (745 junctions in the largest piece)', () => {
    expect(swjtu.graph.nodeCount).toBe(745);
    expect(swjtu.problems.filter((p) => p.code === 'disconnected').length).toBeGreaterThan(3);
    expect(swjtu.attribution).toBe('© OpenStreetMap contributors');
  });

  it('SWJTU raw .osm and its GeoJSON give closely matching graphs', () => {
    const a = swjtu.graph;
    const b = swjtuOsm.graph;
    const match = new Int32Array(a.nodeCount).fill(-1);
    for (let v = 0; v < a.nodeCount; v++) {
      for (let w = 0; w < b.nodeCount; w++) {
        if (Math.hypot(a.nodeX[v]! - b.nodeX[w]!, a.nodeY[v]! - b.nodeY[w]!) < 0.05) match[v] = w;
      }
    }
    const matched = match.filter((w) => w >= 0).length;
    expect(matched / a.nodeCount).toBeGreaterThan(0.97);
    const rnd = new Random(11);
    let same = 0;
    let tried = 0;
    while (tried < 100) {
      const s = rnd.int(0, a.nodeCount - 1);
      const t = rnd.int(0, a.nodeCount - 1);
      if (match[s]! < 0 || match[t]! < 0) continue;
      tried++;
      const ra = swjtu.router.route(s, t);
      const rb = swjtuOsm.router.route(match[s]!, match[t]!);
      if (Math.abs(ra.lengthM - rb.lengthM) < 1e-6 * Math.max(1, ra.lengthM)) same++;
    }
    // The .osm export covers a wider area, so a few routes find shortcuts outside the GeoJSON's clip box.
    expect(same).toBeGreaterThanOrEqual(95);
  });

  it('the same export as osmtogeojson-style GeoJSON (tags as properties, no node ids) gives the same graph', async () => {
    const osm = await readOsmXml(join(data, 'swjtu-xipu.osm'));
    const features = osm.ways.filter((w) => w.tags.highway !== undefined).map((w) => ({
      type: 'Feature', id: `way/${w.id}`, properties: { ...w.tags, '@id': `way/${w.id}` },
      geometry: { type: 'LineString', coordinates: w.refs.flatMap((r) => { const n = osm.nodes.get(r); return n ? [[n.lon, n.lat]] : []; }) },
    }));
    const generic = featuresFromGeoJson({ type: 'FeatureCollection', features }, 'swjtu-osmtogeojson.geojson');
    expect(generic.source.format).toBe('osm-geojson');
    const g = createCampusMap(generic, { origin: [...swjtuOsm.frame.origin] as [number, number] }).graph;
    expect(g.nodeCount).toBe(swjtuOsm.graph.nodeCount);
    expect(g.edgeCount).toBe(swjtuOsm.graph.edgeCount);
    const total = (x: typeof g) => x.edgeLengthM.reduce((a, b) => a + b, 0);
    expect(total(g)).toBeCloseTo(total(swjtuOsm.graph), 3);
  });

  it.each(['swjtu', 'swjtuOsm', 'zju'])('%s: every place is reachable from the hub and routes by lon/lat', (which) => {
    const map = { swjtu, swjtuOsm, zju }[which]!;
    const hub = map.places.find((p) => p.kind === 'hub')!;
    expect(map.places.filter((p) => p.kind === 'drop').length).toBeGreaterThan(10);
    for (const p of map.places) expect(map.router.route(hub.node, p.node).found).toBe(true);
    const drop = map.places.find((p) => p.kind === 'drop')!;
    const r = map.routeLonLat(hub.lonLat, drop.lonLat);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.lengthM).toBeGreaterThan(0);
  });

  it('the shipped overlays resolve: hubs are pinned, nothing is left unresolved', () => {
    for (const map of [swjtu, swjtuOsm, zju]) {
      expect(map.places.find((p) => p.kind === 'hub')?.source).toBe('overlay');
      expect(map.problems.filter((p) => p.code.startsWith('overlay') || p.code === 'hub-guessed')).toEqual([]);
    }
  });

  it('an off-campus point is off-network, not an exception', () => {
    const hub = zju.places.find((p) => p.kind === 'hub')!;
    const r = zju.routeLonLat(hub.lonLat, [121, 31]);
    expect(!r.ok && r.error.reason).toBe('off-network');
  });

  it('ZJU: dormitory drop points weigh more', () => {
    expect(zju.findPlace('紫云2舍')?.weight).toBe(3);
    expect(zju.findPlace('基础图书馆')?.weight).toBe(1);
  });

  it('obstacles: a ray from a drop point toward its building hits the wall before the centroid', () => {
    for (const map of [swjtu, zju]) {
      const byId = new Map(map.obstacleRings.map((o) => [o.id, o]));
      let checked = 0;
      for (const p of map.places.filter((q) => q.kind === 'drop' && q.source === 'derived').slice(0, 10)) {
        const ring = byId.get(p.buildingId!)!.ring;
        const c = ringCentroid(ring);
        if (map.obstacles.containsPoint(p.x, p.y) || !map.obstacles.containsPoint(c.x, c.y)) continue; // odd shapes
        const d = Math.hypot(c.x - p.x, c.y - p.y);
        const hit = map.obstacles.castRay(p.x, p.y, Math.atan2(c.y - p.y, c.x - p.x), d + 100);
        expect(hit).toBeGreaterThan(0);
        expect(hit).toBeLessThan(d);
        checked++;
      }
      expect(checked).toBeGreaterThan(3);
    }
  });

  it('renders an SVG with paths, buildings, water, places, a route and the attribution', () => {
    const hub = swjtu.places.find((p) => p.kind === 'hub')!;
    const far = swjtu.places.filter((p) => p.kind === 'drop').at(-1)!;
    const r = swjtu.routePoints(hub, far);
    expect(r.ok).toBe(true);
    const svg = renderSvg(swjtu, { route: r.ok ? r.value.points : undefined });
    const count = (re: RegExp) => (svg.match(re) ?? []).length;
    expect(svg.startsWith('<svg')).toBe(true);
    expect(count(/<polygon /g)).toBe(swjtu.obstacleRings.filter((o) => o.kind !== 'wall').length);
    expect(count(/<path class="(footway|service|shared_road)"/g)).toBe(3);
    expect(count(/<circle class="drop"/g)).toBe(swjtu.places.filter((p) => p.kind === 'drop').length);
    expect(svg).toContain('id="route"');
    expect(svg).toContain('© OpenStreetMap contributors');
    expect(svg).not.toMatch(/NaN|undefined/);
  });
});
