import type { DispatchConfig } from './types.ts';

/**
 * How a campus with locker robots is served, shared by the fleet server and the simulator so both plan the same way:
 * a trip may last 2 h (a 1 kWh robot drives ~3 km and idles 2 h on a fifth of its battery), hub staff load 5 s per
 * parcel, a stop's recipients — told the ETA at departure and served in parallel (SOFT hand-overs) — keep the robot
 * about 4 min whatever their number, and loads are whole buildings (`byPlace`), oldest building first.
 */
export const campusDeliveryPolicy: Partial<Omit<DispatchConfig, 'hub'>> = {
  maxTripDurationS: 7200,
  loadPerParcelS: 5,
  handoverDwellS: 240,
  handoverPerParcelS: 5,
  selection: 'byPlace',
};
