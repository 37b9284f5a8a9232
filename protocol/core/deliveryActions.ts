/**
 * The delivery custom actions, carried as ordinary VDA 5050 actions (actionType + actionParameters key/value list)
 * [VDA5050 §6.8: actions beyond the predefined ones are manufacturer/integrator specific]. docs/protocol.md is
 * their specification for third-party robots; this module is the typed encode/decode with validation.
 *
 * Parameter values must fit the 2.0.0 order schema's actionParameter.value type (array | boolean | number | string;
 * objects only from 2.1), so a pickup-code hash travels as one string (see encodeCodeHash) and parcel lists as arrays
 * of objects.
 */
import { err, ok, type Result } from '../../common/core/AppError.ts';
import type { Action, ActionParameter, Order } from './messages.ts';
import { checkCodeHash, type CodeHash } from './pickupCode.ts';
import { ProtocolError, formatDetails, type ProtocolErrorDetail } from './ProtocolError.ts';

export const DELIVERY_ACTION_TYPES = ['loadParcels', 'handOverParcel', 'returnParcels', 'openCompartment'] as const;
export type DeliveryActionType = (typeof DELIVERY_ACTION_TYPES)[number];

/** One parcel put into a compartment at the hub, with the hash of the code that will open it. */
export interface ParcelLoad {
  parcelId: string;
  /** Compartment number on the robot, 0-based. */
  compartment: number;
  code: CodeHash;
}

export interface LoadParcelsParams {
  parcels: ParcelLoad[];
}

export interface HandOverParcelParams {
  parcelId: string;
  compartment: number;
  code: CodeHash;
  /** How long the robot waits at the drop node for a correct code before failing with `recipient_no_show`. */
  waitForRecipientS: number;
  /** Wrong codes allowed before the parcel locks (`pickup_code_lockout`). Default 5. */
  maxAttempts: number;
}

export interface ReturnParcelsParams {
  parcels: { parcelId: string; compartment: number }[];
}

/** Maintenance only: opens one compartment without a code check. */
export interface OpenCompartmentParams {
  compartment: number;
}

export type DeliveryAction =
  | { actionType: 'loadParcels'; params: LoadParcelsParams }
  | { actionType: 'handOverParcel'; params: HandOverParcelParams }
  | { actionType: 'returnParcels'; params: ReturnParcelsParams }
  | { actionType: 'openCompartment'; params: OpenCompartmentParams };

export const DEFAULT_MAX_ATTEMPTS = 5;
export const MAX_COMPARTMENT = 63;
const MAX_ID_LENGTH = 128;
const MAX_WAIT_S = 3600;
const MAX_ATTEMPTS_LIMIT = 20;
const MAX_PARCELS = 64;

/**
 * Blocking types of the delivery actions [VDA5050 §6.12], the first of each list being the one encodeDeliveryAction
 * sends. Hub work (loadParcels, returnParcels) and maintenance are HARD: staff work the doors and nothing else runs.
 * handOverParcel is SOFT: the robot must not drive, but all hand-overs of a stop run together, so a building's
 * recipients are served in parallel and a no-show does not hold up the others. A HARD handOverParcel is still
 * accepted: the robot then serves that stop's recipients one at a time.
 */
export const DELIVERY_BLOCKING_TYPES: Readonly<Record<DeliveryActionType, readonly ('HARD' | 'SOFT')[]>> = {
  loadParcels: ['HARD'],
  handOverParcel: ['SOFT', 'HARD'],
  returnParcels: ['HARD'],
  openCompartment: ['HARD'],
};

/** The blocking type of the compartment actions worked at the hub (loadParcels, returnParcels, openCompartment). */
export const DELIVERY_BLOCKING_TYPE = 'HARD';

/**
 * Action states the robot reports for delivery actions are the standard ones [VDA5050 §6.11]; these
 * `resultDescription` values say why a FAILED delivery action failed.
 */
