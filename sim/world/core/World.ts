/**
 * The physical world for closed-loop runs: robots (ground truth, drive, sensors), moving circles standing for
 * pedestrians (the simulator's people model fills and moves `pedestrians`), and the map's static obstacles. It
 * steps at a fixed dt and counts collisions and near misses from ground truth. Contacts do not push anything back:
 * the world records them for the verdict (a collision is a failure to be reported, not a physics case to resolve).
 * Robots simulated in another World (a shard's neighbours) can be held as remote bodies the caller places.
 */
import { Random } from '../../../common/core/Random.ts';
import type { Circle } from '../../../maps/core/types.ts';
import { footprintCircleGap, footprintGap, footprintHitsObstacles } from './Footprint.ts';
import type { LidarScan } from './Lidar2D.ts';
import { RobotBody, type RobotBodyOptions } from './RobotBody.ts';
import { RemoteBody, type RemoteBodyOptions } from './RemoteBody.ts';
import { OPEN_FIELD, type ScanSource } from './ScanSource.ts';

export interface WorldOptions {
  seed: number;
  /** Fixed physics step, s (default 0.05 = 20 Hz). */
  dtS?: number;
  /** Static obstacles (default: none). */
  source?: ScanSource;
  /** A pedestrian or robot closer than this (but not touching) is a near miss, m (default 0.3). */
  nearMissM?: number;
  /** Clock time of the first step, ms. */
  startMs?: number;
}

/** A pedestrian: a circle with a stable id so contacts are tracked across steps. */
export interface Pedestrian extends Circle {
  id: number;
}

export type ContactKind = 'obstacle' | 'pedestrian' | 'robot';

export interface ContactEvent {
  timeMs: number;
  robotId: string;
  kind: ContactKind;
  /** Pedestrian id or other robot id; undefined for static obstacles. */
  otherId?: string | number;
  /** Gap at the event, m (≤ 0 for a collision). */
  gapM: number;
  /**
   * The robot's true speed at the event, m/s: about 0 when something moved into a standing robot (a pedestrian from
   * behind), so a report can tell those contacts from ones the robot drove into. Both are collisions.
   */
  robotSpeedMps: number;
}

export interface WorldMetrics {
  collisions: number;
  nearMisses: number;
  collisionsByKind: Record<ContactKind, number>;
}

const MAX_EVENTS = 10_000;

export class World {
  readonly dtS: number;
  readonly source: ScanSource;
  readonly nearMissM: number;
  /** Moving obstacles; the simulator adds, moves and removes them between steps. */
  readonly pedestrians: Pedestrian[] = [];
  /** Collision and near-miss events, oldest first (the first 10,000 kept). */
  readonly events: ContactEvent[] = [];
  readonly metrics: WorldMetrics = { collisions: 0, nearMisses: 0, collisionsByKind: { obstacle: 0, pedestrian: 0, robot: 0 } };
  #timeMs: number;
  readonly #rng: Random;
  readonly #robots: RobotBody[] = [];
  readonly #byId = new Map<string, RobotBody>();
  readonly #remotes: RemoteBody[] = [];
  readonly #all: Array<RobotBody | RemoteBody> = [];
  readonly #circles: Circle[] = [];
  // Contact state per pair from the previous step, so a contact lasting many steps counts once; the next step's
  // sets are the step before's, cleared (two fresh Sets per step were garbage 20 times a simulated second).
  #inContact = new Set<string>();
  #inNearMiss = new Set<string>();
  #nextContact = new Set<string>();
  #nextNearMiss = new Set<string>();
  #flatBuf = new Float64Array(64);

  constructor(options: WorldOptions) {
    this.dtS = options.dtS ?? 0.05;
    if (!(this.dtS > 0)) throw new RangeError(`World: dtS must be > 0, got ${this.dtS}`);
    this.source = options.source ?? OPEN_FIELD;
    this.nearMissM = options.nearMissM ?? 0.3;
    this.#timeMs = options.startMs ?? 0;
    this.#rng = new Random(options.seed);
  }

  get timeMs(): number {
    return this.#timeMs;
  }

