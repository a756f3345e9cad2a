/**
 * `tacit validate <file>` with no flag, as its own CLI bundle (bin/build.mjs; entry.ts chooses it):
 * the config loader, the registries, zod and yaml, and none of the other commands, yargs, or the
 * run, report and export code that make main.ts's bundle 2 MB. Reading and deserializing the larger
 * bundle was a fifth of validate's start-up (CPU profile, issue 21). Same output and exit codes as
 * main.ts's validate.
 */
import { validate } from './commands/validate.js';
import { bareValidateFile } from './bare-validate.js';
import { exitQuietlyOnEpipe, reportError } from './report-error.js';

exitQuietlyOnEpipe();
try {
  const file = bareValidateFile(process.argv.slice(2));
  if (file === undefined) throw new Error(`validate-main.ts runs 'tacit validate <file>' only, got: ${process.argv.slice(2).join(' ')}`);
  validate(file, []);
} catch (err) {
  process.exitCode = reportError(err);
}
