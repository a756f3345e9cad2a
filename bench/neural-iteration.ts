/**
 * The learner-iteration figures that tacit compares with its PyTorch peers
 * (bench/peers/ppo_torch.py, bench/peers/dqn_torch.py), on identical work:
 *
 *  - `ppoIteration`: one CleanRL PPO iteration at the peer's sizes: a 2×64 tanh actor (16 → 8
 *    logits) and critic, 16 world copies × 128 steps = 2,048 samples (acting every step), GAE,
 *    then 4 epochs × 4 minibatches of 512 (clipped surrogate, clipped value loss, entropy,
 *    advantage normalisation, grad-norm clip 0.5, Adam, linear LR annealing). No observation or
 *    reward normalisation, as in the peer. The world is the peer's: observations i.i.d. N(0,1),
 *    rewards U[0,1), never done, action ignored.
 *  - `dqnIteration`: 128 engine steps of DQN on the same world with 16 copies (2,048
 *    transitions): ε-greedy acting on a 2×64 relu Q-network, replay of 10,000, one gradient step
 *    of batch 128 per engine step (MSE TD loss against a target network, grad-norm clip 10, Adam),
 *    target copy every 500 steps.
 *
 * Each reports, over `iterations` iterations after one warm-up, the median iteration's wall and
 * process CPU time (user + system, all threads) as samples per second.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dqnPolicy } from '../policies/dqn.js';
import { ppoPolicy } from '../policies/ppo.js';
import { nextFloat, nextNormal } from '../src/core/rng.js';
import { box, discrete } from '../src/core/spaces.js';
import { copyFlatState, type World } from '../src/core/world.js';
import { createSession, runSteps, type Session } from '../src/learn/train-loop.js';

export const OBS = 16;
export const ACTIONS = 8;
export const NUM_ENVS = 16;
export const NUM_STEPS = 128;

interface NoiseState {
  rng: Uint32Array;
}

/** The peer's world: one agent, N(0,1) observations, U[0,1) rewards, never done, action ignored. */
export function randomWorld(): World {
  const w: World<NoiseState> = {
    id: 'bench-random',
    params: {},
    agents: [{ id: 'a', role: 'a', index: 0 }],
    observationSpaces: [box(-Infinity, Infinity, OBS)],
    actionSpaces: [discrete(ACTIONS)],
    rewardComponents: [['r']],
    kpis: [],
    features: [],
    episodeLength: 1 << 30,
    createState: () => ({ rng: new Uint32Array(4) }),
    reset(s, seed, out) {
      s.rng.set(seed);
      for (let k = 0; k < OBS; k++) out.obs[0]![k] = nextNormal(s.rng);
    },
    step(s, _actions, next, out) {
      next.rng.set(s.rng);
      out.rewards[0]![0] = nextFloat(next.rng);
      for (let k = 0; k < OBS; k++) out.obs[0]![k] = nextNormal(next.rng);
      out.terminated[0] = 0;
      out.truncated[0] = 0;
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

/** Samples per second of wall and of CPU time, from per-iteration medians. */
export interface IterationFigure {
  readonly samplesPerSecond: number;
  readonly samplesPerCpuSecond: number;
  readonly iterationMs: number;
  readonly iterationCpuMs: number;
  readonly iterations: number;
  /**
   * CPU ms of all measured iterations on the main thread and on the other threads of the process
   * (V8's platform workers, which run concurrent garbage collection and optimising compilation,
   * and libuv's pool), from Linux /proc in 10 ms ticks. Absent where /proc is not available.
   */
  readonly cpuMsByThread?: { readonly main: number; readonly others: number };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Time `iterations` calls of `iterate` after one warm-up call. */
function timeIterations(session: Session, iterations: number, samples: number, iterate: () => void): IterationFigure {
  iterate(); // warm-up: compilation, first allocations
  const wall: number[] = [];
  const cpu: number[] = [];
  const threads0 = threadCpuMs();
  for (let i = 0; i < iterations; i++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    iterate();
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  const threads1 = threadCpuMs();
  for (const p of session.policies) p.dispose?.();
  const w = median(wall);
  const c = median(cpu);
  const byThread = { main: 0, others: 0 };
  for (const [tid, ms] of threads1) byThread[tid === String(process.pid) ? 'main' : 'others'] += ms - (threads0.get(tid) ?? 0);
  return {
    samplesPerSecond: Math.round((samples / w) * 1000),
    samplesPerCpuSecond: Math.round((samples / c) * 1000),
    iterationMs: round(w),
    iterationCpuMs: round(c),
    iterations,
    ...(threads1.size > 0 ? { cpuMsByThread: byThread } : {}),
  };
}

/** CPU ms (user + system) of each thread of this process, by thread id; empty without /proc. */
function threadCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(fields[11]) + Number(fields[12])) * 10); // utime, stime in 1/100 s
    }
  } catch {
    out.clear();
  }
  return out;
}

