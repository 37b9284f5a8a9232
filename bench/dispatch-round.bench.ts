/**
 * A dispatch round's fixed store work on SQLite (`npm run bench dispatch-round`), on the shape of the 30,000-parcel
 * simulated day: 8,000 parcels on the shelf (the claim reads up to 5,000 of them), 60 trips under way among 1,500.
 * Each figure is CPU time per call of the server's method against the form it replaced, run here on the same
 * database in the same process, for a shelf (a trip) that changed since the last call and for one that did not:
 *  - the claim (TripRepository.claimWaiting): against one row object per parcel (changed), and against session 3's
 *    JSON-aggregated keys, read every claim (changed: now the SQLite shelf mirror re-reads only the changed parcel;
 *    unchanged: the SQLite change token says so, and nothing is read);
 *  - the active trips (TripRepository.activeSummaries): against the ten key columns plus LENGTH(stops) and
 *    LENGTH(parcel_ids) (changed), and against session 3's seven key columns, read every listing (unchanged).
 * The day runs ~4,300 claims (about a quarter on an unchanged shelf) and ~15,000 listings (~80 % unchanged). The
 * baselines are only the statements (the new figures include the repository's whole method and the write that
 * changed the row, which the "changed" baselines include too), so the ratios are low bounds.
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

// Each "changed" call first bumps one waiting parcel's version (or one active trip's update id), in both forms alike.
let bump = 0;
const changeParcel = () => store.execute("UPDATE parcels SET version = version + 1 WHERE id = $1", [`P-${(3 * (bump++ % 100)).toString(16).toUpperCase().padStart(16, '0')}`]);
const changeTrip = () => store.execute('UPDATE trips SET order_update_id = order_update_id + 1 WHERE id = $1', [`T-${String(TRIPS - 1 - (bump++ % ACTIVE)).padStart(8, '0')}`]);

// Before session 3: one row object per parcel. Session 3: the keys as two JSON arrays in one row, every claim.
const rowClaim = () => store.transaction(async (tx) => {
  const rows = await tx.query<{ id: string; version: number }>(
    "SELECT id, version FROM parcels WHERE status = 'received' ORDER BY created_at, id LIMIT $1", [CLAIM],
  );
  return rows.map((r) => [r.id, Number(r.version)]);
});
const jsonClaim = () => store.transaction((tx) => tx.query(
  `SELECT json_group_array(id) AS ids, json_group_array(version) AS versions FROM
   (SELECT id, version FROM parcels WHERE status = 'received' ORDER BY created_at, id LIMIT $1) AS w`, [CLAIM],
));
const newClaim = () => store.transaction((tx) => trips.claimWaiting(tx, CLAIM));
const claimed = await newClaim();
if (claimed.length !== Math.min(CLAIM, SHELF)) throw new Error(`claim returned ${claimed.length} parcels`);

// Before session 3: ten key columns and two LENGTHs; session 3: seven key columns, every listing.
const KEYS = "id, robot_serial, status, order_id, order_update_id, created_at, started_at, finished_at, recovery_since, recovered_at";
const lengthList = () => store.query(
  `SELECT ${KEYS}, LENGTH(stops) AS stops_len, LENGTH(parcel_ids) AS parcels_len FROM trips WHERE status IN ('planned', 'sent') ORDER BY created_at, id`,
);
const keyList = () => store.query(
  "SELECT id, status, order_id, order_update_id, started_at, recovery_since, recovered_at FROM trips WHERE status IN ('planned', 'sent') ORDER BY created_at, id",
);
const newList = () => trips.activeSummaries();
if ((await newList()).length !== ACTIVE) throw new Error('activeSummaries: wrong number of trips');

const rows: [string, string, number, number][] = [];
rows.push(['claim, one parcel changed (5,000 of 8,000)', 'row per parcel',
  await cpuPerCall(200, async () => { await changeParcel(); await rowClaim(); }), await cpuPerCall(200, async () => { await changeParcel(); await newClaim(); })]);
rows.push(['claim, one parcel changed (5,000 of 8,000)', 'JSON keys every claim',
  await cpuPerCall(200, async () => { await changeParcel(); await jsonClaim(); }), await cpuPerCall(200, async () => { await changeParcel(); await newClaim(); })]);
rows.push(['claim, shelf unchanged', 'JSON keys every claim', await cpuPerCall(200, jsonClaim), await cpuPerCall(200, newClaim)]);
rows.push(['active trips, one changed (60 of 1,500)', 'LENGTH columns',
  await cpuPerCall(2000, async () => { await changeTrip(); await lengthList(); }), await cpuPerCall(2000, async () => { await changeTrip(); await newList(); })]);
rows.push(['active trips, unchanged', 'key columns every listing', await cpuPerCall(5000, keyList), await cpuPerCall(5000, newList)]);
for (const [what, baseline, before, after] of rows) {
  console.log(`dispatch-round ${what}: ${after.toFixed(0)} µs CPU per call, was ${before.toFixed(0)} µs with ${baseline} (×${(before / after).toFixed(1)} less)`);
}
await store.close();
