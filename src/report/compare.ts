/**
 * Comparing variants across seeds. For every team KPI, every agent's local reward and every
 * detector's verdict rate, per variant: the mean across seeds with a bootstrap confidence interval
 * (BCa; exact enumeration for ≤ 5 seeds, seeded resampling above), or for verdict rates the
 * fraction of seeds in which the detector fired with a Wilson interval. Between every pair of
 * variants: Welch's t-test (Fisher's exact test for verdict rates), with Holm's correction over the
 * pairs of each metric, and an exact/Monte Carlo permutation p-value alongside as a check that
 * needs no normality. The best variant per metric respects the metric's better-direction: KPI
 * directions come from summary.json `kpiSpecs` (as the runner writes them), else (folders from
 * before summaries had them) from the world's registered KpiSpecs, else 'higher' (flagged as assumed); local reward is better higher and a
 * detector firing is better lower.
 */
import { worlds } from '../../envs/index.js';
import { bootstrapMeanCI, compactLetters, fisherExact, holm, mean, permutationTest, sd, welchTTest, wilsonInterval } from '../stats/index.js';
import { outcomeOf, type VerdictOutcome } from '../detectors/types.js';
import type { KpiSpecs, SeedRecord } from './load.js';
import { coordinationFaultMetrics } from './compare-coordination-faults.js';
import type { Variant } from './variants.js';
import { metricsKey } from '../core/metrics-row.js';

/** Options of compareVariants. */
export interface CompareOptions {
  /** Confidence level of intervals, default 0.95. */
  readonly level?: number;
  /** Significance level after correction, default 0.05. */
  readonly alpha?: number;
  /** Bootstrap resamples when not exact, default 10 000. */
  readonly resamples?: number;
  /** Seed of the resampling streams, default 0. */
  readonly seed?: number;
}

/** One variant's statistics for one metric. */
export interface VariantStat {
  readonly variant: string;
  readonly n: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly sd: number;
  readonly values: readonly number[];
  /** How the interval was computed: 'bca', 'percentile', 'wilson', 'degenerate', or 'untested' (a verdict no seed could test). */
  readonly interval: string;
  /** Verdict rates only: seeds whose detector could not test (excluded from `n`, the rate and the ranking). */
  readonly untested?: number;
  /** Verdict rates only: why the first untested seed could not test, and what would make it testable. */
  readonly untestedReason?: string;
}

/** One pairwise test (a vs b) for one metric. */
export interface PairTest {
  readonly a: string;
  readonly b: string;
  /** mean(a) − mean(b). */
  readonly diff: number;
  readonly test: 'welch' | 'fisher';
  readonly pValue: number;
  /** Holm-adjusted over the pairs of this metric. */
  readonly pAdjusted: number;
  readonly significant: boolean;
  /** Permutation-test p-value of the same difference (null for verdict rates). */
  readonly permutationP: number | null;
  readonly t?: number;
  readonly df?: number;
}

/** The comparison of all variants on one metric. */
export interface MetricComparison {
  /** `kpi/<name>`, `reward/<agent>` or `verdict/<detector>`. */
  readonly id: string;
  readonly kind: 'kpi' | 'reward' | 'verdict';
  readonly name: string;
  readonly better: 'higher' | 'lower';
  /** False when the direction was assumed. */
  readonly directionKnown: boolean;
  readonly description: string | null;
  readonly variants: readonly VariantStat[];
  /** Variant labels from best to worst mean. */
  readonly ranking: readonly string[];
  /** The best variant's label (null when no variant has data). */
  readonly best: string | null;
  /** Every variant whose mean equals the best mean (ties); empty when all variants tie. */
  readonly tiedBest: readonly string[];
  /** Compact letter display: variants sharing a letter are not significantly different. */
  readonly letters: Readonly<Record<string, string>>;
  /** Whether the best is significantly better than every other variant after correction. */
  readonly bestIsClear: boolean;
  readonly pairs: readonly PairTest[];
}

