/**
 * The beer game's batched fast path (`World.batch`). All copies' states
 * live in one Float64Array (copy b at offset b × size), so a step is one memcpy of the whole pool
 * followed by one loop over copies that writes straight into the engine's buffers. The engine lays
 * its buffers out in few ArrayBuffers (observations of all agents; actions, rewards and KPIs;
 * terminated and truncated flags), agent after agent, and the loop reads and writes through one
 * view per ArrayBuffer (`joinedView`); arrays laid out otherwise are declined. The loop is generated
 * per config and copy count (`compileSweep`): offsets, lead times, costs and row offsets are
 * literals and the four stages are unrolled. The per-copy `step` in beer-game.ts is the reference;
 * test/supply/beer-kernel.test.ts proves both give identical states, observations, rewards, KPIs
 * and events, and that this path ran.
 *
 * Measured reasons (1024 copies, CPU-time rates): sweeping one pool instead of the engine's
 * per-copy calls and StepOut views, several times faster; the generated loop against the same loop
 * reading lead-time tables, 58 vs 38 M agent-steps/s kernel only. Writing every destination slot
 * from the source instead of the memcpy: 7% slower (alternating processes, 2026-12-05). One view
 * per ArrayBuffer instead of one array per agent and kind: V8 re-checks the map and reloads base
 * and length of every array on each pass of a loop this size; the compiled loop went from 1546
 * instructions with 19 map checks and 88 overflow checks per copy to ~1050–1130 with 5–6 and 2–4
 * (`node --print-opt-code`), +8–11% with random and base-stock players (before/after alternating
 * processes, 10 rounds, load 9–15).
 */
import { RNG_WORDS } from '../../src/core/rng.js';
import type { BatchStepOut } from '../../src/core/world-batch.js';
import type { WorldEvent } from '../../src/core/world-event.js';
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
  /**
   * Uniform demand {low … low + span − 1}: the sweep draws it inline from the pool's stream words
   * (the same sfc32 step and expression as the sampler) instead of a closure call per copy, which
   * measured about a quarter of the world-alone step at 1024 copies.
   */
  readonly uniformDemand?: { readonly low: number; readonly span: number } | undefined;
  /**
   * The state (`f`) and per-stage observations a reset leaves, which do not depend on the seed
   * (reset only stores the seed words as the demand stream). Computed by the reference `reset`.
   */
  readonly initial: () => { readonly f: Float64Array; readonly obs: readonly Float32Array[] };
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
/** Observation slots per stage (beer-game.ts BEER_OBS_NAMES). */
const OBS = 8;
/** KPIs per copy (beer-game.ts: teamCost, fillRate, customerBacklog, totalInventory, serviceOk). */
const NUM_KPIS = 5;

