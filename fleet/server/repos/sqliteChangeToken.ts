import type { Queryable } from '../../store/index.ts';

/** Which rows a change token follows: the table, and the condition a row meets (on its old or its new values). */
export interface WatchedRows {
  /** A name for the watch: letters, digits and `_` (it names the triggers). */
  name: string;
  table: string;
  /** A condition on the row's columns as `{row}.column` (e.g. `{row}.status = 'received'`); omit for every row. */
  where?: string;
}

const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * A text that stays the same while no row of `watched` (before or after the change) was inserted, updated or deleted
 * — SQLite only; undefined on another engine. A repository that reads the same rows again and again (a dispatch round
 * claims the shelf and lists the active trips every few seconds) compares it with the token of its last read and, when
 * they are equal, keeps what it read, without reading the rows.
 *
 * The token is a counter in the connection's TEMP schema, bumped by TEMP triggers on the watched rows, with SQLite's
 * `data_version`, which moves when another connection commits (another process on the same file). Both follow the
 * transaction: a write that is rolled back takes its bump with it. The first call creates the triggers, then the
 * counter's row; a call that finds no row (none yet, or a transaction that created them rolled back) creates them again
 * (idempotent), so a row always comes with its triggers.
 */
export async function sqliteChangeToken(q: Queryable, watched: WatchedRows): Promise<string | undefined> {
  if (q.dialect !== 'sqlite') return undefined;
  const { name, table } = watched;
  if (!NAME.test(name) || !NAME.test(table)) throw new RangeError(`sqliteChangeToken: bad name ${name} or table ${table}`);
  const read = () => q.query<{ n: number; dv: number }>(
    'SELECT n, (SELECT data_version FROM pragma_data_version) AS dv FROM temp.change_counters WHERE name = $1',
    [name],
  );
  let rows: { n: number; dv: number }[];
  try {
    rows = await read();
  } catch {
    rows = []; // no counter table yet
  }
  if (rows.length === 0) {
    await watch(q, watched);
    rows = await read();
  }
  const [row] = rows;
  return `${row?.n ?? ''}/${row?.dv ?? ''}`;
}

async function watch(q: Queryable, watched: WatchedRows): Promise<void> {
  const { name, table } = watched;
  const on = (row: 'OLD' | 'NEW') => (watched.where === undefined ? '' : `(${watched.where.replaceAll('{row}', row)})`);
  const when = (cond: string) => (cond === '' ? '' : ` WHEN ${cond}`);
  const bump = `BEGIN UPDATE temp.change_counters SET n = n + 1 WHERE name = '${name}'; END`;
  const either = watched.where === undefined ? '' : `${on('OLD')} OR ${on('NEW')}`;
  await q.execute('CREATE TEMP TABLE IF NOT EXISTS change_counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL)');
  await q.execute(`CREATE TEMP TRIGGER IF NOT EXISTS ${name}_ins AFTER INSERT ON main.${table}${when(on('NEW'))} ${bump}`);
  await q.execute(`CREATE TEMP TRIGGER IF NOT EXISTS ${name}_upd AFTER UPDATE ON main.${table}${when(either)} ${bump}`);
  await q.execute(`CREATE TEMP TRIGGER IF NOT EXISTS ${name}_del AFTER DELETE ON main.${table}${when(on('OLD'))} ${bump}`);
  await q.execute('INSERT INTO temp.change_counters (name, n) VALUES ($1, 0) ON CONFLICT DO NOTHING', [name]);
}
