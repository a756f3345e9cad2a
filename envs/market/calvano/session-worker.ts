/** Worker thread of pool.ts: runs the sessions whose seeds it is sent and posts each result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { resolveSessionSpec, runCalvanoSession, type CalvanoSessionSpec } from './session.js';

const { spec, path } = workerData as { spec: CalvanoSessionSpec; path: 'fast' | 'reference' };
const resolved = resolveSessionSpec(spec);
parentPort!.on('message', (seed: number) => {
  parentPort!.postMessage(runCalvanoSession(resolved, seed, path));
});
