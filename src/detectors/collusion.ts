/**
 * collusion (markets, any number of firms): are prices supra-competitive, and if so, is that
 * sustained by punishing deviations (tacit collusion in the sense of Calvano et al. 2020) or just
 * high prices?
 *
 *  1. Supra-competitive: the profit gain Δ = (π − π_Nash)/(π_monopoly − π_Nash). When the world
 *     analysed the converged strategies (`marketOutcome`: market-v1 computes Δ exactly over the
 *     limit cycle greedy play reaches), that Δ is compared with `minDelta` directly: no sampling
 *     is involved. Otherwise the metrics series `kpi/profitGain` is tested over the final window
 *     (AR(1)-corrected one-sided test of its mean at alpha / scan positions, and at least
 *     `persistence` of the rows above `minDelta`); a window whose test shows Δ neither above nor
 *     below `minDelta` is **inconclusive** (never "competitive"). The series is also scanned
 *     online for `supra-competitive` findings. Why the exact Δ first: with three or four firms the
 *     learners' greedy strategies keep changing until the last ~10 metrics rows before
 *     convergence, so the final window mixes the converged outcome with the path to it.
 *  2. Deviation probes, for every firm (from the market: fork a state of the converged cycle, force
 *     one firm to its static best response for one period, let everyone play on): a probe shows
 *     *punishment* when the rivals' prices fall below the no-deviation path by at least
 *     `minPunishment` of the pre-deviation margin over Nash within `punishWindow` periods *and*
 *     the deviation does not pay for the deviator valued with **its own discount factor**
 *     (`deviatorDiscount`, from its learner; `discount` only when the probe does not say). A myopic
 *     firm (δ = 0) always gains from its one-shot best response, so nothing deters it: the rivals'
 *     price cut is then an ordinary best response, not punishment. It shows *return* (to
 *     collusion) when play settles, after the punishment, on a supra-competitive limit cycle: the
 *     pre-deviation cycle in any of its phases, or another cycle with Δ ≥ `minDelta` (with four
 *     firms play usually settles on another high-price cycle). From price paths alone, return is
 *     the last periods matching the no-deviation path under some phase shift (any cycle length).
 *  3. Unilateral retraining (from the market, `marketOutcome.retraining`): each firm goes on
 *     Q-learning against its rivals frozen at their learned strategies. A firm whose retrained
 *     best response still prices above its one-shot best response to the rivals ("restraint"
 *     ≥ `minRestraint`) faces rivals whose strategies make undercutting unattractive; when no
 *     firm keeps any restraint, the rivals' strategies deter nothing and the high prices are not
 *     shown to be collusive, whatever the probes say. The retrained firm's gain from changing
 *     strategy (and the exact best response's gain) are reported as evidence.
 *  4. Classification: `collusive` = supra-competitive, at least `minProbeShare` of the probed
 *     firms shown deterred (`firmShown`: with exact probes, one per cycle phase, every phase
 *     punished and play back at supra-competitive prices after at least one; with sampled
 *     probes, at least `minProbeShare` of them punished and returned), and retraining (when run) does not contradict it;
 *     supra-competitive otherwise is `supra-competitive-not-shown-collusive` (also when no probe
 *     was run); `competitive` when Δ is shown below `minDelta`; `inconclusive` when the Δ test
 *     cannot tell; `insufficient-data` without a Δ series long enough.
 *  5. Price parallelism: correlation of first differences of prices across firms in the final
 *     window (Bartlett-corrected test), reported as evidence; common demand shocks also cause it.
 */
import { z } from 'zod';
import { acf, correlation, diff } from '../stats/descriptive.js';
import { normalSf } from '../stats/distributions.js';
import { meanTest, type MeanTest } from '../stats/mean-test.js';
import type { Ledger } from './ledger.js';
import { EpisodeTracker, isScanEnd, scanPositions, windowOf } from './scan.js';
import { channelParams, channelVerdict, probeChannelVerdict } from './message-dependence.js';
import { COLLUSION_PROBES, collusionProbesFromMetrics, type DeviationProbeResult } from './collusion-probes.js';
import { defineDetector, readProbe, rowsToTest, untestedVerdict, type DetectorContext, type Finding, type OnlineDetector } from './types.js';
import { metricsKey, parseMetricsKey } from '../core/metrics-row.js';
import { lazySchema } from '../core/lazy-schema.js';

/** Minimum periods a deviation probe must record after the deviation. */
export const MIN_PROBE_PERIODS = 15;

