/**
 * The robots of a full-fidelity campus day, as `runDay` sees them: it builds them after the fleet side has started,
 * samples them like its fleet-fidelity robots, and at the end asks for the ground truth (contacts, localization and
 * cross-track errors, true distance) to go into the day's record. One shard on the caller's thread (`workers` 0) or
 * worker-thread shards in lock-step (`FullFidelityDayShards`).
 */
import type { Clock } from '../../clock/index.ts';
import type { CampusMap, Pose2, Vec2 } from '../../maps/index.ts';
import type { KeypadResult, MapPose } from '../../robot/mission/index.ts';
import type { MessageTransport } from '../../transport/index.ts';
import type { ContactSummary, DayRecorder } from '../report/index.ts';
import type { BatteryModel } from '../runner/core/SimBattery.ts';
import type { SimRobotActivity, SimRobotHooks } from '../runner/SimRobot.ts';
import { bodyBattery } from './bodyBattery.ts';
import { bridgedCampus } from './bridgedCampus.ts';
import { createFullFidelityFleet, type FullFidelityFleet, type FullFidelityStats } from './FullFidelityFleet.ts';
import { dockBaySpots, type DockPlace } from './dockBaySpots.ts';
import { hubSpots } from './hubSpots.ts';
import type { DayContactEvent, RobotTruth } from './adapters/dayShardProtocol.ts';

/** What runDay reads of a robot (the fleet-fidelity SimRobot offers the same). */
export interface DayRobot {
  readonly serial: string;
  activity(): SimRobotActivity;
  readonly motion: { poseNow(): MapPose };
  readonly battery: { pctAt(tMs: number): number; readonly usedWh: number };
  enterCode(code: string, parcelId?: string): { result: KeypadResult; attemptsLeft?: number };
  reportBattery(): void;
}

export interface FullFidelityDayOptions {
  campus: CampusMap;
  clock: Clock;
  seed: number;
  serials: readonly string[];
  /** Graph node the robots park around at boot (the hub). */
  parkNode: number;
  docks: readonly Vec2[];
  /** The dock places as the fleet names them, and bays per place: each bay gets its own spot (`dockBaySpots`). Default none. */
  dockPlaces?: readonly DockPlace[];
  baysPerDock?: number;
  manufacturer: string;
  compartments: number;
  loadPerParcelS: number;
  takeParcelS: number;
  /** The fleet side's battery model; the bodies get the same capacity, draws and charger. */
  battery: BatteryModel;
  statePeriodMs: number;
  visualizationPeriodMs: number;
  /** Cruise speed the controller aims for, m/s (the fleet side plans with the same). */
  speedMps: number;
  transportOf: (serial: string) => MessageTransport;
  hooks: SimRobotHooks;
}

export interface FullFidelityDay {
  readonly robots: readonly DayRobot[];
  /** Each robot's own waiting spot at the hub (where it boots); the fleet's dispatch loop ends its trips there. */
  readonly hubSpots: ReadonlyMap<string, Vec2>;
  /** Each charging bay's own spot beside its dock (bay id → position); the fleet's dispatch loop sends robots there. */
  readonly dockBaySpots: ReadonlyMap<string, Vec2>;
  /** Writes ground truth (contacts, errors, true distance) into the record's robot totals; returns the pooled figures. */
  finish(recorder: DayRecorder): FullFidelityStats;
  stop(): Promise<void>;
}

/** All robots on the caller's thread and clock (one shard). */
export async function startFullFidelityDay(o: FullFidelityDayOptions): Promise<FullFidelityDay> {
  // Robots and world on the campus with its bridges and passages open (the fleet side keeps the map as it is).
  const { campus } = bridgedCampus(o.campus);
  const starts = dayParking(campus, o.parkNode, o.serials.length);
  if (starts.length < o.serials.length) throw new RangeError(`full fidelity: only ${starts.length} parking poses around the hub for ${o.serials.length} robots`);
  const bays = dayDockSpots(campus, o, starts);
  const fleet = await createDayFleet({ ...o, campus, docks: dayChargers(o.docks, bays) }, starts);
  return {
    robots: fleet.robots,
    hubSpots: spotsBySerial(o.serials, starts),
    dockBaySpots: bays,
    finish(recorder) {
      writeTruth(recorder, robotTruth(fleet), fleet.world.metrics, fleet.events);
      return fleet.stats();
    },
    stop: () => fleet.stop(),
  };
}

/**
 * Where the day's robots boot and wait between trips: each at its own spot beside the footways around the hub
 * (`hubSpots`), so robots parked there do not block the ones coming back and leaving; the fleet ends each robot's
 * trips at its spot and counts it at the hub there (`DispatchLoop` hubSpots).
 */
export function dayParking(campus: CampusMap, hubNode: number, count: number): Pose2[] {
  return hubSpots(campus, hubNode, count);
}

/** How far the day's chargers reach, m (DockCharger's radius around a dock node or a bay spot). */
export const DAY_DOCK_REACH_M = 5;

/** Where the day's robots can charge: at every dock node and at every bay spot (each bay has its own charger). */
export function dayChargers(docks: readonly Vec2[], bays: ReadonlyMap<string, Vec2>): Vec2[] {
  return [...docks, ...bays.values()].map((d) => ({ x: d.x, y: d.y }));
}

/** The day's bay spots around its docks, apart from the robots' hub spots (`starts`). */
export function dayDockSpots(
  campus: CampusMap, o: Pick<FullFidelityDayOptions, 'dockPlaces' | 'baysPerDock'>, starts: readonly Vec2[],
): Map<string, Vec2> {
  if (o.dockPlaces === undefined || o.baysPerDock === undefined) return new Map();
  return dockBaySpots(campus, o.dockPlaces, o.baysPerDock, { taken: starts });
}