/** Summary of one variant for the output. */
export interface VariantInfo {
  readonly label: string;
  readonly key: string;
  readonly experiment: string;
  readonly envId: string | null;
  readonly fields: Record<string, unknown>;
  readonly seeds: readonly number[];
  readonly runs: readonly string[];
}

/** A full comparison. */
export interface Comparison {
  readonly variants: readonly VariantInfo[];
  readonly metrics: readonly MetricComparison[];
  readonly options: { level: number; alpha: number; resamples: number; seed: number; correction: 'holm'; test: string; interval: string };
}

function specsToMap(specs: KpiSpecs | undefined): Map<string, { better?: string; description?: string }> {
  if (!specs) return new Map();
  if (Array.isArray(specs)) return new Map(specs.map((s) => [s.name, s]));
  return new Map(Object.entries(specs as Record<string, { better?: string; description?: string }>));
}

/**
 * KPI directions for a variant: summary kpiSpecs, which the runner writes; only for folders written
 * before summaries carried them, the registered world's KpiSpecs, rebuilt from the config.
 */
export function kpiDirections(variant: Variant): Map<string, { better: 'higher' | 'lower'; description: string | null }> {
  const out = new Map<string, { better: 'higher' | 'lower'; description: string | null }>();
  const add = (name: string, better: unknown, description: unknown): void => {
    if ((better === 'higher' || better === 'lower') && !out.has(name))
      out.set(name, { better, description: typeof description === 'string' ? description : null });
  };
  for (const s of variant.seeds) for (const [name, spec] of specsToMap(s.summary.kpiSpecs)) add(name, spec.better, spec.description);
  for (const r of variant.runs) for (const [name, spec] of specsToMap(r.summary['kpiSpecs'] as KpiSpecs | undefined)) add(name, spec.better, spec.description);
  const env = variant.runs[0]?.config['env'] as { id?: string; params?: Record<string, unknown> } | undefined;
  if (out.size === 0 && env?.id && worlds.has(env.id)) {
    try {
      const spec = worlds.get(env.id);
      const world = spec.create(spec.paramsSchema.parse(env.params ?? {}));
      for (const k of world.kpis) add(k.name, k.better, k.description);
    } catch {
      // Params from another version of the world: directions then come only from the summaries.
    }
  }
  return out;
}

/** A seed's verdict as fired/clear/untested (older summaries without `outcome` are read by outcomeOf). */
function verdictOutcome(v: unknown): VerdictOutcome | null {
  if (typeof v === 'boolean') return v ? 'fired' : 'clear';
  return outcomeOf(v);
}

type Extract = (s: SeedRecord) => number | null;

