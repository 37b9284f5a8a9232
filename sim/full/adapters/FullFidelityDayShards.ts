/**
 * A full-fidelity day's robots in worker-thread shards (robot i in shard i mod workers), in lock-step with runDay's
 * VirtualClock: every `stepMs` of simulated time a timer on the main clock asks each shard to run to that instant and
 * hand its robots the fleet's messages sent since the last step; the shards work in parallel while the main thread
 * waits; then what the robots published in that step is published on the main broker, in shard order, as if the
 * robots had said it at the step's end (≤ `stepMs` late, never early). A keypad entry goes to its shard at once.
 * Nothing depends on thread timing, so a seed gives the same day.
 *
 * Each shard's World holds the other shards' robots as remote bodies at their poses as of the last lock-step (≤
 * `stepMs` old): LiDAR sees them, walkers step around them, contacts with them count once (addRemoteRobots).
 */
import { Worker } from 'node:worker_threads';
import type { TimerHandle } from '../../../clock/index.ts';
import type { KeypadResult, MapPose } from '../../../robot/mission/index.ts';
import type { InMemoryBroker, InMemoryClient } from '../../../transport/index.ts';
import type { DayRecorder } from '../../report/index.ts';
import { measurePolyline } from '../../runner/core/polyline.ts';
import type { SimRobotActivity } from '../../runner/SimRobot.ts';
import { bridgedCampus } from '../bridgedCampus.ts';
import type { DayRobot, FullFidelityDay, FullFidelityDayOptions } from '../FullFidelityDay.ts';
import type { FullFidelityStats } from '../FullFidelityFleet.ts';
import { dayChargers, dayDockSpots, dayParking, spotsBySerial, writeTruth } from '../FullFidelityDay.ts';
import {
  ACTIVITY_CODES, readJson, REQUEST_BYTES, RESPONSE_BYTES, SAMPLE_STRIDE, writeJson,
  type DayShardRequest, type DayShardResponse, type DayShardSetup, type HookEvent, type RelayedMessage,
} from './dayShardProtocol.ts';

const BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./dayShardWorker.ts', import.meta.url).href)}); })`;

export interface FullFidelityDayShardsOptions extends Omit<FullFidelityDayOptions, 'transportOf'> {
  /** The campus file the workers load (the parsed map does not cross threads); must be the file `campus` came from. */
  campusFile: string;
  workers: number;
  /** The day's broker: robots' messages are published here from their serial's client, the fleet's are taken here. */
  broker: InMemoryBroker;
  /** Lock-step period, ms of simulated time (default 100: one control period). */
  stepMs?: number;
}

interface Shard {
  worker: Worker;
  serials: string[];
  control: Int32Array;
  request: SharedArrayBuffer;
  response: SharedArrayBuffer;
  inbound: RelayedMessage[];
  seq: number;
  /** A request is out and its answer not yet read: the channel holds one request at a time. */
  busy: boolean;
}

