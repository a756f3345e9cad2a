/**
 * The protocol of `tacit serve` from a plain TCP client: handshake and version check, errors that
 * name the problem (the connection stays usable), reward schemes, faults and the ledger served
 * with the world, negative zero written exactly.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLine, PROTOCOL_VERSION } from '../../src/serve/protocol.js';
import { startServer, type RunningServer } from '../../src/serve/server.js';

type Msg = Record<string, unknown> & { ok: boolean; error?: { code: string; message: string; issues?: { path: string }[] } };

/** A minimal line client: send an object, await the next response line. */
class LineClient {
  private buffer = '';
  private waiting: ((line: string) => void)[] = [];
  private lines: string[] = [];
  private id = 0;
  constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const w = this.waiting.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
  }
  static open(port: number): Promise<LineClient> {
    return new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => resolve(new LineClient(s)));
    });
  }
  raw(text: string): Promise<Msg> {
    this.socket.write(text);
    return new Promise((resolve) => {
      const take = (line: string): void => resolve(JSON.parse(line) as Msg);
      const queued = this.lines.shift();
      if (queued !== undefined) take(queued);
      else this.waiting.push(take);
    });
  }
  send(op: string, fields: Record<string, unknown> = {}): Promise<Msg> {
    return this.raw(`${JSON.stringify({ id: ++this.id, op, ...fields })}\n`);
  }
  close(): void {
    this.socket.destroy();
  }
}

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0 });
});
afterAll(async () => {
  await server.close();
});

async function greeted(): Promise<LineClient> {
  const c = await LineClient.open(server.port);
  const hello = await c.send('hello', { protocol: PROTOCOL_VERSION });
  expect(hello).toMatchObject({ ok: true, protocol: PROTOCOL_VERSION, server: 'tacit' });
  return c;
}

describe('tacit serve protocol', () => {
  it('insists on a hello with its protocol version first', async () => {
    const c = await LineClient.open(server.port);
    expect((await c.send('make', { env: { id: 'market-v1' } })).error?.code).toBe('protocol-mismatch');
    const wrong = await c.send('hello', { protocol: 99 });
    expect(wrong.ok).toBe(false);
    expect(wrong.error?.message).toContain('speaks protocol 1');
    expect((await c.send('hello', { protocol: 1 })).ok).toBe(true);
    c.close();
  });

  it('answers bad requests with named errors and keeps the connection usable', async () => {
    const c = await greeted();
    expect((await c.raw('not json\n')).error?.code).toBe('bad-request');
    expect((await c.send('fly')).error?.message).toContain("unknown op 'fly'");
    expect((await c.send('step', { actions: {} })).error?.code).toBe('no-session');
    const bad = await c.send('make', { env: { id: 'market-v1', params: { numFirms: -1, colour: 'red' } } });
    expect(bad.error?.code).toBe('bad-config');
    expect(bad.error?.issues?.map((i) => i.path)).toContain('env.params');
    expect((await c.send('make', { env: { id: 'nope-v1' } })).error?.message).toContain('registered: matrix-game-v1');
    expect((await c.send('make', { env: { id: 'coordination-v1' } })).ok).toBe(true);
    expect((await c.send('step', { actions: {} })).error?.message).toContain('step before reset');
    await c.send('reset', { seed: 3 });
    expect((await c.send('step', { actions: { left: [0] } })).error?.message).toContain("no action for live agent 'right'");
    expect((await c.send('step', { actions: { left: [7], right: [0] } })).error?.message).toContain('outside the action space Discrete(3)');
    expect((await c.send('step', { actions: { left: [0], right: [0], ghost: [0] } })).error?.message).toContain("unknown agent 'ghost'");
    expect((await c.send('step', { actions: { left: [0], right: [1] } })).ok).toBe(true);
    c.close();
  });

  it('ends episodes for the caller to reset (autoreset disabled) and reset clears them', async () => {
    const c = await greeted();
    await c.send('make', { env: { id: 'coordination-v1', params: { episodeLength: 2 } } });
    await c.send('reset', { seed: 1 });
    await c.send('step', { actions: { left: [0], right: [0] } });
    const last = await c.send('step', { actions: { left: [0], right: [0] } });
    expect(last.truncations).toEqual({ left: [true], right: [true] });
    expect(last.alive).toEqual({ left: [false], right: [false] });
    expect((await c.send('step', { actions: {} })).error?.message).toContain('episode is over');
    await c.send('reset', {});
    expect((await c.send('step', { actions: { left: [0], right: [0] } })).ok).toBe(true);
    c.close();
  });

  it('serves reward schemes, faults and the ledger', async () => {
    const c = await greeted();
    const made = await c.send('make', {
      env: { id: 'coordination-v1' },
      agents: [{ id: 'left', reward: { scheme: 'team' } }],
      faults: {
        injections: [{ type: 'dropout', agents: ['right'], window: { start: 0, end: 3 }, fallback: 'noop' }],
        reliability: { criteria: { coordinator: { component: 'hit', atLeast: 1 } } },
      },
    });
    expect(made.rewardSchemes).toEqual({ left: 'team', right: 'local' });
    expect(made.faults).toBe(true);
    await c.send('reset', { seed: 5 });
    for (let t = 0; t < 5; t++) {
      const r = (await c.send('step', { actions: { left: [0], right: [0] } })) as Msg & {
        rewards: Record<string, number[]>;
        components: Record<string, number[][]>;
        kpis: number[][];
      };
      const local = r.components.right![0]!.reduce((a, b) => a + b, 0);
      expect(r.rewards.right![0]).toBe(local);
      expect(r.rewards.left![0]).toBe(r.kpis[0]![0]); // team: the default team objective, +1 × successRate
    }
    const ledger = (await c.send('ledger')) as Msg & { steps: number; faults: { actions: Record<string, { noResponse: number }> }; reliability: unknown };
    expect(ledger.steps).toBe(5);
    expect(ledger.faults.actions.right!.noResponse).toBe(3);
    expect(ledger.reliability).toBeDefined();
    c.close();
  });

  it('writes negative zero as -0.0 so clients get the exact bits', () => {
    const line = encodeLine({ a: [-0, 0, 1.5, -2] });
    expect(line).toBe('{"a":[-0.0,0,1.5,-2]}');
    expect(Object.is((JSON.parse(line) as { a: number[] }).a[0], -0)).toBe(true);
  });
});

describe('tacit serve (command line)', () => {
  it('prints its port as a JSON line, serves, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/tacit.mjs', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
    const { listening } = JSON.parse(first) as { listening: { host: string; port: number } };
    expect(listening.host).toBe('127.0.0.1');
    const c = await LineClient.open(listening.port);
    expect((await c.send('hello', { protocol: 1 })).ok).toBe(true);
    c.close();
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('rejects a bad port with exit code 2', () => {
    const r = spawnSync(process.execPath, ['bin/tacit.mjs', 'serve', '--port', '70000'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--port must be an integer from 0 to 65535, got 70000');
  });
});