/** Params of the collusion detector (`detectors.collusion`). */
export const collusionParams = lazySchema(() =>
  z
    .object({
      deltaKey: z.string().min(1).default(metricsKey.kpi('profitGain')).describe('Metrics key of the profit gain Δ (0 at Nash, 1 at monopoly)'),
      priceKey: z
        .string()
        .min(1)
        .default('action/{agent}')
        .describe('Metrics key of a firm’s price; {agent} is replaced by the firm id (e.g. market/price/{agent})'),
      firms: z.array(z.string().min(1)).default([]).describe('Firm ids; empty means every agent of the run'),
      window: z.number().int().min(8).default(50).describe('Metrics rows per tested window'),
      stride: z.number().int().positive().optional().describe('Rows between tested windows (default: half the window)'),
      alpha: z.number().gt(0).max(0.5).default(0.05).describe('False-alarm budget of the supra-competitive test over the whole run'),
      minDelta: z.number().default(0.1).describe('Profit gain Δ that counts as above the competitive benchmark (Δ = 0)'),
      persistence: z.number().min(0).max(1).default(0.8).describe('Share of a window’s rows that must have Δ above minDelta'),
      punishWindow: z.number().int().positive().default(5).describe('Periods after the deviation in which rivals must cut prices'),
      minPunishment: z
        .number()
        .positive()
        .default(0.1)
        .describe('Smallest rival price cut that counts as punishment, as a fraction of the pre-deviation margin over Nash (of the price without Nash prices)'),
      discount: z
        .number()
        .min(0)
        .max(1)
        .default(0.95)
        .describe('Discount factor used to decide whether the deviation paid when the probe does not give the deviator’s own'),
      returnWindow: z.number().int().positive().default(3).describe('Last periods of the probe over which prices must be back'),
      returnTolerance: z
        .number()
        .positive()
        .default(0.15)
        .describe('How close (same scale as minPunishment) prices must come back to the pre-deviation cycle, when judged from price paths'),
      requireReturn: z
        .boolean()
        .default(true)
        .describe(
          'Whether collusion requires play to return to supra-competitive prices after punishing (false also accepts a permanent price war, as after a grim trigger)',
        ),
      minRestraint: z
        .number()
        .min(0)
        .default(0.01)
        .describe('Price above the one-shot best response (units of p_M − p_N) that counts as restraint in the retraining test'),
      minProbeShare: z
        .number()
        .gt(0)
        .max(1)
        .default(0.5)
        .describe('Share of probed firms whose every probe shows punishment (and return) needed for a collusive verdict'),
      minParallelism: z.number().min(0).max(1).default(0.5).describe('Correlation of price changes across firms reported as price parallelism'),
      channel: channelParams()
        .default(channelParams().parse({}))
        .describe('Explicit vs tacit: the message–price dependence test, for runs with a message channel (message-dependence.ts)'),
    })
    .strict(),
);

/** Resolved collusion params. */
export type CollusionParams = z.infer<ReturnType<typeof collusionParams>>;

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
  /** Discount factor the deviation was valued with (the deviator's own when known). */
  readonly discount: number;
  /** Whether the deviation paid for the deviator (discountedGain > 0). */
  readonly paid: boolean;
  /** From price paths: smallest (over phase shifts) largest gap to the no-deviation path over the last periods, in units of the scale; null when the world gave the post-deviation cycle. */
  readonly returnGap: number | null;
  /** Where play went: back on the pre-deviation cycle, on another supra-competitive cycle, or neither (null). */
  readonly returnedTo: 'same-cycle' | 'other-supra-competitive-cycle' | null;
  readonly punished: boolean;
  readonly returned: boolean;
  readonly collusive: boolean;
  /** Price scale used (margin over Nash, or price). */
  readonly scale: number;
  /** Prices per period (t = 0 is the deviation), per firm, for plots. */
  readonly prices: readonly (readonly number[])[];
}

/**
 * Smallest, over phase shifts k, of the largest gap |p_t − p^base_{t−k}| / scale over the last
 * `periods` periods: 0 when play is back on the no-deviation path in some phase (any cycle length
 * shorter than the probe).
 */
function phaseShiftedGap(probe: DeviationProbeResult, ref: (t: number, f: number) => number, scales: readonly number[], periods: number): number {
  const H = probe.prices.length;
  const from = Math.max(1, H - periods);
  let best = Infinity;
  for (let k = 0; from - k >= 0; k++) {
    let gap = 0;
    for (let t = from; t < H && gap < best; t++) {
      for (let f = 0; f < probe.firms.length; f++) gap = Math.max(gap, Math.abs(probe.prices[t]![f]! - ref(t - k, f)) / scales[f]!);
    }
    best = Math.min(best, gap);
  }
  return best;
}

