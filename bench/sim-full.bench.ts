/**
 * Full-fidelity cost for the simulator's day: N robots (every onboard node at 10 Hz, 180-beam LiDAR, world at 20 Hz,
 * the campus's pedestrians from the class timetable around a class change) doing hub ↔ drop-point round trips on
 * the real ZJU campus for M simulated minutes, one thread. Same robots, same trips, same clock span at fleet
 * fidelity (sim/runner SimRobot: real mission executor, kinematic motion) as the baseline. Prints µs per
 * robot-second, the real-time factor, peak RSS, and what that means for a 60-robot 16-h day (the aim:
 * under 10 min wall, 5,760 robot-seconds per wall-second).
 *
 * Then the same robots sharded over `workers` worker threads in lock-step (100 ms), for the speed-up sharding gives.
 *
 *   npx tsx bench/sim-full.bench.ts [robots=10] [minutes=10] [workers=2] [seed=1]
 */
import { VirtualClock } from '../clock/index.ts';
import { loadCampusCached, ZJU_CAMPUS_FILE } from '../robot/closedLoop/campusCache.ts';
import { FullFidelityShards } from '../sim/full/adapters/FullFidelityShards.ts';
import { createFullFidelityFleet, driveRoundTrips, parkingPoses, roundTripPlaces } from '../sim/full/index.ts';
import { defaultBatteryModel, RouteCache, SimRobot } from '../sim/runner/index.ts';

const robots = Number(process.argv[2] ?? 10);
const minutes = Number(process.argv[3] ?? 10);
const workers = Number(process.argv[4] ?? 2);
const seed = Number(process.argv[5] ?? 1);
const H = 3_600_000;
// 11:10 → the 11:25 class change: the footways fill up during the run.
const START_MS = 11 * H + 10 * 60_000;
const DAY_ROBOT_S = 60 * 16 * 3600;
const AIM_WALL_S = 600;

const campus = await loadCampusCached(ZJU_CAMPUS_FILE);
const places = roundTripPlaces(campus);
const hubPos = places.hub;
const serials = Array.from({ length: robots }, (_, i) => `R${String(i + 1).padStart(2, '0')}`);
const starts = parkingPoses(campus, places.hubNode, robots);

/** CPU time of the whole process (all threads), µs: on a shared machine wall time also counts other people's jobs. */
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const rss = () => process.resourceUsage().maxRSS / 1024;
const mb = (b: number) => Math.round(b / 2 ** 20);
const simMs = minutes * 60_000;
const robotS = robots * minutes * 60;

let singleUs = NaN;

// Fleet fidelity first (small), so the peak RSS read after it is the baseline's.
{
  const clock = new VirtualClock(START_MS);
  const routes = new RouteCache(campus);
  const fleet = starts.map((s, i) => new SimRobot({
    serial: serials[i]!, clock, routes, start: { ...s, mapId: campus.mapId }, speedMps: 1.2,
    compartments: 24, battery: defaultBatteryModel, loadPerParcelS: 5, takeParcelS: 10, docks: [hubPos],
  }));
  const driver = driveRoundTrips(clock, campus, fleet.map((r) => ({ serial: r.serial, runner: r.runner, pose: () => r.motion.poseNow() })), places, seed);
  const t0 = performance.now();
  const c0 = cpuUs();
  clock.runFor(simMs);
  const cpuPerRobotS = (cpuUs() - c0) / robotS;
  const wallS = (performance.now() - t0) / 1000;
  console.log(`fleet fidelity: ${robots} robots × ${minutes} min: ${(wallS * 1e6 / robotS).toFixed(1)} µs/robot-s, ${cpuPerRobotS.toFixed(1)} µs CPU/robot-s, ` +
    `${Math.round(robotS / wallS)} robot-s/wall-s, ${driver.legs} legs, peak RSS ${Math.round(rss())} MB`);
  for (const r of fleet) r.dispose();
}

