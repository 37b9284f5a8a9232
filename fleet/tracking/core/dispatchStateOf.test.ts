import { describe, expect, it } from 'vitest';
import { dispatchStateOf } from './dispatchStateOf.ts';

const hub = new Set(['hub']);
const atHub = { lastNodeId: 'hub', nodeStates: [] };

describe('dispatchStateOf', () => {
  it('maps health and state onto the planner\'s robot state', () => {
    expect(dispatchStateOf({ kind: 'online', mode: 'idle', lastStateAt: 0 }, atHub, hub)).toBe('idle_at_hub');
    expect(dispatchStateOf({ kind: 'online', mode: 'idle', lastStateAt: 0 }, { lastNodeId: 'drop-1', nodeStates: [] }, hub)).toBe('on_trip');
    expect(dispatchStateOf({ kind: 'online', mode: 'idle', lastStateAt: 0 }, { lastNodeId: 'hub', nodeStates: [{ nodeId: 'x', sequenceId: 2, released: true }] }, hub)).toBe('on_trip');
    expect(dispatchStateOf({ kind: 'online', mode: 'driving', lastStateAt: 0 }, atHub, hub)).toBe('on_trip');
    expect(dispatchStateOf({ kind: 'online', mode: 'charging', lastStateAt: 0 }, atHub, hub)).toBe('charging');
    expect(dispatchStateOf({ kind: 'online', mode: 'paused', lastStateAt: 0 }, atHub, hub)).toBe('paused');
    expect(dispatchStateOf({ kind: 'online', mode: 'fault', lastStateAt: 0 }, atHub, hub)).toBe('offline');
    expect(dispatchStateOf({ kind: 'stale', since: 0, mode: 'idle', lastStateAt: 0 }, atHub, hub)).toBe('offline');
    expect(dispatchStateOf({ kind: 'offline', since: 0, reason: 'last_will' }, atHub, hub)).toBe('offline');
    expect(dispatchStateOf({ kind: 'online', mode: 'idle', lastStateAt: 0 }, undefined, hub)).toBe('offline');
  });
});
