/**
 * The VDA 5050 order for a planned trip: the hub node with `loadParcels`, one node per stop with a `handOverParcel`
 * per parcel, and the hub again. Pure. Which parcels come back is only known at the end, so `returnParcels` goes out
 * in a separate one-node order once the robot is back (buildReturnOrder).
 */
import { DEFAULT_MAX_ATTEMPTS, encodeDeliveryAction, type CodeHash, type Edge, type Node, type VdaBody } from '../../../protocol/index.ts';

/** Where a place is for the robot: the graph node it stands for, in the campus metric frame. */
export interface OrderPlace {
  nodeId: string;
  x: number;
  y: number;
  name?: string;
}

export interface TripOrderInput {
  orderId: string;
  /** The map id robots use (the campus name). */
  mapId: string;
  hub: OrderPlace;
  /** Stops in driving order, each with its parcels (compartments 0-based). */
  stops: { place: OrderPlace; parcels: { parcelId: string; compartment: number }[] }[];
  codes: ReadonlyMap<string, CodeHash>;
  /** How long the robot waits at a stop for the recipient's code. */
  waitForRecipientS: number;
  maxAttempts?: number;
  /** How far from the hub node the robot may stand when the order starts (it parks anywhere in the hub bay). */
  hubDeviationM: number;
  /** Where the trip ends: the robot's own waiting spot at the hub (same node id, its own position). Default the hub. */
  end?: OrderPlace;
}

/** Thrown-free: a parcel without a code hash is left out of the order by the caller; here every parcel must have one. */
export function buildTripOrder(input: TripOrderInput): VdaBody<'order'> {
  const { orderId, mapId, hub } = input;
  const position = (p: OrderPlace, deviationM?: number) => ({
    x: round(p.x), y: round(p.y), theta: 0, mapId, ...(deviationM === undefined ? {} : { allowedDeviationXy: deviationM }),
  });
  const code = (parcelId: string): CodeHash => {
    const hash = input.codes.get(parcelId);
    if (hash === undefined) throw new RangeError(`buildTripOrder: no code hash for parcel ${parcelId}`);
    return hash;
  };
  const all = input.stops.flatMap((s) => s.parcels);
  const nodes: Node[] = [{
    nodeId: hub.nodeId, sequenceId: 0, released: true, nodePosition: position(hub, input.hubDeviationM),
    actions: [encodeDeliveryAction({
      actionType: 'loadParcels',
      params: { parcels: all.map((p) => ({ parcelId: p.parcelId, compartment: p.compartment, code: code(p.parcelId) })) },
    }, `${orderId}-load`)],
  }];
  const edges: Edge[] = [];
  const addNode = (place: OrderPlace, actions: Node['actions'], deviationM?: number) => {
    const prev = nodes[nodes.length - 1]!;
    const seq = prev.sequenceId + 2;
    edges.push({ edgeId: `${orderId}-e${seq - 1}`, sequenceId: seq - 1, released: true, startNodeId: prev.nodeId, endNodeId: place.nodeId, actions: [] });
    nodes.push({ nodeId: place.nodeId, sequenceId: seq, released: true, nodePosition: position(place, deviationM), actions });
  };
  for (const stop of input.stops) {
    addNode(stop.place, stop.parcels.map((p) => encodeDeliveryAction({
      actionType: 'handOverParcel',
      params: {
        parcelId: p.parcelId, compartment: p.compartment, code: code(p.parcelId),
        waitForRecipientS: input.waitForRecipientS, maxAttempts: input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      },
    }, `${orderId}-hand-${p.parcelId}`, stop.place.name)));
  }
  addNode(input.end ?? hub, [], input.hubDeviationM);
  return { orderId, orderUpdateId: 0, nodes, edges };
}

/** A one-node order at the hub that empties the listed compartments (undelivered parcels back on the shelf). */
export function buildReturnOrder(input: {
  orderId: string;
  mapId: string;
  hub: OrderPlace;
  hubDeviationM: number;
  parcels: { parcelId: string; compartment: number }[];
}): VdaBody<'order'> {
  return {
    orderId: input.orderId,
    orderUpdateId: 0,
    nodes: [{
      nodeId: input.hub.nodeId, sequenceId: 0, released: true,
      nodePosition: { x: round(input.hub.x), y: round(input.hub.y), theta: 0, mapId: input.mapId, allowedDeviationXy: input.hubDeviationM },
      actions: [encodeDeliveryAction({ actionType: 'returnParcels', params: { parcels: input.parcels } }, `${input.orderId}-return`)],
    }],
    edges: [],
  };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/**
 * A two-node order without actions that drives the robot from one place to another (hub → charging bay, bay → hub).
 * The first node carries `fromDeviationM` because the robot stands anywhere in the bay around it.
 */
export function buildMoveOrder(input: { orderId: string; mapId: string; from: OrderPlace; to: OrderPlace; fromDeviationM: number }): VdaBody<'order'> {
  const { orderId, mapId, from, to } = input;
  return {
    orderId,
    orderUpdateId: 0,
    nodes: [
      { nodeId: from.nodeId, sequenceId: 0, released: true, nodePosition: { x: round(from.x), y: round(from.y), theta: 0, mapId, allowedDeviationXy: input.fromDeviationM }, actions: [] },
      { nodeId: to.nodeId, sequenceId: 2, released: true, nodePosition: { x: round(to.x), y: round(to.y), theta: 0, mapId }, actions: [] },
    ],
    edges: [{ edgeId: `${orderId}-e1`, sequenceId: 1, released: true, startNodeId: from.nodeId, endNodeId: to.nodeId, actions: [] }],
  };
}
