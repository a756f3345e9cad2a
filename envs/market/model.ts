/**
 * The economics of the market world, independent of any learner: logit demand with an outside
 * good, and the two static benchmarks every result is measured against, solved numerically from
 * the demand system (never hard-coded):
 *
 *  - the one-shot Bertrand–Nash equilibrium: best-response iteration, each best response the root
 *    of the firm's first-order condition found by bisection;
 *  - the joint-profit maximum (the cartel / monopoly prices): coordinate ascent on joint profit,
 *    each coordinate the root of ∂J/∂p_i by bisection.
 *
 * Both work with per-firm qualities and costs and with a two-point demand shock on the outside
 * good (a0 ± shock with equal probability), maximising *expected* profit in that case. The logit
 * profit is single-peaked in a firm's own price (its derivative changes sign once), and so is joint
 * profit in each coordinate, which is what makes bisection on the derivative safe.
 */

/** The demand system. */
export interface DemandSystem {
  /** Number of firms. */
  readonly n: number;
  /** Per firm: product quality a_i. */
  readonly a: readonly number[];
  /** Outside-good quality a0 (its mean when shocked). */
  readonly a0: number;
  /** Horizontal differentiation μ (> 0); μ → 0 is perfect substitutes. */
  readonly mu: number;
  /** Per firm: marginal cost c_i. */
  readonly cost: readonly number[];
  /** Size of the two-point shock on a0 (0: no shock). */
  readonly shock: number;
}

/** Prices and the per-firm expected profits they give. */
export interface PriceProfile {
  readonly prices: number[];
  readonly profits: number[];
}

/** The outside-good qualities the shock can produce, each equally likely. */
export function shockLevels(d: DemandSystem): number[] {
  return d.shock > 0 ? [d.a0 + d.shock, d.a0 - d.shock] : [d.a0];
}

/**
 * Logit shares q_i = exp((a_i − p_i)/μ) / (Σ_j exp((a_j − p_j)/μ) + exp(a0/μ)) written into `q`.
 * Exponents are shifted by their maximum so large a/μ does not overflow.
 */
export function logitShares(d: DemandSystem, prices: ArrayLike<number>, a0: number, q: Float64Array): void {
  const n = d.n;
  let top = a0 / d.mu;
  for (let j = 0; j < n; j++) top = Math.max(top, (d.a[j]! - prices[j]!) / d.mu);
  let denom = Math.exp(a0 / d.mu - top);
  for (let j = 0; j < n; j++) {
    const e = Math.exp((d.a[j]! - prices[j]!) / d.mu - top);
    q[j] = e;
    denom += e;
  }
  for (let j = 0; j < n; j++) q[j] = q[j]! / denom;
}

/** Consumer surplus of the logit model, μ·log(Σ_j exp((a_j − p_j)/μ) + exp(a0/μ)), for one a0. */
export function consumerSurplus(d: DemandSystem, prices: ArrayLike<number>, a0: number): number {
  let top = a0 / d.mu;
  for (let j = 0; j < d.n; j++) top = Math.max(top, (d.a[j]! - prices[j]!) / d.mu);
  let sum = Math.exp(a0 / d.mu - top);
  for (let j = 0; j < d.n; j++) sum += Math.exp((d.a[j]! - prices[j]!) / d.mu - top);
  return d.mu * (top + Math.log(sum));
}

/** Per-firm expected profits (p_i − c_i)·E[q_i] at `prices`, written into `out`. */
export function expectedProfits(d: DemandSystem, prices: ArrayLike<number>, out: Float64Array): void {
  const q = new Float64Array(d.n);
  const levels = shockLevels(d);
  out.fill(0);
  for (const a0 of levels) {
    logitShares(d, prices, a0, q);
    for (let i = 0; i < d.n; i++) out[i] = out[i]! + ((prices[i]! - d.cost[i]!) * q[i]!) / levels.length;
  }
}

/** ∂E[π_i]/∂p_i = E[q_i·(1 − (p_i − c_i)(1 − q_i)/μ)]. */
function ownProfitSlope(d: DemandSystem, prices: Float64Array, i: number, q: Float64Array): number {
  const levels = shockLevels(d);
  let slope = 0;
  for (const a0 of levels) {
    logitShares(d, prices, a0, q);
    slope += q[i]! * (1 - ((prices[i]! - d.cost[i]!) * (1 - q[i]!)) / d.mu);
  }
  return slope;
}

