/**
 * One simulated campus day in FAST mode at FLEET fidelity: one VirtualClock drives demand, recipients, robots and the
 * fleet side; robots are the real mission executor + real VDA bridge on an in-process broker with kinematic motion
 * (sim/runner/SimRobot.ts); the fleet side is the real composed FleetServer (SQLite in memory, no HTTP) on the same
 * clock and broker (ServerFleet.ts). The same config and seed give the same DayRecord, byte for byte.
 */
import { VirtualClock } from '../../clock/index.ts';
import { AppError } from '../../common/core/AppError.ts';
import { Random } from '../../common/core/Random.ts';
import {
  campusDeliveryPolicy, createMatrixTravelModel, type ChargingConfig, type DispatchConfig,
} from '../../fleet/dispatch/index.ts';
import type { DispatchLoopTuning } from '../../fleet/server/index.ts';
import type { CampusMap, Place } from '../../maps/index.ts';
import { MessageBuilder } from '../../protocol/index.ts';
import { defaultFactsheet, VdaBridge } from '../../robot/bridge/index.ts';
import { InMemoryBroker } from '../../transport/index.ts';
import { startFullFidelityDay, startFullFidelityDayShards, type DayRobot, type FullFidelityDay } from '../full/index.ts';
import { defaultDemandConfig, generateArrivals, type DemandConfig, type ParcelArrival } from '../demand/index.ts';
import { Recipients, type RecipientConfig, type RecipientStats } from '../people/index.ts';
import { DayRecorder, type DayRecord, type RobotState } from '../report/index.ts';
import { defaultBatteryModel, type BatteryModel } from './core/SimBattery.ts';
import type { DayObserver } from './DayObserver.ts';
import { eventLoopYield } from './eventLoopYield.ts';
import { ServerFleet, type ServerFleetStats } from './ServerFleet.ts';
import { RouteCache, SimRobot, type SimRobotActivity, type SimRobotHooks } from './SimRobot.ts';

export interface DayConfig {
  campus: CampusMap;
  /** Label for the report (`zju`, a file name…); defaults to the map's name. */
  campusLabel?: string;
  parcels: number;
  robots: number;
  seed: number;
  /** Simulated hours from dayStartMs. Default 18 (06:30 → 00:30); arrivals fill the window less a drain at the end. */
  hours?: number;
  /**
   * After the day's window the sim runs on until every arrived parcel is delivered or returned, but at most this
   * many hours (the hard stop); whatever is left then is reported unresolved. Default 6.
   */
  drainHours?: number;
  /** Clock time the day starts, ms since midnight. Default 06:30. */
  dayStartMs?: number;
  /** Cruise speed, m/s. Default 1.5. */
  speedMps?: number;
  /** Lockers per robot (campus delivery robots of this kind carry 20–30). Default 24. */
  compartments?: number;
  /** Hub staff time per parcel loaded or unloaded, s. Default 5 (staff fill a rack of open lockers). */
  loadPerParcelS?: number;
  /** A recipient takes the parcel and closes the door in, s. Default 10. */
  takeParcelS?: number;
  battery?: Partial<BatteryModel>;
  charging?: Partial<ChargingConfig>;
  /** Charging bays per dock place. Default max(2, ceil(robots / (5 × docks))). */
  baysPerDock?: number;
  /**
   * Robot state period (besides state on change), ms. Default 5 min: the fleet side here reads every change and needs
   * no heartbeat, and each periodic state costs a build, a schema check and a parse (a real robot sends 1 Hz).
   */
  statePeriodMs?: number;
  /** Visualization period, ms. Default 10 min: nothing in fast mode watches it. */
  visualizationPeriodMs?: number;
  /** Fleet sample period for the report, ms. Default 10 s. */
  samplePeriodMs?: number;
  /** How long a robot waits for a recipient, s. Default 600. */
  waitForRecipientS?: number;
  /** Dispatch planner overrides on top of the sim's defaults (simDispatchDefaults). */
  dispatch?: Partial<Omit<DispatchConfig, 'hub'>>;
  recipients?: Partial<RecipientConfig>;
  /** Replaces the default demand shape (its `parcels` wins over `parcels` above). */
  demand?: DemandConfig;
  /**
   * The fleet side: `server` (the only one, and the default) runs the real composed FleetServer (SQLite in memory, no
   * HTTP) on the same clock and broker (ServerFleet). Kept as a field for callers that name it.
   */
  fleet?: 'server';
  /**
   * Robots: `fleet` (default) simulates the mission with kinematic motion (SimRobot); `full` runs every robot's real
   * onboard stack against the simulated world with LiDAR and pedestrians (sim/full, docs/sim.md "Full fidelity").
   */
  fidelity?: 'fleet' | 'full';
  /** Full fidelity: robots in this many worker threads (0: on this thread), which load the campus from `campusFile`. */
  full?: { workers?: number; campusFile?: string };
  /** Called every progressEveryMs of simulated time (and at the end). */
  onProgress?: (p: DayProgress) => void;
  /** Watches the day without changing it (a recording: sim/record DayRecording). */
  observer?: DayObserver;
  progressEveryMs?: number;
}

