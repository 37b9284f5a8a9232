import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { Aedes } from 'aedes';
import type { AuthenticateError, Client } from 'aedes';
import type { Logger, Metrics } from '../../observability/index.ts';
import { authenticateBrokerClient } from '../brokerAuth.ts';
import { brokerMetrics } from '../brokerMetrics.ts';
import type { BrokerIdentity, BrokerPolicyOptions, ServiceUser } from '../core/brokerPolicy.ts';
import { authorizePublish, authorizeSubscribe, parseSharedSubscription } from '../core/brokerPolicy.ts';
import type { RobotCredentialRepository } from '../RobotCredentialRepository.ts';

export interface EmbeddedBrokerOptions {
  robots: RobotCredentialRepository;
  serviceUsers: readonly ServiceUser[];
  logger: Logger;
  metrics: Metrics;
  /** TCP port; 0 picks a free one (tests). Default 1883. */
  port?: number;
  /** Default 127.0.0.1: exposing the broker beyond the host is a deployment decision, not a default. */
  host?: string;
  policy?: BrokerPolicyOptions;
}

// MQTT 3.1.1 CONNACK return codes [MQTT-3.2.2.3].
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

function identityKey(identity: BrokerIdentity): string {
  return identity.kind === 'fleet' ? `fleet:${identity.username}` : `robot:${identity.serialNumber}`;
}

/**
 * The embedded MQTT broker (aedes on a TCP port), used when no `MQTT_URL` is configured. Every CONNECT is
 * authenticated against the robot registry and the service users, and every PUBLISH and SUBSCRIBE goes through the
 * pure broker policy; refusals are counted in `fleet_mqtt_denied_total` and logged.
 *
 * aedes has no shared subscriptions: `$share/<group>/<filter>` from the fleet is accepted and rewritten to
 * `<filter>`, so a single fleet instance behaves as on Mosquitto; several instances on one embedded broker would each
 * get every message (run a real broker for scale-out).
 */
export class EmbeddedBroker {
  readonly #aedes: Aedes;
  readonly #server: Server;

  private constructor(aedes: Aedes, server: Server) {
    this.#aedes = aedes;
    this.#server = server;
  }

  /** Starts the broker and resolves once it listens. */
  static async start(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
    const { robots, serviceUsers, policy = {} } = options;
    const log = options.logger.child({ component: 'broker' });
    const m = brokerMetrics(options.metrics);
    const identities = new WeakMap<Client, BrokerIdentity>();
    // Client id → who holds it, so one identity cannot take over another's session by reusing its client id.
    const clientIds = new Map<string, string>();

    const aedes = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        authenticateBrokerClient(username, password, { robots, serviceUsers }).then((result) => {
          if (!result.ok) {
            m.denied.inc({ action: 'connect', reason: result.error });
            log.warn('mqtt connect refused', { clientId: client.id, username, reason: result.error });
            done(Object.assign(new Error('bad username or password'), { returnCode: BAD_USERNAME_OR_PASSWORD }) as AuthenticateError, false);
            return;
          }
          const key = identityKey(result.value);
          const holder = clientIds.get(client.id);
          if (holder !== undefined && holder !== key) {
            m.denied.inc({ action: 'connect', reason: 'client_id_taken' });
            log.warn('mqtt connect refused', { clientId: client.id, username, reason: 'client_id_taken' });
            done(Object.assign(new Error('client id in use by another identity'), { returnCode: NOT_AUTHORIZED }) as AuthenticateError, false);
            return;
          }
          identities.set(client, result.value);
          done(null, true);
        }, (error: unknown) => {
          m.denied.inc({ action: 'connect', reason: 'error' });
          log.error('mqtt authentication failed', { clientId: client.id, error });
          done(Object.assign(new Error('server unavailable'), { returnCode: 3 }) as AuthenticateError, false);
        });
      },
      authorizePublish: (client, packet, done) => {
        // aedes re-publishes an old will with client null; the will was authorized when its owner connected.
        if (client === null) {
          done(null);
          return;
        }
        const decision = authorizePublish(identities.get(client), packet.topic, policy);
        if (decision.allowed) {
          done(null);
          return;
        }
        m.denied.inc({ action: 'publish', reason: decision.reason });
        log.warn('mqtt publish refused', { clientId: client.id, topic: packet.topic.slice(0, 200), reason: decision.reason });
        // MQTT 3.1.1 has no way to NACK a publish; aedes closes the connection [MQTT-3.3.5-2].
        done(new Error(`publish to ${packet.topic} not allowed`));
      },
      authorizeSubscribe: (client, subscription, done) => {
        const decision = authorizeSubscribe(identities.get(client), subscription.topic, policy);
        if (!decision.allowed) {
          m.denied.inc({ action: 'subscribe', reason: decision.reason });
          log.warn('mqtt subscribe refused', { clientId: client.id, topic: subscription.topic.slice(0, 200), reason: decision.reason });
          // null → SUBACK return code 0x80 for this filter, the connection stays up [MQTT-3.9.3].
          done(null, null);
          return;
        }
        const shared = parseSharedSubscription(subscription.topic);
        done(null, shared ? { ...subscription, topic: shared.filter } : subscription);
      },
    });
    aedes.on('client', (client) => {
      const identity = identities.get(client);
      if (identity) clientIds.set(client.id, identityKey(identity));
      m.connectedClients.set(aedes.connectedClients);
    });
    aedes.on('clientDisconnect', (client) => {
      const identity = identities.get(client);
      if (identity && clientIds.get(client.id) === identityKey(identity)) clientIds.delete(client.id);
      m.connectedClients.set(aedes.connectedClients);
    });
    aedes.on('clientError', (client, error) => {
      log.debug('mqtt client error', { clientId: client.id, error: error.message });
    });

    const server = createServer(aedes.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 1883, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const broker = new EmbeddedBroker(aedes, server);
    log.info('embedded mqtt broker listening', { port: broker.port });
    return broker;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** `mqtt://host:port` for clients. */
  get url(): string {
    const address = this.#server.address() as AddressInfo;
    return `mqtt://${address.address}:${address.port}`;
  }

  /** True while the broker accepts connections (for `/readyz`). */
  get listening(): boolean {
    return this.#server.listening && !this.#aedes.closed;
  }

  /** Stops accepting connections, disconnects clients and closes the broker. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#aedes.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
    });
  }
}
