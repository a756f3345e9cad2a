/**
 * The two-firm fused kernel (fast-session.ts) as one WebAssembly function, written with
 * src/learn/wasm/emit.ts: it advances a session's state, which lives in the module's memory, for up
 * to one exploration block of periods per call. It computes what fast-session.ts's n-firm loop
 * computes, operation for operation (test/market/differential.test.ts compares both with the
 * reference path, and the two kernels with each other over a long exploring phase):
 * - the draws are the sfc32 steps of src/core/rng.ts on i32 words, a uniform is
 *   f64.convert_i32_u(word) · 2⁻³², an exploring action f64.floor(u · m), as `Math.floor(u * m)`;
 * - a demand shock level is 1 exactly when the world's uniform is ≥ 0.5, i.e. its word's top bit;
 * - Q updates, targets and the metrics sums are the same f64 operations in the same order.
 *
 * Why WebAssembly: a rescan of a state's Q row (its greedy entry's value dropped) happens about once
 * a period in the exploring phase of a Calvano session, and V8's JavaScript compiles its
 * `if (v > best)` to branches that the random Q values mispredict: measured ~50 ns a rescan of 15
 * prices against ~9 ns for the branch-free scan here, where the running argmax is an i32 `select`
 * (a conditional move) and the running maximum f64x2.pmax, defined as `best < v ? v : best`, which
 * is exactly the scan's update (NaN and signed zeros included). The row scan was ~40% of a period.
 *
 * Memory layout (byte offsets): a 256-byte header (the `H` offsets below: the session's counters
 * and stream words as i32, its learners' α, δ, convergence windows and the metrics sums as f64, and
 * the byte offsets of its tables), then the tables the host lays out (wasmDuopolyLayout).
 */
import { buildModule, F64, FnBuilder, I32, V128 } from '../../src/learn/wasm/emit.js';

/** Header byte offsets. */
export const H = {
  /** i32: periods simulated, current state, period of the last greedy change, each firm's periods unchanged. */
  t: 0,
  s: 4,
  lastChange: 8,
  u0: 12,
  u1: 16,
  /** i32 × 8: firm 0's sfc32 words, then firm 1's. */
  rng: 20,
  /** i32 × 4: the world's sfc32 words (demand shocks). */
  worldRng: 52,
  /** i32: m, numJoint, leadWeight, memory === 1, demand shocks on. */
  m: 68,
  numJoint: 72,
  leadWeight: 76,
  memoryOne: 80,
  shocked: 84,
  /** i32: byte offsets of Q, row maxima and greedy tables (per firm), profit and KPI tables, exploration factors (per firm) and the trace. */
  q0: 88,
  q1: 92,
  max0: 96,
  max1: 100,
  greedy0: 104,
  greedy1: 108,
  profit: 112,
  kpi: 116,
  factors0: 120,
  factors1: 124,
  trace: 128,
  /** f64: α, δ and convergence window per firm. */
  alpha0: 136,
  alpha1: 144,
  delta0: 152,
  delta1: 160,
  window0: 168,
  window1: 176,
  /** f64 × 8: the metrics sums: profit 0, profit 1, action 0, action 1, the four KPIs. */
  sums: 184,
  size: 256,
} as const;

/** Where the tables of one session go in memory, and how many 64 KiB pages it needs. */
export interface WasmDuopolyLayout {
  readonly q0: number;
  readonly q1: number;
  readonly max0: number;
  readonly max1: number;
  readonly greedy0: number;
  readonly greedy1: number;
  readonly profit: number;
  readonly kpi: number;
  readonly factors0: number;
  readonly factors1: number;
  readonly trace: number;
  readonly pages: number;
}

/** Lay out a session of `numStates` states, `m` prices, tables of `profitLength` and `kpiLength` doubles, `factors` per firm and a trace of `traceLength` periods. */
export function wasmDuopolyLayout(
  numStates: number,
  m: number,
  profitLength: number,
  kpiLength: number,
  factors: number,
  traceLength: number,
): WasmDuopolyLayout {
  let at: number = H.size;
  const take = (bytes: number): number => {
    const start = at;
    at += Math.ceil(bytes / 8) * 8;
    return start;
  };
  const q0 = take(8 * numStates * m);
  const q1 = take(8 * numStates * m);
  const max0 = take(8 * numStates);
  const max1 = take(8 * numStates);
  const profit = take(8 * profitLength);
  const kpi = take(8 * kpiLength);
  const factors0 = take(8 * factors);
  const factors1 = take(8 * factors);
  const greedy0 = take(4 * numStates);
  const greedy1 = take(4 * numStates);
  const trace = take(4 * traceLength);
  return { q0, q1, max0, max1, greedy0, greedy1, profit, kpi, factors0, factors1, trace, pages: Math.ceil(at / 65536) };
}

