/**
 * The robots the fleet server knows. A message from a serial not in the registry is rejected
 * (`TRACKING_UNKNOWN_ROBOT`). Lookups are synchronous because they sit on the hot ingest path: a store-backed
 * registry keeps an in-memory copy and refreshes it when robots are added or changed. Credentials live with the
 * broker (fleet/broker RobotCredentialRepository), keyed by the same serial.
 */
export interface RobotRecord {
  serial: string;
  /** VDA 5050 manufacturer: the topic's and header's manufacturer must equal it. */
  manufacturer: string;
  /** Parcel compartments aboard (capacity: one parcel each). */
  compartments: number;
  /** The charging dock this robot uses, if it has one. */
  dockId?: string;
}

export interface RobotRegistry {
  get(serial: string): RobotRecord | undefined;
  list(): RobotRecord[];
}

export class InMemoryRobotRegistry implements RobotRegistry {
  readonly #robots = new Map<string, RobotRecord>();

  constructor(robots: readonly RobotRecord[] = []) {
    for (const r of robots) this.add(r);
  }

  add(robot: RobotRecord): void {
    this.#robots.set(robot.serial, { ...robot });
  }

  remove(serial: string): void {
    this.#robots.delete(serial);
  }

  get(serial: string): RobotRecord | undefined {
    return this.#robots.get(serial);
  }

  list(): RobotRecord[] {
    return [...this.#robots.values()];
  }
}
