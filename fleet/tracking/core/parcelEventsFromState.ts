/**
 * Parcel lifecycle events read off a robot's VDA 5050 state: a PURE diff of the previous and the new state. The
 * delivery actions' parameters (which parcels an actionId concerns) come from the order the server sent, because a
 * state carries only actionIds and statuses [VDA5050 §6.10.3].
 *
 * Idempotent by construction: an event is emitted only on a change between `prev` and `next`, so the same state twice
 * yields nothing the second time. After a server restart with no `prev`, current statuses are reported once; the
 * parcel store must treat an event whose target status the parcel already has as a no-op.
 */
import type { ActionState, OrderDeliveryAction, State } from '../../../protocol/index.ts';

export type ParcelEventKind =
  /** loadParcels FINISHED: the parcel is in its compartment. */
  | 'loaded'
  /** loadParcels FAILED: the parcel did not get aboard (`reason`). */
  | 'load_failed'
  /** The robot started driving away from the node where it loaded the parcel. */
  | 'out_for_delivery'
  /** handOverParcel RUNNING: the robot is at the drop point and waits for the recipient's code. */
  | 'awaiting_pickup'
  /** handOverParcel FINISHED: the recipient took the parcel. */
  | 'delivered'
  /** handOverParcel FAILED for a reason other than lockout (e.g. recipient_no_show): the parcel stays aboard. */
  | 'delivery_failed'
  /** handOverParcel FAILED with pickup_code_lockout: the parcel is locked aboard until returned at the hub. */
  | 'locked'
  /** returnParcels FINISHED: the parcel is back at the hub. */
  | 'returned'
  /** returnParcels FAILED (`reason`). */
  | 'return_failed';

/** What made the event, for the parcel's history. */
export type ParcelEventCause =
  | 'loadParcels_finished'
  | 'loadParcels_failed'
  | 'order_started_driving'
  | 'handOverParcel_running'
  | 'handOverParcel_finished'
  | 'handOverParcel_failed'
  | 'returnParcels_finished'
  | 'returnParcels_failed';

export interface ParcelEvent {
  kind: ParcelEventKind;
  serial: string;
  orderId: string;
  actionId: string;
  parcelId: string;
  compartment: number;
  cause: ParcelEventCause;
  /** The robot's resultDescription for FAILED actions (`recipient_no_show`, `pickup_code_lockout`, …). */
  reason?: string;
  atMs: number;
}

export interface ParcelDiff {
  events: ParcelEvent[];
  /** actionIds with a new status that no known order explains (not ours, or the order is not registered). */
  unknownActionIds: string[];
}

/**
 * The parcel events between `prev` (undefined for the first state seen) and `next`. `actions` maps actionId to the
 * delivery action it stands for, from the orders sent to this robot.
 */
export function parcelEventsFromState(
  serial: string,
  prev: State | undefined,
  next: State,
  actions: ReadonlyMap<string, OrderDeliveryAction>,
  nowMs: number,
): ParcelDiff {
  const events: ParcelEvent[] = [];
  const unknownActionIds: string[] = [];
  // Hot path: most states repeat the previous action statuses (state comes at ≥ 1 Hz, actions change rarely).
  const statusesChanged = !sameStatuses(prev, next);
  if (statusesChanged) diffActions(serial, prev, next, actions, nowMs, events, unknownActionIds);
  if (next.driving) {
    const stillDeparting = prev !== undefined && prev.driving && !statusesChanged && prev.orderId === next.orderId
      && prev.lastNodeId === next.lastNodeId && prev.lastNodeSequenceId === next.lastNodeSequenceId;
    if (!stillDeparting) events.push(...departures(serial, prev, next, actions, nowMs));
  }
  return { events, unknownActionIds };
}

