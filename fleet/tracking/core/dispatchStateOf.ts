/**
 * The one-word robot state the dispatch planner works with (fleet/dispatch RobotState), derived from tracking.
 * Stale counts as offline for planning: a robot we cannot hear from must not be given a new trip.
 */
import type { RobotState } from '../../dispatch/index.ts';
import type { State } from '../../../protocol/index.ts';
import type { RobotHealth } from './robotHealth.ts';

/**
 * `idle_at_hub` needs an idle robot without an order in progress whose last node is a hub node (`hubNodeIds`); an
 * idle robot elsewhere is still finishing a trip (`on_trip`) from the planner's point of view.
 */
export function dispatchStateOf(
  health: RobotHealth,
  state: Pick<State, 'lastNodeId' | 'nodeStates'> | undefined,
  hubNodeIds: ReadonlySet<string>,
): RobotState {
  if (health.kind !== 'online' || state === undefined) return 'offline';
  switch (health.mode) {
    case 'fault':
      return 'offline';
    case 'paused':
      return 'paused';
    case 'charging':
      return 'charging';
    case 'driving':
      return 'on_trip';
    case 'idle':
      return state.nodeStates.length === 0 && hubNodeIds.has(state.lastNodeId) ? 'idle_at_hub' : 'on_trip';
  }
}
