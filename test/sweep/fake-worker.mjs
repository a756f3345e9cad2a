// A stand-in for the runner's seed worker that exercises the worker pool's protocol (src/workers) without running
// worlds: a job whose config has `fake.failTimes: n` fails its first n attempts (counted in a file
// next to the run folder); `fake.untilStopped` keeps the job running until a stop message arrives,
// which then ends it interrupted (no timing involved).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort } from 'node:worker_threads';

let stopped = false;
let waiting;
parentPort.on('message', (message) => {
  if (message.kind === 'stop') {
    stopped = true;
    waiting?.();
    waiting = undefined;
    return;
  }
  const msg = message.job;
  const fake = msg.config.fake ?? {};
  mkdirSync(dirname(msg.dir), { recursive: true });
  const counter = `${msg.dir}.attempts`;
  const attempts = (existsSync(counter) ? Number(readFileSync(counter, 'utf8')) : 0) + 1;
  writeFileSync(counter, String(attempts));
  if (attempts <= (fake.failTimes ?? 0)) {
    mkdirSync(`${msg.dir}.partial`, { recursive: true });
    parentPort.postMessage({ kind: 'error', message: `planned failure ${attempts}` });
    return;
  }
  const finish = () => {
    const interrupted = stopped;
    const dir = interrupted ? `${msg.dir}.partial` : msg.dir;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/summary.json`, JSON.stringify({ seed: msg.seed, interrupted }));
    writeFileSync(`${dir}/run.json`, JSON.stringify({ runId: msg.meta.runId, status: interrupted ? 'interrupted' : 'complete' }));
    parentPort.postMessage({ kind: 'progress', progress: { done: 1, total: 1, delta: 1, findings: 0 } });
    parentPort.postMessage({ kind: 'done', result: { seed: msg.seed, interrupted } });
  };
  if (fake.untilStopped && !stopped) waiting = finish;
  else finish();
});
