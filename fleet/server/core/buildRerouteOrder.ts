/**
 * The VDA 5050 messages of a re-route of a trip under way (fleet/dispatch planLiveReroute decides which): a new order
 * from where the robot stands after cancelOrder, or an order update stitched at the last released node. Pure. Both
 * visit the stops with a `handOverParcel` per parcel still aboard (no `loadParcels`: the parcels are in their
 * compartments already) and end at the hub.
 */
import { DEFAULT_MAX_ATTEMPTS, encodeDeliveryAction, type CodeHash, type Edge, type Node, type VdaBody } from '../../../protocol/index.ts';
import type { OrderPlace } from './buildTripOrder.ts';

export interface RerouteStop {
  place: OrderPlace;
  /** Compartments 0-based, as in the trip's order. */
  parcels: { parcelId: string; compartment: number }[];
}

interface RerouteCommon {
  mapId: string;
  hub: OrderPlace;
  hubDeviationM: number;
  codes: ReadonlyMap<string, CodeHash>;
  waitForRecipientS: number;
  maxAttempts?: number;
}

/**
 * The order sent after cancelOrder: its first node is where the robot stands (the path-graph node nearest to it,
 * with a deviation that covers the distance, so the robot accepts it as its current node [VDA5050 §6.6.2]), then the
 * stops in the dispatcher's order, then the hub. Every node is released, as in trip orders.
 */
export function buildReplacementOrder(input: RerouteCommon & {
  orderId: string;
  start: OrderPlace;
  startDeviationM: number;
  stops: readonly RerouteStop[];
}): VdaBody<'order'> {
  const nodes: Node[] = [{ nodeId: input.start.nodeId, sequenceId: 0, released: true, nodePosition: position(input.start, input.mapId, input.startDeviationM), actions: [] }];
  const edges: Edge[] = [];
  appendStops(nodes, edges, input, input.stops, input.orderId, `${input.orderId}-hand-`);
  return { orderId: input.orderId, orderUpdateId: 0, nodes, edges };
}

/**
 * The order update: same orderId, the next orderUpdateId, starting with the current order's last released node
 * (`stitchSequenceId`, content as first sent) and appending the stops and the hub after it [VDA5050 §6.6.2]. The
 * horizon of the current order is replaced. Throws RangeError when the stitching node is not in `current`.
 */
export function buildRerouteUpdate(input: RerouteCommon & {
  current: VdaBody<'order'>;
  orderUpdateId: number;
  stitchSequenceId: number;
  append: readonly RerouteStop[];
}): VdaBody<'order'> {
  const stitch = input.current.nodes.find((n) => n.sequenceId === input.stitchSequenceId);
  if (stitch === undefined || !stitch.released) {
    throw new RangeError(`buildRerouteUpdate: order ${input.current.orderId} has no released node with sequenceId ${input.stitchSequenceId}`);
  }
  const { orderId } = input.current;
  const nodes: Node[] = [structuredClone(stitch)];
  const edges: Edge[] = [];
  appendStops(nodes, edges, input, input.append, orderId, `${orderId}-u${input.orderUpdateId}-hand-`);
  return { orderId, orderUpdateId: input.orderUpdateId, nodes, edges };
}

function appendStops(nodes: Node[], edges: Edge[], input: RerouteCommon, stops: readonly RerouteStop[], orderId: string, actionPrefix: string): void {
  const code = (parcelId: string): CodeHash => {
    const hash = input.codes.get(parcelId);
    if (hash === undefined) throw new RangeError(`buildRerouteOrder: no code hash for parcel ${parcelId}`);
    return hash;
  };
  const add = (place: OrderPlace, actions: Node['actions'], deviationM?: number) => {
    const prev = nodes[nodes.length - 1]!;
    const seq = prev.sequenceId + 2;
    edges.push({ edgeId: `${orderId}-e${seq - 1}`, sequenceId: seq - 1, released: true, startNodeId: prev.nodeId, endNodeId: place.nodeId, actions: [] });
    nodes.push({ nodeId: place.nodeId, sequenceId: seq, released: true, nodePosition: position(place, input.mapId, deviationM), actions });
  };
  for (const stop of stops) {
    add(stop.place, stop.parcels.map((p) => encodeDeliveryAction({
      actionType: 'handOverParcel',
      params: {
        parcelId: p.parcelId, compartment: p.compartment, code: code(p.parcelId),
        waitForRecipientS: input.waitForRecipientS, maxAttempts: input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      },
    }, `${actionPrefix}${p.parcelId}`, stop.place.name)));
  }
  add(input.hub, [], input.hubDeviationM);
}

function position(p: OrderPlace, mapId: string, deviationM?: number): Node['nodePosition'] {
  return { x: round(p.x), y: round(p.y), theta: 0, mapId, ...(deviationM === undefined ? {} : { allowedDeviationXy: deviationM }) };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
