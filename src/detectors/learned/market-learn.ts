/**
 * One learned market session for the learned collusion scenarios: tabular Q-learning firms in
 * market-v1 through the fused kernel (envs/market/fast-session.ts, bit-identical to the runner),
 * metrics rows every `metricsEvery` periods with the keys the collusion detector reads
 * (`kpi/profitGain`, `action/<firm>`, `reward/<firm>`, the other KPIs), stopping at the first row
 * after every learner has converged (the runner's `stopWhenConverged`), then the world's own
 * end-of-run analysis (limit cycle, deviation probes, unilateral retraining) and the runner's
 * adapters into detector inputs. So a scenario sees what `tacit run` would give its detectors,
 * without writing a results folder.
 *
 * A firm can be *frozen* at a fixed grid price (learning rate 0, exploration off, Q row one-hot
 * at that price): "firms at Nash by construction" are frozen firms.
 */
import { analyseOutcome, type MarketOutcome } from '../../../envs/market/analysis.js';
import { DEFAULT_PROBE_DISCOUNT, PROBE_HORIZON, marketMetrics } from '../../../envs/market/analyze.js';
import { asLedgerSums, FusedMarketSession, type FastLearner, type WindowSums } from '../../../envs/market/fast-session.js';
import type { MarketGame } from '../../../envs/market/game.js';
import { createMarketWorld, marketParamsSchema } from '../../../envs/market/market.js';
import { initialQRow, tabularQPolicy } from '../../../policies/tabular-q.js';
import { sessionStreams } from '../../../envs/market/streams.js';
import type { DetectorContext } from '../types.js';
import { windowRow, type MetricsRow } from '../../core/metrics-row.js';
import { collusionProbesFromMetrics } from '../collusion-probes.js';

/** One firm: a tabular-q learner (params as in a config) or frozen at a grid price. */
export type FirmSpec = { readonly learner: Record<string, unknown> } | { readonly frozenAt: 'nash' | 'monopoly' };

/** A learned market session. */
export interface LearnedMarketSpec {
  /** market-v1 params (defaults: the Calvano baseline). */
  readonly env?: Record<string, unknown>;
  /** One entry per firm. */
  readonly firms: readonly FirmSpec[];
  readonly metricsEvery?: number;
  /** Period cap (the shipped Calvano configs use 2·10⁷). */
  readonly maxPeriods?: number;
}

/** What a session leaves for the detector and for the ground truth. */
export interface LearnedMarket {
  readonly game: MarketGame;
  readonly firms: readonly string[];
  readonly rows: MetricsRow[];
  /** Per firm: greedy strategy and discount factor at the end. */
  readonly greedy: readonly Int32Array[];
  readonly discounts: readonly number[];
  readonly finalState: number;
  readonly converged: boolean;
  /** Engine step (period) of the last change in any greedy strategy: from here on the final strategies are in place. */
  readonly lastChange: number;
  /** Step of the last metrics row. */
  readonly endStep: number;
  readonly outcome: MarketOutcome;
  /** The detector context `tacit run` would build (probes and exact outcome). */
  readonly context: DetectorContext;
}

const nearestIndex = (grid: Float64Array, p: number): number => grid.reduce((best, v, k) => (Math.abs(v - p) < Math.abs(grid[best]! - p) ? k : best), 0);

/** Learn one session of `spec` with seed `seed` (the runner's streams for that seed). */
export function learnMarket(spec: LearnedMarketSpec, seed: number): LearnedMarket {
  const env = marketParamsSchema().parse({ ...(spec.env ?? {}), nFirms: spec.firms.length });
  const world = createMarketWorld(env);
  const game = world.game;
  const n = game.n;
  const ids = world.agents.map((a) => a.id);
  const streams = sessionStreams(seed, n);
  const learners: FastLearner[] = spec.firms.map((f, i) => {
    if ('learner' in f) {
      const p = tabularQPolicy.paramsSchema.parse(f.learner);
      return {
        learningRate: p.learningRate,
        discount: p.discount,
        explorationDecay: p.explorationDecay,
        convergenceWindow: p.convergenceWindow,
        initialRow: initialQRow(world, i, game.m, p),
        rng: streams.agentRng[i]!,
      };
    }
    const price = f.frozenAt === 'nash' ? game.nash.prices[i]! : game.monopoly.prices[i]!;
    const row = new Float64Array(game.m);
    row[nearestIndex(game.grids[i]!, price)] = 1;
    // α = 0 keeps the one-hot row; β = 50 makes ε = e^(−50 t) vanish after the first period.
    return { learningRate: 0, discount: DEFAULT_PROBE_DISCOUNT, explorationDecay: 50, convergenceWindow: 1, initialRow: row, rng: streams.agentRng[i]! };
  });
  const every = spec.metricsEvery ?? 10_000;
  const cap = spec.maxPeriods ?? 20_000_000;
  const kernel = new FusedMarketSession({ game, learners, worldSeed: streams.worldSeed, maxPeriods: cap });
  const sums: WindowSums = { profit: new Float64Array(n), action: new Float64Array(n), kpi: new Float64Array(4) };
  const rows: MetricsRow[] = [];
  let step = 0;
  let converged = false;
  while (step < cap && !converged) {
    const next = Math.min(cap, step + every);
    kernel.advance(next, false, sums);
    rows.push(windowRow(world, asLedgerSums(sums, next - step), 1, next, rows.length));
    sums.profit.fill(0);
    sums.action.fill(0);
    sums.kpi.fill(0);
    step = next;
    converged = kernel.allConverged;
  }
  const discounts = learners.map((l) => l.discount);
  const outcome = analyseOutcome(game, kernel.greedy, kernel.s, discounts, PROBE_HORIZON, kernel.Q);
  const metrics = marketMetrics(game, ids, outcome, { converged: converged ? 1 : 0, periodsToConvergence: kernel.lastChange });
  const context: DetectorContext = { plannedRows: Math.ceil(cap / every), probes: collusionProbesFromMetrics(metrics, ids, step) };
  return {
    game,
    firms: ids,
    rows,
    greedy: kernel.greedy,
    discounts,
    finalState: kernel.s,
    converged,
    lastChange: kernel.lastChange,
    endStep: step,
    outcome,
    context,
  };
}
