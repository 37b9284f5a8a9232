import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTensorFlow, wasmDistDir } from './loadTf.ts';

function tfjsNodeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

describe('loadTensorFlow', () => {
  it('falls back to the wasm backend when tfjs-node is absent, says why in one log line, and computes', async () => {
    const lines: string[] = [];
    const loaded = await loadTensorFlow({ log: (l) => lines.push(l) });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`'${loaded.backend}'`);
    if (tfjsNodeInstalled()) {
      expect(loaded.backend).toBe('tensorflow');
    } else {
      expect(loaded.backend).toBe('wasm');
      expect(loaded.reason).toMatch(/@tensorflow\/tfjs-node is not installed/);
      expect(loaded.tf.getBackend()).toBe('wasm');
    }
    const { tf } = loaded;
    const product = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]]));
    expect(Array.from(await product.data())).toEqual([17, 39]);
  });

  it('prefer: cpu takes the pure-JS backend and says tfjs-node was skipped', async () => {
    const loaded = await loadTensorFlow({ prefer: 'cpu', log: () => {} });
    expect(loaded.backend).toBe('cpu');
    expect(loaded.tf.getBackend()).toBe('cpu');
    expect(loaded.reason).toContain('prefer=cpu skips @tensorflow/tfjs-node');
    // Switching back to wasm after cpu works in the same process (the benchmark compares both in one run).
    const again = await loadTensorFlow({ prefer: 'wasm', log: () => {} });
    expect(again.backend).toBe('wasm');
    expect(again.tf.getBackend()).toBe('wasm');
  });

  it('finds the installed wasm binaries as a directory prefix ending in a separator', () => {
    const dir = wasmDistDir();
    expect(dir.endsWith('/') || dir.endsWith('\\')).toBe(true);
    expect(existsSync(join(dir, 'tfjs-backend-wasm-simd.wasm'))).toBe(true);
  });
});