/** Compare variants on every KPI, local reward and detector verdict they report. */
export function compareVariants(variants: readonly Variant[], options: CompareOptions = {}): Comparison {
  const level = options.level ?? 0.95;
  const alpha = options.alpha ?? 0.05;
  const resamples = options.resamples ?? 10_000;
  const seed = options.seed ?? 0;

  const kpiNames = new Set<string>();
  const agentIds = new Set<string>();
  const detectorNames = new Set<string>();
  const directions = new Map<string, { better: 'higher' | 'lower'; description: string | null }>();
  for (const v of variants) {
    for (const s of v.seeds) {
      Object.keys(s.summary.kpis ?? {}).forEach((k) => kpiNames.add(k));
      Object.keys(s.summary.agents ?? {}).forEach((a) => agentIds.add(a));
      Object.keys(s.summary.verdicts ?? {}).forEach((d) => detectorNames.add(d));
    }
    for (const [k, d] of kpiDirections(v)) if (!directions.has(k)) directions.set(k, d);
  }

  const metrics: MetricComparison[] = [];
  for (const k of kpiNames) {
    const dir = directions.get(k);
    metrics.push(
      continuous(variants, metricsKey.kpi(k), 'kpi', k, dir?.better ?? 'higher', dir !== undefined, dir?.description ?? null, (s) => num(s.summary.kpis?.[k]), {
        level,
        alpha,
        resamples,
        seed,
      }),
    );
  }
  // Faulted runs (issue: fault injection) also compare on measured reliability and cascades.
  const reliabilityAgents = new Set<string>();
  let hasReliability = false;
  for (const v of variants)
    for (const s of v.seeds) {
      const r = reliabilityOf(s.summary);
      if (r) {
        hasReliability = true;
        Object.keys(r.agents ?? {}).forEach((a) => reliabilityAgents.add(a));
      }
    }
  if (hasReliability) {
    const o = { level, alpha, resamples, seed };
    metrics.push(
      continuous(
        variants,
        metricsKey.kpi('reliability:team'),
        'kpi',
        'reliability:team',
        'higher',
        true,
        'share of steps (or episodes) on which the whole team met its success criterion',
        (s) => num(reliabilityOf(s.summary)?.team?.rate),
        o,
      ),
    );
    for (const a of reliabilityAgents)
      metrics.push(
        continuous(
          variants,
          metricsKey.kpi(`reliability:${a}`),
          'kpi',
          `reliability:${a}`,
          'higher',
          true,
          `share of steps (or episodes) on which ${a} met its success criterion`,
          (s) => num(reliabilityOf(s.summary)?.agents?.[a]?.rate),
          o,
        ),
      );
    metrics.push(
      continuous(
        variants,
        metricsKey.kpi('cascade:excessFailureSteps'),
        'kpi',
        'cascade:excessFailureSteps',
        'lower',
        true,
        'failing agent-steps of other agents after a fault onset, beyond the fault-free background',
        (s) => num(reliabilityOf(s.summary)?.cascade?.excessFailureSteps),
        o,
      ),
    );
  }
  // Runs with a coordination section (src/coordination): greedy play's KPIs, override, word and budget rates.
  const o = { level, alpha, resamples, seed };
  const greedyKpis = new Set<string>();
  const rates: Record<string, Set<string>> = { 'coordination/overrides': new Set(), 'coordination/messages': new Set(), 'coordination/budgets': new Set() };
  for (const v of variants)
    for (const s of v.seeds) {
      Object.keys(coordinationOf(s.summary, 'coordination/greedy')).forEach((k) => greedyKpis.add(k));
      for (const key of Object.keys(rates)) Object.keys(coordinationOf(s.summary, key)).forEach((a) => rates[key]!.add(a));
    }
  for (const k of greedyKpis) {
    const dir = directions.get(k);
    metrics.push(
      continuous(
        variants,
        `kpi/greedy:${k}`,
        'kpi',
        `greedy:${k}`,
        dir?.better ?? 'higher',
        dir !== undefined,
        `${k} under greedy play of the trained policies at the end of the run (coordination wrappers acting)`,
        (s) => num(coordinationOf(s.summary, 'coordination/greedy')[k]),
        o,
      ),
    );
  }
  const rateMetrics = [
    ['coordination/overrides', 'rate', 'overrideRate', 'lower', true, 'share of its steps on which its supervisor overrode'],
    ['coordination/messages', 'finalRate', 'messageRate', 'higher', false, 'non-silent words per step in the last metrics window'],
    ['coordination/budgets', 'outShare', 'budgetOut', 'lower', true, 'share of its steps on which its budget was spent and the fallback acted'],
  ] as const;
  for (const [key, field, name, better, known, what] of rateMetrics)
    for (const a of rates[key]!)
      metrics.push(
        continuous(
          variants,
          `kpi/${name}:${a}`,
          'kpi',
          `${name}:${a}`,
          better,
          known,
          `${a}: ${what}`,
          (s) => num((coordinationOf(s.summary, key)[a] as Record<string, unknown> | undefined)?.[field]),
          o,
        ),
      );
  metrics.push(
    ...coordinationFaultMetrics(variants, (id, name, better, description, extract) =>
      continuous(variants, id, 'kpi', name, better, true, description, extract, { level, alpha, resamples, seed }),
    ),
  );
  for (const a of agentIds)
    metrics.push(
      continuous(
        variants,
        metricsKey.reward(a),
        'reward',
        a,
        'higher',
        true,
        `local reward of ${a} (sum of its raw components, per step)`,
        (s) => num(s.summary.agents?.[a]?.meanReward),
        { level, alpha, resamples, seed },
      ),
    );
  for (const d of detectorNames) metrics.push(verdictRates(variants, d, level, alpha));

  return {
    variants: variants.map((v) => ({
      label: v.label,
      key: v.key,
      experiment: v.experiment,
      envId: v.envId,
      fields: v.fields,
      seeds: v.seeds.map((s) => s.seed),
      runs: v.runs.map((r) => r.dir),
    })),
    metrics,
    options: {
      level,
      alpha,
      resamples,
      seed,
      correction: 'holm',
      test: 'welch (fisher for verdict rates)',
      interval: 'bootstrap BCa of the mean (wilson for verdict rates)',
    },
  };
}