function diffActions(
  serial: string,
  prev: State | undefined,
  next: State,
  actions: ReadonlyMap<string, OrderDeliveryAction>,
  nowMs: number,
  events: ParcelEvent[],
  unknownActionIds: string[],
): void {
  // Both lists usually hold the same actions in the same order: look up by position, and by id only when not.
  const prevStates = prev?.actionStates ?? [];
  let prevStatus: Map<string, ActionState> | undefined;
  const base = { serial, orderId: next.orderId, atMs: nowMs };

  for (let i = 0; i < next.actionStates.length; i++) {
    const now = next.actionStates[i]!;
    let before = prevStates[i];
    if (before?.actionId !== now.actionId) {
      if (prevStatus === undefined) {
        prevStatus = new Map();
        for (const a of prevStates) if (!prevStatus.has(a.actionId)) prevStatus.set(a.actionId, a);
      }
      before = prevStatus.get(now.actionId);
    }
    if (before !== undefined && before.actionStatus === now.actionStatus) continue;
    const known = actions.get(now.actionId);
    if (known === undefined) {
      if (isDeliveryRelevant(now)) unknownActionIds.push(now.actionId);
      continue;
    }
    const da = known.action;
    const reason = now.resultDescription;
    const withReason = reason === undefined ? {} : { reason };
    const common = { ...base, actionId: now.actionId };
    switch (da.actionType) {
      case 'loadParcels':
        if (now.actionStatus === 'FINISHED' || now.actionStatus === 'FAILED') {
          const finished = now.actionStatus === 'FINISHED';
          for (const p of da.params.parcels) {
            events.push({ ...common, kind: finished ? 'loaded' : 'load_failed', parcelId: p.parcelId, compartment: p.compartment,
              cause: finished ? 'loadParcels_finished' : 'loadParcels_failed', ...(finished ? {} : withReason) });
          }
        }
        break;
      case 'handOverParcel': {
        const p = da.params;
        const one = { ...common, parcelId: p.parcelId, compartment: p.compartment };
        if (now.actionStatus === 'RUNNING') events.push({ ...one, kind: 'awaiting_pickup', cause: 'handOverParcel_running' });
        else if (now.actionStatus === 'FINISHED') events.push({ ...one, kind: 'delivered', cause: 'handOverParcel_finished' });
        else if (now.actionStatus === 'FAILED') {
          events.push({ ...one, kind: reason === 'pickup_code_lockout' ? 'locked' : 'delivery_failed', cause: 'handOverParcel_failed', ...withReason });
        }
        break;
      }
      case 'returnParcels':
        if (now.actionStatus === 'FINISHED' || now.actionStatus === 'FAILED') {
          const finished = now.actionStatus === 'FINISHED';
          for (const p of da.params.parcels) {
            events.push({ ...common, kind: finished ? 'returned' : 'return_failed', parcelId: p.parcelId, compartment: p.compartment,
              cause: finished ? 'returnParcels_finished' : 'returnParcels_failed', ...(finished ? {} : withReason) });
          }
        }
        break;
      case 'openCompartment':
        break;
    }
  }
}

/** True when both states list the same actions in the same order with the same statuses. */
function sameStatuses(prev: State | undefined, next: State): boolean {
  if (prev === undefined || prev.actionStates.length !== next.actionStates.length) return false;
  for (let i = 0; i < next.actionStates.length; i++) {
    const a = prev.actionStates[i]!;
    const b = next.actionStates[i]!;
    if (a.actionId !== b.actionId || a.actionStatus !== b.actionStatus) return false;
  }
  return true;
}

/**
 * "Order started driving": the first state of an order in which the robot drives while still at the node where its
 * loadParcels FINISHED, after a state where it did not (stood still, or had not finished loading, or another order).
 * Each handed-over parcel of that order that was loaded there goes out for delivery.
 */
function departures(
  serial: string,
  prev: State | undefined,
  next: State,
  actions: ReadonlyMap<string, OrderDeliveryAction>,
  nowMs: number,
): ParcelEvent[] {
  const out: ParcelEvent[] = [];
  const status = new Map(next.actionStates.map((a) => [a.actionId, a.actionStatus]));
  const prevStatus = new Map((prev?.actionStates ?? []).map((a) => [a.actionId, a.actionStatus]));
  const sameOrder = prev !== undefined && prev.orderId === next.orderId;
  const handedOver = new Set<string>();
  for (const [actionId, a] of actions) {
    if (a.action.actionType === 'handOverParcel' && status.has(actionId)) handedOver.add(a.action.params.parcelId);
  }
  for (const [actionId, a] of actions) {
    if (a.action.actionType !== 'loadParcels' || status.get(actionId) !== 'FINISHED') continue;
    if (next.lastNodeId !== a.nodeId || next.lastNodeSequenceId !== a.sequenceId) continue;
    const wasDepartingAlready = sameOrder && prev.driving && prevStatus.get(actionId) === 'FINISHED'
      && prev.lastNodeId === a.nodeId && prev.lastNodeSequenceId === a.sequenceId;
    if (wasDepartingAlready) continue;
    for (const p of a.action.params.parcels) {
      if (!handedOver.has(p.parcelId)) continue;
      out.push({ kind: 'out_for_delivery', serial, orderId: next.orderId, actionId, parcelId: p.parcelId, compartment: p.compartment,
        cause: 'order_started_driving', atMs: nowMs });
    }
  }
  return out;
}

function isDeliveryRelevant(a: ActionState): boolean {
  return a.actionType === undefined || ['loadParcels', 'handOverParcel', 'returnParcels'].includes(a.actionType);
}
