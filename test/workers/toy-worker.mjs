// Plain-JS entry of toy-worker.ts (registers tsx in the worker thread first, as src/run/seed-worker-entry.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./toy-worker.ts');
