// Plain-JS worker entry: registers tsx in this thread (loader hooks do not reach workers from
// execArgv on every Node version), then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./seed-worker.ts');
