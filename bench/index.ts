/**
 * `npm run bench`: every benchmark, printed as one JSON document. Speed targets live here, never in
 * unit tests. Single-threaded; run on an otherwise idle machine for stable figures. Benchmarks
 * written as scripts (supply, neural) run in child processes and their JSON is folded in.
 */
import { execFileSync } from 'node:child_process';
import { engineBench } from './engine.js';
import { faultsBench } from './faults.js';
import { marketBench } from './market.js';

function scriptBench(file: string): unknown {
  // Compiled like every command (bin/run.mjs): see bin/build.mjs for why not through tsx.
  const out = execFileSync(process.execPath, ['bin/run.mjs', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out.slice(out.indexOf('{')));
}

const quick = process.argv.includes('--quick');
const results: Record<string, unknown> = {
  node: process.version,
  engine: engineBench(),
  market: marketBench(quick ? 2_000_000 : 20_000_000, quick ? 50_000 : 300_000, quick ? 1 : 3),
  faults: faultsBench(),
  supply: scriptBench('bench/supply.ts'),
  neural: quick ? 'skipped (--quick)' : scriptBench('bench/neural.ts'),
};
console.log(JSON.stringify(results, null, 2));
