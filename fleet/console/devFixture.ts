// DEV FIXTURE — fake fleet data for working on the console without a fleet server. Nothing here is used by
// `fleet serve`; robots, parcels and alerts are invented (seeded, so every run looks the same).
import { Random } from '../../common/core/Random.ts';
import { mapViewFromGeoJson, type CampusGeoJson } from './core/mapViewFromGeoJson.ts';
import type {
  AlertView, LiveMessage, LonLatPair, MapView, ParcelHistoryItem, ParcelPage, ParcelView, PlaceView, RobotMode, RobotView,
} from './core/types.ts';

/** A fake outcome of a dispatcher action, shaped like the real API's answers. */
export type DevActionResult = { status: 202; body: { actionId: string } } | { status: 404 | 409; body: { error: { code: string; message: string } } };

interface Track {
  /** metres east/north of the campus centre */
  points: Array<[number, number]>;
  /** cumulative distance at each point */
  atM: number[];
  lengthM: number;
}

interface DevRobot {
  view: RobotView;
  track: Track | undefined;
  speedMps: number;
  offsetM: number;
  /** ms of driving time so far (paused robots keep their place) */
  drivenMs: number;
}

const STATUSES = ['received', 'received', 'assigned', 'loaded', 'out_for_delivery', 'out_for_delivery', 'awaiting_pickup', 'delivered', 'delivered', 'delivered', 'returned', 'failed', 'cancelled'];
const M_PER_DEG = 111_320;

/**
 * A small fake fleet on a real campus map: robots drive back and forth along random walks over the campus paths,
 * parcels sit in every lifecycle state, and a few alerts are open. Pure: time comes in as `nowMs`.
 */
export class DevFleet {
  readonly map: MapView;
  readonly #robots = new Map<string, DevRobot>();
  readonly #parcels: ParcelView[] = [];
  readonly #history = new Map<string, ParcelHistoryItem[]>();
  readonly #alerts = new Map<string, AlertView>();
  readonly #lon0: number;
  readonly #lat0: number;
  readonly #cosLat0: number;
  #lastStepMs: number;
  #actionSeq = 0;

