import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Clock, TimerHandle } from '../../clock/index.ts';
import { AppError } from '../../common/core/AppError.ts';
import { LatestWinsBuffer } from './core/LatestWinsBuffer.ts';
import type { LiveMessage } from './core/types.ts';

/** Resolves the identity behind a token, or undefined when the token is unknown, revoked or malformed. */
export type LiveAuthenticate = (token: string) => Promise<{ role: string } | undefined>;

export interface LiveHubOptions {
  clock: Clock;
  authenticate: LiveAuthenticate;
  /** URL path of the endpoint. Default `/api/live`. */
  path?: string;
  /** Robot updates are coalesced per serial and sent at most once per this period. Default 250 ms. */
  flushPeriodMs?: number;
  /** A client with more than this many bytes queued is dropped with close code 1013. Default 512 KiB. */
  maxBufferedBytes?: number;
  /** Ping period; a client that has not answered the previous ping by the next one is terminated. Default 30 s. */
  pingPeriodMs?: number;
  /** Connections beyond this are refused with 503. Default 200 (a control room, not the public). */
  maxClients?: number;
  /** A dropped client that has not finished the close handshake after this long is cut. Default 5 s. */
  closeGraceMs?: number;
}

/** Counters for `/metrics` and logs. */
export interface LiveHubStats {
  connections: number;
  acceptedTotal: number;
  rejectedTotal: number;
  /** Dropped because their send buffer passed `maxBufferedBytes`. */
  droppedSlowTotal: number;
  /** Terminated because they missed a ping. */
  droppedDeadTotal: number;
  /** Frames written (one message to one client is one frame). */
  framesSentTotal: number;
  /** Robot updates replaced by a newer one for the same robot before they were sent. */
  robotUpdatesCoalescedTotal: number;
}

/** The subprotocol the client offers (next to its token) and the server answers with. */
export const LIVE_PROTOCOL = 'fleet-live';

/** Close code for a client dropped for reading too slowly (RFC 6455 §7.4.1 "try again later"). */
export const CLOSE_TOO_SLOW = 1013;

/** Wiring mistakes (attaching twice). */
export class LiveHubError extends AppError {}

interface LiveClient {
  socket: WebSocket;
  role: string;
  alive: boolean;
}

/**
 * The console's live-update hub: one WebSocket endpoint on the fleet server's `http.Server` that pushes robot,
 * parcel and alert changes to every signed-in browser.
 *
 * Robot updates are the flood (60 robots at 10 Hz): they are coalesced per serial, latest wins, and flushed once per
 * `flushPeriodMs`, so a browser gets at most one update per robot per period. Parcels and alerts are rare and go out
 * at once. A client that cannot keep up is dropped rather than buffered without bound: its console reconnects and
 * reloads the snapshot, which is cheaper than replaying stale positions. Browsers cannot set headers on a WebSocket,
 * so the token travels as a subprotocol: `new WebSocket(url, ['fleet-live', token])` (docs/console.md says why not
 * the query string); other clients may send `Authorization: Bearer <token>` instead.
 */
export class LiveHub {
  readonly #clock: Clock;
  readonly #authenticate: LiveAuthenticate;
  readonly #path: string;
  readonly #flushPeriodMs: number;
  readonly #maxBufferedBytes: number;
  readonly #pingPeriodMs: number;
  readonly #maxClients: number;
  readonly #closeGraceMs: number;
  readonly #clients = new Set<LiveClient>();
  readonly #robots = new LatestWinsBuffer<string, LiveMessage>();
  readonly #wss: WebSocketServer;
  #server: Server | undefined;
  #flushTimer: TimerHandle | undefined;
  #pingTimer: TimerHandle | undefined;
  #closed = false;
  #stats = { acceptedTotal: 0, rejectedTotal: 0, droppedSlowTotal: 0, droppedDeadTotal: 0, framesSentTotal: 0 };

