/**
 * The planner's algorithm: a path on the campus graph from the robot's pose through the goal positions (an order's
 * nodes), around edges reported blocked. Each planner keeps its own router (the blocked set is a predicate the
 * search reads, so blocking an edge costs nothing to rebuild) and answers with values, never exceptions.
 */
import { err, ok, type Result } from '../../../common/core/AppError.ts';
import { createRouter, routeBetweenPoints, type CampusMap, type Router, type Vec2 } from '../../../maps/index.ts';

/** A planned path: the polyline to follow and the graph edges it uses (to name the one that turns out blocked). */
export interface PlannedPath {
  /** Polyline in the campus metric frame, from the start pose to the last goal, m. */
  points: Vec2[];
  lengthM: number;
  /** Graph edges used, in order of travel (may repeat where legs meet). */
  edges: number[];
  /** How much of the route's end was left out because it runs too close to a mapped obstacle (0: none), m. */
  trimmedM: number;
}

export type PlanFailure =
  | { reason: 'no-goal'; message: string }
  | { reason: 'off-network'; message: string }
  | { reason: 'unreachable'; message: string };

export interface PathPlanner {
  /** Plans from `from` through every goal in turn, avoiding `blockedEdges` and the map's no-go edges. */
  plan(from: Vec2, goals: readonly Vec2[], blockedEdges: ReadonlySet<number>): Result<PlannedPath, PlanFailure>;
  /** The edge of `path` nearest to (x, y) within `maxDistanceM`, or -1: which edge a blocked robot stands on. */
  edgeNear(path: PlannedPath, x: number, y: number, maxDistanceM: number): number;
}

export interface PathPlannerOptions {
  /** A point farther than this from every path is off the network, m (default 50). */
  maxSnapM?: number;
  /**
   * Stop short of a goal that lies on (or too near) a mapped obstacle: campus drop points often sit on a building's
   * outline, where a robot cannot stand. The path then ends at the last point before its first spot, within
   * `standoffM` of the end, that is closer than `clearanceM` to an obstacle. Default: the campus obstacles, 0.8 m
   * (front 0.4 m + the safety stop zone 0.1 m + margin), 15 m.
   */
  goalClearance?: false | { clearanceM?: number; standoffM?: number };
  /**
   * Route around graph edges that cross a mapped obstacle (a footway drawn through a building, a wall across a path):
   * an edge whose polyline comes closer than this to an obstacle somewhere other than at its ends is avoided, unless
   * no route exists without it. Default 0.35 m (half the robot's width + a little); `false` keeps every edge.
   */
  edgeClearanceM?: false | number;
}

