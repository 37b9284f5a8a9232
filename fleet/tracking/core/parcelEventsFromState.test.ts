import { describe, expect, it } from 'vitest';
import { deliveryActionsOf, type ActionState, type OrderDeliveryAction, type State } from '../../../protocol/index.ts';
import { deliveryOrderBody } from '../testing/deliveryOrder.ts';
import { idleStateBody } from '../testing/ScriptedRobot.ts';
import { parcelEventsFromState, type ParcelEvent } from './parcelEventsFromState.ts';

const order = deliveryOrderBody('o1', [
  { parcelId: 'P-1', compartment: 0, dropNodeId: 'drop-lib' },
  { parcelId: 'P-2', compartment: 1, dropNodeId: 'drop-chem' },
]);
const decoded = deliveryActionsOf(order);
if (!decoded.ok) throw decoded.error;
const actions = new Map<string, OrderDeliveryAction>(decoded.value.map((a) => [a.actionId, a]));

let headerId = 0;
function state(statuses: Record<string, ActionState['actionStatus'] | [ActionState['actionStatus'], string]>, patch: Partial<State> = {}): State {
  const actionStates = Object.entries(statuses).map(([actionId, s]) => {
    const [actionStatus, resultDescription] = Array.isArray(s) ? s : [s, undefined];
    return { actionId, actionStatus, ...(resultDescription === undefined ? {} : { resultDescription }) };
  });
  return {
    headerId: headerId++, timestamp: '2026-03-02T09:00:00.000Z', version: '2.0.0', manufacturer: 'acme', serialNumber: 'r1',
    ...idleStateBody({ orderId: 'o1' }), actionStates, ...patch,
  };
}

const brief = (events: ParcelEvent[]) => events.map((e) => `${e.kind}:${e.parcelId}${e.reason ? `:${e.reason}` : ''}`);
const W = 'WAITING' as const;

describe('parcelEventsFromState', () => {
  it('follows a whole trip: loaded, out for delivery, awaiting pickup, delivered / no-show, returned', () => {
    const steps: Array<[State, string[]]> = [
      [state({ 'o1-load': W, 'o1-hand-P-1': W, 'o1-hand-P-2': W, 'o1-return': W }), []],
      [state({ 'o1-load': 'RUNNING', 'o1-hand-P-1': W, 'o1-hand-P-2': W, 'o1-return': W }), []],
      [state({ 'o1-load': 'FINISHED', 'o1-hand-P-1': W, 'o1-hand-P-2': W, 'o1-return': W }), ['loaded:P-1', 'loaded:P-2']],
      [state({ 'o1-load': 'FINISHED', 'o1-hand-P-1': W, 'o1-hand-P-2': W, 'o1-return': W }, { driving: true }), ['out_for_delivery:P-1', 'out_for_delivery:P-2']],
      [state({ 'o1-load': 'FINISHED', 'o1-hand-P-1': 'RUNNING', 'o1-hand-P-2': W, 'o1-return': W }, { lastNodeId: 'drop-lib', lastNodeSequenceId: 2 }), ['awaiting_pickup:P-1']],
      [state({ 'o1-load': 'FINISHED', 'o1-hand-P-1': 'FINISHED', 'o1-hand-P-2': W, 'o1-return': W }, { lastNodeId: 'drop-lib', lastNodeSequenceId: 2 }), ['delivered:P-1']],
      // Driving away from a drop node is not a new departure.
      [state({ 'o1-load': 'FINISHED', 'o1-hand-P-1': 'FINISHED', 'o1-hand-P-2': W, 'o1-return': W }, { lastNodeId: 'drop-lib', lastNodeSequenceId: 2, driving: true }), []],
      [state({ 'o1-load': 'FINISHED', 'o1-hand-P-1': 'FINISHED', 'o1-hand-P-2': 'RUNNING', 'o1-return': W }, { lastNodeId: 'drop-chem', lastNodeSequenceId: 4 }), ['awaiting_pickup:P-2']],
      [state({ 'o1-load': 'FINISHED', 'o1-hand-P-1': 'FINISHED', 'o1-hand-P-2': ['FAILED', 'recipient_no_show'], 'o1-return': W }, { lastNodeId: 'drop-chem', lastNodeSequenceId: 4 }), ['delivery_failed:P-2:recipient_no_show']],
      [state({ 'o1-load': 'FINISHED', 'o1-hand-P-1': 'FINISHED', 'o1-hand-P-2': ['FAILED', 'recipient_no_show'], 'o1-return': 'FINISHED' }, { lastNodeId: 'hub', lastNodeSequenceId: 6 }), ['returned:P-1', 'returned:P-2']],
    ];
    let prev: State | undefined;
    for (const [next, expected] of steps) {
      const diff = parcelEventsFromState('r1', prev, next, actions, 1000);
      expect(brief(diff.events)).toEqual(expected);
      // Idempotent: the same state again yields nothing.
      expect(parcelEventsFromState('r1', next, structuredClone(next), actions, 2000).events).toEqual([]);
      prev = next;
    }
  });

  it('carries serial, orderId, actionId, parcelId, compartment and cause', () => {
    const prev = state({ 'o1-hand-P-2': 'RUNNING' });
    const next = state({ 'o1-hand-P-2': ['FAILED', 'pickup_code_lockout'] });
    expect(parcelEventsFromState('r1', prev, next, actions, 4242).events).toEqual([{
      kind: 'locked', serial: 'r1', orderId: 'o1', actionId: 'o1-hand-P-2', parcelId: 'P-2', compartment: 1,
      cause: 'handOverParcel_failed', reason: 'pickup_code_lockout', atMs: 4242,
    }]);
  });

  it('does not send parcels out again when the robot pauses and resumes at the hub', () => {
    const loaded = state({ 'o1-load': 'FINISHED', 'o1-hand-P-1': W, 'o1-hand-P-2': W });
    const moving = { ...loaded, driving: true };
    expect(brief(parcelEventsFromState('r1', loaded, moving, actions, 0).events)).toEqual(['out_for_delivery:P-1', 'out_for_delivery:P-2']);
    expect(parcelEventsFromState('r1', moving, { ...moving, headerId: 99 }, actions, 0).events).toEqual([]);
  });

  it('reports status changes of actions no known order explains, and ignores non-delivery actions', () => {
    const next = state({ 'x-1': 'FINISHED' });
    next.actionStates.push({ actionId: 'ia-1', actionType: 'startPause', actionStatus: 'FINISHED' });
    next.actionStates.push({ actionId: 'x-2', actionType: 'handOverParcel', actionStatus: 'RUNNING' });
    const diff = parcelEventsFromState('r1', undefined, next, actions, 0);
    expect(diff.events).toEqual([]);
    expect(diff.unknownActionIds).toEqual(['x-1', 'x-2']);
  });

  it('reports current statuses once when there is no previous state (server restart)', () => {
    const next = state({ 'o1-load': 'FINISHED', 'o1-hand-P-1': 'RUNNING' });
    expect(brief(parcelEventsFromState('r1', undefined, next, actions, 0).events)).toEqual(['loaded:P-1', 'loaded:P-2', 'awaiting_pickup:P-1']);
  });
});
