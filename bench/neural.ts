/**
 * `npm run bench:neural`: neural-learner throughput, printed as JSON.
 *
 *  - `mlp`: for a 2×64 tanh actor-critic (obs 16, 5 actions) on each available backend, at
 *    minibatch sizes 64 and 1024: `updateMs` (one PPO gradient step: clipped loss forward and
 *    backward through actor and critic, Adam; includes its share of the per-update value pass),
 *    `trainSamplesPerSec` (minibatch rows per second through gradient steps), and `actMs` /
 *    `actRowsPerSec` (one batched forward pass plus sampling for that many rows).
 *  - `endToEnd`, `endToEndWarehouse`: IPPO (CleanRL defaults: 128-step rollouts, 4 epochs × 4
 *    minibatches, 2×64) on coordination-v1 and on warehouse-v1 with 1 to 64 world copies on the
 *    default backend: agent samples per second, world stepping, collection and updates included.
 *    Batching across copies is the lever.
 *
 * The comparison with PyTorch on identical work is `npm run bench:vs-peers` (bench/vs-peers.ts),
 * which runs `--ppo-iteration` / `--dqn-iteration` below alternately with the peers.
 * Every figure is given twice: wall-clock, and this process's CPU time (user + system). tfjs-wasm
 * and cpu run single-threaded here, so on an idle machine the two agree; on a shared machine
 * (see `loadavg`) the CPU-time figures are the steadier ones.
 */
import { cpus, loadavg } from 'node:os';
import { worlds } from '../envs/index.js';
import { coordination } from '../envs/sanity/coordination.js';
import { ppoPolicy } from '../policies/ppo.js';
import type { Policy } from '../src/core/policy.js';
import { nextFloat, nextInt, nextNormal } from '../src/core/rng.js';
import { box, discrete } from '../src/core/spaces.js';
import { copyFlatState, type World } from '../src/core/world.js';
import { BACKENDS, describeBackend, initBackend, type BackendName } from '../src/learn/backend.js';
import { dqnIteration, memoryRun, ppoIteration } from './neural-iteration.js';
import { createSession, runSteps } from '../src/learn/train-loop.js';

const OBS = 16;
const ACTIONS = 5;
const PPO = ppoPolicy;

interface NoiseState {
  rng: Uint32Array;
  t: Int32Array;
}

/** One agent, Gaussian observations, random rewards: a world whose cost is negligible next to the learner. */
function noiseWorld(): World {
  const w: World<NoiseState> = {
    id: 'bench-noise',
    params: {},
    agents: [{ id: 'a', role: 'a', index: 0 }],
    observationSpaces: [box(-10, 10, OBS)],
    actionSpaces: [discrete(ACTIONS)],
    rewardComponents: [['r']],
    kpis: [],
    features: [],
    episodeLength: 64,
    createState: () => ({ rng: new Uint32Array(4), t: new Int32Array(1) }),
    reset(s, seed, out) {
      s.rng.set(seed);
      s.t[0] = 0;
      for (let k = 0; k < OBS; k++) out.obs[0]![k] = nextNormal(s.rng);
    },
    step(s, actions, next, out) {
      next.rng.set(s.rng);
      next.t[0] = s.t[0]! + 1;
      out.rewards[0]![0] = actions[0]![0] === nextInt(next.rng, ACTIONS) ? 1 : nextFloat(next.rng) * 0.1;
      for (let k = 0; k < OBS; k++) out.obs[0]![k] = nextNormal(next.rng);
      out.terminated[0] = 0;
      out.truncated[0] = next.t[0]! >= 64 ? 1 : 0;
    },
    copyState: copyFlatState,
    readFeatures() {},
    defaultAction(_a, _s, out) {
      out[0] = 0;
    },
    isAlive: () => true,
  };
  return w;
}

/** Process CPU time in ms (user + system). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function dispose(policies: Policy[]): void {
  for (const p of policies) p.dispose?.();
}

/** PPO gradient-step time at minibatch `batch`: 64 copies × 16 steps = 1024 rows per update. */
function updateBench(batch: number): { updateMs: number; updateCpuMs: number; trainSamplesPerSec: number; trainSamplesPerCpuSec: number } {
  const rows = 1024;
  const epochs = 4;
  const s = createSession(noiseWorld(), 64, 1, () => ({ spec: PPO, params: { rolloutLength: 16, numMinibatches: rows / batch, updateEpochs: epochs } }));
  runSteps(s, 16); // warm-up update (kernel compilation, first allocations)
  let wall = 0;
  let cpu = 0;
  const updates = batch >= 1024 ? 4 : 2;
  for (let u = 0; u < updates; u++) {
    runSteps(s, 15);
    const c0 = cpuMs();
    const t0 = performance.now();
    runSteps(s, 1); // the step whose observe runs the update
    wall += performance.now() - t0;
    cpu += cpuMs() - c0;
  }
  dispose(s.policies);
  const steps = updates * epochs * (rows / batch);
  const updateMs = wall / steps;
  const updateCpuMs = cpu / steps;
  return {
    updateMs: round(updateMs),
    updateCpuMs: round(updateCpuMs),
    trainSamplesPerSec: Math.round((batch / updateMs) * 1000),
    trainSamplesPerCpuSec: Math.round((batch / updateCpuMs) * 1000),
  };
}

