import type { WayClass } from './classifyWay.ts';

/**
 * The robot path graph as flat typed arrays: nodes are junctions and dead ends in the metric frame; edges are the
 * way pieces between them (undirected records with their polyline); arcs are the directed CSR adjacency the router
 * walks (one-way edges get one arc). Built by buildPathGraph; read-only by convention.
 */
export interface PathGraph {
  nodeCount: number;
  nodeX: Float64Array;
  nodeY: Float64Array;
  /** Source identity of each node: `node/<osm id>`, `snap:<n>`, or the `lon,lat` it was matched by. */
  nodeKey: string[];

  edgeCount: number;
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  edgeLengthM: Float64Array;
  /** Length × cost factor: what the router minimizes by default. */
  edgeCost: Float64Array;
  edgeWidthM: Float32Array;
  /** 0 both ways, 1 from→to only. (Edges tagged against their direction are stored reversed.) */
  edgeOneway: Uint8Array;
  /** Signed grade in percent, NaN when unknown. */
  edgeInclinePct: Float32Array;
  edgeClass: WayClass[];
  edgeWayId: string[];
  edgeName: (string | undefined)[];
  edgeSurface: (string | undefined)[];
  /** Polyline of edge e: points geomOffset[e] .. geomOffset[e+1]-1 of geomX/geomY, from edgeFrom to edgeTo. */
  geomOffset: Int32Array;
  geomX: Float64Array;
  geomY: Float64Array;

  /** Directed arcs of node n: arcOffset[n] .. arcOffset[n+1]-1. */
  arcOffset: Int32Array;
  arcTarget: Int32Array;
  arcEdge: Int32Array;
  arcCost: Float64Array;

  /** Connected component of each node (undirected); lets the router answer unreachable pairs at once. */
  component: Int32Array;
  componentCount: number;
  /** Smallest cost/length ratio over all edges: scales the Euclidean heuristic so it never overestimates. */
  minCostFactor: number;
}
