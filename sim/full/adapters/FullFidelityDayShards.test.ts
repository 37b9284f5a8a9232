// Robots of a full-fidelity day in different worker-thread shards meet each other: each shard's World holds the other
// shards' robots where the last lock-step left them. Two robots driving head-on along a footway in two shards do not
// drive through each other; and, in one shard on this thread (its World is the one a worker holds), a remote robot
// shows in a local robot's LiDAR, walkers step around it, and its contacts count in one shard only.
import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../clock/index.ts';
import type { CampusMap, Place } from '../../../maps/index.ts';
import { loadCampusCached, ZJU_CAMPUS_FILE } from '../../../robot/closedLoop/campusCache.ts';
import { orderThrough } from '../../../robot/closedLoop/orders.ts';
import { InMemoryBroker } from '../../../transport/index.ts';
import { defaultClassSchedule } from '../../people/index.ts';
import { defaultBatteryModel } from '../../runner/core/SimBattery.ts';
import { DEFAULT_FOOTPRINT, footprintCircleGap, footprintGap } from '../../world/index.ts';
import { bridgedCampus } from '../bridgedCampus.ts';
import { dayParking } from '../FullFidelityDay.ts';
import { createFullFidelityFleet } from '../FullFidelityFleet.ts';
import { addRemoteRobots } from './addRemoteRobots.ts';
import { SAMPLE_STRIDE } from './dayShardProtocol.ts';
import { startFullFidelityDayShards } from './FullFidelityDayShards.ts';

let campus: CampusMap;
let hub: Place;
beforeAll(async () => {
  campus = await loadCampusCached(ZJU_CAMPUS_FILE);
  hub = campus.places.find((p) => p.kind === 'hub')!;
}, 30_000);

const H = 3_600_000;
const MANUFACTURER = 'CampusSim';

/** The hub's neighbour at the end of its straightest long footway (ZJU: node 11, 50 m north-west of the hub). */
function farEnd(): number {
  const g = campus.graph;
  let best = -1, bestM = 0;
  for (let a = g.arcOffset[hub.node]!; a < g.arcOffset[hub.node + 1]!; a++) {
    const t = g.arcTarget[a]!;
    const m = Math.hypot(g.nodeX[t]! - g.nodeX[hub.node]!, g.nodeY[t]! - g.nodeY[hub.node]!);
    if (m > 40 && m < 60 && m > bestM) [best, bestM] = [t, m];
  }
  return best;
}

