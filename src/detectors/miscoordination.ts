/**
 * miscoordination: the team KPI sits well below what a coordinated team reaches (a reference: the
 * world's optimum such as base-stock in the beer game, a scripted baseline, or a value in the
 * config), although no single agent can improve it alone: a coordination failure rather than one
 * agent's shortfall.
 *
 *  1. Gap: over a window, the AR(1)-corrected one-sided test that the KPI's mean is worse than
 *     the reference by more than `minRelativeGap` × |reference| (scanned online; the verdict uses
 *     the final window). KPIs without a reference are skipped.
 *  2. Unilateral check (forks): from recorded points, branch the world `horizon` steps with every
 *     policy playing (baseline), and with one agent forced to an alternative action at every step
 *     while the others keep their policies; the gain is the KPI change (oriented so positive is
 *     better), averaged over points with a Student-t interval. An agent can improve the KPI alone
 *     when some alternative's lower bound exceeds `minImprovement` × the gap.
 *  3. Classification per KPI: `miscoordination` (gap, no unilateral improvement),
 *     `individual-shortfall` (gap, but an agent alone can close part of it), `below-reference`
 *     (gap, unilateral check not run), or nothing.
 */
import { z } from 'zod';
import type { Space } from '../core/spaces.js';
import { mean, sd } from '../stats/descriptive.js';
import { studentTQuantile } from '../stats/distributions.js';
import { meanTest, type MeanTest } from '../stats/mean-test.js';
import { Forker, FORKS_TO_TEST, type ForkSource } from './forks.js';
import type { Ledger, LedgerKpi } from './ledger.js';
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
import { lazySchema } from '../core/lazy-schema.js';

/** What forcing one agent to one alternative action did to one KPI. */
export interface UnilateralResult {
  readonly agent: string;
  /** The alternative action (all slots). */
  readonly alternative: readonly number[];
  readonly kpi: string;
  /** Mean KPI change, oriented so positive is better for the team. */
  readonly meanGain: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly n: number;
  readonly horizon: number;
}

/** Options of `probeUnilateral`. */
export interface UnilateralOptions {
  /** KPI names to measure (default: all of the world's). */
  readonly kpis?: readonly string[];
  /** Steps per branch (needs `source.actor` above 1). Default 10. */
  readonly horizon?: number;
  /** Alternatives per agent; default `defaultAlternatives`. */
  readonly alternatives?: (agent: number, space: Space) => Float64Array[];
  /** Confidence level of the intervals. Default 0.95. */
  readonly confidence?: number;
}

/** Alternatives for a space: every action of a discrete space with ≤ `max` actions (else evenly spaced ones); low, middle and high of a box. */
export function defaultAlternatives(space: Space, max = 8): Float64Array[] {
  if (space.kind === 'discrete') {
    const k = Math.min(space.n, max);
    return Array.from({ length: k }, (_, i) => Float64Array.of(Math.round((i * (space.n - 1)) / Math.max(1, k - 1))));
  }
  if (space.kind === 'multi-discrete') {
    return [0, 0.5, 1].map((f) => Float64Array.from(space.nvec, (n) => Math.round(f * (n - 1))));
  }
  return [0, 0.5, 1].map((f) => Float64Array.from(space.low, (lo, i) => lo + f * (space.high[i]! - lo)));
}

