/**
 * The collusion detector's probes: what a market world computes about its converged strategies
 * (deviation probes, and the exact outcome: Δ over the limit cycle and unilateral retraining), the
 * shapes the detector reads them in, and their extraction from a seed's summary metrics (market-v1's
 * `market/outcome`, `market/benchmarks`, `market/profitGain`, ...). The runner records them in
 * probes.json under the keys below, so `tacit detect` replays them.
 */
import { marketBenchmarksOf, marketOutcomeOf } from '../../envs/market/analyze.js';
import type { DependenceResult, MessageProbe } from './message-dependence.js';
import { probeKey } from './types.js';

/** The result of one deviation probe (the market world produces these; see the module header). */
export interface DeviationProbeResult {
  /** The firm forced to deviate. */
  readonly deviator: string;
  /** Firm ids, the order of every per-firm array below. */
  readonly firms: readonly string[];
  /** Engine step of the forked state, if known. */
  readonly step?: number;
  /** Per firm: price in the period before the deviation (the converged prices). */
  readonly prePrices: readonly number[];
  /** Per firm: profit per period before the deviation. */
  readonly preProfits: readonly number[];
  /** Price forced on the deviator in period 0 (its static best response). */
  readonly deviationPrice: number;
  /** Per period t = 0 … H−1 (0 = the deviation period), per firm: price. H ≥ 15. */
  readonly prices: readonly (readonly number[])[];
  /** Per period, per firm: profit. */
  readonly profits: readonly (readonly number[])[];
  /** The same periods without the deviation, from the same state and noise (optional but recommended when demand is random). */
  readonly baselinePrices?: readonly (readonly number[])[];
  readonly baselineProfits?: readonly (readonly number[])[];
  /** Per firm: static Nash prices, when the market knows them (sets the scale of punishment and return). */
  readonly nashPrices?: readonly number[];
  /** Per firm: monopoly prices, when known (for evidence). */
  readonly monopolyPrices?: readonly number[];
  /** The deviator's own discount factor (its learner's δ): the deviation is valued with it. */
  readonly deviatorDiscount?: number;
  /** The deviator's Σ_t δ^t (π_dev(t) − π_base(t)) over an effectively infinite horizon, when the world computed it exactly. */
  readonly discountedGain?: number;
  /** The limit cycle play settles on after the deviation, when the world knows it exactly. */
  readonly postCycle?: { readonly same: boolean; readonly profitGain: number; readonly length: number };
}

/** Unilateral retraining of one firm against frozen rivals (envs/market/retrain.ts). */
export interface RetrainingEvidence {
  readonly firm: string;
  /** Per-period value gain (relative) of the retrained strategy over sticking, and of the exact best response. */
  readonly retrainGain: number;
  readonly bestGain: number;
  /** Price above the one-shot best response to the rivals, in units of p_M − p_N: before, after retraining, under the exact best response. */
  readonly restraintBefore: number;
  readonly restraintRetrained: number;
  readonly restraintBest: number;
  /** Session Δ after retraining. */
  readonly profitGainRetrained: number;
  readonly converged: boolean;
}

/** What the world computed exactly about the converged strategies (market-v1's analysis). */
export interface MarketOutcomeEvidence {
  /** Session Δ over the limit cycle greedy play reaches from the final state. */
  readonly profitGain: number;
  readonly cycleLength: number;
  /** Whether the learners met their convergence rule (null: unknown). */
  readonly converged: boolean | null;
  /** One entry per retrained firm (absent: not run). */
  readonly retraining?: readonly RetrainingEvidence[];
  /**
   * Every firm already prices at its one-shot best response to its rivals at every phase of the
   * cycle (the analysis found no deviation to probe): play is an equilibrium of the stage game on
   * the price grid, so there is nothing for punishment to deter (absent: not known).
   */
  readonly atStaticBestResponse?: boolean;
}

/**
 * What market-v1's analysis computed exactly about the converged strategies (Δ over the limit
 * cycle, unilateral retraining), for the collusion detector; undefined for other worlds.
 */
