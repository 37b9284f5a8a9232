import { DispatchConfigError } from './DispatchConfigError.ts';
import type { DispatchConfig } from './types.ts';

/** Defaults, with units in the field names (see docs/dispatch.md for why each value). */
export const defaultDispatchConfig: Omit<DispatchConfig, 'hub'> = {
  loadPerParcelS: 20,
  handoverDwellS: 180,
  handoverPerParcelS: 15,
  maxTripDurationS: 3600,
  batteryReservePct: 15,
  energyMarginFactor: 1.2,
  maxDeliveryAttempts: 3,
  redeliveryDelayS: 1800,
  robotFailureTimeoutS: 300,
  exactStopLimit: 10,
  selection: 'oldest',
};

/**
 * Builds a DispatchConfig from the hub and any overrides, and rejects values that cannot work.
 * @throws DispatchConfigError naming the bad field.
 */
export function createDispatchConfig(partial: Partial<DispatchConfig> & { hub: string }): DispatchConfig {
  const config: DispatchConfig = { ...defaultDispatchConfig, ...partial };
  const nonNegative: (keyof DispatchConfig)[] = ['loadPerParcelS', 'handoverDwellS', 'handoverPerParcelS',
    'redeliveryDelayS', 'robotFailureTimeoutS'];
  for (const key of nonNegative) {
    const v = config[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new DispatchConfigError(`dispatch config: ${key} must be a finite number ≥ 0, got ${String(v)}`);
    }
  }
  if (!(config.maxTripDurationS > 0)) {
    throw new DispatchConfigError(`dispatch config: maxTripDurationS must be > 0, got ${config.maxTripDurationS}`);
  }
  if (!(config.batteryReservePct >= 0 && config.batteryReservePct < 100)) {
    throw new DispatchConfigError(`dispatch config: batteryReservePct must be in [0, 100), got ${config.batteryReservePct}`);
  }
  if (!(config.energyMarginFactor >= 1)) {
    throw new DispatchConfigError(`dispatch config: energyMarginFactor must be ≥ 1, got ${config.energyMarginFactor}`);
  }
  if (!Number.isInteger(config.maxDeliveryAttempts) || config.maxDeliveryAttempts < 1) {
    throw new DispatchConfigError(`dispatch config: maxDeliveryAttempts must be an integer ≥ 1, got ${config.maxDeliveryAttempts}`);
  }
  if (!Number.isInteger(config.exactStopLimit) || config.exactStopLimit < 1 || config.exactStopLimit > 14) {
    throw new DispatchConfigError(`dispatch config: exactStopLimit must be an integer in [1, 14] (Held–Karp is 2^n·n²), got ${config.exactStopLimit}`);
  }
  if (config.selection !== 'oldest' && config.selection !== 'byPlace') {
    throw new DispatchConfigError(`dispatch config: selection must be 'oldest' or 'byPlace', got ${String(config.selection)}`);
  }
  if (config.hub === '') throw new DispatchConfigError('dispatch config: hub must be a place id');
  return config;
}
