/**
 * The runner's fast path for market-v1 with tabular-q firms (local rewards, one world copy): runs a
 * seed through the fused kernel (envs/market/fast-session.ts) and writes exactly what the generic
 * loop writes: the same metrics rows (the kernel keeps the ledger's sums in the same order), the
 * same summary.json (except `metrics.fastPath`), the same final policy states, and the same
 * world analysis. test/market/fast-path.test.ts runs both through `runSeed` and compares.
 *
 * Not covered, so the generic loop runs instead (`applies` is false): other worlds, policies or
 * reward schemes, several world copies, episodic markets (`episodeLength` > 0), run.episodes,
 * detectors or fault injection. The fast path writes no checkpoints (a seed takes seconds); an
 * interrupted fast-path seed restarts from scratch on resume, and a generic-loop checkpoint cannot
 * be resumed here.
 */
import type { ResolvedExperiment } from '../../../src/config/resolve.js';
import { TacitError } from '../../../src/core/errors.js';
import type { Policy } from '../../../src/core/policy.js';
import { Rng } from '../../../src/core/rng.js';
import type { World } from '../../../src/core/world.js';
import type { FastPath, SeedRunOptions } from '../../../src/run/seed-loop.js';
import { runMeans, windowRow, type MetricsRow } from '../../../src/core/metrics-row.js';
import { policyStats, seedSummary, type SeedSummary } from '../../../src/run/seed-summary.js';
import { analyzeMarketAt } from '../analyze.js';
import { asLedgerSums, FusedMarketSession, type WindowSums } from '../fast-session.js';
import type { MarketGame } from '../game.js';
import { initialQRow, type TabularQParams } from '../../../policies/tabular-q.js';
import { sessionStreams } from '../streams.js';
import type { RunLoop } from '../../../src/run/yield.js';

function zeroSums(n: number): WindowSums {
  return { profit: new Float64Array(n), action: new Float64Array(n), kpi: new Float64Array(4) };
}

/** The fast path, registered in src/run/fast-paths.ts. */
export const marketFastPath: FastPath = {
  id: 'market-tabular-q',

  applies(resolved: ResolvedExperiment): boolean {
    const { config } = resolved;
    const budget = config.run.steps ?? config.run.maxSteps;
    return (
      resolved.worldSpec.id === 'market-v1' &&
      resolved.worldParams.episodeLength === 0 &&
      config.run.numEnvs === 1 &&
      config.run.episodes === undefined &&
      budget !== undefined &&
      budget < 2 ** 31 &&
      Object.keys(config.detectors).length === 0 &&
      config.faults === undefined &&
      resolved.assignments.every(
        (a) =>
          a.policy.id === 'tabular-q' &&
          a.scheme.id === 'local' &&
          Object.values((a.schemeParams.weights ?? {}) as Record<string, number>).every((w) => w === 1),
      )
    );
  },

  *loop(resolved: ResolvedExperiment, options: SeedRunOptions): RunLoop<SeedSummary> {
    if (options.resume)
      throw new TacitError('this seed has a checkpoint of the generic loop, which the market fast path cannot continue: resume with --set run.fastPath=false');
    const { config } = resolved;
    const run = config.run;
    const { seed, sink } = options;
    const world = resolved.makeWorld() as World & { readonly game: MarketGame };
    const game = world.game;
    const n = game.n;
    const params = resolved.assignments.map((a) => a.policyParams as TabularQParams);
    const streams = sessionStreams(seed, n);
    const budget = (run.steps ?? run.maxSteps)!;
    const kernel = new FusedMarketSession({
      game,
      learners: params.map((l, i) => ({ ...l, initialRow: initialQRow(world, i, game.m, l), rng: streams.agentRng[i]! })),
      worldSeed: streams.worldSeed,
      maxPeriods: budget,
    });

    // The metrics ledger, as MetricsAccumulator keeps it: window sums, rolled into run totals at each flush.
    const win = zeroSums(n);
    const total = zeroSums(n);
    let winSamples = 0;
    let totalSamples = 0;
    let windowIndex = 0;
    const flush = (step: number): MetricsRow => {
      const row = windowRow(world, asLedgerSums(win, winSamples), 1, step, windowIndex++);
      for (let i = 0; i < n; i++) ((total.profit[i]! += win.profit[i]!), (total.action[i]! += win.action[i]!));
      for (let x = 0; x < 4; x++) total.kpi[x]! += win.kpi[x]!;
      totalSamples += winSamples;
      win.profit.fill(0);
      win.action.fill(0);
      win.kpi.fill(0);
      winSamples = 0;
      return row;
    };

    let step = 0;
    let convergedAt: number | null = null;
    let interrupted = false;
    while (step < budget) {
      const next = Math.min(budget, (Math.floor(step / run.metricsEvery) + 1) * run.metricsEvery);
      kernel.advance(next, false, win);
      winSamples += next - step;
      step = next;
      if (step % run.metricsEvery === 0) {
        sink.metrics(flush(step));
        options.onProgress?.(step, budget);
        yield;
        if (options.signal?.stop) {
          interrupted = true;
          break;
        }
        if (run.stopWhenConverged && kernel.allConverged) {
          convergedAt = step;
          break;
        }
      }
    }
    if (winSamples > 0) sink.metrics(flush(step));
    options.onProgress?.(step, budget);

    // Real tabular-q instances holding the kernel's final state: their stats, checkpoints and greedy
    // play are then those of the generic loop by construction.
    const shared = new Map<string, unknown>();
    const policies: Policy[] = resolved.assignments.map((a, i) => {
      const p = a.policy.create(
        {
          world,
          agent: a.agent,
          observationSpace: world.observationSpaces[i]!,
          actionSpace: world.actionSpaces[i]!,
          numEnvs: 1,
          rng: Rng.from(seed, 'policy', a.agent.id),
          shared,
        },
        a.policyParams,
      );
      p.load!({
        q: Array.from(kernel.Q[i]!),
        t: step,
        periodsUnchanged: kernel.unchanged[i]!,
        rng: Array.from(kernel.rng.subarray(4 * i, 4 * i + 4), (w) => w >>> 0),
      });
      return p;
    });
    const analysis = interrupted ? undefined : analyzeMarketAt(world, policies, 1, kernel.s);
    const statsByAgent = policyStats(world, policies);
    options.onFinalPolicies?.(policies.map((p) => p.save?.() ?? null));

    return seedSummary(resolved, world, {
      seed,
      steps: step,
      numEnvs: 1,
      totals: runMeans(world, asLedgerSums(total, totalSamples), 1),
      fastPath: marketFastPath.id,
      convergedAt,
      eventsWritten: 0,
      eventsDropped: 0,
      policies: statsByAgent,
      extraMetrics: [analysis?.metrics],
      interrupted,
    });
  },
};
