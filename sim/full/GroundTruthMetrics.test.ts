// The ground truth beside a robot's stack: the worst cross-track sample is kept with when and where it happened, and
// the day's record says so in an `off-path` event (issue #5: one robot's 116 m cross-track RMS in the 60-robot day
// came with nothing to say when or where).
import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import type { CampusMap } from '../../maps/index.ts';
import { loadCampusCached } from '../../robot/closedLoop/campusCache.ts';
import { orderThrough } from '../../robot/closedLoop/orders.ts';
import { createPoseEstimate, createPoseWithCovarianceMsg, toPath, toPoseWithCovariance } from '../../robot/nodes/convert.ts';
import { TOPICS } from '../../robot/nodes/topics.ts';
import { InProcessBus } from '../../robot/ros/index.ts';
import { DayRecorder } from '../report/index.ts';
import { World } from '../world/index.ts';
import type { RobotTruth } from './adapters/dayShardProtocol.ts';
import { bridgedCampus } from './bridgedCampus.ts';
import { createFullFidelityFleet } from './FullFidelityFleet.ts';
import { writeTruth } from './FullFidelityDay.ts';
import { GroundTruthMetrics } from './GroundTruthMetrics.ts';

let campus: CampusMap;
beforeAll(async () => {
  campus = bridgedCampus(await loadCampusCached()).campus;
}, 30_000);

const H = 3_600_000;

describe('GroundTruthMetrics', () => {
  it('keeps the worst cross-track sample with its time, place and path', async () => {
    const clock = new VirtualClock(10 * H);
    // Along ZJU edge 7 (2 m footway, open on both sides), south from its junction with the hub's footway.
    const from = { x: -107.0, y: -176.4 }, to = { x: -113.7, y: -216.4 };
    const fleet = await createFullFidelityFleet({
      campus, clock, seed: 3, serials: ['R01'], manufacturer: 'CampusSim', compartments: 6, loadPerParcelS: 5,
      takeParcelS: 10, docks: [], pedestrians: false, startOf: () => ({ ...from, theta: Math.atan2(to.y - from.y, to.x - from.x) }),
    });
    const robot = fleet.robot('R01')!;
    expect(robot.truth.worst()).toBeUndefined();
    robot.runner.dispatch({
      type: 'order',
      order: orderThrough('o-1', [{ id: 'a', ...from }, { id: 'b', ...to }], { manufacturer: 'CampusSim', serialNumber: 'R01' }, { mapId: campus.mapId }),
    });
    clock.runFor(60_000);
    const worst = robot.truth.worst()!;
    const sums = robot.truth.sums();
    await fleet.stop();
    expect(sums.ctN).toBeGreaterThan(50);
    expect(worst.errorM).toBe(sums.ctMaxM);
    expect(worst.errorM).toBeGreaterThan(0);
    expect(worst.errorM).toBeLessThan(1);
    expect(worst.tMs).toBeGreaterThan(10 * H);
    expect(worst.tMs).toBeLessThanOrEqual(10 * H + 60_000);
    // On the path's way, not anywhere: between its ends, within the error of the line.
    expect(worst.y).toBeLessThan(from.y + 1);
    expect(worst.y).toBeGreaterThan(to.y - 1);
    expect(Math.hypot(worst.fromX - from.x, worst.fromY - from.y)).toBeLessThan(1);
    expect(Math.hypot(worst.toX - to.x, worst.toY - to.y)).toBeLessThan(1);
    expect(worst.pathLengthM).toBeGreaterThan(38);
    expect(worst.segment).toBeLessThan(worst.segments);
  }, 120_000);

  it('measures from where the controller is on the path, not from where its own projection was left behind', () => {
    // A path along y = 0 with a vertex every metre; the robot (truth and estimate) 40 m along it and on it. The
    // metric's own projection starts at the path's start; the controller has progressed to segment 40.
    const clock = new VirtualClock(H);
    const bus = new InProcessBus(clock);
    const node = bus.createNode('sim_truth', { namespace: '/R01' });
    const world = new World({ seed: 1 });
    const body = world.addRobot({ id: 'R01', start: { x: 40.2, y: 0.1, theta: 0 } });
    const controller = { status: 'tracking', progressSegment: 40 };
    const metrics = new GroundTruthMetrics(node, body, controller);
    const pts = Array.from({ length: 101 }, (_, i) => ({ x: i, y: 0 }));
    node.createPublisher('nav_msgs/msg/Path', TOPICS.plan).publish(toPath(pts, clock.now(), 'map'));
    const est = createPoseEstimate();
    est.pose = { x: 40.2, y: 0.1, theta: 0 };
    est.timeMs = clock.now();
    node.createPublisher('geometry_msgs/msg/PoseWithCovarianceStamped', TOPICS.pose).publish(toPoseWithCovariance(est, createPoseWithCovarianceMsg('map')));
    const worst = metrics.worst()!;
    expect(worst.errorM).toBeCloseTo(0.1, 6);
    expect(worst.segment).toBe(40);
    metrics.destroy();
  });

  it('puts a robot whose worst sample is more than 2 m off its path in the day\'s events, with where', () => {
    const recorder = new DayRecorder({ campus: 'zju', seed: 1, robots: 2, parcels: 0, fidelity: 'full', mode: 'fast', startMs: 0, endMs: H, samplePeriodMs: 10_000 }, 1);
    const truth = (serial: string, errorM: number): RobotTruth => ({
      serial, distanceM: 100, collisions: 0, nearMisses: 0, poses: 10, sumSqM2: 1, ctN: 10, ctSumSqM2: errorM * errorM,
      ctWorst: { errorM, tMs: 1_000, x: 5, y: -7, segment: 2, segments: 9, pathLengthM: 80, fromX: 0, fromY: 0, toX: 80, toY: 0 },
      stalls: { pendingS: 0, stalledS: 0, controllerS: {}, controllerM: {}, safetyS: {}, episodes: [], droppedEpisodes: 0 },
    });
    writeTruth(recorder, [truth('R01', 1.9), truth('R02', 7)], { collisions: 0, nearMisses: 0, collisionsByKind: {} }, []);
    const offPath = recorder.finish().events.filter((e) => e.kind === 'off-path');
    expect(offPath.map((e) => e.serial)).toEqual(['R02']);
    expect(offPath[0]!.tMs).toBe(1_000);
    expect(offPath[0]!.detail).toContain('7.00 m from its path at (5.0, -7.0)');
    expect(offPath[0]!.detail).toContain('segment 3 of 9');
  });
});
