/**
 * Parsing of received VDA 5050 messages: size limit, UTF-8 JSON, version, official schema, header/topic match.
 * Every outcome is a value: a bad message gives a ProtocolError saying what is wrong and where, never a throw.
 */
import { err, ok, type Result } from '../../common/core/AppError.ts';
import type { MessageMemo } from './MessageMemo.ts';
import type { VdaMessage, VdaMessageMap, VdaMessageOf } from './messages.ts';
import { ProtocolError, formatDetails } from './ProtocolError.ts';
import { schemaVersionOf, sharedValidator, type SchemaValidator } from './SchemaValidator.ts';
import { parseTopic, type TopicOptions, type TopicParts } from './topics.ts';
import type { SchemaVersion, VdaTopic } from './vdaTopics.ts';

/** Default payload limit. A state with a long base is ~10–50 KiB; anything far larger is a fault or an attack. */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;

export interface ParseOptions {
  /** Payloads larger than this are rejected before parsing (`PROTOCOL_TOO_LARGE`). Default 256 KiB. */
  maxBytes?: number;
  /** When given, the header's manufacturer/serialNumber must equal these (`PROTOCOL_HEADER_MISMATCH`). */
  expectedSender?: { manufacturer: string; serialNumber: string };
  /** Defaults to the shared validator (schemas compiled once per process). */
  validator?: SchemaValidator;
  /**
   * The sender's memo for this topic: members that repeat the sender's previous valid message byte for byte are
   * taken over instead of parsed and validated again (MessageMemo.ts). Same results, much less work for a robot's
   * stream of states; the message may then share unchanged objects with the previous one.
   */
  memo?: MessageMemo;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and validates a message of `topic`. `payload` is the raw MQTT payload (Buffer/Uint8Array/string) or an
 * already-parsed JSON value. Accepted versions: 2.0.x (validated against the 2.0.0 schemas) and 2.1.x (2.1.0).
 */
export function parseMessage<K extends VdaTopic>(topic: K, payload: unknown, options: ParseOptions = {}): Result<VdaMessageOf<K>, ProtocolError> {
  try {
    return parseUnsafe(topic, payload, options);
  } catch (cause) {
    // Defence in depth: nothing above should throw, but a bad message must never crash the receiver.
    return err(new ProtocolError('PROTOCOL_SCHEMA', `${topic}: message could not be checked: ${String(cause)}`, { cause }));
  }
}

function parseUnsafe<K extends VdaTopic>(topic: K, payload: unknown, options: ParseOptions): Result<VdaMessageOf<K>, ProtocolError> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const validator = options.validator ?? sharedValidator();
  const memo = payload instanceof Uint8Array && payload.byteLength <= maxBytes ? options.memo : undefined;
  if (memo !== undefined) {
    const reused = memo.parse(topic, payload as Uint8Array, (v) => validator.memberPlan(topic, v, 'inbound'), schemaSetOfValue);
    if (reused !== undefined) return checkSender(topic, reused.schemaVersion, reused.value, options.expectedSender);
  }
  let value: unknown = payload;
  if (typeof payload === 'string' || payload instanceof Uint8Array) {
    const bytes = typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.byteLength;
    if (bytes > maxBytes) {
      return err(new ProtocolError('PROTOCOL_TOO_LARGE', `${topic}: payload of ${bytes} bytes exceeds the ${maxBytes}-byte limit`, {
        details: [{ path: '', message: `${bytes} bytes > ${maxBytes}` }],
      }));
    }
    let text: string;
    try {
      text = typeof payload === 'string' ? payload : utf8.decode(payload);
    } catch (cause) {
      return err(new ProtocolError('PROTOCOL_NOT_JSON', `${topic}: payload is not valid UTF-8`, { cause, details: [{ path: '', message: 'invalid UTF-8' }] }));
    }
    try {
      value = JSON.parse(text);
    } catch (cause) {
      const why = cause instanceof Error ? cause.message : String(cause);
      return err(new ProtocolError('PROTOCOL_NOT_JSON', `${topic}: payload is not JSON: ${why}`, { cause, details: [{ path: '', message: why }] }));
    }
  }

