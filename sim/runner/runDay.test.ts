import { beforeAll, describe, expect, it } from 'vitest';
import { loadCampus, type CampusMap } from '../../maps/index.ts';
import { buildReportFiles, computeKpis, validateDay } from '../report/index.ts';
import { runDay } from './runDay.ts';

let campus: CampusMap;
beforeAll(async () => {
  campus = await loadCampus('maps/data/swjtu-xipu.geojson');
});

const small = { parcels: 40, robots: 8, hours: 4 };

describe('runDay (fast mode, fleet fidelity)', () => {
  it('delivers a small day through real VDA 5050 orders and passes validation', async () => {
    const r = await runDay({ campus, ...small, seed: 1 });
    const verdict = validateDay(r.record);
    expect(verdict.failures).toEqual([]);
    const k = computeKpis(r.record);
    expect(k.parcelsDelivered + k.parcelsReturned).toBe(40);
    expect(k.parcelsDelivered).toBeGreaterThan(30);
    for (const p of r.record.parcels) {
      if (p.deliveredAtMs === undefined) continue;
      expect(p.handoverCount).toBe(1);
      expect(p.handedOverWithCode).toBe(true);
      expect(p.loadedAtMs!).toBeLessThanOrEqual(p.awaitingPickupAtMs!);
      expect(p.awaitingPickupAtMs!).toBeLessThanOrEqual(p.deliveredAtMs);
    }
    expect(r.fleet.trips).toBeGreaterThan(0);
    expect(r.fleet.rejected).toBe(0);
    expect(r.routes.failures).toBe(0);
    expect(k.distanceKm).toBeGreaterThan(1);
    expect(r.recipients.notified).toBeGreaterThanOrEqual(k.parcelsDelivered);
  }, 30_000);

  it('reports progress that agrees with the day\'s records (the fleet\'s running counts)', async () => {
    const reports: Array<{ delivered: number; waiting: number }> = [];
    const r = await runDay({ campus, ...small, seed: 2, progressEveryMs: 20 * 60_000, onProgress: (p) => reports.push({ delivered: p.delivered, waiting: p.waiting }) });
    expect(reports.length).toBeGreaterThan(5);
    // Mid-day a report had parcels waiting and some delivered; the last one matches the record.
    expect(reports.some((p) => p.waiting > 0 && p.delivered > 0)).toBe(true);
    const delivered = r.record.parcels.filter((p) => p.deliveredAtMs !== undefined).length;
    const open = r.record.parcels.filter((p) => p.deliveredAtMs === undefined && p.returnedAtMs === undefined).length;
    expect(reports.at(-1)).toEqual({ delivered, waiting: open });
    for (let i = 1; i < reports.length; i++) expect(reports[i]!.delivered).toBeGreaterThanOrEqual(reports[i - 1]!.delivered);
  }, 30_000);

  it('is byte-identical for the same seed and differs for another', async () => {
    const files = async (seed: number) => buildReportFiles((await runDay({ campus, ...small, seed })).record).files;
    const a = await files(3);
    const b = await files(3);
    const c = await files(4);
    expect(b['kpis.json']).toBe(a['kpis.json']);
    expect(b['report.html']).toBe(a['report.html']);
    expect(b['parcels.jsonl']).toBe(a['parcels.jsonl']);
    expect(c['parcels.jsonl']).not.toBe(a['parcels.jsonl']);
  }, 60_000);

  it('serves the recipients of one stop in parallel, announced at departure', async () => {
    const r = await runDay({ campus, parcels: 60, robots: 3, hours: 3, seed: 2 });
    expect(r.recipients.announced).toBeGreaterThanOrEqual(r.recipients.accepted);
    const stops = new Map<string, Array<{ waitMs: number; awaitMs: number; doneMs: number }>>();
    for (const p of r.record.parcels) {
      if (p.deliveredAtMs === undefined || p.awaitingPickupAtMs === undefined) continue;
      const key = `${p.destination}@${p.awaitingPickupAtMs}`;
      const list = stops.get(key) ?? [];
      list.push({ waitMs: p.deliveredAtMs - p.awaitingPickupAtMs, awaitMs: p.awaitingPickupAtMs, doneMs: p.deliveredAtMs });
      stops.set(key, list);
    }
    const shared = [...stops.values()].filter((l) => l.length >= 2);
    expect(shared.length).toBeGreaterThan(0);
    // One at a time, a stop would last the sum of its hand-overs; in parallel it lasts about the longest one.
    const overlapped = shared.filter((l) => Math.max(...l.map((x) => x.doneMs)) - l[0]!.awaitMs < l.reduce((t, x) => t + x.waitMs, 0));
    expect(overlapped.length).toBe(shared.length);
  }, 30_000);

  it('runs past the window until the parcels are resolved, and reports what the hard stop leaves as unresolved', async () => {
    const drained = await runDay({ campus, parcels: 30, robots: 2, hours: 1, seed: 5 });
    const startMs = drained.record.params.startMs;
    expect(computeKpis(drained.record).parcelsUnresolved).toBe(0);
    expect(drained.record.params.endMs).toBeGreaterThan(startMs + 3_600_000);
    expect(validateDay(drained.record).passed).toBe(true);
    const stopped = await runDay({ campus, parcels: 30, robots: 1, hours: 1, drainHours: 0.25, seed: 5 });
    expect(stopped.record.params.endMs).toBe(startMs + 1.25 * 3_600_000);
    expect(computeKpis(stopped.record).parcelsUnresolved).toBeGreaterThan(0);
    expect(validateDay(stopped.record).failures.map((f) => f.rule)).toContain('parcels-accounted');
  }, 30_000);

  it('rejects a fleet of no robots', async () => {
    await expect(runDay({ campus, parcels: 1, robots: 0, seed: 1 })).rejects.toThrow(/robots must be 1..999/);
  });
});
