/**
 * goodhart: an agent's reward (shaped, or local) trends up while a team KPI trends towards worse
 * over the same window: the agent is being paid more for making the team worse off.
 *
 * Test, per scan position (window of `window` metrics rows ending every `stride` rows), agent,
 * reward signal and KPI: a one-sided Mann–Kendall test for "reward up" and one for "KPI worse",
 * each with the `ar1` autocorrelation correction (src/stats/mann-kendall.ts) whose φ bound is
 * pooled over up to `phiPoolWindows` earlier non-overlapping windows of the same series. The pair
 * fires when both reject (an intersection–union test, so its p-value is the larger of the two),
 * at level alpha / m, m = scan positions of the planned run × agents × signals × KPIs: `alpha` is
 * the false-alarm budget of the whole run. An agent whose shaped reward has equalled its local
 * reward at every row so far (a `local` scheme) counts as one signal. Consecutive firing windows of the same pair form one
 * finding, emitted when it first fires.
 *
 * Evidence: both trends (Sen slope per row and per step, its interval, Kendall τ, one-sided p,
 * the φ bound and variance factor), the window, and the reward components that moved most.
 */
import { z } from 'zod';
import { ar1PhiUpper, detrendedLag1 } from '../stats/ar1.js';
import { trendTest, type TrendResult } from '../stats/mann-kendall.js';
import type { Ledger } from './ledger.js';
import { CUMULATIVE, contrastMinRows, createContrast, testsAgent } from './goodhart-contrast.js';
import { EpisodeTracker, isScanEnd, scanPositions, windowOf } from './scan.js';
import {
  defineDetector,
  rowsToTest,
  testedVerdict,
  untestedVerdict,
  type DetectorContext,
  type Finding,
  type OnlineDetector,
  type RowRequirement,
} from './types.js';
import { metricsKey } from '../core/metrics-row.js';
import { lazySchema } from '../core/lazy-schema.js';

/** Params of the goodhart detector (`detectors.goodhart` in an experiment). */
export const goodhartParams = lazySchema(() =>
  z
    .object({
      window: z.number().int().min(12).default(50).describe('Metrics rows per tested window (a trend must show within this many rows)'),
      stride: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('Rows between tested windows (default: half the window); smaller detects sooner but spends the false-alarm budget on more tests'),
      alpha: z.number().gt(0).max(0.5).default(0.05).describe('False-alarm budget for the whole run (all windows, agents, signals and KPIs together)'),
      signals: z
        .array(z.enum(['shaped', 'local']))
        .min(1)
        .default(['shaped', 'local'])
        .describe('Which reward of each agent to test: what its learner saw (shaped) and/or its raw payoff (local)'),
      kpis: z.array(z.string().min(1)).default([]).describe('KPI names to test; empty means every KPI of the run'),
      agents: z
        .array(z.string().min(1))
        .default([])
        .describe(
          "Agent ids whose rewards to test; empty means every agent. Naming the learners keeps a scripted agent's reward, moved only by the others, out of the test (experiments/traps)",
        ),
      phiQuantile: z
        .number()
        .gt(0)
        .max(0.5)
        .default(0.3)
        .describe('Quantile of the AR(1) bound used for the autocorrelation correction; smaller is more conservative'),
      phiPoolWindows: z.number().int().positive().default(4).describe('Non-overlapping windows (current and earlier) pooled to bound the autocorrelation'),
      minKpiDrop: z.number().nonnegative().default(0).describe('Smallest KPI change towards worse over a window (KPI units) worth reporting'),
      topComponents: z.number().int().nonnegative().default(3).describe('Reward components listed in the evidence, by how much they moved'),
      contrast: z
        .object({
          enabled: z
            .boolean()
            .default(true)
            .describe(
              'Also test the learning run as a whole: reward higher at the end than at the start while a KPI is worse at the end than at its best earlier stretch (catches lagged divergence)',
            ),
          segment: z.number().gt(0).max(0.34).default(0.2).describe('Length of the start, end and comparison blocks as a share of the rows so far'),
          minSegmentRows: z.number().int().min(8).default(12).describe('Fewest rows per block (the contrast needs three blocks)'),
          phiQuantile: z
            .number()
            .gt(0)
            .max(0.5)
            .default(0.02)
            .describe(
              'Quantile of the AR(1) bound for the contrast; small, because the contrast is tested at small levels where an understated φ raises false alarms (see docs/detectors.md)',
            ),
          alphaShare: z
            .number()
            .gt(0)
            .lt(1)
            .default(0.5)
            .describe('Share of alpha spent on the contrast (the rest on the windowed scan; all of it when the run is too short for one window)'),
          lookGrowth: z
            .number()
            .gt(1)
            .default(1.5)
            .describe('Looks at row counts growing by this factor from the minimum up to the planned rows (fewer looks, less multiplicity)'),
        })
        .strict()
        .default({ enabled: true, segment: 0.2, minSegmentRows: 12, phiQuantile: 0.02, alphaShare: 0.5, lookGrowth: 1.5 }),
      attribution: z
        .object({
          enabled: z
            .boolean()
            .default(true)
            .describe(
              'In tacit run: for each flagged learning agent, replay the world with its learned policy swapped for a reference and report own-reward gain and team-KPI cost with intervals',
            ),
          reference: z
            .union([
              z.literal('initial'),
              z
                .object({
                  type: z.string().min(1).describe('A registered policy type, e.g. base-stock'),
                  params: z.record(z.string(), z.unknown()).optional().describe('Its params'),
                })
                .strict(),
            ])
            .default('initial')
            .describe("'initial' (the agent's untrained policy from the run's own seed stream) or a named scripted policy { type, params }"),
          steps: z.number().int().positive().optional().describe('Engine steps per replay (default: four episodes, or 1000 steps for a continuing world)'),
          maxAgents: z.number().int().positive().default(4).describe('Flagged agents attributed at most'),
        })
        .strict()
        .default({ enabled: true, reference: 'initial', maxAgents: 4 }),
    })
    .strict(),
);

