/**
 * Builds the messages we send: fills the header [VDA5050 §6.4] (headerId counted per topic, timestamp from the
 * injected Clock, version 2.0.0, our manufacturer/serialNumber) and checks the result against the official 2.0.0
 * schema as published, so nothing invalid ever leaves.
 */
import type { Clock } from '../../clock/index.ts';
import type { VdaBody, VdaMessageMap } from './messages.ts';
import { ProtocolError, formatDetails } from './ProtocolError.ts';
import { sharedValidator, type SchemaValidator } from './SchemaValidator.ts';
import { buildTopic, type TopicOptions } from './topics.ts';
import { VDA_TOPICS, WIRE_VERSION, type VdaTopic } from './vdaTopics.ts';

export interface MessageBuilderOptions extends TopicOptions {
  clock: Clock;
  manufacturer: string;
  serialNumber: string;
  /** First headerId per topic (default 0), e.g. to continue a persisted sequence after a restart. */
  firstHeaderIds?: Partial<Record<VdaTopic, number>>;
  validator?: SchemaValidator;
}

const UINT32_RANGE = 2 ** 32;

export class MessageBuilder {
  readonly manufacturer: string;
  readonly serialNumber: string;
  readonly #clock: Clock;
  readonly #validator: SchemaValidator;
  readonly #nextHeaderId = new Map<VdaTopic, number>();
  readonly #topicOptions: TopicOptions;

  constructor(options: MessageBuilderOptions) {
    this.manufacturer = options.manufacturer;
    this.serialNumber = options.serialNumber;
    this.#clock = options.clock;
    this.#validator = options.validator ?? sharedValidator();
    this.#topicOptions = { interfaceName: options.interfaceName, majorVersion: options.majorVersion };
    // Fails early (PROTOCOL_TOPIC) when manufacturer/serialNumber cannot be topic levels.
    buildTopic({ ...this.#topicOptions, manufacturer: this.manufacturer, serialNumber: this.serialNumber, topic: 'state' });
    for (const topic of VDA_TOPICS) this.#nextHeaderId.set(topic, options.firstHeaderIds?.[topic] ?? 0);
  }

  /**
   * Adds the header to `body` and validates the message. The headerId advances only for a valid message
   * [VDA5050 §6.4: incremented by 1 with each sent message]; it is uint32 and wraps at 2^32. Throws ProtocolError
   * (`PROTOCOL_SCHEMA`) when the result fails the 2.0.0 schema: an invalid outgoing message is a bug in our code.
   */
  build<K extends VdaTopic>(topic: K, body: VdaBody<K>): VdaMessageMap[K] {
    const headerId = this.#nextHeaderId.get(topic) ?? 0;
    const header = {
      headerId,
      timestamp: new Date(this.#clock.now()).toISOString(),
      version: WIRE_VERSION,
      manufacturer: this.manufacturer,
      serialNumber: this.serialNumber,
    };
    // Header first for readable JSON, and again last so a body smuggling header fields cannot override them.
    const message = { ...header, ...body, ...header } as VdaMessageMap[K];
    const details = this.#validator.validate(topic, WIRE_VERSION, message, 'outbound');
    if (details.length > 0) {
      throw new ProtocolError('PROTOCOL_SCHEMA', `building ${topic}: ${formatDetails(details)}`, { details });
    }
    this.#nextHeaderId.set(topic, (headerId + 1) % UINT32_RANGE);
    return message;
  }

  /** The topic our messages of `topic` go to. */
  topic(topic: VdaTopic): string {
    return buildTopic({ ...this.#topicOptions, manufacturer: this.manufacturer, serialNumber: this.serialNumber, topic });
  }
}

/** Serialises a message for MQTT: compact UTF-8 JSON. */
export function encodeMessage(message: VdaMessageMap[VdaTopic]): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}
