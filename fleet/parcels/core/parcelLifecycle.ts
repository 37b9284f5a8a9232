/**
 * The parcel state machine, as data. Every status change goes through `transition`, which either names the next
 * status or says why the event does not apply; the service records each change in the parcel's event log.
 *
 * Happy path: received → assigned → loaded → out_for_delivery → awaiting_pickup → delivered.
 * Detours (docs/fleet-storage.md explains each from the operator's side):
 * - re-plan before loading: assigned --unassign--> received; re-assignment to another robot: assigned --assign--> assigned
 * - trip aborted at the hub after loading: loaded --unload--> received
 * - robot fault with the parcel aboard: loaded | out_for_delivery | awaiting_pickup --fault--> failed, then
 *   failed --recover--> received (parcel back at the hub, re-planned) or failed --return--> returned
 * - delivery abandoned (recipient never came, drop point unreachable, code locked out, dispatcher decision):
 *   out_for_delivery | awaiting_pickup --return--> returned; a returned parcel may be re-queued (--requeue--> received)
 * - never sent out (no trip can reach its drop point): received --return--> returned
 * - delivered only from awaiting_pickup, and only by a verified-code event
 * - cancelled only while the parcel is not on a robot: received | assigned | returned --cancel--> cancelled
 * delivered and cancelled are terminal.
 */
import { err, ok, type Result } from '../../../common/core/AppError.ts';

export const PARCEL_STATUSES = [
  'received',
  'assigned',
  'loaded',
  'out_for_delivery',
  'awaiting_pickup',
  'delivered',
  'returned',
  'failed',
  'cancelled',
] as const;

export type ParcelStatus = (typeof PARCEL_STATUSES)[number];

/** What happened to a parcel. `reason` is free text for the operator (never a code or token). */
export type ParcelEvent =
  | { type: 'assign'; robotSerial: string; tripId?: string }
  | { type: 'unassign'; reason: string }
  | { type: 'load' }
  | { type: 'unload'; reason: string }
  /** `etaMs`: expected arrival at the drop point (ms since epoch), passed on to the recipient. */
  | { type: 'depart'; etaMs?: number }
  | { type: 'arrive' }
  /** The recipient's code was checked: by the robot against the hash in its order, or by the server. */
  | { type: 'code_verified'; by: 'robot' | 'server' }
  | { type: 'return'; reason: ReturnReason }
  | { type: 'fault'; reason: string }
  | { type: 'recover'; reason?: string }
  | { type: 'requeue'; reason?: string }
  | { type: 'cancel'; reason: string };

export type ParcelEventType = ParcelEvent['type'];
/** `unreachable` and `trip_too_long`: no trip can carry it (no path, or its stop alone exceeds the longest trip). */
export type ReturnReason = 'unclaimed' | 'unreachable' | 'trip_too_long' | 'code_locked' | 'robot_fault' | 'dispatcher';

interface Rule {
  from: readonly ParcelStatus[];
  to: ParcelStatus;
}

/** The allowed transitions: event → (statuses it applies in, status it leads to). */
export const TRANSITIONS: Readonly<Record<ParcelEventType, Rule>> = {
  assign: { from: ['received', 'assigned'], to: 'assigned' },
  unassign: { from: ['assigned'], to: 'received' },
  load: { from: ['assigned'], to: 'loaded' },
  unload: { from: ['loaded'], to: 'received' },
  depart: { from: ['loaded'], to: 'out_for_delivery' },
  arrive: { from: ['out_for_delivery'], to: 'awaiting_pickup' },
  code_verified: { from: ['awaiting_pickup'], to: 'delivered' },
  return: { from: ['received', 'out_for_delivery', 'awaiting_pickup', 'failed'], to: 'returned' },
  fault: { from: ['loaded', 'out_for_delivery', 'awaiting_pickup'], to: 'failed' },
  recover: { from: ['failed'], to: 'received' },
  requeue: { from: ['returned'], to: 'received' },
  cancel: { from: ['received', 'assigned', 'returned'], to: 'cancelled' },
};

export const TERMINAL_STATUSES: readonly ParcelStatus[] = ['delivered', 'cancelled'];

/** Why an event does not apply; `message` names both the status and the event. */
export interface TransitionError {
  kind: 'illegal_transition';
  from: ParcelStatus;
  event: ParcelEventType;
  /** The statuses in which this event would have been accepted. */
  allowedFrom: readonly ParcelStatus[];
  message: string;
}

/** The status after `event`, or why the event is illegal in `status`. Pure. */
export function transition(status: ParcelStatus, event: ParcelEvent): Result<ParcelStatus, TransitionError> {
  const rule = TRANSITIONS[event.type];
  if (rule.from.includes(status)) return ok(rule.to);
  const terminal = TERMINAL_STATUSES.includes(status) ? ` (${status} is final)` : '';
  return err({
    kind: 'illegal_transition',
    from: status,
    event: event.type,
    allowedFrom: rule.from,
    message: `cannot apply '${event.type}' to a parcel that is ${status}${terminal}: '${event.type}' leads to ${rule.to} only from ${rule.from.join(' or ')}`,
  });
}

/** The events that apply in `status` (for consoles: which buttons to offer). */
export function allowedEvents(status: ParcelStatus): ParcelEventType[] {
  return (Object.keys(TRANSITIONS) as ParcelEventType[]).filter((t) => TRANSITIONS[t].from.includes(status));
}

export function isParcelStatus(value: unknown): value is ParcelStatus {
  return typeof value === 'string' && (PARCEL_STATUSES as readonly string[]).includes(value);
}

export function isTerminalStatus(status: ParcelStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** Whether the parcel's robot/trip assignment survives this event (it is cleared when the parcel leaves the robot's plan). */
export function clearsAssignment(event: ParcelEvent): boolean {
  return event.type === 'unassign' || event.type === 'unload' || event.type === 'recover' || event.type === 'requeue' || event.type === 'cancel';
}