export const DELIVERY_FAILURE_REASONS = {
  recipient_no_show: 'handOverParcel: nobody entered the right code within waitForRecipientS; the parcel stays aboard',
  pickup_code_lockout: 'handOverParcel: maxAttempts wrong codes; the parcel is locked and stays aboard',
  already_handed_over: 'handOverParcel: the parcel was handed over before; a parcel is never handed over twice',
  parcel_not_aboard: 'handOverParcel/returnParcels: the parcel is not in the named compartment',
  compartment_fault: 'any: the compartment did not open, close or report its content as expected',
} as const;
export type DeliveryFailureReason = keyof typeof DELIVERY_FAILURE_REASONS;

/**
 * errorType values in state.errors. The first four are the standard's [VDA5050 §6.6.3.2, §6.6.4.1–§6.6.4.3]; the
 * delivery ones are ours, reported with errorLevel WARNING and an errorReference `actionId` (and `parcelId`).
 */
export const ERROR_TYPES = {
  noOrderToCancel: '[VDA5050 §6.6.3.2] cancelOrder received with no order to cancel',
  validationError: '[VDA5050 §6.6.4.1] malformed order (fails the schema, or bad delivery-action parameters)',
  orderError: '[VDA5050 §6.6.4.2] order with actions or fields the robot cannot perform or use',
  orderUpdateError: '[VDA5050 §6.6.4.3] order update with the same orderId and a lower orderUpdateId',
  pickupCodeLockout: 'delivery: maxAttempts wrong pickup codes; parcel locked',
  recipientNoShow: 'delivery: the recipient did not come within waitForRecipientS',
  compartmentFault: 'delivery: a compartment failed to open/close or reports the wrong content',
} as const;
export type ErrorType = keyof typeof ERROR_TYPES;

/**
 * The standard instant actions we send or accept, with the clause that defines them [VDA5050 §6.8.1]. Delivery
 * actions are never instant: they belong on a node of an order.
 */
export const STANDARD_INSTANT_ACTIONS = {
  startPause: '[VDA5050 §6.8.1] pause the current order; resume with stopPause',
  stopPause: '[VDA5050 §6.8.1] resume after startPause',
  cancelOrder: '[VDA5050 §6.8.1, §6.6.3] cancel the current order; robot stops, pending actions FAILED',
  startCharging: '[VDA5050 §6.8.1] start charging (robot must be at a charging dock)',
  stopCharging: '[VDA5050 §6.8.1] stop charging',
  stateRequest: '[VDA5050 §6.8.1] publish a state message now',
  factsheetRequest: '[VDA5050 §6.8.1] publish the factsheet now',
} as const;
export type StandardInstantAction = keyof typeof STANDARD_INSTANT_ACTIONS;

export function isDeliveryActionType(actionType: string): actionType is DeliveryActionType {
  return (DELIVERY_ACTION_TYPES as readonly string[]).includes(actionType);
}

/** Wire form of a CodeHash: `scrypt$<N>$<r>$<p>$<saltB64>$<hashB64>` (standard base64 never contains `$`). */
export function encodeCodeHash(hash: CodeHash): string {
  return `scrypt$${hash.N}$${hash.r}$${hash.p}$${hash.saltB64}$${hash.hashB64}`;
}

/** Parses the wire form of a CodeHash, or says why it is not one. */
export function decodeCodeHash(value: unknown): Result<CodeHash, string> {
  if (typeof value !== 'string') return err('must be a string "scrypt$N$r$p$saltB64$hashB64"');
  const parts = value.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return err('must have the form "scrypt$N$r$p$saltB64$hashB64"');
  const [, n, r, p, saltB64, hashB64] = parts as [string, string, string, string, string, string];
  const num = (s: string) => (/^[1-9][0-9]{0,9}$/.test(s) ? Number(s) : NaN);
  const hash: CodeHash = { alg: 'scrypt', N: num(n), r: num(r), p: num(p), saltB64, hashB64 };
  const bad = checkCodeHash(hash);
  return bad === undefined ? ok(hash) : err(bad);
}

