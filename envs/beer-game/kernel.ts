/**
 * The beer game's batched fast path (`World.createStates` / `World.stepBatch`). All copies' states
 * live in one Float64Array (copy b at offset b × size), so a step is one memcpy of the whole pool
 * followed by one tight loop over copies that writes straight into the engine's agent-major
 * buffers. The per-copy `step` in beer-game.ts is the reference; test/supply/beer-kernel.test.ts
 * proves both give identical trajectories and that this path ran.
 *
 * Measured reason (bench/supply.ts, 1024 copies): the per-copy path spends most of its time on the
 * per-copy call, the per-copy typed-array `set` and the per-copy StepOut views; sweeping one pool
 * is several times faster.
 */
import { RNG_WORDS } from '../../src/core/rng.js';
import type { BatchStepOut, WorldEvent } from '../../src/core/world.js';
import type { DemandSampler } from './demand.js';
import { NUM_STAGES } from './params.js';

/** What the kernel needs from the world's resolved params (all precomputed once). */
export interface BeerKernelContext {
  readonly size: number;
  readonly shipOff: Int32Array;
  readonly orderOff: Int32Array;
  readonly orderLead: Int32Array;
  readonly shipLead: Int32Array;
  readonly holding: Float64Array;
  readonly backorder: Float64Array;
  readonly demandAt: DemandSampler;
  readonly stochastic: boolean;
  readonly maxLevel: number;
  readonly unit: number;
  readonly horizon: number;
  readonly invScale: number;
  readonly clip: number;
  readonly stockoutAgents: readonly string[];
}

/** One contiguous pool of states. */
interface Pool {
  readonly f: Float64Array;
  readonly rng: Uint32Array;
  readonly count: number;
}

/** A state view into a pool (same shape as BeerState). */
interface View {
  f: Float64Array;
  rng: Uint32Array;
}

// Must match the record layout in beer-game.ts (checked by the differential test).
const BASE = 1;
const STRIDE = 6;

