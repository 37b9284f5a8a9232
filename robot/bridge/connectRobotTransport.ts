/**
 * Connects a robot to an MQTT broker with the VDA 5050 last will: if the robot vanishes, the broker publishes a
 * retained `connection` message with `CONNECTIONBROKEN` [VDA5050 §6.14 (2.0: connection topic)].
 */
import { encodeMessage, type MessageBuilder } from '../../protocol/index.ts';
import { MqttTransport, type LastWill } from '../../transport/index.ts';

/** The last will for `builder`'s robot: connection CONNECTIONBROKEN, retained, QoS 1. */
export function connectionWill(builder: MessageBuilder): LastWill {
  const message = builder.build('connection', { connectionState: 'CONNECTIONBROKEN' });
  return { topic: builder.topic('connection'), payload: encodeMessage(message), qos: 1, retain: true };
}

export interface RobotTransportOptions {
  url: string;
  builder: MessageBuilder;
  /** Default `<manufacturer>-<serialNumber>`: unique per robot, so a second instance takes over the session. */
  clientId?: string;
  username?: string;
  password?: string;
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  connectTimeoutMs?: number;
}

/** Opens the robot's MQTT connection (mqtt.js, MQTT 3.1.1) with the last will set; reconnects with backoff. */
export function connectRobotTransport(options: RobotTransportOptions): Promise<MqttTransport> {
  const { builder } = options;
  return MqttTransport.connect({
    url: options.url,
    clientId: options.clientId ?? `${builder.manufacturer}-${builder.serialNumber}`,
    will: connectionWill(builder),
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.reconnectDelayMs !== undefined ? { reconnectDelayMs: options.reconnectDelayMs } : {}),
    ...(options.maxReconnectDelayMs !== undefined ? { maxReconnectDelayMs: options.maxReconnectDelayMs } : {}),
    ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
  });
}
