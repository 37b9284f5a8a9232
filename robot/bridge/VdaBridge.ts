/**
 * The robot's VDA 5050 bridge: subscribes its own `order` and `instantActions`, validates every inbound message and
 * hands good ones to the mission; publishes `connection`, `state` (on change and at least every statePeriodMs),
 * `visualization` (faster) and `factsheet`. A bad inbound message is rejected, counted per error code, logged and
 * reported as a WARNING in the next state; nothing a sender does can make the bridge throw.
 */
import type { Clock, TimerHandle } from '../../clock/index.ts';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  encodeMessage,
  parseTopicMessage,
  type MessageBuilder,
  type VdaBody,
  type VdaMessageMap,
  type VdaTopic,
} from '../../protocol/index.ts';
import type { MessageTransport, PublishOptions, Subscription } from '../../transport/index.ts';
import { silentLogger, type Logger } from '../mission/core/Logger.ts';
import type { MissionRunner } from '../mission/MissionRunner.ts';

export interface VdaBridgeOptions {
  transport: MessageTransport;
  clock: Clock;
  /** Fills headers with this robot's manufacturer/serialNumber and validates every outbound message. */
  builder: MessageBuilder;
  runner: MissionRunner;
  factsheet: VdaBody<'factsheet'>;
  /** A state goes out at least this often, besides on every change. Default 1000 ms (VDA 5050 asks for ≤ 30 s). */
  statePeriodMs?: number;
  /** Visualization period. Default 200 ms; the simulator thins it at high speed-ups. */
  visualizationPeriodMs?: number;
  /** Inbound payload limit. Default 256 KiB. */
  maxMessageBytes?: number;
  /** MQTT topic interfaceName. Default `uagv`. */
  interfaceName?: string;
  logger?: Logger;
}

/** Counts of what the bridge has done, for metrics and tests. */
export interface BridgeCounters {
  received: number;
  /** Rejected inbound messages per error code (`PROTOCOL_NOT_JSON`, `PROTOCOL_SCHEMA`, …). */
  rejected: Map<string, number>;
  published: Map<VdaTopic, number>;
  publishFailures: number;
}

export class VdaBridge {
  readonly counters: BridgeCounters = { received: 0, rejected: new Map(), published: new Map(), publishFailures: 0 };
  readonly #o: Required<Omit<VdaBridgeOptions, 'interfaceName'>> & { interfaceName: string | undefined };
  #subs: Subscription[] = [];
  #timers: TimerHandle[] = [];
  #running = false;