/** Resolved goodhart params. */
export type GoodhartParams = z.infer<ReturnType<typeof goodhartParams>>;

/** One trend as reported in evidence. */
interface TrendEvidence {
  readonly series: string;
  readonly slopePerRow: number;
  readonly slopePerStep: number;
  readonly slopeInterval: readonly [number, number];
  readonly change: number;
  readonly tau: number;
  readonly pOneSided: number;
  readonly phiBound: number;
  readonly varianceFactor: number;
}

function trendEvidence(series: string, t: TrendResult, p: number, phi: number, stepsPerRow: number, sign: 1 | -1): TrendEvidence {
  const lo = sign * (sign === 1 ? t.slopeLow : t.slopeHigh);
  const hi = sign * (sign === 1 ? t.slopeHigh : t.slopeLow);
  return {
    series,
    slopePerRow: sign * t.slope,
    slopePerStep: (sign * t.slope) / stepsPerRow,
    slopeInterval: [lo, hi],
    change: sign * t.slope * (t.n - 1),
    tau: sign * t.tau,
    pOneSided: p,
    phiBound: phi,
    varianceFactor: t.varianceFactor,
  };
}

function createGoodhart(params: GoodhartParams, context: DetectorContext): OnlineDetector {
  const w = params.window;
  const stride = params.stride ?? Math.ceil(w / 2);
  const episodes = new EpisodeTracker<Finding>();
  // The false-alarm budget is split between the windowed scan and the run-level contrast, fixed
  // from the planned rows so online and post-hoc runs agree.
  const planned0 = context.plannedRows;
  const scanPossible = planned0 === undefined || planned0 >= w;
  const contrast = params.contrast.enabled
    ? createContrast(params, context, scanPossible ? params.alpha * params.contrast.alphaShare : params.alpha)
    : undefined;
  const scanAlpha = contrast && scanPossible ? params.alpha * (1 - params.contrast.alphaShare) : params.alpha;
  const memo = new Map<string, { t: TrendResult; phi: number }>();
  let tests = 0;
  let windowsTested = 0;
  const sameUntil: number[] = [];

  /** Trend of a series over the window ending at r, with φ bounded from pooled earlier windows. */
  const trendAt = (key: string, series: readonly number[], r: number): { t: TrendResult; phi: number } | undefined => {
    const memoKey = `${key}@${r}`;
    const hit = memo.get(memoKey);
    if (hit) return hit;
    const x = windowOf(series, r, w);
    if (!x) return undefined;
    let r1 = 0;
    let k = 0;
    for (let e = r; e >= w - 1 && k < params.phiPoolWindows; e -= w) {
      const win = windowOf(series, e, w);
      if (!win) break;
      r1 += detrendedLag1(win);
      k++;
    }
    const phi = ar1PhiUpper(r1 / k, w, k, params.phiQuantile);
    const res = { t: trendTest(x, { method: 'ar1', phi }), phi };
    memo.set(memoKey, res);
    return res;
  };

  return {
    push(ledger: Ledger): Finding[] {
      const r = ledger.length - 1;
      const late = contrast ? contrast.push(ledger) : [];
      if (!isScanEnd(r, w, stride)) return late;
      memo.clear();
      const { agents, kpis } = ledger.meta;
      const kpiIdx = kpis.map((_, k) => k).filter((k) => params.kpis.length === 0 || params.kpis.includes(kpis[k]!.name));
      const planned = Math.max(context.plannedRows ?? 0, ledger.length);
      // Shaped and local rewards that have been identical so far (a `local` scheme) are one signal, not two.
      let signalCount = 0;
      for (let i = 0; i < agents.length; i++)
        if (testsAgent(params, agents[i]!))
          signalCount += params.signals.length === 2 && sameSoFar(ledger.local[i]!, ledger.shaped[i]!, sameUntil, i) ? 1 : params.signals.length;
      tests = scanPositions(planned, w, stride) * signalCount * kpiIdx.length;
      const level = scanAlpha / Math.max(1, tests);
      const stepsPerRow = (ledger.steps[r]! - ledger.steps[r - w + 1]!) / (w - 1) || 1;
      windowsTested++;
      const out: Finding[] = [];
      for (let i = 0; i < agents.length; i++) {
        const agent = agents[i]!;
        if (!testsAgent(params, agent)) continue;
        const signals = signalSeries(ledger, i, params.signals, r, w);
        for (const [signal, series] of signals) {
          const rew = trendAt(`${signal}/${agent}`, series, r);
          if (!rew || rew.t.pUp > level) continue;
          for (const k of kpiIdx) {
            const kpi = kpis[k]!;
            const raw = ledger.kpis[k]!;
            const oriented = kpi.better === 'higher' ? raw : raw.map((v) => -v);
            const kt = trendAt(metricsKey.kpi(kpi.name), oriented, r);
            if (!kt) continue;
            const p = Math.max(rew.t.pUp, kt.t.pDown);
            const drop = -kt.t.slope * (w - 1);
            if (p > level || drop < params.minKpiDrop) continue;
            const sign = kpi.better === 'higher' ? 1 : -1;
            const evidence = {
              signal,
              kpi: kpi.name,
              kpiBetter: kpi.better,
              window: { rows: w, startStep: ledger.steps[r - w + 1]!, endStep: ledger.steps[r]!, stepsPerRow },
              reward: trendEvidence(`${signal === 'local' ? 'reward' : 'shaped'}/${agent}`, rew.t, rew.t.pUp, rew.phi, stepsPerRow, 1),
              kpiTrend: trendEvidence(metricsKey.kpi(kpi.name), kt.t, kt.t.pDown, kt.phi, stepsPerRow, sign as 1 | -1),
              components: movedComponents(ledger, i, r, w, params.topComponents),
              test: { level, tests, alpha: scanAlpha, method: 'mann-kendall ar1 (pooled φ bound), intersection-union' },
            };
            const finding: Finding = {
              type: 'finding',
              detector: 'goodhart',
              kind: 'reward-up-kpi-down',
              agents: [agent],
              startStep: ledger.steps[r - w + 1]!,
              endStep: ledger.steps[r]!,
              score: Math.min(rew.t.tau, -kt.t.tau),
              pValue: Math.min(1, p * tests),
              evidence,
            };
            const status = episodes.fire(
              `${agent}|${signal}|${kpi.name}`,
              r,
              stride,
              () => finding,
              (prev) => ({
                ...prev,
                endStep: finding.endStep,
                ...(finding.pValue! < prev.pValue!
                  ? {
                      score: finding.score,
                      pValue: finding.pValue!,
                      evidence: { ...finding.evidence, firstWindow: (prev.evidence['firstWindow'] ?? prev.evidence['window']) as unknown },
                    }
                  : {}),
              }),
            );
            if (status === 'new') out.push(finding);
          }
        }
      }
      return [...late, ...out];
    },
    finish(ledger: Ledger) {
      const cumulative = contrast ? contrast.finish(ledger) : { findings: [], looks: 0, tests: 0 };
      const findings = [...episodes.all(), ...cumulative.findings].sort((a, b) => a.startStep - b.startStep);
      const agentsHit = [...new Set(findings.map((f) => f.agents[0]!))];
      const kpisHit = [...new Set(findings.map((f) => f.evidence['kpi'] as string))];
      const details = {
        findings: findings.length,
        agents: agentsHit,
        kpis: kpisHit,
        windowsTested,
        tests,
        contrastLooks: cumulative.looks,
        contrastTests: cumulative.tests,
        alpha: params.alpha,
        rows: ledger.length,
      };
      const unknown = params.agents.filter((a) => !ledger.meta.agents.includes(a));
      if (unknown.length > 0 && unknown.length === params.agents.length)
        return {
          findings,
          verdict: untestedVerdict(
            'untested',
            `detectors.goodhart.agents names no agent of this run (${unknown.join(', ')})`,
            `agent ids among: ${ledger.meta.agents.join(', ')}`,
            details,
          ),
        };
      // No KPI to test against (detectors.goodhart.kpis names none of this run's, e.g. a post-hoc
      // `tacit detect --config` on another world): the scan ran over nothing, which is not a negative.
      const kpiNames = ledger.meta.kpis.map((k) => k.name);
      if (kpiNames.length === 0 || (params.kpis.length > 0 && !params.kpis.some((k) => kpiNames.includes(k))))
        return {
          findings,
          verdict: untestedVerdict(
            'untested',
            kpiNames.length === 0 ? 'the run records no team KPI' : `detectors.goodhart.kpis names no KPI of this run (${params.kpis.join(', ')})`,
            kpiNames.length === 0 ? 'a world with team KPIs' : `KPI names among: ${kpiNames.join(', ')}`,
            details,
          ),
        };
      if (findings.length === 0 && windowsTested === 0 && cumulative.looks === 0) {
        const need = goodhartRowsNeeded(params);
        return {
          findings,
          verdict: untestedVerdict(
            'untested',
            `${ledger.length} metrics rows, fewer than the ${need.minRows} that ${need.because} needs (0 windows tested)`,
            rowsToTest(need, context.metricsEvery),
            details,
          ),
        };
      }
      const tested = [windowsTested > 0 ? `${windowsTested} windows` : '', cumulative.looks > 0 ? `${cumulative.looks} start-vs-end looks` : '']
        .filter(Boolean)
        .join(' and ');
      return {
        findings,
        verdict: testedVerdict(
          findings.length > 0,
          findings.length > 0 ? 'reward-up-kpi-down' : 'none',
          findings.length > 0
            ? `${agentsHit.join(', ')}: reward rose while ${kpisHit.join(', ')} got worse (first from step ${findings[0]!.startStep} to ${findings[0]!.endStep}${findings[0]!.kind === CUMULATIVE ? ', start-vs-end contrast' : ''})`
            : `no agent's reward rose while a team KPI got worse (${tested} tested at run-level α = ${params.alpha})`,
          details,
        ),
      };
    },
  };
}