/** A `coordination/…` object of a seed summary's metrics ({} when absent). */
function coordinationOf(summary: unknown, key: string): Record<string, unknown> {
  const v = (summary as { metrics?: Record<string, unknown> } | undefined)?.metrics?.[key];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The reliability block a faulted run writes to summary.json `metrics.reliability`, if any. */
function reliabilityOf(
  summary: unknown,
): { team?: { rate?: unknown }; agents?: Record<string, { rate?: unknown }>; cascade?: { excessFailureSteps?: unknown } } | undefined {
  const metrics = (summary as { metrics?: { reliability?: unknown } } | undefined)?.metrics;
  const r = metrics?.reliability;
  return r && typeof r === 'object' ? (r as ReturnType<typeof reliabilityOf>) : undefined;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function rank(stats: readonly VariantStat[], better: 'higher' | 'lower'): string[] {
  return stats
    .filter((s) => s.n > 0 && Number.isFinite(s.mean))
    .sort((x, y) => (better === 'higher' ? y.mean - x.mean : x.mean - y.mean))
    .map((s) => s.variant);
}

function finish(
  id: string,
  kind: MetricComparison['kind'],
  name: string,
  better: 'higher' | 'lower',
  directionKnown: boolean,
  description: string | null,
  stats: VariantStat[],
  raw: Omit<PairTest, 'pAdjusted' | 'significant'>[],
  alpha: number,
): MetricComparison {
  const adjusted = holm(raw.map((p) => p.pValue));
  const pairs = raw.map((p, i) => ({ ...p, pAdjusted: adjusted[i]!, significant: adjusted[i]! < alpha }));
  const ranking = rank(stats, better);
  const best = ranking[0] ?? null;
  const bestMean = stats.find((s) => s.variant === best)?.mean;
  const tied = stats.filter((s) => s.n > 0 && s.mean === bestMean).map((s) => s.variant);
  // A 'best' among one variant, or among variants that all tie, says nothing.
  const tiedBest = ranking.length < 2 || tied.length === ranking.length ? [] : tied;
  const letterList = compactLetters(
    ranking,
    pairs.filter((p) => p.significant).map((p) => [p.a, p.b] as const),
  );
  const letters: Record<string, string> = ranking.length < 2 ? {} : Object.fromEntries(ranking.map((v, i) => [v, letterList[i]!]));
  const bestIsClear =
    best !== null &&
    ranking.length > 1 &&
    ranking.slice(1).every((other) => pairs.some((p) => ((p.a === best && p.b === other) || (p.b === best && p.a === other)) && p.significant));
  return { id, kind, name, better, directionKnown, description, variants: stats, ranking, best, tiedBest, letters, bestIsClear, pairs };
}

function continuous(
  variants: readonly Variant[],
  id: string,
  kind: 'kpi' | 'reward',
  name: string,
  better: 'higher' | 'lower',
  directionKnown: boolean,
  description: string | null,
  extract: Extract,
  o: { level: number; alpha: number; resamples: number; seed: number },
): MetricComparison {
  const samples = variants.map((v) => v.seeds.map(extract).filter((x): x is number => x !== null));
  const stats: VariantStat[] = variants.map((v, i) => {
    const xs = samples[i]!;
    const ci = bootstrapMeanCI(xs, { level: o.level, resamples: o.resamples, seed: `${o.seed}/${id}/${v.key}` });
    return { variant: v.label, n: xs.length, mean: mean(xs), low: ci.low, high: ci.high, sd: xs.length > 1 ? sd(xs) : 0, values: xs, interval: ci.method };
  });
  const raw: Omit<PairTest, 'pAdjusted' | 'significant'>[] = [];
  for (let i = 0; i < variants.length; i++)
    for (let j = i + 1; j < variants.length; j++) {
      const w = welchTTest(samples[i]!, samples[j]!);
      if (!w) continue;
      const perm = permutationTest(samples[i]!, samples[j]!, { seed: `${o.seed}/${id}/${i}-${j}` });
      raw.push({
        a: variants[i]!.label,
        b: variants[j]!.label,
        diff: w.diff,
        test: 'welch',
        pValue: w.pValue,
        permutationP: perm?.pValue ?? null,
        t: w.t,
        df: w.df,
      });
    }
  return finish(id, kind, name, better, directionKnown, description, stats, raw, o.alpha);
}

function verdictRates(variants: readonly Variant[], detector: string, level: number, alpha: number): MetricComparison {
  // Rates are over the seeds where the detector could test; untested seeds are counted apart, and a
  // variant with no tested seed gets no rate and no rank.
  const counts = variants.map((v) => {
    const verdicts = v.seeds.map((s) => s.summary.verdicts?.[detector]);
    const outcomes = verdicts.map(verdictOutcome);
    const tested = outcomes.filter((o): o is 'fired' | 'clear' => o === 'fired' || o === 'clear');
    const firstUntested = verdicts[outcomes.indexOf('untested')] as { untestedReason?: string; toTest?: string; summary?: string } | undefined;
    const reason = firstUntested
      ? `${firstUntested.untestedReason ?? firstUntested.summary ?? 'could not test'}${firstUntested.toTest ? `; to test: ${firstUntested.toTest}` : ''}`
      : undefined;
    return {
      k: tested.filter((o) => o === 'fired').length,
      n: tested.length,
      untested: outcomes.filter((o) => o === 'untested').length,
      reason,
      values: tested.map((o) => (o === 'fired' ? 1 : 0)),
    };
  });
  const stats: VariantStat[] = variants.map((v, i) => {
    const c = counts[i]!;
    const extra = { untested: c.untested, ...(c.reason ? { untestedReason: c.reason } : {}) };
    if (c.n === 0)
      return {
        variant: v.label,
        n: 0,
        mean: Number.NaN,
        low: Number.NaN,
        high: Number.NaN,
        sd: 0,
        values: [],
        interval: c.untested > 0 ? 'untested' : 'wilson',
        ...extra,
      };
    const w = wilsonInterval(c.k, c.n, level);
    return {
      variant: v.label,
      n: c.n,
      mean: w.estimate,
      low: w.low,
      high: w.high,
      sd: c.n > 1 ? sd(c.values) : 0,
      values: c.values,
      interval: 'wilson',
      ...extra,
    };
  });
  const raw: Omit<PairTest, 'pAdjusted' | 'significant'>[] = [];
  for (let i = 0; i < variants.length; i++)
    for (let j = i + 1; j < variants.length; j++) {
      const a = counts[i]!;
      const b = counts[j]!;
      if (a.n === 0 || b.n === 0) continue;
      raw.push({
        a: variants[i]!.label,
        b: variants[j]!.label,
        diff: a.k / a.n - b.k / b.n,
        test: 'fisher',
        pValue: fisherExact(a.k, a.n - a.k, b.k, b.n - b.k),
        permutationP: null,
      });
    }
  return finish(
    `verdict/${detector}`,
    'verdict',
    detector,
    'lower',
    true,
    `share of tested seeds in which ${detector} fired (seeds where it could not test are excluded and counted as untested)`,
    stats,
    raw,
    alpha,
  );
}
