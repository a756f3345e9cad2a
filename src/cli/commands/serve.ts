/** `tacit serve`: serve registered worlds over the JSON-lines protocol (src/serve, docs/interop.md). */
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';

interface ServeArgs {
  host: string;
  port: number;
}

export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Serve every registered world (reward schemes, faults, ledger) over a local TCP socket (JSON lines; clients/python)',
  builder: (y: Argv) =>
    y
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to listen on (local only by default; the protocol has no authentication)' })
      .option('port', { type: 'number', default: 0, describe: 'TCP port (0: a free port, printed on start)' }),
  handler: async (args) => {
    if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got ${args.port}`);
    const [{ PROTOCOL_VERSION }, { startServer }] = await Promise.all([import('../../serve/protocol.js'), import('../../serve/server.js')]); // lazily: src/cli/lazy.ts
    const running = await startServer({
      host: args.host,
      port: args.port,
      onInternalError: (err) =>
        process.stderr.write(`internal error while serving (please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`),
    });
    // One JSON line first, so a launcher (clients/python: tacit_client.launch) can read the port.
    process.stdout.write(`${JSON.stringify({ listening: { host: running.host, port: running.port }, protocol: PROTOCOL_VERSION })}\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        void running.close().then(resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
