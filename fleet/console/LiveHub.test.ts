import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { VirtualClock } from '../../clock/index.ts';
import type { LiveMessage, ParcelView, RobotView } from './core/types.ts';
import { CLOSE_TOO_SLOW, LIVE_PROTOCOL, LiveHub, type LiveHubOptions } from './LiveHub.ts';

const TOKEN = 'fleet_test-token-for-the-live-hub';
const T0 = 1_700_000_000_000;

interface Client {
  ws: WebSocket;
  messages: LiveMessage[];
  /** Resolves with the first message (already received or future) matching `match`. */
  waitFor(match: (m: LiveMessage) => boolean): Promise<LiveMessage>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startHub(options: Partial<LiveHubOptions> = {}) {
  const clock = new VirtualClock(T0);
  const seenTokens: string[] = [];
  const server: Server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const hub = new LiveHub({
    clock,
    authenticate: async (token) => {
      seenTokens.push(token);
      return token === TOKEN ? { role: 'dispatcher' } : undefined;
    },
    ...options,
  });
  hub.attach(server);
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/live`;
  const clients: WebSocket[] = [];
  cleanups.push(async () => {
    for (const ws of clients) ws.terminate();
    await hub.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const connect = async (protocols: string[] = [LIVE_PROTOCOL, TOKEN], wsOptions: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<Client> => {
    const ws = new WebSocket(url, protocols, wsOptions);
    clients.push(ws);
    const messages: LiveMessage[] = [];
    const waiters: Array<{ match: (m: LiveMessage) => boolean; resolve: (m: LiveMessage) => void }> = [];
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as LiveMessage;
      messages.push(message);
      for (const waiter of waiters.splice(0)) {
        if (waiter.match(message)) waiter.resolve(message);
        else waiters.push(waiter);
      }
    });
    await once(ws, 'open');
    return {
      ws,
      messages,
      waitFor: (match) => {
        const seen = messages.find(match);
        if (seen) return Promise.resolve(seen);
        return new Promise((resolve) => waiters.push({ match, resolve }));
      },
    };
  };

  /** Connects and resolves with the HTTP status of the refused upgrade. */
  const refusedStatus = (protocols: string[], headers: Record<string, string> = {}): Promise<number> => new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
    clients.push(ws);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => undefined);
  });

  return { clock, hub, server, url, connect, refusedStatus, seenTokens };
}

function robot(serial: string, batteryPct: number): RobotView {
  return {
    serial, manufacturer: 'campus', health: 'online', mode: 'driving', lonLat: [120.08, 30.305], headingRad: 0, batteryPct,
    orderId: null, loads: [], errors: [], updatedAtMs: T0,
  };
}

function parcel(id: string, destination = 'drop-1'): ParcelView {
  return { id, status: 'received', destination, robotSerial: null, createdAtMs: T0, updatedAtMs: T0 };
}

const isParcel = (id: string) => (m: LiveMessage) => m.type === 'parcel' && m.parcel.id === id;

describe('LiveHub', () => {
  it('refuses an upgrade without a token, with an unknown token, or without the fleet-live subprotocol', async () => {
    const { hub, refusedStatus, seenTokens } = await startHub();
    expect(await refusedStatus([])).toBe(401);
    expect(await refusedStatus([LIVE_PROTOCOL, 'fleet_wrong-token'])).toBe(401);
    // A token offered alone would make a browser fail the handshake, so the hub insists on its subprotocol.
    expect(await refusedStatus([TOKEN])).toBe(401);
    expect(seenTokens).toEqual(['fleet_wrong-token']);
    expect(hub.stats.rejectedTotal).toBe(3);
    expect(hub.connectionCount).toBe(0);
  });

  it('greets with hello, answers with its subprotocol (not the token) and broadcasts parcels and alerts at once', async () => {
    const { clock, hub, connect } = await startHub();
    clock.runFor(1234);
    const a = await connect();
    const b = await connect([], { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(a.ws.protocol).toBe(LIVE_PROTOCOL);
    expect(await a.waitFor((m) => m.type === 'hello')).toEqual({ type: 'hello', serverTimeMs: T0 + 1234, role: 'dispatcher' });
    await b.waitFor((m) => m.type === 'hello');
    expect(hub.connectionCount).toBe(2);

    hub.publish({ type: 'parcel', parcel: parcel('p1') });
    hub.publish({
      type: 'alert',
      alert: { id: 'a1', robotSerial: 'r1', kind: 'low_battery', severity: 'warning', message: 'r1 at 9 %', raisedAtMs: T0, acknowledgedAtMs: null, acknowledgedBy: null },
    });
    for (const client of [a, b]) {
      await client.waitFor((m) => m.type === 'alert');
      expect(client.messages.map((m) => m.type)).toEqual(['hello', 'parcel', 'alert']);
    }
  });

  it('coalesces robot bursts per serial until the flush, latest wins', async () => {
    const { clock, hub, connect } = await startHub({ flushPeriodMs: 250 });
    const client = await connect();
    for (let i = 1; i <= 10; i++) hub.publish({ type: 'robot', robot: robot('r1', 100 - i) });
    for (let i = 1; i <= 5; i++) hub.publish({ type: 'robot', robot: robot('r2', 50 - i) });
    // Parcels are not held back, so once this arrives any robot message sent before it would have arrived too.
    hub.publish({ type: 'parcel', parcel: parcel('sentinel-1') });
    await client.waitFor(isParcel('sentinel-1'));
    expect(client.messages.filter((m) => m.type === 'robot')).toEqual([]);

    clock.runFor(249);
    hub.publish({ type: 'parcel', parcel: parcel('sentinel-2') });
    await client.waitFor(isParcel('sentinel-2'));
    expect(client.messages.filter((m) => m.type === 'robot')).toEqual([]);

    clock.runFor(1);
    hub.publish({ type: 'parcel', parcel: parcel('sentinel-3') });
    await client.waitFor(isParcel('sentinel-3'));
    const robots = client.messages.flatMap((m) => (m.type === 'robot' ? [m.robot] : []));
    expect(robots.map((r) => [r.serial, r.batteryPct])).toEqual([['r1', 90], ['r2', 45]]);
    expect(hub.stats.robotUpdatesCoalescedTotal).toBe(13);
  });

  it('sends 60 robots at 10 Hz as at most one update per robot per flush period', async () => {
    const { clock, hub, connect } = await startHub({ flushPeriodMs: 250 });
    const client = await connect();
    let tick = 0;
    clock.setInterval(100, () => {
      tick++;
      for (let r = 0; r < 60; r++) hub.publish({ type: 'robot', robot: robot(`r${r}`, tick) });
    });
    clock.runFor(1000);
    hub.publish({ type: 'parcel', parcel: parcel('end') });
    await client.waitFor(isParcel('end'));
    const robots = client.messages.flatMap((m) => (m.type === 'robot' ? [m.robot] : []));
    // 600 updates published. The first tick arms a flush 250 ms later: 350 ms sends ticks 1–3, 650 ms ticks 4–6,
    // 950 ms ticks 7–9; tick 10 waits for 1250 ms.
    expect(robots).toHaveLength(180);
    expect(robots.filter((r) => r.serial === 'r7').map((r) => r.batteryPct)).toEqual([3, 6, 9]);
  });

  it('drops a client that stops reading with 1013 and keeps serving the others', async () => {
    const { hub, connect } = await startHub({ maxBufferedBytes: 64 * 1024 });
    const slow = await connect();
    const fast = await connect();
    await slow.waitFor((m) => m.type === 'hello');
    slow.ws.pause();
    const bulky = 'x'.repeat(32 * 1024);
    let sent = 0;
    while (hub.stats.droppedSlowTotal === 0 && sent < 4000) {
      for (let i = 0; i < 20; i++) hub.publish({ type: 'parcel', parcel: parcel(`p${sent++}`, bulky) });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(hub.stats.droppedSlowTotal).toBe(1);
    expect(hub.connectionCount).toBe(1);
    hub.publish({ type: 'parcel', parcel: parcel('after-drop') });
    await fast.waitFor(isParcel('after-drop'));
    expect(fast.messages.filter((m) => m.type === 'parcel')).toHaveLength(sent + 1);

    const closed = once(slow.ws, 'close');
    slow.ws.resume();
    const [code] = await closed;
    expect(code).toBe(CLOSE_TOO_SLOW);
    expect(slow.messages.some(isParcel('after-drop'))).toBe(false);
  });

  it('pings on the clock and terminates a client that misses a pong', async () => {
    const { clock, hub, connect } = await startHub({ pingPeriodMs: 10_000 });
    const live = await connect();
    const mute = await connect(undefined, { autoPong: false });
    const muteClosed = once(mute.ws, 'close');
    const pinged = Promise.all([once(live.ws, 'ping'), once(mute.ws, 'ping')]);
    clock.runFor(10_000);
    await pinged;
    // Let the live client's automatic pong cross the loopback before the next round.
    await new Promise((resolve) => setTimeout(resolve, 100));
    clock.runFor(10_000);
    await muteClosed;
    expect(hub.stats.droppedDeadTotal).toBe(1);
    expect(hub.connectionCount).toBe(1);
    expect(live.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('refuses connections beyond maxClients with 503 and closes clients with 1001 on shutdown', async () => {
    const { hub, connect, refusedStatus } = await startHub({ maxClients: 1 });
    const client = await connect();
    expect(await refusedStatus([LIVE_PROTOCOL, TOKEN])).toBe(503);
    const closed = once(client.ws, 'close');
    await hub.close();
    expect((await closed)[0]).toBe(1001);
    expect(hub.connectionCount).toBe(0);
  });
});
