import { describe, expect, it } from 'vitest';
import { checkHtml } from '../test/checkMarkup.ts';
import { handmadeDay } from '../test/handmade.ts';
import { buildReportFiles, buildSweepFiles } from './buildReportFiles.ts';
import { computeKpis } from './computeKpis.ts';
import { syntheticDay } from './syntheticDay.ts';
import { validateDay } from './validateDay.ts';

const campus = {
  edges: [
    [{ x: 0, y: 0 }, { x: 100, y: 0 }],
    [{ x: 100, y: 0 }, { x: 100, y: 80 }],
    [{ x: 0, y: 0 }, { x: 0, y: 80 }],
  ],
  buildings: [[{ x: 20, y: 20 }, { x: 60, y: 20 }, { x: 60, y: 60 }, { x: 20, y: 60 }]],
  attribution: '© OpenStreetMap contributors',
};

describe('buildReportFiles', () => {
  it('is byte-identical for the same seed and differs for another seed', () => {
    const make = (seed: number) => buildReportFiles(syntheticDay({ seed, parcels: 2000, robots: 8, edgeCount: 3 }), { campus, lowBatteryPct: 30 }).files;
    const a = make(3);
    const b = make(3);
    expect(Object.keys(a)).toEqual(['kpis.json', 'parcels.jsonl', 'events.jsonl', 'report.html']);
    for (const name of Object.keys(a)) expect(b[name], name).toBe(a[name]);
    expect(make(4)['kpis.json']).not.toBe(a['kpis.json']);
  });

  it('writes a self-contained, well-formed page with every plot', () => {
    const { files } = buildReportFiles(syntheticDay({ seed: 5, parcels: 1500, robots: 6, edgeCount: 3 }), { campus });
    const html = files['report.html']!;
    expect(checkHtml(html).errors).toEqual([]);
    expect(html).not.toMatch(/<script|<link|<img|@import|src=|href="http|url\(http/i);
    for (const title of ['Deliveries per hour', 'Time from arrival to delivery', 'Parcel queue over the day', 'Robot states over the day', 'Battery across the fleet', 'Traffic on the campus paths']) {
      expect(html).toContain(`<title>${title}</title>`);
    }
    expect(html.match(/<figcaption>/g)).toHaveLength(6);
    expect(html).toContain('© OpenStreetMap contributors');
  });

  it('shows the verdict green when passed and red with each failure otherwise', () => {
    const ok = buildReportFiles(handmadeDay()).files['report.html']!;
    expect(ok).toContain('class="verdict pass"');
    const day = handmadeDay();
    day.parcels[0]!.handoverCount = 2;
    day.contacts.collisions = 1;
    const bad = buildReportFiles(day).files['report.html']!;
    expect(bad).toContain('class="verdict fail"');
    expect(bad).toContain('<code>no-collision</code>');
    expect(bad).toContain('<code>single-coded-handover</code>: parcels handed over more than once (1), e.g. <code>A</code>');
  });

  it('saves KPIs, verdict and parameters as JSON and one parcel per line', () => {
    const day = handmadeDay();
    const { files } = buildReportFiles(day);
    const json = JSON.parse(files['kpis.json']!);
    expect(json.kpis).toEqual(computeKpis(day));
    expect(json.verdict).toEqual(validateDay(day));
    expect(json.params.seed).toBe(7);
    const lines = files['parcels.jsonl']!.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((p) => p.id)).toEqual(['A', 'B', 'C', 'D']);
    expect(lines[2]).toMatchObject({ returnReason: 'recipient_absent' });
    expect(lines[2]).not.toHaveProperty('deliveredAtMs');
    expect(files['events.jsonl']).toBe('');
  });

  it('orders events by time, keeping the record order at equal times', () => {
    const day = handmadeDay();
    day.events.push({ tMs: 20, kind: 'b' }, { tMs: 10, kind: 'a' }, { tMs: 20, kind: 'c' });
    const kinds = buildReportFiles(day).files['events.jsonl']!.trimEnd().split('\n').map((l) => JSON.parse(l).kind);
    expect(kinds).toEqual(['a', 'b', 'c']);
  });
});

describe('buildSweepFiles', () => {
  it('plots p95 and cost per fleet size in a well-formed page, rows sorted by fleet size', () => {
    const runs = [20, 5, 10].map((robots) => {
      const day = syntheticDay({ seed: 1, parcels: 600, robots, edgeCount: 3 });
      return { params: day.params, kpis: computeKpis(day), verdict: validateDay(day) };
    });
    const files = buildSweepFiles(runs, { targetP95Min: 60 });
    const html = files['sweep.html']!;
    expect(html).toContain('p95 delivery time and cost against fleet size');
    expect(html).not.toMatch(/<script|src=/i);
    // nested panels: check balance of the whole page
    expect(checkHtml(html).errors).toEqual([]);
    const json = JSON.parse(files['sweep.json']!);
    expect(json.rows.map((r: { robots: number }) => r.robots)).toEqual([5, 10, 20]);
    const r10 = json.rows[1];
    expect(r10.costPerDay).toBeCloseTo(10 * 80 + runs[2]!.kpis.energyKWh * 0.6, 2);
    expect(r10.costPerParcel).toBeCloseTo(r10.costPerDay / r10.parcelsDelivered, 3);
    expect(buildSweepFiles(runs, { targetP95Min: 60 })['sweep.html']).toBe(html);
  });
});
