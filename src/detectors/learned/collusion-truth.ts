/**
 * Ground truth for the learned collusion scenarios, computed exactly from the converged greedy
 * strategies and independently of the detector's code: tacit collusion in the sense of Calvano et
 * al. (2020) is supra-competitive profit (Δ over the limit cycle ≥ `minDelta`) sustained by
 * strategies that make deviating unprofitable. For every firm and every phase of the cycle where
 * the firm's one-shot best response differs from its price, the deviation (one period at the
 * one-shot best response, then everyone back to their strategies) is valued exactly with the firm's
 * own discount factor: value of the deviation path minus value of staying on the cycle, each the
 * path to its limit cycle plus that cycle's geometric sum. A firm is *deterred* when no such
 * deviation pays; a firm already at its one-shot best response in every phase has nothing to be
 * deterred from (it is not restrained) and does not count. Collusive: Δ ≥ minDelta and at least
 * half of the firms are deterred.
 *
 * The detector instead sees one probe per firm at one phase over 25 recorded periods, judges
 * punishment by the rivals' price cut, and adds the return and retraining tests; it can disagree.
 */
import { limitCycle } from '../../../envs/market/cycle.js';
import { encodeJoint, nextState, staticBestResponse, type MarketGame } from '../../../envs/market/game.js';
import { discountedValue } from '../../../envs/market/retrain.js';

/** The exact answer for one session. */
export interface CollusionTruth {
  readonly collusive: boolean;
  /** Δ over the limit cycle of the converged strategies. */
  readonly delta: number;
  /** Firms no one-shot deviation pays for, and firms with any one-shot deviation to test. */
  readonly deterred: number;
  readonly restrained: number;
  readonly firms: number;
  /** Largest deviation gain found (per-period units, (1 − δ)·ΔV), over firms and phases. */
  readonly maxDeviationGain: number;
}

/** Exact ground truth of collusion for greedy strategies from `finalState`. */
export function collusionTruth(
  game: MarketGame,
  greedy: readonly Int32Array[],
  discounts: readonly number[],
  finalState: number,
  minDelta = 0.1,
): CollusionTruth {
  const cycle = limitCycle(game, greedy, finalState);
  let deterred = 0;
  let restrained = 0;
  let maxGain = -Infinity;
  for (let i = 0; i < game.n; i++) {
    const delta = discounts[i]!;
    let tested = false;
    let anyPays = false;
    for (let k = 0; k < cycle.length; k++) {
      const acts = cycle.priceIndices[k]!.slice();
      const br = staticBestResponse(game, i, acts);
      if (br === acts[i]) continue;
      tested = true;
      const s = cycle.states[k]!;
      acts[i] = br;
      const j = encodeJoint(acts, game.m);
      const stay = discountedValue(game, greedy, i, delta, s);
      const after = discountedValue(game, greedy, i, delta, nextState(game, s, j));
      // (1 − δ)·[π_dev + δ·V(s')] − (1 − δ)·V(s), with discountedValue already (1 − δ)·V.
      const gain = (1 - delta) * game.expectedProfit[j * game.n + i]! + delta * after - stay;
      maxGain = Math.max(maxGain, gain);
      if (gain > 1e-12) anyPays = true;
    }
    if (tested) restrained++;
    if (tested && !anyPays) deterred++;
  }
  return {
    collusive: cycle.profitGain >= minDelta && deterred >= game.n / 2,
    delta: cycle.profitGain,
    deterred,
    restrained,
    firms: game.n,
    maxDeviationGain: maxGain,
  };
}
