// The safety node's parameter checks at configure time (its decisions are the collision monitor's, tested in
// robot/safety/core).
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { InProcessBus, type ParameterValue } from '../ros/index.ts';
import { SafetyNode } from './SafetyNode.ts';

function startUp(overrides: Record<string, ParameterValue>): boolean {
  const bus = new InProcessBus(new VirtualClock(1_000_000));
  return new SafetyNode(bus.createNode('safety', { namespace: '/R1', parameterOverrides: overrides })).lifecycle.startUp().ok;
}

describe('SafetyNode parameters', () => {
  it('refuses an alongside gap wider than the stop zone, or a negative alongside speed', () => {
    expect(startUp({})).toBe(true);
    expect(startUp({ 'alongside.gap_m': 0.1 })).toBe(true);
    expect(startUp({ 'alongside.gap_m': 0.15 })).toBe(false);
    expect(startUp({ 'alongside.gap_m': -0.01 })).toBe(false);
    expect(startUp({ 'alongside.max_speed_mps': -0.1 })).toBe(false);
    expect(startUp({ 'alongside.max_speed_mps': 0 })).toBe(true);
  });
});
