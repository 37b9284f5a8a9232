import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMapCli } from './runMapCli.ts';

const fixture = join(import.meta.dirname, '..', 'test', 'in', 'junctions.osm');
const tmp = mkdtempSync(join(tmpdir(), 'maps-cli-'));

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runMapCli(args, { log: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('map CLI', () => {
  it('inspect prints graph size, places and named problems', async () => {
    const r = await run('inspect', fixture);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/path graph\s+10 nodes, 9 edges/);
    expect(r.stdout).toMatch(/hub\s+Parcel hub \(Post Office\)/);
    expect(r.stdout).toMatch(/disconnected \(1\)\n\s+way\/8: .*Island Path/);
    expect(r.stdout).toContain('© OpenStreetMap contributors');
  });

  it('route accepts place names and lon,lat and prints the length', async () => {
    const r = await run('route', fixture, 'hub', '104.0001,30.7006');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/route hub → 104\.0001,30\.7006: \d+\.\d m along paths/);
    const json = await run('route', fixture, 'North Dorm', 'hub', '--json');
    const feature = JSON.parse(json.stdout) as { geometry: { coordinates: number[][] }; properties: { lengthM: number } };
    expect(feature.geometry.coordinates.length).toBeGreaterThan(2);
    expect(feature.properties.lengthM).toBeGreaterThan(0);
  });

  it('render writes an SVG with the route', async () => {
    const out = join(tmp, 'map.svg');
    expect((await run('render', fixture, out, '--route', 'hub', 'North Dorm')).code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('id="route"');
    expect(svg).toContain('© OpenStreetMap contributors');
  });

  it('bad requests get one-line errors and exit codes 1 (bad map/request) or 2 (usage)', async () => {
    const bad = join(tmp, 'bad.geojson');
    writeFileSync(bad, '{"type":"FeatureCollection","features":[');
    const r = await run('inspect', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^map: .*bad\.geojson: not valid JSON/);
    const off = await run('route', fixture, 'hub', '0,0');
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/map: goal .* is more than 50 m from every path/);
    expect((await run('route', fixture, 'hub', 'Nowhere Hall')).stderr).toMatch(/no place "Nowhere Hall"/);
    expect((await run('frobnicate', fixture)).code).toBe(2);
    expect((await run('route', fixture)).code).toBe(2);
  });

  it('the real entry point (npm run map) sets the exit code and prints no stack trace', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'cli.ts'), 'inspect', join(tmp, 'missing.osm')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^map: .*missing\.osm: cannot read file/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
