import { describe, expect, it } from 'vitest';
import { createDispatchConfig } from './createDispatchConfig.ts';
import { createMatrixTravelModel } from './createMatrixTravelModel.ts';

describe('createMatrixTravelModel', () => {
  it('answers distances and times, Infinity for no route or an unknown place', () => {
    const m = createMatrixTravelModel(['hub', 'a'], [0, 120, Infinity, 0], 1.2);
    expect(m.distanceM('hub', 'a')).toBe(120);
    expect(m.travelTimeS('hub', 'a')).toBeCloseTo(100, 9);
    expect(m.distanceM('a', 'hub')).toBe(Infinity);
    expect(m.distanceM('hub', 'mars')).toBe(Infinity);
  });

  it('rejects a wrong shape, duplicate ids, negative distances and a bad speed', () => {
    expect(() => createMatrixTravelModel(['a', 'b'], [0, 1, 1], 1)).toThrow(/3 entries for 2 ids/);
    expect(() => createMatrixTravelModel(['a', 'a'], [0, 1, 1, 0], 1)).toThrow(/duplicate place id "a"/);
    expect(() => createMatrixTravelModel(['a', 'b'], [[0, -1], [1, 0]], 1)).toThrow(/negative distance/);
    expect(() => createMatrixTravelModel(['a'], [0], 0)).toThrow(/speedMps/);
  });
});

describe('createDispatchConfig', () => {
  it('fills defaults and rejects impossible values', () => {
    expect(createDispatchConfig({ hub: 'hub' }).handoverDwellS).toBe(180);
    expect(() => createDispatchConfig({ hub: 'hub', energyMarginFactor: 0.5 })).toThrow(/energyMarginFactor/);
    expect(() => createDispatchConfig({ hub: 'hub', batteryReservePct: 100 })).toThrow(/batteryReservePct/);
  });
});
