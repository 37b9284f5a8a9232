// Full-fidelity shards on worker threads, in lock-step: the same seed gives the same robots' poses whatever the
// threads' timing (two runs, and a third with a slower lock-step cadence split differently in time).
import { beforeAll, describe, expect, it } from 'vitest';
import type { CampusMap } from '../../../maps/index.ts';
import { loadCampusCached, ZJU_CAMPUS_FILE } from '../../../robot/closedLoop/campusCache.ts';
import { parkingPoses } from '../FullFidelityFleet.ts';
import { roundTripPlaces } from '../roundTrips.ts';
import { FullFidelityShards } from './FullFidelityShards.ts';

let campus: CampusMap;
beforeAll(async () => {
  campus = await loadCampusCached(ZJU_CAMPUS_FILE);
}, 30_000);

const H = 3_600_000;

describe('FullFidelityShards', () => {
  it('runs robots on two worker threads in lock-step, deterministically', async () => {
    const serials = ['R01', 'R02', 'R03'];
    const starts = parkingPoses(campus, roundTripPlaces(campus).hubNode, serials.length);
    const run = async (syncPeriodMs: number) => {
      const shards = await FullFidelityShards.start({
        campusFile: ZJU_CAMPUS_FILE, serials, starts, seed: 3, startMs: 11 * H, tripSeed: 3, workers: 2, syncPeriodMs,
      });
      shards.runUntil(11 * H + 20_000);
      const samples = shards.samples;
      const syncs = shards.syncs;
      const results = await shards.stop();
      return { samples, syncs, results };
    };
    const a = await run(100);
    const b = await run(100);
    const c = await run(250);
    expect(a.syncs).toBe(200);
    expect(a.samples.map((s) => s.serial)).toEqual(serials);
    // Shard 0 holds R01 and R03, shard 1 holds R02.
    expect(a.results.map((r) => r.serials)).toEqual([['R01', 'R03'], ['R02']]);
    expect(a.results.every((r) => r.stats.distanceM > 5)).toBe(true);
    expect(b.samples).toEqual(a.samples);
    expect(c.samples).toEqual(a.samples);
    expect(b.results).toEqual(a.results);
  }, 60_000);
});
