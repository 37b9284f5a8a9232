/**
 * What a simulated day leaves behind for the report: parcel lifecycles, fleet samples at a fixed period, per-robot
 * totals, edge traffic and the run parameters. The runner fills it through a DayRecorder; computeKpis, validateDay,
 * daySeries and renderHtml only read it.
 */

/** Robot states as the report groups them (the fleet's finer states map onto these). */
export type RobotState =
  | 'idle'
  | 'loading'
  | 'driving'
  | 'waiting_handover'
  | 'returning'
  | 'charging'
  | 'paused'
  | 'fault'
  | 'offline';

/** Every RobotState, in the order the charts stack them (working states first, trouble last). */
export const ROBOT_STATES: readonly RobotState[] = [
  'driving',
  'waiting_handover',
  'loading',
  'returning',
  'charging',
  'idle',
  'paused',
  'fault',
  'offline',
];

/** States in which a robot counts as busy for utilization when the runner does not supply busyMs itself. */
export const BUSY_STATES: ReadonlySet<RobotState> = new Set<RobotState>(['loading', 'driving', 'waiting_handover', 'returning']);

/** One parcel's lifecycle; times are simulated ms on the run's clock, absent until the step happened. */
export interface ParcelRecord {
  id: string;
  /** Destination building or drop point id. */
  destination: string;
  arrivedAtMs: number;
  assignedAtMs?: number;
  loadedAtMs?: number;
  outForDeliveryAtMs?: number;
  awaitingPickupAtMs?: number;
  deliveredAtMs?: number;
  returnedAtMs?: number;
  /** Why it went back to the hub (`recipient_absent`, `code_lockout`, `robot_fault`, …); required when returned. */
  returnReason?: string;
  /** Times a compartment was opened to hand this parcel over (must be ≤ 1). */
  handoverCount: number;
  /** The hand-over (if any) followed a correct pickup code. */
  handedOverWithCode: boolean;
  /** Codes typed at the robot for this parcel, right or wrong. */
  codeAttempts: number;
}

/** Fleet samples at a fixed period, as parallel typed arrays (60 robots × 16 h every 10 s ≈ 350k rows). */
export interface RobotSamples {
  count: number;
  tMs: Float64Array;
  /** Index into DayRecord.robots. */
  robot: Uint16Array;
  /** Index into ROBOT_STATES. */
  state: Uint8Array;
  batteryPct: Float32Array;
  x: Float32Array;
  y: Float32Array;
}

/** One robot's totals for the day. Accuracy figures are null when the fidelity did not measure them. */
export interface RobotTotals {
  serial: string;
  distanceM: number;
  energyWh: number;
  busyMs: number;
  collisions: number;
  nearMisses: number;
  /** Localization RMSE against ground truth, m, over locSamples estimates. */
  locRmseM: number | null;
  locSamples: number;
  /** Cross-track RMS while following a path, m, over crossTrackSamples control steps. */
  crossTrackRmsM: number | null;
  crossTrackSamples: number;
  minBatteryPct: number;
}

/** A notable moment worth keeping verbatim (contact, fault, code lock-out, re-plan…). */
export interface DayEvent {
  tMs: number;
  kind: string;
  serial?: string;
  parcelId?: string;
  detail?: string;
}

/** Contacts as the world counted them (same shape as sim/world WorldMetrics, plus examples). */
export interface ContactSummary {
  collisions: number;
  nearMisses: number;
  collisionsByKind: Record<string, number>;
}

export type Fidelity = 'fleet' | 'full';
export type RunMode = 'fast' | 'wire';

/** How the day was run; the report header shows these. */
export interface RunParams {
  campus: string;
  seed: number;
  robots: number;
  parcels: number;
  fidelity: Fidelity | string;
  mode: RunMode | string;
  startMs: number;
  endMs: number;
  /** Sample period of RobotSamples, ms. */
  samplePeriodMs: number;
  /** Added to simulated ms before showing a clock time (the clock's 0 is midnight UTC unless told otherwise). */
  utcOffsetMin?: number;
}

/** The whole recorded day. */
export interface DayRecord {
  params: RunParams;
  parcels: ParcelRecord[];
  robots: RobotTotals[];
  samples: RobotSamples;
  /** Traversals per path-graph edge, indexed like the graph's edges. */
  edgeTraversals: Uint32Array;
  contacts: ContactSummary;
  events: DayEvent[];
}

const INITIAL_SAMPLE_CAPACITY = 4096;

/**
 * Cheap appends for the runner. Samples grow typed arrays by doubling; parcels are kept by id so lifecycle steps
 * are O(1) updates. `finish()` returns the DayRecord (trimmed views, no copy of the samples).
 */