/** Fork-based unilateral deviations (see module header, step 2). */
export function probeUnilateral(source: ForkSource, options: UnilateralOptions = {}): UnilateralResult[] {
  const { world, points, actor } = source;
  const horizon = options.horizon ?? 10;
  const conf = options.confidence ?? 0.95;
  const forker = new Forker(world);
  const kpiIdx = world.kpis.map((k, i) => [k, i] as const).filter(([k]) => !options.kpis || options.kpis.includes(k.name));
  const base = points.map((p) => Float64Array.from(forker.branch(p, horizon, undefined, actor).kpis));
  const results: UnilateralResult[] = [];
  world.agents.forEach((agent, i) => {
    const space = world.actionSpaces[i]!;
    const alts = options.alternatives ? options.alternatives(i, space) : defaultAlternatives(space);
    for (const alt of alts) {
      const gains = kpiIdx.map(() => new Float64Array(points.length));
      points.forEach((p, n) => {
        const b = forker.branch(
          p,
          horizon,
          (_t, a, out) => {
            if (a === i) out.set(alt);
          },
          actor,
        );
        kpiIdx.forEach(([k, ki], g) => (gains[g]![n] = (k.better === 'higher' ? 1 : -1) * (b.kpis[ki]! - base[n]![ki]!)));
      });
      kpiIdx.forEach(([k], g) => {
        const x = gains[g]!;
        const m = mean(x);
        const s = sd(x);
        const half = x.length > 1 && s > 0 ? studentTQuantile(1 - (1 - conf) / 2, x.length - 1) * (s / Math.sqrt(x.length)) : 0;
        results.push({ agent: agent.id, alternative: Array.from(alt), kpi: k.name, meanGain: m, ciLow: m - half, ciHigh: m + half, n: x.length, horizon });
      });
    }
  });
  return results;
}

/** Params of the miscoordination detector (`detectors.miscoordination`). */
export const miscoordinationParams = lazySchema(() =>
  z
    .object({
      references: z
        .record(z.string(), z.number())
        .default({})
        .describe('Reference value per KPI name (overrides the world’s); KPIs without one are not checked'),
      window: z.number().int().min(8).default(50).describe('Metrics rows per tested window'),
      stride: z.number().int().positive().optional().describe('Rows between tested windows (default: half the window)'),
      alpha: z.number().gt(0).max(0.5).default(0.05).describe('False-alarm budget of the gap test over the whole run and all KPIs'),
      minRelativeGap: z
        .number()
        .positive()
        .default(0.1)
        .describe('Gap to the reference worth reporting, as a fraction of |reference| (of 1 when the reference is 0)'),
      horizon: z.number().int().positive().default(10).describe('Steps per unilateral-deviation branch when the detector forks the world itself'),
      minImprovement: z
        .number()
        .nonnegative()
        .default(0.1)
        .describe('Share of the gap one agent must be able to close alone (interval lower bound) to count as a unilateral improvement'),
      confidence: z.number().gt(0.5).lt(1).default(0.95).describe('Confidence level of the intervals'),
    })
    .strict(),
);

/** Resolved miscoordination params. */
export type MiscoordinationParams = z.infer<ReturnType<typeof miscoordinationParams>>;

