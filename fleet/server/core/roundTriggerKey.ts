import type { RobotView } from '../../tracking/index.ts';

/**
 * What about a robot makes the dispatch loop run a round soon (DispatchLoop): it stands idle with its order done (at
 * the hub, at a charging bay, after a cancel) or reporting an error (a refused order). A round is due when this key
 * changes to anything but ''. Idle robots report state often, so only a change counts. A robot idle at a stop of an
 * order still under way (nodes left, no error) gives '': a round has nothing to do for it there, and a 60-robot fleet
 * reaches a stop every few seconds; the loop's period still looks at it.
 */
export function roundTriggerKey(view: Pick<RobotView, 'health' | 'nodesLeft' | 'errors' | 'dispatchState' | 'orderId' | 'lastNodeId' | 'loads'>): string {
  const idle = view.health.kind === 'online' && view.health.mode === 'idle';
  const orderDone = view.nodesLeft === undefined || view.nodesLeft === 0;
  if (!idle || (!orderDone && view.errors.length === 0)) return '';
  return `${view.dispatchState}|${view.orderId ?? ''}|${view.lastNodeId ?? ''}|${view.loads.length}`;
}
