import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCampusMap } from '../core/CampusMap.ts';
import { featuresFromOsm } from '../core/featuresFromOsm.ts';
import { MapValidationError } from '../core/MapValidationError.ts';
import { loadCampusFeatures } from './loadCampus.ts';
import { readOsmXml } from './readOsmXml.ts';

const inDir = join(import.meta.dirname, '..', 'test', 'in');
const tmp = mkdtempSync(join(tmpdir(), 'maps-osm-'));
const write = (name: string, text: string) => {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
};

describe('readOsmXml + featuresFromOsm', () => {
  it('reads nodes, ways and relations; skips deleted elements', async () => {
    const data = await readOsmXml(join(inDir, 'junctions.osm'));
    expect(data.nodes.has('9999')).toBe(false); // visible="false"
    expect(data.ways.find((w) => w.id === '2')?.refs).toHaveLength(3);
    expect(data.relations[0]?.members).toEqual([{ type: 'way', ref: '22', role: 'outer' }, { type: 'way', ref: '23', role: 'outer' }]);
  });

  it('builds the same graph from raw OSM as from the equivalent GeoJSON', async () => {
    const osm = await loadCampusFeatures(join(inDir, 'junctions.osm'));
    const geo = await loadCampusFeatures(join(inDir, 'junctions.geojson'));
    expect(osm.source.format).toBe('osm-xml');
    const a = createCampusMap(osm, { origin: [104, 30.7] }).graph;
    const b = createCampusMap(geo, { origin: [104, 30.7] }).graph;
    expect(a.nodeCount).toBe(b.nodeCount);
    expect(a.edgeCount).toBe(b.edgeCount);
    const lengths = (g: typeof a) => [...g.edgeLengthM].map((l) => l.toFixed(6)).sort();
    expect(lengths(a)).toEqual(lengths(b));
    // Junctions in raw OSM are shared node ids.
    expect(a.nodeKey.filter((k) => k.startsWith('node/')).length).toBeGreaterThan(5);
  });

  it('assembles a multipolygon from two open member ways, keeps entrances and walls', async () => {
    const osm = await loadCampusFeatures(join(inDir, 'junctions.osm'));
    const pond = osm.areas.find((a) => a.id === 'relation/50');
    expect(pond?.kind).toBe('water');
    expect(pond?.rings[0]).toHaveLength(5);
    expect(osm.pois.find((p) => p.tags.entrance === 'main')).toBeDefined();
    expect(osm.lines.map((l) => l.id)).toEqual(['way/10']);
    expect(osm.areas.filter((a) => a.kind === 'building').map((a) => a.tags.name).sort()).toEqual(['North Dorm', 'Post Office']);
  });

  it('reports a way that references a missing node, by OSM id', () => {
    const f = featuresFromOsm({
      nodes: new Map([['1', { lon: 104, lat: 30.7 }], ['2', { lon: 104.001, lat: 30.7 }]]),
      ways: [{ id: '5', refs: ['1', '2', '3'], tags: { highway: 'footway' } }, { id: '6', refs: ['3', '4'], tags: { highway: 'path' } }],
      relations: [],
    }, 'x.osm');
    expect(f.problems.map((p) => [p.featureId, p.code])).toEqual([
      ['way/5', 'missing-node'], ['way/6', 'missing-node'], ['way/6', 'missing-node'], ['way/6', 'short-line'],
    ]);
    expect(f.ways.map((w) => w.coords.length)).toEqual([2]);
  });

  it('names the file and line of malformed XML', async () => {
    const path = write('broken.osm', '<?xml version="1.0"?>\n<osm version="0.6">\n <node id="1" lat="30" lon="104">\n</osm>\n');
    await expect(readOsmXml(path)).rejects.toThrow(MapValidationError);
    await expect(readOsmXml(path)).rejects.toThrow(/broken\.osm: malformed OSM XML.*line \d/);
  });

  it('names the node with bad coordinates', async () => {
    const path = write('badnode.osm', '<osm version="0.6"><node id="42" lat="95" lon="104"/></osm>');
    await expect(readOsmXml(path)).rejects.toMatchObject({ code: 'MAP_INVALID', featureId: 'node/42' });
  });
});
