/**
 * How far the planner's trip energy estimates fall short of what trips really use, learned from finished trips.
 *
 * The estimate (buildTrip's tripEnergyWh) prices the planned distance and the planned duration. On a crowded campus
 * trips take longer than planned — robots wait behind others, pass walkers slowly, re-plan — and standing still still
 * draws the electronics' power. In the 60-robot full-fidelity day (issue #5) trips used about twice their estimate and
 * robots dispatched with the static margin ran flat on the footways, where they stood in everyone's way for the rest
 * of the day. The planner multiplies its margin by `factor`: an exponentially weighted mean of (used ÷ estimated) over
 * finished trips, never below 1 (a campus quieter than planned keeps the configured margin) and capped.
 *
 * In memory: after a restart it starts from 1 again (the configured margin) and relearns within a few trips.
 */
import { DispatchConfigError } from './DispatchConfigError.ts';

export interface EnergyCalibrationOptions {
  /** Weight of each new trip's ratio in the mean (0, 1]. */
  weight: number;
  /** The factor never exceeds this (a trip that stood for hours says little about the next one). */
  maxFactor: number;
  /** Trips estimated below this many Wh are too short to measure on a battery read in whole percents. */
  minEstimateWh: number;
}

export const defaultEnergyCalibrationOptions: Readonly<EnergyCalibrationOptions> = Object.freeze({
  weight: 0.1,
  maxFactor: 3,
  minEstimateWh: 20,
});

interface Started {
  serial: string;
  estimatedWh: number;
  batteryPct: number;
  capacityWh: number;
}

export class EnergyCalibration {
  readonly #o: EnergyCalibrationOptions;
  readonly #started = new Map<string, Started>();
  #mean = 1;
  #trips = 0;

  constructor(options: Partial<EnergyCalibrationOptions> = {}) {
    const o = { ...defaultEnergyCalibrationOptions, ...options };
    if (!(o.weight > 0 && o.weight <= 1)) throw new DispatchConfigError(`EnergyCalibration: weight must be in (0, 1], got ${o.weight}`);
    if (!(o.maxFactor >= 1)) throw new DispatchConfigError(`EnergyCalibration: maxFactor must be ≥ 1, got ${o.maxFactor}`);
    if (!(o.minEstimateWh > 0)) throw new DispatchConfigError(`EnergyCalibration: minEstimateWh must be > 0, got ${o.minEstimateWh}`);
    this.#o = o;
  }

  /** The multiplier for the planner's energy margin (≥ 1). */
  get factor(): number {
    return Math.min(this.#o.maxFactor, Math.max(1, this.#mean));
  }

  /** Finished trips measured so far. */
  get trips(): number {
    return this.#trips;
  }

  /** A trip planned for a robot at the hub with `batteryPct`, estimated at `estimatedWh` (before any margin). */
  tripStarted(tripId: string, serial: string, estimatedWh: number, batteryPct: number, capacityWh: number): void {
    if (!(estimatedWh >= this.#o.minEstimateWh) || !Number.isFinite(batteryPct) || !(capacityWh > 0)) return;
    this.#started.set(tripId, { serial, estimatedWh, batteryPct, capacityWh });
  }

  /**
   * The trip ended with the robot at `batteryPct`; returns the ratio measured (used ÷ estimated), or undefined when the
   * trip was not measured (unknown here, e.g. planned before a restart, or the battery rose: it charged on the way).
   */
  tripEnded(tripId: string, batteryPct: number): number | undefined {
    const s = this.#started.get(tripId);
    if (s === undefined) return undefined;
    this.#started.delete(tripId);
    if (!Number.isFinite(batteryPct) || batteryPct > s.batteryPct) return undefined;
    const ratio = (((s.batteryPct - batteryPct) / 100) * s.capacityWh) / s.estimatedWh;
    this.#mean += this.#o.weight * (Math.min(ratio, this.#o.maxFactor) - this.#mean);
    this.#trips++;
    return ratio;
  }

  /** Forgets a trip that will not end normally (cancelled before it left). */
  forget(tripId: string): void {
    this.#started.delete(tripId);
  }
}
