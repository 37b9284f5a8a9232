import type { Factsheet } from '../../../protocol/index.ts';
import type { HandlerResult, TrackedRobot } from './TrackedRobot.ts';

/** `factsheet` [VDA5050 §6.15]: the robot's capabilities, kept for the console and for checks by the dispatcher. */
export function handleFactsheet(robot: TrackedRobot, message: Factsheet, _nowMs: number): HandlerResult {
  robot.factsheet = message;
  return {};
}
