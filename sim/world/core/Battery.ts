/**
 * Battery state of charge: drains by idle (computer, radios) + motion (per m/s) + sensor power, charges at the
 * dock's power with a taper above 80 % as lithium packs do (the dock powers the robot while it charges). Pure and deterministic; time is passed in.
 */
export interface BatteryParams {
  capacityWh: number;
  /** Drawn whenever the robot is on, W. */
  idleW: number;
  /** Extra draw per m/s of speed, W/(m/s). */
  motionWPerMps: number;
  /** LiDAR, cameras, GNSS, W. */
  sensorsW: number;
  /** Dock charging power below 80 %, W; tapers linearly to 10 % of it at 100 %. */
  chargeW: number;
  /** Start state of charge, 0..1. */
  initialSoc: number;
}

export const DEFAULT_BATTERY: BatteryParams = {
  capacityWh: 500,
  idleW: 20,
  motionWPerMps: 60,
  sensorsW: 15,
  chargeW: 300,
  initialSoc: 1,
};

export class Battery {
  readonly params: BatteryParams;
  #soc: number;
  #usedWh = 0;
  #chargedWh = 0;

  constructor(params: Partial<BatteryParams> = {}) {
    this.params = { ...DEFAULT_BATTERY, ...params };
    if (!(this.params.capacityWh > 0)) throw new RangeError(`Battery: capacityWh must be > 0, got ${this.params.capacityWh}`);
    this.#soc = Math.min(1, Math.max(0, this.params.initialSoc));
  }

  /** State of charge, 0..1. */
  get soc(): number {
    return this.#soc;
  }

  /** State of charge in percent, 0..100, as shown to dispatchers. */
  get percent(): number {
    return this.#soc * 100;
  }

  get empty(): boolean {
    return this.#soc <= 0;
  }

  /** Energy drawn so far, Wh. */
  get usedWh(): number {
    return this.#usedWh;
  }

  get chargedWh(): number {
    return this.#chargedWh;
  }

  /** Power the robot draws at `speedMps`, W. */
  drawW(speedMps: number): number {
    const p = this.params;
    return p.idleW + p.sensorsW + p.motionWPerMps * Math.abs(speedMps);
  }

  /**
   * Advances `dtS` seconds moving at `speedMps`, on the dock or not. On the dock the charger also powers the robot,
   * so the pack gains the charging power (tapered) and loses nothing.
   */
  step(dtS: number, speedMps: number, charging: boolean): void {
    const p = this.params;
    let deltaWh: number;
    if (charging) {
      const taper = this.#soc <= 0.8 ? 1 : 1 - 0.9 * ((this.#soc - 0.8) / 0.2);
      deltaWh = Math.min((p.chargeW * taper * dtS) / 3600, (1 - this.#soc) * p.capacityWh);
      this.#chargedWh += deltaWh;
    } else {
      deltaWh = -Math.min((this.drawW(speedMps) * dtS) / 3600, this.#soc * p.capacityWh);
      this.#usedWh -= deltaWh;
    }
    this.#soc = Math.min(1, Math.max(0, this.#soc + deltaWh / p.capacityWh));
  }
}
