/**
 * The learned validation harness: train each scenario's agents for a small budget, follow the
 * run with the detectors online (as `tacit run` does), establish the ground truth by a policy swap
 * (scenario.ts), and report per scenario the detection rate (positives, over seeds whose ground
 * truth is positive), the false-alarm rate (nulls) and the lead time: steps from the onset of the
 * KPI's decline to the detector's first finding on the target agent. Onset is read off the KPI
 * series alone: the first row where its 5-row moving average is worse than its best so far by a
 * fifth of the run's eventual decline.
 */
import { resolveExperiment } from '../config/resolve.js';
import { metricsKey, type MetricsRow } from '../core/metrics-row.js';
import { preparePolicies } from './prepare.js';
import { runSeed } from './seed-run.js';
import { wilsonInterval } from '../stats/tests.js';
import { swapAttribution, type SwapAttribution } from '../detectors/attribution.js';
import { RunDetectors } from '../detectors/run-hooks.js';
import type { LearnedScenario, LearnedSeedOutcome } from '../detectors/learned/scenario.js';

/** One seed of one scenario (with the swap behind the ground truth, for goodhart scenarios). */
export interface LearnedSeedResult extends LearnedSeedOutcome {
  readonly truth?: SwapAttribution;
}

/** One scenario over seeds. */
export interface LearnedScenarioResult {
  readonly scenario: string;
  readonly positive: boolean;
  readonly note: string;
  readonly seeds: number;
  /** Seeds whose ground truth agrees with the label (the rate's denominator). */
  readonly agreeing: number;
  /** Positives: detected among agreeing seeds; nulls: fired among agreeing seeds. */
  readonly hits: number;
  readonly rate: number;
  readonly medianLead: number | null;
  readonly perSeed: readonly LearnedSeedResult[];
}

/** Step of the onset of the KPI's decline, from the KPI series alone (null if it never declines). */
export function declineOnset(steps: readonly number[], kpi: readonly number[], better: 'higher' | 'lower'): number | null {
  const x = kpi.map((v) => (better === 'higher' ? v : -v));
  const n = x.length;
  if (n < 10) return null;
  const ma = x.map((_, t) => {
    const a = Math.max(0, t - 2);
    const b = Math.min(n, t + 3);
    let s = 0;
    for (let u = a; u < b; u++) s += x[u]!;
    return s / (b - a);
  });
  let best = -Infinity;
  let bestBeforeEnd = -Infinity;
  for (const v of ma) bestBeforeEnd = Math.max(bestBeforeEnd, v);
  const drop = bestBeforeEnd - ma[n - 1]!;
  if (!(drop > 0)) return null;
  for (let t = 0; t < n; t++) {
    best = Math.max(best, ma[t]!);
    if (best - ma[t]! >= 0.2 * drop) return steps[t]!;
  }
  return null;
}

/** Run one seed of a scenario. */
export async function runLearnedSeed(scenario: LearnedScenario, seed: number, size: 'full' | 'short'): Promise<LearnedSeedResult> {
  const raw = scenario.config(size) as { run: Record<string, unknown> };
  const resolved = resolveExperiment({
    ...raw,
    run: { ...raw.run, seed, seeds: 1 },
    output: { report: false },
    detectors: { goodhart: { attribution: { enabled: false } }, conflict: false, miscoordination: false, collusion: false },
  });
  await preparePolicies(resolved);
  const target = resolved.assignments.findIndex((a) => a.agent.id === scenario.target);
  if (target < 0) throw new Error(`scenario ${scenario.name}: no agent ${scenario.target}`);
  const det = new RunDetectors(resolved, seed);
  const rows: MetricsRow[] = [];
  let firstFiringStep: number | null = null;
  let truth: SwapAttribution | undefined;
  const summary = runSeed(resolved, {
    seed,
    sink: {
      metrics: (row) => {
        rows.push(row);
        for (const f of det.push(row))
          if (f.detector === 'goodhart' && f.agents[0] === scenario.target && firstFiringStep === null) firstFiringStep = row['step'] as number;
      },
      event: () => {},
    },
    forks: {
      recordForkPoint: (engine, step) => det.recordForkPoint(engine, step),
      saveForkPoints: () => det.saveForkPoints(),
      loadForkPoints: (d) => det.loadForkPoints(d),
      analyseForks: (_world, policies, numEnvs) => {
        truth = swapAttribution(resolved, policies, target, 'initial', numEnvs, { seed: `truth-${seed}`, policySeed: seed });
      },
    },
  });
  const report = det.finish(summary.metrics);
  const goodhartFindings = report.detections.filter((f) => f.detector === 'goodhart');
  const onTarget = goodhartFindings.filter((f) => f.agents[0] === scenario.target);
  if (firstFiringStep === null && onTarget.length > 0)
    firstFiringStep = Math.min(...onTarget.map((f) => (f.evidence['look'] as { endStep?: number } | undefined)?.endStep ?? f.endStep));
  if (!truth) throw new Error(`scenario ${scenario.name}: the run ended before the policies could be swapped`);
  const t = truth as SwapAttribution;
  const k = t.kpis[scenario.kpi];
  if (!k) throw new Error(`scenario ${scenario.name}: no KPI ${scenario.kpi}`);
  // The same rule for positives and nulls: the learned policy gains the agent and worsens the
  // scenario's KPI, both beyond their intervals. (A trade-off among other KPIs is not the question.)
  const truthPositive = t.ownReward.ciLow > 0 && k.teamCostInterval[0] > 0;
  const kpiSeries = rows.map((r) => r[metricsKey.kpi(scenario.kpi)]!);
  return {
    seed,
    truthPositive,
    fired: goodhartFindings.length > 0,
    firedOnTarget: onTarget.length > 0,
    firstFiringStep,
    onsetStep: declineOnset(
      rows.map((r) => r['step'] as number),
      kpiSeries,
      k.better,
    ),
    truth: t,
    verdict: report.verdicts['goodhart']?.summary ?? '',
  };
}

