import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import type { CampusMap } from '../../maps/index.ts';
import { loadCampusCached } from '../closedLoop/campusCache.ts';
import { orderThrough } from '../closedLoop/orders.ts';
import { InProcessBus, makeHeader, setStamp, type BatteryState } from '../ros/index.ts';
import { createPoseEstimate, createPoseWithCovarianceMsg, toPoseWithCovariance } from './convert.ts';
import { MissionNode } from './MissionNode.ts';
import { PlannerNode } from './PlannerNode.ts';
import { TOPICS, type PlannerStatus } from './topics.ts';

describe('MissionNode battery', () => {
  // A driving robot's charge falls by a few thousandths of a percent per second; each batteryUpdate that changes the
  // executor's state becomes a VDA state message, so only whole-percent changes may reach the mission.
  it('passes the 1 Hz battery on in whole percents, only when the percent changes', () => {
    const clock = new VirtualClock(0);
    const bus = new InProcessBus(clock);
    const mission = new MissionNode(bus.createNode('mission', { namespace: '/R1' }));
    expect(mission.lifecycle.startUp().ok).toBe(true);
    const percents: number[] = [];
    let notices = 0;
    mission.runner.onNotice((n) => {
      if (n === 'state') notices++;
    });
    const driver = bus.createNode('driver', { namespace: '/R1' });
    const pub = driver.createPublisher('sensor_msgs/msg/BatteryState', TOPICS.battery);
    const msg: BatteryState = {
      header: makeHeader(0, 'base_link'), voltage: 48.3, current: 0, charge: 0, capacity: 0, percentage: 0.8,
      power_supply_status: 0, present: true,
    };
    // 300 s at 1 Hz from 80.0 % down by 0.007 % a second: 80.0 → 77.9 %, so the whole percent drops through 79, 78, 77.
    for (let s = 0; s < 300; s++) {
      clock.runUntil(s * 1000);
      setStamp(msg.header.stamp, clock.now());
      msg.percentage = 0.8 - s * 0.00007;
      msg.voltage = 48.3 - s * 0.001;
      pub.publish(msg);
      percents.push(mission.runner.state().batteryState.batteryCharge);
    }
    const distinct = [...new Set(percents)];
    expect(distinct).toEqual([80, 79, 78, 77]);
    // One state per whole-percent change (the first report included), not one per second.
    expect(notices).toBeLessThanOrEqual(distinct.length);
    expect(percents.every((p) => Number.isInteger(p))).toBe(true);
  });
});

describe('MissionNode when the planner finds no path', () => {
  let campus: CampusMap;
  beforeAll(async () => {
    campus = await loadCampusCached();
  }, 30_000);

  // The real planner node beside the mission; the robot stands 100 km off the campus, so every plan fails
  // ('off-network') until it is put back on a footway. Before: one 'failed', a noRouteToNode at once, and the mission
  // waited for ever (no second plan).
  it('asks again after 10, 20, 40 s (the cap), reports noRouteToNode from the 3rd failure, clears it when a path comes', () => {
    const t0 = 1_000_000;
    const clock = new VirtualClock(t0);
    const bus = new InProcessBus(clock);
    const far = { x: 1e5, y: 1e5, theta: 0 };
    const ns = { namespace: '/R1' };
    const planner = new PlannerNode(bus.createNode('planner', ns), { campus });
    const mission = new MissionNode(bus.createNode('mission', { ...ns, parameterOverrides: { map_id: campus.mapId, 'plan_retry.max_s': 40 } }), { initialPose: far });
    expect(planner.lifecycle.startUp().ok).toBe(true);
    expect(mission.lifecycle.startUp().ok).toBe(true);
    const driver = bus.createNode('driver', ns);
    const statuses: Array<{ atS: number; state: string; goalMs: number }> = [];
    driver.createSubscription('std_msgs/msg/String', TOPICS.plannerStatus, (m) => {
      const s = JSON.parse(m.data) as PlannerStatus;
      statuses.push({ atS: (clock.now() - t0) / 1000, state: s.state, goalMs: s.goalMs });
    });
    const posePub = driver.createPublisher('geometry_msgs/msg/PoseWithCovarianceStamped', TOPICS.pose);
    const est = createPoseEstimate();
    const poseMsg = createPoseWithCovarianceMsg('map');
    const poseAt = (x: number, y: number) => {
      est.pose.x = x;
      est.pose.y = y;
      est.timeMs = clock.now();
      posePub.publish(toPoseWithCovariance(est, poseMsg));
    };
    poseAt(far.x, far.y);
    const hub = campus.places.find((p) => p.kind === 'hub')!;
    const to = { x: campus.graph.nodeX[hub.node]!, y: campus.graph.nodeY[hub.node]! };
    mission.runner.dispatch({
      type: 'order',
      order: orderThrough('o-1', [{ id: 'A', x: far.x, y: far.y }, { id: 'B', ...to }], { manufacturer: 'm', serialNumber: 'R1' }, { mapId: campus.mapId }),
    });
    const noRoute = () => mission.runner.state().errors.filter((e) => e.errorType === 'noRouteToNode');

    clock.runFor(31_000);
    // Failures at 0, 10 and 30 s, each for the same goal (same stamp); reported from the third.
    expect(statuses.map((s) => [s.atS, s.state])).toEqual([[0, 'failed'], [10, 'failed'], [30, 'failed']]);
    expect(new Set(statuses.map((s) => s.goalMs)).size).toBe(1);
    expect(noRoute()).toMatchObject([{ errorLevel: 'WARNING', errorDescription: expect.stringMatching(/node B \(3 tries\): off-network/) }]);
    clock.runFor(30_000);
    expect(statuses.map((s) => s.atS)).toEqual([0, 10, 30]);
    // Put back on a footway (a start-up far off the map, then a fix): the next ask, 40 s after the third failure, plans.
    poseAt(to.x + 30, to.y);
    clock.runFor(10_000);
    expect(statuses.map((s) => [s.atS, s.state])).toEqual([[0, 'failed'], [10, 'failed'], [30, 'failed'], [70, 'planned']]);
    expect(noRoute()).toEqual([]);
    expect(mission.motion?.pending?.nodeId).toBe('B');
    clock.runFor(300_000);
    // No more asks once a path came.
    expect(statuses).toHaveLength(4);
  });

  it('refuses plan_retry.initial_s above plan_retry.max_s', () => {
    const bus = new InProcessBus(new VirtualClock(0));
    const mission = new MissionNode(bus.createNode('mission', { parameterOverrides: { 'plan_retry.initial_s': 60, 'plan_retry.max_s': 30 } }));
    expect(mission.lifecycle.startUp().ok).toBe(false);
  });
});