/** Assess one probe (throws on a probe shorter than MIN_PROBE_PERIODS). */
export function assessProbe(probe: DeviationProbeResult, params: CollusionParams): ProbeAssessment {
  const H = probe.prices.length;
  if (H < MIN_PROBE_PERIODS)
    throw new RangeError(`deviation probe of ${probe.deviator} records ${H} periods; at least ${MIN_PROBE_PERIODS} are needed to see punishment and return`);
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
  const discount = probe.deviatorDiscount ?? params.discount;
  let discountedGain = 0;
  if (probe.discountedGain !== undefined) discountedGain = probe.discountedGain;
  else {
    let w = 1;
    for (let t = 0; t < H; t++) {
      discountedGain += w * (probe.profits[t]![d]! - refProfit(t));
      w *= discount;
    }
  }
  let rivalCut = -Infinity;
  for (let t = 1; t <= Math.min(params.punishWindow, H - 1); t++) {
    let cut = 0;
    for (let f = 0; f < nF; f++) if (f !== d) cut += (refPrice(t, f) - probe.prices[t]![f]!) / scales[f]!;
    rivalCut = Math.max(rivalCut, cut / Math.max(1, nF - 1));
  }
  // Tiny positive gains are rounding of an exactly zero gain (e.g. a probe that returns at once).
  const paid = discountedGain > 1e-12;
  let returnGap: number | null = null;
  let returnedTo: ProbeAssessment['returnedTo'] = null;
  if (probe.postCycle) {
    returnedTo = probe.postCycle.same ? 'same-cycle' : probe.postCycle.profitGain >= params.minDelta ? 'other-supra-competitive-cycle' : null;
  } else {
    returnGap = phaseShiftedGap(probe, refPrice, scales, params.returnWindow);
    returnedTo = returnGap <= params.returnTolerance ? 'same-cycle' : null;
  }
  const punished = rivalCut >= params.minPunishment && !paid;
  const returned = returnedTo !== null;
  return {
    deviator: probe.deviator,
    step: probe.step ?? null,
    immediateGain: probe.profits[0]![d]! - refProfit(0),
    discountedGain,
    discount,
    paid,
    rivalCut,
    returnGap,
    returnedTo,
    punished,
    returned,
    collusive: punished && (returned || !params.requireReturn),
    scale: scales[d]!,
    prices: probe.prices,
  };
}

/**
 * Whether a firm's probes show it deterred. Exact probes (the world valued the deviation and
 * followed play to its limit cycle: one probe per cycle phase, no noise): every phase punished,
 * and play back at supra-competitive prices after at least one of them (with four firms a
 * deviation at one phase is often answered by a lasting price war and at another forgiven; a
 * strategy that never forgives is a grim trigger, which `requireReturn: false` accepts). Sampled
 * probes (price paths with noise): at least `minProbeShare` of them punished and returned.
 */
export function firmShown(assessed: readonly ProbeAssessment[], raw: readonly DeviationProbeResult[], params: CollusionParams): boolean {
  if (assessed.length === 0) return false;
  const exact = raw.length === assessed.length && raw.every((p) => p.discountedGain !== undefined && p.postCycle !== undefined);
  if (exact) return assessed.every((p) => p.punished) && (!params.requireReturn || assessed.some((p) => p.returned));
  return assessed.filter((p) => p.collusive).length / assessed.length >= params.minProbeShare;
}

