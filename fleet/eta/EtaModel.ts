import type { Tensor, Tensor2D, Variable } from '@tensorflow/tfjs';
import { Random } from '../../common/core/Random.ts';
import { fileIOHandler } from './adapters/fileIOHandler.ts';
import type { Tf } from './adapters/loadTf.ts';
import { EtaError } from './core/EtaError.ts';
import { checkFeatureRows, fitNormalization, normalizeRows } from './core/features.ts';
import type { EtaSample, NormStats } from './core/features.ts';

export interface EtaModelOptions {
  /** Input column names, in order (LEG_FEATURES or STOP_FEATURES); the width is their count. */
  featureNames: readonly string[];
  /** Hidden ReLU layer widths (default [32, 32]). */
  hiddenUnits?: readonly number[];
}

export interface EtaTrainOptions {
  /** Seeds weight initialisation and the per-epoch shuffle: same seed and data, same weights. */
  seed: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
}

export interface EtaTrainResult {
  epochs: number;
  /** Mean squared error on the (normalised log) training target after each epoch. */
  lossHistory: number[];
}

/** What model.json's modelTopology holds for this model. */
interface EtaTopology {
  kind: 'campus-fleet-eta-mlp';
  version: 1;
  featureNames: string[];
  hiddenUnits: number[];
  activation: 'relu';
  targetTransform: 'log1p';
  featureNorm: NormStats;
  targetNorm: { mean: number; std: number };
}

const TOPOLOGY_KIND = 'campus-fleet-eta-mlp';

/**
 * A small MLP (ReLU hidden layers, linear output) that predicts a duration in seconds from a feature row: trip-leg
 * travel time from LEG_FEATURES, or pickup wait from STOP_FEATURES (one model per target). It learns ln(1 + s) z-scored,
 * because the errors it models are multiplicative (speed, crowding, lognormal waits) and the exp of a log-space mean
 * is a median, which is what minimises absolute ETA error. Features are z-scored with statistics kept in the model.
 *
 * Training is a plain loop (Adam over tf.variables) rather than tf.layers' fit, so the weight init and the shuffle
 * come from the project's seeded Random and two runs with one seed give the same weights on wasm and cpu.
 */
export class EtaModel {
  readonly featureNames: readonly string[];
  readonly hiddenUnits: readonly number[];
  #tf: Tf;
  #vars: Variable[] = [];
  #featureNorm: NormStats | undefined;
  #targetNorm: { mean: number; std: number } | undefined;

  private constructor(tf: Tf, featureNames: readonly string[], hiddenUnits: readonly number[]) {
    this.#tf = tf;
    this.featureNames = [...featureNames];
    this.hiddenUnits = [...hiddenUnits];
  }

  /** An untrained model (call train or use load). */
  static create(tf: Tf, options: EtaModelOptions): EtaModel {
    const hidden = options.hiddenUnits ?? [32, 32];
    if (options.featureNames.length === 0) throw new EtaError('ETA_BAD_INPUT', 'EtaModel: featureNames is empty');
    if (hidden.some((h) => !Number.isInteger(h) || h < 1)) throw new EtaError('ETA_BAD_INPUT', `EtaModel: hiddenUnits must be positive integers, got ${hidden.join(',')}`);
    return new EtaModel(tf, options.featureNames, hidden);
  }

