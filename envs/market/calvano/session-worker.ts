/** Worker thread of pool.ts (src/workers/pool.ts): runs each session whose seed it is sent and returns its result. */
import { workerData } from 'node:worker_threads';
import { serveJobs } from '../../../src/workers/serve.js';
import { resolveSessionSpec, runCalvanoSession, type CalvanoSessionSpec, type SessionResult } from './session.js';

const { spec, path } = workerData as { spec: CalvanoSessionSpec; path: 'fast' | 'reference' };
const resolved = resolveSessionSpec(spec);
serveJobs<number, SessionResult>((seed) => runCalvanoSession(resolved, seed, path));
