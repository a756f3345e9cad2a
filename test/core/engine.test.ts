import { describe, expect, it } from 'vitest';
import { worlds } from '../../envs/index.js';
import { AutoresetMode, VecEngine } from '../../src/core/engine.js';
import type { World } from '../../src/core/world.js';

function matrix(episodeLength: number, payoffNoise = 0): World {
  const spec = worlds.get('matrix-game-v1');
  return spec.create(spec.paramsSchema.parse({ episodeLength, payoffNoise }) as Record<string, unknown>);
}

describe('VecEngine', () => {
  it('same-step autoreset keeps the final observation and starts the next episode at once', () => {
    const engine = new VecEngine(matrix(3), { numEnvs: 2, seed: 1 });
    engine.reset();
    engine.actions[0]!.set([0, 1]);
    engine.actions[1]!.set([1, 1]);
    for (let t = 0; t < 3; t++) engine.step();
    // Episode ended at step 3: finalObs holds the last joint action, obs the fresh episode (2 = no move yet).
    expect(Array.from(engine.finalObs[0]!)).toEqual([0, 1, 1, 1]);
    expect(Array.from(engine.obs[0]!)).toEqual([2, 2, 2, 2]);
    expect(Array.from(engine.episodesDone)).toEqual([1, 1]);
    expect(engine.truncated[0]![0]).toBe(1);
    expect(engine.episodeSteps[0]).toBe(0);
  });

  it('next-step autoreset resets on the following call and reports no rewards for it', () => {
    const engine = new VecEngine(matrix(2), { numEnvs: 1, seed: 1, autoreset: AutoresetMode.NextStep });
    engine.reset();
    engine.actions[0]![0] = 0;
    engine.actions[1]![0] = 0;
    engine.step();
    engine.step();
    expect(engine.episodeEnded[0]).toBe(1);
    expect(Array.from(engine.obs[0]!)).toEqual([0, 0]);
    engine.step();
    expect(engine.wasReset[0]).toBe(1);
    expect(engine.rewards[0]![0]).toBe(0);
    expect(Array.from(engine.obs[0]!)).toEqual([2, 2]);
    engine.step();
    expect(engine.rewards[0]![0]).toBe(3);
  });

  it('copy 0 of a batched engine matches a single-copy engine, and the pre-step state survives the step', () => {
    const world = matrix(5, 1);
    const big = new VecEngine(world, { numEnvs: 4, seed: 9 });
    const one = new VecEngine(world, { numEnvs: 1, seed: 9 });
    big.reset();
    one.reset();
    for (let t = 0; t < 12; t++) {
      for (let b = 0; b < 4; b++) ((big.actions[0]![b] = (t + b) % 2), (big.actions[1]![b] = t % 2));
      one.actions[0]![0] = t % 2;
      one.actions[1]![0] = t % 2;
      const before = structuredClone(big.states[0]);
      big.step((eng) => expect(eng.prevStates[0]).toEqual(before));
      one.step();
      expect(big.rewards[0]![0]).toBe(one.rewards[0]![0]);
      expect(big.rewards[1]![0]).toBe(one.rewards[1]![0]);
    }
    // Copies are seeded independently: noisy payoffs differ across copies.
    expect(big.rewards[1]![0]).not.toBe(big.rewards[1]![1]);
  });

  it('rejects a non-positive number of copies with a clear error', () => {
    expect(() => new VecEngine(matrix(3), { numEnvs: 0, seed: 1 })).toThrow(/numEnvs must be a positive integer, got 0/);
  });
});
