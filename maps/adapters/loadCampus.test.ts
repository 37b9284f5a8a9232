import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MapValidationError } from '../core/MapValidationError.ts';
import { loadCampus } from './loadCampus.ts';

const tmp = mkdtempSync(join(tmpdir(), 'maps-load-'));
const write = (name: string, text: string) => {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
};
const inDir = join(import.meta.dirname, '..', 'test', 'in');

async function failure(path: string): Promise<MapValidationError> {
  try {
    await loadCampus(path);
  } catch (e) {
    expect(e).toBeInstanceOf(MapValidationError);
    return e as MapValidationError;
  }
  throw new Error(`expected ${path} to fail`);
}

describe('loadCampus: bad maps give MAP_INVALID errors with file and reason', () => {
  it('missing file', async () => {
    const e = await failure(join(tmp, 'nope.geojson'));
    expect(e.code).toBe('MAP_INVALID');
    expect(e.reason).toMatch(/cannot read file.*ENOENT/);
  });

  it('empty file', async () => {
    const path = write('empty.geojson', '');
    const e = await failure(path);
    expect(e.file).toBe(path);
    expect(e.reason).toBe('file is empty');
  });

  it('malformed JSON', async () => {
    expect((await failure(write('bad.geojson', '{"type": "FeatureCollection", "features": [}'))).reason).toMatch(/not valid JSON/);
  });

  it('XML that is not OSM', async () => {
    expect((await failure(write('x.osm', '<?xml version="1.0"?><gpx></gpx>'))).reason).toMatch(/not an OpenStreetMap export/);
  });

  it('a map with no drivable ways', async () => {
    const e = await failure(write('stairs.geojson', JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', id: 'way/1', properties: { highway: 'steps' }, geometry: { type: 'LineString', coordinates: [[104, 30.7], [104.001, 30.7]] } }],
    })));
    expect(e.message).toMatch(/stairs\.geojson: no drivable ways/);
  });
});

describe('loadCampus: overlays', () => {
  it('picks up overlays/<name>.json beside the map and reports overlay errors by file and field', async () => {
    const dir = join(tmp, 'campus');
    mkdirSync(join(dir, 'overlays'), { recursive: true });
    const map = join(dir, 'junctions.geojson');
    writeFileSync(map, (await import('node:fs')).readFileSync(join(inDir, 'junctions.geojson')));
    writeFileSync(join(dir, 'overlays', 'junctions.json'), JSON.stringify({ hub: { name: 'Depot', at: 'North Dorm' } }));
    const m = await loadCampus(map);
    expect(m.places.find((p) => p.kind === 'hub')?.name).toBe('Depot');
    expect((await loadCampus(map, { overlayPath: false })).places.find((p) => p.kind === 'hub')?.name).toMatch(/Post Office/);
    writeFileSync(join(dir, 'overlays', 'junctions.json'), JSON.stringify({ hub: { name: 'Depot' } }));
    const e = await failure(map);
    expect(e.file).toBe(join(dir, 'overlays', 'junctions.json'));
    expect(e.featureId).toBe('hub');
  });
});
