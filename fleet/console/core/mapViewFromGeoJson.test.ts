import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapViewFromGeoJson, type CampusGeoJson } from './mapViewFromGeoJson.ts';

const zju = JSON.parse(readFileSync(new URL('../../../maps/data/zju-zijingang.geojson', import.meta.url), 'utf8')) as CampusGeoJson;

describe('mapViewFromGeoJson', () => {
  it('keeps ways with their class, buildings with their names, and the OSM attribution', () => {
    const view = mapViewFromGeoJson(zju, []);
    const classes = new Map<string, number>();
    for (const f of view.paths.features) classes.set(f.properties.class, (classes.get(f.properties.class) ?? 0) + 1);
    expect(Object.fromEntries(classes)).toEqual({ path: 754, road: 220, road_major: 70 });
    expect(view.buildings.features).toHaveLength(196);
    expect(view.buildings.features.filter((b) => b.properties.name !== null)).toHaveLength(16);
    expect(view.attribution).toContain('OpenStreetMap contributors');
  });

  it('fits the view to the buildings and places, not to roads running off campus', () => {
    const view = mapViewFromGeoJson(zju, [{ id: 'far', kind: 'dock', name: 'far dock', lonLat: [120.1, 30.3] }], { marginFraction: 0 });
    const [west, south, east, north] = view.bboxLonLat;
    expect(east).toBe(120.1);
    expect(west).toBeGreaterThan(120.07);
    expect(south).toBeGreaterThan(30.29);
    expect(north).toBeLessThan(30.32);
    const noPlaces = mapViewFromGeoJson(zju, [], { marginFraction: 0 });
    expect(noPlaces.bboxLonLat[2]).toBeLessThan(120.095);
  });
});
