import { isVdaTopic, type VdaTopic } from '../../protocol/index.ts';
import type { Store } from './core/Store.ts';

/** The next headerId the fleet sends a robot on one topic (the shape of fleet/tracking's HeaderIdRecord). */
export interface StoredHeaderId {
  serial: string;
  topic: VdaTopic;
  nextHeaderId: number;
}

/**
 * The fleet's outgoing VDA 5050 headerId counters in `fleet_header_ids` (migration 5), so a restarted server goes on
 * where it was. A save never moves a counter back: of two saves that race, the later headerId wins in uint32 order
 * (a wrap past 2^32 counts as forward).
 */
export class SqlHeaderIdRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async save(record: StoredHeaderId): Promise<void> {
    await this.#store.execute(
      `INSERT INTO fleet_header_ids (serial, topic, next_header_id) VALUES ($1, $2, $3)
       ON CONFLICT (serial, topic) DO UPDATE SET next_header_id = excluded.next_header_id
       WHERE (excluded.next_header_id - fleet_header_ids.next_header_id + 4294967296) % 4294967296 < 2147483648`,
      [record.serial, record.topic, record.nextHeaderId],
    );
  }

  async loadAll(): Promise<StoredHeaderId[]> {
    const rows = await this.#store.query<{ serial: string; topic: string; next_header_id: number | string }>(
      'SELECT serial, topic, next_header_id FROM fleet_header_ids ORDER BY serial, topic',
    );
    const out: StoredHeaderId[] = [];
    for (const r of rows) if (isVdaTopic(r.topic)) out.push({ serial: r.serial, topic: r.topic, nextHeaderId: Number(r.next_header_id) });
    return out;
  }
}
