/**
 * Worker-thread entry for multi-seed runs: re-resolves the (already resolved, plain-JSON) config,
 * runs one seed into its folder per request, and posts progress and the summary back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { resolveExperiment } from '../config/resolve.js';
import { preparePolicies } from './prepare.js';
import { TacitError } from '../core/errors.js';
import { runSeedToFolder, type RunMeta } from './seed-folder.js';

/** A request from the pool. */
export interface SeedJob {
  readonly kind: 'job';
  readonly config: unknown;
  readonly seed: number;
  readonly dir: string;
  readonly meta: RunMeta;
  readonly resume: boolean;
}

// The run loop is synchronous, so a 'stop' message is only read once the run has ended; a pool that
// passes a shared stop flag (Int32Array over a SharedArrayBuffer, workerData.stopFlag) is heard at
// the next metrics window instead.
const stopFlag = (workerData as { stopFlag?: Int32Array } | null)?.stopFlag;
let stopMessage = false;
const signal = {
  get stop(): boolean {
    return stopMessage || (stopFlag !== undefined && Atomics.load(stopFlag, 0) === 1);
  },
};

parentPort!.on('message', async (msg: SeedJob | { kind: 'stop' }) => {
  if (msg.kind === 'stop') {
    stopMessage = true;
    return;
  }
  try {
    const resolved = resolveExperiment(msg.config);
    await preparePolicies(resolved);
    let last = 0;
    const summary = await runSeedToFolder(
      resolved,
      msg.seed,
      msg.dir,
      msg.meta,
      (done, total, findings) => {
        parentPort!.postMessage({ kind: 'progress', seed: msg.seed, done, total, delta: done - last, findings });
        last = done;
      },
      signal,
      msg.resume,
    );
    parentPort!.postMessage({ kind: 'done', seed: msg.seed, summary });
  } catch (err) {
    parentPort!.postMessage({
      kind: 'error',
      seed: msg.seed,
      message: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
      user: err instanceof TacitError,
    });
  }
});
