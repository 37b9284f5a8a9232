import type { Random } from '../../../common/core/Random.ts';
import type { PathGraph } from '../../../maps/core/PathGraph.ts';
import type { Circle } from '../../../maps/core/types.ts';

/** When classes change and how crowded the footways get, walkers per km of footway. */
export interface ClassSchedule {
  /** Clock times of class changes (ms on the simulated day). */
  changesMs: number[];
  /** Walkers per km between class changes. Default 4. */
  baseDensityPerKm: number;
  /** Extra walkers per km at the height of a class change. Default 30. */
  peakDensityPerKm: number;
  /** Standard deviation of the crowd around a class change, ms. Default 5 min. */
  peakSdMs: number;
  /** Nobody walks before / after these times (night). */
  dayStartMs: number;
  dayEndMs: number;
}

const H = 3_600_000;

/** A Chinese university timetable: classes at 08:00, 09:50, 13:30, 15:20 and 18:30, changes at their ends. */
export function defaultClassSchedule(dayStartMs = 0): ClassSchedule {
  const at = (h: number, m: number) => dayStartMs + h * H + m * 60_000;
  return {
    changesMs: [at(7, 55), at(9, 35), at(11, 25), at(13, 25), at(15, 5), at(16, 55), at(18, 25), at(20, 5)],
    baseDensityPerKm: 4,
    peakDensityPerKm: 30,
    peakSdMs: 5 * 60_000,
    dayStartMs: at(6, 30),
    dayEndMs: at(23, 30),
  };
}

/** Walkers per km of footway at `tMs`: the base plus a Gaussian crowd around each class change. Pure. */
export function pedestrianDensity(tMs: number, s: ClassSchedule): number {
  if (tMs < s.dayStartMs || tMs >= s.dayEndMs) return 0;
  let d = s.baseDensityPerKm;
  for (const c of s.changesMs) {
    const z = (tMs - c) / s.peakSdMs;
    if (z > -4 && z < 4) d += s.peakDensityPerKm * Math.exp(-0.5 * z * z);
  }
  return d;
}

interface Walker {
  edge: number;
  /** Metres along the edge from edgeFrom. */
  alongM: number;
  /** +1 towards edgeTo, -1 towards edgeFrom. */
  dir: 1 | -1;
  speedMps: number;
}

export interface PedestriansOptions {
  graph: PathGraph;
  random: Random;
  schedule?: ClassSchedule;
  radiusM?: number;
}

/**
 * Pedestrians on the footways: each walks along an edge and picks a random next edge at its end (never straight
 * back unless it is a dead end). The crowd follows the class schedule: `step` spawns walkers on random edges
 * (length-weighted) or lets the surplus leave, so the count tracks density × footway length. Positions are circles
 * for the World and the LiDAR (full fidelity); at fleet fidelity they are only sampled for near-miss statistics.
 */
export class Pedestrians {
  readonly radiusM: number;
  readonly schedule: ClassSchedule;
  readonly #g: PathGraph;
  readonly #random: Random;
  readonly #walkers: Walker[] = [];
  readonly #adjOffset: Int32Array;
  readonly #adjEdge: Int32Array;
  readonly #cumLen: Float64Array;
  readonly #totalKm: number;
  #tMs: number | undefined;

  constructor(options: PedestriansOptions) {
    const g = options.graph;
    this.#g = g;
    this.#random = options.random;
    this.schedule = options.schedule ?? defaultClassSchedule();
    this.radiusM = options.radiusM ?? 0.3;
    // Undirected adjacency: people ignore one-way rules meant for robots.
    const degree = new Int32Array(g.nodeCount + 1);
    for (let e = 0; e < g.edgeCount; e++) {
      degree[g.edgeFrom[e]! + 1]!++;
      degree[g.edgeTo[e]! + 1]!++;
    }
    for (let n = 0; n < g.nodeCount; n++) degree[n + 1]! += degree[n]!;
    this.#adjOffset = degree;
    this.#adjEdge = new Int32Array(2 * g.edgeCount);
    const fill = degree.slice(0, g.nodeCount);
    for (let e = 0; e < g.edgeCount; e++) {
      this.#adjEdge[fill[g.edgeFrom[e]!]!++] = e;
      this.#adjEdge[fill[g.edgeTo[e]!]!++] = e;
    }
    this.#cumLen = new Float64Array(g.edgeCount);
    let sum = 0;
    for (let e = 0; e < g.edgeCount; e++) this.#cumLen[e] = sum += g.edgeLengthM[e]!;
    this.#totalKm = sum / 1000;
  }