/** The PPO iteration at the peer's sizes. */
export function ppoIteration(iterations = 8, seed = 1): IterationFigure {
  const params = {
    hidden: [64, 64],
    activation: 'tanh',
    rolloutLength: NUM_STEPS,
    numMinibatches: 4,
    updateEpochs: 4,
    learningRate: 2.5e-4,
    annealSteps: NUM_STEPS * (iterations + 1),
    normalizeObservations: false,
    normalizeRewards: false,
  };
  const s = createSession(randomWorld(), NUM_ENVS, seed, () => ({ spec: ppoPolicy, params }));
  return timeIterations(s, iterations, NUM_ENVS * NUM_STEPS, () => runSteps(s, NUM_STEPS));
}

/** The DQN iteration (128 engine steps of 16 copies, a gradient step each) after filling 1,000 transitions. */
export function dqnIteration(iterations = 8, seed = 1): IterationFigure {
  const params = {
    hidden: [64, 64],
    activation: 'relu',
    learningRate: 2.5e-4,
    bufferSize: 10_000,
    batchSize: 128,
    learningStarts: 1000,
    trainFrequency: 1,
    gradientSteps: 1,
    targetUpdateFrequency: 500,
    epsilonDecaySteps: 1000,
    maxGradNorm: 10,
  };
  const s = createSession(randomWorld(), NUM_ENVS, seed, () => ({ spec: dqnPolicy, params }));
  runSteps(s, Math.ceil(1000 / NUM_ENVS)); // fill to learningStarts
  return timeIterations(s, iterations, NUM_ENVS * NUM_STEPS, () => runSteps(s, NUM_STEPS));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Resident and heap memory over a long training run (MB), and whether it stayed flat. */
export interface MemoryFigure {
  readonly learner: 'ppo' | 'dqn';
  readonly iterations: number;
  readonly samples: number;
  /** Medians over the first and last tenth of the iterations after warm-up. */
  readonly rssMb: { readonly early: number; readonly late: number; readonly ratio: number };
  readonly heapUsedMb: { readonly early: number; readonly late: number; readonly ratio: number };
  /** ArrayBuffers incl. the networks' WebAssembly memories. */
  readonly arrayBuffersMb: { readonly early: number; readonly late: number; readonly ratio: number };
  /** Late ÷ early RSS at most 1.05. */
  readonly flat: boolean;
}

/** Train `iterations` iterations (after 5 warm-up ones) and compare early and late memory. */
export function memoryRun(learner: 'ppo' | 'dqn', iterations: number, seed = 1): MemoryFigure {
  const spec = learner === 'ppo' ? ppoPolicy : dqnPolicy;
  const params =
    learner === 'ppo'
      ? { rolloutLength: NUM_STEPS, numMinibatches: 4, updateEpochs: 4, normalizeObservations: false, normalizeRewards: false }
      : { bufferSize: 10_000, batchSize: 128, learningStarts: 1000, trainFrequency: 1, targetUpdateFrequency: 500, epsilonDecaySteps: 1000 };
  const s = createSession(randomWorld(), NUM_ENVS, seed, () => ({ spec, params }));
  runSteps(s, NUM_STEPS * 5);
  const rss: number[] = [];
  const heap: number[] = [];
  const bufs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    runSteps(s, NUM_STEPS);
    const m = process.memoryUsage();
    rss.push(m.rss / 2 ** 20);
    heap.push(m.heapUsed / 2 ** 20);
    bufs.push(m.arrayBuffers / 2 ** 20);
  }
  for (const p of s.policies) p.dispose?.();
  const tenth = Math.max(1, Math.floor(iterations / 10));
  const compare = (xs: number[]) => {
    const early = median(xs.slice(0, tenth));
    const late = median(xs.slice(-tenth));
    return { early: round(early), late: round(late), ratio: round(late / early) };
  };
  const r = compare(rss);
  return {
    learner,
    iterations,
    samples: iterations * NUM_ENVS * NUM_STEPS,
    rssMb: r,
    heapUsedMb: compare(heap),
    arrayBuffersMb: compare(bufs),
    flat: r.ratio <= 1.05,
  };
}
