/**
 * collusion (markets): are prices supra-competitive, and if so, is that sustained by punishing
 * deviations (tacit collusion in the sense of Calvano et al. 2020) or just high prices?
 *
 *  1. Supra-competitive: the profit gain Δ = (π − π_Nash)/(π_monopoly − π_Nash) (`kpi/profitGain`)
 *     is persistently above `minDelta` over a window: the AR(1)-corrected one-sided test of its
 *     mean rejects at alpha / (scan positions) and at least `persistence` of the window's rows are
 *     above `minDelta`. Scanned online; the run's classification uses the final window.
 *  2. Deviation probes (from the market: fork the converged state, force one firm to its static
 *     best response for one period, let everyone play on for ≥ 15 periods): a probe shows
 *     *punishment* when the rivals' prices fall after the deviation by at least `minPunishment` of
 *     the pre-deviation margin over Nash (of the price when Nash is unknown) within `punishWindow`
 *     periods *and* the deviation does not pay over the horizon (discounted profit of the deviator
 *     below the no-deviation path); it shows *return* when every firm's price over the last
 *     `returnWindow` periods is back within `returnTolerance` of that scale.
 *  3. Classification: `collusive` = supra-competitive and at least `minProbeShare` of probes show
 *     punishment and return; supra-competitive otherwise is `supra-competitive-not-shown-collusive`
 *     (also when no probe was run); else `competitive`.
 *  4. Price parallelism: correlation of first differences of prices across firms in the final
 *     window (Bartlett-corrected test), reported as evidence; common demand shocks also cause it.
 */
import { z } from 'zod';
import { acf, correlation, diff } from '../stats/descriptive.js';
import { normalSf } from '../stats/distributions.js';
import { meanTest, type MeanTest } from '../stats/mean-test.js';
import type { Ledger } from './ledger.js';
import { EpisodeTracker, isScanEnd, scanPositions, windowOf } from './scan.js';
import { defineDetector, type DetectorContext, type Finding, type OnlineDetector } from './types.js';

/** Minimum periods a deviation probe must record after the deviation. */
export const MIN_PROBE_PERIODS = 15;

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
}

/** Params of the collusion detector (`detectors.collusion`). */
export const collusionParams = z
  .object({
    deltaKey: z.string().min(1).default('kpi/profitGain').describe('Metrics key of the profit gain Δ (0 at Nash, 1 at monopoly)'),
    priceKey: z.string().min(1).default('action/{agent}').describe('Metrics key of a firm’s price; {agent} is replaced by the firm id (e.g. market/price/{agent})'),
    firms: z.array(z.string().min(1)).default([]).describe('Firm ids; empty means every agent of the run'),
    window: z.number().int().min(8).default(50).describe('Metrics rows per tested window'),
    stride: z.number().int().positive().optional().describe('Rows between tested windows (default: half the window)'),
    alpha: z.number().gt(0).max(0.5).default(0.05).describe('False-alarm budget of the supra-competitive test over the whole run'),
    minDelta: z.number().default(0.1).describe('Profit gain Δ that counts as above the competitive benchmark (Δ = 0)'),
    persistence: z.number().min(0).max(1).default(0.8).describe('Share of a window’s rows that must have Δ above minDelta'),
    punishWindow: z.number().int().positive().default(5).describe('Periods after the deviation in which rivals must cut prices'),
    minPunishment: z.number().positive().default(0.1).describe('Smallest rival price cut that counts as punishment, as a fraction of the pre-deviation margin over Nash (of the price without Nash prices)'),
    discount: z.number().gt(0).max(1).default(0.95).describe('Discount factor used to decide whether the deviation paid'),
    returnWindow: z.number().int().positive().default(3).describe('Last periods of the probe over which prices must be back'),
    returnTolerance: z.number().positive().default(0.15).describe('How close (same scale as minPunishment) prices must come back to their pre-deviation level'),
    requireReturn: z.boolean().default(true).describe('Whether collusion requires prices to return after punishing (false also accepts grim-trigger-like permanent punishment)'),
    minProbeShare: z.number().gt(0).max(1).default(0.5).describe('Share of probes that must show punishment (and return) for a collusive verdict'),
    minParallelism: z.number().min(0).max(1).default(0.5).describe('Correlation of price changes across firms reported as price parallelism'),
  })
  .strict();