  /** Reads a model saved by `save(dir)` (model.json + weights.bin). Throws EtaError (ETA_MODEL_FILE) for a bad file. */
  static async load(tf: Tf, dir: string): Promise<EtaModel> {
    const artifacts = await fileIOHandler(dir).load();
    const topo = artifacts.modelTopology as Partial<EtaTopology> | undefined;
    if (topo?.kind !== TOPOLOGY_KIND || topo.version !== 1 || !Array.isArray(topo.featureNames) || !Array.isArray(topo.hiddenUnits) ||
      topo.featureNorm === undefined || topo.targetNorm === undefined) {
      throw new EtaError('ETA_MODEL_FILE', `${dir}: model.json is not a ${TOPOLOGY_KIND} v1 model`);
    }
    const model = new EtaModel(tf, topo.featureNames, topo.hiddenUnits);
    const named = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
    const shapes = model.#shapes();
    const vars: Variable[] = [];
    for (let i = 0; i < shapes.length; i++) {
      const t = named[`v${i}`];
      if (t === undefined || t.shape.join('x') !== shapes[i]!.join('x')) {
        for (const x of Object.values(named)) x.dispose();
        throw new EtaError('ETA_MODEL_FILE', `${dir}: weight v${i} is ${t === undefined ? 'missing' : `[${t.shape.join(',')}]`}, expected [${shapes[i]!.join(',')}]`);
      }
      vars.push(tf.variable(t, true));
    }
    for (const x of Object.values(named)) x.dispose();
    model.#vars = vars;
    model.#featureNorm = topo.featureNorm;
    model.#targetNorm = topo.targetNorm;
    return model;
  }

  get trained(): boolean {
    return this.#vars.length > 0;
  }

