// tacit's library entry (package.json "exports" ".", docs/api.md): compiles src/api.ts with esbuild
// on first use, cached under node_modules/.cache/tacit like the CLI (bin/build.mjs says why the code
// runs compiled), and re-exports it. Types: dist/types/src/api.d.ts (npm run build:types, run by
// `prepare` on npm install).
import { ensureBuilt } from '../bin/build.mjs';

const api = await import(await ensureBuilt('src/api.ts'));

export const {
  createWorld,
  createEnv,
  createEngine,
  runExperiment,
  readRun,
  detect,
  detectRun,
  fork,
  whatIf,
  serve,
  VecEngine,
  ParallelEnv,
  AutoresetMode,
  ConfigError,
  TacitError,
  EnvUsageError,
  UnknownEnvError,
  worlds,
  policies,
} = api;
