import { describe, expect, it } from 'vitest';
import { modeOfState, transition, type RobotHealth } from './robotHealth.ts';

const opts = { staleAfterMs: 5000 };

describe('robot health state machine', () => {
  it('goes unknown → online on a state, online → stale after staleAfterMs of silence, and back online on the next state', () => {
    let h: RobotHealth = { kind: 'unknown', since: 0 };
    h = transition(h, { type: 'state', mode: 'idle' }, 1000, opts);
    expect(h).toEqual({ kind: 'online', mode: 'idle', lastStateAt: 1000 });
    expect(transition(h, { type: 'tick' }, 5999, opts)).toBe(h);
    h = transition(h, { type: 'tick' }, 6000, opts);
    expect(h).toEqual({ kind: 'stale', since: 6000, mode: 'idle', lastStateAt: 1000 });
    // A later sweep does not move `since`.
    expect(transition(h, { type: 'tick' }, 9000, opts)).toBe(h);
    h = transition(h, { type: 'state', mode: 'driving' }, 9500, opts);
    expect(h).toEqual({ kind: 'online', mode: 'driving', lastStateAt: 9500 });
  });

  it('goes offline with reason last_will on CONNECTIONBROKEN and clean on OFFLINE; ONLINE waits for a state', () => {
    const online: RobotHealth = { kind: 'online', mode: 'idle', lastStateAt: 0 };
    const broken = transition(online, { type: 'connection', connectionState: 'CONNECTIONBROKEN' }, 100, opts);
    expect(broken).toEqual({ kind: 'offline', since: 100, reason: 'last_will' });
    expect(transition(broken, { type: 'connection', connectionState: 'CONNECTIONBROKEN' }, 200, opts)).toBe(broken);
    expect(transition(online, { type: 'connection', connectionState: 'OFFLINE' }, 100, opts)).toEqual({ kind: 'offline', since: 100, reason: 'clean' });
    const back = transition(broken, { type: 'connection', connectionState: 'ONLINE' }, 300, opts);
    expect(back).toEqual({ kind: 'unknown', since: 300 });
    // ONLINE while online changes nothing.
    expect(transition(online, { type: 'connection', connectionState: 'ONLINE' }, 300, opts)).toBe(online);
    // Offline is not swept to anything else by time alone.
    expect(transition(broken, { type: 'tick' }, 1e9, opts)).toBe(broken);
  });

  it('turns a robot that never sends a state into offline/never_seen', () => {
    const h = transition({ kind: 'unknown', since: 1000 }, { type: 'tick' }, 6000, opts);
    expect(h).toEqual({ kind: 'offline', since: 6000, reason: 'never_seen' });
  });

  it('derives the mode with fault > paused > charging > driving > idle', () => {
    const s = { errors: [], paused: false, batteryState: { batteryCharge: 50, charging: false }, driving: false };
    expect(modeOfState(s)).toBe('idle');
    expect(modeOfState({ ...s, driving: true })).toBe('driving');
    expect(modeOfState({ ...s, driving: true, batteryState: { batteryCharge: 50, charging: true } })).toBe('charging');
    expect(modeOfState({ ...s, driving: true, paused: true, batteryState: { batteryCharge: 50, charging: true } })).toBe('paused');
    expect(modeOfState({ ...s, paused: true, errors: [{ errorType: 'x', errorLevel: 'FATAL' as const }] })).toBe('fault');
    expect(modeOfState({ ...s, errors: [{ errorType: 'x', errorLevel: 'WARNING' as const }] })).toBe('idle');
  });
});
