/**
 * Learner against baseline: train a learned experiment one seed at a time, replay its policies
 * greedily on evaluation episodes it never trained on, and compare two team KPIs (a cost, lower
 * is better, and a service level, higher is better) with a scripted baseline experiment replayed
 * on the same evaluation episodes. Each seed's CPU seconds (training and evaluation, all threads of
 * the process) are recorded: on a shared machine that, not wall-clock time, is the fair budget.
 * Used by `npm run validate-warehouse-learner` and its short version in the tests.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyOverrides } from '../config/load.js';
import { resolveExperiment } from '../config/resolve.js';
import { UsageError } from '../core/errors.js';
import { evaluateRun } from './evaluate.js';
import { runExperiment } from './run-experiment.js';

/** What to compare and how. */
export interface LearnerCheckOptions {
  /** Cost KPI (lower is better), e.g. costToServe. */
  readonly costKpi: string;
  /** Service KPI (higher is better), e.g. fillRate. */
  readonly serviceKpi: string;
  /** The learned cost may be at most this multiple of the baseline's (e.g. 1.15). */
  readonly maxCostRatio: number;
  /** Evaluation episodes per seed (greedy) and their seed. */
  readonly episodes: number;
  readonly evalSeed: number;
  /** Extra `--set` style overrides for the learned config (e.g. run.steps=720). */
  readonly sets?: readonly string[];
}

/** A learning-curve point: a training window's KPIs (exploring policies), the cost scaled to one episode. */
export interface CurvePoint {
  readonly step: number;
  readonly cost: number;
  readonly service: number;
}

/** One seed's outcome. */
export interface SeedOutcome {
  readonly seed: number;
  readonly cost: number;
  readonly service: number;
  readonly costRatio: number;
  readonly pass: boolean;
  readonly cpuSeconds: number;
  readonly curve: CurvePoint[];
  /** Every evaluated team KPI (cost to serve is mostly cost of goods sold: profit and the others show the rest). */
  readonly kpis: Record<string, number>;
}

/** Evaluated KPIs of one experiment's policies after training it with `sets`. */
async function trainAndEvaluate(
  raw: unknown,
  sets: readonly string[],
  o: LearnerCheckOptions,
): Promise<{ kpis: Record<string, number>; curve: CurvePoint[]; cpuSeconds: number }> {
  const resolved = resolveExperiment(applyOverrides(raw, sets));
  const dir = mkdtempSync(join(tmpdir(), 'tacit-learner-check-'));
  try {
    const c0 = process.cpuUsage();
    await runExperiment(resolved, { out: dir, quiet: true });
    const ev = evaluateRun(dir, (c) => resolveExperiment(c), { episodes: o.episodes, seed: o.evalSeed }) as { kpis: Record<string, number>; steps: number };
    // A 'sum' KPI is summed per copy over everything the copy played, so it is per episode only when each copy plays one.
    const world = resolved.makeWorld();
    const episodeLength = world.episodeLength;
    if (ev.steps > episodeLength)
      throw new UsageError(
        `evaluating ${o.episodes} episodes on ${resolved.config.run.numEnvs} copies plays ${ev.steps / episodeLength} episodes per copy, so summed KPIs would add episodes up: ask for at most numEnvs (${resolved.config.run.numEnvs}) episodes`,
      );
    const cpu = process.cpuUsage(c0);
    const rows = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, number>);
    // A window's summed KPI covers metricsEvery steps of each copy: scale it to one episode, as evaluated.
    const summed = world.kpis.find((k) => k.name === o.costKpi)?.aggregate === 'sum';
    const perEpisode = summed ? episodeLength / resolved.config.run.metricsEvery : 1;
    const curve = rows
      .filter((r) => r[`kpi/${o.costKpi}`] !== undefined)
      .map((r) => ({ step: r['step']!, cost: r[`kpi/${o.costKpi}`]! * perEpisode, service: r[`kpi/${o.serviceKpi}`]! }));
    return { kpis: ev.kpis, curve, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The baseline's evaluated cost and service (scripted policies: its training run only fills the run folder). */
export async function baselineKpis(rawBaseline: unknown, o: LearnerCheckOptions): Promise<{ cost: number; service: number; kpis: Record<string, number> }> {
  const { kpis } = await trainAndEvaluate(rawBaseline, ['run.seeds=1'], o);
  return { cost: kpis[o.costKpi]!, service: kpis[o.serviceKpi]!, kpis };
}

/** Train and judge one seed of the learned experiment against the baseline figures. */
export async function learnedSeed(
  rawLearned: unknown,
  seed: number,
  baseline: { cost: number; service: number },
  o: LearnerCheckOptions,
): Promise<SeedOutcome> {
  const { kpis, curve, cpuSeconds } = await trainAndEvaluate(rawLearned, [`run.seed=${seed}`, 'run.seeds=1', ...(o.sets ?? [])], o);
  const cost = kpis[o.costKpi]!;
  const service = kpis[o.serviceKpi]!;
  const costRatio = cost / baseline.cost;
  return { seed, cost, service, costRatio, pass: costRatio <= o.maxCostRatio && service >= baseline.service, cpuSeconds, curve, kpis };
}
