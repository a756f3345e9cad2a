/**
 * Differential test of the beer game's batched kernel (kernel.ts) against the per-copy reference
 * step (beer-game.ts): identical states, observations, rewards, KPIs, flags and events through autoresets,
 * for several configs, and proof that the fast path actually ran.
 */
import { describe, expect, it } from 'vitest';
import { beerGame } from '../../envs/beer-game/beer-game.js';
import { AutoresetMode, VecEngine } from '../../src/core/engine.js';
import { Rng } from '../../src/core/rng.js';
import { sampleInto } from '../../src/core/spaces.js';
import { allocStepOut, type World } from '../../src/core/world.js';

function referenceOf(world: World): World {
  const { batch: _batch, ...rest } = world;
  return rest as World;
}

/** Actions outside the space (NaN, −0, negatives, fractions, too large) as well as valid ones: the kernel clamps them as the reference does. */
const ODD_ACTIONS = [NaN, -0, -3, 0, 2.7, 8, 8.5, 1e6, Infinity, -Infinity, 5];

function trace(
  world: World,
  steps: number,
  numEnvs: number,
  autoreset: AutoresetMode,
  odd = false,
): { values: number[]; events: string[]; batched: number; batchedResets: number } {
  const engine = new VecEngine(world, { numEnvs, seed: 42, autoreset });
  const rng = Rng.from(42, 'actions');
  engine.reset();
  const values: number[] = [];
  const events: string[] = [];
  for (let t = 0; t < steps; t++) {
    world.actionSpaces.forEach((space, i) => {
      const buf = engine.actions[i]!;
      for (let off = 0; off < buf.length; off += space.size) {
        sampleInto(space, rng.state, buf, off);
        if (odd) buf[off] = ODD_ACTIONS[rng.int(ODD_ACTIONS.length)]!;
      }
    });
    engine.step();
    for (let i = 0; i < world.agents.length; i++) values.push(...engine.obs[i]!, ...engine.rewards[i]!, ...engine.terminated[i]!, ...engine.truncated[i]!);
    values.push(...engine.kpis, ...engine.episodeEnded);
    for (const st of engine.states) values.push(...(st as { f: Float64Array }).f, ...(st as { rng: Uint32Array }).rng);
    for (let i = 0; i < world.agents.length; i++) values.push(...engine.finalObs[i]!);
    values.push(...engine.episodeSteps);
    for (const e of engine.events) events.push(JSON.stringify(e));
  }
  return { values, events, batched: engine.batchedSteps, batchedResets: engine.batchedResets };
}

const configs: Record<string, Record<string, unknown>> = {
  classic: { maxOrder: 8 },
  normal: { demand: { kind: 'normal', mean: 9, sd: 4 }, episodeLength: 17 },
  unevenLeads: {
    demand: { kind: 'uniform', low: 0, high: 12 },
    orderLeadTime: [1, 3, 2, 1],
    shippingLeadTime: [2, 1, 4, 3],
    episodeLength: 23,
    orderUnit: 0.5,
  },
  // The numpy peer's rules (bench/vs-peers), uniform demand drawn inline by the sweep; less initial
  // stock than the peer's so stockout events occur within the trace.
  peerRules: { demand: { kind: 'uniform', low: 0, high: 8 }, orderLeadTime: 2, shippingLeadTime: 2, episodeLength: 100, maxOrder: 16, initialInventory: 2 },
  series: { demand: { kind: 'series', values: [3, 9, 0, 14, 5] }, holdingCost: [0.1, 0.2, 0.3, 0.4], backorderCost: [2, 1, 1, 0], episodeLength: 11 },
};

