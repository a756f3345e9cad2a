/**
 * Periods per second of a baseline Calvano session (market-v1 defaults, two tabular-q firms with
 * the paper's α, β, δ) on one core: the fused kernel as the validation runs it, as the runner's
 * fast path runs it (metric sums, stopping at every 10,000-period window), its n-firm loop, and
 * the reference path (VecEngine + Policy contract) for contrast. Convergence is switched off (huge
 * window) so every run simulates exactly the requested periods, spanning the exploring phase
 * (ε from 1 down to e^(−βT)). Rates are given per wall-clock second and per CPU second of this
 * process: on a shared machine the CPU figure is the one that measures the code.
 *
 *   npm run bench:market -- [--periods 20000000] [--reference-periods 300000]
 */
import { FusedMarketSession, type FastLearner, type WindowSums } from '../envs/market/fast-session.js';
import { createMarketWorld } from '../envs/market/market.js';
import { initialQRow, tabularQPolicy } from '../policies/tabular-q.js';
import { runReferenceSession } from '../envs/market/calvano/reference-session.js';
import { sessionStreams } from '../envs/market/streams.js';
import { isMainScript } from './main-guard.js';

/** One measured variant: best of its runs. */
export interface MarketBenchRow {
  readonly variant: string;
  readonly periods: number;
  readonly periodsPerSecond: number;
  readonly periodsPerCpuSecond: number;
}

function timed(run: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  run();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

/** Measure every variant; `periods` per fused run, `referencePeriods` per reference run. */
export function marketBench(periods = 20_000_000, referencePeriods = 300_000, repeats = 3): MarketBenchRow[] {
  const world = createMarketWorld({});
  const learner = tabularQPolicy.paramsSchema.parse({ convergenceWindow: 2_000_000_000 });
  const learners = (seed: number): FastLearner[] => {
    const streams = sessionStreams(seed, 2);
    return [0, 1].map((i) => ({ ...learner, initialRow: initialQRow(world, i, world.game.m, learner), rng: streams.agentRng[i]! }));
  };
  const worldSeed = (seed: number): Uint32Array => sessionStreams(seed, 2).worldSeed;
  const variants: { name: string; periods: number; run: (seed: number, n: number) => void }[] = [
    {
      name: 'fused (validation: duopoly loop, exact convergence stop)',
      periods,
      run: (seed, n) => void new FusedMarketSession({ game: world.game, learners: learners(seed), worldSeed: worldSeed(seed), maxPeriods: n }).advance(n, true),
    },
    {
      name: 'fused (runner fast path: metric sums, 10k-period windows)',
      periods,
      run: (seed, n) => {
        const k = new FusedMarketSession({ game: world.game, learners: learners(seed), worldSeed: worldSeed(seed), maxPeriods: n });
        const sums: WindowSums = { profit: new Float64Array(2), action: new Float64Array(2), kpi: new Float64Array(4) };
        for (let t = 10_000; t <= n; t += 10_000) k.advance(t, false, sums);
      },
    },
    {
      name: 'fused (general n-firm loop)',
      periods,
      run: (seed, n) =>
        void new FusedMarketSession({ game: world.game, learners: learners(seed), worldSeed: worldSeed(seed), maxPeriods: n, loop: 'general' }).advance(
          n,
          true,
        ),
    },
    {
      name: 'reference (VecEngine + tabular-q policies)',
      periods: referencePeriods,
      run: (seed, n) =>
        void runReferenceSession({ world, learners: [learner, learner], engineSeed: seed, agentRng: sessionStreams(seed, 2).agentRng, maxPeriods: n }),
    },
  ];
  return variants.map((v) => {
    v.run(100, Math.min(v.periods, 1_000_000)); // JIT warm-up
    let best = { wall: Infinity, cpu: Infinity };
    for (let r = 1; r <= repeats; r++) {
      const m = timed(() => v.run(r, v.periods));
      best = { wall: Math.min(best.wall, m.wall), cpu: Math.min(best.cpu, m.cpu) };
    }
    return { variant: v.name, periods: v.periods, periodsPerSecond: Math.round(v.periods / best.wall), periodsPerCpuSecond: Math.round(v.periods / best.cpu) };
  });
}

if (isMainScript('market')) {
  const arg = (name: string, fallback: number): number => {
    const k = process.argv.indexOf(`--${name}`);
    return k >= 0 ? Number(process.argv[k + 1]) : fallback;
  };
  const rows = marketBench(arg('periods', 20_000_000), arg('reference-periods', 300_000));
  console.log(
    JSON.stringify(
      { bench: 'market', world: 'market-v1 baseline (2 firms, 15 prices, memory 1), tabular-q α 0.15 β 4e-6 δ 0.95', node: process.version, rows },
      null,
      2,
    ),
  );
}
