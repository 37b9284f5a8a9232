/**
 * The back-up recovery (after Nav2's BackUp behaviour): a robot wedged beside another robot or a wall cannot turn
 * out of it on the spot (the turn sweeps its corners into what it stands against, and the collision monitor rightly
 * stops it), and a fresh path from there meets the same stop. Straight back, slowly, for a short distance or a short
 * time, whichever ends first, gives it room to turn; the collision monitor still checks every reverse command
 * against what is behind. Then it holds still for a while of its own (`holdS`, chosen by the caller, different per
 * robot and per try) before driving on: two robots that met face to face back up together, and, driving on together,
 * met again the same way (issue #5: pairs repeated that for over an hour); the one that holds longer lets the other
 * by. Pure: state in, state out.
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
  /** Reversing is over (distance covered or time up); holding still until holdUntilMs. */
  holding: boolean;
  holdS: number;
  holdUntilMs: number;
}

export function createBackUpState(): BackUpState {
  return { active: false, fromX: 0, fromY: 0, untilMs: 0, holding: false, holdS: 0, holdUntilMs: 0 };
}

/** Starts backing up from `pose` at `nowMs`, to hold still `holdS` seconds once backed up. */
export function startBackUp(state: BackUpState, pose: Pose2, nowMs: number, p: Readonly<BackUpParams>, holdS = 0): BackUpState {
  state.active = true;
  state.fromX = pose.x;
  state.fromY = pose.y;
  state.untilMs = nowMs + p.timeoutS * 1000;
  state.holding = false;
  state.holdS = holdS;
  return state;
}

/**
 * The linear speed to command this tick: negative while reversing, 0 while holding still after it; the manoeuvre
 * ends (`state.active` false, 0) once the distance is covered or the time is up and the hold is over.
 */
export function backUpSpeed(state: BackUpState, pose: Pose2, nowMs: number, p: Readonly<BackUpParams>): number {
  if (!state.active) return 0;
  if (!state.holding && (nowMs >= state.untilMs || Math.hypot(pose.x - state.fromX, pose.y - state.fromY) >= p.distanceM)) {
    state.holding = true;
    state.holdUntilMs = nowMs + state.holdS * 1000;
  }
  if (!state.holding) return -p.speedMps;
  if (nowMs >= state.holdUntilMs) state.active = false;
  return 0;
}

/**
 * A hold in [0, maxS) that differs between robots (their node name) and between tries (the count), the same on
 * every run: FNV-1a over the name, mixed with the count. Deterministic, so a simulated day stays reproducible.
 */
export function backUpHoldS(name: string, count: number, maxS: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ count, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return ((h >>> 0) / 2 ** 32) * maxS;
}
