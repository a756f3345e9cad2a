/**
 * market-v1's fast path for tabular-q firms (local rewards, one world copy), declared by the
 * market's spec (envs/market/spec.ts): runs a seed through the fused kernel (../fast-session.ts)
 * and hands the runner exactly what its generic loop accumulates: each window's sums (the kernel
 * keeps the ledger's sums in the same order), the run's sums, each firm's final tabular-q state
 * and the last observation. The runner builds the metrics rows, summary.json and world analysis
 * from those with the functions it uses for the generic loop. test/market/fast-path.test.ts runs
 * both through `runSeed` and compares.
 *
 * Not covered, so the generic loop runs instead (`applies` is false): other policies or reward
 * schemes, several world copies, episodic markets (`episodeLength` > 0), or a run without a step
 * budget. The fast path writes no checkpoints (a seed takes seconds); an interrupted fast-path seed
 * restarts from scratch on resume.
 */
import type { FastPath, FastPathEnd, FastPathRun, FastPathSeed } from '../../../src/core/fast-path.js';
import type { LedgerSums } from '../../../src/core/metrics-row.js';
import { asLedgerSums, FusedMarketSession, type WindowSums } from '../fast-session.js';
import { observationLength } from '../game.js';
import { createMarketWorld } from '../market.js';
import { sessionStreams } from '../streams.js';
import { initialQRow, type TabularQParams } from '../../../policies/tabular-q.js';

function zeroSums(n: number): WindowSums {
  return { profit: new Float64Array(n), action: new Float64Array(n), kpi: new Float64Array(4) };
}

/** Every firm a tabular-q learner on its plain local reward (all component weights 1). */
function tabularQOnLocal(seed: FastPathSeed): boolean {
  return seed.agents.every(
    (a) => a.policy === 'tabular-q' && a.scheme === 'local' && Object.values((a.schemeParams.weights ?? {}) as Record<string, number>).every((w) => w === 1),
  );
}

/** The fast path, declared in envs/market/spec.ts. */
export const marketFastPath: FastPath = {
  id: 'market-tabular-q',

  applies(seed: FastPathSeed): boolean {
    return seed.worldParams.episodeLength === 0 && seed.numEnvs === 1 && seed.steps !== undefined && seed.steps < 2 ** 31 && tabularQOnLocal(seed);
  },

  *run(job: FastPathSeed): FastPathRun {
    const world = createMarketWorld(job.worldParams);
    const game = world.game;
    const n = game.n;
    const params = job.agents.map((a) => a.policyParams as TabularQParams);
    const streams = sessionStreams(job.seed, n);
    const budget = job.steps!;
    const kernel = new FusedMarketSession({
      game,
      learners: params.map((l, i) => ({ ...l, initialRow: initialQRow(world, i, game.m, l), rng: streams.agentRng[i]! })),
      worldSeed: streams.worldSeed,
      maxPeriods: budget,
    });

    // The metrics ledger, as MetricsAccumulator keeps it: window sums, rolled into run totals at each window's end.
    const win = zeroSums(n);
    const total = zeroSums(n);
    let winSamples = 0;
    let totalSamples = 0;
    const endWindow = (): LedgerSums => {
      const sums = asLedgerSums({ profit: win.profit.slice(), action: win.action.slice(), kpi: win.kpi.slice() }, winSamples);
      for (let i = 0; i < n; i++) ((total.profit[i]! += win.profit[i]!), (total.action[i]! += win.action[i]!));
      for (let x = 0; x < 4; x++) total.kpi[x]! += win.kpi[x]!;
      totalSamples += winSamples;
      win.profit.fill(0);
      win.action.fill(0);
      win.kpi.fill(0);
      winSamples = 0;
      return sums;
    };

    let step = 0;
    let convergedAt: number | null = null;
    let interrupted = false;
    while (step < budget) {
      const next = Math.min(budget, (Math.floor(step / job.metricsEvery) + 1) * job.metricsEvery);
      kernel.advance(next, false, win);
      winSamples += next - step;
      step = next;
      if (step % job.metricsEvery === 0) {
        const stop = yield { step, sums: endWindow() };
        if (stop) {
          interrupted = true;
          break;
        }
        if (job.stopWhenConverged && kernel.allConverged) {
          convergedAt = step;
          break;
        }
      }
    }
    if (winSamples > 0) yield { step, sums: endWindow() };

    // Each firm's state in tabular-q's save() format, so the runner's fresh tabular-q policies
    // hold the kernel's final state: their stats, checkpoints and greedy play are then those of
    // the generic loop by construction.
    const policyStates = params.map((_, i) => ({
      q: Array.from(kernel.Q[i]!),
      t: step,
      periodsUnchanged: kernel.unchanged[i]!,
      rng: Array.from(kernel.rng.subarray(4 * i, 4 * i + 4), (w) => w >>> 0),
    }));
    // The last observation: the state number's big-endian digits, as every firm observes them.
    const obs = new Float32Array(observationLength(game));
    for (let x = game.n * game.memory - 1, rest = kernel.s; x >= 0; x--, rest = Math.floor(rest / game.m)) obs[x] = rest % game.m;
    const end: FastPathEnd = {
      steps: step,
      convergedAt,
      interrupted,
      totals: asLedgerSums(total, totalSamples),
      policyStates,
      finalObs: world.agents.map(() => obs),
    };
    return end;
  },
};
