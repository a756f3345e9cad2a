/** Backend selection: one module decides, reports the name, honours TACIT_BACKEND, and policies refuse to start before it ran. */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { coordination } from '../../envs/sanity/coordination.js';
import { ppoPolicy } from '../../policies/ppo.js';
import { Rng } from '../../src/core/rng.js';
import { backendName, BackendError, initBackend, requireBackend } from '../../src/learn/backend.js';

const saved = process.env.TACIT_BACKEND;
afterEach(() => {
  if (saved === undefined) delete process.env.TACIT_BACKEND;
  else process.env.TACIT_BACKEND = saved;
});

function hasTfjsNode(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

describe('backend selection', () => {
  it('refuses to build a neural policy before initBackend, saying what to call', () => {
    expect(backendName()).toBeUndefined();
    const world = coordination.create(coordination.paramsSchema.parse({}));
    const ctx = {
      world,
      agent: world.agents[0]!,
      observationSpace: world.observationSpaces[0]!,
      actionSpace: world.actionSpaces[0]!,
      numEnvs: 1,
      rng: Rng.from(0),
      shared: new Map(),
    };
    expect(() => ppoPolicy.create(ctx, ppoPolicy.paramsSchema.parse({}))).toThrow(/await initBackend\(\)/);
  });

  it('rejects an unknown TACIT_BACKEND naming the value and the choices', async () => {
    process.env.TACIT_BACKEND = 'gpu';
    await expect(initBackend({ log: false })).rejects.toThrow(BackendError);
    await expect(initBackend({ log: false })).rejects.toThrow(/TACIT_BACKEND="gpu" is not a backend; use one of simd, tensorflow, wasm, cpu, tfjs/);
  });

  it("picks tacit's own SIMD kernels by default", async () => {
    delete process.env.TACIT_BACKEND;
    const name = await initBackend({ log: false });
    expect(name).toBe('simd');
    expect(requireBackend()).toBe('simd');
  });

  it('TACIT_BACKEND=tfjs forces the tfjs reference: tensorflow if installed, else wasm', async () => {
    process.env.TACIT_BACKEND = 'tfjs';
    const name = await initBackend({ log: false });
    expect(name).toBe(hasTfjsNode() ? 'tensorflow' : 'wasm');
    expect(tf.getBackend()).toBe(name);
    expect(requireBackend()).toBe(name);
  });

  it('can be forced by TACIT_BACKEND or the option, and a missing forced backend is an error', async () => {
    process.env.TACIT_BACKEND = 'cpu';
    expect(await initBackend({ log: false })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend({ backend: 'wasm', log: false })).toBe('wasm');
    expect(backendName()).toBe('wasm');
    if (!hasTfjsNode()) await expect(initBackend({ backend: 'tensorflow', log: false })).rejects.toThrow(/could not load the neural backend 'tensorflow'/);
  });
});
