/**
 * Worker-thread entry of one full-fidelity day shard: its robots' stacks on its own VirtualClock, World and crowd
 * (the same pedestrian seed in every shard, so every shard sees the same people), and its own in-process broker on
 * which the robots' VDA bridges talk to a relay. The relay hands what the robots publish (state, visualization,
 * connection, factsheet) to the main thread, and publishes what the main thread's fleet sent them (order,
 * instantActions). It does only what the main thread asks, over the synchronous channel (dayShardProtocol.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { VirtualClock } from '../../../clock/index.ts';
import { loadCampusCached } from '../../../robot/closedLoop/campusCache.ts';
import { InMemoryBroker } from '../../../transport/index.ts';
import { defaultBatteryModel } from '../../runner/core/SimBattery.ts';
import { bridgedCampus } from '../bridgedCampus.ts';
import { createDayFleet, robotTruth } from '../FullFidelityDay.ts';
import { addRemoteRobots } from './addRemoteRobots.ts';
import {
  ACTIVITY_CODES, readJson, SAMPLE_STRIDE, writeJson,
  type DayShardRequest, type DayShardResponse, type DayShardSetup, type HookEvent, type RelayedMessage,
} from './dayShardProtocol.ts';

const port = parentPort;
if (port === null) throw new Error('dayShardWorker: run me as a worker thread (new Worker(...))');
const setup = workerData as DayShardSetup;
const control = new Int32Array(setup.channel.control);
const samples = new Float64Array(setup.channel.samples);
const lastStep = new Float64Array(setup.channel.lastStep);
const answer = (seq: number, r: DayShardResponse) => {
  writeJson(setup.channel.response, control, 3, r);
  Atomics.store(control, 1, seq);
  Atomics.notify(control, 1);
};

let outbound: RelayedMessage[] = [];
let hooks: HookEvent[] = [];
try {
  const { campus } = bridgedCampus(await loadCampusCached(setup.campusFile));
  const clock = new VirtualClock(setup.startMs);
  const broker = new InMemoryBroker();
  const relay = broker.connect('shard-relay');
  // The master's topics are the ones the relay injects; everything else a robot says goes to the main thread.
  await relay.subscribe('#', (topic, payload) => {
    if (topic.endsWith('/order') || topic.endsWith('/instantActions')) return;
    outbound.push({ topic, payload: payload.toString('utf8') });
  });
  const fleet = await createDayFleet({
    campus, clock, seed: setup.seed, serials: setup.serials, docks: setup.docks, manufacturer: setup.manufacturer,
    compartments: setup.compartments, loadPerParcelS: setup.loadPerParcelS, takeParcelS: setup.takeParcelS,
    battery: { ...defaultBatteryModel, ...setup.battery }, statePeriodMs: setup.statePeriodMs,
    visualizationPeriodMs: setup.visualizationPeriodMs, speedMps: setup.speedMps,
    transportOf: (serial) => broker.connect(serial),
    hooks: {
      onLeg: (serial, leg) => void hooks.push({ kind: 'leg', serial, points: leg.line.points.map((p) => ({ x: p.x, y: p.y })), edges: [...leg.edges] }),
      onHandoverOpen: (serial, parcelId, typed) => void hooks.push({ kind: 'handover', serial, parcelId, typed }),
    },
  }, setup.starts);
  const slotOf = new Map(setup.serials.map((s, i) => [s, setup.slots[i]!]));
  const placeRemotes = addRemoteRobots(fleet.world, setup.remotes, slotOf, fleet.robots[0]!.body.footprint);
  const writeSamples = () => {
    const now = clock.now();
    fleet.robots.forEach((r, i) => {
      const o = setup.slots[i]! * SAMPLE_STRIDE;
      samples[o] = r.body.truth.x;
      samples[o + 1] = r.body.truth.y;
      samples[o + 2] = r.body.truth.theta;
      samples[o + 3] = ACTIVITY_CODES.indexOf(r.activity());
      samples[o + 4] = r.battery.pctAt(now);
      samples[o + 5] = r.battery.usedWh;
    });
  };
  const flush = () => {
    const out = { outbound, hooks };
    outbound = [];
    hooks = [];
    return out;
  };
  writeSamples();
  let seen = Atomics.load(control, 0);
  port.postMessage({ type: 'ready', outbound: flush() });
  for (;;) {
    Atomics.wait(control, 0, seen);
    seen = Atomics.load(control, 0);
    const req = readJson<DayShardRequest>(setup.channel.request, control, 2);
    try {
      if (req.type === 'step') {
        // The other shards' robots where the last step left them (≤ one step old), whatever they are doing now.
        placeRemotes(lastStep);
        clock.runUntil(req.untilMs);
        for (const m of req.inbound) relay.publishSync(m.topic, m.payload, { qos: 1 });
        writeSamples();
        answer(seen, { type: 'stepped', ...flush() });
      } else if (req.type === 'code') {
        const robot = fleet.robot(req.serial);
        if (robot === undefined) throw new Error(`no robot ${req.serial} in this shard`);
        const result = robot.enterCode(req.code, req.parcelId);
        writeSamples();
        answer(seen, { type: 'code', result, ...flush() });
      } else {
        const truth = robotTruth(fleet);
        const stats = fleet.stats();
        const m = fleet.world.metrics;
        const events = fleet.events.map((e) => ({ timeMs: e.timeMs, robotId: e.robotId, kind: e.kind, gapM: e.gapM, detail: e.detail }));
        await fleet.stop();
        answer(seen, {
          type: 'finished', truth, stats, events,
          contacts: { collisions: m.collisions, nearMisses: m.nearMisses, collisionsByKind: { ...m.collisionsByKind } }, ...flush(),
        });
        break;
      }
    } catch (e) {
      answer(seen, { type: 'failed', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e), outbound: [], hooks: [] });
    }
  }
  port.close();
} catch (e) {
  port.postMessage({ type: 'failed', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
}
