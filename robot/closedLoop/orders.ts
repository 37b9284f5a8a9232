/** VDA 5050 orders through campus points, for closed-loop tests, the benchmark and the CLI demo. */
import type { Action, Order } from '../../protocol/index.ts';

export interface OrderStop {
  id: string;
  x: number;
  y: number;
  actions?: Action[];
}

/** A released order through `stops` (nodes even sequenceIds from 0, edges odd), schema-valid. */
export function orderThrough(
  orderId: string,
  stops: readonly OrderStop[],
  robot: { manufacturer: string; serialNumber: string },
  options: { orderUpdateId?: number; mapId?: string; timestamp?: string } = {},
  // mapId must be the campus's (`CampusMap.mapId`): the robot refuses nodes on another map.
): Order {
  const mapId = options.mapId ?? 'campus';
  return {
    headerId: 1,
    timestamp: options.timestamp ?? '2026-03-02T08:00:00.000Z',
    version: '2.0.0',
    manufacturer: robot.manufacturer,
    serialNumber: robot.serialNumber,
    orderId,
    orderUpdateId: options.orderUpdateId ?? 0,
    nodes: stops.map((s, i) => ({
      nodeId: s.id,
      sequenceId: 2 * i,
      released: true,
      nodePosition: { x: s.x, y: s.y, mapId },
      actions: s.actions ?? [],
    })),
    edges: stops.slice(1).map((s, i) => ({
      edgeId: `e-${stops[i]!.id}-${s.id}`,
      sequenceId: 2 * i + 1,
      released: true,
      startNodeId: stops[i]!.id,
      endNodeId: s.id,
      actions: [],
    })),
  };
}
