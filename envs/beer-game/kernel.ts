/**
 * The beer game's batched fast path (`World.batch`).
 * An engine's two state pools (copy b's record at b × size in one Float64Array each) live in one
 * WebAssembly memory with room for the step's inputs and outputs, and a step is one call of the
 * sweep compiled for the config and copy count (wasm-sweep.ts): it reads every copy's record from
 * one pool and writes the next into the other. The engine lays its buffers out in few runs
 * (observations of all agents; actions, rewards and KPIs; terminated and truncated flags), agent
 * after agent, and takes them from this memory too (`batchBytes`), so the sweep reads the actions
 * and writes every output in place. Buffers elsewhere (an engine without batchBytes) are copied in
 * and out through one view per run (`joinedView`); arrays laid out otherwise are declined. The
 * per-copy `step` in beer-game.ts is the reference; test/supply/beer-kernel.test.ts proves both give identical states,
 * observations, rewards, KPIs and events, and that this path ran.
 *
 * Measured reasons (1024 copies, CPU-time rates): sweeping one pool instead of the engine's
 * per-copy calls and StepOut views, several times faster. The WebAssembly sweep against the same
 * loop generated as JavaScript (which spent ~1,100 instructions a copy, `node --print-opt-code`):
 * world alone 52 → 73 M agent-steps per CPU second, with random players 37.6 → 40–48, base-stock
 * 31–33 → 41–43 (bench/vs-peers/world-run.ts, base and new alternating, 3 rounds, load 21–22,
 * 2026-12-06). The engine's buffers in this memory instead of copied in and out: base-stock
 * 42 → 46, random 47.6 → 53.6 (same bench, 3 rounds, load 21–25). The sweep's branch-free selects
 * and lane pairs (wasm-sweep.ts) took that to 58–64 and 78–81 (docs/supply.md, fourth pass).
 */
import { RNG_WORDS } from '../../src/core/rng.js';
import type { BatchStepOut } from '../../src/core/world-batch.js';
import type { WorldEvent } from '../../src/core/world-event.js';
import type { DemandSampler } from './demand.js';
import { NUM_STAGES } from './params.js';
import { compileWasmSweep, flagStride, instantiateWasmSweep, type SweepConfig, type WasmSweep } from './wasm-sweep.js';

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

/**
 * The WebAssembly memory of one engine's two state pools, with room for the sweep's inputs and
 * outputs. Its size is fixed when created and it never grows: growing detaches the old ArrayBuffer,
 * and after any detach V8 adds a detached-buffer check to every typed-array access in the process.
 */
interface Arena {
  readonly memory: WebAssembly.Memory;
  readonly count: number;
  readonly pools: Pool[];
  /** Byte offsets of the staging rows: actions, rewards and KPIs as the engine lays them out (MergedOuts.io), observations, flags, stockout onsets, demand table. */
  readonly io: number;
  readonly obs: number;
  readonly flags: number;
  readonly onsets: number;
  readonly table: number;
  readonly actStage: Float64Array;
  readonly outStage: Float64Array;
  readonly obsStage: Float32Array;
  readonly flagStage: Uint8Array;
  readonly onsetRows: Int32Array;
  /** The engine's buffers (`batchBytes`), when the arena was made for an engine. */
  readonly engine: Uint8Array;
  /** Pools handed out by `createStates` (an engine asks for two). */
  used: number;
  sweep: WasmSweep | undefined;
  /** The pool whose copies the demand import draws for (the sweep's destination). */
  drawing: Pool | undefined;
}

/** One contiguous pool of states in an arena (records at byte `fAt`, stream words at `rAt`). */
interface Pool {
  readonly arena: Arena;
  readonly f: Float64Array;
  readonly rng: Uint32Array;
  readonly fAt: number;
  readonly rAt: number;
  readonly count: number;
  views: View[];
}

/** A state view into a pool (same shape as BeerState). */
interface View {
  f: Float64Array;
  rng: Uint32Array;
}

// Must match the record layout in beer-game.ts (checked by the differential test).
/** Observation slots per stage (beer-game.ts BEER_OBS_NAMES). */
const OBS = 8;
/** KPIs per copy (beer-game.ts: teamCost, fillRate, customerBacklog, totalInventory, serviceOk). */
const NUM_KPIS = 5;
const PAGE = 65536;