/**
 * `advance(until, stop, acc, traceLength, rate0, rate1)`: simulate from the header's period t up to
 * period `until` (at most the end of t's exploration block: ε_t of firm i is `rate_i` times its
 * factor at t's offset in the block). With `stop` ≠ 0, return 1 right after the first period at
 * which both firms have converged; with `acc` ≠ 0, add each period to the header's sums; periods
 * below `traceLength` write their joint action to the trace.
 */
export type WasmDuopolyAdvance = (until: number, stop: number, acc: number, traceLength: number, rate0: number, rate1: number) => number;

let compiled: WebAssembly.Module | undefined;

/** The module (compiled once per process; every session's instance shares its code). */
export function wasmDuopolyModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(buildModule([advanceFunction()])));
}

/** The kernel on `memory` (laid out as above). */
export function instantiateWasmDuopoly(memory: WebAssembly.Memory): WasmDuopolyAdvance {
  return new WebAssembly.Instance(wasmDuopolyModule(), { env: { memory } }).exports.advance as WasmDuopolyAdvance;
}

/** 2⁻³²: a uint32 word times this is the uniform in [0, 1) of src/core/rng.ts nextFloat. */
const TWO_TO_MINUS_32 = 2.3283064365386963e-10;

function advanceFunction(): FnBuilder {
  const f = new FnBuilder('advance', [I32, I32, I32, I32, F64, F64], [I32]);
  const [until, stop, acc, traceLength, rate0, rate1] = [0, 1, 2, 3, 4, 5];
  const i32 = (): number => f.local(I32);
  const f64 = (): number => f.local(F64);
  const t = i32();
  const s = i32();
  const s2 = i32();
  const lastChange = i32();
  const u0 = i32();
  const u1 = i32();
  const m = i32();
  const numJoint = i32();
  const leadWeight = i32();
  const memoryOne = i32();
  const shocked = i32();
  const q0 = i32();
  const q1 = i32();
  const max0 = i32();
  const max1 = i32();
  const greedy0 = i32();
  const greedy1 = i32();
  const profit = i32();
  const kpi = i32();
  const factors0 = i32();
  const factors1 = i32();
  const trace = i32();
  const word = [i32(), i32(), i32(), i32(), i32(), i32(), i32(), i32()];
  const world = [i32(), i32(), i32(), i32()];
  const out = i32();
  const a0 = i32();
  const a1 = i32();
  const j = i32();
  const cell = i32();
  const row = i32();
  const c0 = i32();
  const c1 = i32();
  const g = i32();
  const base = i32();
  const k = i32();
  const arg = i32();
  const converged = i32();
  const mF = f64();
  const alpha0 = f64();
  const alpha1 = f64();
  const delta0 = f64();
  const delta1 = f64();
  const window0 = f64();
  const window1 = f64();
  const sum = Array.from({ length: 8 }, f64);
  const target = f64();
  const old = f64();
  const updated = f64();
  const top = f64();
  const best = f.local(V128);
  const v = f.local(V128);

  const loadI32 = (local: number, at: number): void => void f.i32(0).i32Load(at).set(local);
  const storeI32 = (local: number, at: number): void => void f.i32(0).get(local).i32Store(at);
  const loadF64 = (local: number, at: number): void => void f.i32(0).f64Load(at).set(local);
  const storeF64 = (local: number, at: number): void => void f.i32(0).get(local).f64Store(at);

  // Header → locals.
  loadI32(t, H.t);
  loadI32(s, H.s);
  loadI32(lastChange, H.lastChange);
  loadI32(u0, H.u0);
  loadI32(u1, H.u1);
  word.forEach((w, x) => loadI32(w, H.rng + 4 * x));
  world.forEach((w, x) => loadI32(w, H.worldRng + 4 * x));
  loadI32(m, H.m);
  loadI32(numJoint, H.numJoint);
  loadI32(leadWeight, H.leadWeight);
  loadI32(memoryOne, H.memoryOne);
  loadI32(shocked, H.shocked);
  loadI32(q0, H.q0);
  loadI32(q1, H.q1);
  loadI32(max0, H.max0);
  loadI32(max1, H.max1);
  loadI32(greedy0, H.greedy0);
  loadI32(greedy1, H.greedy1);
  loadI32(profit, H.profit);
  loadI32(kpi, H.kpi);
  loadI32(factors0, H.factors0);
  loadI32(factors1, H.factors1);
  loadI32(trace, H.trace);
  loadF64(alpha0, H.alpha0);
  loadF64(alpha1, H.alpha1);
  loadF64(delta0, H.delta0);
  loadF64(delta1, H.delta1);
  loadF64(window0, H.window0);
  loadF64(window1, H.window1);
  sum.forEach((x, i) => loadF64(x, H.sums + 8 * i));
  f.get(m).f64ConvertI32U().set(mF);
  f.i32(0).set(converged);

  /** One sfc32 step of stream words w[0..3]; the output word in `out` (src/core/rng.ts nextUint32). */
  const sfc32 = (w: readonly number[]): void => {
    const [a, b, c, d] = w as [number, number, number, number];
    f.get(a).get(b).add().get(d).add().set(out);
    f.get(d).i32(1).add().set(d);
    f.get(b).get(b).i32(9).shrU().xor().set(a);
    f.get(c).get(c).i32(3).shl().add().set(b);
    f.get(c).i32(21).rotl().get(out).add().set(c);
  };
  /** The uniform of the word in `out`, as f64 on the stack. */
  const uniform = (): void => void f.get(out).f64ConvertI32U().f64(TWO_TO_MINUS_32).f64Mul();

  /** Firm i's action into `a`: explore with probability rate·factor[t mod block], else the greedy action of s. */
  const act = (w: readonly number[], rate: number, factors: number, greedy: number, a: number): void => {
    sfc32(w);
    uniform();
    f.get(factors).get(t).i32(1023).and().i32(3).shl().add().f64Load().set(target); // the block factor (target is free here)
    f.get(rate).get(target).f64Mul().f64Lt();
    f.ifElse(
      I32,
      () => {
        sfc32(w);
        uniform();
        f.get(mF).f64Mul().f64Floor().i32TruncSatF64S();
      },
      () => void f.get(greedy).get(s).i32(2).shl().add().i32Load(),
    );
    f.set(a);
  };

  /**
   * Q(s, a) ← Q(s, a) + α(target − Q(s, a)) with the row maximum and greedy action kept (lowest
   * index wins ties), as fast-session.ts `update`; the change flag (1 if the greedy action of s changed) into `c`.
   */
  const update = (q: number, max: number, greedy: number, a: number, alpha: number, c: number): void => {
    f.get(s).get(m).mul().get(a).add().i32(3).shl().get(q).add().set(cell);
    f.get(cell).f64Load().set(old);
    f.get(cell).get(old).get(alpha).get(target).get(old).f64Sub().f64Mul().f64Add().tee(updated).f64Store();
    f.get(greedy).get(s).i32(2).shl().add().i32Load().set(g);
    f.get(max).get(s).i32(3).shl().add().f64Load().set(top);
    f.i32(0).set(c);
    // updated > top || (updated === top && a < g)
    f.get(updated).get(top).f64Gt();
    f.get(updated).get(top).f64Eq().get(a).get(g).ltS().and();
    f.or();
    f.ifElse(
      I32,
      () => {
        f.get(max).get(s).i32(3).shl().add().get(updated).f64Store();
        f.get(a).get(g).ne().set(c);
        f.get(c).if(() => void f.get(greedy).get(s).i32(2).shl().add().get(a).i32Store());
        f.i32(0);
      },
      () => void f.i32(1),
    );
    // a === g && updated < top: rescan the row.
    f.get(a).get(g).eq().and();
    f.get(updated).get(top).f64Lt().and();
    f.if(() => {
      f.get(s).get(m).mul().i32(3).shl().get(q).add().set(base);
      f.get(base).f64Load().f64x2Splat().set(best);
      f.i32(0).set(arg);
      f.for(k, 1, { local: m }, 1, () => {
        f.get(base).get(k).i32(3).shl().add().f64Load().f64x2Splat().set(v);
        f.get(k).get(arg).get(best).f64x2ExtractLane(0).get(v).f64x2ExtractLane(0).f64Lt().select().set(arg);
        f.get(best).get(v).f64x2Pmax().set(best);
      });
      f.get(max).get(s).i32(3).shl().add().get(best).f64x2ExtractLane(0).f64Store();
      f.get(arg).get(g).ne().set(c);
      f.get(c).if(() => void f.get(greedy).get(s).i32(2).shl().add().get(arg).i32Store());
    });
  };

  f.block(() => {
    f.get(t).get(until).geS().brIf(0);
    f.loop(() => {
      act(word.slice(0, 4), rate0, factors0, greedy0, a0);
      act(word.slice(4, 8), rate1, factors1, greedy1, a1);
      f.get(a0).get(m).mul().get(a1).add().set(j);
      // The shock level (0 or 1) → row = (level·numJoint + j)·2; without shocks the world stream is not drawn.
      f.get(j).set(row);
      f.get(shocked).if(() => {
        sfc32(world);
        f.get(out).i32(31).shrU().get(numJoint).mul().get(row).add().set(row);
      });
      f.get(t)
        .get(traceLength)
        .ltS()
        .if(() => void f.get(trace).get(t).i32(2).shl().add().get(j).i32Store());
      // Next state: the joint action (memory 1), else j·leadWeight + ⌊s / numJoint⌋.
      f.get(memoryOne).ifElse(
        I32,
        () => void f.get(j),
        () => void f.get(j).get(leadWeight).mul().get(s).get(numJoint).divU().add(),
      );
      f.set(s2);
      f.get(acc).if(() => {
        f.get(sum[0]!).get(profit).get(row).i32(4).shl().add().f64Load(0).f64Add().set(sum[0]!);
        f.get(sum[1]!).get(profit).get(row).i32(4).shl().add().f64Load(8).f64Add().set(sum[1]!);
        f.get(sum[2]!).get(a0).f64ConvertI32S().f64Add().set(sum[2]!);
        f.get(sum[3]!).get(a1).f64ConvertI32S().f64Add().set(sum[3]!);
        for (let x = 0; x < 4; x++)
          f.get(sum[4 + x]!)
            .get(kpi)
            .get(row)
            .i32(5)
            .shl()
            .add()
            .f64Load(8 * x)
            .f64Add()
            .set(sum[4 + x]!);
      });
      // Firm 0, then firm 1: target = profit + δ·max Q(s', ·), read before the firm's own update.
      f.get(profit).get(row).i32(4).shl().add().f64Load(0).get(delta0).get(max0).get(s2).i32(3).shl().add().f64Load().f64Mul().f64Add().set(target);
      update(q0, max0, greedy0, a0, alpha0, c0);
      f.get(profit).get(row).i32(4).shl().add().f64Load(8).get(delta1).get(max1).get(s2).i32(3).shl().add().f64Load().f64Mul().f64Add().set(target);
      update(q1, max1, greedy1, a1, alpha1, c1);
      f.i32(0).get(u0).i32(1).add().get(c0).select().set(u0);
      f.i32(0).get(u1).i32(1).add().get(c1).select().set(u1);
      f.get(t).i32(1).add().set(t);
      f.get(t).get(lastChange).get(c0).get(c1).or().select().set(lastChange);
      f.get(s2).set(s);
      f.get(stop).if(() => {
        f.get(u0).f64ConvertI32S().get(window0).f64Ge().get(u1).f64ConvertI32S().get(window1).f64Ge().and();
        f.if(() => {
          f.i32(1).set(converged);
          f.br(3); // out of both ifs, the loop and the block
        });
      });
      f.get(t).get(until).ltS().brIf(0);
    });
  });

  // Locals → header.
  storeI32(t, H.t);
  storeI32(s, H.s);
  storeI32(lastChange, H.lastChange);
  storeI32(u0, H.u0);
  storeI32(u1, H.u1);
  word.forEach((w, x) => storeI32(w, H.rng + 4 * x));
  world.forEach((w, x) => storeI32(w, H.worldRng + 4 * x));
  sum.forEach((x, i) => storeF64(x, H.sums + 8 * i));
  f.get(converged);
  return f;
}
