/** `tacit queue start` (an embedded Postgres for the queue) and `tacit worker` (run queued runs). The queue modules load only when these run. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';

interface StartArgs {
  port: number;
  dir: string;
  listen: string;
}

export const queueCommand: CommandModule<object, StartArgs> = {
  command: 'queue start',
  describe: 'Start an embedded Postgres (from npm) for distributed sweeps and print its postgres:// URL; runs until Ctrl-C',
  builder: (y: Argv) =>
    y
      .option('port', { type: 'number', default: 5433, describe: 'TCP port' })
      .option('dir', { type: 'string', default: '.tacit-queue', describe: 'Data folder (kept: a restart keeps the queue and the runs table)' })
      .option('listen', {
        type: 'string',
        default: '127.0.0.1',
        describe: 'Address to listen on (0.0.0.0: workers on other machines may connect, with the password)',
      }),
  handler: async (args) => {
    if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535) throw new UsageError(`--port must be an integer from 1 to 65535, got ${args.port}`);
    const { startEmbeddedPostgres } = await import('../../queue/embedded.js');
    const dir = resolve(args.dir);
    mkdirSync(dir, { recursive: true });
    const server = await startEmbeddedPostgres({ dir: `${dir}/pgdata`, port: args.port, listen: args.listen });
    process.stdout.write(`${server.url}\n`);
    process.stderr.write(`queue: Postgres in ${dir}/pgdata on ${args.listen}:${args.port}; Ctrl-C stops it\n`);
    await new Promise<void>((done) => {
      const stop = (): void => void server.stop().then(done);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};

interface WorkerArgs {
  queue: string;
  concurrency: number;
  'exit-when-idle': boolean;
  poll: number;
}

export const workerCommand = (setCode: (c: number) => void): CommandModule<object, WorkerArgs> => ({
  command: 'worker',
  describe: 'Run queued sweep runs (tacit sweep --queue) on this machine; the results folders must be on a filesystem this machine shares',
  builder: (y: Argv) =>
    y
      .option('queue', { type: 'string', demandOption: true, describe: 'The postgres:// URL of the queue' })
      .option('concurrency', { type: 'number', default: 1, describe: 'Runs at a time (each on its own thread)' })
      .option('exit-when-idle', { type: 'boolean', default: false, describe: 'Exit once no run is waiting (instead of waiting for more)' })
      .option('poll', { type: 'number', default: 1, describe: 'Seconds between looks at an empty queue' }),
  handler: async (args) => {
    if (!Number.isInteger(args.concurrency) || args.concurrency < 1) throw new UsageError(`--concurrency must be an integer >= 1, got ${args.concurrency}`);
    if (!(args.poll > 0)) throw new UsageError(`--poll must be a positive number of seconds, got ${args.poll}`);
    const { openQueue } = await import('../../queue/queue.js');
    const { runWorker } = await import('../../queue/worker.js');
    const queue = await openQueue(args.queue, { supervise: true, max: args.concurrency + 1 });
    const signal: { stop: boolean; onStop?: () => void } = { stop: false };
    const onSignal = (): void => {
      if (signal.stop) process.exit(130);
      signal.stop = true;
      signal.onStop?.();
      process.stderr.write('\nstopping: running runs keep their checkpoint and go back to the queue (again to quit at once)\n');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const r = await runWorker(queue, { concurrency: args.concurrency, exitWhenIdle: args.exitWhenIdle, pollSeconds: args.poll, signal });
      process.stdout.write(
        `worker done: ${r.complete} complete, ${r.failed} failed${r.reaped ? `, ${r.reaped} runs of dead workers handed back to the queue` : ''}\n`,
      );
      if (signal.stop) setCode(130);
      else if (r.failed > 0) setCode(1);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await queue.close();
    }
  },
});
