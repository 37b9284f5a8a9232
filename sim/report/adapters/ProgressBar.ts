import { clockLabel, fmtNum } from '../core/svg/Plot.ts';

/** Where the bar is drawn: process.stderr or a test double with the same members. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  stream: ProgressStream;
  startSimMs: number;
  endSimMs: number;
  /** Wall time at start, ms (the caller's performance.now() or Date.now()). */
  startWallMs: number;
  /** Least wall time between two redraws on a terminal. Default 100 ms. */
  minRedrawMs?: number;
  /** Least wall time between two plain lines when the stream is not a terminal (CI logs). Default 5 s. */
  plainEveryMs?: number;
  utcOffsetMin?: number;
}

export interface ProgressUpdate {
  simMs: number;
  delivered: number;
  /** Parcels arrived and not yet delivered or returned. */
  waiting: number;
  wallMs: number;
}

/**
 * Progress of a simulated day: simulated clock, share of the day done, delivered, waiting and speed-up over wall
 * time. Redraws in place on a terminal and prints occasional plain lines otherwise. The caller passes wall time in,
 * so throttling is testable without real time.
 */
export class ProgressBar {
  readonly #o: Required<Omit<ProgressOptions, 'utcOffsetMin'>> & { utcOffsetMin: number };
  #lastDrawWallMs = Number.NEGATIVE_INFINITY;
  #drawn = false;

  constructor(options: ProgressOptions) {
    this.#o = { minRedrawMs: 100, plainEveryMs: 5000, utcOffsetMin: 0, ...options };
  }

  /** Draws if enough wall time has passed since the last draw; returns whether it drew. */
  update(u: ProgressUpdate): boolean {
    const tty = this.#o.stream.isTTY === true;
    const gap = tty ? this.#o.minRedrawMs : this.#o.plainEveryMs;
    if (u.wallMs - this.#lastDrawWallMs < gap) return false;
    this.#lastDrawWallMs = u.wallMs;
    this.#draw(u, tty);
    return true;
  }

  /** Draws the final state and ends the line. */
  finish(u: ProgressUpdate): void {
    const tty = this.#o.stream.isTTY === true;
    this.#draw(u, tty);
    if (tty) this.#o.stream.write('\n');
  }

  /** The status text without the bar (used by both modes). */
  status(u: ProgressUpdate): string {
    const o = this.#o;
    const span = Math.max(1, o.endSimMs - o.startSimMs);
    const frac = Math.min(1, Math.max(0, (u.simMs - o.startSimMs) / span));
    const wall = u.wallMs - o.startWallMs;
    const speedUp = wall > 0 ? (u.simMs - o.startSimMs) / wall : 0;
    return (
      `sim ${clockLabel(u.simMs, o.utcOffsetMin)} ${String(Math.floor(frac * 100)).padStart(3)}%` +
      `  delivered ${fmtNum(u.delivered, 0)}  waiting ${fmtNum(u.waiting, 0)}  speed-up ×${fmtNum(speedUp, speedUp >= 100 ? 0 : 1)}`
    );
  }

  #draw(u: ProgressUpdate, tty: boolean): void {
    const o = this.#o;
    const text = this.status(u);
    if (!tty) {
      o.stream.write(`${text}\n`);
      return;
    }
    const cols = o.stream.columns ?? 100;
    const barW = Math.max(10, Math.min(40, cols - text.length - 4));
    const frac = Math.min(1, Math.max(0, (u.simMs - o.startSimMs) / Math.max(1, o.endSimMs - o.startSimMs)));
    const full = Math.round(frac * barW);
    // \r returns to the line start and ESC[K clears what a longer previous line left behind.
    o.stream.write(`\r[${'#'.repeat(full)}${'.'.repeat(barW - full)}] ${text}\x1b[K`);
    this.#drawn = true;
  }

  /** Whether anything was drawn in place (so a caller can end the line before printing other output). */
  get drewInPlace(): boolean {
    return this.#drawn;
  }
}