/**
 * Encodes a delivery action as a VDA 5050 action. Validates the parameters first and throws ProtocolError
 * (`PROTOCOL_ACTION_PARAMS`) when they are bad: the server must never send an action a robot would reject.
 */
export function encodeDeliveryAction(action: DeliveryAction, actionId: string, actionDescription?: string): Action {
  const actionParameters = toParameters(action);
  const out: Action = { actionType: action.actionType, actionId, blockingType: DELIVERY_BLOCKING_TYPES[action.actionType][0]!, actionParameters };
  if (actionDescription !== undefined) out.actionDescription = actionDescription;
  const decoded = decodeDeliveryAction(out);
  if (!decoded.ok) throw decoded.error;
  return out;
}

function toParameters(action: DeliveryAction): ActionParameter[] {
  switch (action.actionType) {
    case 'loadParcels':
      return [{ key: 'parcels', value: action.params.parcels.map((p) => ({ parcelId: p.parcelId, compartment: p.compartment, code: encodeCodeHash(p.code) })) }];
    case 'handOverParcel': {
      const p = action.params;
      return [
        { key: 'parcelId', value: p.parcelId },
        { key: 'compartment', value: p.compartment },
        { key: 'code', value: encodeCodeHash(p.code) },
        { key: 'waitForRecipientS', value: p.waitForRecipientS },
        { key: 'maxAttempts', value: p.maxAttempts },
      ];
    }
    case 'returnParcels':
      return [{ key: 'parcels', value: action.params.parcels.map((p) => ({ parcelId: p.parcelId, compartment: p.compartment })) }];
    case 'openCompartment':
      return [{ key: 'compartment', value: action.params.compartment }];
  }
}

/**
 * Decodes and validates a delivery action from a VDA 5050 action. Errors (`PROTOCOL_ACTION_PARAMS`) carry JSON
 * pointers relative to the action (`/actionParameters/0/value/1/compartment`); pass `basePath` (e.g.
 * `/nodes/3/actions/0`) to make them absolute within the order.
 */
