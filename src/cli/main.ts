/**
 * The `tacit` command line. User mistakes (bad config, flag or path) print one clear message and
 * exit 2 without a stack trace; internal failures exit 1; Ctrl-C during a run exits 130 after
 * marking the run folder interrupted.
 */
import { UsageError } from '../core/errors.js';
import { addCommands, bareCommand } from './commands.js';
import { exitQuietlyOnEpipe, reportError } from './report-error.js';
import { stageMark } from '../core/stage-clock.js';

stageMark('cli-loaded');

async function main(argv: string[]): Promise<number> {
  const bare = bareCommand(argv);
  if (bare) {
    await bare();
    return 0;
  }
  const { default: yargs } = await import('yargs');
  let code = 0;
  const parser = yargs(argv)
    .scriptName('tacit')
    .usage('$0 <command> [options]\n\nA testbed for emergent behaviour in multi-agent reinforcement learning.')
    .strict()
    .demandCommand(1, 'give a command, e.g. tacit run experiments/quickstart.yaml (see tacit --help)')
    .recommendCommands()
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg, err) => {
      throw err ?? new UsageError(`${msg} (see tacit --help)`);
    });
  addCommands(parser, (c) => (code = c));
  await parser.parseAsync();
  return code;
}

exitQuietlyOnEpipe();

// The arguments after node and the script: what yargs's hideBin returns outside Electron (importing
// it would load yargs before bareCommand could skip it). A promise chain, not a top-level await: the
// build compiles this file to CommonJS (bin/build.mjs), which has none.
main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => (process.exitCode = reportError(err)),
);
