import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { EtaError } from '../core/EtaError.ts';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/**
 * A TensorFlow.js IOHandler over a local directory: `model.json` (topology, weight manifest, metadata) and one
 * `weights.bin`, the layout tfjs-node's `file://` handler and tfjs-converter use, so a saved model is readable by
 * either. Written with node:fs because tfjs's own file handler lives in tfjs-node, which may be absent.
 */
export function fileIOHandler(dir: string): Required<Pick<io.IOHandler, 'save' | 'load'>> {
  return {
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      const weights = joinBuffers(artifacts.weightData);
      const json: io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: artifacts.userDefinedMetadata }),
      };
      await mkdir(dir, { recursive: true });
      // Weights first and model.json last (via rename), so a reader never sees a manifest for weights not yet there.
      await writeFile(join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      const tmp = join(dir, `${MODEL_JSON}.tmp`);
      await writeFile(tmp, JSON.stringify(json, null, 1));
      await rename(tmp, join(dir, MODEL_JSON));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(0),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(json.modelTopology).length,
          weightSpecsBytes: JSON.stringify(json.weightsManifest).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },

    async load(): Promise<io.ModelArtifacts> {
      const file = join(dir, MODEL_JSON);
      let json: io.ModelJSON;
      try {
        json = JSON.parse(await readFile(file, 'utf8')) as io.ModelJSON;
      } catch (e) {
        throw new EtaError('ETA_MODEL_FILE', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
      }
      const manifest = json.weightsManifest;
      if (!Array.isArray(manifest) || manifest.length !== 1 || manifest[0]!.paths.length !== 1) {
        throw new EtaError('ETA_MODEL_FILE', `${file}: expected one weights group with one file`);
      }
      const specs = manifest[0]!.weights;
      const binFile = join(dir, manifest[0]!.paths[0]!);
      let bin: Buffer;
      try {
        bin = await readFile(binFile);
      } catch (e) {
        throw new EtaError('ETA_MODEL_FILE', `cannot read ${binFile}: ${(e as Error).message}`, { cause: e });
      }
      const expected = specs.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
      if (specs.some((w) => w.dtype !== 'float32') || bin.byteLength !== expected) {
        throw new EtaError('ETA_MODEL_FILE', `${binFile}: ${bin.byteLength} bytes, manifest describes ${expected} (float32 only)`);
      }
      const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        weightSpecs: specs,
        weightData,
        ...(json.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: json.userDefinedMetadata }),
      };
    },
  };
}

function joinBuffers(data: io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  if (!Array.isArray(data)) return data;
  const total = data.reduce((s, b) => s + b.byteLength, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), off);
    off += b.byteLength;
  }
  return out.buffer;
}
