/**
 * The back-up recovery (after Nav2's BackUp behaviour): a robot wedged beside another robot or a wall cannot turn
 * out of it on the spot (the turn sweeps its corners into what it stands against, and the collision monitor rightly
 * stops it), and a fresh path from there meets the same stop. Straight back, slowly, for a short distance or a short
 * time, whichever ends first, gives it room to turn; the collision monitor still checks every reverse command
 * against what is behind. Pure: state in, state out.
 */
import type { Pose2 } from '../../../maps/core/types.ts';

export interface BackUpParams {
  /** How far to back up, m. */
  distanceM: number;
  /** Reverse speed, m/s (positive; the command is its negative). */
  speedMps: number;
  /** Give up after this long (something behind, the monitor stopping it), s. */
  timeoutS: number;
}

export const defaultBackUpParams: Readonly<BackUpParams> = Object.freeze({ distanceM: 0.8, speedMps: 0.2, timeoutS: 8 });

export interface BackUpState {
  active: boolean;
  fromX: number;
  fromY: number;
  untilMs: number;
}

export function createBackUpState(): BackUpState {
  return { active: false, fromX: 0, fromY: 0, untilMs: 0 };
}

/** Starts backing up from `pose` at `nowMs`. */
export function startBackUp(state: BackUpState, pose: Pose2, nowMs: number, p: Readonly<BackUpParams>): BackUpState {
  state.active = true;
  state.fromX = pose.x;
  state.fromY = pose.y;
  state.untilMs = nowMs + p.timeoutS * 1000;
  return state;
}

/**
 * The linear speed to command this tick (negative: reverse), or 0 once the distance is covered or the time is up,
 * which also ends the manoeuvre (`state.active` false).
 */
export function backUpSpeed(state: BackUpState, pose: Pose2, nowMs: number, p: Readonly<BackUpParams>): number {
  if (!state.active) return 0;
  if (nowMs >= state.untilMs || Math.hypot(pose.x - state.fromX, pose.y - state.fromY) >= p.distanceM) {
    state.active = false;
    return 0;
  }
  return -p.speedMps;
}