/** Resolved collusion params. */
export type CollusionParams = z.infer<typeof collusionParams>;

/** What one probe showed. */
export interface ProbeAssessment {
  readonly deviator: string;
  readonly step: number | null;
  /** Deviator's profit gain in the deviation period versus the no-deviation reference. */
  readonly immediateGain: number;
  /** Deviator's discounted profit over the probe minus the no-deviation reference (negative: the deviation did not pay). */
  readonly discountedGain: number;
  /** Largest mean rival price cut within punishWindow, in units of the scale. */
  readonly rivalCut: number;
  /** Largest absolute price gap from the pre-deviation level over the last returnWindow periods, in units of the scale. */
  readonly returnGap: number;
  readonly punished: boolean;
  readonly returned: boolean;
  readonly collusive: boolean;
  /** Price scale used (margin over Nash, or price). */
  readonly scale: number;
  /** Prices per period (t = 0 is the deviation), per firm, for plots. */
  readonly prices: readonly (readonly number[])[];
}

/** Assess one probe (throws on a probe shorter than MIN_PROBE_PERIODS). */
export function assessProbe(probe: DeviationProbeResult, params: CollusionParams): ProbeAssessment {
  const H = probe.prices.length;
  if (H < MIN_PROBE_PERIODS) throw new RangeError(`deviation probe of ${probe.deviator} records ${H} periods; at least ${MIN_PROBE_PERIODS} are needed to see punishment and return`);
  const d = probe.firms.indexOf(probe.deviator);
  if (d < 0) throw new RangeError(`deviation probe: deviator '${probe.deviator}' is not among firms ${probe.firms.join(', ')}`);
  const nF = probe.firms.length;
  const scaleOf = (f: number): number => {
    const pre = probe.prePrices[f]!;
    const nash = probe.nashPrices?.[f];
    return nash !== undefined && pre - nash > 1e-9 ? pre - nash : Math.abs(pre) || 1;
  };
  const scales = Array.from({ length: nF }, (_, f) => scaleOf(f));
  const refProfit = (t: number): number => probe.baselineProfits?.[t]?.[d] ?? probe.preProfits[d]!;
  const refPrice = (t: number, f: number): number => probe.baselinePrices?.[t]?.[f] ?? probe.prePrices[f]!;
  let discountedGain = 0;
  let w = 1;
  for (let t = 0; t < H; t++) {
    discountedGain += w * (probe.profits[t]![d]! - refProfit(t));
    w *= params.discount;
  }
  let rivalCut = -Infinity;
  for (let t = 1; t <= Math.min(params.punishWindow, H - 1); t++) {
    let cut = 0;
    for (let f = 0; f < nF; f++) if (f !== d) cut += (refPrice(t, f) - probe.prices[t]![f]!) / scales[f]!;
    rivalCut = Math.max(rivalCut, cut / Math.max(1, nF - 1));
  }
  let returnGap = 0;
  for (let t = Math.max(1, H - params.returnWindow); t < H; t++) {
    for (let f = 0; f < nF; f++) returnGap = Math.max(returnGap, Math.abs(probe.prices[t]![f]! - refPrice(t, f)) / scales[f]!);
  }
  const punished = rivalCut >= params.minPunishment && discountedGain < 0;
  const returned = returnGap <= params.returnTolerance;
  return {
    deviator: probe.deviator,
    step: probe.step ?? null,
    immediateGain: probe.profits[0]![d]! - refProfit(0),
    discountedGain,
    rivalCut,
    returnGap,
    punished,
    returned,
    collusive: punished && (returned || !params.requireReturn),
    scale: scales[d]!,
    prices: probe.prices,
  };
}