{
  const clock = new VirtualClock(START_MS);
  const tc = performance.now();
  const fleet = await createFullFidelityFleet({
    campus, clock, seed, serials, startOf: (_s, i) => starts[i]!, manufacturer: 'CampusSim', compartments: 24,
    loadPerParcelS: 5, takeParcelS: 10, docks: [hubPos],
  });
  const createS = (performance.now() - tc) / 1000;
  const driver = driveRoundTrips(clock, campus, fleet.robots.map((r) => ({ serial: r.serial, runner: r.runner, pose: () => r.motion.poseNow() })), places, seed);
  const t0 = performance.now();
  const c0 = cpuUs();
  const wallPerMin: number[] = [];
  for (let m = 0; m < minutes; m++) {
    const tm = performance.now();
    clock.runFor(60_000);
    wallPerMin.push((performance.now() - tm) / 1000);
  }
  const wallS = (performance.now() - t0) / 1000;
  const cpuPerRobotS = (cpuUs() - c0) / robotS;
  const s = fleet.stats();
  const us = (wallS * 1e6) / robotS;
  const moving = fleet.robots.filter((r) => r.body.truth.vMps > 0.1).length;
  const dayWallMin = (DAY_ROBOT_S * us) / 1e6 / 60;
  console.log(`full fidelity: ${robots} robots × ${minutes} min (start-up ${createS.toFixed(1)} s): ${us.toFixed(0)} µs/robot-s, ` +
    `${cpuPerRobotS.toFixed(0)} µs CPU/robot-s, ${Math.round(robotS / wallS)} robot-s/wall-s, real-time factor ${(simMs / 1000 / wallS).toFixed(1)}× for the fleet, ` +
    `${driver.legs} legs, ${driver.stuck()} on one leg > 15 min, ${moving}/${robots} moving at the end`);
  console.log(`  wall s per simulated minute: ${wallPerMin.map((w) => w.toFixed(1)).join(' ')}`);
  console.log(`  pedestrians on campus ${s.pedestrians}, in the world at most ${s.pedestriansInWorldMax}; scans ${s.scans}, ` +
    `rays ${s.raysCast}; bus messages ${s.busMessages}; collisions ${s.collisions}, near misses ${s.nearMisses} ` +
    `(${s.pedestrianNearMisses} with pedestrians); loc RMSE ${s.locRmseM.toFixed(2)} m, cross-track RMS ${s.crossTrackRmsM.toFixed(2)} m, ` +
    `${Math.round(s.distanceM)} m driven`);
  const mem = process.memoryUsage();
  console.log(`  peak RSS ${Math.round(rss())} MB, heap used ${mb(mem.heapUsed)} MB (≈ ${(mb(mem.heapUsed) / robots).toFixed(1)} MB per robot)`);
  console.log(`  60 robots × 16 h = ${DAY_ROBOT_S} robot-s → ${dayWallMin.toFixed(0)} min on one thread ` +
    `(${((DAY_ROBOT_S * cpuPerRobotS) / 1e6 / 60).toFixed(0)} min of CPU), ` +
    `${(dayWallMin / 2).toFixed(0)} min ideal on 2 worker threads (aim ${AIM_WALL_S / 60} min: ` +
    `${Math.round((DAY_ROBOT_S / AIM_WALL_S))} robot-s/wall-s, i.e. ≤ ${(AIM_WALL_S * 1e6 / DAY_ROBOT_S).toFixed(0)} µs/robot-s on one core)`);
  await fleet.stop();
  singleUs = us;
}

if (workers > 1) {
  const tc = performance.now();
  const shards = await FullFidelityShards.start({
    campusFile: ZJU_CAMPUS_FILE, serials, starts, seed, startMs: START_MS, tripSeed: seed, workers,
  });
  const createS = (performance.now() - tc) / 1000;
  const t0 = performance.now();
  const c0 = cpuUs();
  shards.runUntil(START_MS + simMs);
  const wallS = (performance.now() - t0) / 1000;
  const cpuPerRobotS = (cpuUs() - c0) / robotS;
  const res = await shards.stop();
  const us = (wallS * 1e6) / robotS;
  console.log(`full fidelity on ${workers} worker threads (start-up ${createS.toFixed(1)} s, ${shards.syncs} lock-step syncs): ` +
    `${us.toFixed(0)} µs/robot-s, ${cpuPerRobotS.toFixed(0)} µs CPU/robot-s (all threads), speed-up ×${(singleUs / us).toFixed(2)} over one thread; ` +
    `legs ${res.map((r) => r.legs).join('+')}, ${res.map((r) => Math.round(r.stats.distanceM)).join('+')} m driven`);
}
