import type { Visualization } from '../../../protocol/index.ts';
import type { HandlerResult, TrackedRobot } from './TrackedRobot.ts';

/**
 * `visualization` [VDA5050 §6.13]: position and velocity only, at a higher rate than state. It updates the map
 * position but not health: liveness is judged on state alone, which must come at ≥ 1 Hz.
 */
export function handleVisualization(robot: TrackedRobot, message: Visualization, nowMs: number): HandlerResult {
  if (message.agvPosition !== undefined) robot.position = { ...message.agvPosition, atMs: nowMs };
  if (message.velocity !== undefined) robot.velocity = message.velocity;
  return {};
}
