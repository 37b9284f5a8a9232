// DEV SERVER — serves the console with FAKE data (DevFleet) so it can be developed and screenshot without a fleet
// server, database or broker. Not part of `fleet serve`. Run:
//   npx tsx fleet/console/devServer.ts [--port 8088] [--host 127.0.0.1] [--map maps/data/zju-zijingang.geojson]
// and open the printed URL: it carries a fresh dev token in the fragment (#token=…), which the console moves to
// sessionStorage, so a headless browser lands signed in.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { SystemClock } from '../../clock/index.ts';
import { consoleRouter } from './consoleRouter.ts';
import type { CampusGeoJson } from './core/mapViewFromGeoJson.ts';
import type { LonLatPair } from './core/types.ts';
import { DevFleet, type DevActionResult } from './devFixture.ts';
import { LiveHub } from './LiveHub.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8088' },
    host: { type: 'string', default: '127.0.0.1' },
    map: { type: 'string', default: 'maps/data/zju-zijingang.geojson' },
    overlay: { type: 'string', default: 'maps/data/overlays/zju-zijingang.json' },
  },
});

const clock = new SystemClock();
const geojson = JSON.parse(readFileSync(values.map, 'utf8')) as CampusGeoJson;
const overlay = JSON.parse(readFileSync(values.overlay, 'utf8')) as { hub?: { name?: string; lonLat?: LonLatPair } };
const hubLonLat = overlay.hub?.lonLat ?? [120.08099, 30.305446];
const fleet = new DevFleet(geojson, { name: overlay.hub?.name ?? 'Parcel hub', lonLat: hubLonLat }, clock.now());
const devToken = `fleet_${randomBytes(32).toString('base64url')}`;

const hub = new LiveHub({
  clock,
  authenticate: async (token) => (token === devToken ? { role: 'dispatcher' } : undefined),
});
const publish = hub.publish.bind(hub);

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '10kb' }));
app.use(consoleRouter());

const api = express.Router();
api.use((req: Request, res: Response, next: NextFunction) => {
  if (req.get('authorization') !== `Bearer ${devToken}`) {
    res.status(401).json({ error: { code: 'UNAUTHORIZED', message: 'dev server: missing or wrong bearer token' } });
    return;
  }
  next();
});
const answer = (res: Response, result: DevActionResult) => {
  res.status(result.status).json(result.body);
};
api.get('/map', (_req, res) => {
  res.json(fleet.map);
});
api.get('/robots', (_req, res) => {
  res.json(fleet.robots());
});
api.get('/alerts', (_req, res) => {
  res.json(fleet.alerts());
});
api.post('/alerts/:id/ack', (req, res) => answer(res, fleet.ackAlert(req.params.id, clock.now(), publish)));
api.get('/parcels', (req, res) => {
  const q = req.query as Record<string, string | undefined>;
  res.json(fleet.parcels({ status: q.status, robot: q.robot, limit: q.limit ? Number(q.limit) : undefined, cursor: q.cursor }));
});
api.get('/parcels/:id/history', (req, res) => {
  const items = fleet.history(req.params.id);
  if (!items) res.status(404).json({ error: { code: 'PARCEL_NOT_FOUND', message: `no parcel ${req.params.id}` } });
  else res.json({ items });
});
for (const action of ['assign', 'hold', 'release'] as const) {
  api.post(`/parcels/:id/${action}`, (req, res) => {
    const body = (req.body ?? {}) as { robotSerial?: unknown };
    const serial = typeof body.robotSerial === 'string' ? body.robotSerial : undefined;
    answer(res, fleet.parcelAction(req.params.id, action, serial, clock.now(), publish));
  });
}
for (const action of ['pause', 'resume', 'charge', 'cancel', 'reroute'] as const) {
  api.post(`/robots/:serial/${action}`, (req, res) => answer(res, fleet.robotAction(req.params.serial, action, clock.now(), publish)));
}
app.use('/api', api);

const server = createServer(app);
hub.attach(server);
// 10 Hz, like real robots' visualization: the hub's coalescing is what keeps the browser at 4 updates a second.
clock.setInterval(100, () => {
  for (const message of fleet.step(clock.now())) hub.publish(message);
});

server.listen(Number(values.port), values.host, () => {
  const { port } = server.address() as AddressInfo;
  const base = `http://${values.host}:${port}`;
  console.log(`DEV FIXTURE console (fake data): ${base}/console/#token=${devToken}`);
  console.log(`  REST with: curl -H 'Authorization: Bearer ${devToken}' ${base}/api/robots`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void hub.close().then(() => server.close(() => process.exit(0)));
  });
}