export function decodeDeliveryAction(
  action: { actionType: string; blockingType?: string; actionParameters?: ActionParameter[] },
  basePath = '',
): Result<DeliveryAction, ProtocolError> {
  const problems: ProtocolErrorDetail[] = [];
  const bad = (path: string, message: string) => problems.push({ path: basePath + path, message });
  const fail = () => err(new ProtocolError('PROTOCOL_ACTION_PARAMS', `${action.actionType}: ${formatDetails(problems)}`, { details: problems }));

  if (!isDeliveryActionType(action.actionType)) {
    bad('/actionType', `is not a delivery action (${DELIVERY_ACTION_TYPES.join(', ')})`);
    return fail();
  }
  const blocking: readonly string[] = DELIVERY_BLOCKING_TYPES[action.actionType];
  if (action.blockingType !== undefined && !blocking.includes(action.blockingType)) {
    bad('/blockingType', `must be ${blocking.join(' or ')} for ${action.actionType}`);
  }
  const params = new Map<string, { value: unknown; path: string }>();
  const list = action.actionParameters ?? [];
  if (!Array.isArray(list)) {
    bad('/actionParameters', 'must be an array');
    return fail();
  }
  list.forEach((p, i) => {
    const path = `/actionParameters/${i}`;
    if (typeof p !== 'object' || p === null || typeof p.key !== 'string') bad(path, 'must be {key, value}');
    else if (params.has(p.key)) bad(`${path}/key`, `duplicate key ${JSON.stringify(p.key)}`);
    else params.set(p.key, { value: p.value, path: `${path}/value` });
  });

  const allowed: Record<DeliveryActionType, readonly string[]> = {
    loadParcels: ['parcels'],
    handOverParcel: ['parcelId', 'compartment', 'code', 'waitForRecipientS', 'maxAttempts'],
    returnParcels: ['parcels'],
    openCompartment: ['compartment'],
  };
  list.forEach((p, i) => {
    if (typeof p?.key === 'string' && !allowed[action.actionType as DeliveryActionType].includes(p.key)) {
      bad(`/actionParameters/${i}/key`, `unknown parameter ${JSON.stringify(p.key)} (expected ${allowed[action.actionType as DeliveryActionType].join(', ')})`);
    }
  });
  const need = (key: string): { value: unknown; path: string } | undefined => {
    const p = params.get(key);
    if (p === undefined) bad('/actionParameters', `parameter ${JSON.stringify(key)} is required`);
    return p;
  };

  let result: DeliveryAction | undefined;
  switch (action.actionType) {
    case 'loadParcels': {
      const p = need('parcels');
      const parcels = p === undefined ? undefined : parcelList(p.value, p.path, true, bad);
      if (parcels !== undefined) result = { actionType: 'loadParcels', params: { parcels: parcels as ParcelLoad[] } };
      break;
    }
    case 'returnParcels': {
      const p = need('parcels');
      const parcels = p === undefined ? undefined : parcelList(p.value, p.path, false, bad);
      if (parcels !== undefined) result = { actionType: 'returnParcels', params: { parcels } };
      break;
    }
    case 'handOverParcel': {
      const id = need('parcelId'), comp = need('compartment'), code = need('code'), wait = need('waitForRecipientS');
      const attempts = params.get('maxAttempts');
      const parcelId = id && parcelIdOf(id.value, id.path, bad);
      const compartment = comp && compartmentOf(comp.value, comp.path, bad);
      const hash = code && codeOf(code.value, code.path, bad);
      let waitForRecipientS: number | undefined;
      if (wait !== undefined) {
        if (typeof wait.value !== 'number' || !Number.isFinite(wait.value) || wait.value <= 0 || wait.value > MAX_WAIT_S) {
          bad(wait.path, `waitForRecipientS must be a number of seconds in (0, ${MAX_WAIT_S}]`);
        } else waitForRecipientS = wait.value;
      }
      let maxAttempts: number | undefined = DEFAULT_MAX_ATTEMPTS;
      if (attempts !== undefined) {
        const v = attempts.value;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_ATTEMPTS_LIMIT) {
          bad(attempts.path, `maxAttempts must be an integer in 1..${MAX_ATTEMPTS_LIMIT}`);
          maxAttempts = undefined;
        } else maxAttempts = v;
      }
      if (parcelId !== undefined && compartment !== undefined && hash !== undefined && waitForRecipientS !== undefined && maxAttempts !== undefined) {
        result = { actionType: 'handOverParcel', params: { parcelId, compartment, code: hash, waitForRecipientS, maxAttempts } };
      }
      break;
    }
    case 'openCompartment': {
      const comp = need('compartment');
      const compartment = comp && compartmentOf(comp.value, comp.path, bad);
      if (compartment !== undefined) result = { actionType: 'openCompartment', params: { compartment } };
      break;
    }
  }
  if (problems.length > 0 || result === undefined) return fail();
  return ok(result);
}

/** A delivery action found in an order, with where it is. */
export interface OrderDeliveryAction {
  nodeId: string;
  sequenceId: number;
  actionId: string;
  /** JSON pointer of the action within the order. */
  path: string;
  action: DeliveryAction;
}

/**
 * Decodes every delivery action on the order's nodes, and checks rules that span actions: a parcel is handed over
 * at most once per order, and delivery actions appear only on nodes (never on edges, where actions stop when the
 * edge is left [VDA5050 §6.7 edge.actions]). A failure is a `validationError` [VDA5050 §6.6.4.1] for the robot.
 */
