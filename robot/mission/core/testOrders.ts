/** Order builders shared by the mission and bridge tests. */
import {
  CHEAP_SCRYPT_PARAMS,
  encodeDeliveryAction,
  hashPickupCode,
  type Action,
  type CodeHash,
  type Order,
} from '../../../protocol/index.ts';

export const CODE = '48151623';
export const HASH: CodeHash = hashPickupCode(CODE, CHEAP_SCRYPT_PARAMS, Buffer.alloc(16, 7));
export const OTHER_HASH: CodeHash = hashPickupCode('11112222', CHEAP_SCRYPT_PARAMS, Buffer.alloc(16, 9));

/** Node positions on a straight test line (metres). */
export const PLACES: Record<string, { x: number; y: number }> = {
  hub: { x: 0, y: 0 },
  a: { x: 10, y: 0 },
  drop: { x: 20, y: 0 },
  b: { x: 30, y: 0 },
  c: { x: 40, y: 0 },
};

export interface NodeSpec {
  id: string;
  released?: boolean;
  actions?: Action[];
}

/**
 * An order along `nodes` (sequenceIds from `firstSeq`, even for nodes, odd for edges); edges are released when their
 * end node is. Header fields are filled so the order is schema-valid.
 */
export function makeOrder(orderId: string, orderUpdateId: number, nodes: NodeSpec[], firstSeq = 0, serial = { manufacturer: 'acme', serialNumber: 'r1' }): Order {
  return {
    headerId: 1,
    timestamp: '2026-03-02T09:00:00.000Z',
    version: '2.0.0',
    ...serial,
    orderId,
    orderUpdateId,
    nodes: nodes.map((n, i) => ({
      nodeId: n.id,
      sequenceId: firstSeq + 2 * i,
      released: n.released ?? true,
      nodePosition: { ...(PLACES[n.id] ?? { x: 0, y: 0 }), theta: 0, mapId: 'campus' },
      actions: n.actions ?? [],
    })),
    edges: nodes.slice(1).map((n, i) => ({
      edgeId: `e-${nodes[i]!.id}-${n.id}`,
      sequenceId: firstSeq + 2 * i + 1,
      released: n.released ?? true,
      startNodeId: nodes[i]!.id,
      endNodeId: n.id,
      actions: [],
    })),
  };
}

export const load = (actionId: string, parcels: Array<{ parcelId: string; compartment: number; code?: CodeHash }>): Action =>
  encodeDeliveryAction({ actionType: 'loadParcels', params: { parcels: parcels.map((p) => ({ ...p, code: p.code ?? HASH })) } }, actionId);

export const handOver = (actionId: string, parcelId: string, compartment: number, waitForRecipientS = 600, maxAttempts = 5): Action =>
  encodeDeliveryAction({ actionType: 'handOverParcel', params: { parcelId, compartment, code: HASH, waitForRecipientS, maxAttempts } }, actionId);

export const returnParcels = (actionId: string, parcels: Array<{ parcelId: string; compartment: number }>): Action =>
  encodeDeliveryAction({ actionType: 'returnParcels', params: { parcels } }, actionId);

/** The standard delivery trip: load P-1 into compartment 0 at the hub, drive to the drop, hand it over. */
export function deliveryOrder(orderId = 'trip-1', parcelId = 'P-1', compartment = 0): Order {
  return makeOrder(orderId, 0, [
    { id: 'hub', actions: [load('a-load', [{ parcelId, compartment }])] },
    { id: 'a' },
    { id: 'drop', actions: [handOver('a-hand', parcelId, compartment)] },
  ]);
}