  /**
   * Fits the model to samples (features + target seconds), replacing any earlier weights. Deterministic for a seed.
   * Throws EtaError (ETA_BAD_INPUT) for bad rows, a negative or non-finite target, or fewer than 2 samples.
   */
  train(samples: readonly EtaSample[], options: EtaTrainOptions): EtaTrainResult {
    const tf = this.#tf;
    const epochs = options.epochs ?? 40;
    const batchSize = options.batchSize ?? 64;
    const lr = options.learningRate ?? 0.01;
    if (samples.length < 2) throw new EtaError('ETA_BAD_INPUT', `EtaModel.train: needs at least 2 samples, got ${samples.length}`);
    const rows = samples.map((s) => s.features);
    checkFeatureRows(rows, this.featureNames.length, this.featureNames);
    samples.forEach((s, i) => {
      if (!Number.isFinite(s.targetS) || s.targetS < 0) throw new EtaError('ETA_BAD_INPUT', `EtaModel.train: sample ${i} target ${s.targetS} is not a finite number >= 0`);
    });

    this.#disposeVars();
    const rng = new Random(options.seed);
    this.#featureNorm = fitNormalization(rows);
    const logT = samples.map((s) => Math.log1p(s.targetS));
    const tMean = logT.reduce((a, b) => a + b, 0) / logT.length;
    const tStd = Math.sqrt(logT.reduce((a, b) => a + (b - tMean) ** 2, 0) / logT.length) || 1;
    this.#targetNorm = { mean: tMean, std: tStd };

    this.#vars = this.#shapes().map((shape) => {
      const isBias = shape.length === 1;
      const fanIn = shape[0]!;
      const n = shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(n);
      // He init for ReLU layers; biases start at zero.
      if (!isBias) for (let k = 0; k < n; k++) values[k] = rng.normal(0, Math.sqrt(2 / fanIn));
      return tf.variable(tf.tensor(values, shape), true);
    });

    const width = this.featureNames.length;
    const x = tf.tensor2d(normalizeRows(rows, this.#featureNorm), [rows.length, width]);
    const y = tf.tensor2d(Float32Array.from(logT, (v) => (v - tMean) / tStd), [rows.length, 1]);
    const optimizer = tf.train.adam(lr);
    const lossHistory: number[] = [];
    const order = Array.from({ length: rows.length }, (_, i) => i);
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        shuffle(order, rng);
        let epochLoss: Tensor = tf.scalar(0);
        for (let start = 0; start < order.length; start += batchSize) {
          const batch = order.slice(start, start + batchSize);
          const next = tf.tidy(() => {
            const idx = tf.tensor1d(batch, 'int32');
            const xb = tf.gather(x, idx);
            const yb = tf.gather(y, idx);
            const loss = optimizer.minimize(() => tf.losses.meanSquaredError(yb, this.#forward(xb)), true, this.#vars)!;
            return tf.add(epochLoss, tf.mul(loss, batch.length / order.length));
          });
          epochLoss.dispose();
          epochLoss = next;
        }
        lossHistory.push(epochLoss.dataSync()[0]!);
        epochLoss.dispose();
      }
    } finally {
      optimizer.dispose();
      tf.dispose([x, y]);
    }
    return { epochs, lossHistory };
  }

  /**
   * Predicted seconds for each feature row (same column order as featureNames). Throws EtaError: ETA_BAD_INPUT for
   * a row of the wrong width or with a non-finite value, ETA_NOT_TRAINED before train or load.
   */
  predict(rows: readonly (readonly number[])[]): number[] {
    const { featureNorm, targetNorm } = this.#ready('predict');
    checkFeatureRows(rows, this.featureNames.length, this.featureNames);
    if (rows.length === 0) return [];
    const tf = this.#tf;
    const out = tf.tidy(() => this.#forward(tf.tensor2d(normalizeRows(rows, featureNorm), [rows.length, this.featureNames.length])));
    const z = out.dataSync();
    out.dispose();
    return Array.from(z, (v) => Math.max(0, Math.expm1(v * targetNorm.std + targetNorm.mean)));
  }

  /** Writes model.json + weights.bin into dir (created if missing). */
  async save(dir: string): Promise<void> {
    const { featureNorm, targetNorm } = this.#ready('save');
    const tf = this.#tf;
    const named = this.#vars.map((v, i) => ({ name: `v${i}`, tensor: v as Tensor }));
    const { data, specs } = await tf.io.encodeWeights(named);
    const topology: EtaTopology = {
      kind: TOPOLOGY_KIND, version: 1, featureNames: [...this.featureNames], hiddenUnits: [...this.hiddenUnits],
      activation: 'relu', targetTransform: 'log1p', featureNorm, targetNorm,
    };
    await fileIOHandler(dir).save({
      modelTopology: topology as unknown as Record<string, never>, weightSpecs: specs, weightData: data,
      format: 'campus-fleet-eta', generatedBy: `TensorFlow.js ${tf.version.tfjs}`,
    });
  }

  /** Copies of the weights, layer by layer (for determinism checks and inspection). */
  weights(): Float32Array[] {
    this.#ready('weights');
    return this.#vars.map((v) => Float32Array.from(v.dataSync()));
  }

  /** Frees the weights' backend memory. */
  dispose(): void {
    this.#disposeVars();
  }

  #forward(x: Tensor): Tensor2D {
    const tf = this.#tf;
    let h = x as Tensor2D;
    const layers = this.#vars.length / 2;
    for (let l = 0; l < layers; l++) {
      const z = tf.add(tf.matMul(h, this.#vars[2 * l]! as Tensor2D), this.#vars[2 * l + 1]!) as Tensor2D;
      h = l < layers - 1 ? tf.relu(z) : z;
    }
    return h;
  }

  #shapes(): number[][] {
    const widths = [this.featureNames.length, ...this.hiddenUnits, 1];
    const shapes: number[][] = [];
    for (let i = 0; i + 1 < widths.length; i++) shapes.push([widths[i]!, widths[i + 1]!], [widths[i + 1]!]);
    return shapes;
  }

  #ready(what: string): { featureNorm: NormStats; targetNorm: { mean: number; std: number } } {
    if (this.#vars.length === 0 || this.#featureNorm === undefined || this.#targetNorm === undefined) {
      throw new EtaError('ETA_NOT_TRAINED', `EtaModel.${what}: the model has no weights yet (train it or EtaModel.load a saved one)`);
    }
    return { featureNorm: this.#featureNorm, targetNorm: this.#targetNorm };
  }

  #disposeVars(): void {
    for (const v of this.#vars) v.dispose();
    this.#vars = [];
  }
}

/** Fisher–Yates with the seeded stream, so the batch order is part of what the seed fixes. */
function shuffle(a: number[], rng: Random): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}
