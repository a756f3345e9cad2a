#!/usr/bin/env node
// tacit's command-line entry: compiles the TypeScript sources (cached, see build.mjs) and starts the CLI.
import { ensureBuilt } from './build.mjs';

// Stack traces of internal errors point at the TypeScript sources.
process.setSourceMapsEnabled(true);
const main = await ensureBuilt('src/cli/main.ts');
process.argv[1] = main;
await import(main);
