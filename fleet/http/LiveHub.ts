import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Clock, TimerHandle } from '../../clock/index.ts';
import type { Role, TokenRepository } from '../auth/index.ts';
import { hashToken, looksLikeToken, roleAllows } from '../auth/index.ts';
import type { Counter, Gauge, Logger, Metrics } from '../observability/index.ts';

export interface LiveHubOptions {
  server: Server;
  tokens: TokenRepository;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** URL path of the endpoint. Default `/api/live`. */
  path?: string;
  /** Least role allowed to watch. Default `viewer`. */
  minRole?: Role;
  /** A client with more than this queued is skipped for a message (it will catch up from the next). Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Ping period; a client that has not answered the previous ping is dropped. Default 30 s. */
  heartbeatMs?: number;
}

/** The subprotocol the server answers with; the token travels as a second offered subprotocol. */
export const LIVE_PROTOCOL = 'fleet-live';

interface LiveClient {
  socket: WebSocket;
  /** Channels it asked for (`?channels=robots,alerts`), or undefined for all. */
  channels: Set<string> | undefined;
  alive: boolean;
}

/**
 * Pushes live updates (robot positions, parcel changes, alerts) to the console over WebSocket instead of polling.
 *
 * Browsers cannot set headers on a WebSocket, so the API token is offered as a subprotocol:
 * `new WebSocket(url, ['fleet-live', token])`; non-browser clients may send `Authorization: Bearer …` instead. The
 * token is checked before the upgrade (401/403 and the socket is closed), and messages are
 * `{ "channel": "robots", "at": <ms>, "data": … }`.
 */
export class LiveHub {
  readonly #clients = new Set<LiveClient>();
  readonly #wss: WebSocketServer;
  readonly #options: Required<Omit<LiveHubOptions, 'server'>>;
  readonly #server: Server;
  readonly #heartbeat: TimerHandle;
  readonly #onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  readonly #sent: Counter;
  readonly #dropped: Counter;
  readonly #connected: Gauge;

  constructor(options: LiveHubOptions) {
    this.#options = { path: '/api/live', minRole: 'viewer', maxBufferedBytes: 1 << 20, heartbeatMs: 30_000, ...options };
    this.#server = options.server;
    const log = options.logger.child({ component: 'live' });
    this.#sent = options.metrics.counter('fleet_live_messages_sent_total', 'Live-update messages written to WebSocket clients', ['channel']);
    this.#dropped = options.metrics.counter('fleet_live_messages_dropped_total', 'Live-update messages skipped for a slow WebSocket client', ['channel']);
    this.#connected = options.metrics.gauge('fleet_live_clients', 'Connected live-update WebSocket clients');
    // The token is one of the offered subprotocols; we answer with ours, never echoing the token.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: 4096, handleProtocols: (protocols) => (protocols.has(LIVE_PROTOCOL) ? LIVE_PROTOCOL : false) });

    this.#onUpgrade = (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== this.#options.path) return;
      this.#authorize(req).then((outcome) => {
        if (outcome !== 'ok') {
          log.warn('live connection refused', { reason: outcome, path: url.pathname });
          const status = outcome === 'forbidden' ? '403 Forbidden' : '401 Unauthorized';
          socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
          return;
        }
        this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, url));
      }, (error: unknown) => {
        log.error('live authentication failed', { error });
        socket.destroy();
      });
    };
    options.server.on('upgrade', this.#onUpgrade);
    this.#heartbeat = options.clock.setInterval(this.#options.heartbeatMs, () => {
      for (const client of this.#clients) {
        if (!client.alive) {
          client.socket.terminate();
          continue;
        }
        client.alive = false;
        client.socket.ping();
      }
    });
  }

  /** Sends `data` on `channel` to every client watching it; returns how many got it. */
  broadcast(channel: string, data: unknown): number {
    const text = JSON.stringify({ channel, at: this.#options.clock.now(), data });
    let delivered = 0;
    for (const client of this.#clients) {
      if (client.socket.readyState !== client.socket.OPEN) continue;
      if (client.channels && !client.channels.has(channel)) continue;
      if (client.socket.bufferedAmount > this.#options.maxBufferedBytes) {
        this.#dropped.inc({ channel });
        continue;
      }
      client.socket.send(text);
      delivered += 1;
    }
    if (delivered > 0) this.#sent.inc({ channel }, delivered);
    return delivered;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Disconnects every client and stops listening for upgrades (the HTTP server itself stays up). */
  close(): void {
    this.#options.clock.clearTimer(this.#heartbeat);
    this.#server.off('upgrade', this.#onUpgrade);
    for (const client of this.#clients) client.socket.close(1001, 'server shutting down');
    this.#wss.close();
  }

  async #authorize(req: IncomingMessage): Promise<'ok' | 'unauthorized' | 'forbidden'> {
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const header = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = header ?? offered.find((p) => looksLikeToken(p));
    if (token === undefined || !looksLikeToken(token)) return 'unauthorized';
    const record = await this.#options.tokens.findActiveByHash(hashToken(token));
    if (!record) return 'unauthorized';
    return roleAllows(record.role, this.#options.minRole) ? 'ok' : 'forbidden';
  }

  #accept(socket: WebSocket, url: URL): void {
    const wanted = url.searchParams.get('channels');
    const channels = wanted ? new Set(wanted.split(',').map((c) => c.trim()).filter((c) => c !== '').slice(0, 20)) : undefined;
    const client: LiveClient = { socket, channels, alive: true };
    this.#clients.add(client);
    this.#connected.set(this.#clients.size);
    socket.on('pong', () => {
      client.alive = true;
    });
    // The hub only pushes; anything a client sends is ignored (maxPayload caps what it can make us buffer).
    socket.on('message', () => undefined);
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      this.#clients.delete(client);
      this.#connected.set(this.#clients.size);
    });
  }
}
