import type { State } from '../../../protocol/index.ts';
import { parcelEventsFromState } from '../core/parcelEventsFromState.ts';
import { modeOfState } from '../core/robotHealth.ts';
import type { HandlerResult, TrackedRobot } from './TrackedRobot.ts';

/** `state` [VDA5050 §6.10]: the robot's full state; drives health, parcel events and the snapshot. */
export function handleState(robot: TrackedRobot, state: State, nowMs: number): HandlerResult {
  const diff = parcelEventsFromState(robot.record.serial, robot.state, state, robot.deliveryActions, nowMs);
  robot.state = state;
  robot.stateAtMs = nowMs;
  if (state.agvPosition !== undefined) robot.position = { ...state.agvPosition, atMs: nowMs };
  if (state.velocity !== undefined) robot.velocity = state.velocity;
  return { health: { type: 'state', mode: modeOfState(state) }, parcelEvents: diff.events, unknownActionIds: diff.unknownActionIds };
}
