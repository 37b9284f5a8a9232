/**
 * Worker-thread entry of one full-fidelity shard: its robots' stacks, its own World and VirtualClock, the campus
 * pedestrians (same seed in every shard, so every shard sees the same crowd). It advances only when the main thread
 * says how far (the shared-memory barrier), which keeps all shards in lock-step and the result independent of
 * thread timing. Blocking in Atomics.wait is fine here: a shard has nothing else to do between steps.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { VirtualClock } from '../../../clock/index.ts';
import { loadCampusCached } from '../../../robot/closedLoop/campusCache.ts';
import { createFullFidelityFleet } from '../FullFidelityFleet.ts';
import { driveRoundTrips, roundTripPlaces } from '../roundTrips.ts';
import { ACTIVITIES, POSE_STRIDE, type ShardReply, type ShardSetup } from './shardProtocol.ts';

const port = parentPort;
if (port === null) throw new Error('shardWorker: run me as a worker thread (new Worker(...))');
const setup = workerData as ShardSetup;
const reply = (m: ShardReply) => port.postMessage(m);

try {
  const campus = await loadCampusCached(setup.campusFile);
  const clock = new VirtualClock(setup.startMs);
  const places = roundTripPlaces(campus);
  const fleet = await createFullFidelityFleet({
    campus, clock, seed: setup.seed, serials: setup.serials, startOf: (_s, i) => setup.starts[i]!, manufacturer: 'CampusSim',
    compartments: 24, loadPerParcelS: 5, takeParcelS: 10, docks: [places.hub],
    ...(setup.pedestrians ? {} : { pedestrians: false as const }),
  });
  const trips = driveRoundTrips(clock, campus, fleet.robots.map((r) => ({ serial: r.serial, runner: r.runner, pose: () => r.motion.poseNow() })), places, setup.tripSeed);
  const control = new Int32Array(setup.barrier.control);
  const untilMs = new Float64Array(setup.barrier.untilMs);
  const done = new Int32Array(setup.barrier.done);
  const poses = new Float64Array(setup.barrier.poses);
  // Read before saying ready: the main thread may ask for the first step as soon as it hears it.
  let generation = Atomics.load(control, 0);
  reply({ type: 'ready' });
  for (;;) {
    Atomics.wait(control, 0, generation);
    generation = Atomics.load(control, 0);
    const t = untilMs[0]!;
    if (Number.isNaN(t)) break;
    clock.runUntil(t);
    fleet.robots.forEach((r, i) => {
      const o = setup.slots[i]! * POSE_STRIDE;
      poses[o] = r.body.truth.x;
      poses[o + 1] = r.body.truth.y;
      poses[o + 2] = r.body.truth.theta;
      poses[o + 3] = ACTIVITIES.indexOf(r.activity());
    });
    Atomics.store(done, setup.shard, generation);
    Atomics.notify(done, setup.shard);
  }
  trips.stop();
  const stats = fleet.stats();
  await fleet.stop();
  reply({ type: 'stopped', stats, legs: trips.legs, stuck: trips.stuck() });
  port.close();
} catch (e) {
  reply({ type: 'failed', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
}
