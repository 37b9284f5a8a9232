import { describe, expect, it } from 'vitest';
import { featuresFromGeoJson } from './featuresFromGeoJson.ts';
import { MapValidationError } from './MapValidationError.ts';

const line = (props: Record<string, unknown>, coords: unknown = [[104, 30.7], [104.001, 30.7]], id?: string) =>
  ({ type: 'Feature', ...(id ? { id } : {}), properties: props, geometry: { type: 'LineString', coordinates: coords } });

describe('featuresFromGeoJson', () => {
  it('reads our schema (properties.kind) with robot_class standing in for highway', () => {
    const f = featuresFromGeoJson({
      type: 'FeatureCollection', metadata: { campus: 'Test U', attribution: '© OpenStreetMap contributors' },
      features: [line({ kind: 'path', robot_class: 'pedestrian_or_service', from_node: 'v1', to_node: 'v2' }),
        { type: 'Feature', properties: { kind: 'poi', name: 'Lake' }, geometry: { type: 'Point', coordinates: [104, 30.7] } }],
    }, 'test.geojson');
    expect(f.source.format).toBe('campus-geojson');
    expect(f.name).toBe('Test U');
    expect(f.ways[0]?.tags.robot_class).toBe('pedestrian_or_service');
    expect(f.pois[0]?.tags.name).toBe('Lake');
  });

  it('reads osmtogeojson output: tags as properties or under properties.tags, ids as "way/123" or @id', () => {
    const f = featuresFromGeoJson({
      type: 'FeatureCollection',
      features: [
        line({ '@id': 'way/7', highway: 'footway', width: 3 }),
        line({ type: 'way', id: 8, tags: { highway: 'service' } }),
        line({ barrier: 'wall' }, undefined, 'way/9'),
        line({ power: 'line' }, undefined, 'way/10'),
        { type: 'Feature', id: 'way/11', properties: { building: 'yes', name: 'Lab' },
          geometry: { type: 'Polygon', coordinates: [[[104, 30.7], [104.001, 30.7], [104.001, 30.701], [104, 30.7]]] } },
      ],
    }, 'generic.geojson');
    expect(f.source.format).toBe('osm-geojson');
    expect(f.ways.map((w) => [w.id, w.tags.highway, w.tags.width])).toEqual([['way/7', 'footway', '3'], ['way/8', 'service', undefined]]);
    expect(f.lines.map((l) => l.id)).toEqual(['way/9']);
    expect(f.areas).toMatchObject([{ id: 'way/11', kind: 'building', tags: { name: 'Lab' } }]);
    expect(f.name).toBe('generic');
  });

  it('collects bad single features as problems naming the feature, and keeps going', () => {
    const f = featuresFromGeoJson({
      type: 'FeatureCollection',
      features: [
        line({ kind: 'path', highway: 'footway' }, [[104, 30.7]], 'way/1'),
        line({ kind: 'path', highway: 'footway' }, [[30.7, 104], [30.8, 104]], 'way/2'),
        { type: 'Feature', id: 'way/3', properties: { kind: 'building' }, geometry: { type: 'Point', coordinates: [104, 30.7] } },
        { type: 'Feature', properties: { kind: 'tree' }, geometry: { type: 'Point', coordinates: [104, 30.7] } },
        { type: 'Feature', id: 'way/5', properties: { kind: 'building' },
          geometry: { type: 'Polygon', coordinates: [[[104, 30.7], [104.001, 30.7], [104.001, 30.701], [104, 30.7005]]] } },
        line({ kind: 'path', highway: 'footway' }, undefined, 'way/6'),
      ],
    }, 'bad.geojson');
    expect(f.problems.map((p) => [p.featureId, p.code])).toEqual([
      ['way/1', 'bad-geometry'], ['way/2', 'bad-geometry'], ['way/3', 'wrong-geometry'], ['feature #3', 'unknown-kind'], ['way/5', 'open-ring'],
    ]);
    expect(f.problems[1]!.message).toMatch(/out of range.*\[lon, lat\]/);
    expect(f.ways.map((w) => w.id)).toEqual(['way/6']);
    expect(f.areas[0]!.rings[0]).toHaveLength(5); // closed for it
  });

  it.each([
    [null, /not a GeoJSON object/],
    [{ type: 'Feature', geometry: null }, /FeatureCollection/],
    [{ type: 'FeatureCollection', features: {} }, /"features" must be an array/],
  ])('throws MapValidationError naming the file for %j', (json, reason) => {
    expect(() => featuresFromGeoJson(json, 'x.geojson')).toThrow(MapValidationError);
    expect(() => featuresFromGeoJson(json, 'x.geojson')).toThrow(reason);
    expect(() => featuresFromGeoJson(json, 'x.geojson')).toThrow(/^x\.geojson: /);
  });
});