  constructor(geojson: CampusGeoJson, hub: { name: string; lonLat: LonLatPair }, startMs: number, seed = 7) {
    const random = new Random(seed);
    this.#lastStepMs = startMs;
    const places = devPlaces(geojson, hub);
    this.map = mapViewFromGeoJson(geojson, places, { name: `${geojson.metadata?.campus ?? 'Campus'} — DEV FIXTURE` });
    const [west, south, east, north] = this.map.bboxLonLat;
    this.#lon0 = (west + east) / 2;
    this.#lat0 = (south + north) / 2;
    this.#cosLat0 = Math.cos((this.#lat0 * Math.PI) / 180);

    const graph = this.#pathGraph();
    const drops = places.filter((p) => p.kind === 'drop');
    const dock = places.find((p) => p.kind === 'dock')!;
    const modes: RobotMode[] = ['driving', 'driving', 'driving', 'driving', 'driving', 'charging', 'paused', 'fault', 'idle'];
    modes.forEach((mode, i) => {
      const serial = `zju-${String(i + 1).padStart(2, '0')}`;
      const track = mode === 'charging' ? undefined : this.#randomWalk(graph, hub.lonLat, random, 30);
      const robot: DevRobot = {
        view: {
          serial, manufacturer: 'campus-robotics', health: i === 7 ? 'stale' : i === 8 ? 'offline' : 'online', mode,
          lonLat: mode === 'charging' ? dock.lonLat : null, headingRad: 0, batteryPct: mode === 'charging' ? 34 : 95 - i * 9,
          orderId: mode === 'driving' || mode === 'paused' ? `order-${1000 + i}` : null, loads: [],
          errors: mode === 'fault' ? [{ errorType: 'driveMotorFault', errorLevel: 'FATAL', errorDescription: 'left wheel motor over-current' }] : [],
          updatedAtMs: startMs,
        },
        track, speedMps: 1.2 + random.uniform(0, 0.6), offsetM: track ? random.uniform(0, track.lengthM) : 0, drivenMs: 0,
      };
      this.#robots.set(serial, robot);
      this.#move(robot);
    });

    const drivers = [...this.#robots.values()].filter((r) => r.view.mode === 'driving' || r.view.mode === 'paused');
    for (let i = 0; i < 64; i++) {
      const status = STATUSES[random.int(0, STATUSES.length - 1)]!;
      const robot = ['assigned', 'loaded', 'out_for_delivery', 'awaiting_pickup'].includes(status) ? drivers[random.int(0, drivers.length - 1)]! : undefined;
      const createdAtMs = startMs - random.int(10, 240) * 60_000;
      const id = `P-${String(240_100 + i)}`;
      const parcel: ParcelView = {
        id, status, destination: drops[random.int(0, drops.length - 1)]!.id, robotSerial: robot?.view.serial ?? null,
        createdAtMs, updatedAtMs: createdAtMs + random.int(1, 9) * 60_000,
      };
      this.#parcels.push(parcel);
      this.#history.set(id, fakeHistory(parcel));
      if (robot && (status === 'loaded' || status === 'out_for_delivery') && robot.view.loads.length < 4) {
        robot.view.loads.push({ parcelId: id, compartment: `C${robot.view.loads.length + 1}` });
      }
    }
    this.#parcels.sort((a, b) => b.updatedAtMs - a.updatedAtMs);

    const alerts: AlertView[] = [
      { id: 'al-1', robotSerial: 'zju-08', kind: 'robot_fault', severity: 'critical', message: 'zju-08 reports a FATAL drive motor fault', raisedAtMs: startMs - 4 * 60_000, acknowledgedAtMs: null, acknowledgedBy: null },
      { id: 'al-2', robotSerial: 'zju-09', kind: 'robot_offline', severity: 'warning', message: 'zju-09 went offline (last will received)', raisedAtMs: startMs - 11 * 60_000, acknowledgedAtMs: null, acknowledgedBy: null },
      { id: 'al-3', robotSerial: 'zju-04', kind: 'code_lockout', severity: 'warning', message: 'zju-04 compartment C2 locked after 5 wrong codes', raisedAtMs: startMs - 25 * 60_000, acknowledgedAtMs: null, acknowledgedBy: null },
      { id: 'al-4', robotSerial: 'zju-06', kind: 'low_battery', severity: 'info', message: 'zju-06 below 20 %; sent to charge', raisedAtMs: startMs - 52 * 60_000, acknowledgedAtMs: startMs - 50 * 60_000, acknowledgedBy: 'dispatcher' },
    ];
    for (const alert of alerts) this.#alerts.set(alert.id, alert);
  }

  robots(): RobotView[] {
    return [...this.#robots.values()].map((r) => r.view);
  }

  alerts(): AlertView[] {
    return [...this.#alerts.values()];
  }

  /** Moves the driving robots to `nowMs`; returns a live message per robot that changed. */
  step(nowMs: number): LiveMessage[] {
    const dtMs = Math.max(0, nowMs - this.#lastStepMs);
    this.#lastStepMs = nowMs;
    const changed: LiveMessage[] = [];
    for (const robot of this.#robots.values()) {
      if (robot.view.mode !== 'driving' || robot.view.health !== 'online') continue;
      robot.drivenMs += dtMs;
      robot.view.batteryPct = Math.max(5, robot.view.batteryPct - dtMs / 60_000 * 0.2);
      robot.view.updatedAtMs = nowMs;
      this.#move(robot);
      changed.push({ type: 'robot', robot: structuredClone(robot.view) });
    }
    return changed;
  }

  parcels(query: { status?: string; robot?: string; limit?: number; cursor?: string }): ParcelPage {
    const matching = this.#parcels.filter((p) => (!query.status || p.status === query.status) && (!query.robot || p.robotSerial === query.robot));
    const start = query.cursor?.startsWith('o:') ? Number(query.cursor.slice(2)) || 0 : 0;
    const limit = Math.min(100, Math.max(1, query.limit ?? 20));
    const items = matching.slice(start, start + limit);
    return { items, nextCursor: start + limit < matching.length ? `o:${start + limit}` : null };
  }

  history(parcelId: string): ParcelHistoryItem[] | undefined {
    return this.#history.get(parcelId);
  }

  /** Applies a parcel action; `publish` receives the changed parcel as the live feed would carry it. */
  parcelAction(parcelId: string, action: 'assign' | 'hold' | 'release', robotSerial: string | undefined, nowMs: number, publish: (m: LiveMessage) => void): DevActionResult {
    const parcel = this.#parcels.find((p) => p.id === parcelId);
    if (!parcel) return { status: 404, body: { error: { code: 'PARCEL_NOT_FOUND', message: `no parcel ${parcelId}` } } };
    const from = parcel.status;
    if (action === 'assign') {
      if (!robotSerial || !this.#robots.has(robotSerial)) return { status: 404, body: { error: { code: 'ROBOT_NOT_FOUND', message: `no robot ${robotSerial ?? '(none given)'}` } } };
      if (!['received', 'assigned', 'held'].includes(from)) return { status: 409, body: { error: { code: 'PARCEL_STATE', message: `parcel ${parcelId} is ${from}; only received or assigned parcels can be (re)assigned` } } };
      parcel.robotSerial = robotSerial;
      parcel.status = 'assigned';
    } else if (action === 'hold') {
      parcel.status = 'held';
    } else {
      if (from !== 'held') return { status: 409, body: { error: { code: 'PARCEL_STATE', message: `parcel ${parcelId} is not held` } } };
      parcel.status = parcel.robotSerial ? 'assigned' : 'received';
    }
    parcel.updatedAtMs = nowMs;
    this.#history.get(parcelId)?.push({ at: nowMs, from, to: parcel.status, cause: `dispatcher ${action}`, actor: 'dev-dispatcher' });
    publish({ type: 'parcel', parcel: { ...parcel } });
    return this.#accepted();
  }

  robotAction(serial: string, action: 'pause' | 'resume' | 'charge' | 'cancel' | 'reroute', nowMs: number, publish: (m: LiveMessage) => void): DevActionResult {
    const robot = this.#robots.get(serial);
    if (!robot) return { status: 404, body: { error: { code: 'ROBOT_NOT_FOUND', message: `no robot ${serial}` } } };
    const view = robot.view;
    if (view.health === 'offline') return { status: 409, body: { error: { code: 'ROBOT_OFFLINE', message: `${serial} is offline; it cannot receive instant actions` } } };
    if (action === 'pause') view.mode = 'paused';
    if (action === 'resume' || action === 'reroute') view.mode = robot.track ? 'driving' : 'idle';
    if (action === 'charge') view.mode = 'charging';
    if (action === 'cancel') {
      view.mode = 'idle';
      view.orderId = null;
      view.loads = [];
    }
    view.updatedAtMs = nowMs;
    publish({ type: 'robot', robot: structuredClone(view) });
    return this.#accepted();
  }

  ackAlert(id: string, nowMs: number, publish: (m: LiveMessage) => void): DevActionResult {
    const alert = this.#alerts.get(id);
    if (!alert) return { status: 404, body: { error: { code: 'ALERT_NOT_FOUND', message: `no alert ${id}` } } };
    if (alert.acknowledgedAtMs === null) {
      alert.acknowledgedAtMs = nowMs;
      alert.acknowledgedBy = 'dev-dispatcher';
      publish({ type: 'alert', alert: { ...alert } });
    }
    return this.#accepted();
  }

  #accepted(): DevActionResult {
    this.#actionSeq += 1;
    return { status: 202, body: { actionId: `dev-action-${this.#actionSeq}` } };
  }

  #toXY([lon, lat]: LonLatPair): [number, number] {
    return [(lon - this.#lon0) * M_PER_DEG * this.#cosLat0, (lat - this.#lat0) * M_PER_DEG];
  }

  #toLonLat([x, y]: [number, number]): LonLatPair {
    return [this.#lon0 + x / (M_PER_DEG * this.#cosLat0), this.#lat0 + y / M_PER_DEG];
  }

  /** Endpoint-keyed adjacency of the campus ways (the data splits ways at shared nodes). */
  #pathGraph(): Map<string, LonLatPair[][]> {
    const graph = new Map<string, LonLatPair[][]>();
    const key = ([lon, lat]: LonLatPair) => `${lon.toFixed(7)},${lat.toFixed(7)}`;
    for (const feature of this.map.paths.features) {
      const line = feature.geometry.coordinates;
      if (line.length < 2) continue;
      const reversed = [...line].reverse();
      for (const [from, way] of [[line[0]!, line], [reversed[0]!, reversed]] as const) {
        const list = graph.get(key(from)) ?? [];
        list.push(way);
        graph.set(key(from), list);
      }
    }
    return graph;
  }

  /** A walk of `legs` ways from the node nearest `start`, never turning straight back unless at a dead end. */
  #randomWalk(graph: Map<string, LonLatPair[][]>, start: LonLatPair, random: Random, legs: number): Track {
    const [sx, sy] = this.#toXY(start);
    let bestKey = '';
    let bestD = Infinity;
    for (const k of graph.keys()) {
      const [lon, lat] = k.split(',').map(Number) as LonLatPair;
      const [x, y] = this.#toXY([lon, lat]);
      const d = Math.hypot(x - sx, y - sy) + random.uniform(0, 400);
      if (d < bestD) {
        bestD = d;
        bestKey = k;
      }
    }
    const points: Array<[number, number]> = [];
    let at = bestKey;
    let cameFrom = '';
    for (let i = 0; i < legs; i++) {
      const ways = graph.get(at) ?? [];
      const onward = ways.filter((w) => `${w[w.length - 1]![0].toFixed(7)},${w[w.length - 1]![1].toFixed(7)}` !== cameFrom);
      const choices = onward.length > 0 ? onward : ways;
      if (choices.length === 0) break;
      const way = choices[random.int(0, choices.length - 1)]!;
      for (const p of points.length === 0 ? way : way.slice(1)) points.push(this.#toXY(p));
      cameFrom = at;
      const end = way[way.length - 1]!;
      at = `${end[0].toFixed(7)},${end[1].toFixed(7)}`;
    }
    const atM = [0];
    for (let i = 1; i < points.length; i++) atM.push(atM[i - 1]! + Math.hypot(points[i]![0] - points[i - 1]![0], points[i]![1] - points[i - 1]![1]));
    return { points, atM, lengthM: atM[atM.length - 1] ?? 0 };
  }

  /** Places the robot on its track: out and back, so it never jumps. */
  #move(robot: DevRobot): void {
    const track = robot.track;
    if (!track || track.points.length < 2 || track.lengthM === 0) {
      if (track?.points[0]) robot.view.lonLat = this.#toLonLat(track.points[0]);
      return;
    }
    const travelled = (robot.offsetM + (robot.speedMps * robot.drivenMs) / 1000) % (2 * track.lengthM);
    const back = travelled > track.lengthM;
    const s = back ? 2 * track.lengthM - travelled : travelled;
    let i = 1;
    while (i < track.atM.length - 1 && track.atM[i]! < s) i++;
    const a = track.points[i - 1]!;
    const b = track.points[i]!;
    const segM = track.atM[i]! - track.atM[i - 1]!;
    const f = segM > 0 ? (s - track.atM[i - 1]!) / segM : 0;
    robot.view.lonLat = this.#toLonLat([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f]);
    const heading = Math.atan2(b[1] - a[1], b[0] - a[0]);
    robot.view.headingRad = back ? heading + Math.PI : heading;
  }
}

/** Hub from the overlay, a drop point at each named building's centroid, two docks and a parking spot by the hub. */
function devPlaces(geojson: CampusGeoJson, hub: { name: string; lonLat: LonLatPair }): PlaceView[] {
  const [lon, lat] = hub.lonLat;
  const places: PlaceView[] = [
    { id: 'hub', kind: 'hub', name: hub.name, lonLat: hub.lonLat },
    { id: 'dock-1', kind: 'dock', name: 'Charging dock 1', lonLat: [lon + 0.0002, lat + 0.0001] },
    { id: 'dock-2', kind: 'dock', name: 'Charging dock 2', lonLat: [lon + 0.0002, lat - 0.0001] },
    { id: 'parking-1', kind: 'parking', name: 'Parking', lonLat: [lon - 0.0003, lat] },
  ];
  let n = 0;
  for (const feature of geojson.features) {
    const props = feature.properties ?? {};
    if (props.kind !== 'building' || typeof props.name !== 'string' || !Array.isArray(props.centroid)) continue;
    n += 1;
    places.push({ id: `drop-${n}`, kind: 'drop', name: props.name, lonLat: props.centroid as LonLatPair });
  }
  return places;
}

function fakeHistory(parcel: ParcelView): ParcelHistoryItem[] {
  const chain = ['received', 'assigned', 'loaded', 'out_for_delivery', 'awaiting_pickup', 'delivered'];
  const end = chain.indexOf(parcel.status);
  const steps = end >= 0 ? chain.slice(0, end + 1) : ['received', 'assigned', parcel.status];
  const spanMs = Math.max(1, parcel.updatedAtMs - parcel.createdAtMs);
  return steps.map((to, i) => ({
    at: parcel.createdAtMs + Math.round((spanMs * i) / Math.max(1, steps.length - 1)),
    from: i === 0 ? null : steps[i - 1]!,
    to,
    cause: i === 0 ? 'arrived at hub' : to === 'assigned' ? 'dispatch' : 'robot state',
    actor: i === 0 ? 'hub-scanner' : to === 'assigned' ? 'dispatcher' : parcel.robotSerial ?? 'fleet',
  }));
}
