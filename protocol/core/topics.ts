/**
 * MQTT topic names of VDA 5050: `{interfaceName}/{majorVersion}/{manufacturer}/{serialNumber}/{topic}`
 * [VDA5050 §6.3]. interfaceName is configurable (default `uagv`), majorVersion is `v2` for every 2.x version.
 */
import { err, ok, type Result } from '../../common/core/AppError.ts';
import { ProtocolError } from './ProtocolError.ts';
import { isVdaTopic, VDA_TOPICS, type VdaTopic } from './vdaTopics.ts';

export const DEFAULT_INTERFACE_NAME = 'uagv';
export const DEFAULT_MAJOR_VERSION = 'v2';

export interface TopicParts {
  interfaceName: string;
  majorVersion: string;
  manufacturer: string;
  serialNumber: string;
  topic: VdaTopic;
}

export interface TopicOptions {
  /** Default `uagv`. */
  interfaceName?: string;
  /** Default `v2`. */
  majorVersion?: string;
}

/**
 * Why `level` cannot be one topic level, or undefined when it can: it must be non-empty and hold no `/` (level
 * separator), `+` or `#` (wildcards) and no U+0000 (forbidden in MQTT topic names).
 */
export function checkTopicLevel(level: string): string | undefined {
  if (level.length === 0) return 'must not be empty';
  if (level.includes('/')) return 'must not contain "/"';
  if (level.includes('+') || level.includes('#')) return 'must not contain the wildcards "+" or "#"';
  if (level.includes('\u0000')) return 'must not contain U+0000';
  return undefined;
}

/**
 * Builds the topic a message of `topic` is published on, e.g. `uagv/v2/acme/r-007/state`. Throws ProtocolError
 * (`PROTOCOL_TOPIC`) for a level that would change the topic's shape: that is a configuration fault.
 */
export function buildTopic(parts: TopicOptions & { manufacturer: string; serialNumber: string; topic: VdaTopic }): string {
  const { interfaceName = DEFAULT_INTERFACE_NAME, majorVersion = DEFAULT_MAJOR_VERSION, manufacturer, serialNumber, topic } = parts;
  const levels = { interfaceName, majorVersion, manufacturer, serialNumber, topic };
  for (const [name, value] of Object.entries(levels)) {
    const bad = typeof value === 'string' ? checkTopicLevel(value) : 'must be a string';
    if (bad !== undefined) throw new ProtocolError('PROTOCOL_TOPIC', `buildTopic: ${name} ${bad} (got ${JSON.stringify(value)})`);
  }
  if (!isVdaTopic(topic)) throw new ProtocolError('PROTOCOL_TOPIC', `buildTopic: unknown topic ${JSON.stringify(topic)}; expected one of ${VDA_TOPICS.join(', ')}`);
  return `${interfaceName}/${majorVersion}/${manufacturer}/${serialNumber}/${topic}`;
}

/**
 * Parses a received topic name. Fails with `PROTOCOL_TOPIC` (and a detail naming the bad level) when it does not
 * have five levels, has another interfaceName or majorVersion than expected, or names an unknown topic.
 */
export function parseTopic(name: string, options: TopicOptions = {}): Result<TopicParts, ProtocolError> {
  const { interfaceName = DEFAULT_INTERFACE_NAME, majorVersion = DEFAULT_MAJOR_VERSION } = options;
  const fail = (level: string, message: string) =>
    err(new ProtocolError('PROTOCOL_TOPIC', `topic ${JSON.stringify(name)}: ${level} ${message}`, { details: [{ path: level, message }] }));
  if (typeof name !== 'string') return fail('topic', 'must be a string');
  const levels = name.split('/');
  if (levels.length !== 5) return fail('topic', `must have 5 levels {interfaceName}/{majorVersion}/{manufacturer}/{serialNumber}/{topic}, has ${levels.length}`);
  const [iface, major, manufacturer, serialNumber, topic] = levels as [string, string, string, string, string];
  const named = { interfaceName: iface, majorVersion: major, manufacturer, serialNumber, topic };
  for (const [level, value] of Object.entries(named)) {
    const bad = checkTopicLevel(value);
    if (bad !== undefined) return fail(level, bad);
  }
  if (iface !== interfaceName) return fail('interfaceName', `must be ${JSON.stringify(interfaceName)}, got ${JSON.stringify(iface)}`);
  if (major !== majorVersion) return fail('majorVersion', `must be ${JSON.stringify(majorVersion)}, got ${JSON.stringify(major)}`);
  if (!isVdaTopic(topic)) return fail('topic', `must be one of ${VDA_TOPICS.join(', ')}, got ${JSON.stringify(topic)}`);
  return ok({ interfaceName: iface, majorVersion: major, manufacturer, serialNumber, topic });
}

/**
 * A subscription filter: omitted manufacturer/serialNumber/topic become the `+` wildcard, so
 * `subscriptionFilter({ topic: 'state' })` is `uagv/v2/+/+/state`. With `shareGroup` it is the shared-subscription
 * form `$share/<group>/uagv/v2/...`, which spreads messages over several fleet-server instances.
 */
export function subscriptionFilter(
  options: TopicOptions & { manufacturer?: string; serialNumber?: string; topic?: VdaTopic; shareGroup?: string } = {},
): string {
  const { interfaceName = DEFAULT_INTERFACE_NAME, majorVersion = DEFAULT_MAJOR_VERSION, shareGroup } = options;
  const named = { interfaceName, majorVersion, manufacturer: options.manufacturer, serialNumber: options.serialNumber, topic: options.topic, shareGroup };
  for (const [level, value] of Object.entries(named)) {
    if (value === undefined) continue;
    const bad = checkTopicLevel(value);
    if (bad !== undefined) throw new ProtocolError('PROTOCOL_TOPIC', `subscriptionFilter: ${level} ${bad} (got ${JSON.stringify(value)})`);
  }
  if (options.topic !== undefined && !isVdaTopic(options.topic)) {
    throw new ProtocolError('PROTOCOL_TOPIC', `subscriptionFilter: unknown topic ${JSON.stringify(options.topic)}`);
  }
  const filter = `${interfaceName}/${majorVersion}/${options.manufacturer ?? '+'}/${options.serialNumber ?? '+'}/${options.topic ?? '+'}`;
  return shareGroup === undefined ? filter : `$share/${shareGroup}/${filter}`;
}
