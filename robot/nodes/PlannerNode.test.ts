// The planner node on the in-process bus over the real ZJU graph: what it answers on `plan` and `planner/status` to
// goals and to the controller's re-plan requests.
import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import type { CampusMap } from '../../maps/index.ts';
import { loadCampusCached } from '../closedLoop/campusCache.ts';
import { createPathPlanner } from '../planner/core/index.ts';
import { InProcessBus } from '../ros/index.ts';
import { createPoseEstimate, createPoseWithCovarianceMsg, toPoseStamped, toPoseWithCovariance } from './convert.ts';
import { PlannerNode } from './PlannerNode.ts';
import { TOPICS, type PlannerStatus, type ReplanRequest } from './topics.ts';

let campus: CampusMap;
beforeAll(async () => {
  campus = await loadCampusCached();
}, 30_000);

/** The middle of ZJU edge 3, an 85 m footway with no other edge within 10 m of this point. */
const ON_SPUR = { x: -51.78, y: 531.36 };
const SNAP_M = 10;

/** A planner under /R1 with a small snap distance, a pose at `at`, and what it published. */
function plannerAt(at: { x: number; y: number }) {
  const clock = new VirtualClock(1_000_000);
  const bus = new InProcessBus(clock);
  const planner = new PlannerNode(bus.createNode('planner', { namespace: '/R1', parameterOverrides: { max_snap_m: SNAP_M } }), { campus });
  expect(planner.lifecycle.startUp().ok).toBe(true);
  const driver = bus.createNode('driver', { namespace: '/R1' });
  const statuses: PlannerStatus[] = [];
  const paths: number[] = [];
  driver.createSubscription('std_msgs/msg/String', TOPICS.plannerStatus, (m) => statuses.push(JSON.parse(m.data) as PlannerStatus));
  driver.createSubscription('nav_msgs/msg/Path', TOPICS.plan, (m) => paths.push(m.poses.length));
  const posePub = driver.createPublisher('geometry_msgs/msg/PoseWithCovarianceStamped', TOPICS.pose);
  const goalPub = driver.createPublisher('geometry_msgs/msg/PoseStamped', TOPICS.plannerGoal);
  const replanPub = driver.createPublisher('std_msgs/msg/String', TOPICS.controllerReplan);
  const est = createPoseEstimate();
  est.pose.x = at.x;
  est.pose.y = at.y;
  est.timeMs = clock.now();
  posePub.publish(toPoseWithCovariance(est, createPoseWithCovarianceMsg('map')));
  const goal = { x: campus.graph.nodeX[300]!, y: campus.graph.nodeY[300]!, theta: 0 };
  const goalMs = clock.now();
  goalPub.publish(toPoseStamped(goal, goalMs, 'map'));
  const replan = (req: Omit<ReplanRequest, 'goalMs'>) => replanPub.publish({ data: JSON.stringify({ goalMs, ...req }) });
  return { planner, statuses, paths, replan, goal, goalMs };
}

describe('PlannerNode re-plans', () => {
  it('plans without its blocked edges when with them the robot is off the network (it stands on the blocked spur)', () => {
    const { planner, statuses, paths, replan, goal } = plannerAt(ON_SPUR);
    expect(statuses.map((s) => s.state)).toEqual(['planned']);
    // The case: with the edge the robot stands on blocked, no open edge is within the snap distance.
    const core = createPathPlanner(campus, { maxSnapM: SNAP_M });
    const first = core.plan(ON_SPUR, [goal], new Set());
    expect(first.ok).toBe(true);
    const spur = first.ok ? core.edgeNear(first.value, ON_SPUR.x, ON_SPUR.y, 10) : -1;
    expect(core.plan(ON_SPUR, [goal], new Set([spur]))).toMatchObject({ ok: false, error: { reason: 'off-network' } });

    replan({ ...ON_SPUR, reason: 'blocked' });
    // Before: 'failed' with an empty path (the fallback covered only 'unreachable').
    expect(statuses.at(-1)).toMatchObject({ state: 'replanned', blockedEdges: [spur] });
    expect(paths.at(-1)).toBeGreaterThan(1);
    expect(planner.counters.failures).toBe(0);
  });

  it('marks the edge near the robot blocked for a blocked request (or one without a reason), not for a stalled one', () => {
    const stalled = plannerAt(ON_SPUR);
    stalled.replan({ ...ON_SPUR, reason: 'stalled' });
    expect(stalled.statuses.at(-1)).toMatchObject({ state: 'replanned', blockedEdges: [] });
    expect(stalled.planner.blockedEdges.size).toBe(0);
    expect(stalled.planner.counters.replans).toBe(1);

    for (const reason of ['blocked', undefined] as const) {
      const blocked = plannerAt(ON_SPUR);
      blocked.replan({ ...ON_SPUR, ...(reason ? { reason } : {}) });
      expect(blocked.planner.blockedEdges.size, `reason ${reason}`).toBe(1);
    }
  });

  it('answers a re-plan of its goal after that goal failed (no current path), where it used to drop it', () => {
    // Far off the network: the goal's plan fails.
    const far = { x: 1e5, y: 1e5 };
    const { statuses, replan, planner } = plannerAt(far);
    expect(statuses.map((s) => s.state)).toEqual(['failed']);
    expect(planner.currentPath).toBeUndefined();
    replan({ ...far, reason: 'stalled' });
    // Answered (failed again: still off the network), not dropped.
    expect(statuses.map((s) => s.state)).toEqual(['failed', 'failed']);
  });
});
