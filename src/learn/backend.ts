/**
 * The one place that decides which backend tacit's neural learners run on, and reports it
 * (printed once, recorded in results as `run.json.backend`).
 *
 * Order of preference (first that loads wins), unless forced by `TACIT_BACKEND` or the option:
 *  0. `simd`: tacit's own WebAssembly SIMD kernels for dense networks (src/learn/dense.ts), built
 *     from TypeScript at load time. Measured against PyTorch on the same machine
 *     (`npm run bench:vs-peers`), it is the fastest here by a wide margin, because a 2×64 MLP is
 *     dominated by per-op overhead in tfjs. Forcing one of the tfjs backends below selects the
 *     tfjs `Mlp`, the reference implementation; `tfjs` forces the first of them that loads.
 *     (tfjs-node could not be installed on the machine these figures come from, so simd ahead
 *     of `tensorflow` is measured against tfjs-wasm and PyTorch, not against tfjs-node.)
 *  1. `tensorflow`: @tensorflow/tfjs-node (native libtensorflow). An optionalDependency whose
 *     install downloads libtensorflow, so it is loaded with a guarded dynamic import.
 *  2. `wasm`: @tensorflow/tfjs-backend-wasm with SIMD. Measured here (bench/neural.ts, 2 cores):
 *     a 1024×64 · 64×64 matmul runs ~20× faster than on `cpu`, and PPO minibatch updates of a
 *     2×64 MLP several times faster, even at batch 64; acting on a single row is within a few
 *     percent of `cpu` (op dispatch dominates both). So wasm is the default without tfjs-node.
 *  3. `cpu`: plain-JS kernels, always available.
 *
 * Neural policies call `requireBackend()` in their factory, so a driver must `await initBackend()`
 * once before creating them (the wasm backend instantiates asynchronously).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { TacitError } from '../core/errors.js';
import { kernelModule } from './wasm/kernels.js';

/** A backend tacit can run on. */
export type BackendName = 'simd' | 'tensorflow' | 'wasm' | 'cpu';

/** The backends, in order of preference. */
export const BACKENDS: readonly BackendName[] = ['simd', 'tensorflow', 'wasm', 'cpu'];

/** The TensorFlow.js backends, in order of preference (what `tfjs` forces). */
export const TFJS_BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** What can be forced: a backend, or `tfjs` for the first TensorFlow.js backend that loads. */
export type BackendChoice = BackendName | 'tfjs';

/** Options for `initBackend`. */
export interface BackendOptions {
  /** Force this backend (overrides `TACIT_BACKEND`); failing to load it is an error. */
  readonly backend?: BackendChoice;
  /** Print the chosen backend to stderr (default: in the main thread only, so seed workers stay quiet). */
  readonly log?: boolean;
}

let chosen: BackendName | undefined;
let wasmRegistered = false;

/** A forced backend (option or TACIT_BACKEND) that is not one of BACKENDS. */
export class BackendError extends TacitError {}

/**
 * Load and activate a backend (idempotent: later calls without `backend` return the current one;
 * with a different forced backend they switch). Returns the name now active.
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendName> {
  const env = process.env.TACIT_BACKEND;
  const forced = options.backend ?? (env ? parseBackend(env) : undefined);
  if (chosen !== undefined && (forced === undefined || forced === chosen || (forced === 'tfjs' && chosen !== 'simd'))) return chosen;
  const candidates = forced === 'tfjs' ? TFJS_BACKENDS : forced ? [forced] : BACKENDS;
  const failures: string[] = [];
  for (const name of candidates) {
    const why = await tryActivate(name);
    if (why === undefined) {
      chosen = name;
      if (options.log ?? isMainThread) process.stderr.write(`tacit: neural backend ${describeBackend()}\n`);
      return name;
    }
    failures.push(`${name}: ${why}`);
  }
  throw new BackendError(
    `could not load the neural backend${forced ? ` '${forced}'` : 's'} (${failures.join('; ')}). ` +
      `Unset TACIT_BACKEND or choose one of ${[...BACKENDS, 'tfjs'].join(', ')}.`,
  );
}

/** The active backend; throws a clear error when `initBackend` has not run. */
export function requireBackend(): BackendName {
  if (chosen === undefined)
    throw new BackendError('the neural backend is not initialised: `await initBackend()` (src/learn/backend.ts) before creating neural policies');
  return chosen;
}

/** The active backend, or undefined before `initBackend` (for results: `run.json.backend`). */
export function backendName(): BackendName | undefined {
  return chosen;
}

/** The backend with its relevant capabilities, e.g. `wasm (simd, 1 thread)`. */
export function describeBackend(): string {
  if (chosen === 'simd') return 'simd (tacit wasm kernels, 1 thread)';
  if (chosen === 'wasm') {
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
    return `wasm (${simd ? 'simd' : 'no simd'}, ${threads ? 'multi-threaded' : '1 thread'})`;
  }
  return chosen ?? 'none';
}

function parseBackend(value: string): BackendChoice {
  if (value === 'tfjs' || (BACKENDS as readonly string[]).includes(value)) return value as BackendChoice;
  throw new BackendError(
    `TACIT_BACKEND=${JSON.stringify(value)} is not a backend; use one of ${[...BACKENDS, 'tfjs'].join(', ')} (or unset it to pick the fastest available)`,
  );
}

/** Activate `name`; undefined on success, else why it failed. */
async function tryActivate(name: BackendName): Promise<string | undefined> {
  try {
    if (name === 'simd') {
      kernelModule(); // compiling validates WebAssembly SIMD support
      return undefined;
    }
    if (name === 'tensorflow') {
      // tfjs-node is CommonJS and requires the same @tensorflow/tfjs entry we import (its package
      // has no `exports`, so ESM resolves to the CJS main), hence one shared engine.
      const require = createRequire(import.meta.url);
      require('@tensorflow/tfjs-node');
    } else if (name === 'wasm' && !wasmRegistered) {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
      wasm.setWasmPaths(dist);
      wasmRegistered = true;
    }
    const ok = await tf.setBackend(name);
    if (!ok) return 'tf.setBackend returned false';
    await tf.ready();
    if (name === 'cpu') silenceCpuBanner();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0]! : String(err);
  }
}

/**
 * The cpu backend prints a multi-line "install tfjs-node" banner on first use; the choice is
 * already reported by initBackend, so mark the banner as shown.
 */
function silenceCpuBanner(): void {
  const backend = tf.backend();
  if ('firstUse' in backend) backend.firstUse = false; // the cpu backend's own field, not in KernelBackend's type
}
