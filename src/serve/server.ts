/**
 * `tacit serve`: a TCP server on localhost speaking the JSON-lines protocol of protocol.ts. Each
 * connection owns at most one Session (one served world, `make` replaces it); requests on a
 * connection are answered in order. A bad request gets an error response and the connection stays
 * open; only an unreadable stream (a line over MAX_LINE_BYTES) closes it.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { TacitError } from '../core/errors.js';
import { worlds } from '../../envs/index.js';
import { encodeLine, MAX_LINE_BYTES, OPS, parseRequest, PROTOCOL_VERSION, ProtocolError, type Request } from './protocol.js';
import { Session, sessionConfig } from './session.js';

/** Where the server listens. */
export interface ServeOptions {
  /** Interface to bind; default 127.0.0.1 (local only). */
  readonly host?: string;
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Called with each connection's error that is not the client's fault (for logging). */
  readonly onInternalError?: (err: unknown) => void;
}

/** A running server. */
export interface RunningServer {
  readonly host: string;
  readonly port: number;
  readonly server: Server;
  /** Stop accepting connections and close the open ones. */
  close(): Promise<void>;
}

/** Version of tacit reported in `hello`. */
const TACIT_VERSION = '0.1.0';

/** Handle one request on a connection's state; returns the response fields (without id/ok). */
export function handle(req: Request, conn: { session: Session | null; greeted: boolean }): Record<string, unknown> {
  if (req.op !== 'hello' && !conn.greeted) throw new ProtocolError('protocol-mismatch', `send {"op": "hello", "protocol": ${PROTOCOL_VERSION}} first`);
  switch (req.op) {
    case 'hello': {
      if (req.protocol !== PROTOCOL_VERSION)
        throw new ProtocolError(
          'protocol-mismatch',
          `this server speaks protocol ${PROTOCOL_VERSION}, the client asked for ${JSON.stringify(req.protocol)}: upgrade the client or the server`,
        );
      conn.greeted = true;
      return { protocol: PROTOCOL_VERSION, server: 'tacit', version: TACIT_VERSION, worlds: worlds.ids() };
    }
    case 'worlds':
      return { worlds: worlds.values().map((w) => ({ id: w.id, summary: w.summary })) };
    case 'make':
      conn.session = new Session(sessionConfig(req));
      return conn.session.describe();
    case 'reset':
      return session(conn).reset(req.seed === undefined || req.seed === null ? null : (req.seed as number));
    case 'step':
      return session(conn).step(req.actions);
    case 'ledger':
      return session(conn).ledgerSummary();
    case 'close':
      conn.session = null;
      return {};
    default:
      throw new ProtocolError('bad-request', `unknown op '${req.op}'; protocol ${PROTOCOL_VERSION} has ${OPS.join(', ')}`);
  }
}

function session(conn: { session: Session | null }): Session {
  if (conn.session === null) throw new ProtocolError('no-session', 'no world yet: send {"op": "make", "env": {"id": "<world id>"}} first');
  return conn.session;
}

/** The response line for one request line. */
function respond(line: string, conn: { session: Session | null; greeted: boolean }, onInternalError?: (err: unknown) => void): string {
  let id: unknown = null;
  try {
    const req = parseRequest(line);
    id = req.id ?? null;
    return encodeLine({ id, ok: true, ...handle(req, conn) });
  } catch (err) {
    if (err instanceof ProtocolError)
      return JSON.stringify({ id, ok: false, error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) } });
    if (err instanceof TacitError) return JSON.stringify({ id, ok: false, error: { code: 'usage', message: err.message } });
    onInternalError?.(err);
    return JSON.stringify({ id, ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } });
  }
}

function serveConnection(socket: Socket, onInternalError?: (err: unknown) => void): void {
  const conn = { session: null as Session | null, greeted: false };
  let pending = '';
  socket.setNoDelay(true);
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    pending += chunk;
    let nl = pending.indexOf('\n');
    const out: string[] = [];
    while (nl >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line !== '') out.push(respond(line, conn, onInternalError));
      nl = pending.indexOf('\n');
    }
    if (out.length > 0) socket.write(`${out.join('\n')}\n`);
    if (pending.length > MAX_LINE_BYTES) {
      socket.end(
        `${JSON.stringify({ id: null, ok: false, error: { code: 'bad-request', message: `request line longer than ${MAX_LINE_BYTES} bytes: closing` } })}\n`,
      );
      pending = '';
    }
  });
  socket.on('error', () => socket.destroy());
}

/** Start serving; resolves once listening (port 0 picks a free port, reported in the result). */
export function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, options.onInternalError);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const addr = server.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      resolve({
        host,
        port,
        server,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