describe('robots in different day shards', () => {
  it('two robots in two shards driving head-on along a footway do not drive through each other', async () => {
    // Before, neither shard's World held the other's robot: both drove down the centre line and overlapped.
    const clock = new VirtualClock(5 * H); // before the walkers come (06:30): only the two robots on campus
    const broker = new InMemoryBroker();
    const serials = ['R01', 'R02'];
    const day = await startFullFidelityDayShards({
      campus, campusFile: ZJU_CAMPUS_FILE, workers: 2, broker, clock, seed: 1, serials, parkNode: hub.node, docks: [],
      manufacturer: MANUFACTURER, compartments: 6, loadPerParcelS: 5, takeParcelS: 10, battery: defaultBatteryModel,
      statePeriodMs: 300_000, visualizationPeriodMs: 600_000, speedMps: 1.5, hooks: {},
    });
    const master = broker.connect('test-master');
    const [r1, r2] = day.robots as [(typeof day.robots)[0], (typeof day.robots)[0]];
    const g = campus.graph;
    const far = farEnd();
    const hubXY = { x: g.nodeX[hub.node]!, y: g.nodeY[hub.node]! }, farXY = { x: g.nodeX[far]!, y: g.nodeY[far]! };
    // A new order starts where the robot stands: at its boot pose, then at the node its last order ended on.
    const lastNode = new Map<string, { id: string; x: number; y: number }>();
    const send = (robot: typeof r1, orderId: string, to: ReadonlyArray<{ x: number; y: number }>) => {
      const at = robot.motion.poseNow();
      const stops = [lastNode.get(robot.serial) ?? { id: 'boot', x: at.x, y: at.y }, ...to.map((p, i) => ({ id: `${orderId}-${i + 1}`, ...p }))];
      lastNode.set(robot.serial, stops.at(-1)!);
      const order = orderThrough(orderId, stops, { manufacturer: MANUFACTURER, serialNumber: robot.serial }, { mapId: campus.mapId });
      master.publishSync(`uagv/v2/${MANUFACTURER}/${robot.serial}/order`, JSON.stringify(order), { qos: 1 });
    };
    const fromFar = (robot: typeof r1) => Math.hypot(robot.motion.poseNow().x - farXY.x, robot.motion.poseNow().y - farXY.y);
    const gap = () => {
      const a = r1.motion.poseNow(), b = r2.motion.poseNow();
      return { gapM: footprintGap(a, DEFAULT_FOOTPRINT, b, DEFAULT_FOOTPRINT), apartM: Math.hypot(a.x - b.x, a.y - b.y) };
    };
    try {
      // R01 (shard 0) drives out to the far end of the footway; R02 (shard 1) waits at its hub spot.
      send(r1, 'out', [hubXY, farXY]);
      for (let t = 0; t < 120_000 && !(fromFar(r1) < 2 && r1.activity() === 'idle'); t += 100) clock.runFor(100);
      expect(fromFar(r1)).toBeLessThan(2);
      // Then they drive at each other: R01 back to the hub, R02 out to the far end.
      send(r1, 'back', [hubXY]);
      send(r2, 'out', [hubXY, farXY]);
      let minGapM = Infinity, minApartM = Infinity;
      for (let t = 0; t < 120_000; t += 100) {
        clock.runFor(100);
        const s = gap();
        minGapM = Math.min(minGapM, s.gapM);
        minApartM = Math.min(minApartM, s.apartM);
      }
      // They met (centres within 2 m; ZJU: 1.36 m, passing side by side) and never overlapped: they stepped aside or
      // stopped. Before, they overlapped (gap −0.50 m, centres 0.40 m apart).
      expect(minApartM).toBeLessThan(2);
      expect(minGapM).toBeGreaterThan(0);
    } finally {
      await day.stop();
    }
  }, 240_000);

  it("shows a remote robot in a local robot's LiDAR, walkers step around it, and a contact with it counts in the lower index's shard", async () => {
    const bridged = bridgedCampus(campus).campus;
    const [spot] = dayParking(bridged, hub.node, 1);
    const clock = new VirtualClock(10 * H);
    // A dense crowd, so many walkers pass the remote robot standing on the footway.
    const fleet = await createFullFidelityFleet({
      campus: bridged, clock, seed: 2, serials: ['R02'], startOf: () => spot!, manufacturer: MANUFACTURER, compartments: 6,
      loadPerParcelS: 5, takeParcelS: 10, docks: [], pedestrians: { ...defaultClassSchedule(), baseDensityPerKm: 200 },
    });
    try {
      const local = fleet.robots[0]!.body;
      // R02 is robot 1 of the day; R01 (robot 0) and R03 (robot 2) run in other shards, far away at first.
      const lastStep = new Float64Array(3 * SAMPLE_STRIDE);
      const put = (slot: number, x: number, y: number, theta: number) => lastStep.set([x, y, theta], slot * SAMPLE_STRIDE);
      put(0, 5000, 5000, 0);
      put(2, 5000, 5010, 0);
      const place = addRemoteRobots(fleet.world, [
        { serial: 'R01', slot: 0, start: { x: 5000, y: 5000, theta: 0 } }, { serial: 'R03', slot: 2, start: { x: 5000, y: 5010, theta: 0 } },
      ], new Map([['R02', 1]]), local.footprint);
      place(lastStep);
      // Straight ahead of R02 (beam 90 of 180 looks along the heading).
      const ahead = () => fleet.world.scan(local).ranges[90]!;
      const clearAhead = ahead();
      expect(clearAhead).toBeGreaterThan(2.5);
      const cos = Math.cos(local.truth.theta), sin = Math.sin(local.truth.theta);
      put(2, local.truth.x + 2 * cos, local.truth.y + 2 * sin, local.truth.theta + 1);
      place(lastStep);
      expect(ahead()).toBeCloseTo(2 - local.cover.circumscribedM, 1);

      // On the busiest footway's centre line, 10 m out from the hub: walkers pass it for a minute.
      const g = bridged.graph, far = farEnd();
      const hx = g.nodeX[hub.node]!, hy = g.nodeY[hub.node]!;
      const ux = (g.nodeX[far]! - hx) / Math.hypot(g.nodeX[far]! - hx, g.nodeY[far]! - hy), uy = (g.nodeY[far]! - hy) / Math.hypot(g.nodeX[far]! - hx, g.nodeY[far]! - hy);
      const onFootway = { x: hx + 10 * ux, y: hy + 10 * uy, theta: Math.atan2(uy, ux) };
      put(2, onFootway.x, onFootway.y, onFootway.theta);
      place(lastStep);
      const peds = fleet.pedestrians!;
      let passing = 0, minWalkerGapM = Infinity;
      for (let t = 0; t < 60_000; t += 100) {
        clock.runFor(100);
        for (let i = 0; i < peds.count; i++) {
          const c = { x: peds.x(i), y: peds.y(i), radiusM: peds.radiusM };
          const gapM = footprintCircleGap(onFootway, local.footprint, c);
          if (gapM < 2) passing++;
          minWalkerGapM = Math.min(minWalkerGapM, gapM);
        }
      }
      expect(passing).toBeGreaterThan(50);
      // Not even a near miss. Before, the crowd saw only the shard's own robots and brushed past this one (0.09 m).
      expect(minWalkerGapM).toBeGreaterThan(fleet.world.nearMissM);

      // Both remote robots on top of R02: R02 (1) < R03 (2) counts here; R01 (0) < R02 counts in R01's shard.
      const before = { ...fleet.world.metrics.collisionsByKind };
      put(0, local.truth.x, local.truth.y, local.truth.theta);
      put(2, local.truth.x, local.truth.y, local.truth.theta + 0.5);
      place(lastStep);
      clock.runFor(100);
      expect(fleet.world.metrics.collisionsByKind.robot - before.robot).toBe(1);
      expect(fleet.events.filter((e) => e.kind === 'robot').map((e) => [e.robotId, e.otherId])).toEqual([['R02', 'R03']]);
    } finally {
      await fleet.stop();
    }
  }, 120_000);

  it('answers a keypad entry made while the fleet hears another shard\'s robot, and keeps stepping', async () => {
    // The fleet, hearing a robot of one shard, may act at once on a robot of another (a recipient at a drop point
    // types a code when the robot's state says it arrived). Step answers are now all read before anything is
    // published, and a second request to a shard with one unanswered throws. Suspected, not shown, in issue #5: one
    // parcel of the 60-robot day counted as delivered without its hand-over or code; this run passed before the
    // change too (no state lost), so it guards the path rather than reproducing that day.
    const clock = new VirtualClock(5 * H);
    const broker = new InMemoryBroker();
    const day = await startFullFidelityDayShards({
      campus, campusFile: ZJU_CAMPUS_FILE, workers: 2, broker, clock, seed: 1, serials: ['R01', 'R02'], parkNode: hub.node, docks: [],
      manufacturer: MANUFACTURER, compartments: 6, loadPerParcelS: 5, takeParcelS: 10, battery: defaultBatteryModel,
      // A state every step from each robot, so every step answer of R02's shard carries one.
      statePeriodMs: 100, visualizationPeriodMs: 600_000, speedMps: 1.5, hooks: {},
    });
    const [, r2] = day.robots as [(typeof day.robots)[0], (typeof day.robots)[0]];
    const answers: string[] = [];
    const errors: unknown[] = [];
    const listener = broker.connect('test-listener');
    await listener.subscribe(`uagv/v2/${MANUFACTURER}/R01/state`, () => {
      if (answers.length + errors.length >= 3) return;
      try {
        answers.push(r2.enterCode('00000000').result);
      } catch (e) {
        errors.push(e);
      }
    });
    // Every state R02 publishes reaches the fleet, none lost to a keypad answer read in place of a step answer.
    const r2Headers: number[] = [];
    await listener.subscribe(`uagv/v2/${MANUFACTURER}/R02/state`, (_t, payload) => {
      r2Headers.push((JSON.parse(payload.toString('utf8')) as { headerId: number }).headerId);
    });
    clock.runFor(10_000);
    expect(errors).toEqual([]);
    expect(r2Headers.length).toBeGreaterThanOrEqual(80);
    for (let i = 1; i < r2Headers.length; i++) expect(r2Headers[i]).toBe(r2Headers[i - 1]! + 1);
    // R02 has no hand-over open: the keypad says so, three times.
    expect(answers).toEqual(['not_waiting', 'not_waiting', 'not_waiting']);
    // Both shards kept stepping: R02 still reports where it stands.
    expect(Number.isFinite(r2.motion.poseNow().x)).toBe(true);
    await day.stop();
  }, 60_000);
});