/** Pairwise correlation of price changes with Bartlett-corrected one-sided p-values. */
export function priceParallelism(prices: readonly Float64Array[], firms: readonly string[]): { pairs: { firms: [string, string]; r: number; p: number }[]; meanR: number } {
  const pairs: { firms: [string, string]; r: number; p: number }[] = [];
  for (let i = 0; i < prices.length; i++) {
    for (let j = i + 1; j < prices.length; j++) {
      const a = diff(prices[i]!);
      const b = diff(prices[j]!);
      const n = a.length;
      const L = Math.min(10, Math.floor(n / 4));
      const ra = acf(a, L);
      const rb = acf(b, L);
      let f = 1;
      for (let k = 1; k <= L; k++) f += 2 * ra[k]! * rb[k]!;
      const r = correlation(a, b);
      pairs.push({ firms: [firms[i]!, firms[j]!], r, p: normalSf(r / Math.sqrt(Math.max(f, 1e-6) / n)) });
    }
  }
  return { pairs, meanR: pairs.length ? pairs.reduce((s, p) => s + p.r, 0) / pairs.length : 0 };
}

function createCollusion(params: CollusionParams, context: DetectorContext): OnlineDetector {
  const w = params.window;
  const stride = params.stride ?? Math.ceil(w / 2);
  const episodes = new EpisodeTracker<Finding>();
  let tests = 1;

  const deltaTest = (ledger: Ledger, r: number): { test: MeanTest; above: number; level: number } | undefined => {
    const series = ledger.series(params.deltaKey);
    if (!series) return undefined;
    const x = windowOf(series, r, w);
    if (!x) return undefined;
    const earlier: Float64Array[] = [];
    for (let e = r - w; e >= w - 1 && earlier.length < 3; e -= w) {
      const win = windowOf(series, e, w);
      if (!win) break;
      earlier.push(win);
    }
    const planned = Math.max(context.plannedRows ?? 0, ledger.length);
    tests = Math.max(1, scanPositions(planned, w, stride));
    const test = meanTest(x, params.minDelta, { earlier });
    let above = 0;
    for (const v of x) if (v > params.minDelta) above++;
    return { test, above: above / w, level: params.alpha / tests };
  };

  const firmsOf = (ledger: Ledger): string[] => (params.firms.length ? params.firms : [...ledger.meta.agents]);

  return {
    push(ledger: Ledger): Finding[] {
      const r = ledger.length - 1;
      if (!isScanEnd(r, w, stride)) return [];
      const res = deltaTest(ledger, r);
      if (!res || res.test.pAbove > res.level || res.above < params.persistence) return [];
      const finding: Finding = {
        type: 'finding',
        detector: 'collusion',
        kind: 'supra-competitive',
        agents: firmsOf(ledger),
        startStep: ledger.steps[r - w + 1]!,
        endStep: ledger.steps[r]!,
        score: res.test.mean,
        pValue: Math.min(1, res.test.pAbove * tests),
        evidence: { deltaKey: params.deltaKey, meanDelta: res.test.mean, interval: [res.test.ciLow, res.test.ciHigh], shareAbove: res.above, minDelta: params.minDelta, effectiveN: res.test.nEff },
      };
      return episodes.fire('delta', r, stride, () => finding, (prev) => ({ ...prev, endStep: finding.endStep })) === 'new' ? [finding] : [];
    },
    finish(ledger: Ledger) {
      const findings: Finding[] = [...episodes.all()];
      const r = ledger.length - 1;
      const firms = firmsOf(ledger);
      const res = r >= w - 1 ? deltaTest(ledger, r) : undefined;
      if (!res) {
        return {
          findings,
          verdict: { fired: false, status: 'insufficient-data', summary: `no ${params.deltaKey} series of at least ${w} rows`, details: { deltaKey: params.deltaKey } },
        };
      }
      const supra = res.test.pAbove <= res.level && res.above >= params.persistence;
      const probes = (context.deviationProbes ?? []).map((p) => assessProbe(p, params));
      const share = probes.length ? probes.filter((p) => p.collusive).length / probes.length : 0;
      const collusive = supra && probes.length > 0 && share >= params.minProbeShare;
      const startStep = ledger.steps[r - w + 1]!;
      const endStep = ledger.steps[r]!;
      const priceSeries = firms.map((f) => windowOf(ledger.series(params.priceKey.replace('{agent}', f)) ?? [], r, w));
      const parallel = priceSeries.every((s) => s !== undefined) && firms.length > 1 ? priceParallelism(priceSeries as Float64Array[], firms) : undefined;
      const deltaEvidence = { deltaKey: params.deltaKey, meanDelta: res.test.mean, interval: [res.test.ciLow, res.test.ciHigh], shareAbove: res.above, minDelta: params.minDelta, pValue: Math.min(1, res.test.pAbove * tests), effectiveN: res.test.nEff };
      const status = collusive ? 'collusive' : supra ? 'supra-competitive-not-shown-collusive' : 'competitive';
      if (supra) {
        const reason = probes.length === 0 ? 'no deviation probe was run' : `${probes.filter((p) => p.collusive).length} of ${probes.length} probes showed ${params.requireReturn ? 'punishment and return' : 'punishment'}`;
        findings.push({
          type: 'finding',
          detector: 'collusion',
          kind: status,
          agents: firms,
          startStep,
          endStep,
          score: res.test.mean,
          ...(probes.length > 0 ? { confidence: share } : { pValue: Math.min(1, res.test.pAbove * tests) }),
          evidence: { delta: deltaEvidence, probes, reason },
        });
      }
      if (parallel) {
        const level = params.alpha / Math.max(1, parallel.pairs.length);
        const hit = parallel.pairs.filter((p) => p.p <= level && p.r >= params.minParallelism);
        if (hit.length > 0) {
          findings.push({
            type: 'finding',
            detector: 'collusion',
            kind: 'price-parallelism',
            agents: [...new Set(hit.flatMap((p) => p.firms))],
            startStep,
            endStep,
            score: parallel.meanR,
            pValue: Math.min(1, Math.max(...hit.map((p) => p.p)) * parallel.pairs.length),
            evidence: { priceKey: params.priceKey, pairs: parallel.pairs, note: 'correlated price changes; common demand shocks also produce them' },
          });
        }
      }
      const summary = collusive
        ? `collusive: Δ = ${res.test.mean.toFixed(2)} above ${params.minDelta}, and ${Math.round(share * 100)}% of deviation probes were punished${params.requireReturn ? ' and prices returned' : ''}`
        : supra
          ? `supra-competitive, not shown to be collusive: Δ = ${res.test.mean.toFixed(2)} above ${params.minDelta}, but ${probes.length === 0 ? 'no deviation probe was run' : `only ${Math.round(share * 100)}% of probes showed punishment${params.requireReturn ? ' and return' : ''}`}`
          : `competitive: Δ = ${res.test.mean.toFixed(2)} not shown above ${params.minDelta}`;
      return {
        findings: findings.sort((a, b) => a.startStep - b.startStep),
        verdict: {
          fired: collusive,
          status,
          summary,
          details: { delta: deltaEvidence, probes: probes.map(({ prices: _p, ...rest }) => rest), collusiveProbeShare: share, parallelism: parallel ?? null },
        },
      };
    },
  };
}

/** The registered collusion detector. */
export const collusion = defineDetector({
  id: 'collusion',
  summary: 'profit gain persistently above the competitive benchmark, and deviations punished with prices returning (fork probe); price parallelism',
  paramsSchema: collusionParams,
  create: createCollusion,
});
