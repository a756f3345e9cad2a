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
  const { size, shipOff, orderOff, orderLead, shipLead, holding, backorder, demandAt, stochastic, maxLevel, unit, horizon, invScale } = ctx;
  const F = NUM_STAGES - 1;
  // Ring positions by table lookup: an int32 `%` costs tens of cycles and a copy needs 16 of them
  // (measured: the kernel ran ~1.6x faster with the tables). Row i of a table holds t mod lead
  // for t = 0 .. horizon + 1, which covers every period a copy can be in (episodes truncate at horizon).
  const span = horizon + 2;
  const ordMod = new Int32Array(NUM_STAGES * span);
  const shipMod = new Int32Array(NUM_STAGES * span);
  for (let i = 0; i < NUM_STAGES; i++)
    for (let t = 0; t < span; t++) {
      ordMod[i * span + t] = orderOff[i]! + (t % orderLead[i]!);
      shipMod[i * span + t] = shipOff[i]! + (t % shipLead[i]!);
    }

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
      for (let b = 0; b < count; b++) if (src.f[b * size]! > horizon) return false; // beyond the tables: use the reference
      const f = dst.f;
      const from = src.f;
      const n = count * size;
      // memcpy for big pools; below a few hundred doubles the builtin's call overhead costs more
      // than an element loop (measured on the single-copy bench).
      if (n > 256) f.set(from);
      else for (let k = 0; k < n; k++) f[k] = from[k]!;
      const rngTo = dst.rng;
      const rngFrom = src.rng;
      for (let k = 0, m = count * RNG_WORDS; k < m; k++) rngTo[k] = rngFrom[k]!;
      const kp = out.kpis;
      for (let b = 0; b < count; b++) {
        const o = b * size;
        const t = f[o]! | 0;
        const p = t + 1;
        const demand = stochastic ? demandAt(p, nexts[b]!.rng) : demandAt(p, dst.rng);
        const trunc = p >= horizon ? 1 : 0;
        const tf = p / horizon;
        let teamCost = 0;
        let fill = 1;
        let custBefore = 0;
        let stockSum = 0;
        // One fused pass per stage, downstream first. Every cross-stage read happens after the
        // write it depends on (orders placed at the end of t before the upstream stage reads them,
        // receipts read before the upstream stage ships into the same ring slot), so this equals the
        // reference's phase-by-phase order while keeping each stage's numbers in registers.
        for (let i = 0; i < NUM_STAGES; i++) {
          const r = o + BASE + i * STRIDE;
          const a = actions[i]![b]!;
          const level = a >= maxLevel ? maxLevel : a > 0 ? Math.floor(a) : 0;
          const qty = level * unit;
          f[o + ordMod[i * span + t]!] = qty;
          const shipSlot = o + shipMod[i * span + p]!;
          const got = f[shipSlot]!;
          const onHand = f[r]! + got;
          const onOrder = f[r + 2]! + qty - got;
          if (i === F) {
            // The production request due starts production; consumed pipe slots are zeroed.
            const slot = o + ordMod[F * span + p]!;
            f[shipSlot] = f[slot]!;
            f[slot] = 0;
          }
          let incoming = demand;
          if (i > 0) {
            const slot = o + ordMod[(i - 1) * span + p]!;
            incoming = f[slot]!;
            f[slot] = 0;
          }
          const backlogBefore = f[r + 1]!;
          const due = backlogBefore + incoming;
          const shipped = onHand < due ? onHand : due;
          const stock = onHand - shipped;
          const backlog = due - shipped;
          if (i > 0) f[o + shipMod[(i - 1) * span + p]!] = shipped;
          else {
            custBefore = backlogBefore;
            if (incoming > 0) {
              const toNew = shipped - backlogBefore;
              fill = toNew <= 0 ? 0 : toNew / incoming;
            }
          }
          f[r] = stock;
          f[r + 1] = backlog;
          f[r + 2] = onOrder;
          f[r + 3] = qty;
          f[r + 4] = incoming;
          f[r + 5] = got;
          const hc = holding[i]! * stock;
          const bc = backorder[i]! * backlog;
          const rw = out.rewards[i]!;
          rw[2 * b] = -hc;
          rw[2 * b + 1] = -bc;
          teamCost += hc + bc;
          stockSum += stock;
          out.terminated[i]![b] = 0;
          out.truncated[i]![b] = trunc;
          const ob = out.obs[i]!;
          const w = 8 * b;
          ob[w] = stock * invScale;
          ob[w + 1] = backlog * invScale;
          ob[w + 2] = onOrder * invScale;
          ob[w + 3] = (stock - backlog + onOrder) * invScale;
          ob[w + 4] = incoming * invScale;
          ob[w + 5] = got * invScale;
          ob[w + 6] = qty * invScale;
          ob[w + 7] = tf;
        }
        f[o] = p;
        const cust = f[o + BASE + 1]!;
        const k = 5 * b;
        kp[k] = teamCost;
        kp[k + 1] = fill;
        kp[k + 2] = cust;
        kp[k + 3] = stockSum;
        kp[k + 4] = cust > 0 ? 0 : 1;
        if (cust > 0 && custBefore === 0) {
          out.events.push(stockout(p, cust, ctx.stockoutAgents));
          out.eventCopies.push(b);
        }
      }
      return true;
    },
  };
}

function stockout(period: number, backlog: number, agents: readonly string[]): WorldEvent {
  return { type: 'stockout', agents, data: { period, backlog } };
}
