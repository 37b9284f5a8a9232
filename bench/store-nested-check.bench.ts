/**
 * What SqliteStore's nested-call check (SqliteStoreOptions.nestedCallCheck) costs. The check needs an
 * AsyncLocalStorage, and on Node 20 that puts a hook on every promise the process makes once a transaction has run,
 * the store's and everyone else's alike. Workload: small transactions (a robot row read and written, as a parcel event
 * does), each followed by other async work (a chain of awaited promises, as the simulator's robots and tracker make).
 * Each variant runs in its own child process: the hook, once on, stays on for the whole process.
 *   npm run bench store-nested-check          (STORE_BENCH_TX=n transactions, default 30,000)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { VirtualClock } from '../clock/index.ts';
import { SqliteStore } from '../fleet/store/adapters/SqliteStore.ts';

const count = Number(process.env.STORE_BENCH_TX ?? 30_000);
const variant = process.argv[2];

async function otherWork(depth: number): Promise<number> {
  return depth === 0 ? 0 : 1 + (await otherWork(depth - 1));
}

async function measure(nestedCallCheck: boolean): Promise<void> {
  const store = new SqliteStore({ filename: ':memory:', clock: new VirtualClock(1_000), nestedCallCheck });
  await store.migrate();
  await store.execute('INSERT INTO robots (serial, manufacturer, capacity, created_at) VALUES ($1, $2, $3, $4)', ['R1', 'a', 2, 1]);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    await store.transaction(async (tx) => {
      const [row] = await tx.query<{ capacity: number }>('SELECT capacity FROM robots WHERE serial = $1', ['R1']);
      await tx.execute('UPDATE robots SET capacity = $1 WHERE serial = $2', [(row?.capacity ?? 0) + 1, 'R1']);
    });
    await otherWork(20);
  }
  const cpu = process.cpuUsage(cpu0);
  await store.close();
  // One line for the parent: CPU microseconds per transaction.
  console.log(JSON.stringify({ usPerTx: (cpu.user + cpu.system) / count }));
}

if (variant === 'on' || variant === 'off') {
  await measure(variant === 'on');
} else {
  const run = (v: string): number => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), v], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`store-nested-check ${v}: exited with ${r.status ?? r.signal}: ${r.stderr}`);
    return (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { usPerTx: number }).usPerTx;
  };
  // Alternated, twice each: the shared machine's neighbours move CPU time less than wall time, but they move it.
  const on: number[] = [], off: number[] = [];
  for (let k = 0; k < 2; k++) {
    on.push(run('on'));
    off.push(run('off'));
  }
  const best = (xs: number[]) => Math.min(...xs);
  console.log(`store nested-call check, ${count} transactions each followed by 20 awaited promises: ` +
    `check on ${best(on).toFixed(1)} µs CPU per transaction, off ${best(off).toFixed(1)} µs (off/on ${(best(off) / best(on)).toFixed(2)}; ` +
    `runs on ${on.map((x) => x.toFixed(1)).join(', ')}, off ${off.map((x) => x.toFixed(1)).join(', ')})`);
}
