/**
 * Running one seed into its own complete run folder: config.resolved.json, run.json, metrics.jsonl,
 * events.jsonl and summary.json, written atomically (see results.ts). Used directly for single-seed
 * runs and inside worker threads for multi-seed runs.
 */
import type { ResolvedExperiment } from '../config/resolve.js';
import { JsonlWriter, RunFolder } from './results.js';
import { provenance } from './provenance.js';
import { runSeed, type SeedSummary } from './seed-run.js';

/** Facts about the invocation recorded in run.json. */
export interface RunMeta {
  readonly runId: string;
  readonly command: string;
}

/** Run one seed into `dir`; returns its summary. The folder is complete unless the run was interrupted. */
export function runSeedToFolder(
  resolved: ResolvedExperiment,
  seed: number,
  dir: string,
  meta: RunMeta,
  onProgress?: (done: number, total: number) => void,
  signal?: { stop: boolean },
): SeedSummary {
  const folder = new RunFolder(dir);
  const startedAt = new Date();
  const runJson = (status: string, finishedAt: Date | null): Record<string, unknown> => ({
    experiment: resolved.config.name,
    runId: meta.runId,
    seeds: [seed],
    ...provenance(),
    backend: null,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt?.toISOString() ?? null,
    durationSeconds: finishedAt ? (finishedAt.getTime() - startedAt.getTime()) / 1000 : null,
    status,
    command: meta.command,
  });
  folder.writeJson('config.resolved.json', resolved.config);
  folder.writeJson('run.json', runJson('running', null));
  const metrics = new JsonlWriter(folder.path('metrics.jsonl'));
  const events = new JsonlWriter(folder.path('events.jsonl'));
  let summary: SeedSummary;
  try {
    summary = runSeed(resolved, {
      seed,
      sink: { metrics: (row) => metrics.write(row), event: (obj) => events.write(obj) },
      ...(onProgress ? { onProgress } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    metrics.close();
    events.close();
    folder.writeJson('run.json', { ...runJson('failed', new Date()), error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
  metrics.close();
  events.close();
  const { experiment, ...rest } = summary;
  summary = { experiment, runId: meta.runId, ...rest };
  folder.writeJson('summary.json', summary);
  folder.writeJson('run.json', runJson(summary.interrupted ? 'interrupted' : 'complete', new Date()));
  if (!summary.interrupted) folder.complete();
  return summary;
}