function createMiscoordination(params: MiscoordinationParams, context: DetectorContext): OnlineDetector {
  const w = params.window;
  const stride = params.stride ?? Math.ceil(w / 2);
  const episodes = new EpisodeTracker<Finding>();

  const withRef = (ledger: Ledger): { kpi: LedgerKpi; k: number; ref: number }[] =>
    ledger.meta.kpis.flatMap((kpi, k) => {
      const ref = params.references[kpi.name] ?? kpi.reference;
      return ref === undefined ? [] : [{ kpi, k, ref }];
    });

  /** Gap test at row r: oriented so `gap` > 0 means worse than the reference. */
  const gapTest = (ledger: Ledger, k: number, kpi: LedgerKpi, ref: number, r: number, nKpis: number) => {
    const x = windowOf(ledger.kpis[k]!, r, w);
    if (!x) return undefined;
    const sign = kpi.better === 'higher' ? 1 : -1;
    const oriented = x.map((v) => sign * (ref - v));
    const earlier: Float64Array[] = [];
    for (let e = r - w; e >= w - 1 && earlier.length < 3; e -= w) {
      const win = windowOf(ledger.kpis[k]!, e, w);
      if (!win) break;
      earlier.push(win.map((v) => sign * (ref - v)));
    }
    const minGap = params.minRelativeGap * (Math.abs(ref) || 1);
    const test: MeanTest = meanTest(oriented, minGap, { earlier, confidence: params.confidence });
    const tests = Math.max(1, scanPositions(Math.max(context.plannedRows ?? 0, ledger.length), w, stride)) * nKpis;
    return { test, minGap, tests, level: params.alpha / tests };
  };

  return {
    push(ledger: Ledger): Finding[] {
      const r = ledger.length - 1;
      if (!isScanEnd(r, w, stride)) return [];
      const kpis = withRef(ledger);
      const out: Finding[] = [];
      for (const { kpi, k, ref } of kpis) {
        const g = gapTest(ledger, k, kpi, ref, r, kpis.length);
        if (!g || g.test.pAbove > g.level) continue;
        const finding: Finding = {
          type: 'finding',
          detector: 'miscoordination',
          kind: 'below-reference',
          agents: [...ledger.meta.agents],
          startStep: ledger.steps[r - w + 1]!,
          endStep: ledger.steps[r]!,
          score: g.test.mean / (Math.abs(ref) || 1),
          pValue: Math.min(1, g.test.pAbove * g.tests),
          evidence: { kpi: kpi.name, better: kpi.better, reference: ref, meanGap: g.test.mean, interval: [g.test.ciLow, g.test.ciHigh], minGap: g.minGap },
        };
        if (
          episodes.fire(
            kpi.name,
            r,
            stride,
            () => finding,
            (prev) => ({ ...prev, endStep: finding.endStep }),
          ) === 'new'
        )
          out.push(finding);
      }
      return out;
    },
    finish(ledger: Ledger) {
      const findings: Finding[] = [...episodes.all()];
      const r = ledger.length - 1;
      const kpis = withRef(ledger);
      if (kpis.length === 0 || r < w - 1) {
        const verdict =
          kpis.length === 0
            ? untestedVerdict(
                'no-reference',
                'no KPI has a reference value',
                'set detectors.miscoordination.references (KPI name → the value a coordinated team reaches) or use a world whose KPIs have references',
              )
            : untestedVerdict(
                'insufficient-data',
                `${ledger.length} metrics rows, fewer than the ${w} that window=${w} needs`,
                rowsToTest({ minRows: w, because: `window=${w}` }, context.metricsEvery),
              );
        return { findings, verdict };
      }
      const unilateral =
        readProbe(context, MISCOORDINATION_PROBES.unilateral) ??
        (context.forks && context.forks.points.length > 1 && (params.horizon === 1 || context.forks.actor)
          ? probeUnilateral(context.forks, { horizon: params.horizon, confidence: params.confidence, kpis: kpis.map((k) => k.kpi.name) })
          : undefined);
      const perKpi = kpis.map(({ kpi, k, ref }) => {
        const g = gapTest(ledger, k, kpi, ref, r, kpis.length);
        const gapShown = g !== undefined && g.test.pAbove <= g.level;
        const mine = (unilateral ?? []).filter((u) => u.kpi === kpi.name);
        const improving = g ? mine.filter((u) => u.ciLow > params.minImprovement * Math.max(g.test.mean, g.minGap)) : [];
        const status = !gapShown
          ? 'at-reference'
          : unilateral === undefined
            ? 'below-reference'
            : improving.length > 0
              ? 'individual-shortfall'
              : 'miscoordination';
        return {
          kpi: kpi.name,
          reference: ref,
          status,
          gap: g?.test ?? null,
          minGap: g?.minGap ?? null,
          pValue: g ? Math.min(1, g.test.pAbove * g.tests) : 1,
          improving,
          best: mine.sort((a, b) => b.ciLow - a.ciLow).slice(0, 3),
        };
      });
      const startStep = ledger.steps[r - w + 1]!;
      const endStep = ledger.steps[r]!;
      for (const p of perKpi) {
        if (p.status === 'at-reference') continue;
        if (p.status === 'below-reference' && findings.some((f) => f.kind === 'below-reference' && f.evidence['kpi'] === p.kpi)) continue;
        findings.push({
          type: 'finding',
          detector: 'miscoordination',
          kind: p.status,
          agents: p.status === 'individual-shortfall' ? [...new Set(p.improving.map((u) => u.agent))] : [...ledger.meta.agents],
          startStep,
          endStep,
          score: p.gap!.mean / (Math.abs(p.reference) || 1),
          pValue: p.pValue,
          evidence: {
            kpi: p.kpi,
            reference: p.reference,
            meanGap: p.gap!.mean,
            interval: [p.gap!.ciLow, p.gap!.ciHigh],
            unilateral: p.status === 'individual-shortfall' ? p.improving : p.best,
            note:
              p.status === 'miscoordination'
                ? 'no single agent’s deviation to any tested alternative improves the KPI'
                : p.status === 'individual-shortfall'
                  ? 'a single agent can improve the KPI by acting differently'
                  : 'unilateral deviations not checked (no fork points)',
          },
        });
      }
      const mis = perKpi.filter((p) => p.status === 'miscoordination');
      const status =
        mis.length > 0
          ? 'miscoordination'
          : perKpi.find((p) => p.status === 'individual-shortfall')
            ? 'individual-shortfall'
            : perKpi.find((p) => p.status === 'below-reference')
              ? 'below-reference-unilateral-not-checked'
              : 'at-reference';
      const summaries: Record<string, string> = {
        miscoordination: `miscoordination on ${mis.map((p) => p.kpi).join(', ')}: well below the reference and no single agent can improve it alone`,
        'individual-shortfall': 'below the reference, but a single agent can improve it alone (not a coordination failure)',
        'at-reference': 'team KPIs not shown to be below their references',
      };
      return {
        findings: findings.sort((a, b) => a.startStep - b.startStep),
        verdict:
          status === 'below-reference-unilateral-not-checked'
            ? {
                ...untestedVerdict(
                  status,
                  'below the reference, but whether one agent alone could improve it was not checked (no fork points)',
                  `${FORKS_TO_TEST}; or tacit detect with unilateral deviations in probes.json`,
                ),
                details: { kpis: perKpi.map(({ improving: _i, ...rest }) => rest), unilateralChecked: false },
              }
            : testedVerdict(mis.length > 0, status, summaries[status]!, {
                kpis: perKpi.map(({ improving: _i, ...rest }) => rest),
                unilateralChecked: unilateral !== undefined,
              }),
      };
    },
  };
}

