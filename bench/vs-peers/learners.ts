/**
 * bench:vs-peers sections for the neural learners: tacit's PPO and DQN iterations
 * (bench/neural-iteration.ts, via `npm run bench:neural -- --ppo-iteration`) against PyTorch CPU
 * peers on identical work (bench/peers/ppo_torch.py, bench/peers/dqn_torch.py), one thread each.
 * The peers need Debian's python3-torch and OpenBLAS (measuring only; never a tacit dependency).
 */
import type { Section } from './index.js';
import { pythonMissing } from './index.js';

const PYTHON = process.env.TACIT_PEER_PYTHON ?? '/usr/bin/python3';
const INSTALL = 'apt-get install -y python3-torch libopenblas0-pthread (Debian; the system /usr/bin/python3, or set TACIT_PEER_PYTHON)';
const torchMissing = (): string | undefined => pythonMissing(PYTHON, 'torch', INSTALL);
const FIGURES = ['samplesPerCpuSecond', 'samplesPerSecond'];
const tacit = (flag: string) => ({ cmd: process.execPath, args: ['bin/run.mjs', 'bench/neural.ts', flag] });
const num = (x: unknown): number => Number(x);

export const ppoSection: Section = {
  name: 'ppo',
  what: 'PPO full iteration: 2x64 tanh actor and critic, obs 16, 8 actions, 16 envs x 128 steps, 4 epochs x minibatch 512; samples per second (CPU and wall), 1 thread each',
  figures: FIGURES,
  tacit: tacit('--ppo-iteration'),
  peer: { cmd: PYTHON, args: ['bench/peers/ppo_torch.py', '--iteration-only', '--threads', '1'] },
  peerMissing: torchMissing,
  tacitFigures: (j) => {
    const p = j.ppoIteration as Record<string, unknown>;
    return { samplesPerCpuSecond: num(p.samplesPerCpuSecond), samplesPerSecond: num(p.samplesPerSecond) };
  },
  peerFigures: (j) => {
    const it = ((j.results as Record<string, Record<string, unknown>>).threads_1!.iteration ?? {}) as Record<string, unknown>;
    return { samplesPerCpuSecond: num(it.samples_per_cpu_s), samplesPerSecond: num(it.samples_per_s) };
  },
  peerInfo: (j) => ({ torch: j.torch, blas: j.blas, python: j.python }),
};

export const dqnSection: Section = {
  name: 'dqn',
  what: 'DQN iteration: 2x64 relu Q-network, obs 16, 8 actions, 16 envs x 128 steps with one gradient step (batch 128, replay 10k, target net) per step; samples per second (CPU and wall), 1 thread each',
  figures: FIGURES,
  tacit: tacit('--dqn-iteration'),
  peer: { cmd: PYTHON, args: ['bench/peers/dqn_torch.py', '--threads', '1'] },
  peerMissing: torchMissing,
  tacitFigures: (j) => {
    const p = j.dqnIteration as Record<string, unknown>;
    return { samplesPerCpuSecond: num(p.samplesPerCpuSecond), samplesPerSecond: num(p.samplesPerSecond) };
  },
  peerFigures: (j) => {
    const it = j.iteration as Record<string, unknown>;
    return { samplesPerCpuSecond: num(it.samples_per_cpu_s), samplesPerSecond: num(it.samples_per_s) };
  },
  peerInfo: (j) => ({ torch: j.torch, blas: j.blas, python: j.python }),
};
