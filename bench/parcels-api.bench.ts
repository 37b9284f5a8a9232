/**
 * Parcels created per second through the batch API (HTTP + auth + validation + ParcelService, SQLite file) against
 * a direct `ParcelService.createBatch` baseline on another SQLite file in the same run. Both use the simulator's
 * cheap scrypt parameters, so the figure is the server's overhead rather than the (deliberately slow) code hashing.
 * Run: npx tsx bench/parcels-api.bench.ts  (or npm run bench parcels-api)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../clock/index.ts';
import { loadCampus } from '../maps/index.ts';
import { CHEAP_SCRYPT_PARAMS } from '../protocol/index.ts';
import { InMemoryBroker } from '../transport/index.ts';
import { createLogger } from '../fleet/observability/index.ts';
import { ParcelService } from '../fleet/parcels/index.ts';
import { openStore } from '../fleet/store/index.ts';
import { parseConfig } from '../fleet/server/config.ts';
import { FleetServer } from '../fleet/server/FleetServer.ts';

const BATCH = 1000;
const ROUNDS = 5;
const dir = mkdtempSync(join(tmpdir(), 'parcels-bench-'));
const clock = new SystemClock();
const campus = await loadCampus('maps/data/zju-zijingang.geojson');
const drops = campus.places.filter((p) => p.kind === 'drop').map((p) => p.id);
const batch = (round: number) => Array.from({ length: BATCH }, (_, i) => ({
  destination: drops[(round * BATCH + i) % drops.length]!, recipient: { name: `Recipient ${round}-${i}`, email: `r${i}@example.edu` }, externalRef: `EXT-${round}-${i}`,
}));

// Baseline: the service called directly.
const store = await openStore({ databaseUrl: join(dir, 'direct.sqlite'), clock });
const service = new ParcelService({ store, clock, publicBaseUrl: 'http://localhost', codePolicy: { hashParams: CHEAP_SCRYPT_PARAMS } });
await service.createBatch(batch(99));
let t0 = performance.now();
for (let r = 0; r < ROUNDS; r++) await service.createBatch(batch(r));
const directS = (performance.now() - t0) / 1000;
await store.close();

// Through the API: POST /api/parcels/batch on a running fleet server.
const config = parseConfig(['--port', '0', '--database-url', join(dir, 'api.sqlite'), '--dispatch-period-ms', '3600000'], {});
const server = await FleetServer.start(config, {
  clock, campusMap: campus, transport: new InMemoryBroker().connect('fleet'), codePolicy: { hashParams: CHEAP_SCRYPT_PARAMS },
  logger: createLogger({ clock, level: 'error' }),
});
const { token } = await server.tokens.create('dispatcher', 'bench', clock.now());
const post = async (round: number) => {
  const res = await fetch(`${server.url}/api/parcels/batch`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ parcels: batch(round) }),
  });
  if (res.status !== 201) throw new Error(`batch create answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
};
await post(99);
t0 = performance.now();
for (let r = 0; r < ROUNDS; r++) await post(r);
const apiS = (performance.now() - t0) / 1000;
await server.stop();
rmSync(dir, { recursive: true, force: true });

const n = BATCH * ROUNDS;
console.log(`parcels created, ${ROUNDS} batches of ${BATCH}, SQLite file, cheap scrypt:`);
console.log(`  direct ParcelService.createBatch: ${(n / directS).toFixed(0)} parcels/s`);
console.log(`  POST /api/parcels/batch:          ${(n / apiS).toFixed(0)} parcels/s`);
console.log(`  ratio API / direct: ${(directS / apiS).toFixed(2)}`);
