import { describe, expect, it } from 'vitest';
import { DispatchConfigError } from './DispatchConfigError.ts';
import { EnergyCalibration } from './EnergyCalibration.ts';

describe('EnergyCalibration', () => {
  it('starts at 1 and moves towards what finished trips used against their estimates', () => {
    const c = new EnergyCalibration({ weight: 0.5 });
    expect(c.factor).toBe(1);
    // Estimated 100 Wh; 80 % → 60 % of 1,000 Wh is 200 Wh used: twice the estimate.
    c.tripStarted('T1', 'R01', 100, 80, 1000);
    expect(c.tripEnded('T1', 60)).toBeCloseTo(2, 12);
    expect(c.factor).toBeCloseTo(1.5, 12);
    c.tripStarted('T2', 'R02', 100, 50, 1000);
    expect(c.tripEnded('T2', 30)).toBeCloseTo(2, 12);
    expect(c.factor).toBeCloseTo(1.75, 12);
    expect(c.trips).toBe(2);
  });

  it('never goes below 1 and caps each trip and the factor at maxFactor', () => {
    const c = new EnergyCalibration({ weight: 1, maxFactor: 3 });
    c.tripStarted('T1', 'R01', 100, 80, 1000);
    c.tripEnded('T1', 79); // 10 Wh of 100 estimated
    expect(c.factor).toBe(1);
    c.tripStarted('T2', 'R01', 100, 90, 1000);
    expect(c.tripEnded('T2', 0)).toBeCloseTo(9, 12); // stood for hours: measured, but counted as 3
    expect(c.factor).toBe(3);
  });

  it('does not measure trips it did not see start, short ones, or ones whose battery rose', () => {
    const c = new EnergyCalibration({ weight: 1 });
    expect(c.tripEnded('unknown', 10)).toBeUndefined();
    c.tripStarted('short', 'R01', 5, 80, 1000);
    expect(c.tripEnded('short', 10)).toBeUndefined();
    c.tripStarted('charged', 'R01', 100, 40, 1000);
    expect(c.tripEnded('charged', 60)).toBeUndefined();
    c.tripStarted('gone', 'R01', 100, 40, 1000);
    c.forget('gone');
    expect(c.tripEnded('gone', 0)).toBeUndefined();
    expect(c.trips).toBe(0);
    expect(c.factor).toBe(1);
  });

  it('refuses options out of range, naming them', () => {
    expect(() => new EnergyCalibration({ weight: 0 })).toThrow(DispatchConfigError);
    expect(() => new EnergyCalibration({ weight: 0 })).toThrow(/weight/);
    expect(() => new EnergyCalibration({ maxFactor: 0.5 })).toThrow(/maxFactor/);
    expect(() => new EnergyCalibration({ minEstimateWh: 0 })).toThrow(/minEstimateWh/);
  });
});