  /** Every robot here, in the order added: its own bodies (stepped here) and the remote ones (placed by the caller). */
  get robots(): ReadonlyArray<RobotBody | RemoteBody> {
    return this.#all;
  }

  /** Adds a robot; its sensors' random streams fork from the world's seed in the order robots are added. */
  addRobot(options: RobotBodyOptions): RobotBody {
    this.#checkNew(options.id);
    const body = new RobotBody(this.#rng.fork(), this.source, options);
    this.#robots.push(body);
    this.#all.push(body);
    this.#byId.set(body.id, body);
    return body;
  }

  /**
   * Adds a robot that another World simulates (see RemoteBody): seen by LiDAR, walked around, touched; not stepped.
   * Draws nothing from the world's seed, so adding one leaves every local robot's noise as it was.
   */
  addRemoteRobot(options: RemoteBodyOptions): RemoteBody {
    this.#checkNew(options.id);
    const body = new RemoteBody(options);
    this.#remotes.push(body);
    this.#all.push(body);
    return body;
  }

  #checkNew(id: string): void {
    if (this.#byId.has(id) || this.#remotes.some((r) => r.id === id)) throw new RangeError(`World: robot '${id}' already exists`);
  }

  robot(id: string): RobotBody | undefined {
    return this.#byId.get(id);
  }

  /** One fixed step: every robot moves under its command, then contacts are counted. */
  step(): void {
    for (const r of this.#robots) r.step(this.dtS);
    this.#timeMs += this.dtS * 1000;
    this.#detectContacts();
  }

  /** Steps for `durationS` more, rounded to whole steps of dtS. */
  advance(durationS: number): void {
    const steps = Math.round(durationS / this.dtS);
    for (let i = 0; i < steps; i++) this.step();
  }

  /** Pedestrians and the other robots (remote ones too) as circles, for `robot`'s LiDAR (reused array). */
  circlesFor(robot: RobotBody): Circle[] {
    // Overwritten in place and cut to size only when the count changed: `length = 0` then push gave the array a new
    // backing store on every scan (30 robots × 10 Hz).
    const out = this.#circles;
    let n = 0;
    for (const p of this.pedestrians) n = put(out, n, p);
    for (const r of this.#robots) if (r !== robot) n = put(out, n, r.circleAtStep);
    for (const r of this.#remotes) n = put(out, n, r.circle);
    if (out.length !== n) out.length = n;
    return out;
  }

  /** `robot`'s LiDAR scan now (reused object; see Lidar2D.sample). */
  scan(robot: RobotBody): LidarScan {
    return robot.lidar.sample(robot.truth, this.circlesFor(robot));
  }

  #detectContacts(): void {
    const contact = this.#nextContact;
    const near = this.#nextNearMiss;
    contact.clear();
    near.clear();
    const robots = this.#robots;
    const remotes = this.#remotes;
    const peds = this.pedestrians;
    // Every body's and walker's centre (and circumscribed radius) in flat arrays first: the pair loops below test each
    // robot against every walker in the world and every other robot, 20 times a second, and almost every pair is far
    // apart. The far test is the one robotGap and the walker loop made on the objects, the same expressions in the
    // same order, so the same pairs go on to the exact gap, in the same order.
    const nl = robots.length, nr = remotes.length, np = peds.length;
    const buf = this.#flat(2 * (nl + nr + np) + nl + nr);
    const rx = 0, ry = nl + nr, rc = 2 * (nl + nr), wx = 3 * (nl + nr), wy = wx + np;
    for (let k = 0; k < nl; k++) {
      const b = robots[k]!;
      buf[rx + k] = b.truth.x;
      buf[ry + k] = b.truth.y;
      buf[rc + k] = b.cover.circumscribedM;
    }
    for (let k = 0; k < nr; k++) {
      const b = remotes[k]!;
      buf[rx + nl + k] = b.truth.x;
      buf[ry + nl + k] = b.truth.y;
      buf[rc + nl + k] = b.cover.circumscribedM;
    }
    for (let k = 0; k < np; k++) {
      buf[wx + k] = peds[k]!.x;
      buf[wy + k] = peds[k]!.y;
    }
    for (let i = 0; i < nl; i++) {
      const r = robots[i]!;
      const pose = r.truth;
      const px = buf[rx + i]!, py = buf[ry + i]!;
      const reach = r.cover.circumscribedM + this.nearMissM;
      if (footprintHitsObstacles(pose, r.footprint, this.source, 0, r.cover)) this.#record(contact, `${r.id}|o`, r, 'obstacle', undefined, 0);
      for (let k = 0; k < np; k++) {
        const p = peds[k]!;
        const dx = buf[wx + k]! - px;
        const dy = buf[wy + k]! - py;
        const lim = reach + p.radiusM;
        if (dx * dx + dy * dy > lim * lim) continue;
        const gap = footprintCircleGap(pose, r.footprint, p);
        this.#classify(contact, near, `${r.id}|p${p.id}`, r, 'pedestrian', p.id, gap);
      }
      for (let j = i + 1; j < nl; j++) {
        if (isFar(buf, rx, ry, rc, j, px, py, reach)) continue;
        const o = robots[j]!;
        const gap = footprintGap(pose, r.footprint, o.truth, o.footprint);
        this.#classify(contact, near, `${r.id}|r${o.id}`, r, 'robot', o.id, gap);
      }
      for (let j = 0; j < nr; j++) {
        if (isFar(buf, rx, ry, rc, nl + j, px, py, reach)) continue;
        const o = remotes[j]!;
        const gap = footprintGap(pose, r.footprint, o.truth, o.footprint);
        // The pair counts in one World only (the remote body's own World holds `r` as its remote).
        if (gap <= this.nearMissM && o.countsContactWith(r.id)) this.#classify(contact, near, `${r.id}|r${o.id}`, r, 'robot', o.id, gap);
      }
    }
    this.#nextContact = this.#inContact;
    this.#nextNearMiss = this.#inNearMiss;
    this.#inContact = contact;
    this.#inNearMiss = near;
  }

  /** The reused scratch array for #detectContacts, at least `n` long. */
  #flat(n: number): Float64Array {
    if (this.#flatBuf.length < n) this.#flatBuf = new Float64Array(Math.max(n, 2 * this.#flatBuf.length));
    return this.#flatBuf;
  }

  #classify(contact: Set<string>, near: Set<string>, key: string, r: RobotBody, kind: ContactKind, otherId: string | number, gap: number): void {
    if (gap <= 0) this.#record(contact, key, r, kind, otherId, gap);
    else if (gap <= this.nearMissM) {
      near.add(key);
      if (!this.#inNearMiss.has(key) && !this.#inContact.has(key)) {
        this.metrics.nearMisses++;
        this.#event({ timeMs: this.#timeMs, robotId: r.id, kind, otherId, gapM: gap, robotSpeedMps: Math.abs(r.truth.vMps) });
      }
    }
  }

  #record(contact: Set<string>, key: string, r: RobotBody, kind: ContactKind, otherId: string | number | undefined, gap: number): void {
    contact.add(key);
    if (this.#inContact.has(key)) return;
    this.metrics.collisions++;
    this.metrics.collisionsByKind[kind]++;
    const e: ContactEvent = { timeMs: this.#timeMs, robotId: r.id, kind, gapM: gap, robotSpeedMps: Math.abs(r.truth.vMps) };
    if (otherId !== undefined) e.otherId = otherId;
    this.#event(e);
  }

  #event(e: ContactEvent): void {
    if (this.events.length < MAX_EVENTS) this.events.push(e);
  }
}

/** Writes `c` at index `n` of `out` (appending when `n` is its length); returns n + 1. */
function put(out: Circle[], n: number, c: Circle): number {
  if (n < out.length) out[n] = c;
  else out.push(c);
  return n + 1;
}

/**
 * Whether body k of #detectContacts' flat arrays (centres at rx + k and ry + k, circumscribed radius at rc + k) is
 * beyond `reach` (plus its own radius) of (px, py): then there is no contact or near miss to look at.
 */
function isFar(buf: Float64Array, rx: number, ry: number, rc: number, k: number, px: number, py: number, reach: number): boolean {
  const lim = reach + buf[rc + k]!;
  const dx = buf[rx + k]! - px;
  const dy = buf[ry + k]! - py;
  return dx * dx + dy * dy > lim * lim;
}
