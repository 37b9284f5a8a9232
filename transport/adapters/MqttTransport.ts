import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type {
  ConnectionStatus, LastWill, MessageHandler, MessageTransport, PublishOptions, Qos, Subscription,
} from '../core/MessageTransport.ts';
import { TransportError, toBuffer } from '../core/InMemoryBroker.ts';
import { topicMatches } from '../core/topicMatches.ts';

export interface MqttTransportOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  will?: LastWill;
  /** First reconnect delay; doubles on each failed attempt up to maxReconnectDelayMs. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  connectTimeoutMs?: number;
  /** Resolve connect() only once the first CONNACK arrives (default true). */
  waitForConnect?: boolean;
}

const noLog = (): void => {};

/** Bound on cached topic routes: thousands of robots × a few topics fit; beyond that, names are churn. */
const ROUTES_MAX = 20_000;

/**
 * The transport port over mqtt.js, speaking MQTT 3.1.1 as VDA 5050 specifies. Reconnects with exponential backoff and
 * restores subscriptions after a broker restart (clean session false is not needed: we resubscribe ourselves).
 */
export class MqttTransport implements MessageTransport {
  readonly clientId: string;
  #client: MqttClient;
  #handlers: Array<{ filter: string; handler: MessageHandler }> = [];
  /**
   * The handlers each topic name reaches, so a message costs one map lookup instead of a filter match per
   * subscription (a fleet server hears the same few topics per robot all day). Rebuilt on (un)subscribe.
   */
  #routes = new Map<string, MessageHandler[]>();
  #statusListeners: Array<(s: ConnectionStatus) => void> = [];
  #baseDelayMs: number;
  #maxDelayMs: number;

  private constructor(client: MqttClient, options: MqttTransportOptions) {
    this.#client = client;
    this.clientId = options.clientId;
    this.#baseDelayMs = options.reconnectDelayMs ?? 500;
    this.#maxDelayMs = options.maxReconnectDelayMs ?? 30_000;
    client.on('message', (topic, payload) => {
      const handlers = this.#routes.get(topic) ?? this.#route(topic);
      for (let i = 0; i < handlers.length; i++) handlers[i]!(topic, payload);
    });
    let connectedOnce = false;
    client.on('connect', () => {
      client.options.reconnectPeriod = this.#baseDelayMs;
      if (connectedOnce) for (const l of this.#statusListeners) l('connected');
      connectedOnce = true;
    });
    client.on('close', () => {
      if (connectedOnce) for (const l of this.#statusListeners) l('disconnected');
    });
    client.on('reconnect', () => {
      // Exponential backoff so a fleet of robots does not hammer a restarting broker in lockstep.
      client.options.reconnectPeriod = Math.min(this.#maxDelayMs, (client.options.reconnectPeriod ?? this.#baseDelayMs) * 2);
    });
    // mqtt.js emits 'error' for refused connections and protocol errors; without a listener Node would throw.
    client.on('error', () => {});
  }

  static connect(options: MqttTransportOptions): Promise<MqttTransport> {
    const clientOptions: IClientOptions = {
      clientId: options.clientId,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: options.reconnectDelayMs ?? 500,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      resubscribe: true,
      // mqtt.js logs several lines per received packet through `debug`; even disabled, that is ~1 µs a message on a
      // fleet server's ingest path. Keep its log when someone asks for it (DEBUG=mqttjs*).
      ...(/mqttjs/.test(process.env.DEBUG ?? '') ? {} : { log: noLog }),
    };
    if (options.username !== undefined) clientOptions.username = options.username;
    if (options.password !== undefined) clientOptions.password = options.password;
    if (options.will) {
      clientOptions.will = {
        topic: options.will.topic,
        payload: toBuffer(options.will.payload),
        qos: options.will.qos ?? 1,
        retain: options.will.retain ?? false,
      };
    }
    const client = mqtt.connect(options.url, clientOptions);
    const transport = new MqttTransport(client, options);
    if (options.waitForConnect === false) return Promise.resolve(transport);
    return new Promise((resolve, reject) => {
      const onConnect = () => {
        client.off('error', onError);
        resolve(transport);
      };
      const onError = (e: Error) => {
        client.off('connect', onConnect);
        client.end(true);
        reject(new TransportError('TRANSPORT_CONNECT_FAILED', `MQTT connect to ${options.url} as '${options.clientId}' failed: ${e.message}`, { cause: e }));
      };
      client.once('connect', onConnect);
      client.once('error', onError);
    });
  }

  get connected(): boolean {
    return this.#client.connected;
  }

  async publish(topic: string, payload: Buffer | string, options: PublishOptions = {}): Promise<void> {
    await this.#client.publishAsync(topic, toBuffer(payload), { qos: options.qos ?? 0, retain: options.retain ?? false });
  }

  async subscribe(filter: string, handler: MessageHandler, options: { qos?: Qos } = {}): Promise<Subscription> {
    const entry = { filter, handler };
    this.#handlers.push(entry);
    this.#routes.clear();
    const granted = await this.#client.subscribeAsync(filter, { qos: options.qos ?? 0 });
    // MQTT 3.1.1 SUBACK return code 0x80 means the broker refused (e.g. an ACL denial).
    if (granted.some((g) => g.qos === 128)) {
      this.#handlers = this.#handlers.filter((h) => h !== entry);
      this.#routes.clear();
      throw new TransportError('TRANSPORT_SUBSCRIBE_DENIED', `subscribe '${filter}' refused by the broker`);
    }
    return {
      filter,
      unsubscribe: async () => {
        this.#handlers = this.#handlers.filter((h) => h !== entry);
        this.#routes.clear();
        if (!this.#handlers.some((h) => h.filter === filter)) await this.#client.unsubscribeAsync(filter);
      },
    };
  }

  #route(topic: string): MessageHandler[] {
    const handlers = this.#handlers.filter((h) => topicMatches(h.filter, topic)).map((h) => h.handler);
    // Topic names come from the broker (any client may publish): bound the cache rather than let it grow.
    if (this.#routes.size >= ROUTES_MAX) this.#routes.clear();
    this.#routes.set(topic, handlers);
    return handlers;
  }

  onStatus(listener: (status: ConnectionStatus) => void): void {
    this.#statusListeners.push(listener);
  }

  async close(): Promise<void> {
    await this.#client.endAsync(false);
  }

  /** Drops the TCP connection without DISCONNECT, so the broker sends the last will (for tests of crash handling). */
  async crash(): Promise<void> {
    (this.#client as unknown as { stream?: { destroy(): void } }).stream?.destroy();
    await this.#client.endAsync(true);
  }
}
