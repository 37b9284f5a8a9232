import { describe, expect, it } from 'vitest';
import { chargingPolicy, defaultChargingConfig } from './chargingPolicy.ts';
import { NOW, robot } from './testWorld.ts';

const docks = [{ id: 'd1' }, { id: 'd2' }];

describe('chargingPolicy', () => {
  it('sends the lowest robots to the free docks and queues the rest', () => {
    const robots = [robot('r1', { batteryPct: 25 }), robot('r2', { batteryPct: 10 }), robot('r3', { batteryPct: 20 }),
      robot('r4', { batteryPct: 80 })];
    expect(chargingPolicy(robots, docks, NOW, defaultChargingConfig, { demandHigh: true })).toEqual([
      { serial: 'r2', kind: 'go_to_dock', dockId: 'd1' },
      { serial: 'r3', kind: 'go_to_dock', dockId: 'd2' },
      { serial: 'r1', kind: 'queue', position: 1 },
    ]);
  });

  it('frees a dock when a robot is charged and gives it to the queue in the same round', () => {
    const robots = [robot('r1', { state: 'charging', dockId: 'd1', batteryPct: 92, dockedAtMs: NOW - 1000 }),
      robot('r2', { state: 'charging', dockId: 'd2', batteryPct: 50, dockedAtMs: NOW - 3_600_000 }),
      robot('r3', { batteryPct: 12 })];
    expect(chargingPolicy(robots, docks, NOW, defaultChargingConfig, { demandHigh: true })).toEqual([
      { serial: 'r1', kind: 'leave_dock', dockId: 'd1', reason: 'charged' },
      { serial: 'r3', kind: 'go_to_dock', dockId: 'd1' },
    ]);
  });

  it('lets a robot leave early for demand only above Z and after the minimum dock time', () => {
    const at = (pct: number, dockedS: number) =>
      [robot('r1', { state: 'charging', dockId: 'd1', batteryPct: pct, dockedAtMs: NOW - dockedS * 1000 })];
    const leaves = (pct: number, dockedS: number, demandHigh: boolean) =>
      chargingPolicy(at(pct, dockedS), docks, NOW, defaultChargingConfig, { demandHigh }).length > 0;
    expect(leaves(65, 900, true)).toBe(true);
    expect(leaves(65, 900, false)).toBe(false);
    expect(leaves(55, 900, true)).toBe(false);
    expect(leaves(65, 60, true)).toBe(false);
  });

  it('tops up idle robots on free docks only when demand is low', () => {
    const robots = [robot('r1', { batteryPct: 60 })];
    expect(chargingPolicy(robots, docks, NOW, defaultChargingConfig, { demandHigh: false }))
      .toEqual([{ serial: 'r1', kind: 'go_to_dock', dockId: 'd1' }]);
    expect(chargingPolicy(robots, docks, NOW, defaultChargingConfig, { demandHigh: true })).toEqual([]);
  });

  it('obeys a dispatcher charge order first, and keeps a forced robot on its dock', () => {
    const robots = [robot('r1', { batteryPct: 5 }), robot('r2', { batteryPct: 95, state: 'paused' }),
      robot('r3', { state: 'charging', dockId: 'd2', batteryPct: 99 })];
    expect(chargingPolicy(robots, [{ id: 'd1' }, { id: 'd2', occupiedBy: 'r3' }], NOW, defaultChargingConfig,
      { forceCharge: ['r2', 'r3'] })).toEqual([
      { serial: 'r2', kind: 'go_to_dock', dockId: 'd1' },
      { serial: 'r1', kind: 'queue', position: 1 },
    ]);
  });

  it('rejects thresholds out of order', () => {
    expect(() => chargingPolicy([], docks, NOW, { ...defaultChargingConfig, chargedPct: 20 })).toThrow(/chargedPct/);
  });
});
