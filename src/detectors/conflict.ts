/**
 * conflict: agent i's actions lower agent j's reward, and tug-of-war between opposing controls.
 *
 * Influence (at `finish`, or from a matrix the runner supplies): at each recorded fork point,
 * branch the world twice from the same state (same rng words): once with the recorded joint
 * action, once with agent i's action replaced by `world.defaultAction(i, …)`; optionally roll both
 * branches `horizon` steps with the policies. Δ_ij = j's reward in the first minus in the second,
 * so Δ_ij < 0 means i's actual choice cost j reward. Per ordered pair: mean Δ, a Student-t
 * interval and a one-sided t-test over points (points should be spaced so they are roughly
 * independent). Pairs fire at Bonferroni level alpha / (pairs) and when the effect is at least
 * `minRelativeEffect` of j's mean absolute reward.
 *
 * Tug-of-war (online, from the ledger's `action/<agent>` series): in a scanned window, the changes of
 * two agents' actions are anti-correlated (Bartlett-corrected test on first differences, which is
 * valid for autocorrelated and random-walk actions alike) *and* both actions oscillate (an AR(2)
 * fit with complex roots and φ₂ significantly negative, src/stats/regression.ts; an AR(1) of any
 * persistence or a random walk has φ₂ = 0). The three tests form an intersection–union test; windows
 * are scanned like goodhart's, with alpha spent over all windows and pairs, and a pair is reported
 * once `persistence` consecutive windows agree. Within one window, two *independent* oscillators at
 * nearly the same period that happen to be in anti-phase look exactly like a tug-of-war; requiring
 * the lock to persist is what separates them (their phases drift apart).
 */
import { z } from 'zod';
import { acf, correlation, diff, mean, sd } from '../stats/descriptive.js';
import { normalCdf, studentTQuantile, studentTSf } from '../stats/distributions.js';
import { oscillationTest, type OscillationTest } from '../stats/regression.js';
import { Forker, FORKS_TO_TEST, type ForkSource } from './forks.js';
import type { Ledger } from './ledger.js';
import { EpisodeTracker, isScanEnd, scanPositions, windowOf } from './scan.js';
import {
  defineDetector,
  probeKey,
  readProbe,
  rowsToTest,
  testedVerdict,
  untestedVerdict,
  type DetectorContext,
  type Finding,
  type OnlineDetector,
} from './types.js';
import { metricsKey } from '../core/metrics-row.js';
import { lazySchema } from '../core/lazy-schema.js';

/** Influence of one agent's actions on one agent's reward. */
export interface InfluenceCell {
  /** The agent whose action was replaced by its default. */
  readonly actor: string;
  /** The agent whose reward was measured. */
  readonly affected: string;
  /** Mean Δ (actual − default) of the affected agent's reward over the horizon. */
  readonly mean: number;
  /** Student-t interval of the mean. */
  readonly ciLow: number;
  readonly ciHigh: number;
  /** Standard deviation of Δ over points. */
  readonly sd: number;
  /** Number of fork points. */
  readonly n: number;
  /** One-sided p-value for "mean Δ < 0" (the actor lowers the affected agent's reward). */
  readonly pHarm: number;
  /** Mean absolute reward of the affected agent in the actual branches (the scale of `mean`). */
  readonly scale: number;
}

/** A fork-based influence matrix. */
export interface InfluenceMatrix {
  readonly agents: readonly string[];
  /** Steps each branch ran. */
  readonly horizon: number;
  /** Confidence level of the intervals. */
  readonly confidence: number;
  /** Every ordered pair (actor, affected), including actor = affected (own effect, for context). */
  readonly cells: readonly InfluenceCell[];
  /** Engine steps of the first and last fork point, when known. */
  readonly steps: readonly [number, number] | null;
}

/** Options of `estimateInfluence`. */
export interface InfluenceOptions {
  /** Steps per branch; above 1 needs `source.actor`. Default 1. */
  readonly horizon?: number;
  /** Discount of later rewards in a branch. Default 1. */
  readonly discount?: number;
  /** Confidence level of the intervals. Default 0.95. */
  readonly confidence?: number;
}