export interface DayProgress {
  simMs: number;
  startMs: number;
  endMs: number;
  delivered: number;
  /** Arrived and not yet delivered or returned. */
  waiting: number;
}

export interface DayResult {
  record: DayRecord;
  recipients: RecipientStats;
  /** The fleet side's counters (ServerFleet). */
  fleet: ServerFleetStats;
  routes: { hits: number; misses: number; failures: number };
  /** VDA 5050 messages delivered over the in-process broker. */
  messages: number;
  /** Timer callbacks the clock fired. */
  events: number;
}

/** The day cannot be set up (bad numbers, a campus without hub or drop points). */
export class DayConfigError extends AppError {}

const H = 3_600_000;
const MANUFACTURER = 'CampusSim';

/**
 * The planner as the campus day runs it: the fleet server's campus delivery policy, except that a parcel whose
 * recipient did not come gets only one more try the same day; after that it waits at the hub for the next day's
 * delivery, which is beyond the simulated day, so it is booked returned with the reason `recipient_no_show`.
 */
export const simDispatchDefaults: Partial<Omit<DispatchConfig, 'hub'>> = {
  ...campusDeliveryPolicy,
  maxDeliveryAttempts: 2,
};

/**
 * The fleet server's dispatch loop as the campus day runs it: the whole shelf in view (bounded) so loads are whole
 * buildings, a 5 s gathering after arrivals (a truck wave is scanned in over seconds), no re-plan of an unchanged shelf
 * within a minute, a locked-out parcel kept at the hub counter, and a parcel no trip can carry returned at once.
 */
export const simLoopDefaults: DispatchLoopTuning = {
  maxClaim: 5000,
  arrivalDelayMs: 5000,
  fruitlessReplanMs: 60_000,
  codeLockout: 'hold',
  returnUndeliverable: true,
};

/** The serial numbers of a day's robots: R01…R99, or R001… from 100 robots. */
export function daySerials(robots: number): string[] {
  return Array.from({ length: robots }, (_, i) => `R${String(i + 1).padStart(robots >= 100 ? 3 : 2, '0')}`);
}

