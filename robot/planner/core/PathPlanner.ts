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
}

/** A planner for one robot on `campus` (its own router and blocked set; the campus is shared read-only). */
export function createPathPlanner(campus: CampusMap, options: PathPlannerOptions = {}): PathPlanner {
  const maxSnapM = options.maxSnapM ?? 50;
  let current: ReadonlySet<number> = new Set();
  const blocked = (e: number) => campus.noGoEdges.has(e) || current.has(e);
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
        const r = routeBetweenPoints(campus.graph, router, campus.edgeIndex, at, goal, { maxSnapM, blocked });
        if (!r.ok) return err({ reason: r.error.reason, message: r.error.message });
        for (let i = 1; i < r.value.points.length; i++) points.push(r.value.points[i]!);
        edges.push(...r.value.edges);
        lengthM += r.value.lengthM + r.value.snapLegsM;
        at = goal;
      }
      return ok({ points, lengthM, edges });
    },
    edgeNear(path, x, y, maxDistanceM) {
      const allowed = new Set(path.edges);
      const snap = campus.edgeIndex.nearest(x, y, maxDistanceM, (e) => allowed.has(e));
      return snap === undefined ? -1 : snap.edge;
    },
  };
}

/** One-shot form of `createPathPlanner(campus).plan(...)`, for callers that plan once. */
export function planPath(
  campus: CampusMap, from: Vec2, goals: readonly Vec2[], blockedEdges: ReadonlySet<number> = new Set(),
): Result<PlannedPath, PlanFailure> {
  return createPathPlanner(campus).plan(from, goals, blockedEdges);
}
