import type { LocalFrame } from './LocalFrame.ts';
import type { PathGraph } from './PathGraph.ts';

const CLASS_STROKE = { footway: '#d9661f', service: '#8a8a8a', shared_road: '#5a5a5a' } as const;

/**
 * The path graph as a GeoJSON FeatureCollection in lon/lat: one LineString per edge (class, length, ids, styled with
 * `stroke` for map viewers) and one Point per node. Coordinates are rounded to 1e-7° (~1 cm) and lengths to 1 cm
 * so the output is stable enough for golden files.
 */
export function graphToGeoJson(graph: PathGraph, frame: LocalFrame): {
  type: 'FeatureCollection';
  features: { type: 'Feature'; geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> }[];
} {
  const r7 = (v: number) => Math.round(v * 1e7) / 1e7;
  const ll = (x: number, y: number) => frame.toLonLat({ x, y }).map(r7);
  const features: ReturnType<typeof graphToGeoJson>['features'] = [];
  for (let e = 0; e < graph.edgeCount; e++) {
    const coords: number[][] = [];
    for (let i = graph.geomOffset[e]!; i < graph.geomOffset[e + 1]!; i++) coords.push(ll(graph.geomX[i]!, graph.geomY[i]!));
    const cls = graph.edgeClass[e]!;
    features.push({
      type: 'Feature', geometry: { type: 'LineString', coordinates: coords },
      properties: {
        edge: e, from: graph.edgeFrom[e], to: graph.edgeTo[e], class: cls, way: graph.edgeWayId[e],
        lengthM: Math.round(graph.edgeLengthM[e]! * 100) / 100, cost: Math.round(graph.edgeCost[e]! * 100) / 100,
        widthM: graph.edgeWidthM[e], oneway: graph.edgeOneway[e] === 1,
        ...(graph.edgeName[e] === undefined ? {} : { name: graph.edgeName[e] }),
        stroke: CLASS_STROKE[cls], 'stroke-width': cls === 'footway' ? 2 : 4,
      },
    });
  }
  for (let v = 0; v < graph.nodeCount; v++) {
    const degree = graph.arcOffset[v + 1]! - graph.arcOffset[v]!;
    features.push({
      type: 'Feature', geometry: { type: 'Point', coordinates: ll(graph.nodeX[v]!, graph.nodeY[v]!) },
      properties: { node: v, arcs: degree, 'marker-color': degree === 1 ? '#e31a1c' : '#1f78b4', 'marker-size': 'small' },
    });
  }
  return { type: 'FeatureCollection', features };
}
