/**
 * A dispatch round's fixed store work on SQLite (`npm run bench dispatch-round`), on the shape of the 30,000-parcel
 * simulated day: 8,000 parcels on the shelf (the claim reads up to 5,000 of them), 60 trips under way among 1,500.
 * Each figure is CPU time per call of the server's statement against the form it replaced, run here on the same
 * database in the same process:
 *  - the claim's keys: one JSON-aggregated row (TripRepository.claimWaiting) against one row object per parcel;
 *  - the active trips' keys (TripRepository.activeSummaries) against the ten key columns plus LENGTH(stops) and
 *    LENGTH(parcel_ids) it read before.
 * Both read the same rows; the day runs a claim per planner run (~3,600) and a listing per round (~15,000). The
 * baselines are only the statements (the new figures include the repository's whole method), so the ratios are low
 * bounds.
 */
import { VirtualClock } from '../clock/index.ts';
import { TripRepository } from '../fleet/server/repos/index.ts';
import { SqliteStore } from '../fleet/store/index.ts';

const SHELF = 8000, CLAIM = 5000, TRIPS = 1500, ACTIVE = 60;
const clock = new VirtualClock(Date.UTC(2026, 8, 1, 6, 30));
const store = new SqliteStore({ filename: ':memory:', clock, synchronous: 'normal' });
await store.migrate();
const trips = new TripRepository(store);

await store.transaction(async (tx) => {
  for (let i = 0; i < SHELF * 3; i++) {
    // Ids as long as the server's own (P- and 16 hex digits).
    const id = `P-${i.toString(16).toUpperCase().padStart(16, '0')}`;
    await tx.execute(
      `INSERT INTO parcels (id, status, destination, recipient, tracking_token_hash, created_at, updated_at, version)
       VALUES ($1, $2, $3, '{"name":"R"}', $4, $5, $5, $6)`,
      [id, i % 3 === 0 ? 'received' : 'delivered', `drop-${i % 187}`, `t-${id}`, i * 1000, 1 + (i % 4)],
    );
  }
  const stops = Array.from({ length: 12 }, (_, s) => ({ place: `drop-${s}`, parcelIds: [`P-${s}a`, `P-${s}b`], etaMs: 1e12, departMs: 1e12 + 60_000 }));
  const parcels = Array.from({ length: 24 }, (_, k) => ({ parcelId: `P-${k}`, compartment: k, place: `drop-${k % 12}` }));
  for (let i = 0; i < TRIPS; i++) {
    await trips.insert(tx, {
      id: `T-${String(i).padStart(8, '0')}`, robotSerial: `R${i % 60}`, status: i >= TRIPS - ACTIVE ? 'sent' : 'finished',
      orderId: `T-${i}`, orderUpdateId: 0, stops, parcels, order: null, createdAtMs: i * 60_000, startedAtMs: null, finishedAtMs: null,
    });
  }
});

/** CPU µs per call of `fn`, after a warm-up. */
async function cpuPerCall(calls: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.max(5, calls / 10); i++) await fn();
  const c0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / calls;
}

const oldClaim = () => store.transaction(async (tx) => {
  const rows = await tx.query<{ id: string; version: number }>(
    "SELECT id, version FROM parcels WHERE status = 'received' ORDER BY created_at, id LIMIT $1", [CLAIM],
  );
  return rows.map((r) => [r.id, Number(r.version)]);
});
const newClaim = () => store.transaction((tx) => trips.claimWaiting(tx, CLAIM));
const claimed = await newClaim();
if (claimed.length !== Math.min(CLAIM, SHELF)) throw new Error(`claim returned ${claimed.length} parcels`);

const KEYS = "id, robot_serial, status, order_id, order_update_id, created_at, started_at, finished_at, recovery_since, recovered_at";
const oldList = () => store.query(
  `SELECT ${KEYS}, LENGTH(stops) AS stops_len, LENGTH(parcel_ids) AS parcels_len FROM trips WHERE status IN ('planned', 'sent') ORDER BY created_at, id`,
);
const newList = () => trips.activeSummaries();
if ((await newList()).length !== ACTIVE) throw new Error('activeSummaries: wrong number of trips');

const rows: [string, number, number][] = [];
rows.push(['claim keys (5,000 of 8,000)', await cpuPerCall(200, oldClaim), await cpuPerCall(200, newClaim)]);
rows.push(['active trips (60 of 1,500)', await cpuPerCall(5000, oldList), await cpuPerCall(5000, newList)]);
for (const [what, before, after] of rows) {
  console.log(`dispatch-round ${what}: ${after.toFixed(0)} µs CPU per call, was ${before.toFixed(0)} µs (×${(before / after).toFixed(1)} less)`);
}
await store.close();
