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
  /** How far right of the centre line they keep (in their direction of travel), m. */
  keepRightM: number;
  /** Extra sideways step to pass a robot (right positive), m; eases back to 0. */
  detourM: number;
  /** Geometry segment the walker was last on (an index into the graph's geometry), and its start along the edge, m. */
  seg: number;
  segStartM: number;
}

export interface PedestriansOptions {
  graph: PathGraph;
  random: Random;
  schedule?: ClassSchedule;
  radiusM?: number;
  /** Walkers keep this far right of the footway's centre line, m, uniform in [min, max] (default 0.6–1.2). */
  keepRightM?: { min: number; max: number };
  /** Walkers step sideways to keep this far (centre to centre) from a robot beside them, m (default 1.0). */
  yieldM?: number;
  /** Cell of the grid that finds walkers near a point, m (default 13: LiDAR range + slack); `nearAny`'s largest range. */
  gridCellM?: number;
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
  /** Length of geometry segment k (point k to k + 1), m: #centre reads it for thousands of walkers a step. */
  readonly #segLen: Float64Array;
  readonly #totalKm: number;
  readonly #keepRight: { min: number; max: number };
  readonly #yieldM: number;
  #tMs: number | undefined;
  // Per walker (index as in #walkers), refreshed every step: the centre-line point, the edge's direction there, and
  // the position (centre line + keep-right + detour). Typed arrays: a crowd of thousands moves ten times a second.
  #cx = new Float64Array(256);
  #cy = new Float64Array(256);
  #ux = new Float64Array(256);
  #uy = new Float64Array(256);
  #px = new Float64Array(256);
  #py = new Float64Array(256);
  // A grid over the graph's bounding box. Only the cells around the robots of the last step are filled (each gets a
  // slot; walkers are counting-sorted by slot), so a step costs O(walkers + robots), not O(cells).
  readonly #cellM: number;
  readonly #ox: number;
  readonly #oy: number;
  readonly #nx: number;
  readonly #ny: number;
  readonly #cellGen: Uint32Array;
  readonly #cellSlot: Int32Array;
  #gridGen = 0;
  #slotStart = new Int32Array(64);
  #slotItems = new Int32Array(256);
  #slotOf = new Int32Array(256);
  #robots: ReadonlyArray<{ x: number; y: number }> = [];
  #stamp = new Uint32Array(256);
  #stampGen = 0;
  // Lateral bands robots block for the walker being placed (sorted by lower edge), m.
  #bandLo = new Float64Array(0);
  #bandHi = new Float64Array(0);

