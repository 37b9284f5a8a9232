/** sim/demand: parcel arrivals over a simulated day (truck waves, peaks, weighted destinations). See docs/sim.md. */
export { apportion, defaultDemandConfig, DemandError, generateArrivals } from './core/generateArrivals.ts';
export type { DemandConfig, DemandDestination, DemandPeak, ParcelArrival, TruckWave } from './core/generateArrivals.ts';