/** ∂E[Σ_j π_j]/∂p_i = E[q_i·(1 − ((p_i − c_i) − Σ_j (p_j − c_j) q_j)/μ)]. */
function jointProfitSlope(d: DemandSystem, prices: Float64Array, i: number, q: Float64Array): number {
  const levels = shockLevels(d);
  let slope = 0;
  for (const a0 of levels) {
    logitShares(d, prices, a0, q);
    let avgMarkup = 0;
    for (let j = 0; j < d.n; j++) avgMarkup += (prices[j]! - d.cost[j]!) * q[j]!;
    slope += q[i]! * (1 - (prices[i]! - d.cost[i]! - avgMarkup) / d.mu);
  }
  return slope;
}

/**
 * The root in p_i of a slope that is positive below it and negative above it, by bisection.
 * The bracket starts at [c_i − μ·span, c_i + μ·span] and widens until the signs straddle.
 */
function bisectSlope(d: DemandSystem, prices: Float64Array, i: number, q: Float64Array, slope: typeof ownProfitSlope): number {
  const original = prices[i]!;
  let lo = d.cost[i]! - d.mu;
  let hi = d.cost[i]! + 4 * d.mu;
  const at = (p: number): number => {
    prices[i] = p;
    return slope(d, prices, i, q);
  };
  for (let k = 0; at(lo) <= 0; k++) {
    if (k > 200) throw new Error(`market benchmarks: no price with positive profit slope found for firm ${i}`);
    lo -= (hi - lo) * 2;
  }
  for (let k = 0; at(hi) >= 0; k++) {
    if (k > 200) throw new Error(`market benchmarks: no price with negative profit slope found for firm ${i}`);
    hi += (hi - lo) * 2;
  }
  for (let k = 0; k < 200; k++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (at(mid) > 0) lo = mid;
    else hi = mid;
  }
  prices[i] = original;
  return 0.5 * (lo + hi);
}

/**
 * Iterate per-coordinate maximisation until no price moves (or moves below 1e-14 after 50 sweeps). For Nash each
 * coordinate is a best response; for the joint maximum it is coordinate ascent on joint profit.
 */
function coordinateFixedPoint(d: DemandSystem, slope: typeof ownProfitSlope, what: string): PriceProfile {
  const prices = Float64Array.from(d.cost, (c) => c + d.mu);
  const q = new Float64Array(d.n);
  for (let sweep = 0; sweep < 100_000; sweep++) {
    let moved = 0;
    for (let i = 0; i < d.n; i++) {
      const p = bisectSlope(d, prices, i, q, slope);
      moved = Math.max(moved, Math.abs(p - prices[i]!));
      prices[i] = p;
    }
    // Stop on an exact fixed point (or sub-ulp chatter), so symmetric firms get bit-identical prices.
    if (moved === 0 || (sweep >= 50 && moved < 1e-14)) {
      const profits = new Float64Array(d.n);
      expectedProfits(d, prices, profits);
      return { prices: Array.from(prices), profits: Array.from(profits) };
    }
  }
  throw new Error(`market benchmarks: ${what} did not converge in 100000 sweeps (check a, mu, cost)`);
}

/** The one-shot Bertrand–Nash equilibrium prices and expected profits. */
export function bertrandNash(d: DemandSystem): PriceProfile {
  return coordinateFixedPoint(d, ownProfitSlope, 'Bertrand–Nash best-response iteration');
}

/** The joint-profit-maximising (monopoly / perfect-cartel) prices and expected profits. */
export function jointProfitMaximum(d: DemandSystem): PriceProfile {
  return coordinateFixedPoint(d, jointProfitSlope, 'joint-profit maximisation');
}

/** The residual of firm i's Nash first-order condition at `prices` (0 at an equilibrium); for tests. */
export function nashResidual(d: DemandSystem, prices: readonly number[], i: number): number {
  return ownProfitSlope(d, Float64Array.from(prices), i, new Float64Array(d.n));
}

/** The residual of the joint-profit first-order condition in p_i (0 at the maximum); for tests. */
export function jointResidual(d: DemandSystem, prices: readonly number[], i: number): number {
  return jointProfitSlope(d, Float64Array.from(prices), i, new Float64Array(d.n));
}
