/**
 * Across-session statistics of Calvano sessions, in the paper's terms: mean profit gain Δ with its
 * SD and a 95% Student-t interval, share converged, periods to convergence, the distribution of
 * limit-cycle lengths, and the mean impulse response of prices and profits to a one-period
 * deviation (firm 0 deviating, as in the paper's Figure 4).
 */
import { sd, tInterval } from '../../../src/stats/descriptive.js';
import type { SessionResult } from './session.js';

/** Mean, SD and 95% Student-t interval of a sample. */
export interface Estimate {
  readonly mean: number;
  readonly sd: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly n: number;
}

/** Mean, sample SD and 95% t interval of `xs` (NaN SD/interval for fewer than two values). */
export function estimate(xs: readonly number[]): Estimate {
  const n = xs.length;
  if (n < 2) return { mean: n > 0 ? xs[0]! : NaN, sd: NaN, ciLow: NaN, ciHigh: NaN, n };
  const { estimate: mean, low, high } = tInterval(xs, 0.95);
  return { mean, sd: sd(xs), ciLow: low, ciHigh: high, n };
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
