import { beforeAll, describe, expect, it } from 'vitest';
import { loadCampus, type CampusMap } from '../../maps/index.ts';
import { buildReportFiles, computeKpis, validateDay } from '../report/index.ts';
import { runDay, type DayResult } from './runDay.ts';
import type { ServerFleetStats } from './ServerFleet.ts';

let campus: CampusMap;
beforeAll(async () => {
  campus = await loadCampus('maps/data/swjtu-xipu.geojson');
});

const day = { parcels: 150, robots: 5, hours: 2.5, fleet: 'server' } as const;

describe("runDay with fleet: 'server' (the real FleetServer on the sim's clock and broker)", () => {
  it('delivers a small day through the server, passes validation, and is byte-identical for the same seed', async () => {
    const first = await runDay({ campus, ...day, seed: 7 });
    const verdict = validateDay(first.record);
    expect(verdict.failures).toEqual([]);
    const k = computeKpis(first.record);
    expect(k.parcelsUnresolved).toBe(0);
    expect(k.parcelsDelivered + k.parcelsReturned).toBe(150);
    expect(k.parcelsDelivered).toBeGreaterThan(135);
    for (const p of first.record.parcels) {
      if (p.deliveredAtMs === undefined) continue;
      // Lifecycle times come from the server's parcel changes; hand-overs from the robots, with the server's code.
      expect(p.handoverCount).toBe(1);
      expect(p.handedOverWithCode).toBe(true);
      expect(p.assignedAtMs!).toBeLessThanOrEqual(p.loadedAtMs!);
      // Of a second attempt: loading and arrival are the latest, out-for-delivery the first departure (as DirectFleet).
      expect(p.loadedAtMs!).toBeLessThanOrEqual(p.awaitingPickupAtMs!);
      expect(p.outForDeliveryAtMs!).toBeLessThanOrEqual(p.awaitingPickupAtMs!);
      expect(p.awaitingPickupAtMs!).toBeLessThanOrEqual(p.deliveredAtMs);
    }
    for (const p of first.record.parcels) if (p.returnedAtMs !== undefined) expect(p.returnReason).toBe('recipient_no_show');
    const stats = first.fleet as ServerFleetStats;
    expect(stats.parcelsCreated).toBe(150);
    expect(stats.trips).toBeGreaterThan(5);
    expect(stats.rejected).toBe(0);
    expect(first.recipients.announced).toBeGreaterThan(0);

    const files = (r: DayResult) => buildReportFiles(r.record).files;
    const a = files(first);
    const b = files(await runDay({ campus, ...day, seed: 7 }));
    expect(b['kpis.json']).toBe(a['kpis.json']);
    expect(b['parcels.jsonl']).toBe(a['parcels.jsonl']);
    expect(b['events.jsonl']).toBe(a['events.jsonl']);
  }, 120_000);
});