/** Runs one day; see DayConfig for the knobs. */
export async function runDay(config: DayConfig): Promise<DayResult> {
  const { campus } = config;
  for (const [k, v] of [['parcels', config.parcels], ['robots', config.robots], ['seed', config.seed]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new DayConfigError('SIM_CONFIG', `runDay: ${k} must be an integer ≥ 0, got ${v}`);
  }
  if (config.robots < 1 || config.robots > 999) throw new DayConfigError('SIM_CONFIG', `runDay: robots must be 1..999, got ${config.robots}`);
  const hours = config.hours ?? 18;
  if (!(hours > 0 && hours <= 48)) throw new DayConfigError('SIM_CONFIG', `runDay: hours must be in (0, 48], got ${hours}`);
  const hub = campus.places.find((p) => p.kind === 'hub');
  if (hub === undefined) throw new DayConfigError('SIM_NO_HUB', `campus ${campus.name} has no hub place; add one in its places overlay`);
  const drops = campus.places.filter((p) => p.kind === 'drop');
  if (drops.length === 0) throw new DayConfigError('SIM_NO_DROPS', `campus ${campus.name} has no drop points`);

  const startMs = config.dayStartMs ?? 6.5 * H;
  const endMs = startMs + hours * H;
  const speedMps = config.speedMps ?? 1.5;
  const compartments = config.compartments ?? 24;
  const loadPerParcelS = config.loadPerParcelS ?? 5;
  const drainHours = config.drainHours ?? 6;
  if (!(drainHours >= 0 && drainHours <= 24)) throw new DayConfigError('SIM_CONFIG', `runDay: drainHours must be in [0, 24], got ${drainHours}`);
  if (!Number.isInteger(compartments) || compartments < 1 || compartments > 64) {
    throw new DayConfigError('SIM_CONFIG', `runDay: compartments must be an integer in 1..64, got ${compartments}`);
  }
  const battery: BatteryModel = { ...defaultBatteryModel, ...config.battery };
  const samplePeriodMs = config.samplePeriodMs ?? 10_000;
  const root = new Random(config.seed);
  // One stream per subsystem, so a change in one does not reshuffle the others.
  const demandRandom = root.fork();
  const recipientRandom = root.fork();
  const codeRandom = root.fork();

  const clock = new VirtualClock(startMs);
  const broker = new InMemoryBroker();
  const routes = new RouteCache(campus);
  const serials = daySerials(config.robots);
  const recorder = new DayRecorder({
    campus: config.campusLabel ?? campus.name, seed: config.seed, robots: config.robots, parcels: config.parcels,
    fidelity: config.fidelity ?? 'fleet', mode: 'fast', startMs, endMs, samplePeriodMs,
  }, campus.graph.edgeCount, serials);

  // Travel matrix between places (one Dijkstra per place), as the fleet server builds it.
  const places = campus.places;
  const n = places.length;
  const dist = new Float64Array(n * n);
  places.forEach((from, i) => {
    const costs = campus.router.costsFrom(from.node);
    places.forEach((to, j) => {
      dist[i * n + j] = i === j ? 0 : (costs[to.node] ?? Infinity);
    });
  });
  const travel = createMatrixTravelModel(places.map((p) => p.id), dist, speedMps);
  const reachable = drops.filter((d) => Number.isFinite(travel.distanceM(hub.id, d.id)) && Number.isFinite(travel.distanceM(d.id, hub.id)));
  if (reachable.length === 0) throw new DayConfigError('SIM_NO_DROPS', `campus ${campus.name}: no drop point is reachable from the hub`);

  const dockPlaces: Place[] = places.filter((p) => p.kind === 'dock');
  if (dockPlaces.length === 0) dockPlaces.push(hub);
  const baysPerDock = config.baysPerDock ?? Math.max(2, Math.ceil(config.robots / (5 * dockPlaces.length)));
  const nodePos = (p: Place) => ({ x: campus.graph.nodeX[p.node]!, y: campus.graph.nodeY[p.node]! });

  // Robots.
  // eslint-disable-next-line prefer-const -- the robots' hooks need the fleet, which needs the robots' keypads
  let fleet: ServerFleet;
  // The server names parcels itself; the recorder keeps the sim's ids.
  const recordId = (parcelId: string) => fleet.recordIdOf(parcelId);
  const robots: Array<SimRobot | DayRobot> = [];
  const fullFidelity = config.fidelity === 'full';
  const bridges: VdaBridge[] = [];
  const hubPos = nodePos(hub);
  const { observer } = config;
  const hooks: SimRobotHooks = {
    onLeg: (s, leg) => {
      recorder.robot(s).distanceM += leg.line.lengthM;
      for (const e of leg.edges) recorder.traverse(e);
      observer?.leg?.(clock.now(), s, leg.line.points);
    },
    onHandoverOpen: (_s, parcelId, typedCode) => {
      // Checked against the code the recipient was sent, independently of the robot's own verdict.
      const rec = recorder.parcel(recordId(parcelId));
      rec.handoverCount++;
      rec.handedOverWithCode = typedCode !== undefined && typedCode === fleet.codeOf(parcelId);
      observer?.handover?.(clock.now(), _s, recordId(parcelId), rec.handedOverWithCode);
    },
  };
  for (const serial of fullFidelity ? [] : serials) {
    const robot = new SimRobot({
      serial, clock, routes, speedMps, compartments, battery,
      start: { x: hubPos.x, y: hubPos.y, theta: 0, mapId: campus.mapId },
      loadPerParcelS, takeParcelS: config.takeParcelS ?? 10,
      docks: dockPlaces.map(nodePos),
      hooks,
    });
    robots.push(robot);
    const statePeriodMs = config.statePeriodMs ?? 300_000;
    const visualizationPeriodMs = config.visualizationPeriodMs ?? 600_000;
    bridges.push(new VdaBridge({
      transport: broker.connect(serial), clock, runner: robot.runner,
      builder: new MessageBuilder({ clock, manufacturer: MANUFACTURER, serialNumber: serial }),
      factsheet: defaultFactsheet({ compartmentCount: compartments, speedMaxMps: speedMps, statePeriodMs, visualizationPeriodMs }),
      statePeriodMs, visualizationPeriodMs,
    }));
  }
  const robotBySerial = new Map(robots.map((r) => [r.serial, r]));

  const recipients = new Recipients({
    clock, random: recipientRandom, config: config.recipients,
    onAttempt: (parcelId) => {
      recorder.parcel(recordId(parcelId)).codeAttempts++;
    },
  });
  const robotStatePeriodMs = config.statePeriodMs ?? 300_000;
  fleet = await ServerFleet.start({
    clock, broker, campus, serials, compartments, manufacturer: MANUFACTURER, speedMps, recorder, recipients,
    keypadOf: (serial) => robotBySerial.get(serial)!, codeRandom,
    dispatch: { ...simDispatchDefaults, loadPerParcelS, ...config.dispatch },
    loop: { ...simLoopDefaults, energy: { capacityWh: battery.capacityWh, whPerM: battery.whPerM, idleW: battery.idleW } },
    ...(config.charging === undefined ? {} : { charging: config.charging }),
    baysPerDock, waitForRecipientS: config.waitForRecipientS ?? 600,
    // Robots report on change plus every statePeriodMs: silence up to two periods is normal here, not a fault.
    staleAfterMs: 2 * robotStatePeriodMs + 60_000,
  });
  for (const b of bridges) await b.start();
  let full: FullFidelityDay | undefined;
  if (fullFidelity) {
    const common = {
      campus, clock, seed: config.seed, serials, parkNode: hub.node, docks: dockPlaces.map(nodePos), manufacturer: MANUFACTURER,
      dockPlaces: dockPlaces.map((p) => ({ id: p.id, node: p.node })), baysPerDock,
      compartments, loadPerParcelS, takeParcelS: config.takeParcelS ?? 10, battery, speedMps, hooks,
      statePeriodMs: config.statePeriodMs ?? 300_000, visualizationPeriodMs: config.visualizationPeriodMs ?? 600_000,
    };
    const { workers = 0, campusFile } = config.full ?? {};
    full = workers > 0 && campusFile !== undefined
      ? await startFullFidelityDayShards({ ...common, campusFile, workers, broker })
      : await startFullFidelityDay({ ...common, transportOf: (serial) => broker.connect(serial) });
    robots.push(...full.robots);
    fleet.server.dispatch.setHubSpots(full.hubSpots);
    fleet.server.dispatch.setDockBaySpots(full.dockBaySpots);
    for (const r of full.robots) robotBySerial.set(r.serial, r);
  }

  // Demand: one timer at a time walks the sorted arrivals.
  const demand = config.demand ?? scaleDemand(defaultDemandConfig(config.parcels, 0), startMs, endMs);
  const arrivals = generateArrivals(demand, reachable.map((d) => ({ id: d.id, weight: d.weight ?? 1 })), demandRandom);
  let next = 0;
  const arrive = () => {
    const now = clock.now();
    while (next < arrivals.length && arrivals[next]!.atMs <= now) {
      const a: ParcelArrival = arrivals[next++]!;
      recorder.parcelArrived(a.id, a.destination, a.atMs);
      fleet.receive(a.id, a.destination);
    }
    if (next < arrivals.length) clock.setTimer(arrivals[next]!.atMs - now, arrive);
  };
  if (arrivals.length > 0) clock.setTimer(arrivals[0]!.atMs - startMs, arrive);

  // Samples for the report.
  const busyMs = new Map<string, number>();
  const sample = () => {
    const t = clock.now();
    for (const r of robots) {
      const state = reportState(r.activity());
      const pose = r.motion.poseNow();
      recorder.sample(t, r.serial, state, r.battery.pctAt(t), pose.x, pose.y);
      if (state !== 'idle' && state !== 'charging') busyMs.set(r.serial, (busyMs.get(r.serial) ?? 0) + samplePeriodMs);
    }
  };
  sample();
  clock.setInterval(samplePeriodMs, sample);
  if (observer !== undefined) {
    observer.tick(clock.now(), robots);
    clock.setInterval(observer.tickEveryMs, () => observer.tick(clock.now(), robots));
  }
  // The executor hears about the battery at least every minute (a state goes out when its whole percent changes).
  clock.setInterval(60_000, () => {
    for (const r of robots) r.reportBattery();
  });

  let events = 0;
  const loopYield = eventLoopYield();
  const stepMs = config.progressEveryMs ?? 10 * 60_000;
  // The fleet's running counts: a pass over every parcel record per report cost ~1.7 s of a 30,000-parcel day.
  const progress = () => {
    config.onProgress?.({ simMs: clock.now(), startMs, endMs, delivered: fleet.deliveredCount, waiting: fleet.unresolvedCount });
  };
  // Past the window: on until every parcel is resolved, or the hard stop.
  const hardStopMs = endMs + drainHours * H;
  const open = () => next < arrivals.length || fleet.unresolvedCount > 0;
  try {
    for (let t = startMs; t < endMs;) {
      t = Math.min(endMs, t + stepMs);
      // The server's writes are promise chains over synchronous SQLite: each instant settles before the next.
      events += await clock.runUntilAsync(t, loopYield.pause);
      if (config.onProgress) progress();
      await observer?.flush?.();
    }
    while (open() && clock.now() < hardStopMs) {
      const until = Math.min(hardStopMs, clock.now() + Math.min(stepMs, 60_000));
      events += await clock.runUntilAsync(until, loopYield.pause);
      if (config.onProgress) progress();
      await observer?.flush?.();
    }
  } finally {
    // An open channel would keep the process alive after a failed day.
    loopYield.close();
  }
  const stopMs = clock.now();
  recorder.params.endMs = stopMs;

  await fleet.stop();
  for (const r of robots) {
    const totals = recorder.robot(r.serial);
    r.battery.pctAt(stopMs);
    totals.energyWh = r.battery.usedWh;
    totals.busyMs = busyMs.get(r.serial) ?? 0;
    if (r instanceof SimRobot) r.dispose();
  }
  full?.finish(recorder);
  await full?.stop();
  for (const b of bridges) await b.stop();
  return {
    record: recorder.finish(),
    recipients: { ...recipients.stats },
    fleet: { ...fleet.stats },
    routes: { hits: routes.hits, misses: routes.misses, failures: routes.failures },
    messages: broker.delivered,
    events,
  };
}

function reportState(a: SimRobotActivity): RobotState {
  switch (a) {
    case 'unloading':
      return 'returning';
    default:
      return a;
  }
}

/**
 * Fits the default 07:00–23:00 shape (made for an 18 h day from 06:30) into another window: times scale linearly,
 * so a 3 h test day still has its waves, its peak and a drain at the end.
 */
export function scaleDemand(shape: DemandConfig, startMs: number, endMs: number): DemandConfig {
  const refStart = 6.5 * H;
  const k = (endMs - startMs) / (18 * H);
  const at = (t: number) => Math.round(startMs + (t - refStart) * k);
  return {
    parcels: shape.parcels,
    startMs: at(shape.startMs),
    endMs: at(shape.endMs),
    waves: shape.waves.map((w) => ({ atMs: at(w.atMs), spreadMs: Math.round(w.spreadMs * k), share: w.share })),
    peaks: shape.peaks.map((p) => ({ centerMs: at(p.centerMs), sdMs: Math.round(p.sdMs * k), share: p.share })),
  };
}