/** Build `createStates` and `stepBatch` for one beer-game world. */
export function makeBeerBatch(ctx: BeerKernelContext): {
  createStates(count: number): View[];
  stepBatch(states: readonly View[], actions: readonly Float64Array[], nexts: readonly View[], out: BatchStepOut, count: number): boolean;
} {
  const pools = new WeakMap<readonly View[], Pool>();
  const { size, shipOff, orderOff, orderLead, shipLead, holding, backorder, demandAt, stochastic, maxLevel, unit, horizon, invScale, clip } = ctx;
  const F = NUM_STAGES - 1;

  return {
    createStates(count) {
      const f = new Float64Array(count * size);
      const rng = new Uint32Array(count * RNG_WORDS);
      const views: View[] = [];
      for (let b = 0; b < count; b++) views.push({ f: f.subarray(b * size, (b + 1) * size), rng: rng.subarray(b * RNG_WORDS, (b + 1) * RNG_WORDS) });
      pools.set(views, { f, rng, count });
      return views;
    },

    stepBatch(states, actions, nexts, out, count) {
      const src = pools.get(states);
      const dst = pools.get(nexts);
      if (src === undefined || dst === undefined || src.count !== count || dst.count !== count) return false;
      const f = dst.f;
      f.set(src.f);
      dst.rng.set(src.rng);
      const a0 = actions[0]!, a1 = actions[1]!, a2 = actions[2]!, a3 = actions[3]!;
      const o0 = out.obs[0]!, o1 = out.obs[1]!, o2 = out.obs[2]!, o3 = out.obs[3]!;
      const r0 = out.rewards[0]!, r1 = out.rewards[1]!, r2 = out.rewards[2]!, r3 = out.rewards[3]!;
      const kp = out.kpis;
      const lastShipLead = shipLead[F]!;
      const lastOrderLead = orderLead[F]!;
      for (let b = 0; b < count; b++) {
        const o = b * size;
        const t = f[o]! | 0;
        const p = t + 1;
        // End of period t: orders leave (same clamping as the reference step).
        for (let i = 0; i < NUM_STAGES; i++) {
          const a = (i === 0 ? a0 : i === 1 ? a1 : i === 2 ? a2 : a3)[b]!;
          const level = a >= maxLevel ? maxLevel : a > 0 ? Math.floor(a) : 0;
          const qty = level * unit;
          const r = o + BASE + i * STRIDE;
          f[o + orderOff[i]! + (t % orderLead[i]!)] = qty;
          f[r + 2] = f[r + 2]! + qty;
          f[r + 3] = qty;
        }
        // Period p: receipts.
        for (let i = 0; i < NUM_STAGES; i++) {
          const r = o + BASE + i * STRIDE;
          const got = f[o + shipOff[i]! + (p % shipLead[i]!)]!;
          f[r] = f[r]! + got;
          f[r + 2] = f[r + 2]! - got;
          f[r + 5] = got;
        }
        const demand = stochastic ? demandAt(p, nexts[b]!.rng) : demandAt(p, dst.rng);
        f[o + shipOff[F]! + (p % lastShipLead)] = f[o + orderOff[F]! + (p % lastOrderLead)]!;
        let teamCost = 0;
        let fill = 1;
        const custBefore = f[o + BASE + 1]!;
        for (let i = 0; i < NUM_STAGES; i++) {
          const r = o + BASE + i * STRIDE;
          const incoming = i === 0 ? demand : f[o + orderOff[i - 1]! + (p % orderLead[i - 1]!)]!;
          const onHand = f[r]!;
          const backlogBefore = f[r + 1]!;
          const due = backlogBefore + incoming;
          const shipped = onHand < due ? onHand : due;
          const stock = onHand - shipped;
          const backlog = due - shipped;
          f[r] = stock;
          f[r + 1] = backlog;
          f[r + 4] = incoming;
          if (i > 0) f[o + shipOff[i - 1]! + (p % shipLead[i - 1]!)] = shipped;
          else if (incoming > 0) {
            const toNew = shipped - backlogBefore;
            fill = toNew <= 0 ? 0 : toNew / incoming;
          }
          const hc = holding[i]! * stock;
          const bc = backorder[i]! * backlog;
          const rw = i === 0 ? r0 : i === 1 ? r1 : i === 2 ? r2 : r3;
          rw[2 * b] = -hc;
          rw[2 * b + 1] = -bc;
          teamCost += hc + bc;
        }
        f[o] = p;
        const cust = f[o + BASE + 1]!;
        const k = 5 * b;
        kp[k] = teamCost;
        kp[k + 1] = fill;
        kp[k + 2] = cust;
        kp[k + 3] = f[o + BASE]! + f[o + BASE + STRIDE]! + f[o + BASE + 2 * STRIDE]! + f[o + BASE + 3 * STRIDE]!;
        kp[k + 4] = cust > 0 ? 0 : 1;
        if (cust > 0 && custBefore === 0) {
          out.events.push(stockout(p, cust, ctx.stockoutAgents));
          out.eventCopies.push(b);
        }
        const trunc = p >= horizon ? 1 : 0;
        const tf = p / horizon;
        for (let i = 0; i < NUM_STAGES; i++) {
          out.terminated[i]![b] = 0;
          out.truncated[i]![b] = trunc;
          const ob = i === 0 ? o0 : i === 1 ? o1 : i === 2 ? o2 : o3;
          const r = o + BASE + i * STRIDE;
          const onHand = f[r]!;
          const backlog = f[r + 1]!;
          const pipe = f[r + 2]!;
          const w = 8 * b;
          ob[w] = cl(onHand * invScale, clip);
          ob[w + 1] = cl(backlog * invScale, clip);
          ob[w + 2] = cl(pipe * invScale, clip);
          ob[w + 3] = cl((onHand - backlog + pipe) * invScale, clip);
          ob[w + 4] = cl(f[r + 4]! * invScale, clip);
          ob[w + 5] = cl(f[r + 5]! * invScale, clip);
          ob[w + 6] = cl(f[r + 3]! * invScale, clip);
          ob[w + 7] = tf;
        }
      }
      return true;
    },
  };
}

function cl(v: number, c: number): number {
  return v > c ? c : v < -c ? -c : v;
}

function stockout(period: number, backlog: number, agents: readonly string[]): WorldEvent {
  return { type: 'stockout', agents, data: { period, backlog } };
}