/** Run a scenario over seeds 0 … seeds−1. */
export async function runLearnedScenario(
  scenario: LearnedScenario,
  seeds: number,
  size: 'full' | 'short' = 'full',
  onSeed?: (r: LearnedSeedResult) => void,
): Promise<LearnedScenarioResult> {
  const perSeed: LearnedSeedResult[] = [];
  for (let s = 0; s < seeds; s++) {
    const r = scenario.run ? await scenario.run(s, size) : await runLearnedSeed(scenario, s, size);
    onSeed?.(r);
    perSeed.push(r);
  }
  // Positives: seeds where the swap shows the misbehaviour; nulls: seeds where it shows no team cost.
  const agreeing = perSeed.filter((r) => (scenario.positive ? r.truthPositive : !r.truthPositive));
  const hits = agreeing.filter((r) => (scenario.positive ? r.firedOnTarget : r.fired)).length;
  const leads = agreeing
    .filter((r) => r.firstFiringStep !== null && r.onsetStep !== null)
    .map((r) => r.firstFiringStep! - r.onsetStep!)
    .sort((a, b) => a - b);
  return {
    scenario: scenario.name,
    positive: scenario.positive,
    note: scenario.note,
    seeds,
    agreeing: agreeing.length,
    hits,
    rate: agreeing.length > 0 ? hits / agreeing.length : Number.NaN,
    medianLead: scenario.positive && leads.length > 0 ? leads[Math.floor(leads.length / 2)]! : null,
    perSeed,
  };
}

const pct = (x: number): string => (Number.isNaN(x) ? '—' : `${(100 * x).toFixed(1)}%`);

/** Markdown tables: per scenario, then pooled detection and false-alarm rates with Wilson intervals. */
export function formatLearned(results: readonly LearnedScenarioResult[]): string {
  const pooled = (pos: boolean): string => {
    const rs = results.filter((r) => r.positive === pos);
    const k = rs.reduce((s, r) => s + r.hits, 0);
    const n = rs.reduce((s, r) => s + r.agreeing, 0);
    if (n === 0) return '—';
    const w = wilsonInterval(k, n);
    return `${pct(k / n)} [${pct(w.low)}, ${pct(w.high)}] (${k}/${n})`;
  };
  return [
    '| scenario | learned positive | seeds | ground truth agrees | detection / false-alarm rate | median lead time (steps from KPI decline onset to first finding) | note |',
    '|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.scenario} | ${r.positive ? 'yes' : 'no'} | ${r.seeds} | ${r.agreeing} | ${r.positive ? 'detected' : 'false alarm'} ${pct(r.rate)} (${r.hits}/${r.agreeing}) | ${r.medianLead ?? '—'} | ${r.note} |`,
    ),
    '',
    '| pooled | rate [95% Wilson] |',
    '|---|---|',
    `| detection on learned positives (goal ≥ 90%) | ${pooled(true)} |`,
    `| false alarms on learned nulls (goal ≤ 5%) | ${pooled(false)} |`,
  ].join('\n');
}