/** Batched acting: one forward pass and sampling for `batch` rows. */
function actBench(batch: number): { actMs: number; actCpuMs: number; actRowsPerSec: number } {
  const s = createSession(noiseWorld(), batch, 1, () => ({ spec: PPO, params: {} }));
  const policy = s.policies[0]!;
  const obs = s.engine.obs[0]!;
  const actions = s.engine.actions[0]!;
  for (let k = 0; k < 20; k++) policy.act(obs, actions, 'explore');
  const calls = batch >= 1024 ? 100 : 400;
  const c0 = cpuMs();
  const t0 = performance.now();
  for (let k = 0; k < calls; k++) policy.act(obs, actions, 'explore');
  const actMs = (performance.now() - t0) / calls;
  const actCpuMs = (cpuMs() - c0) / calls;
  dispose(s.policies);
  return { actMs: round(actMs), actCpuMs: round(actCpuMs), actRowsPerSec: Math.round((batch / actMs) * 1000) };
}

/** IPPO with CleanRL's defaults: agent samples per second, end to end (world stepping included). */
function endToEnd(world: World, numEnvs: number): { numEnvs: number; samplesPerSec: number; samplesPerCpuSec: number; seconds: number } {
  const s = createSession(world, numEnvs, 1, () => ({ spec: PPO, params: {} }));
  runSteps(s, 128); // first rollout and update as warm-up
  const steps = 256;
  const c0 = cpuMs();
  const t0 = performance.now();
  runSteps(s, steps);
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = (cpuMs() - c0) / 1000;
  dispose(s.policies);
  const samples = steps * numEnvs * world.agents.length;
  return { numEnvs, samplesPerSec: Math.round(samples / seconds), samplesPerCpuSec: Math.round(samples / cpuSeconds), seconds: round(seconds) };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// `--ppo-iteration` / `--dqn-iteration` [--iterations N]: only the peer-comparison figure(s)
// (bench/neural-iteration.ts), as one JSON line, on the default backend (or TACIT_BACKEND).
// `--memory [--iterations N]`: PPO and DQN trained for N iterations (default 500, i.e. 1 M samples
// each), memory early vs late.
const args = process.argv.slice(2);
if (args.includes('--memory')) {
  const at = args.indexOf('--iterations');
  const iterations = at >= 0 ? Number(args[at + 1]) : 500;
  if (!Number.isInteger(iterations) || iterations < 10) {
    process.stderr.write(`bench:neural: --iterations ${JSON.stringify(args[at + 1])} must be an integer of at least 10 for --memory (e.g. --iterations 500)\n`);
    process.exit(2);
  }
  await initBackend({ log: false });
  console.log(
    JSON.stringify({
      bench: 'tacit-neural-memory',
      backend: describeBackend(),
      node: process.version,
      ppo: memoryRun('ppo', iterations),
      dqn: memoryRun('dqn', iterations),
    }),
  );
  process.exit(0);
}
if (args.includes('--ppo-iteration') || args.includes('--dqn-iteration')) {
  const at = args.indexOf('--iterations');
  const iterations = at >= 0 ? Number(args[at + 1]) : 8;
  if (!Number.isInteger(iterations) || iterations < 1) {
    process.stderr.write(`bench:neural: --iterations ${JSON.stringify(args[at + 1])} is not a positive integer (e.g. --iterations 8)\n`);
    process.exit(2);
  }
  await initBackend({ log: false });
  const line: Record<string, unknown> = { bench: 'tacit-neural-iteration', backend: describeBackend(), node: process.version, loadavg: loadavg().map(round) };
  if (args.includes('--ppo-iteration')) line.ppoIteration = ppoIteration(iterations);
  if (args.includes('--dqn-iteration')) line.dqnIteration = dqnIteration(iterations);
  console.log(JSON.stringify(line));
  process.exit(0);
}

const only = process.env.TACIT_BACKEND ? [process.env.TACIT_BACKEND as BackendName] : BACKENDS;
const mlp: Record<string, unknown>[] = [];
const skipped: Record<string, string> = {};
for (const backend of only) {
  try {
    await initBackend({ backend, log: false });
  } catch (err) {
    skipped[backend] = (err as Error).message.split(' (')[0]!;
    continue;
  }
  for (const batch of [64, 1024]) mlp.push({ backend, batch, ...updateBench(batch), ...actBench(batch) });
}
const defaultBackend = await initBackend({ log: false, ...(only.length === 1 ? { backend: only[0]! } : { backend: BACKENDS.find((b) => !(b in skipped))! }) });
const e2e = [1, 8, 64].map((n) => endToEnd(coordination.create(coordination.paramsSchema.parse({})), n));
const warehouseSpec = worlds.get('warehouse-v1');
const warehouse = () => warehouseSpec.create(warehouseSpec.paramsSchema.parse({}) as Record<string, unknown>);
const e2eWarehouse = [1, 16, 64].map((n) => endToEnd(warehouse(), n));

console.log(
  JSON.stringify(
    {
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      loadavgAtEnd: loadavg().map(round),
      network: '2x64 tanh MLP actor + 2x64 tanh MLP critic, obs 16, 5 discrete actions',
      mlp,
      skippedBackends: skipped,
      endToEnd: { backend: defaultBackend, world: 'coordination-v1 (2 agents)', policy: 'ppo, CleanRL defaults', runs: e2e },
      endToEndWarehouse: {
        backend: defaultBackend,
        world: 'warehouse-v1 (4 agents, default params)',
        policy: 'ppo (IPPO), CleanRL defaults',
        runs: e2eWarehouse,
      },
      pytorchBaseline: 'see npm run bench:vs-peers',
    },
    null,
    2,
  ),
);
