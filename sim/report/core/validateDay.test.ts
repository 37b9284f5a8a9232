import { describe, expect, it } from 'vitest';
import { handmadeDay } from '../test/handmade.ts';
import { validateDay } from './validateDay.ts';

describe('validateDay', () => {
  it('passes a clean day', () => {
    expect(validateDay(handmadeDay())).toEqual({ passed: true, failures: [] });
  });

  it('fails parcels-accounted for a stuck parcel, a return without reason and a lost parcel', () => {
    const day = handmadeDay();
    delete day.parcels[3]!.deliveredAtMs; // D stuck
    delete day.parcels[2]!.returnReason; // C returned without reason
    day.params.parcels = 5; // one never recorded
    const v = validateDay(day);
    expect(v.passed).toBe(false);
    expect(v.failures.map((f) => [f.rule, f.count, f.examples])).toEqual([
      ['parcels-accounted', 1, ['D']],
      ['parcels-accounted', 1, ['C']],
      ['parcels-accounted', 1, []],
    ]);
    expect(v.failures[2]!.detail).toContain('5 parcels were to arrive but only 4');
  });

  it('fails no-collision from the world count, with contact events as examples', () => {
    const day = handmadeDay();
    day.contacts = { collisions: 2, nearMisses: 0, collisionsByKind: { pedestrian: 2, robot: 0 } };
    day.events.push({ tMs: 1234, kind: 'collision', serial: 'r1', detail: 'pedestrian 17' });
    const v = validateDay(day);
    expect(v.failures).toHaveLength(1);
    expect(v.failures[0]).toMatchObject({ rule: 'no-collision', count: 2, examples: ['r1 at t=1234 ms (pedestrian 17)'] });
    expect(v.failures[0]!.detail).toBe('2 collision(s): pedestrian 2');
  });

  it('fails no-collision from per-robot counts when the world count was not passed', () => {
    const day = handmadeDay();
    day.robots[1]!.collisions = 3;
    const v = validateDay(day);
    expect(v.failures[0]).toMatchObject({ rule: 'no-collision', count: 3, examples: ['r2'] });
  });

  it('fails no-flat-battery from the totals or from a sample', () => {
    const day = handmadeDay();
    day.robots[0]!.minBatteryPct = 0;
    expect(validateDay(day).failures[0]).toMatchObject({ rule: 'no-flat-battery', examples: ['r1'] });
    const day2 = handmadeDay();
    day2.samples.batteryPct[3] = 0; // second instant, r2
    expect(validateDay(day2).failures[0]).toMatchObject({ rule: 'no-flat-battery', examples: ['r2'] });
    expect(validateDay(day2, { flatBatteryPct: -1 }).passed).toBe(true);
  });

  it('fails single-coded-handover for a double hand-over, one without code and a delivery without hand-over', () => {
    const day = handmadeDay();
    day.parcels[0]!.handoverCount = 2;
    day.parcels[1]!.handedOverWithCode = false;
    day.parcels[3]!.handoverCount = 0;
    const v = validateDay(day);
    expect(v.failures.map((f) => [f.rule, f.examples])).toEqual([
      ['single-coded-handover', ['A']],
      ['single-coded-handover', ['B']],
      ['single-coded-handover', ['D']],
    ]);
  });

  it('lists failures in rule order and caps the examples', () => {
    const day = handmadeDay();
    for (const p of day.parcels) p.handoverCount = 2;
    day.contacts.collisions = 1;
    for (const p of day.parcels) {
      delete p.deliveredAtMs;
      delete p.returnedAtMs;
    }
    const v = validateDay(day, { maxExamples: 2 });
    expect(v.failures.map((f) => f.rule)).toEqual(['parcels-accounted', 'no-collision', 'single-coded-handover', 'single-coded-handover']);
    expect(v.failures[0]).toMatchObject({ count: 4, examples: ['A', 'B'] });
  });
});
