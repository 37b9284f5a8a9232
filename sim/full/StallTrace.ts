/**
 * Where and why a full-fidelity robot stands still while it has somewhere to go: fed one sample a second (true
 * position, whether a goal is pending, the controller's and the safety node's word), it keeps the time spent in each
 * controller state and the stall episodes — a goal pending and the body within `radiusM` of one spot for at least
 * `minStallS` — with where they happened and what the controller and safety said meanwhile. Pure: samples in, plain
 * data out (it crosses worker threads and goes into the day's events).
 */

export interface StallSample {
  tMs: number;
  x: number;
  y: number;
  /** The mission has a goal the robot is driving to. */
  pending: boolean;
  /** The controller's last status (idle, tracking, avoiding, blocked, arrived, replan-requested). */
  controller: string;
  /** The safety node's last action (pass, slowdown, approach, stop). */
  safety: string;
}

export interface StallEpisode {
  startMs: number;
  durationS: number;
  x: number;
  y: number;
  /** Seconds per controller state, and per safety action, during the episode. */
  controller: Record<string, number>;
  safety: Record<string, number>;
}

export interface StallTraceSummary {
  /** Seconds per controller state while a goal was pending. */
  controllerS: Record<string, number>;
  /**
   * Metres driven per controller state while a goal was pending (straight lines between samples): with controllerS,
   * the mean speed in each state — where a robot that should cruise at 1.5 m/s loses its time.
   */
  controllerM: Record<string, number>;
  /** Seconds per safety action while a goal was pending (how long the collision monitor held the robot back). */
  safetyS: Record<string, number>;
  /** Seconds with a goal pending, and of those, seconds inside stall episodes. */
  pendingS: number;
  stalledS: number;
  /** The episodes (the first `maxEpisodes`), oldest first. */
  episodes: StallEpisode[];
  /** Episodes beyond `maxEpisodes`, counted only. */
  droppedEpisodes: number;
}

export interface StallTraceOptions {
  /** Moving less than this from the episode's anchor is standing still, m (default 1.5). */
  radiusM?: number;
  /** Standing still this long with a goal pending is a stall, s (default 60). */
  minStallS?: number;
  /** Episodes kept (default 200). */
  maxEpisodes?: number;
}

export class StallTrace {
  readonly #radiusM: number;
  readonly #minStallMs: number;
  readonly #maxEpisodes: number;
  readonly #summary: StallTraceSummary = { controllerS: {}, controllerM: {}, safetyS: {}, pendingS: 0, stalledS: 0, episodes: [], droppedEpisodes: 0 };
  #last: StallSample | undefined;
  /** Where and when the robot last moved on, and the states seen since. */
  #anchor: { tMs: number; x: number; y: number; controller: Record<string, number>; safety: Record<string, number> } | undefined;

  constructor(o: StallTraceOptions = {}) {
    this.#radiusM = o.radiusM ?? 1.5;
    this.#minStallMs = (o.minStallS ?? 60) * 1000;
    this.#maxEpisodes = o.maxEpisodes ?? 200;
  }

  add(s: StallSample): void {
    const prev = this.#last;
    this.#last = { ...s };
    if (prev !== undefined && prev.pending) {
      // The interval since the last sample is charged to the state seen at its start.
      const dtS = (s.tMs - prev.tMs) / 1000;
      this.#summary.pendingS += dtS;
      bump(this.#summary.controllerS, prev.controller, dtS);
      bump(this.#summary.controllerM, prev.controller, Math.hypot(s.x - prev.x, s.y - prev.y));
      bump(this.#summary.safetyS, prev.safety, dtS);
      const a = this.#anchor;
      if (a !== undefined) {
        bump(a.controller, prev.controller, dtS);
        bump(a.safety, prev.safety, dtS);
      }
    }
    const a = this.#anchor;
    if (!s.pending) {
      this.#close(s.tMs);
      return;
    }
    if (a === undefined || Math.hypot(s.x - a.x, s.y - a.y) > this.#radiusM) {
      this.#close(s.tMs);
      this.#anchor = { tMs: s.tMs, x: s.x, y: s.y, controller: {}, safety: {} };
    }
  }

  /** Closes an episode in progress (end of the day) and returns the summary so far. */
  finish(): StallTraceSummary {
    if (this.#last !== undefined) this.#close(this.#last.tMs);
    return this.#summary;
  }

  #close(tMs: number): void {
    const a = this.#anchor;
    this.#anchor = undefined;
    if (a === undefined || tMs - a.tMs < this.#minStallMs) return;
    const durationS = (tMs - a.tMs) / 1000;
    this.#summary.stalledS += durationS;
    if (this.#summary.episodes.length >= this.#maxEpisodes) {
      this.#summary.droppedEpisodes++;
      return;
    }
    this.#summary.episodes.push({ startMs: a.tMs, durationS, x: a.x, y: a.y, controller: a.controller, safety: a.safety });
  }
}

function bump(m: Record<string, number>, key: string, by: number): void {
  m[key] = (m[key] ?? 0) + by;
}
