import { describe, expect, it } from 'vitest';
import { handmadeDay, H8 } from '../test/handmade.ts';
import { daySeries } from './daySeries.ts';

describe('daySeries on the hand-made day', () => {
  const s = daySeries(handmadeDay(), { queueStepMs: 600_000, fleetBinMs: 1_800_000 });

  it('bins deliveries and returns by clock hour', () => {
    expect(s.hourStartMs).toEqual([H8, H8 + 3_600_000]);
    expect(s.deliveredPerHour).toEqual([1, 2]);
    expect(s.returnedPerHour).toEqual([0, 1]);
    expect([...s.deliveryTimesMin]).toEqual([30, 40, 80]);
  });

  it('counts the parcel queue at each instant', () => {
    // every 10 min from 08:00 to 10:00 (13 instants)
    expect(s.queueTMs).toHaveLength(13);
    expect(s.queueWaiting).toEqual([2, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(s.queueOnRobots).toEqual([0, 2, 2, 1, 2, 1, 0, 1, 0, 0, 0, 0, 0]);
    expect(s.queueAwaitingPickup).toEqual([0, 0, 0, 1, 0, 1, 2, 2, 2, 0, 0, 0, 0]);
  });

  it('averages robot states and battery per bin', () => {
    // 4 bins of 30 min; samples at 0, 30, 60, 90 and 120 min (the last clamps into bin 3)
    expect(s.fleetTMs).toHaveLength(4);
    expect(s.robotsInState.loading[0]).toBe(1);
    expect(s.robotsInState.idle[0]).toBe(1);
    expect(s.robotsInState.driving[3]).toBe(0.5); // r2 driving at 90, r1 idle at 120, …
    expect(s.batteryMinPct[0]).toBe(80);
    expect(s.batteryMaxPct[0]).toBe(90);
    expect(s.batteryMeanPct[0]).toBe(85);
    expect(s.batteryMinPct[3]).toBe(50);
  });
});
