/**
 * The one entry for every message a robot sends: protocol order is enforced first, in this order (cheapest and most
 * hostile first, like aedes' lib/handlers/index.js):
 *   1. the topic parses and is a robot → fleet topic       (`PROTOCOL_TOPIC`)
 *   2. the sender is a registered robot of that maker      (`TRACKING_UNKNOWN_ROBOT`) — before parsing the payload, so
 *      strangers cost no JSON or schema work
 *   3. the payload is a valid message from that sender     (`PROTOCOL_TOO_LARGE` … `PROTOCOL_HEADER_MISMATCH`)
 *   4. its headerId is newer than the last accepted one on that topic (`TRACKING_DUPLICATE`, `TRACKING_OUT_OF_ORDER`)
 * and only then does one switch hand it to `handlers/<topic>.ts`. Never throws: every outcome is a value.
 */
import {
  MessageMemo, parseMessage, parseTopic, type ParseOptions, type ProtocolErrorCode, type TopicOptions, type TopicParts, type VdaMessage, type VdaTopic,
} from '../../../protocol/index.ts';
import { headerOrder } from '../core/headerOrder.ts';
import { handleConnection } from './connection.ts';
import { handleFactsheet } from './factsheet.ts';
import { handleState } from './state.ts';
import type { HandlerResult, TrackedRobot } from './TrackedRobot.ts';
import { handleVisualization } from './visualization.ts';

export type TrackingRejectionCode = 'TRACKING_UNKNOWN_ROBOT' | 'TRACKING_DUPLICATE' | 'TRACKING_OUT_OF_ORDER' | 'TRACKING_HANDLER_FAULT';
export type RejectionCode = ProtocolErrorCode | TrackingRejectionCode;

export const REJECTION_CODES: readonly RejectionCode[] = [
  'PROTOCOL_TOPIC', 'PROTOCOL_TOO_LARGE', 'PROTOCOL_NOT_JSON', 'PROTOCOL_VERSION', 'PROTOCOL_SCHEMA', 'PROTOCOL_HEADER_MISMATCH',
  'TRACKING_UNKNOWN_ROBOT', 'TRACKING_DUPLICATE', 'TRACKING_OUT_OF_ORDER', 'TRACKING_HANDLER_FAULT',
];

export type IngestOutcome =
  | { accepted: true; serial: string; topic: VdaTopic; robot: TrackedRobot; result: HandlerResult }
  | { accepted: false; code: RejectionCode; reason: string; serial?: string };

export interface IngestContext {
  /** The tracked robot for a registered serial (created on first use), or undefined for a stranger. */
  robot(serial: string): TrackedRobot | undefined;
  topicOptions?: TopicOptions;
  parseOptions?: Pick<ParseOptions, 'maxBytes' | 'validator'>;
  /** Parsed robot topics by name: each robot uses the same few topics all day, so parse each once. */
  topicCache?: Map<string, TopicParts>;
}

/** Bound on the topic cache: registered robots × 4 topics fit many times over; anything beyond is churn. */
const TOPIC_CACHE_MAX = 20_000;

const ROBOT_TOPICS: ReadonlySet<VdaTopic> = new Set(['state', 'visualization', 'connection', 'factsheet']);

/** Checks and applies one received message. */
export function ingestMessage(ctx: IngestContext, topicName: string, payload: unknown, nowMs: number): IngestOutcome {
  let parts = ctx.topicCache?.get(topicName);
  if (parts === undefined) {
    const topic = parseTopic(topicName, ctx.topicOptions);
    if (!topic.ok) return reject(topic.error.code, topic.error.message);
    parts = topic.value;
    if (!ROBOT_TOPICS.has(parts.topic)) return reject('PROTOCOL_TOPIC', `${parts.topic} is not sent by robots`, parts.serialNumber);
  }
  const { serialNumber: serial, manufacturer } = parts;

  const robot = ctx.robot(serial);
  if (robot === undefined) return reject('TRACKING_UNKNOWN_ROBOT', `robot ${JSON.stringify(serial)} is not in the registry`, serial);
  if (robot.record.manufacturer !== manufacturer) {
    return reject('TRACKING_UNKNOWN_ROBOT', `robot ${JSON.stringify(serial)} is registered for manufacturer ${JSON.stringify(robot.record.manufacturer)}, not ${JSON.stringify(manufacturer)}`, serial);
  }

  // Cached only once the sender is known, so strangers cannot fill the cache.
  if (ctx.topicCache !== undefined && !ctx.topicCache.has(topicName)) {
    if (ctx.topicCache.size >= TOPIC_CACHE_MAX) ctx.topicCache.clear();
    ctx.topicCache.set(topicName, parts);
  }

  const parsed = parseMessage(parts.topic, payload, parseOptionsFor(ctx, robot, parts.topic, manufacturer));
  if (!parsed.ok) return reject(parsed.error.code, parsed.error.message, serial);
  const message = parsed.value as VdaMessage;

  // The connection topic is exempt: the last will's headerId was fixed when the robot connected, so it is older than
  // the ONLINE that followed, yet it is the newest news. Each connection message states the whole truth anyway.
  if (message.topic !== 'connection') {
    const headerId = (message.message as { headerId?: unknown }).headerId;
    if (typeof headerId === 'number') {
      const order = headerOrder(robot.lastHeaderId[message.topic], headerId);
      if (order === 'duplicate') return reject('TRACKING_DUPLICATE', `${message.topic} headerId ${headerId} was already received`, serial);
      if (order === 'older') {
        return reject('TRACKING_OUT_OF_ORDER', `${message.topic} headerId ${headerId} is older than ${robot.lastHeaderId[message.topic]}`, serial);
      }
      robot.lastHeaderId[message.topic] = headerId;
    }
  }

  let result: HandlerResult;
  try {
    result = dispatch(robot, message, nowMs);
  } catch (cause) {
    return reject('TRACKING_HANDLER_FAULT', `${message.topic} handler failed: ${cause instanceof Error ? cause.message : String(cause)}`, serial);
  }
  return { accepted: true, serial, topic: message.topic, robot, result };
}

/** The robot's parse options for `topic`, made on first use and again only when its manufacturer changes. */
function parseOptionsFor(ctx: IngestContext, robot: TrackedRobot, topic: VdaTopic, manufacturer: string): ParseOptions {
  const cached = robot.parseOptions[topic];
  if (cached !== undefined && cached.expectedSender?.manufacturer === manufacturer) return cached;
  const options: ParseOptions = {
    ...ctx.parseOptions, expectedSender: { manufacturer, serialNumber: robot.record.serial }, memo: new MessageMemo(),
  };
  robot.parseOptions[topic] = options;
  return options;
}

function dispatch(robot: TrackedRobot, m: VdaMessage, nowMs: number): HandlerResult {
  switch (m.topic) {
    case 'state':
      return handleState(robot, m.message, nowMs);
    case 'visualization':
      return handleVisualization(robot, m.message, nowMs);
    case 'connection':
      return handleConnection(robot, m.message, nowMs);
    case 'factsheet':
      return handleFactsheet(robot, m.message, nowMs);
    case 'order':
    case 'instantActions':
      return {};
  }
}

function reject(code: RejectionCode, reason: string, serial?: string): IngestOutcome {
  return serial === undefined ? { accepted: false, code, reason } : { accepted: false, code, reason, serial };
}

export type { HandlerResult, TrackedRobot } from './TrackedRobot.ts';
export { newTrackedRobot } from './TrackedRobot.ts';
