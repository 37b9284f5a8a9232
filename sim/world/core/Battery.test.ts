import { describe, expect, it } from 'vitest';
import { Battery } from './Battery.ts';

describe('Battery', () => {
  it('drains by idle, sensor and motion power over a kilometre', () => {
    const params = { capacityWh: 400, idleW: 25, sensorsW: 15, motionWPerMps: 50, initialSoc: 0.9 };
    const b = new Battery(params);
    // 1 km at 1.25 m/s in 0.1 s steps.
    const seconds = 1000 / 1.25;
    for (let i = 0; i < seconds * 10; i++) b.step(0.1, 1.25, false);
    const expectedWh = ((25 + 15 + 50 * 1.25) * seconds) / 3600;
    expect(b.usedWh).toBeCloseTo(expectedWh, 6);
    expect(b.soc).toBeCloseTo(0.9 - expectedWh / 400, 6);
    expect(b.percent).toBeCloseTo(b.soc * 100, 9);
  });

  it('charges at the dock rate and tapers near full, never past 100 %', () => {
    const b = new Battery({ capacityWh: 500, idleW: 20, sensorsW: 15, chargeW: 300, initialSoc: 0.5 });
    let t = 0;
    while (b.soc < 0.8) {
      b.step(1, 0, true);
      t++;
    }
    // 300 W into the pack below 80 %: 0.3 × 500 Wh takes half an hour.
    expect(Math.abs(t - 1800)).toBeLessThanOrEqual(1);
    const before = t;
    while (b.soc < 0.99) {
      b.step(1, 0, true);
      t++;
    }
    // The last 19 % takes longer per percent than the first 30 % did.
    expect((t - before) / 19).toBeGreaterThan(before / 30);
    for (let i = 0; i < 36_000; i++) b.step(1, 0, true);
    expect(b.soc).toBe(1);
    expect(b.chargedWh).toBeCloseTo(250, 6);
  });

  it('empties and stays at zero', () => {
    const b = new Battery({ capacityWh: 1, initialSoc: 0.01 });
    for (let i = 0; i < 100; i++) b.step(1, 1.5, false);
    expect(b.soc).toBe(0);
    expect(b.empty).toBe(true);
  });
});
