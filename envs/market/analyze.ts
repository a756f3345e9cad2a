/**
 * market-v1's end-of-run analysis for the runner (`WorldSpec.analyze`): tabulate every policy's
 * greedy action in every state (by asking the policies, so any policy with a greedy mode works),
 * find the limit cycle greedy play reaches from the final state, probe a one-period deviation by
 * each firm (analysis.ts), retrain each firm against its frozen rivals (retrain.ts), and report it all as summary.json metrics under `market/…` keys.
 *
 * The metrics are shaped for multi-seed aggregation (every number becomes mean and 95% CI across
 * seeds): shares are per-seed 0/1 indicators (`market/converged`, `market/cycleLengthShare/<L>`),
 * and the impulse response is an object keyed by period (`t00`, `t01`, …) rather than an array,
 * so the runner's aggregation yields the mean impulse response. The full typed outcome (cycle and
 * probes, arrays) is under `market/outcome`.
 */
import type { TrainedPolicy, World, WorldAnalysis, WorldAnalysisContext } from '../../src/core/world.js';
import { analyseOutcome, type MarketOutcome } from './analysis.js';
import { observationLength, type MarketGame } from './game.js';

/** Periods recorded after each probe's deviation. */
export const PROBE_HORIZON = 25;
/** Discount used to value a deviation when the deviator's policy does not report one (the paper's δ). */
export const DEFAULT_PROBE_DISCOUNT = 0.95;
/** Above this many states the greedy tables are not tabulated and the analysis is skipped. */
export const MAX_ANALYSED_STATES = 1 << 20;

/** Each policy's greedy action in every state, asked `numEnvs` states at a time. */
export function greedyTables(game: MarketGame, policies: readonly TrainedPolicy[], numEnvs: number): Int32Array[] {
  const size = observationLength(game);
  const S = game.numStates;
  return policies.map((policy) => {
    const table = new Int32Array(S);
    const obs = new Float32Array(numEnvs * size);
    const actions = new Float64Array(numEnvs);
    for (let base = 0; base < S; base += numEnvs) {
      const rows = Math.min(numEnvs, S - base);
      for (let b = 0; b < numEnvs; b++) {
        // Big-endian digits of the state number (padding rows repeat the last state).
        let rest = base + Math.min(b, rows - 1);
        for (let x = size - 1; x >= 0; x--) {
          obs[b * size + x] = rest % game.m;
          rest = Math.floor(rest / game.m);
        }
      }
      policy.act(obs, actions, 'greedy');
      for (let b = 0; b < rows; b++) table[base + b] = actions[b]!;
    }
    return table;
  });
}

/** A tabular learner's Q table (numStates × m) from its saved state; null for other policies (retraining then starts from zeros). */
function learnedQ(policy: TrainedPolicy, entries: number): Float64Array | null {
  const saved = policy.save?.() as { q?: unknown } | null | undefined;
  return Array.isArray(saved?.q) && saved.q.length === entries ? Float64Array.from(saved.q as number[]) : null;
}

/** What the analysis knows about convergence, from the policies. */
interface Convergence {
  readonly converged: number | null;
  readonly periodsToConvergence: number | null;
}

function convergenceOf(policies: readonly TrainedPolicy[]): Convergence {
  const flags = policies.map((p) => p.converged?.());
  const stats = policies.map((p) => p.stats?.() ?? {});
  const converged = flags.every((f) => f !== undefined) ? (flags.every((f) => f) ? 1 : 0) : null;
  const known = stats.every((s) => typeof s.periods === 'number' && typeof s.periodsUnchanged === 'number');
  const periodsToConvergence = known ? Math.max(...stats.map((s) => s.periods!)) - Math.min(...stats.map((s) => s.periodsUnchanged!)) : null;
  return { converged, periodsToConvergence };
}

const byFirm = (ids: readonly string[], values: readonly number[]): Record<string, number> => Object.fromEntries(ids.map((id, i) => [id, values[i]!]));

/** summary.json `metrics` keys of the outcome and the benchmarks, for readers (the collusion detector's probes). */
export const MARKET_OUTCOME_KEY = 'market/outcome';
export const MARKET_BENCHMARKS_KEY = 'market/benchmarks';

/** summary.json `market/benchmarks`: the one-shot Nash and joint-profit benchmarks, by firm id. */
export interface MarketBenchmarks {
  readonly nashPrice: Record<string, number>;
  readonly monopolyPrice: Record<string, number>;
  readonly nashProfit: Record<string, number>;
  readonly monopolyProfit: Record<string, number>;
}

/**
 * The typed outcome a seed's summary metrics hold (`market/outcome`, as marketMetrics wrote it),
 * or undefined for other worlds. Run folders written before a field was added lack it (a probe's
 * `discount`, `discountedGain`, `postCycle`): readers of those fields check for them.
 */
export function marketOutcomeOf(metrics: Readonly<Record<string, unknown>>): MarketOutcome | undefined {
  const outcome = metrics[MARKET_OUTCOME_KEY];
  return outcome !== null && typeof outcome === 'object' ? (outcome as MarketOutcome) : undefined;
}

