/**
 * Planner node: turns a goal (the next order node's position, on `planner/goal`) into a path on the campus graph
 * from the robot's current pose, published on `plan` with the goal's stamp; re-plans on `controller/replan`, around
 * the edge near the robot when the controller reports it blocked (not when it only stalled). The algorithm is
 * `robot/planner/core`.
 */
import type { CampusMap } from '../../maps/index.ts';
import { createPathPlanner, type PathPlanner, type PlannedPath } from '../planner/core/index.ts';
import {
  LifecycleNode,
  declareParams,
  inRange,
  defineParams,
  stampToMs,
  type LifecyclePublisher,
  type ParamsHandle,
  type RosNode,
  type Subscription,
} from '../ros/index.ts';
import { createPoseEstimate, fromPoseStamped, fromPoseWithCovariance, toPath } from './convert.ts';
import { TOPICS, type PlannerStatus, type ReplanRequest } from './topics.ts';

export const plannerParams = defineParams({
  mapFrame: { name: 'map_frame', type: 'string', default: 'map', unit: '', description: 'Frame of goals and paths' },
  maxSnapM: {
    name: 'max_snap_m', type: 'double', default: 50, unit: 'm', description: 'A pose or goal farther than this from every path is off the network',
    validate: inRange.positive,
  },
  blockedEdgeSearchM: {
    name: 'blocked_edge_search_m', type: 'double', default: 10, unit: 'm', description: 'How far from the robot the blocked edge of its path may be',
    validate: inRange.positive,
  },
  blockedForgetS: {
    name: 'blocked_forget_s', type: 'double', default: 600, unit: 's', description: 'A blocked edge is tried again after this long',
    validate: inRange.positive,
  },
});

export interface PlannerCounters {
  plans: number;
  replans: number;
  failures: number;
}

export class PlannerNode {
  readonly lifecycle: LifecycleNode;
  readonly counters: PlannerCounters = { plans: 0, replans: 0, failures: 0 };
  /** Edges reported blocked, with the time they were reported (ms). */
  readonly blockedEdges = new Map<number, number>();
  readonly #node: RosNode;
  readonly #campus: CampusMap;
  #params: ParamsHandle<typeof plannerParams> | undefined;
  #planner: PathPlanner | undefined;
  #subs: Subscription[] = [];
  #pathPub: LifecyclePublisher<'nav_msgs/msg/Path'> | undefined;
  #statusPub: LifecyclePublisher<'std_msgs/msg/String'> | undefined;
  readonly #pose = createPoseEstimate();
  #hasPose = false;
  #goal: { x: number; y: number; stampMs: number } | undefined;
  #current: PlannedPath | undefined;

  constructor(node: RosNode, options: { campus: CampusMap }) {
    this.#node = node;
    this.#campus = options.campus;
    this.lifecycle = new LifecycleNode(node, {
      onConfigure: () => this.#configure(),
      onCleanup: () => this.#cleanup(),
      onShutdown: () => this.#cleanup(),
    });
  }

  /** The path being followed, or undefined. */
  get currentPath(): PlannedPath | undefined {
    return this.#current;
  }

