/** The queue side of `tacit sweep`: `--queue` (enqueue, then follow or --detach) and `--status`. */
import { compareVariants } from '../../report/compare.js';
import { loadRuns } from '../../report/load.js';
import { renderTerminal } from '../../report/render-compare.js';
import { writeReport } from '../../report/report.js';
import { groupVariants } from '../../report/variants.js';
import { UsageError } from '../../core/errors.js';
import { countByStatus, listRuns, openQueue, redact } from '../../queue/queue.js';
import { enqueueSweep, statusLine, statusReport, waitForSweep } from '../../queue/sweep-queue.js';
import type { SweepPlan } from '../../sweep/sweep.js';
import { terminalWidth } from './stat-flags.js';
import { reportLines } from './report.js';

/** Enqueue the plan's runs; unless detached, follow them to the end and compare them like a local sweep. */
export async function queueSweep(
  url: string,
  plan: SweepPlan,
  options: { detach: boolean; report: boolean; quiet: boolean; setCode: (c: number) => void },
): Promise<void> {
  const queue = await openQueue(url);
  try {
    const e = await enqueueSweep(queue, plan);
    process.stdout.write(`queued ${e.queued} runs on ${redact(url)} (${e.existing} already on the queue, ${e.alreadyComplete} complete on disk)\n`);
    if (options.detach) {
      process.stdout.write(`follow with: tacit sweep --queue ${redact(url)} --status ${plan.name}\n`);
      return;
    }
    const rows = await waitForSweep(queue, plan, (counts) => {
      if (!options.quiet) process.stderr.write(`sweep ${plan.name}: ${statusLine(counts)}\n`);
    });
    const failed = rows.filter((r) => r.status === 'failed');
    for (const f of failed) process.stderr.write(`failed after ${f.attempts} attempts: ${f.dir} (${f.error})\n`);
    const dirs = rows.filter((r) => r.status === 'complete').map((r) => r.dir);
    process.stdout.write(`${statusLine(countByStatus(rows))}\n`);
    if (dirs.length > 0) {
      if (options.report && plan.report) {
        const report = await writeReport(dirs, { out: `${plan.outDir}/report.html` });
        process.stdout.write(`\n${renderTerminal(report.comparison, terminalWidth())}${reportLines(report)}`);
      } else process.stdout.write(`\n${renderTerminal(compareVariants(groupVariants(loadRuns(dirs).runs)), terminalWidth())}`);
    }
    if (failed.length > 0) options.setCode(1);
  } finally {
    await queue.close();
  }
}

/** `--status <sweep>`: counts and one line per run, from the runs table. */
export async function queueStatus(url: string, sweep: string): Promise<void> {
  const queue = await openQueue(url);
  try {
    const rows = await listRuns(queue, sweep);
    process.stdout.write(rows.length === 0 ? `no runs of sweep '${sweep}' on ${redact(url)}\n` : statusReport(rows));
  } finally {
    await queue.close();
  }
}

/** Folders of the complete runs in the runs table (of one sweep, or all), for `tacit compare --queue`. */
export async function completeDirsOnQueue(url: string, sweep?: string): Promise<string[]> {
  const queue = await openQueue(url);
  try {
    const rows = (await listRuns(queue, sweep)).filter((r) => r.status === 'complete');
    if (rows.length === 0) throw new UsageError(`no complete runs${sweep === undefined ? '' : ` of sweep '${sweep}'`} on ${redact(url)}`);
    return rows.map((r) => r.dir);
  } finally {
    await queue.close();
  }
}
