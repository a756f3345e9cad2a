/**
 * Exact optimal echelon base-stock levels of a serial inventory system with discrete demand:
 * Clark & Scarf (1960)'s decomposition, computed with Chen & Zheng (1994)'s recursion (in the
 * form of Gallego & Zipkin 1999 and Snyder & Shen, Fundamentals of Supply Chain Theory, §6.2).
 *
 * Stages 1..N, stage 1 faces customers, stage j orders from j+1, stage N from an outside supplier
 * with ample stock. Costs per period: echelon holding h_j ≥ 0 per unit of echelon j's inventory
 * level (everything at or below stage j, including goods in transit between those stages, minus
 * customer backorders) and b per unit of customer backorder. Equivalently installation holding
 * H_j = Σ_{k≥j} h_k on stock at stage j and on goods in transit into stage j−1, plus b per
 * backorder. With D_j the demand over stage j's lead time:
 *
 *   C_0(x) = (b + H_1) · max(−x, 0)
 *   Ĉ_j(x) = h_j · x + C_{j−1}(min(S_{j−1}, x))        (min omitted for j = 1)
 *   C̲_j(y) = E Ĉ_j(y − D_j),   S_j = argmin_y C̲_j(y),   optimal cost = C̲_N(S_N)
 *
 * Functions live on the integer grid; below the grid every function is linear (x ≤ 0 there and
 * nothing saturates), so reading below it extrapolates the last slope exactly.
 */

/** A serial chain in the literature's terms. */
export interface SerialChain {
  /** Echelon holding cost per unit per period, stage 1 (customer-facing) first; each ≥ 0. */
  readonly echelonHolding: readonly number[];
  /** Cost per unit of customer backorder per period. */
  readonly backorderCost: number;
  /** Per stage: the probability mass function of demand over its lead time (index = units). */
  readonly leadTimeDemand: readonly Float64Array[];
}

/** The optimum. */
export interface SerialOptimum {
  /** Optimal echelon base-stock level per stage (stage 1 first), made nondecreasing upstream (S_j := min_{k≥j} S_k, same cost). */
  readonly levels: number[];
  /** Long-run expected cost per period at those levels, goods in transit charged as above. */
  readonly cost: number;
}

/** Relative tolerance under which two costs count as tied; ties go to the smaller level. */
const TIE = 1e-12;

/** Solve a serial chain exactly. */
export function optimalEchelonBaseStock(chain: SerialChain): SerialOptimum {
  const { levels, cost } = recursion(chain, undefined);
  for (let j = levels.length - 2; j >= 0; j--) levels[j] = Math.min(levels[j]!, levels[j + 1]!);
  return { levels, cost };
}

/** Expected cost per period of echelon base-stock `levels` (any integer levels), by the same recursion without the argmin. */
export function echelonBaseStockCost(chain: SerialChain, levels: readonly number[]): number {
  if (levels.length !== chain.echelonHolding.length) throw new RangeError('serial chain: one level per stage');
  return recursion(chain, levels).cost;
}

/** The recursion of the header; with `fixed`, S_j = fixed[j] instead of the argmin. */
function recursion(chain: SerialChain, fixed: readonly number[] | undefined): SerialOptimum {
  const n = chain.echelonHolding.length;
  if (n === 0 || chain.leadTimeDemand.length !== n) throw new RangeError('serial chain: one echelon holding cost and one lead-time demand pmf per stage');
  if (!(chain.backorderCost > 0)) throw new RangeError(`serial chain: backorder cost must be > 0, got ${chain.backorderCost}`);
  const H1 = chain.echelonHolding.reduce((a, b) => a + b, 0);
  const total = chain.leadTimeDemand.reduce((a, p) => a + p.length - 1, 0);
  // Grid x ∈ [lo, hi]: every optimum lies in [0, Σ dMax] (beyond it no demand path reaches a backorder).
  const lo = -total - 1 - (fixed ? Math.max(0, -Math.min(...fixed)) : 0);
  const hi = total + 1 + (fixed ? Math.max(0, ...fixed) : 0);
  const size = hi - lo + 1;
  let prev = new Float64Array(size); // C_{j−1}(min(S_{j−1}, x)) on the grid
  for (let x = lo; x <= hi; x++) prev[x - lo] = (chain.backorderCost + H1) * Math.max(-x, 0);
  const levels: number[] = [];
  let cost = 0;
  for (let j = 0; j < n; j++) {
    const h = chain.echelonHolding[j]!;
    if (!(h >= 0)) throw new RangeError(`serial chain: echelon holding cost of stage ${j + 1} must be ≥ 0, got ${h}`);
    const pmf = chain.leadTimeDemand[j]!;
    const below = prev;
    const slope = below[1]! - below[0]!;
    // Ĉ_j(x); below the grid, extend linearly (exact there, see the header).
    const hat = (x: number): number => h * x + (x >= lo ? below[x - lo]! : below[0]! + slope * (x - lo));
    const cur = new Float64Array(size);
    let best = Infinity;
    let arg = 0;
    for (let y = lo; y <= hi; y++) {
      let e = 0;
      for (let d = 0; d < pmf.length; d++) {
        const p = pmf[d]!;
        if (p !== 0) e += p * hat(y - d);
      }
      cur[y - lo] = e;
      if (!fixed && y >= 0 && (best === Infinity || e < best - TIE * Math.abs(best))) ((best = e), (arg = y));
    }
    if (fixed) ((arg = Math.round(fixed[j]!)), (best = cur[arg - lo]!));
    levels.push(arg);
    cost = best;
    // C_j(min(S_j, x)) for the next stage.
    for (let x = arg + 1; x <= hi; x++) cur[x - lo] = best;
    prev = cur;
  }
  return { levels, cost };
}

/** Poisson(mean) pmf, truncated once the terms fall below 1e-18 past the mode (the last cell holds the rest of the mass). */
export function poissonPmf(mean: number): Float64Array {
  if (!(mean >= 0) || mean > 700) throw new RangeError(`poisson mean must be in [0, 700], got ${mean}`);
  const out: number[] = [];
  let p = Math.exp(-mean);
  let cdf = 0;
  for (let k = 0; ; k++) {
    if (k > 0) p *= mean / k;
    out.push(p);
    cdf += p;
    if (k > mean + 1 && p < 1e-18) break;
  }
  out[out.length - 1]! += Math.max(0, 1 - cdf);
  return Float64Array.from(out);
}

/** The pmf of the sum of `n` independent draws from `pmf` (n ≥ 0; n = 0 gives the point mass at 0). */
export function convolvePower(pmf: Float64Array, n: number): Float64Array {
  let acc = Float64Array.of(1);
  for (let k = 0; k < n; k++) {
    const next = new Float64Array(acc.length + pmf.length - 1);
    for (let i = 0; i < acc.length; i++) {
      const a = acc[i]!;
      if (a === 0) continue;
      for (let d = 0; d < pmf.length; d++) next[i + d]! += a * pmf[d]!;
    }
    acc = next;
  }
  return acc;
}
