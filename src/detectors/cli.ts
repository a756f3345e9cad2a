/**
 * `tacit detect <runDir> [--config detectors.yaml] [--dry-run]`: post-hoc detection on a results
 * folder, registered in src/cli/commands.ts.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { detectRun } from './detect-run.js';
import { outcomeMark, outcomeOf } from './types.js';

interface DetectArgs {
  runDir: string;
  config: string | undefined;
  'dry-run': boolean;
}

/** Print verdicts and findings in a few lines per detector. */
export function formatDetection(result: ReturnType<typeof detectRun>): string {
  const lines: string[] = [];
  for (const [name, v] of Object.entries(result.verdicts)) lines.push(`${outcomeMark(outcomeOf(v))} ${name.padEnd(16)} ${v.status}: ${v.summary}`);
  for (const s of result.seeds) {
    for (const f of s.report.detections) {
      const p = f.pValue !== undefined ? `p=${f.pValue.toPrecision(2)}` : `confidence=${f.confidence?.toFixed(2)}`;
      lines.push(
        `   ${result.seeds.length > 1 ? `${s.dir.split('/').pop()} ` : ''}${f.detector}/${f.kind} [${f.agents.join(', ')}] steps ${f.startStep}–${f.endStep} score=${f.score.toPrecision(3)} ${p}`,
      );
      const swap = (f.evidence['attribution'] as { line?: string } | undefined)?.line;
      if (swap) lines.push(`      swap: ${swap}`);
    }
  }
  return lines.join('\n');
}

/** The yargs command. */
export const detectCommand: CommandModule<object, DetectArgs> = {
  command: 'detect <runDir>',
  describe: 'Run the detectors on a finished run and write findings to events.jsonl and verdicts to summary.json',
  builder: (y: Argv<object>) =>
    y
      .positional('runDir', { type: 'string', demandOption: true, describe: 'Results folder (results/<experiment>/<runId>)' })
      .option('config', { type: 'string', describe: 'YAML file with a detectors section (replaces the run’s own)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the findings without writing them' }),
  handler: async (args: ArgumentsCamelCase<DetectArgs>) => {
    const { detectRun, readDetectorsFile } = await import('./detect-run.js'); // lazily: see src/cli/lazy.ts
    const result = detectRun(args.runDir, { write: !args.dryRun, ...(args.config ? { config: readDetectorsFile(args.config) } : {}) });
    console.log(formatDetection(result));
  },
};
