/**
 * Test helper: a valid delivery order body — load at the hub, hand each parcel over at its drop node, return the
 * rest at the hub — with cheap pickup-code hashes. Action ids are predictable: `<orderId>-load`,
 * `<orderId>-hand-<parcelId>`, `<orderId>-return`.
 */
import {
  CHEAP_SCRYPT_PARAMS, encodeDeliveryAction, hashPickupCode, type Edge, type Node, type VdaBody,
} from '../../../protocol/index.ts';

export interface TestParcel {
  parcelId: string;
  compartment: number;
  dropNodeId: string;
}

export function deliveryOrderBody(orderId: string, parcels: readonly TestParcel[], options: { withReturn?: boolean } = {}): VdaBody<'order'> {
  const code = hashPickupCode('12345678', CHEAP_SCRYPT_PARAMS, Buffer.alloc(16, 7));
  const pos = (x: number) => ({ x, y: 0, theta: 0, mapId: 'campus' });
  const nodes: Node[] = [{
    nodeId: 'hub', sequenceId: 0, released: true, nodePosition: pos(0),
    actions: [encodeDeliveryAction({ actionType: 'loadParcels', params: { parcels: parcels.map((p) => ({ parcelId: p.parcelId, compartment: p.compartment, code })) } }, `${orderId}-load`)],
  }];
  const edges: Edge[] = [];
  parcels.forEach((p, i) => {
    const seq = 2 * (i + 1);
    edges.push({ edgeId: `e-${seq - 1}`, sequenceId: seq - 1, released: true, startNodeId: nodes[nodes.length - 1]!.nodeId, endNodeId: p.dropNodeId, actions: [] });
    nodes.push({
      nodeId: p.dropNodeId, sequenceId: seq, released: true, nodePosition: pos(10 * (i + 1)),
      actions: [encodeDeliveryAction({ actionType: 'handOverParcel', params: { parcelId: p.parcelId, compartment: p.compartment, code, waitForRecipientS: 600, maxAttempts: 5 } }, `${orderId}-hand-${p.parcelId}`)],
    });
  });
  const lastSeq = 2 * parcels.length + 2;
  edges.push({ edgeId: `e-${lastSeq - 1}`, sequenceId: lastSeq - 1, released: true, startNodeId: nodes[nodes.length - 1]!.nodeId, endNodeId: 'hub', actions: [] });
  nodes.push({
    nodeId: 'hub', sequenceId: lastSeq, released: true, nodePosition: pos(0),
    actions: options.withReturn === false ? [] : [encodeDeliveryAction({ actionType: 'returnParcels', params: { parcels: parcels.map((p) => ({ parcelId: p.parcelId, compartment: p.compartment })) } }, `${orderId}-return`)],
  });
  return { orderId, orderUpdateId: 0, nodes, edges };
}
