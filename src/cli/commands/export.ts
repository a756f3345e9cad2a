/** `tacit export <dirs..> --format csv|parquet`: metrics and summaries as tables (src/export, docs/export.md). */
import { join, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { EXPORT_FORMATS, type ExportFormat } from '../../export/formats.js';

interface ExportArgs {
  dirs: string[];
  format: string;
  out: string | undefined;
}

export const exportCommand: CommandModule<object, ExportArgs> = {
  command: 'export <dirs..>',
  describe: 'Export the metrics and summaries of runs or sweeps as CSV or Parquet tables',
  builder: (y: Argv) =>
    y
      .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'Run folders, sweep folders, or folders containing them' })
      .option('format', { type: 'string', default: 'csv', describe: `Output format: ${EXPORT_FORMATS.join(' or ')}` })
      .option('out', {
        type: 'string',
        describe: 'Folder for metrics.<format> and summaries.<format> (default: <first dir>/export)',
      }),
  handler: async (args) => {
    if (!(EXPORT_FORMATS as readonly string[]).includes(args.format))
      throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got '${args.format}'`);
    const out = resolve(args.out ?? join(args.dirs[0]!, 'export'));
    const { exportRuns } = await import('../../export/export.js'); // lazily: see src/cli/lazy.ts
    const r = exportRuns(args.dirs, args.format as ExportFormat, out);
    for (const s of r.skipped) process.stderr.write(`skipped ${s.dir}: ${s.reason}\n`);
    process.stdout.write(`exported ${r.runs} run(s): ${r.metricsRows} metrics rows, ${r.summaryRows} summary rows\n${r.files.map((f) => `  ${f}\n`).join('')}`);
  },
};
