#!/usr/bin/env node
// Runs one TypeScript script of this repository compiled (see build.mjs), e.g. the benchmarks:
//   node bin/run.mjs bench/supply.ts --world beer-game-v1
// The script sees its own path as process.argv[1] and its arguments after it.
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt, startCompileCache } from './build.mjs';

startCompileCache();

const script = process.argv[2];
if (script === undefined) {
  process.stderr.write('usage: node bin/run.mjs <script.ts> [args...]\n');
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
if (process.env.TACIT_DEBUG) process.setSourceMapsEnabled(true); // see tacit.mjs
const built = await ensureBuilt(relative(root, resolve(script)));
process.argv.splice(1, 2, built);
await import(built);