  constructor(options: LiveHubOptions) {
    this.#clock = options.clock;
    this.#authenticate = options.authenticate;
    this.#path = options.path ?? '/api/live';
    this.#flushPeriodMs = positive(options.flushPeriodMs ?? 250, 'flushPeriodMs');
    this.#maxBufferedBytes = positive(options.maxBufferedBytes ?? 512 * 1024, 'maxBufferedBytes');
    this.#pingPeriodMs = positive(options.pingPeriodMs ?? 30_000, 'pingPeriodMs');
    this.#maxClients = positive(options.maxClients ?? 200, 'maxClients');
    this.#closeGraceMs = positive(options.closeGraceMs ?? 5000, 'closeGraceMs');
    // The hub only pushes: a small maxPayload bounds what a client can make us buffer. The answer names our
    // subprotocol and never echoes the token.
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: 4096,
      handleProtocols: (offered) => (offered.has(LIVE_PROTOCOL) ? LIVE_PROTOCOL : false),
    });
  }

  /** Starts answering WebSocket upgrades on `path`; upgrades to other paths are left to other listeners. */
  attach(server: Server): void {
    if (this.#server) throw new LiveHubError('LIVE_HUB_ATTACHED', 'LiveHub.attach: already attached to a server; create one hub per server');
    if (this.#closed) throw new LiveHubError('LIVE_HUB_CLOSED', 'LiveHub.attach: the hub is closed');
    this.#server = server;
    server.on('upgrade', this.#onUpgrade);
    this.#pingTimer = this.#clock.setInterval(this.#pingPeriodMs, () => this.#ping());
  }

  /**
   * Sends a message to every connected client. Robot messages are held and coalesced until the next flush; the rest
   * go out now. With nobody connected, messages are discarded (a new client loads the snapshot over REST).
   */
  publish(message: LiveMessage): void {
    if (this.#clients.size === 0 || this.#closed) return;
    if (message.type === 'robot') {
      const first = this.#robots.put(message.robot.serial, message);
      if (first && this.#flushTimer === undefined) {
        this.#flushTimer = this.#clock.setTimer(this.#flushPeriodMs, () => {
          this.#flushTimer = undefined;
          this.flush();
        });
      }
      return;
    }
    this.#broadcast(JSON.stringify(message));
  }

  /** Sends the coalesced robot updates now (the flush timer calls this; shutdown and tests may too). */
  flush(): void {
    for (const message of this.#robots.drain()) this.#broadcast(JSON.stringify(message));
  }

  /** Connected clients. */
  get connectionCount(): number {
    return this.#clients.size;
  }

  get stats(): LiveHubStats {
    return { connections: this.#clients.size, ...this.#stats, robotUpdatesCoalescedTotal: this.#robots.replaced };
  }

  /**
   * Stops accepting upgrades and closes every client with 1001 (going away); resolves when all have closed, cutting
   * any that have not finished the handshake after `closeGraceMs`. The HTTP server itself is left running.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#server?.off('upgrade', this.#onUpgrade);
    if (this.#pingTimer) this.#clock.clearTimer(this.#pingTimer);
    if (this.#flushTimer) this.#clock.clearTimer(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#robots.drain();
    const closing = [...this.#clients].map((client) => this.#closeClient(client, 1001, 'server shutting down'));
    this.#clients.clear();
    await Promise.all(closing);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  readonly #onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== this.#path) return;
    // A reset during the async token check must not surface as an unhandled 'error' event.
    socket.on('error', () => socket.destroy());
    const token = tokenOf(req);
    if (token === undefined) {
      this.#refuse(socket, 401, 'Unauthorized', 'offer the API token as a WebSocket subprotocol next to "fleet-live"');
      return;
    }
    if (this.#clients.size >= this.#maxClients) {
      this.#refuse(socket, 503, 'Service Unavailable', 'too many live connections');
      return;
    }
    this.#authenticate(token).then((identity) => {
      if (socket.destroyed) return;
      if (identity === undefined) {
        this.#refuse(socket, 401, 'Unauthorized', 'unknown or revoked token');
        return;
      }
      if (this.#closed) {
        this.#refuse(socket, 503, 'Service Unavailable', 'server shutting down');
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, identity.role));
    }, () => {
      this.#refuse(socket, 500, 'Internal Server Error', 'could not check the token');
    });
  };

  #refuse(socket: Duplex, status: number, reason: string, body: string): void {
    this.#stats.rejectedTotal++;
    if (socket.destroyed) return;
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  #accept(socket: WebSocket, role: string): void {
    const client: LiveClient = { socket, role, alive: true };
    this.#clients.add(client);
    this.#stats.acceptedTotal++;
    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('message', () => undefined);
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      this.#clients.delete(client);
    });
    const hello: LiveMessage = { type: 'hello', serverTimeMs: this.#clock.now(), role };
    this.#send(client, JSON.stringify(hello));
  }

  #broadcast(text: string): void {
    for (const client of this.#clients) this.#send(client, text);
  }

  #send(client: LiveClient, text: string): void {
    const { socket } = client;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > this.#maxBufferedBytes) {
      this.#stats.droppedSlowTotal++;
      this.#clients.delete(client);
      void this.#closeClient(client, CLOSE_TOO_SLOW, 'too slow: reconnect and reload');
      return;
    }
    socket.send(text);
    this.#stats.framesSentTotal++;
  }

  #ping(): void {
    for (const client of this.#clients) {
      if (!client.alive) {
        this.#stats.droppedDeadTotal++;
        this.#clients.delete(client);
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }

  /** Starts the close handshake and cuts the socket if it has not completed within the grace period. */
  #closeClient(client: LiveClient, code: number, reason: string): Promise<void> {
    const { socket } = client;
    if (socket.readyState === socket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const cut = this.#clock.setTimer(this.#closeGraceMs, () => socket.terminate());
      socket.once('close', () => {
        this.#clock.clearTimer(cut);
        resolve();
      });
      socket.close(code, reason);
    });
  }
}

/** The token from `Authorization: Bearer …`, else the offered subprotocol that is not ours. */
function tokenOf(req: IncomingMessage): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer !== undefined) return bearer;
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  if (!offered.includes(LIVE_PROTOCOL)) return undefined;
  return offered.find((p) => p !== LIVE_PROTOCOL && p !== '');
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new LiveHubError('LIVE_HUB_OPTION', `LiveHub: ${name} must be a finite number > 0, got ${value}`);
  return value;
}
