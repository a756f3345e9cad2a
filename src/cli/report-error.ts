/** How the CLI shows an error: its own module so that every CLI bundle (main.ts, validate-main.ts) prints errors alike. */
import { TacitError } from '../core/errors.js';
import { COMPILED } from '../core/compiled.js';

/** Print an error the way users should see it and return the exit code. */
export function reportError(err: unknown): number {
  if (err instanceof TacitError) {
    process.stderr.write(`error: ${err.message}\n`);
    return err.exitCode;
  }
  process.stderr.write(`internal error (please report it with the command you ran): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  if (COMPILED && !process.env.TACIT_DEBUG) process.stderr.write('(run again with TACIT_DEBUG=1 for a stack trace with TypeScript file names and lines)\n');
  return 1;
}

/** Output piped into `head` and the like closes early: stop quietly instead of printing EPIPE. */
export function exitQuietlyOnEpipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