/** Build `createStates` and `stepBatch` for one beer-game world. */
export function makeBeerBatch(ctx: BeerKernelContext): {
  batchBytes(bytes: number, count: number): Uint8Array;
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
  const sweepConfig: SweepConfig = {
    ...ctx,
    demand:
      ctx.uniformDemand !== undefined
        ? { kind: 'uniform', low: ctx.uniformDemand.low, span: ctx.uniformDemand.span }
        : stochastic
          ? { kind: 'call' }
          : { kind: 'table' },
  };
  // Deterministic demand by period, read by the sweep up to period horizon + 1.
  const demandTab = new Float64Array(horizon + 2);
  if (!stochastic) for (let t = 1; t <= horizon + 1; t++) demandTab[t] = demandAt(t, new Uint32Array(RNG_WORDS));
  const modules = new Map<number, WebAssembly.Module>();
  // An engine creates its two pools one after the other: the second goes into the first's arena.
  let open: Arena | undefined;
  const event = (period: number, backlog: number): WorldEvent => stockout(period, backlog, ctx.stockoutAgents);
  // The engine alternates two observation buffer sets and keeps its other buffers: the merged views
  // of the last two observation sets and of the last action/reward/flag arrays are kept.
  let obsA: readonly Float32Array[] | undefined;
  let obsB: readonly Float32Array[] | undefined;
  let viewA: Float32Array | undefined;
  let viewB: Float32Array | undefined;
  let outs: MergedOuts | undefined;
  let initial: ReturnType<BeerKernelContext['initial']> | undefined;

  const newArena = (count: number, engineBytes: number): Arena => {
    const fBytes = count * size * 8;
    const rBytes = count * RNG_WORDS * 4;
    const fs = flagStride(count);
    let at = 2 * fBytes + 2 * rBytes;
    const take = (bytes: number): number => {
      const here = at;
      at += Math.ceil(bytes / 8) * 8;
      return here;
    };
    const io = take(8 * (NUM_STAGES * 3 + NUM_KPIS) * count);
    const obs = take(4 * NUM_STAGES * OBS * count);
    const flags = take(2 * NUM_STAGES * fs);
    const onsets = take(4 * count);
    const table = take(8 * demandTab.length);
    const engine = take(engineBytes);
    const pages = Math.ceil(at / PAGE);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const buf = memory.buffer;
    new Float64Array(buf, table, demandTab.length).set(demandTab);
    const arena: Arena = {
      memory,
      count,
      pools: [],
      io,
      obs,
      flags,
      onsets,
      table,
      engine: new Uint8Array(buf, engine, engineBytes),
      used: 0,
      actStage: new Float64Array(buf, io, NUM_STAGES * count),
      outStage: new Float64Array(buf, io + 8 * NUM_STAGES * count, (2 * NUM_STAGES + NUM_KPIS) * count),
      obsStage: new Float32Array(buf, obs, NUM_STAGES * OBS * count),
      flagStage: new Uint8Array(buf, flags, (2 * NUM_STAGES - 1) * fs + count),
      onsetRows: new Int32Array(buf, onsets, count),
      sweep: undefined,
      drawing: undefined,
    };
    for (let k = 0; k < 2; k++) {
      const fAt = k * fBytes;
      const rAt = 2 * fBytes + k * rBytes;
      arena.pools.push({ arena, f: new Float64Array(buf, fAt, count * size), rng: new Uint32Array(buf, rAt, count * RNG_WORDS), fAt, rAt, count, views: [] });
    }
    return arena;
  };

  return {
    batchBytes(bytes, count) {
      open = newArena(count, bytes);
      return open.engine;
    },

    createStates(count) {
      if (open === undefined || open.count !== count || open.used === 2) open = newArena(count, 0);
      const arena = open;
      const pool = arena.pools[arena.used++]!;
      if (arena.used === 2) open = undefined;
      const { f, rng } = pool;
      const views: View[] = [];
      for (let b = 0; b < count; b++) views.push({ f: f.subarray(b * size, (b + 1) * size), rng: rng.subarray(b * RNG_WORDS, (b + 1) * RNG_WORDS) });
      pool.views = views;
      pools.set(views, pool);
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
      if (src === undefined || dst === undefined || src.arena !== dst.arena || src === dst || src.count !== count) return false;
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
      const arena = src.arena;
      let sweep = arena.sweep;
      if (sweep === undefined) {
        // One compiled module per copy count (engines are created often: evaluation, searches),
        // one instance per arena.
        let module = modules.get(count);
        if (module === undefined) modules.set(count, (module = compileWasmSweep(sweepConfig, count)));
        sweep = arena.sweep = instantiateWasmSweep(module, arena.memory, (p, b) => demandAt(p, arena.drawing!.views[b]!.rng));
      }
      arena.drawing = dst;
      let found: number;
      const buf = arena.memory.buffer;
      if (obs.buffer === buf && m.io.buffer === buf && m.flags.buffer === buf)
        // The engine's buffers are in this memory (batchBytes): the sweep reads and writes them in place.
        found = sweep(src.fAt, dst.fAt, src.rAt, dst.rAt, m.io.byteOffset, obs.byteOffset, m.flags.byteOffset, arena.onsets, arena.table);
      else {
        arena.actStage.set(m.actIn!);
        found = sweep(src.fAt, dst.fAt, src.rAt, dst.rAt, arena.io, arena.obs, arena.flags, arena.onsets, arena.table);
        m.outOut!.set(arena.outStage);
        obs.set(arena.obsStage);
        m.flags.set(arena.flagStage);
      }
      // Stockout onsets become events after the sweep: no call or allocation inside the loop.
      const onsets = arena.onsetRows;
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
  /** The action rows of `io`, and the reward and KPI rows after them. */
  readonly actIn: Float64Array | undefined;
  readonly outOut: Float64Array | undefined;
}

/** Where the KPI rows start in the joined action/reward/KPI view. */
const kpiStart = (count: number): number => NUM_STAGES * 3 * count;

function mergeOuts(actions: readonly Float64Array[], out: BatchStepOut, count: number): MergedOuts {
  const { rewards, kpis, terminated, truncated } = out;
  const act = rows(NUM_STAGES, count, count);
  const rew = rows(NUM_STAGES, 2 * count, 2 * count, NUM_STAGES * count);
  const flag = rows(2 * NUM_STAGES, count, flagStride(count));
  const io = joinedView([...actions, ...rewards, kpis], [...act.starts, ...rew.starts, kpiStart(count)], [...act.lengths, ...rew.lengths, NUM_KPIS * count]);
  return {
    count,
    actions,
    rewards,
    kpis,
    terminated,
    truncated,
    io,
    flags: joinedView([...terminated, ...truncated], flag.starts, flag.lengths),
    actIn: io?.subarray(0, NUM_STAGES * count),
    outOut: io?.subarray(NUM_STAGES * count),
  };
}

function stockout(period: number, backlog: number, agents: readonly string[]): WorldEvent {
  return { type: 'stockout', agents, data: { period, backlog } };
}
