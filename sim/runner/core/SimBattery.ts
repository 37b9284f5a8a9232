/** Battery of a fleet-fidelity robot: energy in watt-hours, drained by distance and by the electronics over time. */
export interface BatteryModel {
  capacityWh: number;
  /** Driving cost, Wh per metre. */
  whPerM: number;
  /** Electronics draw all day, W. */
  idleW: number;
  /** Dock charging power, W. */
  chargeW: number;
}

/** Same figures the fleet planner uses for its battery check (fleet/server DispatchLoop), plus a 1 kW dock. */
export const defaultBatteryModel: BatteryModel = { capacityWh: 1000, whPerM: 0.05, idleW: 30, chargeW: 1000 };

/**
 * Charge is integrated lazily: between events it changes linearly (idle draw, or charging minus idle), so nothing
 * ticks. `at(t)` settles the account up to `t`; driving is booked as a lump on arrival.
 */
export class SimBattery {
  readonly model: BatteryModel;
  #levelWh: number;
  #lastMs: number;
  #charging = false;
  /** Energy drawn from the battery so far (driving + electronics), Wh. */
  usedWh = 0;

  constructor(model: BatteryModel, startMs: number, levelPct = 100) {
    this.model = model;
    this.#levelWh = (model.capacityWh * levelPct) / 100;
    this.#lastMs = startMs;
  }

  get charging(): boolean {
    return this.#charging;
  }

  /** Charge in percent at `tMs` (≥ the last settled time). */
  pctAt(tMs: number): number {
    this.#settle(tMs);
    return (100 * this.#levelWh) / this.model.capacityWh;
  }

  setCharging(tMs: number, charging: boolean): void {
    this.#settle(tMs);
    this.#charging = charging;
  }

  /** Books `distanceM` of driving at `tMs`. */
  drive(tMs: number, distanceM: number): void {
    this.#settle(tMs);
    const wh = distanceM * this.model.whPerM;
    this.usedWh += wh;
    this.#levelWh = Math.max(0, this.#levelWh - wh);
  }

  #settle(tMs: number): void {
    const dtH = (tMs - this.#lastMs) / 3_600_000;
    if (dtH <= 0) return;
    this.#lastMs = tMs;
    const idleWh = this.model.idleW * dtH;
    this.usedWh += idleWh;
    const gain = this.#charging ? this.model.chargeW * dtH : 0;
    this.#levelWh = Math.min(this.model.capacityWh, Math.max(0, this.#levelWh - idleWh + gain));
  }
}
