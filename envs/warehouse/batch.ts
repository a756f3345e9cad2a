/**
 * warehouse-v1's batched path (`World.batch`). All copies' states live in
 * one pool (copy b's record at b × size), so a step is one memcpy of the pool, then the per-copy
 * kernel (day.ts, observe.ts) run copy after copy, writing straight into the engine's agent-major
 * buffers at copy b's offsets: no scratch StepOut and no per-copy copy out of it.
 *
 * Measured (1024 copies, `npm run bench:supply`, CPU profile): the scratch-then-copy layer this
 * replaces was a fifth of a step. The kernel is the same code as the per-copy `step`, so the
 * differential test (test/supply/warehouse.test.ts) checks the plumbing: offsets, flags, event
 * copy indices.
 */
import { RNG_WORDS } from '../../src/core/rng.js';
import type { BatchStepOut } from '../../src/core/world-batch.js';
import { stepDay } from './day.js';
import type { WarehouseModel } from './model.js';
import { recordReport, writeObservations } from './observe.js';

/** A state view into a pool (the shape of WarehouseState). */
interface View {
  f: Float64Array;
  rng: Uint32Array;
}

/** One contiguous pool of states. */
interface Pool {
  readonly f: Float64Array;
  readonly rng: Uint32Array;
  readonly count: number;
}

/** Build `createStates` and `stepBatch` for one warehouse model. */
export function makeWarehouseBatch(m: WarehouseModel): {
  createStates(count: number): View[];
  stepBatch(states: readonly View[], actions: readonly Float64Array[], nexts: readonly View[], out: BatchStepOut, count: number): boolean;
} {
  const pools = new WeakMap<readonly View[], Pool>();
  // The engine alternates between two state arrays: remember the last two lookups.
  let lastStates: readonly View[] | undefined;
  let lastNexts: readonly View[] | undefined;
  let lastSrc: Pool | undefined;
  let lastDst: Pool | undefined;
  const size = m.size;
  const horizon = m.c.episodeLength;
  const draw = new Float64Array(2); // scratch, fully rewritten each copy

  return {
    createStates(count) {
      // One buffer for all copies: the many-copy bench fell off a cache cliff with one small
      // allocation per state (measured 1.7 vs 3.7 M agent-steps per CPU-second at 1024 copies).
      const f = new Float64Array(count * size);
      const rng = new Uint32Array(count * RNG_WORDS);
      const views: View[] = [];
      for (let b = 0; b < count; b++) views.push({ f: f.subarray(b * size, (b + 1) * size), rng: rng.subarray(b * RNG_WORDS, (b + 1) * RNG_WORDS) });
      pools.set(views, { f, rng, count });
      return views;
    },

    stepBatch(states, actions, nexts, out, count) {
      for (let i = 0; i < 4; i++) if (actions[i]!.length !== count) return false; // one action slot per copy only
      let src: Pool | undefined;
      let dst: Pool | undefined;
      if (states === lastNexts && nexts === lastStates) {
        src = lastDst;
        dst = lastSrc;
      } else {
        src = pools.get(states);
        dst = pools.get(nexts);
      }
      lastStates = states;
      lastNexts = nexts;
      lastSrc = src;
      lastDst = dst;
      if (src === undefined || dst === undefined || src.count !== count || dst.count !== count) return false;
      dst.f.set(src.f);
      dst.rng.set(src.rng);
      const events = out.events;
      const eventCopies = out.eventCopies;
      const obs = out.obs;
      const t0 = out.terminated[0]!,
        t1 = out.terminated[1]!,
        t2 = out.terminated[2]!,
        t3 = out.terminated[3]!;
      const u0 = out.truncated[0]!,
        u1 = out.truncated[1]!,
        u2 = out.truncated[2]!,
        u3 = out.truncated[3]!;
      for (let b = 0; b < count; b++) {
        const next = nexts[b]!;
        const f = next.f;
        const rng = next.rng;
        const e0 = events.length;
        const day = stepDay(m, actions, f, rng, out, b, draw);
        recordReport(m, f, draw[0]! + draw[1]!);
        const trunc = day >= horizon ? 1 : 0;
        t0[b] = 0;
        t1[b] = 0;
        t2[b] = 0;
        t3[b] = 0;
        u0[b] = trunc;
        u1[b] = trunc;
        u2[b] = trunc;
        u3[b] = trunc;
        writeObservations(m, f, rng, obs, b);
        for (let e = e0; e < events.length; e++) eventCopies.push(b);
      }
      return true;
    },
  };
}
