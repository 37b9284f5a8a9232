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

  it('rejects a fleet of no robots', async () => {
    await expect(runDay({ campus, parcels: 1, robots: 0, seed: 1 })).rejects.toThrow(/robots must be 1..999/);
  });
});
