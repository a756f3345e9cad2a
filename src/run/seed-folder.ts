/**
 * Running one seed into its own complete run folder: config.resolved.json, run.json, metrics.jsonl,
 * events.jsonl and summary.json, written atomically (see results.ts). Learners' runs also keep a
 * checkpoint (checkpoint.bin, v8-serialised) so an interrupted run resumes exactly where it left
 * off, and the final policy states (policies.bin) for `tacit eval`. Used directly for single-seed
 * runs and inside worker threads for multi-seed runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ResolvedExperiment } from '../config/resolved.js';
import { UsageError } from '../core/errors.js';
import { RunDetectors } from '../detectors/run-hooks.js';
import { parseJsonl } from '../detectors/ledger.js';
import { readBinary, serializeCanonical } from '../core/binary.js';
import { JsonlWriter, RunFolder } from './results.js';
import { provenance } from './provenance.js';
import { checkFiniteRow } from './finite.js';
import type { SeedCheckpoint } from './seed-loop.js';
import { runSeedPausing } from './seed-run.js';
import { stageMark, stageSpan } from '../core/stage-clock.js';
import type { SeedSummary } from './seed-summary.js';

/** Facts about the invocation recorded in run.json. */
export interface RunMeta {
  readonly runId: string;
  readonly command: string;
  /** The neural backend the neural policies run on (`simd` or a tfjs backend) (from `preparePolicies`), or null. */
  readonly backend?: string | null;
}

/** Steps between checkpoints: the configured value, or for runs with learners about ten per run (on window ends). */
export function checkpointInterval(resolved: ResolvedExperiment): number {
  const { run, output } = resolved.config;
  if (output.checkpointEvery !== undefined) return output.checkpointEvery;
  if (!resolved.assignments.some((a) => a.policy.learns)) return 0;
  const budget = run.steps ?? run.maxSteps ?? 0;
  const windows = Math.max(1, Math.round(budget / run.metricsEvery / 10));
  return windows * run.metricsEvery;
}

/**
 * Run one seed into `dir`; returns its summary. The folder is complete unless the run was
 * interrupted. With `resume`, continue the unfinished run in `<dir>.partial` from its checkpoint.
 */
export async function runSeedToFolder(
  resolved: ResolvedExperiment,
  seed: number,
  dir: string,
  meta: RunMeta,
  onProgress?: (done: number, total: number, findings: number) => void,
  signal?: { stop: boolean },
  resume = false,
): Promise<SeedSummary> {
  stageMark('seed-start');
  const folder = new RunFolder(dir, resume);
  const startedAt = new Date();
  const runJson = (status: string, finishedAt: Date | null): Record<string, unknown> => ({
    experiment: resolved.config.name,
    runId: meta.runId,
    seeds: [seed],
    ...provenance(),
    backend: meta.backend ?? null,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt?.toISOString() ?? null,
    durationSeconds: finishedAt ? (finishedAt.getTime() - startedAt.getTime()) / 1000 : null,
    status,
    command: meta.command,
  });
  let checkpoint: SeedCheckpoint | undefined;
  if (resume) {
    const cpPath = folder.path('checkpoint.bin');
    if (existsSync(cpPath)) checkpoint = readBinary<SeedCheckpoint>(cpPath);
  } else folder.writeJson('config.resolved.json', resolved.config);
  folder.writeJson('run.json', runJson('running', null));
  const metrics = new JsonlWriter(folder.path('metrics.jsonl'), resume ? (checkpoint?.metricsLines ?? 0) : undefined);
  const events = new JsonlWriter(folder.path('events.jsonl'), resume ? (checkpoint?.eventsLines ?? 0) : undefined);
  // Detectors follow the metrics stream; on resume they re-read the rows kept from before the checkpoint.
  const detectors = new RunDetectors(resolved, seed);
  if (resume && existsSync(folder.path('metrics.jsonl'))) detectors.replay(parseJsonl(readFileSync(folder.path('metrics.jsonl'), 'utf8')));
  let summary: SeedSummary;
  let windowStart = checkpoint?.step ?? 0;
  try {
    summary = await runSeedPausing(resolved, {
      seed,
      sink: {
        metrics: (row) => {
          // Never write a NaN or Infinity (it would become null): stop with the field named instead.
          checkFiniteRow(row, resolved.config.env.id, windowStart);
          windowStart = row['step']!;
          stageSpan('metrics-rows', () => metrics.write(row));
          for (const finding of stageSpan('detectors', () => detectors.push(row))) events.write(finding);
        },
        event: (obj) => events.write(obj),
      },
      ...(onProgress ? { onProgress: (done: number, total: number) => onProgress(done, total, detectors.findings) } : {}),
      forks: detectors,
      ...(signal ? { signal } : {}),
      ...(checkpoint ? { resume: checkpoint } : {}),
      checkpointEvery: checkpointInterval(resolved),
      onCheckpoint(cp) {
        metrics.flush();
        events.flush();
        cp.metricsLines = metrics.lines;
        cp.eventsLines = events.lines;
        folder.writeBinaryAtomic('checkpoint.bin', serializeCanonical(cp));
      },
      onFinalPolicies(states) {
        if (states.some((s) => s !== null)) folder.writeBinaryAtomic('policies.bin', serializeCanonical(states));
      },
    });
  } catch (err) {
    metrics.close();
    events.close();
    folder.writeJson('run.json', { ...runJson('failed', new Date()), error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
  stageMark('seed-summary');
  const report = detectors.finish(summary.metrics);
  stageMark('detectors-finished');
  for (const finding of report.late) events.write(finding);
  if (report.probes) folder.writeJson('probes.json', report.probes);
  summary.detections = report.detections;
  summary.verdicts = report.verdicts;
  metrics.close();
  events.close();
  const { experiment, ...rest } = summary;
  summary = { experiment, runId: meta.runId, ...rest };
  folder.writeJson('summary.json', summary);
  folder.writeJson('run.json', runJson(summary.interrupted ? 'interrupted' : 'complete', new Date()));
  if (!summary.interrupted) folder.complete();
  return summary;
}

/** The final folder path for a path given to --resume (with or without the .partial suffix). */
export function resumeTarget(path: string): string {
  const dir = path.replace(/\/+$/, '').replace(/\.partial$/, '');
  if (!existsSync(`${dir}.partial`)) {
    if (existsSync(`${dir}/summary.json`) && !existsSync(`${dir}.partial`))
      throw new UsageError(`${dir} is a complete run; nothing to resume (run it again with 'tacit run' to start a new one)`);
    throw new UsageError(`cannot resume ${path}: no unfinished run folder ${dir}.partial (interrupted runs keep the .partial suffix)`);
  }
  return dir;
}
