/**
 * Where the tracker keeps each robot's latest accepted state, so a restarted (or second) server instance diffs new
 * states against the last one instead of replaying parcel events. The store implements it; tests and the simulator
 * use InMemoryRobotStateRepository. `save` may be asynchronous; the tracker does not wait for it on the ingest path.
 */
import type { State } from '../../protocol/index.ts';
import type { RobotHealth } from './core/robotHealth.ts';

export interface StoredRobotState {
  serial: string;
  state: State;
  receivedAtMs: number;
  health: RobotHealth;
  /**
   * The message `state` was parsed from, when the tracker has it: the same JSON, so a repository that serialises the
   * state may store this text instead (loading must give `state` back either way).
   */
  payload?: Buffer | string;
}

export interface RobotStateRepository {
  save(record: StoredRobotState): void | Promise<void>;
  loadAll(): StoredRobotState[] | Promise<StoredRobotState[]>;
}

export class InMemoryRobotStateRepository implements RobotStateRepository {
  readonly #records = new Map<string, StoredRobotState>();

  save(record: StoredRobotState): void {
    this.#records.set(record.serial, record);
  }

  loadAll(): StoredRobotState[] {
    return [...this.#records.values()];
  }
}