/** Build `createStates` and `stepBatch` for one beer-game world. */
export function makeBeerBatch(ctx: BeerKernelContext): {
  createStates(count: number): View[];
  stepBatch(states: readonly View[], actions: readonly Float64Array[], nexts: readonly View[], out: BatchStepOut, count: number): boolean;
  resetBatch(states: readonly View[], seeds: Uint32Array, copies: Int32Array, n: number, obs: readonly Float32Array[]): boolean;
} {
  const pools = new WeakMap<readonly View[], Pool>();
  let lastStates: readonly View[] | undefined;
  let lastNexts: readonly View[] | undefined;
  let lastSrc: Pool | undefined;
  let lastDst: Pool | undefined;
  const { size, horizon, demandAt, stochastic } = ctx;
  const span = horizon + 1;
  // Deterministic demand by table lookup instead of a closure call per copy (measured ~15 % faster
  // kernel on the classic game, alternating A/B runs). Copies never pass period `horizon`.
  const demandTab = new Float64Array(span + 1);
  if (!stochastic) for (let t = 1; t <= span; t++) demandTab[t] = demandAt(t, new Uint32Array(RNG_WORDS));
  // One compiled sweep per copy count (the agents' row offsets are literals in it); an engine keeps its count.
  const sweeps = new Map<number, Sweep>();
  let lastCount = -1;
  let lastSweep: Sweep | undefined;
  const event = (period: number, backlog: number): WorldEvent => stockout(period, backlog, ctx.stockoutAgents);
  // The engine alternates two observation buffer sets and keeps its other buffers: the merged views
  // of the last two observation sets and of the last action/reward/flag arrays are kept.
  let obsA: readonly Float32Array[] | undefined;
  let obsB: readonly Float32Array[] | undefined;
  let viewA: Float32Array | undefined;
  let viewB: Float32Array | undefined;
  let outs: MergedOuts | undefined;
  let onsets = new Int32Array(0);
  let initial: ReturnType<BeerKernelContext['initial']> | undefined;

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
      // The engine alternates between two state arrays: remember the last two lookups (a WeakMap
      // get is a builtin call, which shows at one copy, where a whole step is ~300 ns).
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
      let obs: Float32Array | undefined;
      if (out.obs === obsA) obs = viewA;
      else if (out.obs === obsB) obs = viewB;
      else {
        obsB = obsA;
        viewB = viewA;
        obsA = out.obs;
        const r = rows(NUM_STAGES, count * OBS, count * OBS);
        obs = viewA = joinedView(out.obs, r.starts, r.lengths);
      }
      let m = outs;
      if (
        m === undefined ||
        m.count !== count ||
        m.actions !== actions ||
        m.rewards !== out.rewards ||
        m.kpis !== out.kpis ||
        m.terminated !== out.terminated ||
        m.truncated !== out.truncated
      )
        m = outs = mergeOuts(actions, out, count);
      if (obs === undefined || m.io === undefined || m.flags === undefined) return false;
      dst.f.set(src.f);
      dst.rng.set(src.rng);
      // The last count's sweep without a Map lookup (a builtin call, which shows at one copy).
      let sweep = count === lastCount ? lastSweep : sweeps.get(count);
      if (sweep === undefined) sweeps.set(count, (sweep = compileSweep(ctx, count)));
      lastCount = count;
      lastSweep = sweep;
      if (onsets.length < count) onsets = new Int32Array(count);
      const found = sweep(dst.f, m.io, obs, m.flags, onsets, nexts, demandAt, demandTab, dst.rng);
      // Stockout onsets become events after the sweep: no call or allocation inside the loop.
      for (let j = 0; j < found; j++) {
        const b = onsets[j]!;
        out.events.push(event(dst.f[b * size]!, out.kpis[b * NUM_KPIS + 2]!));
        out.eventCopies.push(b);
      }
      return true;
    },

    resetBatch(states, seeds, copies, n, obs) {
      // Copy the seed-independent initial record and observations (loops: a builtin set() call per
      // copy costs more than these few words), then store the seed words as the copy's stream.
      const pool = pools.get(states);
      if (pool === undefined || obs.length !== NUM_STAGES) return false;
      const { f, rng, count } = pool;
      for (let j = 0; j < n; j++) if (!(copies[j]! >= 0 && copies[j]! < count)) return false;
      for (let i = 0; i < NUM_STAGES; i++) if (obs[i]!.length < count * OBS) return false;
      const init = (initial ??= ctx.initial());
      const f0 = init.f;
      for (let j = 0; j < n; j++) {
        const b = copies[j]!;
        for (let k = 0, o = b * size; k < size; k++, o++) f[o] = f0[k]!;
        for (let k = 0, w = b * RNG_WORDS, s = j * RNG_WORDS; k < RNG_WORDS; k++) rng[w + k] = seeds[s + k]!;
        for (let i = 0; i < NUM_STAGES; i++) {
          const from = init.obs[i]!;
          const to = obs[i]!;
          for (let k = 0, o = b * OBS; k < OBS; k++, o++) to[o] = from[k]!;
        }
      }
      return true;
    },
  };
}

