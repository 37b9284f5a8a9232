/**
 * Where the tracker keeps the next headerId of each robot's incoming topics (`order`, `instantActions`), so a
 * restarted server continues the sequence instead of starting at 0 again, which a robot may take for old messages
 * [VDA5050 §6.4: headerId is incremented by 1 with each sent message]. The store implements it
 * (fleet/store SqlHeaderIdRepository); tests and the simulator use InMemoryHeaderIdRepository.
 */
import type { VdaTopic } from '../../protocol/index.ts';

export interface HeaderIdRecord {
  serial: string;
  topic: VdaTopic;
  /** The headerId the next message on this topic gets (uint32). */
  nextHeaderId: number;
}

export interface HeaderIdRepository {
  /** Records that `nextHeaderId` is next; a counter never goes back (a wrap past 2^32 counts as forward). */
  save(record: HeaderIdRecord): void | Promise<void>;
  loadAll(): HeaderIdRecord[] | Promise<HeaderIdRecord[]>;
}

export class InMemoryHeaderIdRepository implements HeaderIdRepository {
  readonly #records = new Map<string, HeaderIdRecord>();

  save(record: HeaderIdRecord): void {
    const key = `${record.serial}/${record.topic}`;
    const current = this.#records.get(key);
    if (current === undefined || isForward(current.nextHeaderId, record.nextHeaderId)) this.#records.set(key, { ...record });
  }

  loadAll(): HeaderIdRecord[] {
    return [...this.#records.values()].map((r) => ({ ...r }));
  }
}

/** `next` is `current` or later in uint32 sequence order (less than half the range ahead, wrapping). */
export function isForward(current: number, next: number): boolean {
  return (next - current + 2 ** 32) % 2 ** 32 < 2 ** 31;
}
