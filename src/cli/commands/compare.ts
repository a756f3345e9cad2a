/** `tacit compare <dir...>`: rank variants on every KPI, local reward and verdict rate, with intervals and corrected tests. */
import { writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { checkStatFlags, statOptions, terminalWidth } from './stat-flags.js';

interface CompareArgs {
  dirs: string[] | undefined;
  queue: string | undefined;
  sweep: string | undefined;
  format: string;
  md: string | undefined;
  json: string | undefined;
  level: number;
  alpha: number;
  resamples: number;
  seed: number;
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare [dirs..]',
  describe: 'Compare run folders grouped by variant: KPIs, local rewards and detector verdicts with intervals and pairwise tests',
  builder: (y: Argv) =>
    statOptions(
      y
        .positional('dirs', { type: 'string', array: true, describe: 'Run folders, or folders containing them (e.g. results/<experiment>)' })
        .option('queue', {
          type: 'string',
          describe: "Take the runs from this queue's runs table (postgres://…) instead of folders: its complete runs, or with --sweep one sweep's",
        })
        .option('sweep', { type: 'string', describe: 'With --queue: only this sweep (its name)' })
        .option('format', { type: 'string', choices: ['table', 'markdown', 'json'], default: 'table', describe: 'What to print' })
        .option('md', { type: 'string', describe: 'Also write the markdown to this file' })
        .option('json', { type: 'string', describe: 'Also write the JSON to this file' }),
    ),
  handler: async (args) => {
    checkStatFlags(args);
    if (args.sweep !== undefined && !args.queue) throw new UsageError('--sweep selects runs of the queue: give --queue postgres://… too');
    if (args.queue && args.dirs?.length) throw new UsageError('give run folders or --queue, not both');
    if (!args.queue && !args.dirs?.length) throw new UsageError('give run folders (tacit compare results/<experiment>) or --queue postgres://…');
    // The table says which runs are complete and where their folders are; the statistics read the folders.
    // Loaded here, not at the top: every command's module is imported at start-up (src/cli/lazy.ts).
    const [
      { compareVariants },
      { loadRuns },
      { renderJson, renderMarkdown, renderTerminal },
      { groupVariants },
      { crossPlayText, findCrossPlays, isCrossPlayFile },
    ] = await Promise.all([
      import('../../report/compare.js'),
      import('../../report/load.js'),
      import('../../report/render-compare.js'),
      import('../../report/variants.js'),
      import('../../report/figures/crossplay.js'),
    ]);
    const dirs = args.queue ? await (await import('./sweep-queue.js')).completeDirsOnQueue(args.queue, args.sweep) : (args.dirs ?? []); // checked non-empty above
    // crossplay.json files (tacit eval --partners), given or inside a folder given, are printed after the table.
    const crossplays = findCrossPlays(dirs);
    const runDirs = dirs.filter((d) => !isCrossPlayFile(d));
    if (runDirs.length === 0 && crossplays.length > 0) {
      process.stdout.write(crossplays.map(crossPlayText).join('\n'));
      return;
    }
    const { runs, skipped } = loadRuns(runDirs);
    const comparison = compareVariants(groupVariants(runs), { level: args.level, alpha: args.alpha, resamples: args.resamples, seed: args.seed });
    for (const s of skipped) process.stderr.write(`skipped ${s.dir}: ${s.reason}\n`);
    // JSON output carries the crossplay.json contents under `crossplay` when there are any.
    const json = (c: typeof comparison): string =>
      crossplays.length > 0 ? `${JSON.stringify({ ...(JSON.parse(renderJson(c)) as object), crossplay: crossplays }, null, 2)}\n` : renderJson(c);
    const render = { table: (c: typeof comparison) => renderTerminal(c, terminalWidth()), markdown: renderMarkdown, json }[
      args.format as 'table' | 'markdown' | 'json'
    ];
    process.stdout.write(render(comparison));
    if (args.md) writeFileSync(args.md, renderMarkdown(comparison));
    if (args.json) writeFileSync(args.json, json(comparison));
    if (crossplays.length > 0 && args.format !== 'json') process.stdout.write(`\n${crossplays.map(crossPlayText).join('\n')}`);
  },
};
