import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestFleet, type TestFleet } from '../server/testFleet.ts';

describe('REST resources (in process)', () => {
  let f: TestFleet;
  let drop: string;
  beforeAll(async () => {
    f = await startTestFleet();
    drop = f.server.campus.drops[0]!.id;
  });
  afterAll(async () => {
    await f.server.stop();
  });
  const parcel = (name = 'Ada') => ({ destination: drop, recipient: { name } });

  it('refuses a missing token (401) and a role that is not enough (403) on every kind of route', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/parcels', parcel(), 'viewer'],
      ['POST', '/api/robots', { serial: 'x1', manufacturer: 'acme', compartments: 2 }, 'dispatcher'],
      ['POST', '/api/tokens', { role: 'viewer', name: 'n' }, 'dispatcher'],
      ['POST', '/api/robots/x1/pause', {}, 'viewer'],
    ];
    for (const [method, path, json, weak] of cases) {
      expect((await f.request(path, { method, json })).status).toBe(401);
      const token = weak === 'viewer' ? f.viewer : f.dispatcher;
      expect((await f.request(path, { method, json, token })).status).toBe(403);
    }
    for (const path of ['/api/parcels', '/api/robots', '/api/alerts', '/api/map']) {
      expect((await f.request(path)).status).toBe(401);
      expect((await f.request(path, { token: f.viewer })).status).toBe(200);
    }
  });

  it('rejects bad input with 400 and the path of each problem, and unknown places', async () => {
    const bad = await f.request('/api/parcels', { method: 'POST', token: f.dispatcher, json: { destination: '', recipient: {} } });
    expect(bad.status).toBe(400);
    const paths = (bad.body as { error: { details: { issues: Array<{ path: string }> } } }).error.details.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.destination', 'body.recipient.name']));
    const unknown = await f.request('/api/parcels', { method: 'POST', token: f.dispatcher, json: { destination: 'nowhere', recipient: { name: 'A' } } });
    expect(unknown.status).toBe(400);
    expect((unknown.body as { error: { message: string } }).error.message).toContain('unknown place');
    expect((await f.request('/api/parcels?limit=9999', { token: f.viewer })).status).toBe(400);
  });

  it('creates a batch once: a retry with the same Idempotency-Key replays it, a different body is refused', async () => {
    const body = { parcels: [parcel('A'), parcel('B'), parcel('C')] };
    const headers = { 'idempotency-key': 'batch-42' };
    const first = await f.request('/api/parcels/batch', { method: 'POST', token: f.dispatcher, json: body, headers });
    expect(first.status).toBe(201);
    const again = await f.request('/api/parcels/batch', { method: 'POST', token: f.dispatcher, json: body, headers });
    expect(again.status).toBe(200);
    const ids = (r: { body: unknown }) => (r.body as { parcels: Array<{ id: string; pickupCode: string | null }> }).parcels.map((p) => p.id);
    expect(ids(again)).toEqual(ids(first));
    expect((again.body as { parcels: Array<{ pickupCode: string | null }> }).parcels.every((p) => p.pickupCode === null)).toBe(true);
    const reused = await f.request('/api/parcels/batch', { method: 'POST', token: f.dispatcher, json: { parcels: [parcel('Z')] }, headers });
    expect(reused.status).toBe(422);
    const rows = await f.server.store.query<{ n: number }>('SELECT COUNT(*) AS n FROM parcels WHERE id IN ($1, $2, $3)', ids(first));
    expect(Number(rows[0]?.n)).toBe(3);
    expect(Number((await f.server.store.query<{ n: number }>("SELECT COUNT(*) AS n FROM parcels WHERE recipient LIKE '%\"Z\"%'"))[0]?.n)).toBe(0);
  });

  it('gets, lists with filters and pages, cancels with history, holds and releases, and 404s unknown ids', async () => {
    const created = await f.request('/api/parcels', { method: 'POST', token: f.dispatcher, json: parcel('Lin') });
    const id = (created.body as { id: string }).id;
    expect((await f.request(`/api/parcels/${id}`, { token: f.viewer })).body).toMatchObject({ id, status: 'received', held: false });
    expect((await f.request(`/api/parcels/${id}/hold`, { method: 'POST', token: f.dispatcher, json: {} })).status).toBe(202);
    expect((await f.request(`/api/parcels/${id}`, { token: f.viewer })).body).toMatchObject({ held: true });
    expect((await f.request(`/api/parcels/${id}/release`, { method: 'POST', token: f.dispatcher, json: {} })).status).toBe(202);
    const page1 = await f.request('/api/parcels?status=received&limit=2', { token: f.viewer });
    const p1 = page1.body as { items: unknown[]; nextCursor: string };
    expect(p1.items).toHaveLength(2);
    const page2 = await f.request(`/api/parcels?status=received&limit=2&cursor=${p1.nextCursor}`, { token: f.viewer });
    expect((page2.body as { items: unknown[] }).items.length).toBeGreaterThan(0);
    const cancelled = await f.request(`/api/parcels/${id}/cancel`, { method: 'POST', token: f.dispatcher, json: { reason: 'sender asked' } });
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expect((await f.request(`/api/parcels/${id}/cancel`, { method: 'POST', token: f.dispatcher, json: {} })).status).toBe(409);
    const history = (await f.request(`/api/parcels/${id}/history`, { token: f.viewer })).body as { items: Array<{ cause: string; actor: string }> };
    expect(history.items.map((h) => h.cause)).toEqual(['created', 'cancel']);
    expect(history.items[1]!.actor).toBe('desk');
    expect((await f.request('/api/parcels/P-NOPE', { token: f.viewer })).status).toBe(404);
    expect((await f.request('/api/parcels/P-NOPE/history', { token: f.viewer })).status).toBe(404);
  });

  it('tracks by token only: JSON and HTML, unknown tokens 404 without saying why', async () => {
    const created = await f.request('/api/parcels', { method: 'POST', token: f.dispatcher, json: parcel('Kim') });
    const token = (created.body as { trackingToken: string }).trackingToken;
    const json = await f.request(`/api/track/${token}`);
    expect(json.body).toMatchObject({ status: 'received', dropPoint: { id: drop } });
    const html = await f.request(`/track/${token}`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect((await f.request('/api/track/AAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
  });

  it('registers robots (admin), sends instant actions (404 for unknown robots), lists alerts, serves map, tokens and OpenAPI', async () => {
    const reg = await f.request('/api/robots', { method: 'POST', token: f.admin, json: { serial: 'r9', manufacturer: 'acme', compartments: 3 } });
    expect(reg.status).toBe(201);
    expect((await f.request('/api/robots', { method: 'POST', token: f.admin, json: { serial: 'r9', manufacturer: 'acme', compartments: 3 } })).status).toBe(409);
    expect((await f.request('/api/robots', { method: 'POST', token: f.admin, json: { serial: 'bad/serial', manufacturer: 'acme', compartments: 3 } })).status).toBe(400);
    const pause = await f.request('/api/robots/r9/pause', { method: 'POST', token: f.dispatcher, json: {} });
    expect(pause.status).toBe(202);
    const actionId = (pause.body as { actionId: string }).actionId;
    expect((await f.request(`/api/robots/r9/actions/${actionId}`, { token: f.viewer })).body).toMatchObject({ actionType: 'startPause', status: 'sent', requestedBy: 'desk' });
    expect((await f.request('/api/robots/nobody/pause', { method: 'POST', token: f.dispatcher, json: {} })).status).toBe(404);
    expect((await f.request('/api/robots/r9/reroute', { method: 'POST', token: f.dispatcher, json: { stops: ['nowhere'] } })).status).toBe(400);
    expect((await f.request('/api/robots/r9/reroute', { method: 'POST', token: f.dispatcher, json: { stops: [drop] } })).status).toBe(202);
    expect((await f.request('/api/robots/r9/reroute', { method: 'POST', token: f.dispatcher, json: { stops: [drop], trip: 'next' } })).body).toEqual({ serial: 'r9', route: [drop] });
    const live = await f.request('/api/robots/r9/reroute', { method: 'POST', token: f.dispatcher, json: { stops: [drop], trip: 'current' } });
    expect([live.status, (live.body as { error: { code: string } }).error.code]).toEqual([409, 'NO_TRIP_IN_PROGRESS']);
    const map = (await f.request('/api/map', { token: f.viewer })).body as { places: Array<{ kind: string }>; paths: { features: unknown[] } };
    expect(map.places.some((p) => p.kind === 'hub')).toBe(true);
    expect(map.paths.features.length).toBeGreaterThan(0);
    expect((await f.request('/api/alerts', { token: f.viewer })).status).toBe(200);
    expect((await f.request('/api/alerts/none/ack', { method: 'POST', token: f.dispatcher, json: {} })).status).toBe(404);
    const tok = await f.request('/api/tokens', { method: 'POST', token: f.admin, json: { role: 'viewer', name: 'tv' } });
    const newToken = (tok.body as { token: string; id: string });
    expect((await f.request('/api/map', { token: newToken.token })).status).toBe(200);
    expect((await f.request(`/api/tokens/${newToken.id}/revoke`, { method: 'POST', token: f.admin, json: {} })).status).toBe(204);
    expect((await f.request('/api/map', { token: newToken.token })).status).toBe(401);
    const openapi = (await f.request('/openapi.json')).body as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/parcels', '/api/parcels/batch', '/api/robots/{serial}/pause', '/api/track/{token}']));
    expect((await f.request('/healthz')).status).toBe(200);
    expect((await f.request('/readyz')).status).toBe(200);
    expect(String((await f.request('/metrics')).body)).toContain('fleet_http_requests_total');
  });

  it('lists a robot registered after start-up with health unknown until it first connects (issue 4)', async () => {
    const reg = await f.request('/api/robots', { method: 'POST', token: f.admin, json: { serial: 'late-1', manufacturer: 'acme', compartments: 2, dockId: 'dock-1' } });
    expect(reg.status).toBe(201);
    const list = (await f.request('/api/robots', { token: f.viewer })).body as Array<{ serial: string; health: string; lonLat: unknown; loads: unknown[] }>;
    expect(list.find((r) => r.serial === 'late-1')).toMatchObject({ serial: 'late-1', health: 'unknown', lonLat: null, loads: [] });
    const serials = list.map((r) => r.serial);
    expect(serials).toEqual([...serials].sort());
    const one = await f.request('/api/robots/late-1', { token: f.viewer });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ serial: 'late-1', health: 'unknown', compartments: 2, dockId: 'dock-1', dispatchState: 'offline', trips: [] });
    expect((await f.request('/api/robots/nobody', { token: f.viewer })).status).toBe(404);
    expect((await f.request('/api/robots/late-1/recovered', { method: 'POST', token: f.dispatcher, json: {} })).status).toBe(409);
    const charge = await f.request('/api/robots/late-1/charge', { method: 'POST', token: f.dispatcher, json: {} });
    expect(charge.status).toBe(202);
    expect(charge.body).toMatchObject({ serial: 'late-1', forceCharge: true, actionId: null });
  });
});