  constructor(options: PedestriansOptions) {
    const g = options.graph;
    this.#g = g;
    this.#random = options.random;
    this.schedule = options.schedule ?? defaultClassSchedule();
    this.radiusM = options.radiusM ?? 0.3;
    this.#keepRight = options.keepRightM ?? { min: 0.6, max: 1.2 };
    this.#yieldM = options.yieldM ?? 1.0;
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
    this.#segLen = new Float64Array(Math.max(0, g.geomX.length - 1));
    for (let k = 0; k + 1 < g.geomX.length; k++) this.#segLen[k] = Math.hypot(g.geomX[k + 1]! - g.geomX[k]!, g.geomY[k + 1]! - g.geomY[k]!);
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let i = 0; i < g.geomX.length; i++) {
      x0 = Math.min(x0, g.geomX[i]!);
      x1 = Math.max(x1, g.geomX[i]!);
      y0 = Math.min(y0, g.geomY[i]!);
      y1 = Math.max(y1, g.geomY[i]!);
    }
    if (!Number.isFinite(x0)) x0 = y0 = x1 = y1 = 0;
    this.#cellM = options.gridCellM ?? 13;
    // Walkers stray up to a few metres off the graph (keep-right, detours); a margin cell on each side holds them.
    this.#ox = x0 - this.#cellM;
    this.#oy = y0 - this.#cellM;
    this.#nx = Math.ceil((x1 - x0) / this.#cellM) + 3;
    this.#ny = Math.ceil((y1 - y0) / this.#cellM) + 3;
    this.#cellGen = new Uint32Array(this.#nx * this.#ny);
    this.#cellSlot = new Int32Array(this.#nx * this.#ny);
  }

  get count(): number {
    return this.#walkers.length;
  }

  /** Walkers the schedule asks for at `tMs`. */
  targetCount(tMs: number): number {
    return Math.round(pedestrianDensity(tMs, this.schedule) * this.#totalKm);
  }

  /**
   * Moves every walker to `tMs` and adjusts the crowd to the schedule. People see robots (`robots`: centres): a walker
   * who would pass within `yieldM` of one (or of a group: robots parked side by side) steps sideways to the nearer
   * free side, and eases back to their usual line afterwards, rather than walk into it (or stop, which would pen a
   * robot in at a busy door).
   */
  step(tMs: number, robots: ReadonlyArray<{ x: number; y: number }> = []): void {
    const dtS = this.#tMs === undefined ? 0 : Math.max(0, (tMs - this.#tMs) / 1000);
    this.#tMs = tMs;
    const ease = DETOUR_EASE_MPS * dtS;
    for (const w of this.#walkers) {
      this.#walk(w, w.speedMps * dtS);
      w.detourM = Math.abs(w.detourM) <= ease ? 0 : w.detourM - Math.sign(w.detourM) * ease;
    }
    const target = this.targetCount(tMs);
    while (this.#walkers.length < target) this.#walkers.push(this.#spawn());
    // The ones who leave are the oldest (they reached their lecture hall).
    if (this.#walkers.length > target) this.#walkers.splice(0, this.#walkers.length - target);
    const n = this.#walkers.length;
    if (this.#px.length < n) this.#grow(n);
    for (let i = 0; i < n; i++) {
      const w = this.#walkers[i]!;
      this.#centre(w, i);
      this.#place(w, i);
    }
    this.#robots = robots;
    this.#buildGrid(robots);
    if (this.#bandLo.length < robots.length) {
      this.#bandLo = new Float64Array(robots.length);
      this.#bandHi = new Float64Array(robots.length);
    }
    if (robots.length > 0) this.#yieldTo(robots);
  }

  /** Walker i's position (0 ≤ i < count), as of the last step. */
  x(i: number): number {
    return this.#px[i]!;
  }

  y(i: number): number {
    return this.#py[i]!;
  }

  /**
   * Indices (ascending) of the walkers within `rangeM` of any robot given to the last `step` (where they stood then),
   * written into `out` (cleared first); `rangeM` may be at most the grid cell (default 13 m).
   */
  nearRobots(rangeM: number, out: number[]): number[] {
    out.length = 0;
    if (rangeM > this.#cellM) throw new RangeError(`Pedestrians.nearRobots: range ${rangeM} m exceeds the grid cell ${this.#cellM} m`);
    const gen = ++this.#stampGen;
    const r2 = rangeM * rangeM;
    const stamp = this.#stamp, px = this.#px, py = this.#py, items = this.#slotItems, start = this.#slotStart;
    for (const c of this.#robots) {
      // The 3 × 3 cells around the robot, as #forEachInCells visits them (written out: a closure per robot per step).
      const cx = this.#cellX(c.x), cy = this.#cellY(c.y);
      for (let j = Math.max(0, cy - 1); j <= Math.min(this.#ny - 1, cy + 1); j++) {
        for (let ci = Math.max(0, cx - 1); ci <= Math.min(this.#nx - 1, cx + 1); ci++) {
          const slot = this.#filledSlot(j * this.#nx + ci);
          if (slot < 0) continue;
          for (let k = start[slot]!; k < start[slot + 1]!; k++) {
            const i = items[k]!;
            if (stamp[i] === gen) continue;
            const dx = px[i]! - c.x, dy = py[i]! - c.y;
            if (dx * dx + dy * dy <= r2) {
              stamp[i] = gen;
              out.push(i);
            }
          }
        }
      }
    }
    return out.sort((a, b) => a - b);
  }

  /** Current positions as circles (for ray casting and contacts). Allocates; the simulator uses `nearAny`. */
  circles(): Circle[] {
    const out: Circle[] = [];
    for (let i = 0; i < this.#walkers.length; i++) out.push({ x: this.#px[i]!, y: this.#py[i]!, radiusM: this.radiusM });
    return out;
  }

  /** Walkers within `rangeM` of (x, y). */
  countNear(x: number, y: number, rangeM: number): number {
    let n = 0;
    const r2 = rangeM * rangeM;
    for (let i = 0; i < this.#walkers.length; i++) {
      const dx = this.#px[i]! - x;
      const dy = this.#py[i]! - y;
      if (dx * dx + dy * dy <= r2) n++;
    }
    return n;
  }

  /**
   * Each walker near a robot looks at every robot in its way at once: each blocks the lateral band within `yieldM` of
   * its line, overlapping bands merge, and a walker inside a band moves to its nearer edge. Stepping around one robot
   * at a time (as this once did) put walkers passing two robots parked side by side at the hub onto the other's line.
   */
  #yieldTo(robots: ReadonlyArray<{ x: number; y: number }>): void {
    const look2 = (this.#yieldM + 2.5) * (this.#yieldM + 2.5);
    const gen = ++this.#stampGen;
    const items = this.#slotItems, start = this.#slotStart;
    for (const r of robots) {
      // The 3 × 3 cells around the robot, written out (a closure per robot per step was garbage 10 times a second).
      const cx = this.#cellX(r.x), cy = this.#cellY(r.y);
      for (let j = Math.max(0, cy - 1); j <= Math.min(this.#ny - 1, cy + 1); j++) {
        for (let ci = Math.max(0, cx - 1); ci <= Math.min(this.#nx - 1, cx + 1); ci++) {
          const slot = this.#filledSlot(j * this.#nx + ci);
          if (slot < 0) continue;
          for (let k = start[slot]!; k < start[slot + 1]!; k++) this.#yieldWalker(items[k]!, r, robots, look2, gen);
        }
      }
    }
  }

  /** Walker i, found near robot `r`, steps out of every band the robots in its way block (see #yieldTo). */
  #yieldWalker(i: number, r: { x: number; y: number }, robots: ReadonlyArray<{ x: number; y: number }>, look2: number, gen: number): void {
    const ym = this.#yieldM;
    const lo = this.#bandLo, hi = this.#bandHi;
    if (this.#stamp[i] === gen) return;
    const cx = this.#cx[i]!, cy = this.#cy[i]!;
    // Near means near where the walker is, not their line: one stepped 3 m aside from a robot crossing the footway
    // did not see it stop there beside them, and walked back into it (R02 at 07:14 on the day).
    const px = this.#px[i]!, py = this.#py[i]!;
    // Only walkers close to this robot look at all of them (once each): most in the 3 × 3 cells are far.
    if ((r.x - px) * (r.x - px) + (r.y - py) * (r.y - py) > look2) return;
    this.#stamp[i] = gen;
    const w = this.#walkers[i]!;
    // Travel direction and its right-hand normal.
    const ux = w.dir * this.#ux[i]!, uy = w.dir * this.#uy[i]!;
    let bands = 0;
    for (const o of robots) {
      if ((o.x - px) * (o.x - px) + (o.y - py) * (o.y - py) > look2) continue;
      const ex = o.x - cx, ey = o.y - cy;
      // A robot up to YIELD_AHEAD_M further ahead counts too: people step aside before they are level with it.
      const alongR = ex * ux + ey * uy;
      if (alongR <= -ym || alongR >= ym + YIELD_AHEAD_M) continue;
      const latR = ex * uy - ey * ux;
      // Insertion by lower edge: a handful of robots at most.
      let k = bands++;
      while (k > 0 && lo[k - 1]! > latR - ym) {
        lo[k] = lo[k - 1]!;
        hi[k] = hi[k - 1]!;
        k--;
      }
      lo[k] = latR - ym;
      hi[k] = latR + ym;
    }
    if (bands === 0) return;
    const latW = w.keepRightM + w.detourM;
    for (let k = 0; k < bands; k++) {
      const a = lo[k]!;
      let b = hi[k]!;
      while (k + 1 < bands && lo[k + 1]! < b) b = Math.max(b, hi[++k]!);
      if (latW > a && latW < b) {
        // A tie goes right, as people keep right.
        w.detourM = (latW - a < b - latW ? a : b) - w.keepRightM;
        this.#place(w, i);
        return;
      }
      if (a > latW) return;
    }
  }

  #cellX(x: number): number {
    return Math.floor((x - this.#ox) / this.#cellM);
  }

  #cellY(y: number): number {
    return Math.floor((y - this.#oy) / this.#cellM);
  }

  /** The slot of grid cell `c` if the last #buildGrid filled it, else -1. */
  #filledSlot(c: number): number {
    return this.#cellGen[c] === this.#gridGen ? this.#cellSlot[c]! : -1;
  }

  /** Gives the 3 × 3 cells around each robot a slot, then counting-sorts the walkers in those cells by slot. */
  #buildGrid(robots: ReadonlyArray<{ x: number; y: number }>): void {
    const gen = ++this.#gridGen;
    let slots = 0;
    for (const r of robots) {
      const cx = Math.floor((r.x - this.#ox) / this.#cellM), cy = Math.floor((r.y - this.#oy) / this.#cellM);
      for (let j = Math.max(0, cy - 1); j <= Math.min(this.#ny - 1, cy + 1); j++) {
        for (let i = Math.max(0, cx - 1); i <= Math.min(this.#nx - 1, cx + 1); i++) {
          const c = j * this.#nx + i;
          if (this.#cellGen[c] === gen) continue;
          this.#cellGen[c] = gen;
          this.#cellSlot[c] = slots++;
        }
      }
    }
    if (this.#slotStart.length < slots + 2) this.#slotStart = new Int32Array(2 * slots + 2);
    const start = this.#slotStart;
    start.fill(0, 0, slots + 2);
    const n = this.#walkers.length;
    // Fields in locals: this loop runs over the whole crowd every step.
    const px = this.#px, py = this.#py, ox = this.#ox, oy = this.#oy, cellM = this.#cellM, nx = this.#nx, ny = this.#ny;
    const cellGen = this.#cellGen, cellSlot = this.#cellSlot, slotOf = this.#slotOf;
    for (let i = 0; i < n; i++) {
      let slot = -1;
      const cx = Math.floor((px[i]! - ox) / cellM), cy = Math.floor((py[i]! - oy) / cellM);
      if (cx >= 0 && cy >= 0 && cx < nx && cy < ny) {
        const c = cy * nx + cx;
        if (cellGen[c] === gen) slot = cellSlot[c]!;
      }
      slotOf[i] = slot;
      if (slot >= 0) start[slot + 2]!++;
    }
    // start[s + 1] becomes the first item of slot s; filling advances it to the first item of slot s + 1.
    for (let k = 2; k < slots + 2; k++) start[k]! += start[k - 1]!;
    for (let i = 0; i < n; i++) {
      const slot = this.#slotOf[i]!;
      if (slot >= 0) this.#slotItems[start[slot + 1]!++] = i;
    }
  }

  #grow(n: number): void {
    const cap = Math.max(n, 2 * this.#px.length);
    const grow = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.#cx = grow(this.#cx);
    this.#cy = grow(this.#cy);
    this.#ux = grow(this.#ux);
    this.#uy = grow(this.#uy);
    this.#px = grow(this.#px);
    this.#py = grow(this.#py);
    this.#slotItems = new Int32Array(cap);
    this.#slotOf = new Int32Array(cap);
    this.#stamp = new Uint32Array(cap);
    this.#stampGen = 0;
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
      keepRightM: this.#random.uniform(this.#keepRight.min, this.#keepRight.max),
      detourM: 0,
      seg: this.#g.geomOffset[lo]!,
      segStartM: 0,
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
      w.seg = g.geomOffset[next]!;
      w.segStartM = 0;
    }
  }

  /** Walker i's centre-line point and the edge direction there, into the typed arrays; moves its segment hint. */
  #centre(w: Walker, i: number): void {
    const g = this.#g;
    const a = g.geomOffset[w.edge]!;
    const b = g.geomOffset[w.edge + 1]!;
    if (b - a < 2) {
      this.#cx[i] = g.geomX[a]!;
      this.#cy[i] = g.geomY[a]!;
      this.#ux[i] = 1;
      this.#uy[i] = 0;
      return;
    }
    // The hint is the geometry segment [seg, seg+1] starting segStartM along the edge; walkers move a little per step.
    let k = w.seg < a || w.seg >= b - 1 ? a : w.seg;
    let s0 = k === w.seg ? w.segStartM : 0;
    const segLen = this.#segLen;
    while (k > a && w.alongM < s0) {
      k--;
      s0 -= segLen[k]!;
    }
    let len = segLen[k]!;
    while (k < b - 2 && w.alongM > s0 + len) {
      s0 += len;
      k++;
      len = segLen[k]!;
    }
    w.seg = k;
    w.segStartM = s0;
    const dx = g.geomX[k + 1]! - g.geomX[k]!, dy = g.geomY[k + 1]! - g.geomY[k]!;
    const f = len > 0 ? Math.min(1, Math.max(0, (w.alongM - s0) / len)) : 0;
    this.#cx[i] = g.geomX[k]! + f * dx;
    this.#cy[i] = g.geomY[k]! + f * dy;
    this.#ux[i] = len > 0 ? dx / len : 1;
    this.#uy[i] = len > 0 ? dy / len : 0;
  }

  /** Walker i's position: the centre-line point shifted right of their direction of travel (edge's right going forward). */
  #place(w: Walker, i: number): void {
    const right = w.dir * (w.keepRightM + w.detourM);
    this.#px[i] = this.#cx[i]! + right * this.#uy[i]!;
    this.#py[i] = this.#cy[i]! - right * this.#ux[i]!;
  }
}

/** How far beyond `yieldM` ahead a walker starts stepping around a robot, m. */
const YIELD_AHEAD_M = 1.5;

/** How fast a walker drifts back to their usual line after passing a robot, m/s. */
const DETOUR_EASE_MPS = 0.5;