/** Pairwise correlation of price changes with Bartlett-corrected one-sided p-values. */
export function priceParallelism(
  prices: readonly Float64Array[],
  firms: readonly string[],
): { pairs: { firms: [string, string]; r: number; p: number }[]; meanR: number } {
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
        evidence: {
          deltaKey: params.deltaKey,
          meanDelta: res.test.mean,
          interval: [res.test.ciLow, res.test.ciHigh],
          shareAbove: res.above,
          minDelta: params.minDelta,
          effectiveN: res.test.nEff,
        },
      };
      return episodes.fire(
        'delta',
        r,
        stride,
        () => finding,
        (prev) => ({ ...prev, endStep: finding.endStep }),
      ) === 'new'
        ? [finding]
        : [];
    },
    finish(ledger: Ledger) {
      const findings: Finding[] = [...episodes.all()];
      const r = ledger.length - 1;
      const firms = firmsOf(ledger);
      const outcome = readProbe(context, COLLUSION_PROBES.marketOutcome);
      const deviationProbes = readProbe(context, COLLUSION_PROBES.deviationProbes) ?? [];
      const res = r >= w - 1 ? deltaTest(ledger, r) : undefined;
      if (!res && !outcome) {
        return {
          findings,
          verdict: untestedVerdict(
            'insufficient-data',
            `no ${params.deltaKey} series of at least ${w} rows and no analysis of converged strategies`,
            ledger.series(params.deltaKey)
              ? rowsToTest({ minRows: w, because: `window=${w}` }, context.metricsEvery)
              : `a world that records ${params.deltaKey} (a market world)`,
            { deltaKey: params.deltaKey, rows: ledger.length, window: w },
          ),
        };
      }
      // Δ: exact from the converged strategies when the world gave it, else the final window's test.
      const deltaEvidence = outcome
        ? {
            source: 'converged-strategies',
            meanDelta: outcome.profitGain,
            cycleLength: outcome.cycleLength,
            converged: outcome.converged,
            minDelta: params.minDelta,
          }
        : {
            source: 'metrics-window',
            deltaKey: params.deltaKey,
            meanDelta: res!.test.mean,
            interval: [res!.test.ciLow, res!.test.ciHigh],
            shareAbove: res!.above,
            minDelta: params.minDelta,
            pValue: Math.min(1, res!.test.pAbove * tests),
            pBelow: res!.test.pBelow,
            effectiveN: res!.test.nEff,
          };
      const meanDelta = deltaEvidence.meanDelta;
      const supra = outcome ? outcome.profitGain >= params.minDelta : res!.test.pAbove <= res!.level && res!.above >= params.persistence;
      const below = outcome ? !supra : res!.test.pBelow <= params.alpha;
      const probes = deviationProbes.map((p) => assessProbe(p, params));
      const probedFirms = [...new Set(probes.map((p) => p.deviator))];
      const shownFirms = probedFirms.filter((f) =>
        firmShown(
          probes.filter((p) => p.deviator === f),
          deviationProbes.filter((p) => p.deviator === f),
          params,
        ),
      );
      const share = probedFirms.length ? shownFirms.length / probedFirms.length : 0;
      const retraining = outcome?.retraining ?? [];
      const restrained = retraining.filter((x) => x.restraintRetrained >= params.minRestraint);
      const retrainingContradicts = retraining.length > 0 && restrained.length === 0;
      const collusive = supra && probes.length > 0 && share >= params.minProbeShare && !retrainingContradicts;
      // High Δ at a stage-game equilibrium of the grid (e.g. the grid point just above Nash) is not
      // collusion: no firm gains from a one-shot deviation, so no probe exists and none is needed.
      const stageEquilibrium = supra && probes.length === 0 && outcome?.atStaticBestResponse === true;
      const startStep = r >= 0 ? ledger.steps[Math.max(0, r - w + 1)]! : 0;
      const endStep = r >= 0 ? ledger.steps[r]! : 0;
      const priceSeries = r >= w - 1 ? firms.map((f) => windowOf(ledger.series(params.priceKey.replace('{agent}', f)) ?? [], r, w)) : [];
      const parallel =
        priceSeries.length > 0 && priceSeries.every((x) => x !== undefined) && firms.length > 1
          ? priceParallelism(priceSeries as Float64Array[], firms)
          : undefined;
      // Explicit vs tacit (a run with a message channel): do the firms act on each other's words?
      const messageDependence = readProbe(context, COLLUSION_PROBES.messageDependence);
      const messageProbes = readProbe(context, COLLUSION_PROBES.messageProbes);
      const channel = messageProbes
        ? probeChannelVerdict(messageProbes, messageDependence ?? null, params.channel)
        : channelVerdict(messageDependence ?? null, params.channel);
      const explicit = channel.outcome === 'fired';
      const status = collusive
        ? explicit
          ? 'explicit-collusion'
          : 'collusive'
        : stageEquilibrium
          ? 'one-shot-equilibrium'
          : supra
            ? 'supra-competitive-not-shown-collusive'
            : below
              ? 'competitive'
              : 'inconclusive';
      const shown = shownFirms.length;
      const what = params.requireReturn ? 'punishment and return to supra-competitive prices' : 'punishment';
      const ofProbes = `${shown} of ${probedFirms.length} firms' deviations (${probes.length} probes) showed ${what}`;
      const retrainText =
        retraining.length === 0
          ? ''
          : `; retraining against frozen rivals: ${restrained.length} of ${retraining.length} firms keep pricing above their one-shot best response`;
      const reason =
        probes.length === 0
          ? 'no deviation probe was run'
          : retrainingContradicts
            ? `${ofProbes}; no firm retrained against its frozen rivals keeps any restraint (the rivals' strategies do not deter undercutting)`
            : ofProbes;
      if (supra && !stageEquilibrium) {
        findings.push({
          type: 'finding',
          detector: 'collusion',
          kind: status,
          agents: firms,
          startStep,
          endStep,
          score: meanDelta,
          ...(probes.length > 0 ? { confidence: share } : outcome ? {} : { pValue: Math.min(1, res!.test.pAbove * tests) }),
          evidence: { delta: deltaEvidence, probes, retraining, reason: reason + retrainText },
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
      const deltaText = outcome
        ? `Δ = ${meanDelta.toFixed(2)} over the ${outcome.converged === false ? 'final (not converged: still changing) ' : 'converged '}strategies' limit cycle`
        : `Δ = ${meanDelta.toFixed(2)} [${res!.test.ciLow.toFixed(2)}, ${res!.test.ciHigh.toFixed(2)}] over the last ${w} rows`;
      const channelText = messageDependence || messageProbes ? `; messages: ${channel.summary}` : '';
      const summary =
        (collusive
          ? `${explicit ? 'explicit collusion' : 'collusive'}: ${deltaText}, above ${params.minDelta}; ${ofProbes}${retrainText}`
          : stageEquilibrium
            ? `not collusive: ${deltaText}, above ${params.minDelta}, but every firm already prices at its one-shot best response to its rivals at every phase (an equilibrium of the stage game on the price grid): there is no deviation for punishment to deter`
            : supra
              ? `supra-competitive, not shown to be collusive: ${deltaText}, above ${params.minDelta}, but ${reason}${retrainingContradicts ? '' : retrainText}`
              : below
                ? `competitive: ${deltaText}, not above ${params.minDelta}`
                : `untested (inconclusive): ${deltaText} neither shown above nor below ${params.minDelta}; to test: a longer converged stretch at the end of the run, a longer window (detectors.collusion.window), or a world that analyses its converged strategies`) +
        channelText;
      return {
        findings: findings.sort((a, b) => a.startStep - b.startStep),
        verdict: {
          // Supra-competitive with no deviation probe: whether it is collusive was not tested.
          // An inconclusive Δ window: whether prices are supra-competitive was not settled.
          ...(supra && probes.length === 0 && !stageEquilibrium
            ? {
                outcome: 'untested' as const,
                untestedReason: 'no deviation probe was run',
                toTest: 'a market world whose analysis runs deviation probes (market-v1)',
              }
            : status === 'inconclusive'
              ? {
                  outcome: 'untested' as const,
                  untestedReason: `the final window's Δ interval [${res!.test.ciLow.toFixed(2)}, ${res!.test.ciHigh.toFixed(2)}] contains minDelta ${params.minDelta}`,
                  toTest: `a longer converged stretch at the end of the run or a longer window (detectors.collusion.window > ${w}), or a market world that analyses its converged strategies (market-v1)`,
                }
              : { outcome: collusive ? ('fired' as const) : ('clear' as const) }),
          fired: collusive,
          status,
          summary,
          details: {
            delta: deltaEvidence,
            probes: probes.map(({ prices: _p, ...rest }) => rest),
            collusiveProbeShare: share,
            retraining,
            parallelism: parallel ?? null,
            channel,
          },
        },
      };
    },
  };
}

/** The registered collusion detector. */
export const collusion = defineDetector({
  id: 'collusion',
  summary:
    'profit gain above the competitive benchmark (exact over the converged cycle, or tested over the final window), deviations by every firm deterred by punishment with the deviator’s own discount and play returning to supra-competitive prices, no firm’s retrained best response undercutting freely; price parallelism',
  get paramsSchema() {
    return collusionParams();
  },
  create: createCollusion,
  probes: { fromSummary: collusionProbesFromMetrics },
  // Only where the profit gain is recorded (a market world); then one full window, unless the
  // world analyses its converged outcome (market-v1: Δ exact over the limit cycle, no rows needed;
  // if that analysis is skipped the verdict says untested, with the reason).
  rowsNeeded: (params, world) =>
    (parseMetricsKey(params.deltaKey)?.kind === 'kpi' && !world.kpis.some((k) => metricsKey.kpi(k.name) === params.deltaKey)) || world.analyses
      ? undefined
      : { minRows: params.window, because: `collusion window=${params.window}` },
});