/** Estimate the influence matrix from fork points (see module header). */
export function estimateInfluence(source: ForkSource, options: InfluenceOptions = {}): InfluenceMatrix {
  const { world, points, actor } = source;
  const horizon = options.horizon ?? 1;
  const confidence = options.confidence ?? 0.95;
  const nA = world.agents.length;
  const forker = new Forker(world);
  const deltas = Array.from({ length: nA * nA }, () => new Float64Array(points.length));
  const absBase = new Float64Array(nA);
  points.forEach((point, p) => {
    const base = forker.branch(point, horizon, undefined, actor, options.discount ?? 1);
    const baseRewards = Float64Array.from(base.rewards);
    for (let j = 0; j < nA; j++) absBase[j] = absBase[j]! + Math.abs(baseRewards[j]!);
    for (let i = 0; i < nA; i++) {
      const cf = forker.branch(
        point,
        horizon,
        (t, agent, out, state) => {
          if (t === 0 && agent === i) world.defaultAction(i, state, out);
        },
        actor,
        options.discount ?? 1,
      );
      for (let j = 0; j < nA; j++) deltas[i * nA + j]![p] = baseRewards[j]! - cf.rewards[j]!;
    }
  });
  const n = points.length;
  const cells: InfluenceCell[] = [];
  for (let i = 0; i < nA; i++) {
    for (let j = 0; j < nA; j++) {
      const d = deltas[i * nA + j]!;
      const m = mean(d);
      const s = sd(d);
      const se = s / Math.sqrt(n);
      const half = n > 1 && se > 0 ? studentTQuantile(1 - (1 - confidence) / 2, n - 1) * se : 0;
      const pHarm = se > 0 ? studentTSf(-m / se, n - 1) : m < 0 ? 0 : 1;
      cells.push({
        actor: world.agents[i]!.id,
        affected: world.agents[j]!.id,
        mean: m,
        ciLow: m - half,
        ciHigh: m + half,
        sd: s,
        n,
        pHarm,
        scale: absBase[j]! / n,
      });
    }
  }
  const steps = points.length > 0 && points[0]!.step !== undefined ? ([points[0]!.step, points[points.length - 1]!.step ?? points[0]!.step] as const) : null;
  return { agents: world.agents.map((a) => a.id), horizon, confidence, cells, steps };
}

/** Params of the conflict detector (`detectors.conflict`). */
export const conflictParams = lazySchema(() =>
  z
    .object({
      alpha: z
        .number()
        .gt(0)
        .max(0.5)
        .default(0.05)
        .describe('False-alarm budget for the run, shared by all agent pairs (influence) and all windows and pairs (tug-of-war)'),
      confidence: z.number().gt(0.5).lt(1).default(0.95).describe('Confidence level of the influence intervals'),
      minRelativeEffect: z
        .number()
        .nonnegative()
        .default(0.02)
        .describe('Smallest harm worth reporting, as a fraction of the affected agent’s mean absolute reward'),
      horizon: z
        .number()
        .int()
        .positive()
        .default(10)
        .describe(
          'Steps each counterfactual branch runs, so effects that take a few steps (deliveries, queues) count; the policies play after the first step (without them, 1)',
        ),
      discount: z.number().min(0).max(1).default(1).describe('Discount of later rewards within a branch'),
      tugOfWar: z
        .object({
          enabled: z.boolean().default(true).describe('Scan action series for tug-of-war'),
          window: z.number().int().min(16).default(80).describe('Metrics rows per tested window (several periods of the oscillation must fit)'),
          stride: z.number().int().positive().optional().describe('Rows between tested windows (default: half the window)'),
          minAntiCorrelation: z.number().min(0).max(1).default(0.5).describe('Smallest anti-correlation of the two agents’ action changes worth reporting'),
          persistence: z
            .number()
            .int()
            .positive()
            .default(2)
            .describe(
              'Consecutive tested windows that must agree before a tug-of-war is reported (independent oscillators drift out of phase; coupled ones stay locked)',
            ),
        })
        .strict()
        .prefault({})
        .describe('Tug-of-war between opposing controls'),
    })
    .strict(),
);

/** Resolved conflict params. */
export type ConflictParams = z.infer<ReturnType<typeof conflictParams>>;

/** Findings of kind `harms` from an influence matrix. */
export function influenceFindings(matrix: InfluenceMatrix, params: Pick<ConflictParams, 'alpha' | 'minRelativeEffect'>): Finding[] {
  const pairs = matrix.cells.filter((c) => c.actor !== c.affected);
  const level = params.alpha / Math.max(1, pairs.length);
  const [startStep, endStep] = matrix.steps ?? [0, 0];
  return pairs
    .filter((c) => c.pHarm <= level && -c.mean >= params.minRelativeEffect * c.scale && c.mean < 0)
    .map((c) => ({
      type: 'finding' as const,
      detector: 'conflict',
      kind: 'harms',
      agents: [c.actor, c.affected],
      startStep,
      endStep,
      score: c.scale > 0 ? -c.mean / c.scale : -c.mean,
      pValue: Math.min(1, c.pHarm * pairs.length),
      evidence: {
        meanRewardChange: c.mean,
        interval: [c.ciLow, c.ciHigh],
        confidence: matrix.confidence,
        points: c.n,
        horizon: matrix.horizon,
        affectedMeanAbsReward: c.scale,
        ownEffect: matrix.cells.find((o) => o.actor === c.actor && o.affected === c.actor)?.mean ?? null,
        method: `fork at each point, replace ${c.actor}'s action with its default, Δ = ${c.affected}'s reward (actual − default); one-sided t-test, Bonferroni over ${pairs.length} pairs`,
      },
    }));
}

