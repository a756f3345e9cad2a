/**
 * Outcome analysis of converged market strategies, as pure functions over greedy tables (one
 * Int32Array per firm giving its greedy grid action in every state, from tabular-q or the fused
 * kernel). Used by the session runner and by collusion detectors.
 *
 *  - `limitCycle` (cycle.ts): play greedily from a state until a state repeats; the repeating part
 *    is the limit cycle (Calvano et al. report outcomes averaged over it).
 *  - `deviationProbe`: the paper's impulse response. On a fork of a cycle state, one firm plays its
 *    static (one-shot) best response to the rivals' greedy prices for one period, then greedy play
 *    resumes; it records prices and profits per firm for `horizon` periods after the deviation next
 *    to the no-deviation path, how deep the rivals cut prices, when prices are back on the
 *    pre-deviation cycle (in any of its phases), the limit cycle play settles on after the
 *    deviation (the same one or another, with its profit gain: with three or more firms play often
 *    settles on a different high-price cycle), and whether the deviation paid in discounted terms
 *    with the deviator's own discount factor.
 *  - `analyseOutcome`: the cycle and, for every firm, a probe from each cycle state (up to
 *    MAX_PROBES_PER_FIRM) where the firm's static best response differs from its greedy price (a
 *    probe where they coincide tests nothing; on a cycle longer than one period the deviation can
 *    be deterred in one phase and pay in another). A firm with no real deviation gets one null
 *    probe at phase 0.
 *
 * Profits are expected profits (over demand-shock levels), so the analysis is deterministic.
 */
import { greedyJoint, limitCycle, pricesOf, profitsOf, type LimitCycle } from './cycle.js';
import { encodeJoint, nextState, staticBestResponse, type MarketGame } from './game.js';
import { retrainAll, type RetrainResult } from './retrain.js';

/** The impulse response to a one-period deviation. */
export interface DeviationProbe {
  /** Index of the deviating firm. */
  readonly deviator: number;
  /** State of the deviation period (a cycle state). */
  readonly startState: number;
  /** Periods recorded after the deviation period (arrays have horizon + 1 rows: t = 0 … horizon). */
  readonly horizon: number;
  /** Deviator's greedy grid index at the start state, and the static best response it played instead. */
  readonly greedyAction: number;
  readonly deviationAction: number;
  /** True when the static best response is the greedy action (nothing to probe). */
  readonly nullDeviation: boolean;
  /** Per firm: prices of the period before the deviation (on the cycle). */
  readonly preDeviationPrices: number[];
  /** [t][firm] prices and expected profits after the deviation; t = 0 is the deviation period. */
  readonly prices: number[][];
  readonly profits: number[][];
  /** [t][firm] the same on the no-deviation path (the cycle continuing). */
  readonly baselinePrices: number[][];
  readonly baselineProfits: number[][];
  /** Deviator's profit gain in the deviation period over the no-deviation path. */
  readonly deviationGain: number;
  /** Largest cut of the rivals' mean price below the no-deviation path over t = 1 … horizon (price units). */
  readonly punishmentDepth: number;
  /** First period t ≥ 1 from which prices follow the pre-deviation cycle forever; null if they never do. */
  readonly returnPeriod: number | null;
  /** Whether play settles back on the pre-deviation cycle (rather than another cycle), within the valuation horizon. */
  readonly returnsToCycle: boolean;
  /** Cycle phase (index into `cycle.states`) of the deviation period. */
  readonly phase: number;
  /** The limit cycle greedy play settles on after the deviation (exact, however long it takes). */
  readonly postCycle: PostDeviationCycle;
  /** Discount factor used for the valuation below. */
  readonly discount: number;
  /** Σ_t δ^t (π_dev(t) − π_base(t)) for the deviator over an effectively infinite horizon. */
  readonly discountedGain: number;
  /** Whether that discounted gain is positive (the deviation paid). */
  readonly deviationPaid: boolean;
}

/** Where play goes after a deviation. */
export interface PostDeviationCycle {
  /** Whether it is the pre-deviation cycle (in some phase). */
  readonly same: boolean;
  /** Periods after the deviation period before the cycle is entered. */
  readonly enteredAfter: number;
  readonly length: number;
  /** Its session profit gain Δ (mean over firms of the cycle-average Δ_i). */
  readonly profitGain: number;
  /** Per firm: mean price over it. */
  readonly meanPrices: number[];
}

/** Options of a deviation probe. */
export interface ProbeOptions {
  /** Periods recorded after the deviation period (≥ 1; the paper plots about 15–25). */
  readonly horizon: number;
  /** The deviator's discount factor, for the discounted valuation. */
  readonly discount: number;
}

/**
 * Force `deviator` to its static best response for one period in `cycle.states[phase]`, then let
 * all firms play greedily. `cycle` must be a limit cycle of the same greedy tables.
 */
