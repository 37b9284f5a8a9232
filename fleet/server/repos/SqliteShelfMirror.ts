import { fromJson, StoreError, type Tx } from '../../store/index.ts';

/**
 * One waiting parcel as the claim orders it: by creation time, then id. A parcel that changes gets a new key object, so
 * `memo` (the caller's, e.g. the parcel's planner view) belongs to this version of the parcel.
 */
export interface ShelfKey<M> {
  readonly id: string;
  readonly createdAt: number;
  readonly version: number;
  memo?: M;
}

/**
 * SQLite only: the keys of every waiting parcel (status `received`: id, version, creation time) kept in memory in the
 * claim's order, and brought up to date at each claim from a TEMP log of the parcels that joined, changed on or left
 * the shelf since. A dispatch round claims up to thousands of parcels every few seconds while only tens changed in
 * between; reading and parsing every key each time was the round's largest single statement on a busy day.
 *
 * The log is a TEMP table filled by TEMP triggers, so it follows the transactions of this connection: a write that is
 * rolled back takes its log rows with it. What the log cannot show, the mirror does not trust, and reads the whole
 * shelf again:
 *  - another connection committed (SQLite's `data_version` moved): its writes fired no trigger here;
 *  - a claim that changed the mirror was rolled back: the mirror may hold what that transaction saw. Each such claim
 *    bumps a TEMP generation counter in its transaction, so a rollback shows as a counter behind the mirror's own;
 *  - the TEMP objects are missing (the first claim, or a transaction that created them was rolled back).
 */
export class SqliteShelfMirror<M = unknown> {
  /** Every waiting parcel, sorted by (createdAt, id) as the `parcels_claim` index orders them. */
  #rows: ShelfKey<M>[] = [];
  readonly #byId = new Map<string, ShelfKey<M>>();
  /** The generation and data_version the mirror was last made consistent with; undefined: never. */
  #gen: number | undefined;
  #dataVersion: number | undefined;

  /** The keys of up to `limit` waiting parcels, oldest first (a negative limit: all, as SQL's LIMIT). Read-only. */
  async keys(tx: Tx, limit: number): Promise<readonly ShelfKey<M>[]> {
    if (tx.dialect !== 'sqlite') throw new StoreError('STORE_QUERY', 'SqliteShelfMirror: the shelf mirror needs SQLite (its TEMP triggers)');
    const mark = await readMark(tx);
    if (mark === undefined || mark.gen !== this.#gen || mark.dataVersion !== this.#dataVersion) await this.#rebuild(tx, mark);
    else await this.#catchUp(tx, mark.gen);
    return limit < 0 ? this.#rows.slice() : this.#rows.slice(0, limit);
  }

  async #rebuild(tx: Tx, mark: { gen: number } | undefined): Promise<void> {
    if (mark === undefined) await watchShelf(tx);
    await tx.execute('DELETE FROM temp.shelf_log');
    // The keys as three JSON arrays in one row: one row object per waiting parcel costs several times more.
    const [row] = await tx.query<{ ids: string | null; versions: string | null; created: string | null }>(
      `SELECT json_group_array(id) AS ids, json_group_array(version) AS versions, json_group_array(created_at) AS created FROM
       (SELECT id, version, created_at FROM parcels WHERE status = 'received' ORDER BY created_at, id) AS w`,
    );
    const ids = fromJson<string[] | null>(row?.ids ?? null) ?? [];
    const versions = fromJson<number[] | null>(row?.versions ?? null) ?? [];
    const created = fromJson<number[] | null>(row?.created ?? null) ?? [];
    if (ids.length !== versions.length || ids.length !== created.length) {
      throw new StoreError('STORE_QUERY', `SqliteShelfMirror: ${ids.length} ids, ${versions.length} versions and ${created.length} creation times`);
    }
    this.#rows = ids.map((id, i) => ({ id, createdAt: Number(created[i]), version: Number(versions[i]) }));
    // The aggregate follows the subquery's order in practice, not by any guarantee; the binary searches need it.
    if (this.#rows.some((r, i) => i > 0 && compareKeys(this.#rows[i - 1]!, r) > 0)) this.#rows.sort(compareKeys);
    this.#byId.clear();
    for (const r of this.#rows) this.#byId.set(r.id, r);
    await this.#commitMark(tx);
  }

  async #catchUp(tx: Tx, gen: number): Promise<void> {
    // One statement of fixed text (an IN list of the ids would be a new statement to prepare for every count of them).
    const logged = await tx.query<{ id: string; status: string | null; created_at: number | null; version: number | null }>(
      `SELECT l.id, p.status, p.created_at, p.version FROM (SELECT DISTINCT id FROM temp.shelf_log) AS l
       LEFT JOIN main.parcels AS p ON p.id = l.id`,
    );
    if (logged.length === 0) return;
    await tx.execute('DELETE FROM temp.shelf_log');
    for (const r of logged) {
      const old = this.#byId.get(r.id);
      if (old !== undefined) {
        this.#rows.splice(this.#indexOf(old), 1);
        this.#byId.delete(r.id);
      }
      if (r.status !== 'received') continue; // left the shelf, or deleted (null)
      const key: ShelfKey<M> = { id: r.id, createdAt: Number(r.created_at), version: Number(r.version) };
      this.#rows.splice(this.#insertionPoint(key), 0, key);
      this.#byId.set(r.id, key);
    }
    this.#gen = gen;
    await this.#commitMark(tx);
  }

  /** Bumps the TEMP generation in this transaction and takes it as the mirror's: a rollback leaves them apart. */
  async #commitMark(tx: Tx): Promise<void> {
    await tx.execute('UPDATE temp.shelf_mirror SET gen = gen + 1');
    const mark = await readMark(tx);
    if (mark === undefined) throw new StoreError('STORE_QUERY', 'SqliteShelfMirror: the TEMP generation row is missing');
    this.#gen = mark.gen;
    this.#dataVersion = mark.dataVersion;
  }