/** Tug-of-war statistics of two action windows. */
export function tugOfWarStats(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { r: number; pAnti: number; oscA: OscillationTest; oscB: OscillationTest; p: number } {
  const da = diff(a);
  const db = diff(b);
  const n = da.length;
  // Bartlett's sum over 10 lags: shorter sums understate the variance when both actions oscillate
  // independently at similar periods (measured: 9–13% false alarms with 1–3 lags, 1–5% with 10).
  const L = Math.min(10, Math.floor(n / 4));
  const ra = acf(da, L);
  const rb = acf(db, L);
  let bartlett = 1;
  for (let k = 1; k <= L; k++) bartlett += 2 * ra[k]! * rb[k]!;
  const r = correlation(da, db);
  const pAnti = normalCdf(r / Math.sqrt(Math.max(bartlett, 1e-6) / n));
  const oscA = oscillationTest(a);
  const oscB = oscillationTest(b);
  const p = oscA.complex && oscB.complex ? Math.max(pAnti, oscA.p, oscB.p) : 1;
  return { r, pAnti, oscA, oscB, p };
}

function createConflict(params: ConflictParams, context: DetectorContext): OnlineDetector {
  const tw = params.tugOfWar;
  const w = tw.window;
  const stride = tw.stride ?? Math.ceil(w / 2);
  const episodes = new EpisodeTracker<Finding>();
  const streaks = new Map<string, { first: Finding; count: number; lastEnd: number }>();
  let windowsTested = 0;
  return {
    push(ledger: Ledger): Finding[] {
      const r = ledger.length - 1;
      if (!tw.enabled || !isScanEnd(r, w, stride)) return [];
      const agents = ledger.meta.agents;
      const pairs = (agents.length * (agents.length - 1)) / 2;
      const planned = Math.max(context.plannedRows ?? 0, ledger.length);
      const tests = scanPositions(planned, w, stride) * pairs;
      const level = params.alpha / Math.max(1, tests);
      windowsTested++;
      const out: Finding[] = [];
      for (let i = 0; i < agents.length; i++) {
        const a = windowOf(ledger.actions[i]!, r, w);
        if (!a) continue;
        for (let j = i + 1; j < agents.length; j++) {
          const b = windowOf(ledger.actions[j]!, r, w);
          if (!b) continue;
          const st = tugOfWarStats(a, b);
          if (st.p > level || -st.r < tw.minAntiCorrelation) continue;
          const finding: Finding = {
            type: 'finding',
            detector: 'conflict',
            kind: 'tug-of-war',
            agents: [agents[i]!, agents[j]!],
            startStep: ledger.steps[r - w + 1]!,
            endStep: ledger.steps[r]!,
            score: -st.r,
            pValue: Math.min(1, st.p * tests),
            evidence: {
              series: [metricsKey.action(agents[i]!), metricsKey.action(agents[j]!)],
              changeCorrelation: st.r,
              changeCorrelationP: st.pAnti,
              oscillation: Object.fromEntries(
                [
                  [agents[i]!, st.oscA],
                  [agents[j]!, st.oscB],
                ].map(([id, o]) => [
                  id,
                  {
                    phi1: (o as OscillationTest).phi1,
                    phi2: (o as OscillationTest).phi2,
                    p: (o as OscillationTest).p,
                    periodRows: (o as OscillationTest).period,
                  },
                ]),
              ),
              window: { rows: w, startStep: ledger.steps[r - w + 1]!, endStep: ledger.steps[r]! },
              test: {
                level,
                tests,
                alpha: params.alpha,
                method: 'intersection–union: correlation of first differences (Bartlett variance) and AR(2) oscillation of each action',
              },
            },
          };
          const key = `${i}|${j}`;
          const streak = streaks.get(key);
          const run =
            streak && streak.lastEnd === r - stride ? { first: streak.first, count: streak.count + 1, lastEnd: r } : { first: finding, count: 1, lastEnd: r };
          streaks.set(key, run);
          if (run.count < tw.persistence) continue;
          const first = run.first;
          const merged = run.count === tw.persistence ? { ...finding, startStep: first.startStep } : finding;
          const status = episodes.fire(
            key,
            r,
            stride,
            () => merged,
            (prev) => ({ ...prev, endStep: finding.endStep }),
          );
          if (status === 'new') out.push(merged);
        }
      }
      return out;
    },
    finish(ledger: Ledger) {
      const forks = context.forks;
      const matrix =
        readProbe(context, CONFLICT_PROBES.influence) ??
        (forks && forks.points.length > 1 ? estimateInfluence(forks, { ...params, horizon: forks.actor ? params.horizon : 1 }) : undefined);
      const harms = matrix ? influenceFindings(matrix, params) : [];
      const tugs = episodes.all();
      const findings = [...harms, ...tugs].sort((a, b) => a.startStep - b.startStep);
      const details = {
        influence: matrix ? matrix.cells.map((c) => ({ actor: c.actor, affected: c.affected, mean: c.mean, ciLow: c.ciLow, ciHigh: c.ciHigh, n: c.n })) : null,
        harms: harms.length,
        tugOfWar: tugs.length,
        windowsTested,
        influenceChecked: matrix !== undefined,
        tugOfWarChecked: windowsTested > 0,
      };
      // What each half could not test, and what would let it. The detector's claim is "no agent
      // harms another and no tug-of-war", so it is clear only when every enabled half ran; a half
      // switched off by the user (tugOfWar.enabled: false) narrows the claim instead.
      const influenceGap = matrix
        ? undefined
        : {
            reason: "no fork points or influence matrix, so whether one agent's action lowers another's reward was not checked",
            toTest: `${FORKS_TO_TEST}; or tacit detect with an influence matrix in probes.json`,
          };
      const tugGap =
        !tw.enabled || windowsTested > 0
          ? undefined
          : {
              reason: `${ledger.length} metrics rows, fewer than the ${w} tugOfWar.window=${w} needs (0 tug-of-war windows tested)`,
              toTest: rowsToTest({ minRows: w, because: `tugOfWar.window=${w}` }, context.metricsEvery),
            };
      const tested = [
        matrix ? `no agent’s action shown to lower another’s reward at ${matrix.cells[0]?.n ?? 0} fork points` : '',
        windowsTested > 0 ? `no tug-of-war in ${windowsTested} window${windowsTested === 1 ? '' : 's'}` : '',
      ].filter(Boolean);
      if (findings.length === 0 && (influenceGap || tugGap)) {
        const gaps = [influenceGap, tugGap].filter((g) => g !== undefined);
        const status = influenceGap && tugGap ? 'untested' : influenceGap ? 'influence-not-checked' : 'tug-of-war-not-checked';
        return {
          findings,
          verdict: untestedVerdict(
            status,
            `${gaps.map((g) => g.reason).join('; and ')}${tested.length > 0 ? ` (what was tested: ${tested.join('; ')})` : ''}`,
            gaps.map((g) => g.toTest).join('; and '),
            details,
          ),
        };
      }
      const notChecked = [
        influenceGap ? 'influence not checked (no fork points or influence matrix)' : '',
        tugGap ? 'tug-of-war not checked (0 windows)' : '',
        tw.enabled ? '' : 'tug-of-war scan switched off',
      ].filter(Boolean);
      const scope = notChecked.length > 0 ? ` (${notChecked.join('; ')})` : '';
      return {
        findings,
        verdict: testedVerdict(
          findings.length > 0,
          findings.length > 0 ? (harms.length > 0 ? 'conflict' : 'tug-of-war') : 'none',
          harms.length > 0
            ? `${harms.map((f) => `${f.agents[0]} lowers ${f.agents[1]}'s reward`).join('; ')}${tugs.length > 0 ? `; tug-of-war between ${tugs.map((f) => f.agents.join(' and ')).join(', ')}` : ''}${scope}`
            : tugs.length > 0
              ? `tug-of-war between ${tugs.map((f) => f.agents.join(' and ')).join(', ')}${scope}`
              : `no agent’s action was shown to lower another’s reward${windowsTested > 0 ? ', and no tug-of-war' : ''}${scope}`,
          details,
        ),
      };
    },
  };
}

/** Where the conflict detector finds its influence matrix in DetectorContext.probes (and probes.json). */
export const CONFLICT_PROBES = { influence: probeKey<InfluenceMatrix>('influence') } as const;

/** The registered conflict detector. */
export const conflict = defineDetector({
  id: 'conflict',
  summary: "agent i's actions lower agent j's reward (fork-based influence matrix with intervals); tug-of-war between opposing controls",
  get paramsSchema() {
    return conflictParams();
  },
  create: createConflict,
  // The influence matrix under the trained (greedy) policies, branches of `horizon` steps.
  probes: {
    afterTraining: (params, run) => ({
      [CONFLICT_PROBES.influence.name]: estimateInfluence(run.forks, { horizon: params.horizon, discount: params.discount, confidence: params.confidence }),
    }),
  },
  rowsNeeded: (params) =>
    params.tugOfWar.enabled
      ? {
          minRows: params.tugOfWar.window,
          because: `conflict tugOfWar.window=${params.tugOfWar.window}`,
          part: 'its tug-of-war scan; the fork-based influence matrix still runs',
        }
      : undefined,
});