export function deviationProbe(
  game: MarketGame,
  greedy: readonly Int32Array[],
  cycle: LimitCycle,
  deviator: number,
  options: ProbeOptions,
  phase = 0,
): DeviationProbe {
  const { horizon, discount } = options;
  const n = game.n;
  const L = cycle.length;
  const start = cycle.states[phase]!;
  const acts = new Int32Array(n);
  greedyJoint(game, greedy, start, acts);
  const greedyAction = acts[deviator]!;
  const deviationAction = staticBestResponse(game, deviator, acts);
  // Value the deviation over an effectively infinite horizon: until δ^T < 1e-16 (T ≥ horizon).
  const valuationPeriods = discount > 0 ? Math.min(10_000_000, Math.max(horizon + 1, Math.ceil(Math.log(1e-16) / Math.log(discount)))) : horizon + 1;
  const cycleIndex = new Map(cycle.states.map((st, k) => [st, k]));
  const prices: number[][] = [];
  const profits: number[][] = [];
  const baselinePrices: number[][] = [];
  const baselineProfits: number[][] = [];
  const pathJoint: number[] = [];
  let s = start;
  let discountedGain = 0;
  let weight = 1;
  let firstOnCycle = -1;
  for (let t = 0; t < valuationPeriods; t++) {
    let j = greedyJoint(game, greedy, s, acts);
    if (t === 0) {
      acts[deviator] = deviationAction;
      j = encodeJoint(acts, game.m);
    }
    const base = cycle.jointActions[(phase + t) % L]!;
    discountedGain += weight * (game.expectedProfit[j * n + deviator]! - game.expectedProfit[base * n + deviator]!);
    weight *= discount;
    if (t <= horizon) {
      prices.push(pricesOf(game, acts));
      profits.push(profitsOf(game, j));
      baselinePrices.push(cycle.prices[(phase + t) % L]!.slice());
      baselineProfits.push(cycle.profits[(phase + t) % L]!.slice());
    }
    pathJoint.push(j);
    s = nextState(game, s, j);
    if (firstOnCycle < 0 && cycleIndex.has(s)) firstOnCycle = t + 1;
  }
  // Prices follow the cycle from period r on iff the path's joint actions from r match the cycle
  // (in some phase). Once a cycle state is reached they do; walk back from there.
  let returnPeriod: number | null = null;
  if (firstOnCycle >= 0) {
    let ph = cycleIndex.get(nextStateAt(game, pathJoint, start, firstOnCycle))!;
    let r = firstOnCycle;
    while (r - 1 >= 1) {
      ph = (ph - 1 + L) % L;
      if (pathJoint[r - 1] !== cycle.jointActions[ph]) break;
      r--;
    }
    returnPeriod = r;
  }
  let punishmentDepth = 0;
  for (let t = 1; t <= horizon; t++) {
    let cut = 0;
    for (let i = 0; i < n; i++) if (i !== deviator) cut += (baselinePrices[t]![i]! - prices[t]![i]!) / Math.max(1, n - 1);
    punishmentDepth = Math.max(punishmentDepth, cut);
  }
  const prev = cycle.prices[(phase - 1 + L) % L]!;
  const after = limitCycle(game, greedy, nextState(game, start, pathJoint[0]!));
  const postCycle: PostDeviationCycle = {
    same: after.states.some((st) => cycleIndex.has(st)),
    enteredAfter: after.preCycleLength,
    length: after.length,
    profitGain: after.profitGain,
    meanPrices: after.meanPrices,
  };
  return {
    deviator,
    startState: start,
    horizon,
    greedyAction,
    deviationAction,
    nullDeviation: deviationAction === greedyAction,
    preDeviationPrices: prev.slice(),
    prices,
    profits,
    baselinePrices,
    baselineProfits,
    deviationGain: profits[0]![deviator]! - baselineProfits[0]![deviator]!,
    punishmentDepth,
    returnPeriod,
    returnsToCycle: firstOnCycle >= 0,
    phase,
    postCycle,
    discount,
    discountedGain,
    deviationPaid: discountedGain > 1e-12,
  };
}

/** The state reached after playing the first `t` joint actions of `path` from `start`. */
function nextStateAt(game: MarketGame, path: readonly number[], start: number, t: number): number {
  let s = start;
  for (let k = 0; k < t; k++) s = nextState(game, s, path[k]!);
  return s;
}

/** Everything the analysis says about one converged session. */
export interface MarketOutcome {
  readonly cycle: LimitCycle;
  /** Probes by firm (firm 0's first), one per cycle phase with a real deviation (see the header). */
  readonly probes: DeviationProbe[];
  /** Unilateral retraining of every firm against its frozen rivals (retrain.ts), when run. */
  readonly retraining?: RetrainResult[];
}

/** Most probes per firm (one per cycle phase with a real deviation, in phase order). */
export const MAX_PROBES_PER_FIRM = 8;

/** The cycle phases at which firm i's static best response differs from its greedy price (at most `max`; [0] if none does). */
export function realDeviationPhases(game: MarketGame, cycle: LimitCycle, i: number, max = MAX_PROBES_PER_FIRM): number[] {
  const phases: number[] = [];
  for (let k = 0; k < cycle.length && phases.length < max; k++) {
    const acts = cycle.priceIndices[k]!;
    if (staticBestResponse(game, i, acts) !== acts[i]) phases.push(k);
  }
  return phases.length > 0 ? phases : [0];
}

/**
 * Limit cycle from `finalState`, a deviation probe for every firm (see the header for the phase)
 * and, given the learners' Q tables (an entry may be null: that firm retrains from zeros), the
 * unilateral retraining of every firm (retrain.ts; its streams derive from `finalState`).
 */
export function analyseOutcome(
  game: MarketGame,
  greedy: readonly Int32Array[],
  finalState: number,
  discounts: readonly number[],
  horizon = 25,
  qTables?: readonly (Float64Array | null)[],
): MarketOutcome {
  const cycle = limitCycle(game, greedy, finalState);
  const probes = Array.from({ length: game.n }, (_, i) =>
    realDeviationPhases(game, cycle, i).map((k) => deviationProbe(game, greedy, cycle, i, { horizon, discount: discounts[i]! }, k)),
  ).flat();
  if (!qTables) return { cycle, probes };
  return { cycle, probes, retraining: retrainAll(game, greedy, cycle, qTables, discounts, finalState) };
}
