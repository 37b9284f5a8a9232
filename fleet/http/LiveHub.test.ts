import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { VirtualClock } from '../../clock/index.ts';
import { InMemoryTokenRepository, createToken } from '../auth/index.ts';
import { Metrics, createMemoryLogger } from '../observability/index.ts';
import { LIVE_PROTOCOL, LiveHub } from './LiveHub.ts';

describe('LiveHub', () => {
  const clock = new VirtualClock(1000);
  const tokens = new InMemoryTokenRepository();
  const viewer = createToken('viewer', 'wall screen', 0);
  tokens.add(viewer.record);
  const server = createServer((_req, res) => res.end('plain http'));
  let hub: LiveHub;
  let base: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    hub = new LiveHub({ server, tokens, clock, logger: createMemoryLogger(clock).logger, metrics: new Metrics() });
  });
  afterAll(async () => {
    hub.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const open = (path: string, protocols: string[]) => new Promise<{ ws: WebSocket; messages: unknown[] }>((resolve, reject) => {
    const ws = new WebSocket(`${base}${path}`, protocols);
    const messages: unknown[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i += 1) await new Promise((r) => setTimeout(r, 10));
  };

  it('refuses a missing or unknown token before upgrading', async () => {
    await expect(open('/api/live', [LIVE_PROTOCOL])).rejects.toThrow('HTTP 401');
    await expect(open('/api/live', [LIVE_PROTOCOL, createToken('admin', 'x', 0).token])).rejects.toThrow('HTTP 401');
  });

  it('pushes broadcasts to authenticated clients, filtered by channel, answering with its own subprotocol', async () => {
    const all = await open('/api/live', [LIVE_PROTOCOL, viewer.token]);
    const alertsOnly = await open('/api/live?channels=alerts', [LIVE_PROTOCOL, viewer.token]);
    expect(all.ws.protocol).toBe(LIVE_PROTOCOL);
    await until(() => hub.clientCount === 2);
    expect(hub.broadcast('robots', { serial: 'SN-1', lonLat: [120.1, 30.2] })).toBe(1);
    expect(hub.broadcast('alerts', { kind: 'offline' })).toBe(2);
    await until(() => all.messages.length === 2 && alertsOnly.messages.length === 1);
    expect(all.messages).toEqual([
      { channel: 'robots', at: 1000, data: { serial: 'SN-1', lonLat: [120.1, 30.2] } },
      { channel: 'alerts', at: 1000, data: { kind: 'offline' } },
    ]);
    expect(alertsOnly.messages).toEqual([{ channel: 'alerts', at: 1000, data: { kind: 'offline' } }]);
    all.ws.close();
    alertsOnly.ws.close();
    await until(() => hub.clientCount === 0);
    expect(hub.clientCount).toBe(0);
  });
});
