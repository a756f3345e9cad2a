/**
 * Periods per second of a baseline Calvano session (market-v1 defaults, two tabular-q firms with
 * the paper's α, β, δ): the fused kernel, and the reference path (VecEngine + Policy contract)
 * for contrast. Convergence is switched off (huge window) so every run simulates exactly the
 * requested periods, which span the exploring phase (ε from 1 down to e^-βT). Prints JSON.
 *
 *   npx tsx bench/market.ts [--periods 20000000] [--reference-periods 500000]
 */
import { createMarketWorld } from '../envs/market/market.js';
import { runFastSession } from '../envs/market/fast-session.js';
import { initialQRow, tabularQPolicy } from '../policies/tabular-q.js';
import { runReferenceSession } from '../src/market/reference-session.js';
import { sessionStreams } from '../src/market/session.js';

function arg(name: string, fallback: number): number {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? Number(process.argv[k + 1]) : fallback;
}

const periods = arg('periods', 20_000_000);
const referencePeriods = arg('reference-periods', 500_000);
const world = createMarketWorld({});
const learner = tabularQPolicy.paramsSchema.parse({ convergenceWindow: 2_000_000_000 });
const learners = [learner, learner];

function fast(seed: number, n: number): number {
  const streams = sessionStreams(seed, 2);
  const t0 = performance.now();
  const r = runFastSession({
    game: world.game,
    learners: learners.map((l, i) => ({ ...l, initialRow: initialQRow(world, i, world.game.m, l), rng: streams.agentRng[i]! })),
    worldSeed: streams.worldSeed,
    maxPeriods: n,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.periods !== n) throw new Error('bench: the session stopped early');
  return n / seconds;
}

function reference(seed: number, n: number): number {
  const streams = sessionStreams(seed, 2);
  const t0 = performance.now();
  runReferenceSession({ world, learners, engineSeed: seed, agentRng: streams.agentRng, maxPeriods: n });
  return n / ((performance.now() - t0) / 1000);
}

fast(100, 1_000_000); // warm-up (JIT)
const fastRuns = [1, 2, 3].map((seed) => fast(seed, periods));
reference(100, 50_000);
const refRuns = [1, 2].map((seed) => reference(seed, referencePeriods));
const best = (xs: number[]): number => Math.max(...xs);
console.log(
  JSON.stringify(
    {
      bench: 'market',
      world: 'market-v1 baseline (2 firms, 15 prices, memory 1)',
      periodsPerRun: periods,
      fusedPeriodsPerSecond: Math.round(best(fastRuns)),
      fusedRuns: fastRuns.map(Math.round),
      referencePeriodsPerSecond: Math.round(best(refRuns)),
      speedup: Number((best(fastRuns) / best(refRuns)).toFixed(1)),
      node: process.version,
    },
    null,
    2,
  ),
);
