/**
 * ETA model: training time and prediction throughput on the wasm and cpu TensorFlow.js backends in one run, and
 * accuracy (MAE, p90 absolute error) of the model against the distance/speed baseline on held-out synthetic trips
 * routed on the real ZJU campus graph (see docs/eta.md: the synthetic trips stand in for simulator logs).
 *   npx tsx bench/eta.bench.ts        (or npm run bench eta)
 */
import { join } from 'node:path';
import { loadCampus } from '../maps/adapters/loadCampus.ts';
import { loadTensorFlow } from '../fleet/eta/adapters/loadTf.ts';
import type { Tf } from '../fleet/eta/adapters/loadTf.ts';
import { DistanceSpeedBaseline } from '../fleet/eta/core/DistanceSpeedBaseline.ts';
import { errorStats } from '../fleet/eta/core/errorStats.ts';
import type { ErrorStats } from '../fleet/eta/core/errorStats.ts';
import { LEG_FEATURES, STOP_FEATURES } from '../fleet/eta/core/features.ts';
import type { EtaSample } from '../fleet/eta/core/features.ts';
import { generateSyntheticTrips } from '../fleet/eta/core/generateSyntheticTrips.ts';
import { samplesFromTripLog } from '../fleet/eta/core/tripLog.ts';
import { EtaModel } from '../fleet/eta/EtaModel.ts';

const TRAIN_TRIPS = 600;
const TEST_TRIPS = 300;
const TIMING_EPOCHS = 5;
const file = join(import.meta.dirname, '..', 'maps', 'data', 'zju-zijingang.geojson');

const loaded = await loadTensorFlow();
const tf: Tf = loaded.tf;
const map = await loadCampus(file);
let t0 = performance.now();
const train = samplesFromTripLog(generateSyntheticTrips(map, { seed: 101, trips: TRAIN_TRIPS }));
const test = samplesFromTripLog(generateSyntheticTrips(map, { seed: 202, trips: TEST_TRIPS }));
console.log(`synthetic trips: ${train.legs.length} train legs/stops, ${test.legs.length} held-out, generated in ${(performance.now() - t0).toFixed(0)} ms`);

// Training speed per backend: the same few epochs on the same rows, so the ratio is the backend's.
const msPerEpoch: Record<string, number> = {};
for (const backend of ['wasm', 'cpu'] as const) {
  await tf.setBackend(backend);
  const m = EtaModel.create(tf, { featureNames: LEG_FEATURES });
  t0 = performance.now();
  m.train(train.legs, { seed: 1, epochs: TIMING_EPOCHS });
  msPerEpoch[backend] = (performance.now() - t0) / TIMING_EPOCHS;
  m.dispose();
}
console.log(`train (${train.legs.length} rows, batch 64): wasm ${msPerEpoch.wasm!.toFixed(0)} ms/epoch, cpu ${msPerEpoch.cpu!.toFixed(0)} ms/epoch (cpu/wasm ${(msPerEpoch.cpu! / msPerEpoch.wasm!).toFixed(2)}×)`);

// Full training on the fastest available backend, then accuracy against the baseline.
await tf.setBackend(loaded.backend);
t0 = performance.now();
const legModel = EtaModel.create(tf, { featureNames: LEG_FEATURES });
legModel.train(train.legs, { seed: 1 });
const legTrainMs = performance.now() - t0;
t0 = performance.now();
const stopModel = EtaModel.create(tf, { featureNames: STOP_FEATURES, hiddenUnits: [16, 16] });
stopModel.train(train.stops, { seed: 2, epochs: 25 });
const stopTrainMs = performance.now() - t0;
console.log(`full training on ${loaded.backend}: travel model 40 epochs ${(legTrainMs / 1000).toFixed(1)} s, pickup model 25 epochs ${(stopTrainMs / 1000).toFixed(1)} s`);

const baseline = DistanceSpeedBaseline.fit(train.legs, train.stops);
const actual = (s: EtaSample[]) => s.map((x) => x.targetS);
const fmt = (e: ErrorStats) => `MAE ${e.maeS.toFixed(1)} s, p50 ${e.p50AbsS.toFixed(1)} s, p90 ${e.p90AbsS.toFixed(1)} s, bias ${e.biasS.toFixed(1)} s`;
const legM = errorStats(legModel.predict(test.legs.map((s) => s.features)), actual(test.legs));
const legB = errorStats(test.legs.map((s) => baseline.travelS(s.lengthM)), actual(test.legs));
const stopM = errorStats(stopModel.predict(test.stops.map((s) => s.features)), actual(test.stops));
const stopB = errorStats(test.stops.map(() => baseline.pickupWaitS()), actual(test.stops));
const meanLeg = actual(test.legs).reduce((a, b) => a + b, 0) / test.legs.length;
console.log(`held-out travel time (n=${legM.n}, mean ${meanLeg.toFixed(0)} s; baseline ${baseline.meanSpeedMps.toFixed(2)} m/s):`);
console.log(`  model    ${fmt(legM)}`);
console.log(`  baseline ${fmt(legB)}`);
console.log(`  model/baseline MAE ${(legM.maeS / legB.maeS).toFixed(2)}, p90 ${(legM.p90AbsS / legB.p90AbsS).toFixed(2)}`);
console.log(`held-out pickup wait (n=${stopM.n}; baseline mean dwell ${baseline.meanDwellS.toFixed(0)} s):`);
console.log(`  model    ${fmt(stopM)}`);
console.log(`  baseline ${fmt(stopB)}`);
console.log(`  model/baseline MAE ${(stopM.maeS / stopB.maeS).toFixed(2)}, p90 ${(stopM.p90AbsS / stopB.p90AbsS).toFixed(2)}`);

// Prediction throughput per backend: a 1,000-row batch (a dispatch matrix refresh) and single rows (one
// tracking-page ETA). Best of 3 rounds, as the machine is shared.
const batch = test.legs.slice(0, 1000).map((s) => s.features);
while (batch.length < 1000) batch.push(...batch.slice(0, 1000 - batch.length));
for (const backend of ['wasm', 'cpu'] as const) {
  await tf.setBackend(backend);
  legModel.predict(batch); // warm-up (moves the weights to this backend)
  let bestBatch = Infinity, bestSingle = Infinity;
  for (let round = 0; round < 3; round++) {
    t0 = performance.now();
    for (let i = 0; i < 20; i++) legModel.predict(batch);
    bestBatch = Math.min(bestBatch, (performance.now() - t0) / 20);
    t0 = performance.now();
    for (let i = 0; i < 200; i++) legModel.predict([batch[i]!]);
    bestSingle = Math.min(bestSingle, (performance.now() - t0) / 200);
  }
  console.log(`predict on ${backend}: ${((1000 / bestBatch) * 1000).toFixed(0)} rows/s in 1,000-row batches, single row ${(bestSingle * 1000).toFixed(0)} µs`);
}
legModel.dispose();
stopModel.dispose();