/** Starts the workers (each builds its robots), wires the relay, and arms the lock-step timer on `o.clock`. */
export async function startFullFidelityDayShards(o: FullFidelityDayShardsOptions): Promise<FullFidelityDay> {
  if (!Number.isInteger(o.workers) || o.workers < 1) throw new RangeError(`full fidelity: workers must be an integer ≥ 1, got ${o.workers}`);
  const { campus } = bridgedCampus(o.campus);
  const starts = dayParking(campus, o.parkNode, o.serials.length);
  if (starts.length < o.serials.length) throw new RangeError(`full fidelity: only ${starts.length} parking poses around the hub for ${o.serials.length} robots`);
  const bays = dayDockSpots(campus, o, starts);
  const n = Math.min(o.workers, o.serials.length);
  const samples = new SharedArrayBuffer(8 * SAMPLE_STRIDE * o.serials.length);
  const lastStep = new SharedArrayBuffer(samples.byteLength);
  const shardOf = new Map<string, number>();
  const slotOf = new Map<string, number>();
  const shards: Shard[] = [];
  for (let s = 0; s < n; s++) {
    const serials: string[] = [], slots: number[] = [], shardStarts = [];
    for (let i = s; i < o.serials.length; i += n) {
      serials.push(o.serials[i]!);
      slots.push(i);
      shardStarts.push(starts[i]!);
      shardOf.set(o.serials[i]!, s);
      slotOf.set(o.serials[i]!, i);
    }
    const channel = {
      control: new SharedArrayBuffer(16), request: new SharedArrayBuffer(REQUEST_BYTES), response: new SharedArrayBuffer(RESPONSE_BYTES), samples, lastStep,
    };
    const remotes = o.serials.flatMap((serial, i) => (i % n === s ? [] : [{ serial, slot: i, start: starts[i]! }]));
    const setup: DayShardSetup = {
      campusFile: o.campusFile, serials, slots, starts: shardStarts, remotes, seed: o.seed, startMs: o.clock.now(), manufacturer: o.manufacturer,
      compartments: o.compartments, loadPerParcelS: o.loadPerParcelS, takeParcelS: o.takeParcelS,
      battery: { capacityWh: o.battery.capacityWh, whPerM: o.battery.whPerM, idleW: o.battery.idleW, chargeW: o.battery.chargeW },
      statePeriodMs: o.statePeriodMs, visualizationPeriodMs: o.visualizationPeriodMs, speedMps: o.speedMps, docks: dayChargers(o.docks, bays),
      channel,
    };
    shards.push({
      worker: new Worker(BOOT, { eval: true, workerData: setup }), serials, control: new Int32Array(channel.control),
      request: channel.request, response: channel.response, inbound: [], seq: 0, busy: false,
    });
  }
  const clients = new Map<string, InMemoryClient>(o.serials.map((s) => [s, o.broker.connect(s)]));
  const publish = (out: readonly RelayedMessage[]) => {
    for (const m of out) {
      const serial = m.topic.split('/')[3]!;
      // VDA 5050 §6.5: connection messages are retained.
      clients.get(serial)!.publishSync(m.topic, m.payload, { qos: m.topic.endsWith('/connection') ? 1 : 0, retain: m.topic.endsWith('/connection') });
    }
  };
  const applyHooks = (hooks: readonly HookEvent[]) => {
    for (const h of hooks) {
      if (h.kind === 'leg') o.hooks.onLeg?.(h.serial, { line: measurePolyline(h.points), edges: h.edges });
      else o.hooks.onHandoverOpen?.(h.serial, h.parcelId, h.typed);
    }
  };
  // Ready, in shard order; what the robots said while starting (connection, factsheet, first state) goes out now.
  const readies = await Promise.all(shards.map((s) => firstReply(s.worker)));
  for (const r of readies) {
    publish(r.outbound);
    applyHooks(r.hooks);
  }
  // The fleet's messages to robots, queued per shard until the next step.
  const master = o.broker.connect('full-fidelity-relay');
  const take = (topic: string, payload: Buffer) => {
    const serial = topic.split('/')[3];
    const s = serial === undefined ? undefined : shardOf.get(serial);
    if (s !== undefined) shards[s]!.inbound.push({ topic, payload: payload.toString('utf8') });
  };
  await master.subscribe(`uagv/v2/${o.manufacturer}/+/order`, take);
  await master.subscribe(`uagv/v2/${o.manufacturer}/+/instantActions`, take);

  const send = (s: Shard, req: DayShardRequest) => {
    // A second request would overwrite the first in the shared buffer, and its answer be read as the first's.
    if (s.busy) throw new Error(`full-fidelity shard of ${s.serials[0]}…: a '${req.type}' request while its last one is unanswered`);
    s.busy = true;
    writeJson(s.request, s.control, 2, req);
    s.seq++;
    Atomics.store(s.control, 0, s.seq);
    Atomics.notify(s.control, 0);
  };
  const receive = (s: Shard): DayShardResponse => {
    for (let waited = 0; Atomics.load(s.control, 1) !== s.seq; waited++) {
      if (Atomics.wait(s.control, 1, Atomics.load(s.control, 1), 1000) === 'timed-out' && waited > 120) {
        throw new Error(`full-fidelity shard of ${s.serials[0]}… did not answer within two minutes`);
      }
    }
    const r = readJson<DayShardResponse>(s.response, s.control, 3);
    s.busy = false;
    if (r.type === 'failed') throw new Error(`full-fidelity shard of ${s.serials[0]}…: ${r.message}`);
    return r;
  };
  const stepMs = o.stepMs ?? 100;
  const view = new Float64Array(samples);
  const lastView = new Float64Array(lastStep);
  const step = () => {
    const untilMs = o.clock.now();
    // Every shard has answered the step before (or is ready): its samples are final until this step is asked for.
    lastView.set(view);
    for (const s of shards) {
      send(s, { type: 'step', untilMs, inbound: s.inbound });
      s.inbound = [];
    }
    // Every answer is in before anything is published: the fleet, hearing a robot of one shard, may act at once on
    // another's (a recipient waiting at a drop point types a code as the robot's state says it has arrived), and a
    // shard whose answer is unread must not get a second request: it would overwrite that answer.
    const replies = shards.map((s) => {
      const r = receive(s);
      if (r.type !== 'stepped') throw new Error(`full-fidelity shard of ${s.serials[0]}…: expected a step answer, got '${r.type}'`);
      return r;
    });
    for (const r of replies) {
      publish(r.outbound);
      applyHooks(r.hooks);
    }
  };
  const timer: TimerHandle = o.clock.setInterval(stepMs, step);

  const robots: DayRobot[] = o.serials.map((serial) => {
    const base = slotOf.get(serial)! * SAMPLE_STRIDE;
    const shard = shards[shardOf.get(serial)!]!;
    return {
      serial,
      activity: (): SimRobotActivity => ACTIVITY_CODES[view[base + 3]!] ?? 'idle',
      motion: { poseNow: (): MapPose => ({ x: view[base]!, y: view[base + 1]!, theta: view[base + 2]!, mapId: o.campus.mapId }) },
      battery: {
        pctAt: () => view[base + 4]!,
        get usedWh() {
          return view[base + 5]!;
        },
      },
      enterCode(code: string, parcelId?: string): { result: KeypadResult; attemptsLeft?: number } {
        send(shard, { type: 'code', serial, code, ...(parcelId !== undefined ? { parcelId } : {}) });
        const r = receive(shard);
        applyHooks(r.hooks);
        publish(r.outbound);
        if (r.type !== 'code') throw new Error(`full-fidelity shard: expected a keypad answer, got '${r.type}'`);
        return r.result;
      },
      reportBattery() {},
    };
  });

  let finished = false;
  return {
    robots,
    hubSpots: spotsBySerial(o.serials, starts),
    dockBaySpots: bays,
    finish(recorder: DayRecorder): FullFidelityStats {
      o.clock.clearTimer(timer);
      finished = true;
      for (const s of shards) send(s, { type: 'finish' });
      const parts = shards.map((s) => receive(s));
      const truth = [], events = [], stats: FullFidelityStats[] = [];
      const contacts = { collisions: 0, nearMisses: 0, collisionsByKind: {} as Record<string, number> };
      for (const r of parts) {
        if (r.type !== 'finished') throw new Error(`full-fidelity shard: expected its figures, got '${r.type}'`);
        truth.push(...r.truth);
        events.push(...r.events);
        stats.push(r.stats);
        contacts.collisions += r.contacts.collisions;
        contacts.nearMisses += r.contacts.nearMisses;
        for (const [k, v] of Object.entries(r.contacts.collisionsByKind)) contacts.collisionsByKind[k] = (contacts.collisionsByKind[k] ?? 0) + v;
        publish(r.outbound);
      }
      truth.sort((a, b) => slotOf.get(a.serial)! - slotOf.get(b.serial)!);
      writeTruth(recorder, truth, contacts, events);
      return poolStats(stats, truth);
    },
    async stop() {
      if (!finished) {
        o.clock.clearTimer(timer);
        // A shard still owing an answer (it failed or timed out) is terminated without one.
        const idle = shards.filter((s) => !s.busy);
        for (const s of idle) send(s, { type: 'finish' });
        for (const s of idle) receive(s);
      }
      await Promise.all(shards.map((s) => s.worker.terminate()));
    },
  };
}