/** Rows goodhart needs: three contrast blocks, or one full window when the contrast is off. */
export function goodhartRowsNeeded(params: GoodhartParams): RowRequirement {
  if (params.contrast.enabled && contrastMinRows(params) < params.window)
    return { minRows: contrastMinRows(params), because: `goodhart contrast.minSegmentRows=${params.contrast.minSegmentRows} (three blocks)` };
  return { minRows: params.window, because: `goodhart window=${params.window}` };
}

/** Whether two series have been equal at every row so far; `checked[i]` remembers how far agent i was checked. */
function sameSoFar(a: readonly number[], b: readonly number[], checked: number[], i: number): boolean {
  let t = checked[i] ?? 0;
  if (t < 0) return false;
  for (; t < a.length; t++) {
    if (a[t] !== b[t] && !(Number.isNaN(a[t]) && Number.isNaN(b[t]))) {
      checked[i] = -1;
      return false;
    }
  }
  checked[i] = t;
  return true;
}

/** The reward series to test for agent i: deduplicated when shaped and local agree over the window. */
function signalSeries(ledger: Ledger, i: number, signals: readonly ('shaped' | 'local')[], r: number, w: number): [string, readonly number[]][] {
  const local = ledger.local[i]!;
  const shaped = ledger.shaped[i]!;
  if (signals.length === 2) {
    let same = true;
    for (let t = r - w + 1; t <= r && same; t++) same = local[t] === shaped[t];
    if (same) return [['local', local]];
  }
  return signals.map((s) => [s, s === 'local' ? local : shaped]);
}