/** The benchmarks a seed's summary metrics hold (`market/benchmarks`), or undefined. */
export function marketBenchmarksOf(metrics: Readonly<Record<string, unknown>>): Partial<MarketBenchmarks> | undefined {
  const bench = metrics[MARKET_BENCHMARKS_KEY];
  return bench !== null && typeof bench === 'object' ? (bench as Partial<MarketBenchmarks>) : undefined;
}

/** The summary metrics of one seed's outcome. */
export function marketMetrics(game: MarketGame, ids: readonly string[], outcome: MarketOutcome, convergence: Convergence): Record<string, unknown> {
  const { cycle, probes } = outcome;
  const share: Record<string, number> = {};
  for (let L = 1; L <= 9; L++) share[String(L)] = cycle.length === L ? 1 : 0;
  share['10+'] = cycle.length >= 10 ? 1 : 0;
  const probe = probes[0]!;
  const impulseResponse: Record<string, unknown> = { pre: { price: byFirm(ids, probe.preDeviationPrices) } };
  probe.prices.forEach((p, t) => {
    impulseResponse[`t${String(t).padStart(2, '0')}`] = { price: byFirm(ids, p), profit: byFirm(ids, probe.profits[t]!) };
  });
  return {
    'market/profitGain': cycle.profitGain,
    'market/profitGainByFirm': byFirm(ids, cycle.profitGains),
    'market/meanPrice': cycle.meanPrice,
    'market/meanPriceByFirm': byFirm(ids, cycle.meanPrices),
    'market/cycleLength': cycle.length,
    'market/preCycleLength': cycle.preCycleLength,
    'market/cycleLengthShare': share,
    'market/converged': convergence.converged,
    'market/periodsToConvergence': convergence.periodsToConvergence,
    [MARKET_BENCHMARKS_KEY]: {
      nashPrice: byFirm(ids, game.nash.prices),
      monopolyPrice: byFirm(ids, game.monopoly.prices),
      nashProfit: byFirm(ids, game.nash.profits),
      monopolyProfit: byFirm(ids, game.monopoly.profits),
    } satisfies MarketBenchmarks,
    'market/deviation': {
      deviator: ids[probe.deviator]!,
      nullDeviation: probe.nullDeviation ? 1 : 0,
      deviationGain: probe.deviationGain,
      punished: probe.punishmentDepth > 1e-12 ? 1 : 0,
      punishmentDepth: probe.punishmentDepth,
      returned: probe.returnPeriod !== null ? 1 : 0,
      returnPeriod: probe.returnPeriod,
      discountedGain: probe.discountedGain,
      paid: probe.deviationPaid ? 1 : 0,
    },
    'market/impulseResponse': impulseResponse,
    ...(outcome.retraining
      ? {
          'market/retraining': Object.fromEntries(
            outcome.retraining.map((x) => [
              ids[x.firm]!,
              {
                retrainGain: x.retrainGain,
                bestGain: x.bestGain,
                restraintBefore: x.restraintBefore,
                restraintRetrained: x.restraintRetrained,
                profitGainRetrained: x.profitGainRetrained,
              },
            ]),
          ),
        }
      : {}),
    [MARKET_OUTCOME_KEY]: outcome,
  };
}

/**
 * Analyse greedy play of `policies` from `finalState` (a state number). `numEnvs` is the number of
 * rows the policies act on. Used by `analyzeMarket` and by the fused fast path alike.
 */
export function analyzeMarketAt(world: World, policies: readonly TrainedPolicy[], numEnvs: number, finalState: number): WorldAnalysis {
  const game = (world as World & { readonly game: MarketGame }).game;
  if (game.numStates > MAX_ANALYSED_STATES) return { metrics: { 'market/analysis': `skipped: ${game.numStates} states is more than ${MAX_ANALYSED_STATES}` } };
  const greedy = greedyTables(game, policies, numEnvs);
  const discounts = policies.map((p) => p.stats?.().discount ?? DEFAULT_PROBE_DISCOUNT);
  const outcome = analyseOutcome(
    game,
    greedy,
    finalState,
    discounts,
    PROBE_HORIZON,
    policies.map((p) => learnedQ(p, game.numStates * game.m)),
  );
  return {
    metrics: marketMetrics(
      game,
      world.agents.map((a) => a.id),
      outcome,
      convergenceOf(policies),
    ),
  };
}

/** `WorldSpec.analyze` of market-v1: the analysis from copy 0's final state. */
export function analyzeMarket(ctx: WorldAnalysisContext): WorldAnalysis {
  const obs = ctx.engine.obs[0]!;
  const game = (ctx.world as World & { readonly game: MarketGame }).game;
  let s = 0;
  for (let x = 0; x < game.n * game.memory; x++) s = s * game.m + obs[x]!;
  return analyzeMarketAt(ctx.world, ctx.policies, ctx.engine.numEnvs, s);
}