/** Pooled figures over shards (errors pooled exactly from each robot's sums). */
function poolStats(parts: readonly FullFidelityStats[], truth: ReadonlyArray<{ poses: number; sumSqM2: number; ctN: number; ctSumSqM2: number }>): FullFidelityStats {
  const sum = (f: (s: FullFidelityStats) => number) => parts.reduce((a, s) => a + f(s), 0);
  const max = (f: (s: FullFidelityStats) => number) => parts.reduce((a, s) => Math.max(a, f(s)), 0);
  const poses = truth.reduce((a, t) => a + t.poses, 0), sq = truth.reduce((a, t) => a + t.sumSqM2, 0);
  const ctN = truth.reduce((a, t) => a + t.ctN, 0), ctSq = truth.reduce((a, t) => a + t.ctSumSqM2, 0);
  return {
    robots: sum((s) => s.robots), collisions: sum((s) => s.collisions), nearMisses: sum((s) => s.nearMisses),
    pedestrianNearMisses: sum((s) => s.pedestrianNearMisses), locRmseM: Math.sqrt(sq / poses), locMaxErrM: max((s) => s.locMaxErrM),
    crossTrackRmsM: Math.sqrt(ctSq / ctN), crossTrackMaxM: max((s) => s.crossTrackMaxM), distanceM: sum((s) => s.distanceM),
    pedestrians: max((s) => s.pedestrians), pedestriansInWorldMax: max((s) => s.pedestriansInWorldMax),
    scans: sum((s) => s.scans), raysCast: sum((s) => s.raysCast), busMessages: sum((s) => s.busMessages),
  };
}

/** The worker's first message: ready (with what its robots said at start-up), or a failure. */
function firstReply(worker: Worker): Promise<{ outbound: RelayedMessage[]; hooks: HookEvent[] }> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (m: { type: 'ready'; outbound: { outbound: RelayedMessage[]; hooks: HookEvent[] } } | { type: 'failed'; message: string }) => {
      cleanup();
      if (m.type === 'ready') resolve(m.outbound);
      else reject(new Error(`full-fidelity shard failed to start: ${m.message}`));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`full-fidelity shard exited with code ${code} before it was ready`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
