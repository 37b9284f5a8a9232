import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCampusMap } from './CampusMap.ts';
import type { CampusFeatures } from './CampusFeatures.ts';
import { featuresFromGeoJson } from './featuresFromGeoJson.ts';
import { MapValidationError } from './MapValidationError.ts';
import { parsePlacesOverlay } from './parsePlacesOverlay.ts';

const fixture = featuresFromGeoJson(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'test', 'in', 'junctions.geojson'), 'utf8')), 'junctions.geojson');
const origin: [number, number] = [104, 30.7];

describe('derivePlaces', () => {
  const map = createCampusMap(fixture, { origin });
  const byKind = (k: string) => map.places.filter((p) => p.kind === k);

  it('puts the hub at a post/logistics building', () => {
    const [hub] = byKind('hub');
    expect(hub?.name).toContain('Post Office');
    expect(hub?.buildingId).toBe('way/21');
    expect(hub?.source).toBe('data');
  });

  it('gives each named building a drop point: its tagged entrance, else the nearest path point; dorms weigh more', () => {
    const dorm = map.places.find((p) => p.buildingId === 'way/20')!;
    expect(dorm.kind).toBe('drop');
    expect(dorm.source).toBe('data'); // the entrance node
    expect(dorm.x).toBeCloseTo(60, 0);
    expect(dorm.y).toBeCloseTo(10, 0);
    expect(dorm.weight).toBe(3);
    const post = map.places.find((p) => p.id === 'drop:way/21')!;
    expect(post.source).toBe('derived');
    expect(post.weight).toBe(1);
    // The derived drop point lies on the network: snapping it again moves it nowhere.
    expect(map.edgeIndex.nearest(post.x, post.y)!.distanceM).toBeLessThan(1e-6);
  });

  it('gives unnamed buildings a drop point too, unless their footprint is shed-sized', () => {
    const named = fixture.areas.filter((a) => a.kind === 'building');
    const unnamed = named.map((a) => {
      const { name: _name, ...tags } = a.tags;
      return { ...a, id: `${a.id}-unnamed`, tags };
    });
    const withUnnamed: CampusFeatures = { ...fixture, areas: [...fixture.areas, ...unnamed] };
    const all = createCampusMap(withUnnamed, { origin });
    const none = createCampusMap(withUnnamed, { origin, minUnnamedBuildingAreaM2: 1e9 });
    const drops = (m: typeof all) => m.places.filter((p) => p.kind === 'drop').length;
    expect(unnamed.length).toBeGreaterThan(0);
    expect(drops(all) - drops(none)).toBe(unnamed.length);
    expect(all.places.find((p) => p.buildingId === unnamed[0]!.id)?.name).toMatch(/^Building /);
  });

  it('places docks and parking on distinct nodes next to the hub', () => {
    const hub = byKind('hub')[0]!;
    const nodes = [...byKind('dock'), ...byKind('parking')].map((p) => p.node);
    expect(byKind('dock')).toHaveLength(2);
    expect(new Set([hub.node, ...nodes]).size).toBe(nodes.length + 1);
  });

  it('every place is routable from the hub', () => {
    const hub = byKind('hub')[0]!;
    for (const p of map.places) expect(map.router.route(hub.node, p.node).found).toBe(true);
  });

  it('applies an overlay: pinned hub, docks at a building, rename, removed and extra drop points', () => {
    const overlay = parsePlacesOverlay({
      hub: { name: 'Depot', lonLat: [104.0001, 30.7] },
      docks: [{ id: 'dock-a', at: 'Post Office' }],
      rename: { 'way/20': 'Dorm A' },
      removeDrops: ['Post Office'],
      extraDrops: [{ id: 'drop:gate', name: 'West Gate', lonLat: [104, 30.69964], weight: 2 }],
    }, 'overlay.json');
    const m = createCampusMap(fixture, { origin, overlay });
    const hub = m.places.find((p) => p.kind === 'hub')!;
    expect(hub).toMatchObject({ name: 'Depot', source: 'overlay' });
    expect(hub.lonLat[0]).toBeCloseTo(104.0001, 9);
    expect(m.places.filter((p) => p.kind === 'dock').map((p) => p.id)).toEqual(['dock-a']);
    expect(m.findPlace('Dorm A')?.buildingId).toBe('way/20');
    expect(m.places.some((p) => p.id === 'drop:way/21')).toBe(false);
    expect(m.findPlace('drop:gate')).toMatchObject({ name: 'West Gate', weight: 2, source: 'overlay' });
  });

  it('guesses a hub at a busy junction when nothing in the data fits, and says so', () => {
    const plain: CampusFeatures = { ...fixture, areas: fixture.areas.filter((a) => a.id !== 'way/21'), pois: [] };
    const m = createCampusMap(plain, { origin });
    expect(m.places.find((p) => p.kind === 'hub')?.source).toBe('derived');
    expect(m.problems.some((p) => p.code === 'hub-guessed')).toBe(true);
  });
});

describe('parsePlacesOverlay', () => {
  it.each([
    [[], '(root)', /JSON object/],
    [{ hubs: {} }, 'hubs', /unknown overlay field "hubs"/],
    [{ hub: { lonLat: [200, 30] } }, 'hub.lonLat', /\[lon, lat\]/],
    [{ docks: [{ name: 'x' }] }, 'docks[0]', /needs "lonLat" or "at"/],
    [{ removeDrops: 'x' }, 'removeDrops', /array of strings/],
  ])('rejects %j naming the field', (json, field, reason) => {
    try {
      parsePlacesOverlay(json, 'maps/data/overlays/x.json');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MapValidationError);
      expect((e as MapValidationError).featureId).toBe(field);
      expect((e as MapValidationError).file).toBe('maps/data/overlays/x.json');
      expect((e as Error).message).toMatch(reason);
    }
  });
});
