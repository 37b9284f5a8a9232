/** What the broker needs to know about a robot to let it in. Mirrors columns of the `robots` table. */
export interface RobotCredentialRecord {
  serialNumber: string;
  manufacturer: string;
  /** `hashRobotCredential(…)` output. */
  credentialHash: string;
  enabled: boolean;
}

/** The robot registry as the broker sees it. The store implements it; tests use `InMemoryRobotCredentialRepository`. */
export interface RobotCredentialRepository {
  findBySerial(serialNumber: string): Promise<RobotCredentialRecord | undefined> | RobotCredentialRecord | undefined;
}

export class InMemoryRobotCredentialRepository implements RobotCredentialRepository {
  readonly #robots = new Map<string, RobotCredentialRecord>();

  add(record: RobotCredentialRecord): void {
    this.#robots.set(record.serialNumber, { ...record });
  }

  setEnabled(serialNumber: string, enabled: boolean): void {
    const robot = this.#robots.get(serialNumber);
    if (robot) robot.enabled = enabled;
  }

  findBySerial(serialNumber: string): RobotCredentialRecord | undefined {
    const robot = this.#robots.get(serialNumber);
    return robot ? { ...robot } : undefined;
  }

  all(): RobotCredentialRecord[] {
    return [...this.#robots.values()].map((r) => ({ ...r }));
  }
}
