/**
 * A planned sweep on the queue: enqueue its runs, follow them to the end, and describe where they
 * stand (`tacit sweep --queue`, `--status`).
 */
import { sweepFacts, type SweepPlan } from '../sweep/sweep.js';
import { countByStatus, countRuns, enqueueRuns, listRuns, type EnqueueResult, type Queue, type QueuedRun, type RunCounts, type RunRow } from './queue.js';

/** Enqueue every run of the plan (complete folders are recorded as complete, without a job). */
export function enqueueSweep(queue: Queue, plan: SweepPlan): Promise<EnqueueResult> {
  const runs: QueuedRun[] = plan.runs.map((r) => ({
    id: r.id,
    sweep: plan.name,
    variant: r.variant,
    seed: r.seed,
    dir: r.dir,
    config: r.config,
    facts: sweepFacts(plan, r),
  }));
  return enqueueRuns(queue, runs, new Set(plan.runs.filter((r) => r.state === 'done').map((r) => r.id)));
}

/**
 * Poll the plan's runs until none is queued or running (`onChange` hears each new count), then
 * read their rows once.
 */
export async function waitForSweep(queue: Queue, plan: SweepPlan, onChange: (counts: RunCounts) => void, pollMs = 1000): Promise<RunRow[]> {
  const ids = plan.runs.map((r) => r.id);
  let last = '';
  for (;;) {
    const counts = await countRuns(queue, plan.name, ids);
    const key = JSON.stringify(counts);
    if (key !== last) onChange(counts);
    last = key;
    if (counts.queued === 0 && counts.running === 0) break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const planned = new Set(ids);
  return (await listRuns(queue, plan.name)).filter((r) => planned.has(r.id));
}

/** One line of counts: `12 runs: 7 complete, 3 running (on 2 workers), 2 queued, 0 failed`. */
export function statusLine(c: RunCounts): string {
  return `${c.total} runs: ${c.complete} complete, ${c.running} running (on ${c.workers} worker${c.workers === 1 ? '' : 's'}), ${c.queued} queued, ${c.failed} failed`;
}

/** The `--status` report: counts, then one line per run. */
export function statusReport(rows: readonly RunRow[]): string {
  const lines = [statusLine(countByStatus(rows))];
  for (const r of rows) {
    const took = r.seconds !== null ? ` ${r.seconds.toFixed(1)} s` : '';
    const who = r.worker ? ` on ${r.worker}` : '';
    const why = r.error ? ` (${r.error})` : '';
    lines.push(`  ${r.status.padEnd(8)} ${r.id}  seed ${r.seed}  ${r.variant}${who}${took}  attempts ${r.attempts}${why}`);
  }
  return `${lines.join('\n')}\n`;
}
