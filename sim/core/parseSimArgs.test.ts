import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { campusLabel, parseSimArgs } from './parseSimArgs.ts';

describe('parseSimArgs', () => {
  it('fills the defaults of the headline command', () => {
    const r = parseSimArgs(['day', '--campus', 'zju', '--parcels', '30000', '--robots', '60', '--seed', '1']);
    expect(r).toEqual({ ok: true, value: expect.objectContaining({ command: 'day', campus: 'zju', parcels: 30_000, robots: 60, seed: 1, hours: 18, compartments: 24, drainHours: 6, fidelity: 'fleet', mode: 'fast', fleet: 'server', out: 'out/sim-zju-1' }) });
  });

  it('takes --fleet server (the real FleetServer) for a day', () => {
    const r = parseSimArgs(['day', '--fleet', 'server']);
    expect(r.ok && r.value.command === 'day' && r.value.fleet).toBe('server');
  });

  it('records nothing unless asked; --record keeps every robot, --record-robots the ones named', () => {
    const day = (argv: string[]) => {
      const r = parseSimArgs(['day', ...argv]);
      return r.ok && r.value.command === 'day' ? r.value.record : 'error';
    };
    expect(day([])).toBeUndefined();
    expect(day(['--record'])).toEqual({ robots: [] });
    expect(day(['--record-robots', 'R01,R07'])).toEqual({ robots: ['R01', 'R07'] });
    expect(day(['--record', '--record-robots=R02'])).toEqual({ robots: ['R02'] });
  });

  it('parses a sweep list, sorted and de-duplicated', () => {
    const r = parseSimArgs(['sweep', '--robots=80,30,40,60,30']);
    expect(r.ok && r.value.command === 'sweep' && r.value.robotCounts).toEqual([30, 40, 60, 80]);
  });

  it.each([
    [['fly'], /unknown command/],
    [['day', '--parcels', '-5'], /--parcels must be an integer/],
    [['day', '--robots', '0'], /--robots must be an integer in 1..999/],
    [['day', '--fidelity', 'ultra'], /--fidelity must be fleet or full/],
    [['day', '--mode', 'slow'], /--mode must be fast or wire/],
    [['day', '--fleet', 'remote'], /--fleet must be server/],
    [['day', '--fleet', 'direct'], /'direct' was removed/],
    [['sweep', '--fleet', 'server'], /unknown flag --fleet/],
    [['day', '--broker', 'mqtt://localhost:1883'], /only applies to --mode wire/],
    [['day', '--hours', '0'], /--hours/],
    [['day', '--seed'], /needs a value/],
    [['day', '--compartments', '0'], /--compartments must be an integer in 1..64/],
    [['day', '--drain-hours', '-1'], /--drain-hours must be a number in \[0, 24\]/],
    [['day', 'zju'], /unexpected argument/],
    [['sweep', '--robots', '30,x'], /comma-separated/],
    [['sweep', '--fidelity', 'full'], /unknown flag --fidelity/],
    [['day', '--record-robots', 'R01,,R02'], /--record-robots must be a comma-separated list/],
    [['day', '--record', '--mode', 'wire'], /--record needs --mode fast/],
    [['sweep', '--record'], /unknown flag --record/],
  ])('rejects %j', (argv, message) => {
    const r = parseSimArgs(argv);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('labels campus files by their base name', () => {
    expect(campusLabel('maps/data/swjtu-xipu.osm')).toBe('swjtu-xipu');
    expect(campusLabel('zju')).toBe('zju');
  });
});

describe('sim CLI', () => {
  it('exits 2 with the usage on a usage error', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync('npx', ['tsx', 'sim/cli.ts', 'day', '--robots', 'many'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      const x = e as { status: number; stderr: string };
      status = x.status;
      stderr = x.stderr;
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(/--robots must be an integer/);
    expect(stderr).toMatch(/Usage:/);
  });
});
