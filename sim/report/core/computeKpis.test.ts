import { describe, expect, it } from 'vitest';
import { handmadeDay } from '../test/handmade.ts';
import { computeKpis } from './computeKpis.ts';
import { DayRecorder } from './DayRecord.ts';

describe('computeKpis on a hand-made day', () => {
  const k = computeKpis(handmadeDay());

  it('counts parcels and groups returns by reason', () => {
    expect(k.parcelsTotal).toBe(4);
    expect(k.parcelsDelivered).toBe(3);
    expect(k.parcelsReturned).toBe(1);
    expect(k.parcelsUnresolved).toBe(0);
    expect(k.deliveredPct).toBe(75);
    expect(k.returnsByReason).toEqual({ recipient_absent: 1 });
  });

  it('computes exact delivery-time and wait quantiles', () => {
    // delivery times 30, 40, 80 min; waits 10, 10, 30 min
    expect(k.deliveryTimeP50Min).toBe(40);
    expect(k.deliveryTimeP95Min).toBe(76); // 40 + 0.9 × 40
    expect(k.deliveryTimeMeanMin).toBe(50);
    expect(k.deliveryTimeMaxMin).toBe(80);
    expect(k.recipientWaitP50Min).toBe(10);
    expect(k.recipientWaitP95Min).toBe(28); // 10 + 0.9 × 20
    expect(k.peakDeliveriesPerHour).toBe(2); // 09:00–10:00: B and D
  });

  it('sums the fleet and weights accuracy by estimates', () => {
    expect(k.robots).toBe(2);
    expect(k.robotUtilizationPct).toBe(37.5); // 90 min busy / (2 × 120 min)
    expect(k.distanceKm).toBe(15);
    expect(k.energyKWh).toBe(0.3);
    expect(k.energyWhPerDelivery).toBe(100);
    expect(k.localizationRmseM).toBe(Number(Math.sqrt((0.01 * 100 + 0.04 * 300) / 400).toFixed(4)));
    expect(k.crossTrackRmsM).toBe(0.05); // r2 did not measure it
    expect(k.minBatteryPct).toBe(50); // r1's last sample
    expect(k.collisions).toBe(0);
    expect(k.nearMisses).toBe(2);
    expect(k.simulatedHours).toBe(2);
  });

  it('keeps units in the key names and returns null for figures without data', () => {
    const rec = new DayRecorder({ campus: 'x', seed: 1, robots: 0, parcels: 0, fidelity: 'fleet', mode: 'fast', startMs: 0, endMs: 0, samplePeriodMs: 1000 }, 0);
    const empty = computeKpis(rec.finish());
    expect(empty.deliveryTimeP50Min).toBeNull();
    expect(empty.deliveredPct).toBeNull();
    expect(empty.localizationRmseM).toBeNull();
    expect(empty.robotUtilizationPct).toBeNull();
    expect(empty.peakDeliveriesPerHour).toBe(0);
    expect(JSON.stringify(empty)).not.toMatch(/NaN|Infinity/);
  });

  it('falls back to sampled states for utilization when no busy time was kept', () => {
    const day = handmadeDay();
    for (const r of day.robots) r.busyMs = 0;
    // busy samples: r1 loading, driving, waiting_handover, returning (4); r2 loading, driving (2) → 6 of 10
    expect(computeKpis(day).robotUtilizationPct).toBe(60);
  });
});