/** Where the miscoordination detector finds its unilateral deviations in DetectorContext.probes (and probes.json). */
export const MISCOORDINATION_PROBES = { unilateral: probeKey<readonly UnilateralResult[]>('unilateral') } as const;

/** The registered miscoordination detector. */
export const miscoordination = defineDetector({
  id: 'miscoordination',
  summary: 'team KPI well below a reference although no single agent can improve it alone (fork-based unilateral check)',
  get paramsSchema() {
    return miscoordinationParams();
  },
  create: createMiscoordination,
  // Unilateral deviations under the trained (greedy) policies, for the KPIs with a reference.
  probes: {
    afterTraining: (params, run) => {
      const withRef = run.world.kpis.filter((k) => k.reference !== undefined || params.references[k.name] !== undefined).map((k) => k.name);
      return withRef.length > 0
        ? { [MISCOORDINATION_PROBES.unilateral.name]: probeUnilateral(run.forks, { kpis: withRef, horizon: params.horizon, confidence: params.confidence }) }
        : undefined;
    },
  },
  // Only where some KPI has a reference to compare with; then one full window.
  worldIssues: (params, world) =>
    Object.keys(params.references)
      .filter((name) => !world.kpis.some((k) => k.name === name))
      .map((name) => ({ path: `references.${name}`, message: `'${name}' is not a KPI of this world; its KPIs: ${world.kpis.map((k) => k.name).join(', ')}` })),
  rowsNeeded: (params, world) =>
    world.kpis.some((k) => k.reference !== undefined || params.references[k.name] !== undefined)
      ? { minRows: params.window, because: `miscoordination window=${params.window}` }
      : undefined,
});
