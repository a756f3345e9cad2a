/**
 * `npm run bench`: every benchmark, printed as one JSON document. Speed targets live here, never in
 * unit tests. Single-threaded; run on an otherwise idle machine for stable figures.
 */
import { engineBench } from './engine.js';
import { marketBench } from './market.js';
import { faultsBench } from './faults.js';

const results: Record<string, unknown> = {
  node: process.version,
  engine: engineBench(),
  market: marketBench(),
  faults: faultsBench(),
};
console.log(JSON.stringify(results, null, 2));
