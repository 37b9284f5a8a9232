import { describe, expect, it } from 'vitest';
import type { RobotView } from '../../tracking/index.ts';
import { roundTriggerKey } from './roundTriggerKey.ts';

type KeyView = Parameters<typeof roundTriggerKey>[0];
const idle: RobotView['health'] = { kind: 'online', mode: 'idle', lastStateAt: 0 };
const base: KeyView = { health: idle, nodesLeft: 0, errors: [], dispatchState: 'idle_at_hub', orderId: 'T-1', lastNodeId: 'hub', loads: [] };

describe('roundTriggerKey: which robot changes make the dispatch loop run a round soon', () => {
  it('an idle robot whose order is done (hub, bay, cancelled) gives a key that follows where it is and what it carries', () => {
    const atHub = roundTriggerKey(base);
    expect(atHub).not.toBe('');
    expect(roundTriggerKey({ ...base, loads: [{ loadId: 'P1' }] })).not.toBe(atHub);
    expect(roundTriggerKey({ ...base, dispatchState: 'on_trip', lastNodeId: 'dock-1', orderId: 'C-1' })).not.toBe('');
    // A robot whose state carries no node list yet (just switched on) counts as done.
    expect(roundTriggerKey({ ...base, nodesLeft: undefined })).toBe(atHub);
  });

  it('a robot idle at a stop of an order still under way gives none, unless it reports an error', () => {
    const atStop = { ...base, dispatchState: 'on_trip' as const, lastNodeId: 'drop-a', nodesLeft: 3, loads: [{ loadId: 'P2' }] };
    expect(roundTriggerKey(atStop)).toBe('');
    expect(roundTriggerKey({ ...atStop, errors: [{ errorType: 'noRouteError', errorLevel: 'WARNING' }] })).not.toBe('');
  });

  it('a robot driving, charging or offline gives none', () => {
    expect(roundTriggerKey({ ...base, health: { kind: 'online', mode: 'driving', lastStateAt: 0 } })).toBe('');
    expect(roundTriggerKey({ ...base, health: { kind: 'online', mode: 'charging', lastStateAt: 0 } })).toBe('');
    expect(roundTriggerKey({ ...base, health: { kind: 'offline', since: 0, reason: 'last_will' } })).toBe('');
  });
});