export function deliveryActionsOf(order: Pick<Order, 'nodes' | 'edges'>): Result<OrderDeliveryAction[], ProtocolError> {
  const found: OrderDeliveryAction[] = [];
  const problems: ProtocolErrorDetail[] = [];
  order.nodes.forEach((node, n) => {
    node.actions.forEach((action, a) => {
      if (!isDeliveryActionType(action.actionType)) return;
      const path = `/nodes/${n}/actions/${a}`;
      const decoded = decodeDeliveryAction(action, path);
      if (decoded.ok) found.push({ nodeId: node.nodeId, sequenceId: node.sequenceId, actionId: action.actionId, path, action: decoded.value });
      else problems.push(...decoded.error.details);
    });
  });
  order.edges.forEach((edge, e) => {
    edge.actions.forEach((action, a) => {
      if (isDeliveryActionType(action.actionType)) problems.push({ path: `/edges/${e}/actions/${a}/actionType`, message: `${action.actionType} is only allowed on nodes` });
    });
  });
  const handedOver = new Set<string>();
  for (const f of found) {
    if (f.action.actionType !== 'handOverParcel') continue;
    const id = f.action.params.parcelId;
    if (handedOver.has(id)) problems.push({ path: `${f.path}/actionParameters`, message: `parcel ${JSON.stringify(id)} is handed over more than once in this order` });
    handedOver.add(id);
  }
  if (problems.length > 0) return err(new ProtocolError('PROTOCOL_ACTION_PARAMS', `order delivery actions: ${formatDetails(problems)}`, { details: problems }));
  return ok(found);
}

type Bad = (path: string, message: string) => void;

function parcelIdOf(value: unknown, path: string, bad: Bad): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
    bad(path, `parcelId must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
    return undefined;
  }
  return value;
}

function compartmentOf(value: unknown, path: string, bad: Bad): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_COMPARTMENT) {
    bad(path, `compartment must be an integer in 0..${MAX_COMPARTMENT}`);
    return undefined;
  }
  return value;
}

function codeOf(value: unknown, path: string, bad: Bad): CodeHash | undefined {
  const decoded = decodeCodeHash(value);
  if (!decoded.ok) {
    bad(path, `code ${decoded.error}`);
    return undefined;
  }
  return decoded.value;
}

function parcelList(value: unknown, path: string, withCode: boolean, bad: Bad): { parcelId: string; compartment: number; code?: CodeHash }[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PARCELS) {
    bad(path, `parcels must be a non-empty array of at most ${MAX_PARCELS} parcels`);
    return undefined;
  }
  const out: { parcelId: string; compartment: number; code?: CodeHash }[] = [];
  const ids = new Set<string>(), compartments = new Set<number>();
  let ok_ = true;
  value.forEach((item: unknown, i) => {
    const ip = `${path}/${i}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      bad(ip, withCode ? 'must be {parcelId, compartment, code}' : 'must be {parcelId, compartment}');
      ok_ = false;
      return;
    }
    const o = item as Record<string, unknown>;
    const expected = withCode ? ['parcelId', 'compartment', 'code'] : ['parcelId', 'compartment'];
    for (const k of Object.keys(o)) if (!expected.includes(k)) bad(`${ip}/${k}`, 'unknown field');
    const parcelId = parcelIdOf(o.parcelId, `${ip}/parcelId`, bad);
    const compartment = compartmentOf(o.compartment, `${ip}/compartment`, bad);
    const code = withCode ? codeOf(o.code, `${ip}/code`, bad) : undefined;
    if (parcelId === undefined || compartment === undefined || (withCode && code === undefined)) {
      ok_ = false;
      return;
    }
    if (ids.has(parcelId)) bad(`${ip}/parcelId`, `duplicate parcel ${JSON.stringify(parcelId)}`);
    if (compartments.has(compartment)) bad(`${ip}/compartment`, `compartment ${compartment} used twice`);
    ids.add(parcelId);
    compartments.add(compartment);
    out.push(withCode ? { parcelId, compartment, code: code! } : { parcelId, compartment });
  });
  return ok_ ? out : undefined;
}
