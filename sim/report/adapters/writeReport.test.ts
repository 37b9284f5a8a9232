import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handmadeDay } from '../test/handmade.ts';
import { computeKpis } from '../core/computeKpis.ts';
import { validateDay } from '../core/validateDay.ts';
import { writeReport, writeSweepReport } from './writeReport.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('writeReport', () => {
  it('writes the report files, with run info apart from the deterministic ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-report-'));
    dirs.push(dir);
    const out = join(dir, 'nested', 'day');
    const written = await writeReport(out, handmadeDay(), { runInfo: { startedAt: new Date().toISOString(), wallMs: 1234 } });
    expect((await readdir(out)).sort()).toEqual(['events.jsonl', 'kpis.json', 'parcels.jsonl', 'report.html', 'run-info.json']);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toBe(written.files['report.html']);
    expect(JSON.parse(await readFile(join(out, 'run-info.json'), 'utf8')).wallMs).toBe(1234);
    expect(await readFile(join(out, 'kpis.json'), 'utf8')).not.toContain('startedAt');
    expect(written.verdict.passed).toBe(true);
  });

  it('writes a sweep', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-sweep-'));
    dirs.push(dir);
    const day = handmadeDay();
    const paths = await writeSweepReport(dir, [{ params: day.params, kpis: computeKpis(day), verdict: validateDay(day) }]);
    expect(paths.map((p) => p.slice(dir.length + 1))).toEqual(['sweep.html', 'sweep.json']);
  });
});
