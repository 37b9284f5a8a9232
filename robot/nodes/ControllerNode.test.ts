// The controller node alone on the in-process bus: a robot that never moves (nothing drives its pose), a straight
// path, and a scan that is either empty or a ring of obstacles around it. What it asks the planner on
// `controller/replan`, and when. No planner listens, so no request is ever answered.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { castScanBruteForce } from '../localization/core/syntheticWorld.ts';
import { InProcessBus, type ParameterValue } from '../ros/index.ts';
import { ControllerNode } from './ControllerNode.ts';
import { createPoseEstimate, createPoseWithCovarianceMsg, toLaserScan, toPath, toPoseWithCovariance } from './convert.ts';
import { TOPICS, type ReplanRequest } from './topics.ts';

const T0 = 1_000_000;

const BEAMS = 180;

/**
 * The controller standing at the origin heading east (nothing drives its pose), fed `ranges` as its scan every 100 ms.
 * `drive(path, seconds)` gives it the path and runs the clock; subscribe on `driver` before.
 */
function standingController(overrides: Record<string, ParameterValue>, ranges: Float32Array) {
  const clock = new VirtualClock(T0);
  const bus = new InProcessBus(clock);
  const controller = new ControllerNode(bus.createNode('controller', { namespace: '/R1', parameterOverrides: overrides }));
  expect(controller.lifecycle.startUp().ok).toBe(true);
  const driver = bus.createNode('driver', { namespace: '/R1' });
  const posePub = driver.createPublisher('geometry_msgs/msg/PoseWithCovarianceStamped', TOPICS.pose);
  const scanPub = driver.createPublisher('sensor_msgs/msg/LaserScan', TOPICS.scan);
  const pathPub = driver.createPublisher('nav_msgs/msg/Path', TOPICS.plan);
  const est = createPoseEstimate();
  const poseMsg = createPoseWithCovarianceMsg('map');
  const scan = { ranges, angleMinRad: -Math.PI, angleIncrementRad: (2 * Math.PI) / BEAMS, rangeMinM: 0.05, rangeMaxM: 10 };
  const drive = (path: Array<{ x: number; y: number }>, seconds: number): void => {
    clock.setInterval(100, () => {
      est.timeMs = clock.now();
      posePub.publish(toPoseWithCovariance(est, poseMsg));
      scanPub.publish(toLaserScan(scan, clock.now(), 'base_link', 0.1));
    });
    clock.runFor(100);
    pathPub.publish(toPath(path, T0, 'map'));
    clock.runFor(seconds * 1000);
  };
  return { clock, controller, driver, scan, pose: est.pose, drive };
}

/** Runs the controller for `seconds` standing at the origin on a 100 m path east; returns the requests with their time. */
function standStill(overrides: Record<string, ParameterValue>, ringM: number | undefined, seconds: number) {
  const { clock, controller, driver, drive } = standingController(overrides, new Float32Array(BEAMS).fill(ringM ?? Number.POSITIVE_INFINITY));
  const requests: Array<{ atS: number } & ReplanRequest> = [];
  driver.createSubscription('std_msgs/msg/String', TOPICS.controllerReplan, (m) => {
    requests.push({ atS: (clock.now() - T0) / 1000, ...(JSON.parse(m.data) as ReplanRequest) });
  });
  drive([{ x: 0, y: 0 }, { x: 100, y: 0 }], seconds);
  return { requests, controller };
}

describe('ControllerNode re-plan requests', () => {
  it('says "stalled" when the watchdog asks (straight away, or after backing up for up to 8 s and holding up to 10 s)', () => {
    for (const backUpM of [0, 0.5]) {
      const { requests, controller } = standStill({ stall_timeout_s: 5, 'back_up.distance_m': backUpM }, undefined, 25);
      expect(controller.metrics.stalls, `back-up ${backUpM} m`).toBeGreaterThanOrEqual(1);
      expect(requests.length, `back-up ${backUpM} m`).toBeGreaterThanOrEqual(1);
      // Before: no reason, which the planner reads as "blocked" and marks the edge.
      for (const r of requests) expect(r).toMatchObject({ goalMs: T0, reason: 'stalled' });
    }
  });

  it('says "blocked" when avoidance finds no way past, and asks again every replan_timeout_s while no answer comes', () => {
    const { requests, controller } = standStill({ blocked_timeout_s: 2, replan_timeout_s: 3 }, 1.2, 12);
    expect(controller.status).toBe('replan-requested');
    // Blocked from the first tick (0.1 s after the path): asks at ~2.1 s, then 3 s apart. Before: once, then never.
    const at = requests.map((r) => Math.round(r.atS * 10) / 10);
    expect(at.length).toBe(4);
    for (const r of requests) expect(r).toMatchObject({ goalMs: T0, reason: 'blocked' });
    expect(at[0]).toBeGreaterThanOrEqual(2);
    expect(at[0]).toBeLessThan(2.5);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeCloseTo(3, 5);
    expect(controller.metrics).toMatchObject({ replanRequests: 4, replanRepeats: 3, stalls: 0 });
  });

  it('rejects a replan_timeout_s that is not positive', () => {
    const clock = new VirtualClock(T0);
    const bus = new InProcessBus(clock);
    const controller = new ControllerNode(bus.createNode('controller', { namespace: '/R1', parameterOverrides: { replan_timeout_s: 0 } }));
    expect(controller.lifecycle.startUp().ok).toBe(false);
  });

  it('beside a wall, leaves it on a forward arc where it would turn on the spot (and swing its rear corner into it)', () => {
    // Issue #5, ZJU's narrow passage: the path starts across the robot's heading (a stub from where it stands to the
    // footway), the pure pursuit turned on the spot, and with a wall 5 cm from the side the safety node refused it.
    const { controller, driver, scan, pose, drive } = standingController({}, new Float32Array(BEAMS));
    const cmds: Array<{ v: number; w: number }> = [];
    driver.createSubscription('geometry_msgs/msg/Twist', TOPICS.cmdVelNav, (m) => cmds.push({ v: m.linear.x, w: m.angular.z }));
    // Heading east at the origin, a wall along its right side 5 cm away; the path goes north (a left turn).
    castScanBruteForce([{ ax: -5, ay: -0.35, bx: 5, by: -0.35 }], [], pose, scan.angleMinRad, scan.angleIncrementRad, scan.rangeMaxM, scan.ranges);
    drive([{ x: 0, y: 0 }, { x: 0, y: 100 }], 1);
    const last = cmds[cmds.length - 1]!;
    expect(controller.status).toBe('tracking');
    expect(last.v).toBeGreaterThan(0);
    expect(last.w).toBeGreaterThan(0);
    // The rear-right corner swings out by √((R + b)² + r²) − (R + b) on an arc of radius R: no more than the gap.
    const a = last.v / last.w + 0.3;
    expect(Math.hypot(a, 0.4) - a).toBeLessThanOrEqual(0.05 + 1e-3);
    expect(controller.metrics.turnsBeside).toBeGreaterThan(0);
  });
});