/** A planner for one robot on `campus` (its own router and blocked set; the campus is shared read-only). */
export function createPathPlanner(campus: CampusMap, options: PathPlannerOptions = {}): PathPlanner {
  const maxSnapM = options.maxSnapM ?? 50;
  const clearance = options.goalClearance === false ? undefined : {
    clearanceM: options.goalClearance?.clearanceM ?? 0.8, standoffM: options.goalClearance?.standoffM ?? 15,
  };
  let current: ReadonlySet<number> = new Set();
  const crossing = options.edgeClearanceM === false ? undefined : edgesCrossingObstacles(campus, options.edgeClearanceM ?? 0.35);
  let avoidCrossing = true;
  const blocked = (e: number) => campus.noGoEdges.has(e) || current.has(e) || (avoidCrossing && crossing !== undefined && crossing[e] === 1);
  const router: Router = createRouter(campus.graph, { blocked });
  return {
    plan(from, goals, blockedEdges) {
      if (goals.length === 0) return err({ reason: 'no-goal', message: 'plan: no goal given' });
      current = blockedEdges;
      const points: Vec2[] = [from];
      const edges: number[] = [];
      let lengthM = 0;
      let at = from;
      for (const goal of goals) {
        avoidCrossing = true;
        let r = routeBetweenPoints(campus.graph, router, campus.edgeIndex, at, goal, { maxSnapM, blocked });
        if (r.ok && at === from && blockedEdges.size > 0 && legHitsObstacle(campus, from, r.value.from)) {
          // The edge the robot stands on is blocked, and the nearest open one lies behind a wall: the snap leg would
          // drive it into the wall (a robot stood 10 min and more against a building at (281, -765) on ZJU). Start
          // on its own edge after all; the rest of the blocked set still holds.
          const own = campus.edgeIndex.nearest(from.x, from.y, maxSnapM, (e) => !campus.noGoEdges.has(e));
          if (own !== undefined && blockedEdges.has(own.edge)) {
            current = new Set([...blockedEdges].filter((e) => e !== own.edge));
            const retry = routeBetweenPoints(campus.graph, router, campus.edgeIndex, at, goal, { maxSnapM, blocked });
            current = blockedEdges;
            if (retry.ok) r = retry;
          }
        }
        if (!r.ok && crossing !== undefined) {
          // Only through an obstacle (or the goal is on such an edge): take it; the controller will stop if it must.
          avoidCrossing = false;
          r = routeBetweenPoints(campus.graph, router, campus.edgeIndex, at, goal, { maxSnapM, blocked });
        }
        if (!r.ok) return err({ reason: r.error.reason, message: r.error.message });
        for (let i = 1; i < r.value.points.length; i++) {
          const q = r.value.points[i]!;
          const last = points[points.length - 1]!;
          // A goal given a hair off its graph node (orders round positions) would end the path in a segment of a
          // millimetre whose direction is noise; the controller steers and looks ahead along the last segment.
          if (points.length > 1 && Math.hypot(q.x - last.x, q.y - last.y) < MERGE_M) points[points.length - 1] = q;
          else points.push(q);
        }
        edges.push(...r.value.edges);
        lengthM += r.value.lengthM + r.value.snapLegsM;
        at = goal;
      }
      const trimmedM = clearance ? trimTail(points, campus.obstacles, clearance.clearanceM, clearance.standoffM) : 0;
      return ok({ points, lengthM: lengthM - trimmedM, edges, trimmedM });
    },
    edgeNear(path, x, y, maxDistanceM) {
      const allowed = new Set(path.edges);
      const snap = campus.edgeIndex.nearest(x, y, maxDistanceM, (e) => allowed.has(e));
      if (snap === undefined) return -1;
      // At a node the edge behind and the edge ahead are equally near; the one in the way is the one ahead. (Blocked
      // at drop point 62, a robot kept reporting the edge it came by, and the re-plan kept the one through the wall.)
      const at = path.edges.indexOf(snap.edge);
      for (let i = at + 1; i < path.edges.length && i <= at + 2; i++) {
        const next = path.edges[i]!;
        if (next === snap.edge) continue;
        const d = campus.edgeIndex.nearest(x, y, maxDistanceM, (e) => e === next)?.distanceM ?? Infinity;
        if (d <= snap.distanceM + NODE_TIE_M) return next;
        break;
      }
      return snap.edge;
    },
  };
}

const crossingCache = new WeakMap<CampusMap, Map<number, Uint8Array>>();

/**
 * 1 for each graph edge whose polyline passes closer than `clearanceM` to an obstacle away from its ends (a tight
 * stretch that touches neither end). Tight stretches at an end are how an edge reaches a drop point on a building's
 * outline, and stay allowed. Computed once per campus and clearance (~65 km of edges sampled every 0.25 m).
 */
function edgesCrossingObstacles(campus: CampusMap, clearanceM: number): Uint8Array {
  let byClearance = crossingCache.get(campus);
  if (byClearance === undefined) crossingCache.set(campus, (byClearance = new Map()));
  const cached = byClearance.get(clearanceM);
  if (cached !== undefined) return cached;
  const g = campus.graph;
  const out = new Uint8Array(g.edgeCount);
  const step = 0.25;
  for (let e = 0; e < g.edgeCount; e++) {
    // Runs of tight samples along the edge; the edge crosses if some run starts after its first sample and ends
    // before its last.
    let first = true, inRun = false, runFromStart = false, crosses = false;
    for (let k = g.geomOffset[e]!; k < g.geomOffset[e + 1]! - 1 && !crosses; k++) {
      const x0 = g.geomX[k]!, y0 = g.geomY[k]!, x1 = g.geomX[k + 1]!, y1 = g.geomY[k + 1]!;
      const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / step));
      for (let j = first ? 0 : 1; j <= n; j++) {
        const tight = campus.obstacles.nearestDistance(x0 + ((x1 - x0) * j) / n, y0 + ((y1 - y0) * j) / n, clearanceM) < clearanceM;
        if (tight && !inRun) {
          inRun = true;
          runFromStart = first;
        } else if (!tight && inRun) {
          inRun = false;
          if (!runFromStart) {
            crosses = true;
            break;
          }
        }
        first = false;
      }
    }
    if (crosses) out[e] = 1;
  }
  byClearance.set(clearanceM, out);
  return out;
}

