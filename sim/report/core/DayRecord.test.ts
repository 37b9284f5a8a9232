import { describe, expect, it } from 'vitest';
import { DayRecorder, ROBOT_STATES } from './DayRecord.ts';

const params = { campus: 'c', seed: 1, robots: 2, parcels: 1, fidelity: 'fleet', mode: 'fast', startMs: 0, endMs: 1e6, samplePeriodMs: 10 };

describe('DayRecorder', () => {
  it('grows the sample arrays past their initial capacity without losing rows', () => {
    const rec = new DayRecorder(params, 0, ['a', 'b']);
    for (let i = 0; i < 10_000; i++) rec.sample(i * 10, i % 2 === 0 ? 'a' : 'b', ROBOT_STATES[i % ROBOT_STATES.length]!, 100 - i / 200, i, -i);
    const s = rec.finish().samples;
    expect(s.count).toBe(10_000);
    expect(s.tMs.length).toBe(10_000);
    expect([s.tMs[9_999], s.robot[9_999], ROBOT_STATES[s.state[9_999]!], s.x[9_999], s.y[9_999]]).toEqual([99_990, 1, ROBOT_STATES[9_999 % 9], 9_999, -9_999]);
    expect(s.batteryPct[5_000]).toBeCloseTo(75, 4);
  });

  it('keeps each robot’s minimum battery from its samples', () => {
    const rec = new DayRecorder(params, 0);
    rec.sample(0, 'a', 'idle', 80, 0, 0);
    rec.sample(10, 'a', 'driving', 35.5, 0, 0);
    rec.sample(20, 'a', 'charging', 60, 0, 0);
    expect(rec.finish().robots[0]).toMatchObject({ serial: 'a', minBatteryPct: 35.5 });
  });

  it('rejects a parcel arriving twice and an unknown parcel id', () => {
    const rec = new DayRecorder(params, 0);
    rec.parcelArrived('p1', 'B1', 5);
    expect(() => rec.parcelArrived('p1', 'B1', 6)).toThrow(/arrived twice/);
    expect(() => rec.parcel('nope')).toThrow(/unknown parcel/);
    rec.parcel('p1').deliveredAtMs = 9;
    expect(rec.finish().parcels[0]).toMatchObject({ id: 'p1', deliveredAtMs: 9, handoverCount: 0 });
  });

  it('counts edge traversals and ignores edges outside the graph', () => {
    const rec = new DayRecorder(params, 3);
    rec.traverse(1);
    rec.traverse(1);
    rec.traverse(7);
    rec.traverse(-1);
    expect([...rec.finish().edgeTraversals]).toEqual([0, 2, 0]);
  });
});
