/**
 * A MEMS IMU's yaw-rate gyro and forward accelerometer: white noise plus a gyro bias that starts random and wanders
 * (random walk), which is what makes integrating the gyro alone drift.
 */
import type { Random } from '../../../common/core/Random.ts';

export interface ImuParams {
  /** Gyro white noise, rad/s per sample. */
  gyroNoiseSdRadps: number;
  /** Initial gyro bias spread, rad/s. */
  gyroBiasSdRadps: number;
  /** Gyro bias random walk, rad/s per √s. */
  gyroBiasWalkRadpsPerSqrtS: number;
  /** Accelerometer white noise, m/s² per sample. */
  accelNoiseSdMps2: number;
}

export const DEFAULT_IMU: ImuParams = {
  gyroNoiseSdRadps: 0.005,
  gyroBiasSdRadps: 0.002,
  gyroBiasWalkRadpsPerSqrtS: 0.0002,
  accelNoiseSdMps2: 0.05,
};

/** What sensor_msgs/Imu's angular_velocity.z and linear_acceleration.x carry (the node converts). */
export interface ImuSample {
  yawRateRadps: number;
  accelXMps2: number;
  /** The gyro bias at this sample (truth, for metrics). */
  gyroBiasRadps: number;
}

export class ImuSensor {
  readonly params: ImuParams;
  readonly #rng: Random;
  #bias: number;
  // The last speed, valid once #hasLastV: a field that also holds undefined boxes every number stored in it (an
  // allocation per robot per world step).
  #lastV = 0;
  #hasLastV = false;
  readonly #sample: ImuSample = { yawRateRadps: 0, accelXMps2: 0, gyroBiasRadps: 0 };

  constructor(rng: Random, params: Partial<ImuParams> = {}) {
    this.params = { ...DEFAULT_IMU, ...params };
    this.#rng = rng;
    this.#bias = rng.normal(0, this.params.gyroBiasSdRadps);
  }

  get gyroBiasRadps(): number {
    return this.#bias;
  }

  /** One reading for the true (v, ω) after `dtS` seconds; the returned object is reused between calls. */
  sample(truth: { vMps: number; omegaRadps: number }, dtS: number): ImuSample {
    const p = this.params;
    if (dtS > 0) this.#bias += this.#rng.normal(0, p.gyroBiasWalkRadpsPerSqrtS * Math.sqrt(dtS));
    const accel = !this.#hasLastV || !(dtS > 0) ? 0 : (truth.vMps - this.#lastV) / dtS;
    this.#lastV = truth.vMps;
    this.#hasLastV = true;
    const s = this.#sample;
    s.yawRateRadps = truth.omegaRadps + this.#bias + this.#rng.normal(0, p.gyroNoiseSdRadps);
    s.accelXMps2 = accel + this.#rng.normal(0, p.accelNoiseSdMps2);
    s.gyroBiasRadps = this.#bias;
    return s;
  }
}
