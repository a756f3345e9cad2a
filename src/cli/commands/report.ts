/** `tacit report <dir...>`: write the HTML report (plotly shared per results root, or inlined with --standalone; and --png figures). */
import { pathToFileURL } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import type { ReportResult } from '../../report/report.js';
import { checkStatFlags, statOptions } from './stat-flags.js';

interface ReportArgs {
  dirs: string[];
  out: string | undefined;
  png: boolean;
  standalone: boolean;
  title: string | undefined;
  level: number;
  alpha: number;
  resamples: number;
  seed: number;
}

/** The lines printed after a report is written (the file:// URL opens it in a browser). */
export function reportLines(r: ReportResult): string {
  const lines = [`report: ${r.path}`, `open:   ${pathToFileURL(r.path).href}`];
  if (r.pngs.length) lines.push(`png:    ${r.pngs.length} figures in ${r.pngs[0]!.replace(/\/[^/]+$/, '')}`);
  return `${lines.join('\n')}\n`;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <dirs..>',
  describe: 'Write an HTML report (opens offline) for run folders',
  builder: (y: Argv) =>
    statOptions(
      y
        .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'Run folders, or folders containing them' })
        .option('out', { type: 'string', describe: 'HTML file to write (default: report.html in the common folder of the inputs)' })
        .option('png', {
          type: 'boolean',
          default: false,
          describe: 'Also write each figure as PNG (headless Chromium: from the @sparticuz/chromium package, a system one, or TACIT_CHROMIUM)',
        })
        .option('standalone', {
          type: 'boolean',
          default: false,
          describe: 'Inline plotly.js: one self-contained file (+3.5 MB) instead of sharing plotly-<version>.min.js at the results root',
        })
        .option('title', { type: 'string', describe: 'Page title' }),
    ),
  handler: async (args) => {
    checkStatFlags(args);
    const { writeReport } = await import('../../report/report.js'); // lazily: see src/cli/lazy.ts
    const r = await writeReport(args.dirs, {
      ...(args.out !== undefined ? { out: args.out } : {}),
      ...(args.title !== undefined ? { title: args.title } : {}),
      png: args.png,
      standalone: args.standalone,
      compare: { level: args.level, alpha: args.alpha, resamples: args.resamples, seed: args.seed },
    });
    for (const s of r.skipped) process.stderr.write(`skipped ${s.dir}: ${s.reason}\n`);
    process.stdout.write(reportLines(r));
  },
};