export class DayRecorder {
  readonly params: RunParams;
  readonly #parcels: ParcelRecord[] = [];
  readonly #parcelById = new Map<string, ParcelRecord>();
  readonly #robots: RobotTotals[] = [];
  readonly #robotIndex = new Map<string, number>();
  readonly #events: DayEvent[] = [];
  readonly #edgeTraversals: Uint32Array;
  #contacts: ContactSummary = { collisions: 0, nearMisses: 0, collisionsByKind: {} };
  #count = 0;
  #tMs = new Float64Array(INITIAL_SAMPLE_CAPACITY);
  #robot = new Uint16Array(INITIAL_SAMPLE_CAPACITY);
  #state = new Uint8Array(INITIAL_SAMPLE_CAPACITY);
  #battery = new Float32Array(INITIAL_SAMPLE_CAPACITY);
  #x = new Float32Array(INITIAL_SAMPLE_CAPACITY);
  #y = new Float32Array(INITIAL_SAMPLE_CAPACITY);
  readonly #stateIndex = new Map<RobotState, number>(ROBOT_STATES.map((s, i) => [s, i]));

  constructor(params: RunParams, edgeCount: number, serials: readonly string[] = []) {
    this.params = { ...params };
    this.#edgeTraversals = new Uint32Array(edgeCount);
    for (const s of serials) this.robot(s);
  }

  /** The totals record of a robot, created (all zero) on first use; mutate its fields directly. */
  robot(serial: string): RobotTotals {
    const i = this.#robotIndex.get(serial);
    if (i !== undefined) return this.#robots[i]!;
    if (this.#robots.length >= 0xffff) throw new RangeError('DayRecorder: more than 65,535 robots');
    const totals: RobotTotals = {
      serial,
      distanceM: 0,
      energyWh: 0,
      busyMs: 0,
      collisions: 0,
      nearMisses: 0,
      locRmseM: null,
      locSamples: 0,
      crossTrackRmsM: null,
      crossTrackSamples: 0,
      minBatteryPct: 100,
    };
    this.#robotIndex.set(serial, this.#robots.length);
    this.#robots.push(totals);
    return totals;
  }

  /** Records a new parcel at its arrival; throws on a duplicate id (a runner bug, not a verdict matter). */
  parcelArrived(id: string, destination: string, arrivedAtMs: number): ParcelRecord {
    if (this.#parcelById.has(id)) throw new RangeError(`DayRecorder: parcel ${id} arrived twice`);
    const p: ParcelRecord = { id, destination, arrivedAtMs, handoverCount: 0, handedOverWithCode: false, codeAttempts: 0 };
    this.#parcels.push(p);
    this.#parcelById.set(id, p);
    return p;
  }

  /** The parcel's record for lifecycle updates (set `loadedAtMs`, bump `handoverCount`, …). */
  parcel(id: string): ParcelRecord {
    const p = this.#parcelById.get(id);
    if (p === undefined) throw new RangeError(`DayRecorder: unknown parcel ${id}`);
    return p;
  }

  /** One fleet sample; also keeps the robot's minimum battery. */
  sample(tMs: number, serial: string, state: RobotState, batteryPct: number, x: number, y: number): void {
    const totals = this.robot(serial);
    if (batteryPct < totals.minBatteryPct) totals.minBatteryPct = batteryPct;
    if (this.#count === this.#tMs.length) this.#grow();
    const i = this.#count++;
    this.#tMs[i] = tMs;
    this.#robot[i] = this.#robotIndex.get(serial)!;
    this.#state[i] = this.#stateIndex.get(state)!;
    this.#battery[i] = batteryPct;
    this.#x[i] = x;
    this.#y[i] = y;
  }

  /** Counts one traversal of a path-graph edge. */
  traverse(edge: number): void {
    if (edge >= 0 && edge < this.#edgeTraversals.length) this.#edgeTraversals[edge]!++;
  }

  event(e: DayEvent): void {
    this.#events.push(e);
  }

  /** Contacts as the world counted them (pass World.metrics at the end of the day). */
  setContacts(contacts: ContactSummary): void {
    this.#contacts = { collisions: contacts.collisions, nearMisses: contacts.nearMisses, collisionsByKind: { ...contacts.collisionsByKind } };
  }

  get sampleCount(): number {
    return this.#count;
  }

  finish(): DayRecord {
    const n = this.#count;
    return {
      params: { ...this.params },
      parcels: this.#parcels,
      robots: this.#robots,
      samples: {
        count: n,
        tMs: this.#tMs.subarray(0, n),
        robot: this.#robot.subarray(0, n),
        state: this.#state.subarray(0, n),
        batteryPct: this.#battery.subarray(0, n),
        x: this.#x.subarray(0, n),
        y: this.#y.subarray(0, n),
      },
      edgeTraversals: this.#edgeTraversals,
      contacts: this.#contacts,
      events: this.#events,
    };
  }

  #grow(): void {
    const cap = this.#tMs.length * 2;
    const grow = <T extends Float64Array | Float32Array | Uint16Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.#tMs = grow(this.#tMs, (k) => new Float64Array(k));
    this.#robot = grow(this.#robot, (k) => new Uint16Array(k));
    this.#state = grow(this.#state, (k) => new Uint8Array(k));
    this.#battery = grow(this.#battery, (k) => new Float32Array(k));
    this.#x = grow(this.#x, (k) => new Float32Array(k));
    this.#y = grow(this.#y, (k) => new Float32Array(k));
  }
}
