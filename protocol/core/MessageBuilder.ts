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
const HEADER_FIELDS: ReadonlySet<string> = new Set(['headerId', 'timestamp', 'version', 'manufacturer', 'serialNumber']);

export class MessageBuilder {
  readonly manufacturer: string;
  readonly serialNumber: string;
  readonly #clock: Clock;
  readonly #validator: SchemaValidator;
  readonly #nextHeaderId = new Map<VdaTopic, number>();
  readonly #topicOptions: TopicOptions;
  /** The last timestamp string and its time: many messages go out in the same millisecond of a simulated day. */
  #stampMs = Number.NaN;
  #stamp = '';
  /** Topic names by topic: built (and checked) once, asked for on every publish. */
  readonly #topics = new Map<VdaTopic, string>();

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
    const nowMs = this.#clock.now();
    if (nowMs !== this.#stampMs) {
      this.#stampMs = nowMs;
      this.#stamp = new Date(nowMs).toISOString();
    }
    // Header first for readable JSON; body fields named like header fields are skipped, so a body cannot override
    // them. Built field by field: spreading a large state twice was most of the cost of a build.
    const out: Record<string, unknown> = {
      headerId, timestamp: this.#stamp, version: WIRE_VERSION, manufacturer: this.manufacturer, serialNumber: this.serialNumber,
    };
    const fields = body as Record<string, unknown>;
    for (const key in fields) {
      if (!Object.hasOwn(fields, key) || HEADER_FIELDS.has(key)) continue;
      // A parsed body may own a `__proto__` key: define it as data (as a spread would), never set the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: fields[key], enumerable: true, writable: true, configurable: true });
      else out[key] = fields[key];
    }
    const message = out as unknown as VdaMessageMap[K];
    const details = this.#validator.validate(topic, WIRE_VERSION, message, 'outbound');
    if (details.length > 0) {
      throw new ProtocolError('PROTOCOL_SCHEMA', `building ${topic}: ${formatDetails(details)}`, { details });
    }
    this.#nextHeaderId.set(topic, (headerId + 1) % UINT32_RANGE);
    return message;
  }

  /** The topic our messages of `topic` go to. */
  topic(topic: VdaTopic): string {
    let name = this.#topics.get(topic);
    if (name === undefined) {
      name = buildTopic({ ...this.#topicOptions, manufacturer: this.manufacturer, serialNumber: this.serialNumber, topic });
      this.#topics.set(topic, name);
    }
    return name;
  }
}

/** Serialises a message for MQTT: compact UTF-8 JSON. */
export function encodeMessage(message: VdaMessageMap[VdaTopic]): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}
