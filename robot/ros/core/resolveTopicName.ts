/**
 * ROS 2 name resolution for topics, so '/r1' robots' nodes can say 'cmd_vel' and reach '/r1/cmd_vel' on both
 * adapters: absolute names stay, relative names go under the node's namespace, '~/x' goes under the node's own name.
 */
import { RosPortError } from './RosPort.ts';

const TOKEN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** '/r1', 'r1/' and '' normalised to '/r1' and '/'; throws ROS_INVALID_NAME for a malformed namespace. */
export function normalizeNamespace(namespace: string | undefined): string {
  if (namespace === undefined || namespace === '' || namespace === '/') return '/';
  const parts = namespace.split('/').filter((p) => p !== '');
  for (const p of parts) {
    if (!TOKEN.test(p)) throw new RosPortError('ROS_INVALID_NAME', `namespace '${namespace}': '${p}' is not a valid name token`);
  }
  return `/${parts.join('/')}`;
}

/** Throws ROS_INVALID_NAME unless `name` is a valid node name (one token, no slashes). */
export function assertNodeName(name: string): void {
  if (!TOKEN.test(name)) throw new RosPortError('ROS_INVALID_NAME', `node name '${name}' must match ${TOKEN.source}`);
}

/** Fully qualified topic name for `topic` as seen by node `nodeName` in `namespace` (already normalised). */
export function resolveTopicName(namespace: string, nodeName: string, topic: string): string {
  let raw: string;
  if (topic.startsWith('/')) raw = topic;
  else if (topic === '~' || topic.startsWith('~/')) raw = `${join(namespace, nodeName)}${topic.slice(1)}`;
  else raw = join(namespace, topic);
  const parts = raw.split('/');
  // parts[0] is '' from the leading slash; every other part must be a token (no '//' and no trailing '/').
  for (let i = 1; i < parts.length; i++) {
    if (!TOKEN.test(parts[i]!)) {
      throw new RosPortError('ROS_INVALID_NAME', `topic '${topic}' (resolved '${raw}') has an invalid token '${parts[i]}'`);
    }
  }
  if (parts.length < 2) throw new RosPortError('ROS_INVALID_NAME', `topic '${topic}' is empty`);
  return raw;
}

function join(namespace: string, name: string): string {
  return namespace === '/' ? `/${name}` : `${namespace}/${name}`;
}
