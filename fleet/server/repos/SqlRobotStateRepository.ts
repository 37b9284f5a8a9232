import type { State } from '../../../protocol/index.ts';
import { fromJson, toJson, type Store } from '../../store/index.ts';
import type { RobotHealth, RobotStateRepository, StoredRobotState } from '../../tracking/index.ts';

export interface SqlRobotStateRepositoryOptions {
  /**
   * Each write waits for this first. FleetServer passes the dispatch loop's `idle`: a state is saved only once the
   * parcel events it gave are applied, so a crash in between leaves the older state as the baseline and the restarted
   * server derives those events again (a replayed event that already applied is a no-op) instead of losing them.
   */
  writeAfter?: () => Promise<unknown>;
  /**
   * A robot's state is written at most once per this many ms of its own receive times (default 0: every state). One
   * that comes sooner is kept and written with the robot's next state that is due, or by flush(). A crash loses only
   * such kept states: the stored one is then older, the restarted server diffs the robot's next state against it and
   * derives its parcel events again (an event that already applied is a no-op), and the robot reports anew anyway.
   */
  minIntervalMs?: number;
}

/**
 * Each robot's latest accepted VDA 5050 state in `robot_states`, so a restarted server diffs the next state against
 * the last one (no replayed parcel events). Saves are coalesced: while one write for a robot is in flight, only the
 * newest of the states that arrive meanwhile is written after it.
 */
export class SqlRobotStateRepository implements RobotStateRepository {
  readonly #store: Store;
  readonly #writeAfter: (() => Promise<unknown>) | undefined;
  readonly #pending = new Map<string, StoredRobotState>();
  readonly #writing = new Map<string, Promise<void>>();
  readonly #minIntervalMs: number;
  /** The receive time of each robot's last state that went to the store. */
  readonly #writtenAtMs = new Map<string, number>();

  constructor(store: Store, options: SqlRobotStateRepositoryOptions = {}) {
    this.#store = store;
    this.#writeAfter = options.writeAfter;
    const minIntervalMs = options.minIntervalMs ?? 0;
    if (!(Number.isFinite(minIntervalMs) && minIntervalMs >= 0)) {
      throw new RangeError(`SqlRobotStateRepository: minIntervalMs must be a finite number of ms ≥ 0, got ${minIntervalMs}`);
    }
    this.#minIntervalMs = minIntervalMs;
  }

  save(record: StoredRobotState): Promise<void> {
    this.#pending.set(record.serial, record);
    const running = this.#writing.get(record.serial);
    if (running !== undefined) return running;
    const last = this.#writtenAtMs.get(record.serial);
    if (last !== undefined && record.receivedAtMs - last < this.#minIntervalMs) return Promise.resolve();
    return this.#write(record.serial);
  }

  /** Resolves once every save so far is written, kept states included (graceful shutdown). */
  async flush(): Promise<void> {
    for (const serial of this.#pending.keys()) if (!this.#writing.has(serial)) void this.#write(serial);
    await Promise.all([...this.#writing.values()].map((p) => p.catch(() => undefined)));
  }

  #write(serial: string): Promise<void> {
    const write = this.#drain(serial).finally(() => this.#writing.delete(serial));
    this.#writing.set(serial, write);
    return write;
  }

  async loadAll(): Promise<StoredRobotState[]> {
    const rows = await this.#store.query<{ serial: string; state: string; health: string; received_at: number }>(
      'SELECT serial, state, health, received_at FROM robot_states ORDER BY serial',
    );
    return rows.map((r) => ({ serial: r.serial, state: fromJson<State>(r.state), health: fromJson<RobotHealth>(r.health), receivedAtMs: Number(r.received_at) }));
  }

  async #drain(serial: string): Promise<void> {
    for (let next = this.#pending.get(serial); next !== undefined; next = this.#pending.get(serial)) {
      // A fault in that work was reported where it happened; the state is still worth keeping. A newer state that came
      // meanwhile is written instead, once its own events are applied too.
      for (let waited = next; this.#writeAfter !== undefined; waited = next) {
        await this.#writeAfter().catch(() => undefined);
        next = this.#pending.get(serial)!;
        if (next === waited) break;
      }
      this.#pending.delete(serial);
      this.#writtenAtMs.set(serial, next.receivedAtMs);
      await this.#store.execute(
        `INSERT INTO robot_states (serial, state, health, received_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (serial) DO UPDATE SET state = excluded.state, health = excluded.health, received_at = excluded.received_at`,
        [next.serial, stateText(next), toJson(next.health), next.receivedAtMs],
      );
    }
  }
}

/**
 * The state as JSON text: the received payload's own text when there is one (decoding it is several times cheaper
 * than serialising the parsed state, and a robot reports every second), else the state serialised.
 */
function stateText(record: StoredRobotState): string {
  const { payload } = record;
  if (payload === undefined) return toJson(record.state);
  return typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
}