/** Whether the straight leg from `a` to `b` meets a mapped obstacle. */
function legHitsObstacle(campus: CampusMap, a: Vec2, b: Vec2): boolean {
  const len = Math.hypot(b.x - a.x, b.y - a.y);
  return len > 0 && campus.obstacles.castRay(a.x, a.y, Math.atan2(b.y - a.y, b.x - a.x), len) < len;
}

/** Edges this much nearer or farther than each other from a blocked robot are a tie (it stands at their node), m. */
const NODE_TIE_M = 0.5;

/** Consecutive path points closer than this are one point, m. */
const MERGE_M = 0.01;

/** Sample spacing when checking the path's end against obstacles, m. */
const TRIM_STEP_M = 0.1;

/**
 * Cuts `points` (in place) at the last point before the first spot, within `standoffM` of the end, that is closer
 * than `clearanceM` to an obstacle; returns the length removed (0 when the end is clear). Tight spots before the first
 * clear one in the window are the start's surroundings, not the goal's, and do not count.
 */
function trimTail(points: Vec2[], obstacles: { nearestDistance(x: number, y: number, maxRangeM: number): number }, clearanceM: number, standoffM: number): number {
  // Arc length at each vertex, from the end backwards, to find where the window starts.
  let k = points.length - 1;
  let fromEnd = 0;
  while (k > 0 && fromEnd < standoffM) {
    fromEnd += Math.hypot(points[k]!.x - points[k - 1]!.x, points[k]!.y - points[k - 1]!.y);
    k--;
  }
  // Walk forward from vertex k (the window's start) sampling every TRIM_STEP_M; stop at the first tight sample.
  let lastClear: Vec2 = points[k]!;
  let lastClearSeg = k;
  let tight = false;
  let seenClear = false;
  for (let i = k; i < points.length - 1 && !tight; i++) {
    const a = points[i]!, b = points[i + 1]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    const n = Math.max(1, Math.ceil(len / TRIM_STEP_M));
    for (let j = i === k ? 0 : 1; j <= n; j++) {
      const x = a.x + ((b.x - a.x) * j) / n, y = a.y + ((b.y - a.y) * j) / n;
      if (obstacles.nearestDistance(x, y, clearanceM) < clearanceM) {
        // Tight before any clear sample: the robot starts near a wall (parked, or just left a drop point); not the goal.
        if (seenClear) {
          tight = true;
          break;
        }
        continue;
      }
      seenClear = true;
      lastClear = { x, y };
      lastClearSeg = i;
    }
  }
  if (!tight) return 0;
  let removed = 0;
  removed += Math.hypot(points[lastClearSeg + 1]!.x - lastClear.x, points[lastClearSeg + 1]!.y - lastClear.y);
  for (let i = lastClearSeg + 1; i < points.length - 1; i++) removed += Math.hypot(points[i + 1]!.x - points[i]!.x, points[i + 1]!.y - points[i]!.y);
  points.length = lastClearSeg + 1;
  const last = points[lastClearSeg]!;
  if (last.x !== lastClear.x || last.y !== lastClear.y) points.push(lastClear);
  return removed;
}

/** One-shot form of `createPathPlanner(campus).plan(...)`, for callers that plan once. */
export function planPath(
  campus: CampusMap, from: Vec2, goals: readonly Vec2[], blockedEdges: ReadonlySet<number> = new Set(),
): Result<PlannedPath, PlanFailure> {
  return createPathPlanner(campus).plan(from, goals, blockedEdges);
}