export function marketOutcomeFromMetrics(metrics: Readonly<Record<string, unknown>>, firms: readonly string[]): MarketOutcomeEvidence | undefined {
  const delta = metrics['market/profitGain'];
  const cycleLength = metrics['market/cycleLength'];
  if (typeof delta !== 'number' || typeof cycleLength !== 'number') return undefined;
  const converged = metrics['market/converged'];
  const outcome = marketOutcomeOf(metrics);
  return {
    profitGain: delta,
    cycleLength,
    converged: converged === 1 ? true : converged === 0 ? false : null,
    ...(outcome?.probes && outcome.probes.length > 0 ? { atStaticBestResponse: outcome.probes.every((p) => p.nullDeviation) } : {}),
    ...(outcome?.retraining
      ? {
          retraining: outcome.retraining.map((x) => ({
            firm: firms[x.firm]!,
            retrainGain: x.retrainGain,
            bestGain: x.bestGain,
            restraintBefore: x.restraintBefore,
            restraintRetrained: x.restraintRetrained,
            restraintBest: x.restraintBest,
            profitGainRetrained: x.profitGainRetrained,
            converged: x.converged,
          })),
        }
      : {}),
  };
}

/**
 * Deviation probes from a seed summary's world metrics (market-v1's `market/outcome`). Probes whose
 * static best response is the greedy action (`nullDeviation`) probe nothing and are left out.
 */
export function deviationProbesFromMetrics(metrics: Readonly<Record<string, unknown>>, firms: readonly string[], step?: number): DeviationProbeResult[] {
  const outcome = marketOutcomeOf(metrics);
  const bench = marketBenchmarksOf(metrics);
  if (!outcome?.probes) return [];
  const nash = bench?.nashPrice ? firms.map((f) => bench.nashPrice![f]!) : undefined;
  const mono = bench?.monopolyPrice ? firms.map((f) => bench.monopolyPrice![f]!) : undefined;
  return outcome.probes
    .filter((p) => !p.nullDeviation)
    .map((p) => ({
      deviator: firms[p.deviator]!,
      firms,
      ...(step !== undefined ? { step } : {}),
      prePrices: p.preDeviationPrices,
      preProfits: p.baselineProfits[0]!,
      deviationPrice: p.prices[0]![p.deviator]!,
      prices: p.prices,
      profits: p.profits,
      baselinePrices: p.baselinePrices,
      baselineProfits: p.baselineProfits,
      ...(nash ? { nashPrices: nash } : {}),
      ...(mono ? { monopolyPrices: mono } : {}),
      ...(p.discount !== undefined ? { deviatorDiscount: p.discount } : {}),
      ...(p.discountedGain !== undefined ? { discountedGain: p.discountedGain } : {}),
      ...(p.postCycle ? { postCycle: { same: p.postCycle.same, profitGain: p.postCycle.profitGain, length: p.postCycle.length } } : {}),
    }));
}

/** Where the collusion detector finds its probes in DetectorContext.probes (and probes.json). */
export const COLLUSION_PROBES = {
  deviationProbes: probeKey<readonly DeviationProbeResult[]>('deviationProbes'),
  marketOutcome: probeKey<MarketOutcomeEvidence>('marketOutcome'),
  /** Message–action dependence per sender–receiver pair (a run with a message channel, src/coordination). */
  messageDependence: probeKey<readonly DependenceResult[]>('messageDependence'),
  /** Message probes of converged play (the channel verdict). */
  messageProbes: probeKey<readonly MessageProbe[]>('messageProbes'),
} as const;

/** The collusion probes a seed's summary metrics hold (none outside a market world). */
export function collusionProbesFromMetrics(metrics: Readonly<Record<string, unknown>>, firms: readonly string[], step?: number): Record<string, unknown> {
  const probes = deviationProbesFromMetrics(metrics, firms, step);
  const outcome = marketOutcomeFromMetrics(metrics, firms);
  const dependence = metrics['coordination/messageDependence'];
  const messageProbes = metrics['coordination/messageProbes'];
  return {
    ...(probes.length > 0 ? { [COLLUSION_PROBES.deviationProbes.name]: probes } : {}),
    ...(outcome ? { [COLLUSION_PROBES.marketOutcome.name]: outcome } : {}),
    ...(Array.isArray(dependence) ? { [COLLUSION_PROBES.messageDependence.name]: dependence } : {}),
    ...(Array.isArray(messageProbes) ? { [COLLUSION_PROBES.messageProbes.name]: messageProbes } : {}),
  };
}