  /** Where `key` (in the mirror) sits; a linear search if a value SQLite orders otherwise (say a text creation time) put it elsewhere. */
  #indexOf(key: ShelfKey<M>): number {
    const i = this.#insertionPoint(key);
    return this.#rows[i] === key ? i : this.#rows.indexOf(key);
  }

  /** The first index whose key does not sort before `key` (binary search; new parcels mostly go at the end). */
  #insertionPoint(key: ShelfKey<M>): number {
    const rows = this.#rows;
    let lo = 0, hi = rows.length;
    if (hi > 0 && compareKeys(rows[hi - 1]!, key) < 0) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(rows[mid]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

async function readMark(tx: Tx): Promise<{ gen: number; dataVersion: number } | undefined> {
  let rows: { gen: number; dv: number }[];
  try {
    rows = await tx.query<{ gen: number; dv: number }>('SELECT gen, (SELECT data_version FROM pragma_data_version) AS dv FROM temp.shelf_mirror');
  } catch {
    return undefined; // no TEMP table yet
  }
  const [row] = rows;
  return row === undefined ? undefined : { gen: Number(row.gen), dataVersion: Number(row.dv) };
}

/** Creates the log, its triggers and the generation row (idempotent: a missing part is made again). */
async function watchShelf(tx: Tx): Promise<void> {
  const log = (row: 'OLD' | 'NEW') => `INSERT INTO temp.shelf_log (id) VALUES (${row}.id);`;
  await tx.execute('CREATE TEMP TABLE IF NOT EXISTS shelf_log (id TEXT NOT NULL)');
  await tx.execute('CREATE TEMP TABLE IF NOT EXISTS shelf_mirror (gen INTEGER NOT NULL)');
  await tx.execute(`CREATE TEMP TRIGGER IF NOT EXISTS shelf_log_ins AFTER INSERT ON main.parcels WHEN NEW.status = 'received' BEGIN ${log('NEW')} END`);
  // An id that changed (no server code does it) logs both ids, so the old one leaves the mirror.
  await tx.execute(`CREATE TEMP TRIGGER IF NOT EXISTS shelf_log_upd AFTER UPDATE ON main.parcels WHEN OLD.status = 'received' OR NEW.status = 'received'
    BEGIN ${log('NEW')} INSERT INTO temp.shelf_log (id) SELECT OLD.id WHERE OLD.id IS NOT NEW.id; END`);
  await tx.execute(`CREATE TEMP TRIGGER IF NOT EXISTS shelf_log_del AFTER DELETE ON main.parcels WHEN OLD.status = 'received' BEGIN ${log('OLD')} END`);
  await tx.execute('INSERT INTO temp.shelf_mirror (gen) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM temp.shelf_mirror)');
}

/** The `parcels_claim` index's order: creation time, then id as SQLite's BINARY collation compares it (UTF-8 bytes). */
function compareKeys(a: ShelfKey<unknown>, b: ShelfKey<unknown>): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return compareBinary(a.id, b.id);
}

/**
 * UTF-8 byte order. JavaScript compares UTF-16 code units, which agrees with it except where a character above
 * U+FFFF (a surrogate pair) meets one from U+E000 to U+FFFF; only such ids take the slow path.
 */
function compareBinary(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i), cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca < 0xd800 && cb < 0xd800) return ca - cb;
    return Buffer.compare(Buffer.from(a.slice(i), 'utf8'), Buffer.from(b.slice(i), 'utf8'));
  }
  return a.length - b.length;
}
