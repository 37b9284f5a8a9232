import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type * as TfModule from '@tensorflow/tfjs';

/** The TensorFlow.js namespace (tfjs-node re-exports the same API, so one type covers every backend). */
export type Tf = typeof TfModule;
export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface LoadTensorFlowOptions {
  /**
   * Fastest backend to try first: 'node' tries tfjs-node (native libtensorflow), then wasm, then cpu; 'wasm' skips
   * tfjs-node; 'cpu' takes the pure-JS backend only. Default 'node'.
   */
  prefer?: 'node' | 'wasm' | 'cpu';
  /** Where the one "which backend and why" line goes (default console.info). */
  log?: (line: string) => void;
}

export interface LoadedTensorFlow {
  tf: Tf;
  backend: TfBackendName;
  /** Why this backend: what was tried before it and how that failed. */
  reason: string;
}

/**
 * The optional native package. Named through a variable so neither TypeScript nor a bundler insists on it: it
 * downloads libtensorflow at install time, so it is an optional peer and usually absent.
 */
const TFJS_NODE: string = '@tensorflow/tfjs-node';

/**
 * Loads TensorFlow.js with the best backend present at run time: `@tensorflow/tfjs-node` when it is installed and
 * loads, else `@tensorflow/tfjs` with the WebAssembly backend (its .wasm binaries read from the installed package,
 * never fetched), else tfjs's pure-JS `cpu` backend. Never throws for a missing optional backend; logs one line.
 */
export async function loadTensorFlow(options: LoadTensorFlowOptions = {}): Promise<LoadedTensorFlow> {
  const prefer = options.prefer ?? 'node';
  const log = options.log ?? ((line: string) => console.info(line));
  const notes: string[] = [];

  if (prefer === 'node') {
    // Resolve first: a missing optional package is the normal case, and an import error's shape differs between
    // Node (ERR_MODULE_NOT_FOUND) and bundling test runners, while require.resolve fails the same way everywhere.
    if (!resolvable(TFJS_NODE)) {
      notes.push(`${TFJS_NODE} is not installed (optional peer dependency)`);
    } else {
      try {
        const tf = (await import(TFJS_NODE)) as Tf;
        if (await tf.setBackend('tensorflow')) {
          await tf.ready();
          return done(log, { tf, backend: 'tensorflow', reason: `${TFJS_NODE} is installed and its native backend loaded` });
        }
        notes.push(`${TFJS_NODE} loaded but its 'tensorflow' backend did not initialise`);
      } catch (e) {
        notes.push(`${TFJS_NODE} is installed but failed to load: ${firstLine(e)}`);
      }
    }
  } else {
    notes.push(`prefer=${prefer} skips ${TFJS_NODE}`);
  }

  const tf = await import('@tensorflow/tfjs');
  if (prefer !== 'cpu') {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const dir = wasmDistDir();
      wasm.setWasmPaths(dir);
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return done(log, { tf, backend: 'wasm', reason: `${notes.join('; ')}; using tfjs-backend-wasm with binaries from ${dir}` });
      }
      notes.push('the wasm backend did not initialise');
    } catch (e) {
      notes.push(`the wasm backend failed: ${firstLine(e)}`);
    }
  }

  await tf.setBackend('cpu');
  await tf.ready();
  return done(log, { tf, backend: 'cpu', reason: `${notes.join('; ')}; using tfjs's pure-JS cpu backend` });
}

/**
 * Directory of the installed tfjs-backend-wasm .wasm files, with a trailing separator: the backend joins it with a
 * binary name by plain string concatenation, and in Node reads the result with fs, so it must be a local path.
 */
export function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  if (!existsSync(join(dir, 'tfjs-backend-wasm.wasm'))) throw new Error(`no tfjs-backend-wasm.wasm in ${dir}`);
  return dir.endsWith(sep) ? dir : dir + sep;
}

function resolvable(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

function done(log: (line: string) => void, loaded: LoadedTensorFlow): LoadedTensorFlow {
  log(`eta: TensorFlow.js backend '${loaded.backend}' (${loaded.reason})`);
  return loaded;
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : String(e);
  return msg.split('\n')[0]!;
}
