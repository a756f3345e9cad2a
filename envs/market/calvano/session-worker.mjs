// Worker entry of pool.ts. Plain JS on purpose: Node 20 does not apply `--import tsx` from a
// Worker's execArgv to the worker's entry module, so the entry registers tsx itself and then
// loads the TypeScript worker body.
import { register } from 'tsx/esm/api';

register();
await import('./session-worker.ts');
