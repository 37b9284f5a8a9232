// A short campus day at full fidelity through runDay: the fleet side (the real FleetServer, sim/runner/ServerFleet.ts)
// plans and sends VDA 5050 orders, the robots run every onboard node against the world with LiDAR and pedestrians,
// recipients type their codes. On this thread, and sharded over two worker threads (twice: the same seed gives the
// same day).
import { beforeAll, describe, expect, it } from 'vitest';
import type { CampusMap } from '../../maps/index.ts';
import { loadCampusCached, ZJU_CAMPUS_FILE } from '../../robot/closedLoop/campusCache.ts';
import { validateDay } from '../report/index.ts';
import { runDay, type DayConfig } from '../runner/index.ts';

let campus: CampusMap;
beforeAll(async () => {
  campus = await loadCampusCached();
}, 30_000);

const H = 3_600_000;
const day = (more: Partial<DayConfig> = {}): DayConfig => ({
  campus, parcels: 4, robots: 2, seed: 1, hours: 1, dayStartMs: 9 * H, drainHours: 1, fidelity: 'full', ...more,
});

describe('runDay at full fidelity', () => {
  it('delivers a small day with the real robot stacks: every parcel accounted, no collision, ground truth recorded', async () => {
    const r = await runDay(day());
    const delivered = r.record.parcels.filter((p) => p.deliveredAtMs !== undefined).length;
    expect(r.record.parcels.length).toBe(4);
    expect(delivered).toBe(4);
    expect(r.record.params.fidelity).toBe('full');
    // The whole verdict, no-collision included: walkers step around robots, groups of them too (two walked into R01
    // parked beside R02 at the hub while each robot was dodged in turn; 121 before walkers kept right); docs/sim.md.
    expect(validateDay(r.record).failures.map((f) => f.rule)).toEqual([]);
    expect(r.record.contacts.collisionsByKind).toEqual({ obstacle: 0, pedestrian: 0, robot: 0 });
    expect(r.record.contacts.collisions).toBe(0);
    expect(r.record.robots.reduce((a, t) => a + t.collisions, 0)).toBe(r.record.contacts.collisions);
    for (const t of r.record.robots) {
      expect(t.locSamples).toBeGreaterThan(0);
      expect(t.locRmseM).toBeLessThan(1.5);
      expect(t.crossTrackRmsM).toBeLessThan(1);
    }
    expect(r.record.robots.reduce((a, t) => a + t.distanceM, 0)).toBeGreaterThan(500);
    // States on change (whole battery percents) plus the 5-minute period, not one a second per robot.
    expect(r.messages).toBeLessThan(400);
  }, 240_000);

  it('runs the robots in two worker threads exchanging VDA 5050 with the fleet, the same day for the same seed', async () => {
    const sharded = () => runDay(day({ full: { workers: 2, campusFile: ZJU_CAMPUS_FILE } }));
    const a = await sharded();
    const b = await sharded();
    // Every parcel brought to its door (on this thread's day all four are taken; here, since the robot-side fixes of
    // issue #5, one recipient does not come in time and the parcel's second try falls after the day).
    expect(a.record.parcels.filter((p) => p.awaitingPickupAtMs !== undefined).length).toBe(4);
    expect(a.record.parcels.filter((p) => p.deliveredAtMs !== undefined).length).toBeGreaterThanOrEqual(3);
    expect(a.record.contacts.collisionsByKind).toEqual({ obstacle: 0, pedestrian: 0, robot: 0 });
    expect(JSON.stringify(b.record.parcels)).toBe(JSON.stringify(a.record.parcels));
    expect(b.record.robots).toEqual(a.record.robots);
    expect(b.messages).toBe(a.messages);
  }, 480_000);
});
