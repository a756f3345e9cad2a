/**
 * The exploration schedule of tabular Q-learning as in Calvano et al. (2020): ε_t = exp(−β·t),
 * evaluated in blocks. Its own module because two implementations must agree on it bit for bit:
 * the tabular-q policy (policies/tabular-q.ts) and the market's fused kernels
 * (envs/market/fast-session.ts, envs/market/retrain.ts). Both import it from here, so a world
 * never imports a learner.
 */

/** Periods per block of the exploration schedule (a power of two, so t mod block is a mask in the kernel). */
export const EXPLORATION_BLOCK = 1024;

/** exp(−β·r) for r = 0 … EXPLORATION_BLOCK − 1: the within-block factors of the schedule. */
export function explorationFactors(beta: number): Float64Array {
  return Float64Array.from({ length: EXPLORATION_BLOCK }, (_, r) => Math.exp(-beta * r));
}

/**
 * ε_t = exp(−β·t), evaluated as exp(−β·b)·exp(−β·r) with b = t − r the start of t's block and
 * r = t mod EXPLORATION_BLOCK (`factors` from explorationFactors). Agrees with Math.exp(−β·t)
 * to a relative 1e-14 wherever ε > 1e-17 (the two round their arguments differently); evaluated
 * this way so the fused market kernel needs one Math.exp per block instead of one per period
 * (Math.exp was ~15% of a period there), while both paths stay bit-identical.
 */
export function explorationRate(beta: number, t: number, factors: Float64Array): number {
  const r = t % EXPLORATION_BLOCK;
  return Math.exp(-beta * (t - r)) * factors[r]!;
}