/**
 * One view over engine arrays laid out in one buffer, array j's `lengths[j]` elements starting
 * `starts[j]` elements after array 0's first; undefined when they are not.
 */
function joinedView<T extends Float32Array | Float64Array | Uint8Array>(
  arrays: readonly T[],
  starts: readonly number[],
  lengths: readonly number[],
): T | undefined {
  const first = arrays[0];
  if (first === undefined || arrays.length !== starts.length) return undefined;
  const bytes = first.BYTES_PER_ELEMENT;
  for (let j = 0; j < arrays.length; j++) {
    const a = arrays[j]!;
    if (a.buffer !== first.buffer || a.length !== lengths[j] || a.byteOffset !== first.byteOffset + starts[j]! * bytes) return undefined;
  }
  const ctor = first.constructor as new (buffer: ArrayBufferLike, offset: number, length: number) => T;
  const last = arrays.length - 1;
  return new ctor(first.buffer, first.byteOffset, starts[last]! + lengths[last]!);
}

/** `n` rows of `per` elements every `stride` elements: the starts and lengths `joinedView` takes. */
const rows = (n: number, per: number, stride: number, from = 0): { starts: number[]; lengths: number[] } => ({
  starts: Array.from({ length: n }, (_, i) => from + i * stride),
  lengths: Array.from({ length: n }, () => per),
});

/** The padded per-agent row length of the engine's flag arrays (src/core/engine.ts flagBytesPerAgent). */
const flagStride = (count: number): number => Math.ceil(count / 4) * 4;

/** The engine's action, reward, KPI and flag arrays and their joined views (undefined: not laid out as the engine does). */
interface MergedOuts {
  readonly count: number;
  readonly actions: readonly Float64Array[];
  readonly rewards: readonly Float64Array[];
  readonly kpis: Float64Array;
  readonly terminated: readonly Uint8Array[];
  readonly truncated: readonly Uint8Array[];
  /** Every agent's actions (row b of agent i at i × count + b), then rewards (at 4 count + i × 2 count + 2b), then KPIs (at 12 count + 5b). */
  readonly io: Float64Array | undefined;
  /** Terminated flags of every agent, then truncated flags of every agent (padded rows, `flagStride`). */
  readonly flags: Uint8Array | undefined;
}

/** Where the KPI rows start in the joined action/reward/KPI view. */
const kpiStart = (count: number): number => NUM_STAGES * 3 * count;

function mergeOuts(actions: readonly Float64Array[], out: BatchStepOut, count: number): MergedOuts {
  const { rewards, kpis, terminated, truncated } = out;
  const act = rows(NUM_STAGES, count, count);
  const rew = rows(NUM_STAGES, 2 * count, 2 * count, NUM_STAGES * count);
  const flag = rows(2 * NUM_STAGES, count, flagStride(count));
  return {
    count,
    actions,
    rewards,
    kpis,
    terminated,
    truncated,
    io: joinedView([...actions, ...rewards, kpis], [...act.starts, ...rew.starts, kpiStart(count)], [...act.lengths, ...rew.lengths, NUM_KPIS * count]),
    flags: joinedView([...terminated, ...truncated], flag.starts, flag.lengths),
  };
}

/** The compiled sweep's signature: the engine's buffers through their joined views (`joinedView`, `MergedOuts`). */
type Sweep = (
  f: Float64Array,
  io: Float64Array,
  obs: Float32Array,
  flags: Uint8Array,
  onsets: Int32Array,
  nexts: readonly View[],
  demandAt: (p: number, rng: Uint32Array) => number,
  demandTab: Float64Array,
  rngPool: Uint32Array,
) => number;

