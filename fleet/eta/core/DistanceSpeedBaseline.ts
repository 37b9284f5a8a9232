import { EtaError } from './EtaError.ts';
import type { EtaSample } from './features.ts';

/**
 * The yardstick the ETA model must beat: travel time = length / mean speed, pickup wait = mean dwell. This is what
 * dispatch's matrix travel model does (distance over one cruise speed), so the model's gain over it is the gain
 * dispatch and recipients would see.
 */
export class DistanceSpeedBaseline {
  readonly meanSpeedMps: number;
  readonly meanDwellS: number;

  constructor(meanSpeedMps: number, meanDwellS: number) {
    if (!(meanSpeedMps > 0) || !Number.isFinite(meanSpeedMps)) throw new EtaError('ETA_BAD_INPUT', `DistanceSpeedBaseline: meanSpeedMps must be > 0, got ${meanSpeedMps}`);
    if (!(meanDwellS >= 0) || !Number.isFinite(meanDwellS)) throw new EtaError('ETA_BAD_INPUT', `DistanceSpeedBaseline: meanDwellS must be >= 0, got ${meanDwellS}`);
    this.meanSpeedMps = meanSpeedMps;
    this.meanDwellS = meanDwellS;
  }

  /**
   * Fits the mean speed as total length over total time of the legs (the speed that makes the summed ETA of all
   * legs right) and the mean dwell as the mean pickup wait of the stops.
   */
  static fit(legs: readonly EtaSample[], stops: readonly EtaSample[]): DistanceSpeedBaseline {
    let m = 0, s = 0, w = 0;
    for (const l of legs) { m += l.lengthM; s += l.targetS; }
    for (const st of stops) w += st.targetS;
    if (!(m > 0 && s > 0)) throw new EtaError('ETA_BAD_INPUT', 'DistanceSpeedBaseline.fit: needs legs with positive length and time');
    return new DistanceSpeedBaseline(m / s, stops.length > 0 ? w / stops.length : 0);
  }

  travelS(lengthM: number): number {
    return lengthM / this.meanSpeedMps;
  }

  pickupWaitS(): number {
    return this.meanDwellS;
  }
}
