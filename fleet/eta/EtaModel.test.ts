import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCampus } from '../../maps/adapters/loadCampus.ts';
import { loadTensorFlow } from './adapters/loadTf.ts';
import type { Tf } from './adapters/loadTf.ts';
import { DistanceSpeedBaseline } from './core/DistanceSpeedBaseline.ts';
import { EtaError } from './core/EtaError.ts';
import { errorStats } from './core/errorStats.ts';
import { LEG_FEATURES, STOP_FEATURES } from './core/features.ts';
import type { EtaSample } from './core/features.ts';
import { generateSyntheticTrips } from './core/generateSyntheticTrips.ts';
import { samplesFromTripLog } from './core/tripLog.ts';
import { EtaModel } from './EtaModel.ts';

let tf: Tf;
let train: { legs: EtaSample[]; stops: EtaSample[] };
let heldOut: { legs: EtaSample[]; stops: EtaSample[] };
let baseline: DistanceSpeedBaseline;
let legModel: EtaModel;
let dir: string;

beforeAll(async () => {
  ({ tf } = await loadTensorFlow({ prefer: 'wasm', log: () => {} }));
  const map = await loadCampus(join(import.meta.dirname, '..', '..', 'maps', 'data', 'zju-zijingang.geojson'));
  // Different seeds: the held-out trips are other departures, other stop sets, other noise.
  train = samplesFromTripLog(generateSyntheticTrips(map, { seed: 11, trips: 400 }));
  heldOut = samplesFromTripLog(generateSyntheticTrips(map, { seed: 12, trips: 200 }));
  baseline = DistanceSpeedBaseline.fit(train.legs, train.stops);
  legModel = EtaModel.create(tf, { featureNames: LEG_FEATURES });
  legModel.train(train.legs, { seed: 1 });
  dir = await mkdtemp(join(tmpdir(), 'eta-model-'));
});

afterAll(async () => {
  legModel.dispose();
  await rm(dir, { recursive: true, force: true });
});

const actual = (s: EtaSample[]) => s.map((x) => x.targetS);
const rows = (s: EtaSample[]) => s.map((x) => x.features);

describe('EtaModel', () => {
  it('beats the distance/speed baseline on held-out legs by a wide margin (crowd peaks, turns, road class)', () => {
    const model = errorStats(legModel.predict(rows(heldOut.legs)), actual(heldOut.legs));
    const base = errorStats(heldOut.legs.map((s) => baseline.travelS(s.lengthM)), actual(heldOut.legs));
    expect(heldOut.legs.length).toBeGreaterThan(300);
    expect(model.maeS).toBeLessThan(0.7 * base.maeS);
    expect(model.p90AbsS).toBeLessThan(base.p90AbsS);
  });

  it('an untrained model (same seed, zero epochs) does not pass that bar, so the bar measures learning', () => {
    const untrained = EtaModel.create(tf, { featureNames: LEG_FEATURES });
    untrained.train(train.legs, { seed: 1, epochs: 0 });
    const model = errorStats(untrained.predict(rows(heldOut.legs)), actual(heldOut.legs));
    const base = errorStats(heldOut.legs.map((s) => baseline.travelS(s.lengthM)), actual(heldOut.legs));
    expect(model.maeS).toBeGreaterThan(0.7 * base.maeS);
    untrained.dispose();
  });

  it('beats the mean-dwell baseline on held-out pickup waits (building kind, class hours, history)', () => {
    const m = EtaModel.create(tf, { featureNames: STOP_FEATURES, hiddenUnits: [16, 16] });
    m.train(train.stops, { seed: 2, epochs: 25 });
    const model = errorStats(m.predict(rows(heldOut.stops)), actual(heldOut.stops));
    const base = errorStats(heldOut.stops.map(() => baseline.pickupWaitS()), actual(heldOut.stops));
    expect(model.maeS).toBeLessThan(0.9 * base.maeS);
    m.dispose();
  });

  it('saves model.json + weights.bin and loads back to identical predictions', async () => {
    await legModel.save(dir);
    const loaded = await EtaModel.load(tf, dir);
    const some = rows(heldOut.legs.slice(0, 50));
    expect(loaded.featureNames).toEqual([...LEG_FEATURES]);
    expect(loaded.predict(some)).toEqual(legModel.predict(some));
    loaded.dispose();
  });

  it('gives the same weights for the same seed and different ones for another seed', () => {
    const small = train.legs.slice(0, 300);
    const w = (seed: number) => {
      const m = EtaModel.create(tf, { featureNames: LEG_FEATURES, hiddenUnits: [8] });
      m.train(small, { seed, epochs: 4 });
      const out = m.weights();
      m.dispose();
      return out;
    };
    const a = w(5), b = w(5), c = w(6);
    let maxDiff = 0, diffC = 0;
    a.forEach((layer, i) => layer.forEach((v, k) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - b[i]![k]!));
      diffC = Math.max(diffC, Math.abs(v - c[i]![k]!));
    }));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    expect(diffC).toBeGreaterThan(1e-3);
  });

  it('rejects NaN features, wrong widths, an untrained predict and a broken model file with clear errors', async () => {
    const good = heldOut.legs[0]!.features;
    const code = (fn: () => unknown) => {
      try { fn(); } catch (e) { expect(e).toBeInstanceOf(EtaError); return `${(e as EtaError).code}: ${(e as Error).message}`; }
      return 'no error';
    };
    expect(code(() => legModel.predict([good, good.map((v, i) => (i === 2 ? NaN : v))])))
      .toMatch(/^ETA_BAD_INPUT: feature row 1 column 2 \(turnCount\) is NaN/);
    expect(code(() => legModel.predict([good.slice(1)]))).toMatch(/^ETA_BAD_INPUT: feature row 0 has 9 columns, the model takes 10/);
    expect(code(() => legModel.train([{ features: good, targetS: -3, lengthM: 1 }, { features: good, targetS: 1, lengthM: 1 }], { seed: 1 })))
      .toMatch(/^ETA_BAD_INPUT: .*sample 0 target -3/);
    expect(legModel.trained).toBe(true); // a rejected train leaves the old weights alone
    expect(code(() => EtaModel.create(tf, { featureNames: LEG_FEATURES }).predict([good]))).toMatch(/^ETA_NOT_TRAINED/);
    await expect(EtaModel.load(tf, join(dir, 'missing'))).rejects.toMatchObject({ code: 'ETA_MODEL_FILE' });
    const broken = await mkdtemp(join(tmpdir(), 'eta-broken-'));
    await legModel.save(broken);
    await writeFile(join(broken, 'weights.bin'), new Uint8Array(12));
    await expect(EtaModel.load(tf, broken)).rejects.toThrow(/12 bytes, manifest describes/);
    await rm(broken, { recursive: true, force: true });
  });

  it('does not leak tensors across predictions', () => {
    const some = rows(heldOut.legs.slice(0, 20));
    legModel.predict(some);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) legModel.predict(some);
    expect(tf.memory().numTensors).toBe(before);
  });
});
