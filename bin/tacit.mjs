#!/usr/bin/env node
// tacit's command-line entry: compiles the TypeScript sources (cached, see build.mjs) and starts the
// CLI: CommonJS bundles run with V8's code cache (bin/code-cache.cjs), src/cli/entry.ts first, which
// loads src/cli/main.ts unless the command is a listing already kept in the build folder (or a bare
// `validate <file>`: src/cli/validate-main.ts). An up-to-date build is found by build-check.cjs alone;
// build.mjs (an ES module, with esbuild behind it) is loaded only to compile.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { startCompileCache, vouchedBuild } = require('./build-check.cjs');

startCompileCache();

// Source-mapped stack traces (pointing at the TypeScript) only on request: loading the maps costs
// ~0.2 s on every command (measured, 8 runs each: `tacit validate` median 0.92 s with them, 0.70 s without).
if (process.env.TACIT_DEBUG) process.setSourceMapsEnabled(true);
const build = { format: 'cjs', also: ['src/cli/main.ts', 'src/cli/validate-main.ts'] };
const entry = vouchedBuild('src/cli/entry.ts', build) ?? (await (await import('./build.mjs')).ensureBuilt('src/cli/entry.ts', build));
process.argv[1] = entry;
require(entry);
