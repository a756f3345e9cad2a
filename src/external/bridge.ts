/**
 * A synchronous request/response channel to an external process speaking JSON lines on
 * stdin/stdout, with a timeout per request. Policies act synchronously (the rollout loop calls
 * `act` and reads the actions right after), so the process is owned by a worker thread: the main
 * thread posts a request line and blocks in `Atomics.wait` on a shared control word until the
 * worker has the reply, the timeout passes, or the process is gone.
 *
 * Replies carry the request's `id`; a reply that comes after its request timed out is dropped (the
 * worker only accepts the id the main thread is waiting for). The process is spawned from an argv
 * array without a shell, so nothing in the config is ever interpreted by a shell.
 */
import { Worker } from 'node:worker_threads';

/** Control word values. */
const WAITING = 0;
const DONE = 1;
const GONE = 2;
const STARTED = 3;

/** The worker's code (plain JS, no imports of ours, so it runs the same from sources and from the build). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const { createInterface } = require('node:readline');
const ctrl = new Int32Array(workerData.ctrl);
const data = new Uint8Array(workerData.data);
const why = new Uint8Array(workerData.why);
const encoder = new TextEncoder();
let current = -1;
let gone = false;
const fail = (reason) => {
  if (gone) return;
  gone = true;
  why.set(encoder.encode(reason).slice(0, why.length));
  Atomics.store(ctrl, 3, 1);
  Atomics.notify(ctrl, 3);
  Atomics.store(ctrl, 0, ${GONE});
  Atomics.notify(ctrl, 0);
};
const child = spawn(workerData.command[0], workerData.command.slice(1), { stdio: ['pipe', 'pipe', 'inherit'], shell: false, cwd: workerData.cwd });
child.on('error', (err) => fail(err.code === 'ENOENT' ? 'not found' : err.message));
child.on('spawn', () => {
  ctrl[4] = child.pid;
  Atomics.store(ctrl, 0, ${STARTED});
  Atomics.notify(ctrl, 0);
});
child.on('exit', (code, signal) => fail('exited with ' + (signal ? 'signal ' + signal : 'code ' + code)));
child.stdin.on('error', () => {});
createInterface({ input: child.stdout }).on('line', (line) => {
  let id = null;
  try { id = JSON.parse(line).id; } catch { id = current; }
  if (id !== current || gone) return;
  const bytes = encoder.encode(line);
  if (bytes.length > data.length) { ctrl[2] = -1; }
  else { data.set(bytes); ctrl[2] = bytes.length; }
  ctrl[1] = current;
  Atomics.store(ctrl, 0, ${DONE});
  Atomics.notify(ctrl, 0);
});
parentPort.on('message', (msg) => {
  if (msg.close) {
    child.stdin.end();
    return;
  }
  if (msg.id !== null) current = msg.id;
  if (!gone) child.stdin.write(msg.line + '\\n');
});
`;

/** The outcome of one request. */
export type BridgeReply =
  | { readonly status: 'ok'; readonly line: string }
  | { readonly status: 'timeout' }
  | { readonly status: 'gone'; readonly why: string }
  | { readonly status: 'too-large' };

/** One external process behind a blocking request/response call. */
export class ProcessBridge {
  private readonly worker: Worker;
  private readonly ctrl: Int32Array;
  private readonly data: Uint8Array;
  /** Why the process is gone (UTF-8, zero-padded), written once by the worker. */
  private readonly why: Uint8Array;
  private readonly decoder = new TextDecoder();
  private nextId = 0;

  /** Start `command` (argv; no shell) in `cwd`; waits up to `startMs` for it to start and throws if it cannot. */
  constructor(command: readonly string[], options: { cwd: string; maxReplyBytes: number; startMs: number }) {
    // [state, id of the reply in `data`, its byte length, 1 once the process is gone (sticky), pid]
    const ctrlBuf = new SharedArrayBuffer(20);
    const dataBuf = new SharedArrayBuffer(options.maxReplyBytes);
    const whyBuf = new SharedArrayBuffer(256);
    this.ctrl = new Int32Array(ctrlBuf);
    this.data = new Uint8Array(dataBuf);
    this.why = new Uint8Array(whyBuf);
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ctrl: ctrlBuf, data: dataBuf, why: whyBuf, command: [...command], cwd: options.cwd } });
    this.worker.unref();
    Atomics.wait(this.ctrl, 0, WAITING, options.startMs);
    const state = Atomics.load(this.ctrl, 0);
    if (state !== STARTED) {
      void this.worker.terminate();
      throw new Error(state === WAITING ? `did not start within ${options.startMs} ms` : 'could not be started (not found, or not executable)');
    }
  }

  /** Send `payload` (its `id` field is set here) and wait up to `timeoutMs` for the reply line. */
  request(payload: Record<string, unknown>, timeoutMs: number): BridgeReply {
    if (Atomics.load(this.ctrl, 3) === 1) return this.gone();
    const id = this.nextId++;
    Atomics.store(this.ctrl, 0, WAITING);
    this.worker.postMessage({ id, line: JSON.stringify({ ...payload, id }) });
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) return Atomics.load(this.ctrl, 3) === 1 ? this.gone() : { status: 'timeout' };
      Atomics.wait(this.ctrl, 0, WAITING, left);
      const state = Atomics.load(this.ctrl, 0);
      if (state === GONE || Atomics.load(this.ctrl, 3) === 1) return this.gone();
      if (state === DONE) {
        if (this.ctrl[1] === id) {
          const n = this.ctrl[2]!;
          return n < 0 ? { status: 'too-large' } : { status: 'ok', line: this.decoder.decode(this.data.slice(0, n)) };
        }
        Atomics.compareExchange(this.ctrl, 0, DONE, WAITING); // a late reply to an earlier request
      }
    }
  }

  private gone(): BridgeReply {
    return { status: 'gone', why: this.decoder.decode(this.why.slice()).replace(/\0+$/, '') || 'the process ended' };
  }

  /**
   * Close the process's stdin and give it `graceMs` to exit; a process that does not (a hung agent)
   * is killed, so no orphan outlives the run. Then end the worker.
   */
  close(graceMs = 1000): void {
    if (Atomics.load(this.ctrl, 3) === 0) {
      this.worker.postMessage({ close: true });
      const deadline = performance.now() + graceMs;
      while (Atomics.load(this.ctrl, 3) === 0 && performance.now() < deadline) Atomics.wait(this.ctrl, 3, 0, Math.max(1, deadline - performance.now()));
      if (Atomics.load(this.ctrl, 3) === 0) {
        try {
          process.kill(this.ctrl[4]!, 'SIGKILL');
        } catch {
          // It exited between the check and the kill.
        }
      }
    }
    void this.worker.terminate();
  }
}
