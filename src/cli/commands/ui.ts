/** `tacit ui [root]`: the local web app over a results root (src/ui). */
import { existsSync, statSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';

interface UiArgs {
  root: string;
  host: string;
  port: number;
  queue: string | undefined;
}

export const uiCommand: CommandModule<object, UiArgs> = {
  command: 'ui [root]',
  describe: 'A local web app over a results root: runs and sweeps with live progress, their reports, side-by-side comparison',
  builder: (y: Argv) =>
    y
      .positional('root', { type: 'string', default: 'results', describe: 'Results root to list (default: results)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to listen on (local only by default: the app has no authentication)' })
      .option('port', { type: 'number', default: 0, describe: 'TCP port (0: a free port, printed on start)' })
      .option('queue', {
        type: 'string',
        describe: "Also list the queue's runs table (a postgres:// URL, as tacit queue start prints)",
      }),
  handler: async (args) => {
    if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got ${args.port}`);
    if (!existsSync(args.root) || !statSync(args.root).isDirectory())
      throw new UsageError(`results root not found: ${args.root} (run an experiment first, e.g. npm start, or give the folder: tacit ui path/to/results)`);
    const { startUi } = await import('../../ui/server.js');
    const queue = args.queue ? await (await import('../../queue/queue.js')).openQueue(args.queue) : null;
    const listRuns = queue ? (await import('../../queue/queue.js')).listRuns : null;
    const ui = await startUi({ root: args.root, host: args.host, port: args.port, ...(queue && listRuns ? { queueRows: () => listRuns(queue) } : {}) });
    process.stdout.write(`tacit ui: ${ui.url}  (results root ${args.root}; Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        void ui
          .close()
          .then(() => queue?.close())
          .then(resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
