/**
 * `tacit ui`: a local web app (hono on @hono/node-server, bound to 127.0.0.1) over a results root:
 * the runs and sweeps list, live progress by server-sent events, each report (and the shared
 * plotly.js beside it) served from the folder, and a side-by-side comparison of selected runs.
 * With a queue URL it also lists the queue's runs table.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { RunRow } from '../queue/queue.js';
import { comparePage, indexPage } from './page.js';
import { scanResults } from './scan.js';

/** Options of createUiApp. */
export interface UiOptions {
  readonly root: string;
  /** Reads the queue's runs table (tacit ui --queue); absent without a queue. */
  readonly queueRows?: () => Promise<RunRow[]>;
  /** How often the SSE stream rescans (ms). */
  readonly pollMs?: number;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.jsonl': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.csv': 'text/csv',
  '.md': 'text/markdown; charset=utf-8',
};

/** The hono app (exported for tests and embedding). */
export function createUiApp(options: UiOptions): Hono {
  const root = realpathSync(resolve(options.root));
  const app = new Hono();
  const state = async (): Promise<Record<string, unknown>> => ({ ...scanResults(root), ...(options.queueRows ? { queue: await options.queueRows() } : {}) });

  app.get('/', (c) => c.html(indexPage(root, options.queueRows !== undefined)));
  app.get('/api/runs', async (c) => c.json(await state()));
  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      let last = '';
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      while (!closed) {
        const text = JSON.stringify(await state());
        if (text !== last) {
          await stream.writeSSE({ event: 'runs', data: text });
          last = text;
        }
        await stream.sleep(options.pollMs ?? 1000);
      }
    }),
  );
  app.get('/compare', (c) => {
    const ids = c.req.queries('run') ?? [];
    const { runs } = scanResults(root);
    const picked = ids.map((id) => runs.find((r) => r.id === id)).filter((r) => r !== undefined);
    return c.html(
      comparePage(
        picked,
        ids.filter((id) => !runs.some((r) => r.id === id)),
      ),
    );
  });
  app.get('/files/*', (c) => {
    const rel = decodeURIComponent(c.req.path.slice('/files/'.length));
    const path = resolve(root, rel);
    // Only files inside the results root (no ../, no symlink out of it).
    if (!path.startsWith(root + sep) || !existsSync(path) || !statSync(path).isFile() || !realpathSync(path).startsWith(root + sep))
      return c.text('not found', 404);
    return c.body(readFileSync(path), 200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
  });
  app.get('/favicon.ico', (c) => c.body(null, 204));
  return app;
}

/** Serve the app on host:port (port 0: any free port); resolves with the URL once listening. */
export function startUi(options: UiOptions & { port?: number; host?: string }): Promise<{ url: string; server: ServerType; close(): Promise<void> }> {
  const app = createUiApp(options);
  const host = options.host ?? '127.0.0.1';
  return new Promise((done) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, (info) => {
      done({
        url: `http://${host}:${info.port}/`,
        server,
        close: () =>
          new Promise<void>((ok) => {
            if ('closeAllConnections' in server) server.closeAllConnections(); // http servers have it, http2 ones not
            server.close(() => ok());
          }),
      });
    });
  });
}