  #configure(): void {
    const node = this.#node;
    this.#params = declareParams(node, plannerParams);
    this.#planner = createPathPlanner(this.#campus, { maxSnapM: this.#params.values.maxSnapM });
    this.#pathPub = this.lifecycle.createLifecyclePublisher('nav_msgs/msg/Path', TOPICS.plan, { depth: 1, durability: 'transient_local' });
    this.#statusPub = this.lifecycle.createLifecyclePublisher('std_msgs/msg/String', TOPICS.plannerStatus);
    this.#subs = [
      node.createSubscription('geometry_msgs/msg/PoseWithCovarianceStamped', TOPICS.pose, (m) => {
        fromPoseWithCovariance(m, this.#pose);
        const first = !this.#hasPose;
        this.#hasPose = true;
        // A goal that came before the first pose is planned as soon as the robot knows where it is.
        if (first && this.lifecycle.isActive && this.#goal && !this.#current) this.#plan('planned');
      }),
      node.createSubscription('geometry_msgs/msg/PoseStamped', TOPICS.plannerGoal, (m) => {
        if (!this.lifecycle.isActive) return;
        const g = fromPoseStamped(m);
        this.#goal = { x: g.x, y: g.y, stampMs: stampToMs(m.header.stamp) };
        this.#plan('planned');
      }),
      node.createSubscription('std_msgs/msg/String', TOPICS.plannerCancel, (m) => {
        if (!this.lifecycle.isActive) return;
        const goalMs = this.#goal?.stampMs ?? 0;
        this.#goal = undefined;
        this.#current = undefined;
        this.#pathPub!.publish(toPath([], this.#node.getClock().now(), this.#params!.values.mapFrame));
        this.#status({ state: 'cancelled', goalMs, reason: m.data });
      }),
      node.createSubscription('std_msgs/msg/String', TOPICS.controllerReplan, (m) => {
        if (!this.lifecycle.isActive || !this.#goal) return;
        const req = JSON.parse(m.data) as ReplanRequest;
        if (req.goalMs !== this.#goal.stampMs) return;
        // Only the controller's avoidance finding no way past is evidence about the edge; a stall (held up by another
        // robot) is not. A request without a reason comes from an older controller, for which every request was
        // "blocked". Without a current path (its plan failed; the controller kept the old one) there is no edge to
        // name, but the request is still answered: an unanswered one leaves the controller waiting.
        const blocked = (req.reason ?? 'blocked') === 'blocked';
        const edge = blocked && this.#current
          ? this.#planner!.edgeNear(this.#current, req.x, req.y, this.#params!.values.blockedEdgeSearchM)
          : -1;
        if (edge >= 0) {
          this.blockedEdges.set(edge, this.#node.getClock().now());
          this.#node.getLogger().warn(`planner: edge ${edge} reported blocked at (${req.x.toFixed(1)}, ${req.y.toFixed(1)}); re-planning`);
        }
        this.counters.replans++;
        this.#plan('replanned');
      }),
    ];
  }

  #plan(state: 'planned' | 'replanned'): void {
    const goal = this.#goal!;
    const p = this.#params!.values;
    const now = this.#node.getClock().now();
    for (const [e, at] of this.blockedEdges) if (now - at > p.blockedForgetS * 1000) this.blockedEdges.delete(e);
    if (!this.#hasPose) return;
    let r = this.#planner!.plan(this.#pose.pose, [goal], new Set(this.blockedEdges.keys()));
    // Blocked edges can fail a plan in every way but a missing goal: every way round them blocked too, or none
    // ('unreachable'), or the robot or the goal with no open edge within the snap distance (it stands on a blocked
    // spur: 'off-network'). A path through them beats no path, which would leave the mission waiting; the controller
    // will stop again if the way is still shut. Any failure is tried again without them, so a reason added later is
    // covered too; one they did not cause fails the same way twice.
    if (!r.ok && this.blockedEdges.size > 0) r = this.#planner!.plan(this.#pose.pose, [goal], new Set());
    if (!r.ok) {
      this.#fail(goal.stampMs, `${r.error.reason}: ${r.error.message}`);
      return;
    }
    this.counters.plans++;
    this.#current = r.value;
    this.#pathPub!.publish(toPath(r.value.points, goal.stampMs, p.mapFrame));
    this.#status({ state, goalMs: goal.stampMs, lengthM: r.value.lengthM, blockedEdges: [...this.blockedEdges.keys()] });
  }

  #fail(goalMs: number, reason: string): void {
    this.counters.failures++;
    this.#current = undefined;
    this.#node.getLogger().warn(`planner: no path for goal ${goalMs}: ${reason}`);
    this.#pathPub!.publish(toPath([], goalMs, this.#params!.values.mapFrame));
    this.#status({ state: 'failed', goalMs, reason });
  }

  #status(s: PlannerStatus): void {
    this.#statusPub!.publish({ data: JSON.stringify(s) });
  }

  #cleanup(): void {
    for (const s of this.#subs) this.#node.destroySubscription(s);
    this.#subs = [];
    this.#params?.dispose();
  }
}
