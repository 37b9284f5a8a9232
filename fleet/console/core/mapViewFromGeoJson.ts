import type { LineFeature, LonLatPair, MapView, PlaceView, PolygonFeature } from './types.ts';

/** The project's campus GeoJSON as shipped in maps/data (see maps/data/README.md): only what the console draws. */
export interface CampusGeoJson {
  type: 'FeatureCollection';
  metadata?: { campus?: string; attribution?: string };
  features: Array<{
    type: 'Feature';
    geometry: { type: string; coordinates: unknown };
    properties: Record<string, unknown> | null;
  }>;
}

export interface MapViewOptions {
  name?: string;
  /** Extra room around the buildings' extent, as a fraction of its size. Default 0.04. */
  marginFraction?: number;
}

const DEFAULT_ATTRIBUTION = '© OpenStreetMap contributors (ODbL)';

/**
 * Turns a campus GeoJSON into the console's map: ways (`kind` path or road) become LineStrings with
 * `properties.class`, buildings become Polygons with their name, and the view box fits the buildings (roads in the
 * data run on for kilometres beyond the campus; the console clips them). The attribution is kept, as ODbL requires.
 */
export function mapViewFromGeoJson(geojson: CampusGeoJson, places: PlaceView[], options: MapViewOptions = {}): MapView {
  const paths: LineFeature[] = [];
  const buildings: PolygonFeature[] = [];
  const extent = new Extent();
  for (const feature of geojson.features) {
    const props = feature.properties ?? {};
    const kind = props.kind;
    if ((kind === 'path' || kind === 'road') && feature.geometry.type === 'LineString') {
      const cls = typeof props.class === 'string' ? props.class : kind;
      paths.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: feature.geometry.coordinates as LonLatPair[] }, properties: { class: cls } });
    } else if (kind === 'building' && feature.geometry.type === 'Polygon') {
      const rings = feature.geometry.coordinates as LonLatPair[][];
      for (const point of rings[0] ?? []) extent.add(point);
      const name = typeof props.name === 'string' ? props.name : null;
      buildings.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: rings }, properties: { name } });
    }
  }
  for (const place of places) extent.add(place.lonLat);
  if (extent.empty) for (const path of paths) for (const point of path.geometry.coordinates) extent.add(point);
  return {
    name: options.name ?? geojson.metadata?.campus ?? 'Campus',
    attribution: geojson.metadata?.attribution ? `${geojson.metadata.attribution} (ODbL)` : DEFAULT_ATTRIBUTION,
    bboxLonLat: extent.bbox(options.marginFraction ?? 0.04),
    paths: { type: 'FeatureCollection', features: paths },
    buildings: { type: 'FeatureCollection', features: buildings },
    places,
  };
}

class Extent {
  west = Infinity;
  south = Infinity;
  east = -Infinity;
  north = -Infinity;

  get empty(): boolean {
    return this.west > this.east;
  }

  add([lon, lat]: LonLatPair): void {
    this.west = Math.min(this.west, lon);
    this.east = Math.max(this.east, lon);
    this.south = Math.min(this.south, lat);
    this.north = Math.max(this.north, lat);
  }

  bbox(marginFraction: number): [number, number, number, number] {
    if (this.empty) return [-0.01, -0.01, 0.01, 0.01];
    const mx = (this.east - this.west) * marginFraction;
    const my = (this.north - this.south) * marginFraction;
    return [this.west - mx, this.south - my, this.east + mx, this.north + my];
  }
}