/**
 * Generate the sweep over `count` copies for one config: every offset, lead time, cost and agent
 * row offset is a literal and the four stages are unrolled (zod compiles its fast path the same
 * way). Only numbers from validated params enter the source, printed with String(), which
 * round-trips doubles exactly. Index sums are written `(… ) | 0`: they stay below count × size,
 * far from 2^31, and the truncation spares V8 an overflow check per access.
 */
function compileSweep(ctx: BeerKernelContext, count: number): Sweep {
  const n = (x: number): string => {
    if (!Number.isFinite(x)) throw new Error(`beer-game kernel: non-finite constant ${x}`);
    return String(x);
  };
  const leads = [...new Set([...ctx.orderLead, ...ctx.shipLead])].filter((L) => L > 1);
  const tm = (L: number): string => (L === 1 ? '0' : `tm${L}`);
  const pm = (L: number): string => (L === 1 ? '0' : `pm${L}`);
  const at = (...parts: (string | number)[]): string => `f[(o + ${parts.join(' + ')}) | 0]`;
  const lines: string[] = [];
  const put = (s: string): number => lines.push(s);
  const fs = flagStride(count);
  const inv = n(ctx.invScale);
  put('let found = 0;');
  put(`for (let b = 0; b < ${count}; b++) {`);
  put(`const o = Math.imul(b, ${n(ctx.size)});`);
  put('const t = f[o] | 0;');
  put('const p = t + 1;');
  for (const L of leads) put(`const ${tm(L)} = t % ${L}; const ${pm(L)} = p % ${L};`);
  const ud = ctx.uniformDemand;
  if (ud !== undefined) {
    // sfc32 inline on copy b's words (src/core/rng.ts nextUint32), then low + ⌊u·span⌋ as the sampler.
    put(`const rw = Math.imul(b, ${RNG_WORDS});`);
    put('const ra = rngPool[rw] | 0, rb = rngPool[(rw + 1) | 0] | 0, rc = rngPool[(rw + 2) | 0] | 0, rd = rngPool[(rw + 3) | 0] | 0;');
    put('const ro = (((ra + rb) | 0) + rd) | 0;');
    put(
      'rngPool[rw] = rb ^ (rb >>> 9); rngPool[(rw + 1) | 0] = (rc + (rc << 3)) | 0; rngPool[(rw + 2) | 0] = (((rc << 21) | (rc >>> 11)) + ro) | 0; rngPool[(rw + 3) | 0] = (rd + 1) | 0;',
    );
    put(`const demand = ${n(ud.low)} + Math.floor((ro >>> 0) * 2.3283064365386963e-10 * ${n(ud.span)});`);
  } else
    // The table covers every period a copy reaches under the engine (episodes truncate at horizon);
    // anything later falls back to the sampler rather than reading past the table.
    put(`const demand = ${ctx.stochastic ? 'demandAt(p, nexts[b].rng)' : `p <= ${ctx.horizon + 1} ? demandTab[p] : demandAt(p, nexts[b].rng)`};`);
  put(`const trunc = p >= ${n(ctx.horizon)} ? 1 : 0;`);
  put(`const tf = p / ${n(ctx.horizon)};`);
  put('let teamCost = 0, stockSum = 0, fill = 1, custBefore = 0;');
  put('const w0 = b << 3, r0 = b << 1;');
  for (let i = 0; i < NUM_STAGES; i++) {
    const r = BASE + i * STRIDE;
    const lo = ctx.orderLead[i]!;
    const ls = ctx.shipLead[i]!;
    put('{');
    // Agent i's rows start at i × count (actions), i × 2 count (rewards), i × 8 count (observations),
    // i × the padded flag row (terminated) and (4 + i) × it (truncated).
    put(`const av = io[${i === 0 ? 'b' : `(b + ${i * count}) | 0`}];`);
    // In-range levels (every policy's) take the first arm, always predicted; the nested clamp it
    // replaces mispredicted on random players' zero orders (A/B in one process: +3-4% random
    // players). `+ 0` turns −0 into 0, as the clamp does; NaN and out-of-range levels still clamp.
    put(`const q = (av >= 0 && av <= ${n(ctx.maxLevel)} ? Math.floor(av) + 0 : av >= ${n(ctx.maxLevel)} ? ${n(ctx.maxLevel)} : 0) * ${n(ctx.unit)};`);
    put(`${at(ctx.orderOff[i]!, tm(lo))} = q;`);
    put(`const ss = (o + ${ctx.shipOff[i]} + ${pm(ls)}) | 0;`);
    put('const got = f[ss];');
    put(`const onHand = ${at(r)} + got;`);
    put(`const onOrder = ${at(r + 2)} + q - got;`);
    if (i === NUM_STAGES - 1) put(`{ const sl = (o + ${ctx.orderOff[i]} + ${pm(lo)}) | 0; f[ss] = f[sl]; f[sl] = 0; }`);
    if (i === 0) put('const inc = demand;');
    else put(`const sl = (o + ${ctx.orderOff[i - 1]} + ${pm(ctx.orderLead[i - 1]!)}) | 0; const inc = f[sl]; f[sl] = 0;`);
    put(`const bb = ${at(r + 1)};`);
    put('const due = bb + inc; const sh = onHand < due ? onHand : due; const st = onHand - sh; const bl = due - sh;');
    if (i > 0) put(`${at(ctx.shipOff[i - 1]!, pm(ctx.shipLead[i - 1]!))} = sh;`);
    else put('custBefore = bb; if (inc > 0) { const toNew = sh - bb; fill = toNew <= 0 ? 0 : toNew / inc; }');
    put(`${at(r)} = st; ${at(r + 1)} = bl; ${at(r + 2)} = onOrder; ${at(r + 3)} = q; ${at(r + 4)} = inc; ${at(r + 5)} = got;`);
    put(`const hc = ${n(ctx.holding[i]!)} * st; const bc = ${n(ctx.backorder[i]!)} * bl;`);
    put(`const rr = (r0 + ${NUM_STAGES * count + i * 2 * count}) | 0;`);
    put('io[rr] = -hc; io[(rr + 1) | 0] = -bc;');
    put('teamCost += hc + bc; stockSum += st;');
    put(`flags[${i === 0 ? 'b' : `(b + ${i * fs}) | 0`}] = 0; flags[(b + ${(NUM_STAGES + i) * fs}) | 0] = trunc;`);
    put(`const w = (w0 + ${i * OBS * count}) | 0;`);
    put(`obs[w] = st * ${inv}; obs[(w + 1) | 0] = bl * ${inv}; obs[(w + 2) | 0] = onOrder * ${inv}; obs[(w + 3) | 0] = (st - bl + onOrder) * ${inv};`);
    put(`obs[(w + 4) | 0] = inc * ${inv}; obs[(w + 5) | 0] = got * ${inv}; obs[(w + 6) | 0] = q * ${inv}; obs[(w + 7) | 0] = tf;`);
    put('}');
  }
  put('f[o] = p;');
  put(`const cust = ${at(BASE + 1)};`);
  put(`const k = (Math.imul(b, ${NUM_KPIS}) + ${kpiStart(count)}) | 0;`);
  put('io[k] = teamCost; io[(k + 1) | 0] = fill; io[(k + 2) | 0] = cust; io[(k + 3) | 0] = stockSum; io[(k + 4) | 0] = cust > 0 ? 0 : 1;');
  put('if (cust > 0 && custBefore === 0) onsets[found++] = b;');
  put('}');
  put('return found;');
  return new Function('f', 'io', 'obs', 'flags', 'onsets', 'nexts', 'demandAt', 'demandTab', 'rngPool', lines.join('\n')) as Sweep;
}

function stockout(period: number, backlog: number, agents: readonly string[]): WorldEvent {
  return { type: 'stockout', agents, data: { period, backlog } };
}
