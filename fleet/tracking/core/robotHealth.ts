/**
 * A robot's health as seen by the fleet server: an explicit state machine (STYLE.md §13), never boolean flags.
 *
 * - `unknown`: registered, but no state received yet (since the server started, or since the robot reconnected).
 * - `online`: states arrive; `mode` is derived from the latest one.
 * - `stale`: the robot was online, but no state has arrived for `staleAfterMs` (our robots send ≥ 1 Hz).
 * - `offline`: the broker published its last will (`last_will`), it said goodbye (`clean`), or it never sent a
 *   state within `staleAfterMs` of being expected (`never_seen`).
 */
import type { State } from '../../../protocol/index.ts';

export type RobotMode = 'idle' | 'driving' | 'charging' | 'paused' | 'fault';
export type OfflineReason = 'last_will' | 'clean' | 'never_seen';

export type RobotHealth =
  | { kind: 'unknown'; since: number }
  | { kind: 'online'; mode: RobotMode; lastStateAt: number }
  | { kind: 'stale'; since: number; mode: RobotMode; lastStateAt: number }
  | { kind: 'offline'; since: number; reason: OfflineReason };

export type HealthEvent =
  | { type: 'state'; mode: RobotMode }
  | { type: 'connection'; connectionState: 'ONLINE' | 'OFFLINE' | 'CONNECTIONBROKEN' }
  /** The periodic sweep: lets time alone move a robot to stale or never_seen. */
  | { type: 'tick' };

export interface HealthOptions {
  /** No state for this long makes an online robot stale (and an unknown one offline/never_seen). Default 5000. */
  staleAfterMs?: number;
}

export const DEFAULT_STALE_AFTER_MS = 5_000;

/**
 * The next health after `event` at `nowMs`. Pure; returns the SAME object when nothing changes, so callers can detect
 * a change with `!==` and emit only real changes.
 */
export function transition(health: RobotHealth, event: HealthEvent, nowMs: number, options: HealthOptions = {}): RobotHealth {
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  switch (event.type) {
    case 'state':
      // A state proves the robot is connected, whatever we believed before.
      if (health.kind === 'online' && health.mode === event.mode && health.lastStateAt === nowMs) return health;
      return { kind: 'online', mode: event.mode, lastStateAt: nowMs };
    case 'connection':
      switch (event.connectionState) {
        case 'CONNECTIONBROKEN':
          return health.kind === 'offline' && health.reason === 'last_will' ? health : { kind: 'offline', since: nowMs, reason: 'last_will' };
        case 'OFFLINE':
          return health.kind === 'offline' && health.reason === 'clean' ? health : { kind: 'offline', since: nowMs, reason: 'clean' };
        case 'ONLINE':
          // Connected again but no state yet: wait for one (unknown), the sweep turns silence into never_seen.
          return health.kind === 'offline' ? { kind: 'unknown', since: nowMs } : health;
      }
      return health;
    case 'tick':
      if (health.kind === 'online' && nowMs - health.lastStateAt >= staleAfterMs) {
        return { kind: 'stale', since: health.lastStateAt + staleAfterMs, mode: health.mode, lastStateAt: health.lastStateAt };
      }
      if (health.kind === 'unknown' && nowMs - health.since >= staleAfterMs) {
        return { kind: 'offline', since: health.since + staleAfterMs, reason: 'never_seen' };
      }
      return health;
  }
}

/**
 * The mode a state shows, most urgent first: a FATAL error means the robot cannot run [VDA5050 §6.10.6], then
 * paused, charging, driving, idle.
 */
export function modeOfState(state: Pick<State, 'errors' | 'paused' | 'batteryState' | 'driving'>): RobotMode {
  if (state.errors.some((e) => e.errorLevel === 'FATAL')) return 'fault';
  if (state.paused === true) return 'paused';
  if (state.batteryState.charging) return 'charging';
  if (state.driving) return 'driving';
  return 'idle';
}
