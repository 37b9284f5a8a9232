import { describe, expect, it } from 'vitest';
import { StallTrace, type StallSample } from './StallTrace.ts';

const at = (s: number, x: number, pending = true, controller = 'tracking', safety = 'pass'): StallSample => ({ tMs: s * 1000, x, y: 0, pending, controller, safety });

describe('StallTrace', () => {
  it('finds where a robot with a goal stood still, for how long, and what its controller and safety node said', () => {
    const t = new StallTrace({ minStallS: 60 });
    // Driving 10 s at 1.5 m/s, then 100 s stopped at x = 15 by the safety node, then on.
    for (let s = 0; s <= 10; s++) t.add(at(s, 1.5 * s));
    for (let s = 11; s <= 110; s++) t.add(at(s, 15, true, s < 40 ? 'tracking' : 'blocked', 'stop'));
    for (let s = 111; s <= 120; s++) t.add(at(s, 15 + 1.5 * (s - 110)));
    const r = t.finish();
    expect(r.episodes).toHaveLength(1);
    const e = r.episodes[0]!;
    expect(e.x).toBe(15);
    expect(e.startMs).toBe(10_000);
    expect(e.durationS).toBe(102);
    expect(e.safety.stop).toBe(100);
    expect(e.controller.blocked).toBe(71);
    expect(r.pendingS).toBe(120);
    expect(r.stalledS).toBe(102);
  });

  it('keeps the metres driven in each controller state and the seconds of each safety action while driving', () => {
    const t = new StallTrace();
    // 10 s tracking at 1.5 m/s, 10 s avoiding at 0.5 m/s with the safety node slowing, 5 s blocked, then nothing pending.
    for (let s = 0; s < 10; s++) t.add(at(s, 1.5 * s));
    for (let s = 10; s < 20; s++) t.add(at(s, 15 + 0.5 * (s - 10), true, 'avoiding', 'slowdown'));
    for (let s = 20; s <= 25; s++) t.add(at(s, 20, true, 'blocked', 'stop'));
    t.add(at(26, 20, false, 'idle'));
    const r = t.finish();
    expect(r.controllerS).toEqual({ tracking: 10, avoiding: 10, blocked: 6 });
    // The interval from 9 s to 10 s is charged to tracking (the state at its start): 10 × 1.5 m.
    expect(r.controllerM.tracking).toBeCloseTo(15, 9);
    expect(r.controllerM.avoiding).toBeCloseTo(5, 9);
    expect(r.controllerM.blocked).toBe(0);
    expect(r.safetyS).toEqual({ pass: 10, slowdown: 10, stop: 6 });
  });

  it('does not count standing still without a goal (waiting at the hub, handing over)', () => {
    const t = new StallTrace({ minStallS: 60 });
    for (let s = 0; s <= 300; s++) t.add(at(s, 0, false, 'arrived'));
    const r = t.finish();
    expect(r.episodes).toEqual([]);
    expect(r.pendingS).toBe(0);
  });

  it('closes a stall still going at the end of the day', () => {
    const t = new StallTrace({ minStallS: 60 });
    for (let s = 0; s <= 90; s++) t.add(at(s, 3, true, 'blocked'));
    expect(t.finish().episodes.map((e) => e.durationS)).toEqual([90]);
  });
});