/** serial → its spot (robot i at spot i). */
export function spotsBySerial(serials: readonly string[], spots: readonly Pose2[]): Map<string, Vec2> {
  return new Map(serials.map((s, i) => [s, { x: spots[i]!.x, y: spots[i]!.y }]));
}

/** The day's robots on `o.campus` (already bridged), robot i booting at `starts[i]`. Shards call this too. */
export function createDayFleet(o: Omit<FullFidelityDayOptions, 'parkNode'>, starts: readonly Pose2[]): Promise<FullFidelityFleet> {
  return createFullFidelityFleet({
    campus: o.campus, clock: o.clock, seed: o.seed, serials: o.serials, startOf: (_s, i) => starts[i]!, manufacturer: o.manufacturer,
    compartments: o.compartments, loadPerParcelS: o.loadPerParcelS, takeParcelS: o.takeParcelS, docks: o.docks,
    dockRadiusM: DAY_DOCK_REACH_M, transportOf: o.transportOf, statePeriodMs: o.statePeriodMs, visualizationPeriodMs: o.visualizationPeriodMs, hooks: o.hooks,
    body: { battery: bodyBattery(o.battery) },
    // Blocked within 8 m of a goal counts as there (busy doors at drop points; the fleet counts 10 m at the hub).
    params: { controller: { desired_speed_mps: o.speedMps, goal_blocked_tolerance_m: 8 } },
  });
}

/** A robot whose worst cross-track error while tracking exceeds this gets an `off-path` event saying where, m. */
const OFF_PATH_EVENT_M = 2;

/** Each robot's ground truth, as plain numbers (they cross threads). */
export function robotTruth(fleet: FullFidelityFleet): RobotTruth[] {
  return fleet.robots.map((r) => {
    const s = r.truth.sums();
    const worst = r.truth.worst();
    return {
      serial: r.serial, distanceM: r.body.distanceM, collisions: r.contacts.collisions, nearMisses: r.contacts.nearMisses,
      poses: s.poses, sumSqM2: s.sumSqM2, ctN: s.ctN, ctSumSqM2: s.ctSumSqM2, ...(worst !== undefined ? { ctWorst: worst } : {}), stalls: r.stalls.finish(),
    };
  });
}

/**
 * Ground truth into the record: true distance, contacts, localization RMSE and cross-track RMS per robot; contacts
 * (with what the robot was doing) and stall episodes as events, and per robot a `motion` event with the seconds it
 * spent in each controller state while driving.
 */
export function writeTruth(recorder: DayRecorder, truth: readonly RobotTruth[], contacts: ContactSummary, events: readonly DayContactEvent[]): void {
  for (const r of truth) {
    const t = recorder.robot(r.serial);
    t.distanceM = r.distanceM;
    t.collisions = r.collisions;
    t.nearMisses = r.nearMisses;
    t.locSamples = r.poses;
    t.locRmseM = r.poses > 0 ? Math.sqrt(r.sumSqM2 / r.poses) : null;
    t.crossTrackSamples = r.ctN;
    t.crossTrackRmsM = r.ctN > 0 ? Math.sqrt(r.ctSumSqM2 / r.ctN) : null;
  }
  recorder.setContacts(contacts);
  for (const e of events) {
    recorder.event({
      tMs: e.timeMs, kind: e.gapM <= 0 ? `collision:${e.kind}` : `near-miss:${e.kind}`, serial: e.robotId,
      ...(e.detail !== undefined ? { detail: e.detail } : {}),
    });
  }
  for (const r of truth) {
    const w = r.ctWorst;
    if (w !== undefined && w.errorM > OFF_PATH_EVENT_M) {
      recorder.event({
        tMs: w.tMs, kind: 'off-path', serial: r.serial,
        detail: `${w.errorM.toFixed(2)} m from its path at (${w.x.toFixed(1)}, ${w.y.toFixed(1)}), the worst of the day; projected on segment ${w.segment + 1} of ${w.segments} of a ${w.pathLengthM.toFixed(1)} m path (${w.fromX.toFixed(1)}, ${w.fromY.toFixed(1)}) → (${w.toX.toFixed(1)}, ${w.toY.toFixed(1)})`,
      });
    }
    const s = r.stalls;
    for (const ep of s.episodes) {
      recorder.event({
        tMs: ep.startMs, kind: 'stall', serial: r.serial,
        detail: `${Math.round(ep.durationS)} s at (${ep.x.toFixed(1)}, ${ep.y.toFixed(1)}); controller ${secondsBy(ep.controller)}; safety ${secondsBy(ep.safety)}`,
      });
    }
    recorder.event({
      tMs: recorder.params.endMs, kind: 'motion', serial: r.serial,
      detail: `driving ${Math.round(s.pendingS)} s, stalled ${Math.round(s.stalledS)} s in ${s.episodes.length + s.droppedEpisodes} stalls; ` +
        `controller ${secondsBy(s.controllerS, s.controllerM)}; safety ${secondsBy(s.safetyS)}`,
    });
  }
}

/** `tracking 120 s, blocked 30 s`, longest first; with metres per state, `tracking 120 s 150 m (1.25 m/s)`. */
function secondsBy(m: Readonly<Record<string, number>>, metres?: Readonly<Record<string, number>>): string {
  const speed = (k: string, s: number) => {
    const d = metres?.[k];
    return d === undefined ? '' : ` ${Math.round(d)} m (${s > 0 ? (d / s).toFixed(2) : '0.00'} m/s)`;
  };
  return Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${Math.round(v)} s${speed(k, v)}`).join(', ') || '-';
}
