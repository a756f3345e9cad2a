/**
 * The engine's episodeSeeds option: episode k of copy b starts from the provider's words for (b, k),
 * in each autoreset mode and through the batched reset path alike (drivers such as the planted
 * recorder rely on it to keep trajectories they recorded before running on the engine).
 */
import { describe, expect, it } from 'vitest';
import { worlds } from '../../envs/index.js';
import { AutoresetMode, VecEngine, type EpisodeSeeds } from '../../src/core/engine.js';
import { deriveSeedWords } from '../../src/core/rng.js';
import type { World } from '../../src/core/world.js';

const words = (copy: number, episode: number): number[] => Array.from(deriveSeedWords('episode-seeds-test', copy, episode));
const provider: EpisodeSeeds = (copy, episode, out) => out.set(words(copy, episode));

function create(id: string, params: Record<string, unknown>): World {
  const spec = worlds.get(id);
  return spec.create(spec.paramsSchema.parse(params) as Record<string, unknown>);
}

/** `world` with every reset's seed words appended to `log`. */
function logResets(world: World, log: number[][]): World {
  const reset: World['reset'] = (state, seed, out) => {
    log.push(Array.from(seed));
    world.reset(state, seed, out);
  };
  return Object.assign(Object.create(world) as World, { reset });
}

describe('VecEngine episodeSeeds', () => {
  it('seeds episode k of copy b with the words for (b, k) under same-step autoreset, from 0 again after reset()', () => {
    const log: number[][] = [];
    const engine = new VecEngine(logResets(create('matrix-game-v1', { episodeLength: 3 }), log), { numEnvs: 2, seed: 1, episodeSeeds: provider });
    engine.reset();
    for (let t = 0; t < 7; t++) engine.step();
    expect(log).toEqual([words(0, 0), words(1, 0), words(0, 1), words(1, 1), words(0, 2), words(1, 2)]);
    log.length = 0;
    engine.reset();
    expect(log).toEqual([words(0, 0), words(1, 0)]);
  });

  it('counts episodes the same way under next-step autoreset', () => {
    const log: number[][] = [];
    const world = logResets(create('matrix-game-v1', { episodeLength: 2 }), log);
    const engine = new VecEngine(world, { numEnvs: 1, seed: 1, autoreset: AutoresetMode.NextStep, episodeSeeds: provider });
    engine.reset();
    for (let t = 0; t < 7; t++) engine.step();
    expect(log).toEqual([words(0, 0), words(0, 1), words(0, 2)]);
  });

  it('gives the batched reset path the same words as the per-copy path, and differs from the default seeding', () => {
    const fast = create('beer-game-v1', { demand: { kind: 'normal', mean: 8, sd: 3 }, episodeLength: 20 });
    expect(fast.batch?.resetBatch).toBeDefined();
    const slow = Object.assign(Object.create(fast) as World, { batch: undefined });
    const run = (world: World, episodeSeeds?: EpisodeSeeds): { obs: number[][]; batchedResets: number } => {
      const engine = new VecEngine(world, episodeSeeds ? { numEnvs: 5, seed: 3, episodeSeeds } : { numEnvs: 5, seed: 3 });
      engine.reset();
      const obs: number[][] = [];
      for (let t = 0; t < 3 * world.episodeLength; t++) {
        engine.actions.forEach((a, i) => a.fill((t + i) % 3));
        engine.step();
        obs.push(...engine.obs.map((o) => Array.from(o)));
      }
      return { obs, batchedResets: engine.batchedResets };
    };
    const batched = run(fast, provider);
    const perCopy = run(slow, provider);
    expect(batched.batchedResets).toBeGreaterThan(5); // resets after the first went through resetBatch
    expect(perCopy.batchedResets).toBe(0);
    expect(batched.obs).toEqual(perCopy.obs);
    expect(run(fast).obs).not.toEqual(batched.obs);
  });
});
