/**
 * fleet/eta: travel-time and pickup-wait ETAs from a small TensorFlow.js MLP trained on trip logs, with run-time
 * backend detection (tfjs-node → wasm → cpu) and a distance/speed baseline to measure it against. See docs/eta.md.
 */
export { EtaModel } from './EtaModel.ts';
export type { EtaModelOptions, EtaTrainOptions, EtaTrainResult } from './EtaModel.ts';
export { loadTensorFlow, wasmDistDir } from './adapters/loadTf.ts';
export type { LoadedTensorFlow, LoadTensorFlowOptions, Tf, TfBackendName } from './adapters/loadTf.ts';
export { fileIOHandler } from './adapters/fileIOHandler.ts';
export { readTripLog } from './adapters/readTripLog.ts';
export { DistanceSpeedBaseline } from './core/DistanceSpeedBaseline.ts';
export { EtaError } from './core/EtaError.ts';
export { errorStats } from './core/errorStats.ts';
export type { ErrorStats } from './core/errorStats.ts';
export {
  checkFeatureRows, countTurns, fitNormalization, legFeatures, legRouteStats, LEG_FEATURES, normalizeRows, stopFeatures,
  STOP_FEATURES, timeOfDayS, TURN_THRESHOLD_RAD,
} from './core/features.ts';
export type { BuildingKind, EtaSample, LegInput, NormStats, StopInput } from './core/features.ts';
export { buildingKindOf, crowdAt, generateSyntheticTrips, SYNTHETIC_TRUTH } from './core/generateSyntheticTrips.ts';
export type { SyntheticTripsOptions } from './core/generateSyntheticTrips.ts';
export { parseTripLogRecord, samplesFromTripLog } from './core/tripLog.ts';
export type { TripLogLeg, TripLogRecord, TripLogStop } from './core/tripLog.ts';