describe('beer-game batched kernel', () => {
  for (const [name, params] of Object.entries(configs)) {
    it(`matches the per-copy reference step exactly (${name})`, () => {
      const world = beerGame.create(beerGame.paramsSchema.parse(params));
      const fast = trace(world, 80, 5, AutoresetMode.SameStep);
      const ref = trace(referenceOf(world), 80, 5, AutoresetMode.SameStep);
      expect(fast.batched).toBe(80);
      expect(ref.batched).toBe(0);
      // Every copy reset in batch at the start, and again after each episode that ends in the trace.
      expect(fast.batchedResets).toBe(5 * (1 + Math.floor(80 / world.episodeLength)));
      expect(ref.batchedResets).toBe(0);
      expect(fast.values).toEqual(ref.values);
      expect(fast.events).toEqual(ref.events);
      expect(fast.events.length).toBeGreaterThan(0);
    });
  }

  it('writes the engine buffers in place when the engine takes them from the world, and copies them otherwise, with equal results', () => {
    const world = beerGame.create(beerGame.paramsSchema.parse(configs.unevenLeads!));
    // Without batchBytes the engine allocates its own buffers and the kernel copies actions in and outputs out.
    const { batchBytes: _b, ...copyingBatch } = world.batch!;
    const copying = { ...world, batch: copyingBatch };
    const inPlace = new VecEngine(world, { numEnvs: 3, seed: 1 });
    const staged = new VecEngine(copying as World, { numEnvs: 3, seed: 1 });
    const stateBuffer = (e: VecEngine): ArrayBufferLike => (e.states[0] as { f: Float64Array }).f.buffer;
    expect(inPlace.obs[0]!.buffer).toBe(stateBuffer(inPlace));
    expect(inPlace.actions[0]!.buffer).toBe(stateBuffer(inPlace));
    expect(staged.obs[0]!.buffer).not.toBe(stateBuffer(staged));
    const ref = trace(referenceOf(world), 60, 3, AutoresetMode.SameStep);
    for (const w of [world, copying as World]) {
      const fast = trace(w, 60, 3, AutoresetMode.SameStep);
      expect(fast.batched).toBe(60);
      expect(fast.values).toEqual(ref.values);
      expect(fast.events).toEqual(ref.events);
    }
  });

  it('draws demand past the deterministic table through the sampler, as the reference does', () => {
    // Under the engine no copy passes period horizon + 1; a direct call on later periods must still match.
    for (const params of [configs.series!, configs.normal!]) {
      const world = beerGame.create(beerGame.paramsSchema.parse(params));
      const engine = new VecEngine(world, { numEnvs: 3, seed: 5 });
      engine.reset();
      engine.actions.forEach((a, i) => a.fill(i + 1));
      for (const [b, st] of engine.states.entries()) (st as { f: Float64Array }).f[0] = world.episodeLength + 3 + b;
      const states = engine.states.map((st) => ({ f: (st as { f: Float64Array }).f.slice(), rng: (st as { rng: Uint32Array }).rng.slice() }));
      const out = {
        obs: engine.prevObs,
        rewards: engine.rewards,
        kpis: engine.kpis,
        terminated: engine.terminated,
        truncated: engine.truncated,
        events: [],
        eventCopies: [],
      };
      expect(world.batch!.stepBatch(engine.states, engine.actions, engine.prevStates, out, 3)).toBe(true);
      for (let b = 0; b < 3; b++) {
        const ref = allocStepOut(world);
        const next = world.createState();
        world.step(
          states[b]!,
          engine.actions.map((a) => a.subarray(b, b + 1)),
          next,
          ref,
        );
        expect((engine.prevStates[b] as { f: Float64Array }).f).toEqual((next as { f: Float64Array }).f);
        expect((engine.prevStates[b] as { rng: Uint32Array }).rng).toEqual((next as { rng: Uint32Array }).rng);
        for (let i = 0; i < 4; i++) {
          expect(engine.prevObs[i]!.subarray(8 * b, 8 * b + 8)).toEqual(ref.obs[i]);
          expect(engine.rewards[i]!.subarray(2 * b, 2 * b + 2)).toEqual(ref.rewards[i]);
          expect(engine.truncated[i]![b]).toBe(ref.truncated[i]);
        }
        expect(engine.kpis.subarray(5 * b, 5 * b + 5)).toEqual(ref.kpis);
      }
    }
  });

  it('clamps out-of-range, fractional, negative-zero and NaN actions exactly as the reference does', () => {
    for (const params of [configs.classic!, configs.unevenLeads!]) {
      const world = beerGame.create(beerGame.paramsSchema.parse(params));
      const fast = trace(world, 40, 4, AutoresetMode.SameStep, true);
      const ref = trace(referenceOf(world), 40, 4, AutoresetMode.SameStep, true);
      expect(fast.batched).toBe(40);
      expect(fast.values).toEqual(ref.values);
    }
  });

  it('falls back to the reference while a next-step reset is pending, with equal results', () => {
    const world = beerGame.create(beerGame.paramsSchema.parse(configs.normal));
    const fast = trace(world, 60, 3, AutoresetMode.NextStep);
    const ref = trace(referenceOf(world), 60, 3, AutoresetMode.NextStep);
    expect(fast.values).toEqual(ref.values);
    expect(fast.batched).toBeGreaterThan(0);
    expect(fast.batched).toBeLessThan(60);
  });

  it('declines arrays it did not allocate', () => {
    const world = beerGame.create(beerGame.paramsSchema.parse({}));
    const states = [world.createState()];
    const out = { obs: [], rewards: [], kpis: new Float64Array(5), terminated: [], truncated: [], events: [], eventCopies: [] };
    expect(world.batch!.stepBatch(states, [], [world.createState()], out, 1)).toBe(false);
    expect(world.batch!.resetBatch!(states, new Uint32Array(4), Int32Array.of(0), 1, [])).toBe(false);
    // Pooled states, but a copy index outside the pool: declined before anything is written.
    const pooled = world.batch!.createStates(2);
    const before = pooled.map((st) => (st as { f: Float64Array }).f.slice());
    const obs = world.agents.map(() => new Float32Array(2 * 8));
    expect(world.batch!.resetBatch!(pooled, new Uint32Array(8), Int32Array.of(0, 2), 2, obs)).toBe(false);
    expect(pooled.map((st) => (st as { f: Float64Array }).f)).toEqual(before);
  });

  it('declines output arrays that are not laid out agent after agent in one buffer, writing nothing', () => {
    const world = beerGame.create(beerGame.paramsSchema.parse(configs.peerRules!));
    const engine = new VecEngine(world, { numEnvs: 3, seed: 1 });
    engine.reset();
    const states = engine.states;
    const nexts = engine.prevStates;
    const before = nexts.map((st) => (st as { f: Float64Array }).f.slice());
    const separate = <T extends Float32Array | Float64Array | Uint8Array>(arrays: readonly T[]): T[] => arrays.map((a) => a.slice() as T);
    const out = {
      obs: separate(engine.prevObs),
      rewards: separate(engine.rewards),
      kpis: engine.kpis,
      terminated: separate(engine.terminated),
      truncated: separate(engine.truncated),
      events: [],
      eventCopies: [],
    };
    expect(world.batch!.stepBatch(states, separate(engine.actions), nexts, out, 3)).toBe(false);
    expect(nexts.map((st) => (st as { f: Float64Array }).f)).toEqual(before);
    // The engine's own buffers are laid out so: the same call with them is taken.
    const own = { ...out, obs: engine.prevObs, rewards: engine.rewards, terminated: engine.terminated, truncated: engine.truncated };
    expect(world.batch!.stepBatch(states, engine.actions, nexts, own, 3)).toBe(true);
  });
});
