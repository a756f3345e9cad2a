/**
 * Across-session statistics of Calvano sessions, in the paper's terms: mean profit gain Δ with its
 * SD and a 95% Student-t interval, share converged, periods to convergence, the distribution of
 * limit-cycle lengths, and the mean impulse response of prices and profits to a one-period
 * deviation (firm 0 deviating, as in the paper's Figure 4).
 */
import type { SessionResult } from './session.js';

/** Mean, SD and 95% Student-t interval of a sample. */
export interface Estimate {
  readonly mean: number;
  readonly sd: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly n: number;
}

/** The two-sided 95% Student-t quantile t_{0.975, df} (table for df ≤ 4, Cornish–Fisher expansion above; error < 1e-4). */
export function tQuantile975(df: number): number {
  const small = [Infinity, 12.7062047, 4.30265273, 3.18244631, 2.77644511];
  if (df < 5) return small[Math.max(0, Math.floor(df))]!;
  const z = 1.959963984540054;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  const z9 = z ** 9;
  return (
    z +
    (z3 + z) / (4 * df) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3) +
    (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * df ** 4)
  );
}

/** Mean, sample SD and 95% t interval of `xs` (NaN SD/interval for fewer than two values). */
export function estimate(xs: readonly number[]): Estimate {
  const n = xs.length;
  const mean = n > 0 ? xs.reduce((a, b) => a + b, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : NaN;
  const half = n > 1 ? (tQuantile975(n - 1) * sd) / Math.sqrt(n) : NaN;
  return { mean, sd, ciLow: mean - half, ciHigh: mean + half, n };
}

/** Mean impulse response of prices and profits to firm 0's one-period deviation. */
export interface MeanImpulseResponse {
  readonly deviator: number;
  /** Sessions averaged (all sessions; null deviations included, see `shareNullDeviation`). */
  readonly sessions: number;
  /** Per firm: mean price of the period before the deviation. */
  readonly preDeviationPrices: number[];
  /** [t][firm] mean price and profit, t = 0 the deviation period. */
  readonly prices: number[][];
  readonly profits: number[][];
  /** [t][firm] mean of the no-deviation path. */
  readonly baselinePrices: number[][];
  /** Share of sessions whose prices are back on the pre-deviation cycle within the probe's valuation horizon. */
  readonly shareReturned: number;
  /** Mean period (after the deviation) from which prices follow the pre-deviation cycle again, over returning sessions. */
  readonly meanReturnPeriod: number;
  /** Share of sessions where the rivals cut prices after the deviation. */
  readonly sharePunished: number;
  /** Mean largest cut of the rivals' price below the no-deviation path. */
  readonly meanPunishmentDepth: number;
  /** Share of sessions where the deviation paid in discounted terms. */
  readonly shareDeviationPaid: number;
  /** Share of sessions where the static best response was the greedy price (no deviation possible). */
  readonly shareNullDeviation: number;
}

/** Across-session summary. */
export interface CalvanoSummary {
  readonly sessions: number;
  /** Session Δ (mean over firms of the cycle-average profit gain). */
  readonly profitGain: Estimate;
  /** Mean over firms and cycle of prices, per session. */
  readonly meanPrice: Estimate;
  readonly shareConverged: number;
  /** Periods to convergence (last strategy change) over converged sessions. */
  readonly periodsToConvergence: Estimate;
  /** Limit-cycle length → share of sessions (keys "1", "2", …; lengths above 9 pooled as "10+"). */
  readonly cycleLengthShares: Record<string, number>;
  readonly impulseResponse: MeanImpulseResponse;
}

function meanRows(rows: readonly number[][][]): number[][] {
  const T = rows[0]!.length;
  const n = rows[0]![0]!.length;
  return Array.from({ length: T }, (_, t) => Array.from({ length: n }, (_, i) => rows.reduce((acc, r) => acc + r[t]![i]!, 0) / rows.length));
}

/** Summarise sessions (all from the same spec). */
export function summariseSessions(results: readonly SessionResult[]): CalvanoSummary {
  if (results.length === 0) throw new RangeError('summariseSessions: no sessions');
  const converged = results.filter((r) => r.converged);
  const cycleLengthShares: Record<string, number> = {};
  for (const r of results) {
    const key = r.outcome.cycle.length >= 10 ? '10+' : String(r.outcome.cycle.length);
    cycleLengthShares[key] = (cycleLengthShares[key] ?? 0) + 1 / results.length;
  }
  const probes = results.map((r) => r.outcome.probes[0]!);
  const returned = probes.filter((p) => p.returnPeriod !== null);
  const share = (pred: (p: (typeof probes)[number]) => boolean): number => probes.filter(pred).length / probes.length;
  return {
    sessions: results.length,
    profitGain: estimate(results.map((r) => r.outcome.cycle.profitGain)),
    meanPrice: estimate(results.map((r) => r.outcome.cycle.meanPrice)),
    shareConverged: converged.length / results.length,
    periodsToConvergence: estimate(converged.map((r) => r.periodsToConvergence)),
    cycleLengthShares,
    impulseResponse: {
      deviator: 0,
      sessions: probes.length,
      preDeviationPrices: meanRows(probes.map((p) => [p.preDeviationPrices]))[0]!,
      prices: meanRows(probes.map((p) => p.prices)),
      profits: meanRows(probes.map((p) => p.profits)),
      baselinePrices: meanRows(probes.map((p) => p.baselinePrices)),
      shareReturned: returned.length / probes.length,
      meanReturnPeriod: returned.length > 0 ? returned.reduce((a, p) => a + p.returnPeriod!, 0) / returned.length : NaN,
      sharePunished: share((p) => p.punishmentDepth > 1e-12),
      meanPunishmentDepth: probes.reduce((a, p) => a + p.punishmentDepth, 0) / probes.length,
      shareDeviationPaid: share((p) => p.deviationPaid),
      shareNullDeviation: share((p) => p.nullDeviation),
    },
  };
}
