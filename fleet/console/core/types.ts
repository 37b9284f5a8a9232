/**
 * The console's view of the fleet: the JSON shapes of the `/api` routes the console reads and of the live messages it
 * receives (docs/console.md is the contract in prose). Plain data only; the fleet server maps its own records onto
 * these at the HTTP edge, so the browser never depends on storage or VDA 5050 field names.
 */

/** [longitude, latitude] in WGS84 degrees, GeoJSON order. */
export type LonLatPair = [number, number];

export type RobotHealth = 'online' | 'stale' | 'offline' | 'unknown';
export type RobotMode = 'idle' | 'driving' | 'charging' | 'paused' | 'fault';

export interface RobotView {
  serial: string;
  manufacturer: string;
  health: RobotHealth;
  mode: RobotMode;
  /** null until the robot has reported a position. */
  lonLat: LonLatPair | null;
  /** Radians counter-clockwise from east (ROS REP 103), the same convention as the metric frame. */
  headingRad: number;
  batteryPct: number;
  orderId: string | null;
  loads: Array<{ parcelId: string; compartment: string }>;
  errors: Array<{ errorType: string; errorLevel: string; errorDescription: string }>;
  /** When the fleet server last heard from the robot, ms since the epoch. */
  updatedAtMs: number;
}

export interface ParcelView {
  id: string;
  status: string;
  /** A place id (drop point) from GET /api/map. */
  destination: string;
  robotSerial: string | null;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface ParcelPage {
  items: ParcelView[];
  /** Opaque; pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface ParcelHistoryItem {
  /** ms since the epoch */
  at: number;
  from: string | null;
  to: string;
  cause: string;
  actor: string;
}

export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface AlertView {
  id: string;
  robotSerial: string | null;
  kind: string;
  severity: AlertSeverity;
  message: string;
  raisedAtMs: number;
  acknowledgedAtMs: number | null;
  acknowledgedBy: string | null;
}

export type PlaceViewKind = 'hub' | 'drop' | 'dock' | 'parking';

export interface PlaceView {
  id: string;
  kind: PlaceViewKind;
  name: string;
  lonLat: LonLatPair;
}

/** Minimal GeoJSON shapes the console draws (RFC 7946); `properties` carry what the console styles by. */
export interface LineFeature {
  type: 'Feature';
  geometry: { type: 'LineString'; coordinates: LonLatPair[] };
  properties: { class: string };
}

export interface PolygonFeature {
  type: 'Feature';
  geometry: { type: 'Polygon'; coordinates: LonLatPair[][] };
  properties: { name: string | null };
}

export interface MapView {
  name: string;
  /** Shown on the map; OpenStreetMap data requires it (ODbL). */
  attribution: string;
  /** [west, south, east, north] in degrees: the area the console fits on screen. */
  bboxLonLat: [number, number, number, number];
  paths: { type: 'FeatureCollection'; features: LineFeature[] };
  buildings: { type: 'FeatureCollection'; features: PolygonFeature[] };
  places: PlaceView[];
}

/** Server → browser messages on the live WebSocket. */
export type LiveMessage =
  | { type: 'hello'; serverTimeMs: number; role: string }
  | { type: 'robot'; robot: RobotView }
  | { type: 'parcel'; parcel: ParcelView }
  | { type: 'alert'; alert: AlertView };
