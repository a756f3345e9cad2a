/**
 * The engine's bookkeeping after a batched step (alive flags, episode ends, counters; four copies
 * per operation over 32-bit words) against its per-copy path, on a toy world whose agents finish at
 * different, seed-dependent times, for copy counts that are and are not multiples of four.
 */
import { describe, expect, it } from 'vitest';
import { AutoresetMode, VecEngine } from '../../src/core/engine.js';
import { box, discrete } from '../../src/core/spaces.js';
import { allocStepOut, type World } from '../../src/core/world.js';
import type { BatchStepOut, WorldBatch } from '../../src/core/world-batch.js';

type S = { t: Int32Array; life: Int32Array; rng: Uint32Array };
const AGENTS = 3;

/** Agent i terminates after life[i] steps (drawn from the reset seed, 1..6); some episodes truncate at 5 first. */
function toyWorld(batched: boolean): World<S> {
  const world: World<S> = {
    id: 'toy-v1',
    params: {},
    agents: Array.from({ length: AGENTS }, (_, index) => ({ id: `a${index}`, role: 'toy', index })),
    observationSpaces: Array.from({ length: AGENTS }, () => box([0], [10], 1)),
    actionSpaces: Array.from({ length: AGENTS }, () => discrete(2)),
    rewardComponents: Array.from({ length: AGENTS }, () => ['r']),
    kpis: [{ name: 'k', description: 'step', better: 'higher', aggregate: 'mean' }],
    features: [],
    episodeLength: 6,
    createState: () => ({ t: new Int32Array(1), life: new Int32Array(AGENTS), rng: new Uint32Array(4) }),
    reset(s, seed, out) {
      s.t[0] = 0;
      s.rng.set(seed);
      for (let i = 0; i < AGENTS; i++) {
        s.life[i] = 1 + ((seed[i]! >>> 3) % 6);
        out.obs[i]![0] = 0;
      }
    },
    step(s, actions, next, out) {
      world.copyState(s, next);
      const t = ++next.t[0]!;
      for (let i = 0; i < AGENTS; i++) {
        const wasAlive = t - 1 < next.life[i]!;
        out.terminated[i] = wasAlive && t === next.life[i] ? 1 : 0;
        out.truncated[i] = wasAlive && t === 5 && t < next.life[i]! ? 1 : 0;
        out.rewards[i]![0] = wasAlive ? actions[i]![0]! : 0;
        out.obs[i]![0] = wasAlive ? t : 0;
      }
      out.kpis[0] = t;
    },
    copyState(src, dst) {
      dst.t.set(src.t);
      dst.life.set(src.life);
      dst.rng.set(src.rng);
    },
    readFeatures() {},
    defaultAction(_i, _s, out) {
      out[0] = 0;
    },
    isAlive: (s, i) => s.t[0]! < s.life[i]!,
  };
  if (!batched) return world;
  // A batched kernel that is the per-copy step in a loop: only the engine's bookkeeping differs.
  const out = allocStepOut(world);
  const batch: WorldBatch<S> = {
    createStates: (count) => Array.from({ length: count }, () => world.createState()),
    stepBatch: (states, actions, nexts, batch: BatchStepOut, count) => {
      const a = Array.from({ length: AGENTS }, () => new Float64Array(1));
      for (let b = 0; b < count; b++) {
        for (let i = 0; i < AGENTS; i++) a[i]![0] = actions[i]![b]!;
        world.step(states[b]!, a, nexts[b]!, out);
        for (let i = 0; i < AGENTS; i++) {
          batch.terminated[i]![b] = out.terminated[i]!;
          batch.truncated[i]![b] = out.truncated[i]!;
          batch.rewards[i]![b] = out.rewards[i]![0]!;
          batch.obs[i]![b] = out.obs[i]![0]!;
        }
        batch.kpis[b] = out.kpis[0]!;
      }
      return true;
    },
  };
  return { ...world, batch };
}

function trace(batched: boolean, numEnvs: number, autoreset: AutoresetMode): { rows: number[][]; batchedSteps: number } {
  const engine = new VecEngine(toyWorld(batched), { numEnvs, seed: 3, autoreset });
  engine.reset();
  const rows: number[][] = [];
  for (let t = 0; t < 40; t++) {
    for (let i = 0; i < AGENTS; i++) for (let b = 0; b < numEnvs; b++) engine.actions[i]![b] = (t + b + i) % 2;
    const before = Array.from({ length: AGENTS * numEnvs }, (_, k) => (engine.isAlive(k % AGENTS, Math.floor(k / AGENTS)) ? 1 : 0));
    const pendingReset = Array.from(engine.episodeEnded, (e) => (autoreset === AutoresetMode.NextStep ? e : 0));
    engine.step();
    // acted = alive when the step began, except copies that were reset instead of stepped.
    const acted = Array.from({ length: AGENTS * numEnvs }, (_, k) => engine.acted[k % AGENTS]![Math.floor(k / AGENTS)]!);
    expect(acted).toEqual(before.map((a, k) => (pendingReset[Math.floor(k / AGENTS)] ? 0 : a)));
    const alive = Array.from({ length: AGENTS * numEnvs }, (_, k) => (engine.isAlive(k % AGENTS, Math.floor(k / AGENTS)) ? 1 : 0));
    rows.push([
      ...alive,
      ...engine.episodeEnded,
      ...engine.episodesDone,
      ...engine.episodeSteps,
      ...engine.wasReset,
      ...engine.terminated.flatMap((x) => [...x]),
      ...engine.truncated.flatMap((x) => [...x]),
      ...engine.acted.flatMap((x) => [...x]),
      ...engine.rewards.flatMap((x) => [...x]),
    ]);
  }
  return { rows, batchedSteps: engine.batchedSteps };
}

describe('VecEngine bookkeeping after batched steps', () => {
  for (const numEnvs of [1, 4, 5, 7, 12])
    for (const mode of [AutoresetMode.SameStep, AutoresetMode.NextStep])
      it(`matches the per-copy path (${numEnvs} copies, ${mode})`, () => {
        const fast = trace(true, numEnvs, mode);
        const ref = trace(false, numEnvs, mode);
        expect(fast.batchedSteps).toBeGreaterThan(0);
        expect(ref.batchedSteps).toBe(0);
        expect(fast.rows).toEqual(ref.rows);
        // The toy world does produce staggered deaths and both kinds of episode end.
        expect(ref.rows.some((r) => r.slice(0, AGENTS * numEnvs).some((x) => x === 0))).toBe(true);
      });
});
