/**
 * Who may connect to the MQTT broker and which topics each identity may use. Pure functions, used as aedes hooks by
 * the embedded broker and mirrored by the generated Mosquitto ACL file, so both brokers enforce the same rules.
 *
 * Topics follow VDA 5050: `{interfaceName}/v2/{manufacturer}/{serialNumber}/{topic}` (interfaceName `uagv` by
 * default). A robot logs in with username = its serial number; its manufacturer comes from the robot registry, not
 * from the robot, so a robot cannot claim another manufacturer's namespace.
 */

export type RobotTopic = 'state' | 'visualization' | 'connection' | 'factsheet';
export type MasterTopic = 'order' | 'instantActions';

/** Topics a robot publishes and the fleet reads. */
export const ROBOT_TOPICS: readonly RobotTopic[] = ['state', 'visualization', 'connection', 'factsheet'];
/** Topics the fleet publishes and a robot reads. */
export const MASTER_TOPICS: readonly MasterTopic[] = ['order', 'instantActions'];

export type BrokerIdentity =
  | { kind: 'robot'; manufacturer: string; serialNumber: string }
  | { kind: 'fleet'; username: string };

export interface BrokerPolicyOptions {
  /** VDA 5050 interface name, the first topic level. Default `uagv`. */
  interfaceName?: string;
  /** Major protocol version level. Default `v2`. */
  majorVersion?: string;
}

export type Decision = { allowed: true } | { allowed: false; reason: DenyReason };

export type DenyReason =
  | 'not_authenticated'
  | 'wildcard_not_allowed'
  | 'bad_topic'
  | 'other_robot'
  | 'wrong_topic_kind'
  | 'system_topic'
  | 'shared_not_allowed';

const allow: Decision = { allowed: true };
const deny = (reason: DenyReason): Decision => ({ allowed: false, reason });

// A topic level we accept as manufacturer or serial: no MQTT wildcards or separators, no control characters.
const levelRe = /^[A-Za-z0-9._-]{1,64}$/;

/** True when `text` is usable as a serial number or manufacturer (and so as an MQTT username and topic level). */
export function isValidTopicLevel(text: string): boolean {
  return levelRe.test(text);
}

interface ParsedTopic {
  manufacturer: string;
  serialNumber: string;
  topic: string;
}

function parse(topic: string, options: BrokerPolicyOptions): ParsedTopic | undefined {
  const { interfaceName = 'uagv', majorVersion = 'v2' } = options;
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== interfaceName || parts[1] !== majorVersion) return undefined;
  const [, , manufacturer, serialNumber, name] = parts as [string, string, string, string, string];
  return { manufacturer, serialNumber, topic: name };
}

function isOwn(identity: { manufacturer: string; serialNumber: string }, parsed: ParsedTopic): boolean {
  return parsed.manufacturer === identity.manufacturer && parsed.serialNumber === identity.serialNumber;
}

/** Service users (the fleet server) log in with a password checked against this configuration. */
export interface ServiceUser {
  username: string;
  /** `$7$` hash as made by `hashRobotCredential`. */
  passwordHash: string;
}

/**
 * May `identity` publish on `topic`? A robot: only its own state/visualization/connection/factsheet. The fleet:
 * order/instantActions for any robot. Wildcards and `$` topics are never publishable.
 */
export function authorizePublish(identity: BrokerIdentity | undefined, topic: string, options: BrokerPolicyOptions = {}): Decision {
  if (!identity) return deny('not_authenticated');
  if (topic.includes('+') || topic.includes('#')) return deny('wildcard_not_allowed');
  if (topic.startsWith('$')) return deny('system_topic');
  const parsed = parse(topic, options);
  if (!parsed || !isValidTopicLevel(parsed.manufacturer) || !isValidTopicLevel(parsed.serialNumber)) return deny('bad_topic');
  if (identity.kind === 'fleet') {
    return (MASTER_TOPICS as readonly string[]).includes(parsed.topic) ? allow : deny('wrong_topic_kind');
  }
  if (!isOwn(identity, parsed)) return deny('other_robot');
  return (ROBOT_TOPICS as readonly string[]).includes(parsed.topic) ? allow : deny('wrong_topic_kind');
}

/** Splits `$share/<group>/<filter>` into its parts; undefined for a plain filter. */
export function parseSharedSubscription(filter: string): { group: string; filter: string } | undefined {
  if (!filter.startsWith('$share/')) return undefined;
  const rest = filter.slice('$share/'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const group = rest.slice(0, slash);
  if (group.includes('+') || group.includes('#')) return undefined;
  return { group, filter: rest.slice(slash + 1) };
}

/**
 * May `identity` subscribe to `topicFilter`? A robot: exactly its own order and instantActions, no wildcards. The
 * fleet: the robot topics of
 * any robot, with `+` for manufacturer/serial and `$share/<group>/…` shared subscriptions for scale-out.
 */
export function authorizeSubscribe(identity: BrokerIdentity | undefined, topicFilter: string, options: BrokerPolicyOptions = {}): Decision {
  if (!identity) return deny('not_authenticated');
  const shared = parseSharedSubscription(topicFilter);
  if (topicFilter.startsWith('$share/') && !shared) return deny('bad_topic');
  if (shared && identity.kind !== 'fleet') return deny('shared_not_allowed');
  const filter = shared ? shared.filter : topicFilter;
  if (filter.startsWith('$')) return deny('system_topic');
  if (filter.includes('#')) return deny('wildcard_not_allowed');
  const parsed = parse(filter, options);
  if (!parsed) return deny('bad_topic');
  if (identity.kind === 'robot') {
    if (filter.includes('+')) return deny('wildcard_not_allowed');
    if (!isOwn(identity, parsed)) return deny('other_robot');
    return (MASTER_TOPICS as readonly string[]).includes(parsed.topic) ? allow : deny('wrong_topic_kind');
  }
  // The fleet may use `+` for the manufacturer and serial levels only; the topic level names what it reads.
  const levelOk = (level: string) => level === '+' || isValidTopicLevel(level);
  if (!levelOk(parsed.manufacturer) || !levelOk(parsed.serialNumber)) return deny('bad_topic');
  return (ROBOT_TOPICS as readonly string[]).includes(parsed.topic) ? allow : deny('wrong_topic_kind');
}

/** The topic a robot's last will must use: its own `connection` topic. */
export function robotTopic(identity: { manufacturer: string; serialNumber: string }, topic: RobotTopic | MasterTopic, options: BrokerPolicyOptions = {}): string {
  const { interfaceName = 'uagv', majorVersion = 'v2' } = options;
  return `${interfaceName}/${majorVersion}/${identity.manufacturer}/${identity.serialNumber}/${topic}`;
}