  constructor(options: VdaBridgeOptions) {
    this.#o = {
      statePeriodMs: 1000,
      visualizationPeriodMs: 200,
      maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
      logger: silentLogger,
      ...options,
      interfaceName: options.interfaceName,
    };
  }

  /** Subscribes, announces ONLINE, sends the factsheet and a first state, and starts the periodic messages. */
  async start(): Promise<void> {
    const { transport, runner, clock, builder } = this.#o;
    if (this.#running) return;
    this.#running = true;
    runner.onNotice((notice) => {
      if (!this.#running) return;
      if (notice === 'state') this.publishState();
      else this.publishFactsheet();
    });
    transport.onStatus((status) => {
      if (!this.#running) return;
      if (status === 'connected') {
        // After a reconnect (e.g. broker restart) the retained connection may say CONNECTIONBROKEN: say ONLINE again.
        this.#o.logger.info(`bridge ${builder.serialNumber}: reconnected; republishing connection and state`);
        this.#publishConnection('ONLINE');
        this.publishState();
      } else {
        this.#o.logger.warn(`bridge ${builder.serialNumber}: connection lost; mqtt reconnects with backoff`);
      }
    });
    for (const topic of ['order', 'instantActions'] as const) {
      this.#subs.push(await transport.subscribe(builder.topic(topic), (t, payload) => this.#onMessage(t, payload), { qos: 1 }));
    }
    await this.#publishConnection('ONLINE');
    this.publishFactsheet();
    this.publishState();
    this.#timers.push(clock.setInterval(this.#o.statePeriodMs, () => this.publishState()));
    this.#timers.push(clock.setInterval(this.#o.visualizationPeriodMs, () => this.#publishVisualization()));
  }

  /** Clean shutdown: stops the timers, announces OFFLINE (retained) and closes the transport (no last will). */
  async stop(): Promise<void> {
    if (!this.#running) return;
    for (const t of this.#timers) this.#o.clock.clearTimer(t);
    this.#timers = [];
    for (const s of this.#subs) await s.unsubscribe().catch(() => {});
    this.#subs = [];
    await this.#publishConnection('OFFLINE');
    this.#running = false;
    await this.#o.transport.close();
  }

  publishState(): void {
    this.#publish('state', this.#o.runner.state(), { qos: 0 });
  }

  publishFactsheet(): void {
    this.#publish('factsheet', this.#o.factsheet, { qos: 0 });
  }

  #publishVisualization(): void {
    const s = this.#o.runner.state();
    if (s.agvPosition === undefined) return;
    const body: VdaBody<'visualization'> = { agvPosition: s.agvPosition };
    if (s.velocity !== undefined) body.velocity = s.velocity;
    this.#publish('visualization', body, { qos: 0 });
  }

  #publishConnection(connectionState: 'ONLINE' | 'OFFLINE'): Promise<void> {
    return this.#publish('connection', { connectionState }, { qos: 1, retain: true });
  }

  #publish<K extends VdaTopic>(topic: K, body: VdaBody<K>, options: PublishOptions): Promise<void> {
    const { builder, transport, logger } = this.#o;
    let message: VdaMessageMap[K];
    try {
      message = builder.build(topic, body);
    } catch (e) {
      // An invalid outgoing message is our bug: log it loudly, but keep the robot running.
      logger.error(`bridge ${builder.serialNumber}: not sending invalid ${topic}: ${e instanceof Error ? e.message : String(e)}`);
      this.counters.publishFailures++;
      return Promise.resolve();
    }
    this.counters.published.set(topic, (this.counters.published.get(topic) ?? 0) + 1);
    return transport.publish(builder.topic(topic), encodeMessage(message), options).catch((e: unknown) => {
      this.counters.publishFailures++;
      logger.warn(`bridge ${builder.serialNumber}: publishing ${topic} failed: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  #onMessage(topicName: string, payload: Buffer): void {
    this.counters.received++;
    try {
      const { builder } = this.#o;
      const parsed = parseTopicMessage(topicName, payload, {
        maxBytes: this.#o.maxMessageBytes,
        ...(this.#o.interfaceName !== undefined ? { interfaceName: this.#o.interfaceName } : {}),
      });
      if (!parsed.ok) return this.#reject(topicName, parsed.error.code, parsed.error.message);
      const { topic, message } = parsed.value;
      if (topic.manufacturer !== builder.manufacturer || topic.serialNumber !== builder.serialNumber) {
        return this.#reject(topicName, 'PROTOCOL_HEADER_MISMATCH', `addressed to ${topic.manufacturer}/${topic.serialNumber}, not this robot`);
      }
      if (message.topic === 'order') this.#o.runner.dispatch({ type: 'order', order: message.message });
      else if (message.topic === 'instantActions') this.#o.runner.dispatch({ type: 'instantActions', actions: message.message.actions });
      else this.#reject(topicName, 'PROTOCOL_TOPIC', `${message.topic} is not a topic a robot receives`);
    } catch (e) {
      // Defence in depth: a bug in handling must not take the robot's connection down.
      this.#o.logger.error(`bridge: handling ${topicName} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      this.#count('INTERNAL');
    }
  }

  #reject(topicName: string, code: string, description: string): void {
    this.#count(code);
    this.#o.logger.warn(`bridge ${this.#o.builder.serialNumber}: rejected message on ${topicName}: ${code}: ${description.slice(0, 300)}`);
    const short = topicName.split('/').at(-1) ?? topicName;
    this.#o.runner.dispatch({ type: 'messageRejected', topic: short, code, description });
  }

  #count(code: string): void {
    this.counters.rejected.set(code, (this.counters.rejected.get(code) ?? 0) + 1);
  }
}