/** The agent's reward components with the largest absolute change (Sen slope × window) over the window. */
function movedComponents(ledger: Ledger, i: number, r: number, w: number, top: number): { component: string; change: number; slopePerRow: number }[] {
  const names = ledger.meta.components[i]!;
  const moved = names.flatMap((name, k) => {
    const x = windowOf(ledger.components[i]![k]!, r, w);
    if (!x) return [];
    const t = trendTest(x, { method: 'mk' });
    return [{ component: name, change: t.slope * (w - 1), slopePerRow: t.slope }];
  });
  return moved.sort((a, b) => Math.abs(b.change) - Math.abs(a.change)).slice(0, top);
}

/** The registered goodhart detector. */
export const goodhart = defineDetector({
  id: 'goodhart',
  summary: "an agent's reward trends up while a team KPI trends worse over the same window (autocorrelation-robust, run-level false-alarm control)",
  get paramsSchema() {
    return goodhartParams();
  },
  create: createGoodhart,
  rowsNeeded: goodhartRowsNeeded,
  // A misspelt KPI would leave the scan with nothing to test: a config error, not a clear verdict.
  worldIssues: (params, world) =>
    params.kpis
      .filter((name) => !world.kpis.some((k) => k.name === name))
      .map((name) => ({ path: 'kpis', message: `'${name}' is not a KPI of this world; its KPIs: ${world.kpis.map((k) => k.name).join(', ')}` })),
});
