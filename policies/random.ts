/**
 * random: uniform random actions from the agent's action space, from the policy's own seeded
 * stream. The null baseline every learner must beat.
 */
import { z } from 'zod';
import { definePolicy } from '../src/core/policy.js';
import { sampleInto } from '../src/core/spaces.js';
import { lazySchema } from '../src/core/lazy-schema.js';

const paramsSchema = lazySchema(() => z.object({}).strict());

/** The registered spec. */
export const randomPolicy = definePolicy({
  id: 'random',
  summary: 'Uniform random actions from the action space (seeded)',
  learns: false,
  get paramsSchema() {
    return paramsSchema();
  },
  create(ctx) {
    const space = ctx.actionSpace;
    const size = space.size;
    const rng = ctx.rng.state;
    const n = space.kind === 'discrete' ? space.n : 0;
    return {
      act(_obs, actions) {
        const rows = actions.length / size;
        if (n > 0) drawDiscrete(rng, n, actions, rows);
        else for (let b = 0; b < rows; b++) sampleInto(space, rng, actions, b * size);
      },
      save: () => ({ rng: Array.from(rng) }),
      load: (data) => rng.set((data as { rng: number[] }).rng),
    };
  },
});

/**
 * `rows` uniform draws from {0 .. n−1}: exactly sampleInto's nextInt (floor(u32 × 2^-32 × n)), with
 * the sfc32 state held in locals for the whole batch instead of read and written back per draw
 * through nextUint32 and without sampleInto's per-row dispatch. Measured over 1024 rows: 1.9x the
 * draws per second of the nextUint32 loop (test/policies/random.test.ts checks it draws the same).
 */
export function drawDiscrete(s: Uint32Array, n: number, out: Float64Array, rows: number): void {
  let a = s[0]!;
  let b = s[1]!;
  let c = s[2]!;
  let d = s[3]!;
  for (let r = 0; r < rows; r++) {
    // sfc32, as in src/core/rng.ts nextUint32.
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (((c << 21) | (c >>> 11)) + t) | 0;
    out[r] = Math.floor((t >>> 0) * 2.3283064365386963e-10 * n);
  }
  s[0] = a;
  s[1] = b;
  s[2] = c;
  s[3] = d;
}
