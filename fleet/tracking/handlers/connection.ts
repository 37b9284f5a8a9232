import type { Connection } from '../../../protocol/index.ts';
import type { HandlerResult, TrackedRobot } from './TrackedRobot.ts';

/**
 * `connection` [VDA5050 §6.14]: ONLINE on connect, OFFLINE on an orderly goodbye, CONNECTIONBROKEN as the MQTT last
 * will the broker publishes when the robot vanishes.
 */
export function handleConnection(robot: TrackedRobot, message: Connection, nowMs: number): HandlerResult {
  robot.connectionState = message.connectionState;
  robot.connectionAtMs = nowMs;
  if (message.connectionState === 'ONLINE') {
    // A reconnecting robot may have restarted and begun its headerIds again at 0; forget the order of its other
    // topics so its first messages are not taken for old ones.
    robot.lastHeaderId = {};
  }
  return { health: { type: 'connection', connectionState: message.connectionState } };
}
