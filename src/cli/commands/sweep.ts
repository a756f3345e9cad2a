/** `tacit sweep <config>`: run a grid of config variants × seeds on worker threads, resumably, then compare and report. */
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { terminalWidth } from './stat-flags.js';
import { reportLines } from './report.js';

interface SweepArgs {
  config: string | undefined;
  queue: string | undefined;
  detach: boolean;
  status: string | undefined;
  index: number | undefined;
  of: number | undefined;
  grid: string[] | undefined;
  seeds: number | undefined;
  workers: number | undefined;
  out: string | undefined;
  set: string[] | undefined;
  report: boolean;
  quiet: boolean;
  'dry-run': boolean;
}

export const sweepCommand = (setCode: (c: number) => void): CommandModule<object, SweepArgs> => ({
  command: 'sweep [config]',
  describe: "Run a grid of config variants × seeds (the file's `sweep:` section and/or --grid), resumably, then compare them and write a report",
  builder: (y: Argv) =>
    y
      .positional('config', { type: 'string', describe: 'Experiment file with a sweep section (or use --grid)' })
      .option('queue', {
        type: 'string',
        describe: 'Enqueue the runs on this Postgres queue (postgres://…, see tacit queue start) for tacit worker processes, and wait',
      })
      .option('detach', { type: 'boolean', default: false, describe: 'With --queue: return once enqueued (follow with --status)' })
      .option('status', { type: 'string', describe: 'With --queue: report the runs of this sweep (its name) and exit' })
      .option('index', { type: 'number', describe: 'Array job: run only share --index of --of (0-based; no server needed)' })
      .option('of', { type: 'number', describe: 'Array job: number of shares' })
      .option('grid', {
        type: 'string',
        array: true,
        describe: 'Add an axis: --grid agents[*].reward.scheme=local,team,mixed (repeatable; [*] = every list element)',
      })
      .option('seeds', { type: 'number', describe: 'Seeds per grid point (overrides sweep.seeds and run.seeds)' })
      .option('workers', { type: 'number', describe: 'Worker threads (default: one per core)' })
      .option('out', { type: 'string', describe: 'Sweep folder (default <output.dir>/<name>/sweep); rerunning into it resumes' })
      .option('set', { type: 'string', array: true, describe: 'Override a base config field (repeatable), as for run' })
      .option('report', { type: 'boolean', default: true, describe: 'Write the HTML report at the end (--no-report to skip)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress bar' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'List the runs without running them' }),
  handler: async (args) => {
    if (args.status !== undefined) {
      if (!args.queue) throw new UsageError('--status reads the queue: give --queue postgres://…');
      // The queue modules (pg, pg-boss) load only for queue commands.
      return (await import('./sweep-queue.js')).queueStatus(args.queue, args.status);
    }
    if (args.config === undefined) throw new UsageError('give an experiment file: tacit sweep <config> (or --status <sweep> --queue <url>)');
    if ((args.index === undefined) !== (args.of === undefined))
      throw new UsageError('array jobs need both --index and --of (e.g. --index $SLURM_ARRAY_TASK_ID --of 16)');
    if (args.index !== undefined && args.queue)
      throw new UsageError('--index/--of split a sweep without a server; --queue shares it through the queue: use one or the other');
    if (args.detach && !args.queue) throw new UsageError('--detach is for --queue sweeps');
    if (args.seeds !== undefined && (!Number.isInteger(args.seeds) || args.seeds < 1))
      throw new UsageError(`--seeds must be an integer >= 1, got ${args.seeds}`);
    if (args.workers !== undefined && (!Number.isInteger(args.workers) || args.workers < 1))
      throw new UsageError(`--workers must be an integer >= 1, got ${args.workers}`);
    // Loaded here, not at the top: every command's module is imported at start-up (src/cli/lazy.ts).
    const [{ compareVariants }, { loadRuns }, { renderTerminal }, { writeReport }, { groupVariants }, { planSweep, runSweep, shareOf }, { workerCapNote }] =
      await Promise.all([
        import('../../report/compare.js'),
        import('../../report/load.js'),
        import('../../report/render-compare.js'),
        import('../../report/report.js'),
        import('../../report/variants.js'),
        import('../../sweep/sweep.js'),
        import('../../config/cost.js'),
      ]);
    const full = planSweep(args.config, {
      ...(args.grid ? { grid: args.grid } : {}),
      ...(args.set ? { sets: args.set } : {}),
      ...(args.seeds !== undefined ? { seeds: args.seeds } : {}),
      ...(args.out !== undefined ? { out: args.out } : {}),
    });
    const plan = args.index !== undefined ? shareOf(full, args.index, args.of!) : full;
    const share = plan === full ? '' : ` (share ${args.index} of ${args.of}: ${plan.runs.length} runs)`;
    const done = plan.runs.filter((r) => r.state === 'done').length;
    process.stdout.write(
      `sweep ${plan.name}: ${plan.points.length} variant${plan.points.length === 1 ? '' : 's'} × ${plan.seeds.length} seed${plan.seeds.length === 1 ? '' : 's'} = ${plan.runs.length} run${plan.runs.length === 1 ? '' : 's'} in ${plan.outDir} (${done} already complete)${share}\n`,
    );
    if (args.dryRun) {
      for (const r of plan.runs) process.stdout.write(`  ${r.state.padEnd(6)} ${r.id}  seed ${r.seed}  ${r.variant}\n`);
      return;
    }
    const capNote = workerCapNote(args.workers !== undefined ? '--workers' : 'sweep.workers', args.workers ?? plan.workers);
    if (capNote) process.stderr.write(`${capNote}\n`);
    if (args.queue)
      return (await import('./sweep-queue.js')).queueSweep(args.queue, plan, { detach: args.detach, report: args.report, quiet: args.quiet, setCode });
    const signal: { stop: boolean; onStop?: () => void } = { stop: false };
    const onSigint = (): void => {
      if (signal.stop) process.exit(130);
      signal.stop = true;
      signal.onStop?.();
      process.stderr.write(
        '\ninterrupting: running runs stop at their next window and keep their checkpoint; completed runs are kept (Ctrl-C again to quit at once)\n',
      );
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    let result;
    try {
      result = await runSweep(plan, {
        ...(args.workers !== undefined ? { workers: args.workers } : {}),
        quiet: args.quiet,
        command: `tacit ${process.argv.slice(2).join(' ')}`,
        signal,
        manifest: plan === full,
      });
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
    for (const f of result.failed) process.stderr.write(`failed after ${f.attempts} attempts: ${f.job.dir} (${f.error})\n`);
    for (const b of result.busy) process.stderr.write(`left to another process: ${b.job.dir} (${b.error})\n`);
    const newly = result.outcomes.filter((o) => o.status === 'complete').length;
    const busy = result.busy.length > 0 ? `, ${result.busy.length} running in another process` : '';
    process.stdout.write(
      `${newly} runs completed, ${result.skipped.length} skipped (already complete), ${result.failed.length} failed${busy}${result.interrupted ? ', sweep interrupted: rerun the same command to resume' : ''}\n`,
    );
    if (plan !== full) process.stdout.write(`share ${args.index} of ${args.of} done; when every share is, compare them all: tacit report ${plan.outDir}\n`);
    else if (result.completeDirs.length > 0) {
      if (args.report && plan.report) {
        const report = await writeReport(result.completeDirs, { out: `${plan.outDir}/report.html` });
        process.stdout.write(`\n${renderTerminal(report.comparison, terminalWidth())}${reportLines(report)}`);
      } else process.stdout.write(`\n${renderTerminal(compareVariants(groupVariants(loadRuns(result.completeDirs).runs)), terminalWidth())}`);
    }
    if (result.interrupted) setCode(130);
    else if (result.failed.length > 0) setCode(1);
  },
});