  // [VDA5050 §6.4] version is [Major].[Minor].[Patch]; we accept 2.0.x and 2.1.x. A missing or non-string version
  // is left to the schema (which names the field); visualization may legally omit it.
  const header = isObject(value) ? value : undefined;
  let schemaVersion: SchemaVersion = '2.0.0';
  if (header !== undefined && typeof header.version === 'string') {
    const v = schemaVersionOf(header.version);
    if (v === undefined) {
      return err(new ProtocolError('PROTOCOL_VERSION', `${topic}: version ${JSON.stringify(header.version)} is not accepted (2.0.x or 2.1.x)`, {
        details: [{ path: '/version', message: `unsupported version ${JSON.stringify(header.version)}` }],
      }));
    }
    schemaVersion = v;
  }

  const details = validator.validate(topic, schemaVersion, value, 'inbound');
  if (details.length > 0) {
    return err(new ProtocolError('PROTOCOL_SCHEMA', `${topic} ${schemaVersion}: ${formatDetails(details)}`, { details }));
  }
  if (memo !== undefined && validator.memberPlan(topic, schemaVersion, 'inbound') !== undefined) {
    memo.remember(topic, schemaVersion, payload as Uint8Array, value);
  }
  return checkSender(topic, schemaVersion, value, options.expectedSender);
}

/** The schema set a parsed message is checked against: its `version`'s, or 2.0.0 when it has none (see above). */
function schemaSetOfValue(value: Record<string, unknown>): SchemaVersion | undefined {
  return typeof value.version === 'string' ? schemaVersionOf(value.version) : '2.0.0';
}

/** [VDA5050 §6.4] A robot may only speak as itself: the header must name the topic's manufacturer and serial. */
function checkSender<K extends VdaTopic>(
  topic: K,
  schemaVersion: SchemaVersion,
  value: unknown,
  expected: ParseOptions['expectedSender'],
): Result<VdaMessageOf<K>, ProtocolError> {
  const header = isObject(value) ? value : undefined;
  if (expected !== undefined && header !== undefined) {
    const mismatch = (['manufacturer', 'serialNumber'] as const)
      .filter((k) => header[k] !== undefined && header[k] !== expected[k])
      .map((k) => ({ path: `/${k}`, message: `is ${JSON.stringify(header[k])} but the topic says ${JSON.stringify(expected[k])}` }));
    if (mismatch.length > 0) {
      return err(new ProtocolError('PROTOCOL_HEADER_MISMATCH', `${topic}: ${formatDetails(mismatch)}`, { details: mismatch }));
    }
  }
  return ok({ topic, schemaVersion, message: value as VdaMessageMap[K] } as unknown as VdaMessageOf<K>);
}

/**
 * Parses a message together with the MQTT topic it arrived on: the topic must parse, and the header must name the
 * same manufacturer and serialNumber as the topic — a robot may only speak as itself.
 */
export function parseTopicMessage(
  topicName: string,
  payload: unknown,
  options: ParseOptions & TopicOptions = {},
): Result<{ topic: TopicParts; message: VdaMessage }, ProtocolError> {
  const parsedTopic = parseTopic(topicName, options);
  if (!parsedTopic.ok) return parsedTopic;
  const t = parsedTopic.value;
  const message = parseMessage(t.topic, payload, { ...options, expectedSender: { manufacturer: t.manufacturer, serialNumber: t.serialNumber } });
  if (!message.ok) return message;
  return ok({ topic: t, message: message.value });
}

/** `parseMessage('order', …)`: the message, or why it is not a valid order. */
export const parseOrder = (payload: unknown, options?: ParseOptions) => parseMessage('order', payload, options);
export const parseInstantActions = (payload: unknown, options?: ParseOptions) => parseMessage('instantActions', payload, options);
export const parseState = (payload: unknown, options?: ParseOptions) => parseMessage('state', payload, options);
export const parseVisualization = (payload: unknown, options?: ParseOptions) => parseMessage('visualization', payload, options);
export const parseConnection = (payload: unknown, options?: ParseOptions) => parseMessage('connection', payload, options);
export const parseFactsheet = (payload: unknown, options?: ParseOptions) => parseMessage('factsheet', payload, options);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