  get count(): number {
    return this.#walkers.length;
  }

  /** Walkers the schedule asks for at `tMs`. */
  targetCount(tMs: number): number {
    return Math.round(pedestrianDensity(tMs, this.schedule) * this.#totalKm);
  }

  /** Moves every walker to `tMs` and adjusts the crowd to the schedule. */
  step(tMs: number): void {
    const dtS = this.#tMs === undefined ? 0 : Math.max(0, (tMs - this.#tMs) / 1000);
    this.#tMs = tMs;
    for (const w of this.#walkers) this.#walk(w, w.speedMps * dtS);
    const target = this.targetCount(tMs);
    while (this.#walkers.length < target) this.#walkers.push(this.#spawn());
    // The ones who leave are the oldest (they reached their lecture hall).
    if (this.#walkers.length > target) this.#walkers.splice(0, this.#walkers.length - target);
  }

  /** Current positions as circles (for ray casting and contacts). */
  circles(): Circle[] {
    return this.#walkers.map((w) => {
      const p = this.#pointAt(w.edge, w.alongM);
      return { x: p.x, y: p.y, radiusM: this.radiusM };
    });
  }

  /** Walkers within `rangeM` of (x, y). */
  countNear(x: number, y: number, rangeM: number): number {
    let n = 0;
    const r2 = rangeM * rangeM;
    for (const w of this.#walkers) {
      const p = this.#pointAt(w.edge, w.alongM);
      const dx = p.x - x;
      const dy = p.y - y;
      if (dx * dx + dy * dy <= r2) n++;
    }
    return n;
  }

  #spawn(): Walker {
    const r = this.#random.next() * this.#cumLen[this.#cumLen.length - 1]!;
    let lo = 0;
    let hi = this.#cumLen.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cumLen[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return {
      edge: lo,
      alongM: this.#random.next() * this.#g.edgeLengthM[lo]!,
      dir: this.#random.chance(0.5) ? 1 : -1,
      speedMps: this.#random.uniform(1.0, 1.6),
    };
  }

  #walk(w: Walker, distM: number): void {
    const g = this.#g;
    let left = distM;
    // Bounded: a long step over many tiny edges cannot spin forever.
    for (let hops = 0; left > 0 && hops < 64; hops++) {
      const len = g.edgeLengthM[w.edge]!;
      const room = w.dir === 1 ? len - w.alongM : w.alongM;
      if (left < room) {
        w.alongM += w.dir * left;
        return;
      }
      left -= room;
      const node = w.dir === 1 ? g.edgeTo[w.edge]! : g.edgeFrom[w.edge]!;
      const from = this.#adjOffset[node]!;
      const deg = this.#adjOffset[node + 1]! - from;
      let next = w.edge;
      if (deg > 1) {
        const k = Math.floor(this.#random.next() * (deg - 1));
        let seen = 0;
        for (let i = from; i < from + deg; i++) {
          const e = this.#adjEdge[i]!;
          if (e === w.edge) continue;
          if (seen++ === k) {
            next = e;
            break;
          }
        }
      }
      w.edge = next;
      w.dir = g.edgeFrom[next] === node ? 1 : -1;
      w.alongM = w.dir === 1 ? 0 : g.edgeLengthM[next]!;
    }
  }

  #pointAt(edge: number, alongM: number): { x: number; y: number } {
    const g = this.#g;
    const a = g.geomOffset[edge]!;
    const b = g.geomOffset[edge + 1]!;
    let left = alongM;
    for (let i = a + 1; i < b; i++) {
      const dx = g.geomX[i]! - g.geomX[i - 1]!;
      const dy = g.geomY[i]! - g.geomY[i - 1]!;
      const seg = Math.hypot(dx, dy);
      if (left <= seg || i === b - 1) {
        const f = seg > 0 ? Math.min(1, left / seg) : 0;
        return { x: g.geomX[i - 1]! + f * dx, y: g.geomY[i - 1]! + f * dy };
      }
      left -= seg;
    }
    return { x: g.geomX[a]!, y: g.geomY[a]! };
  }
}
