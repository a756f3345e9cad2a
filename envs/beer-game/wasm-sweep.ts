/**
 * The beer game's batched step as one WebAssembly function, generated per config and copy count
 * (src/learn/wasm/emit.ts writes the binary): for every copy, read its state record from the
 * source pool, write the next record into the destination pool, and write the copy's
 * observations, rewards, KPIs and flags into the engine's agent-major rows, exactly as the per-copy
 * `step` in beer-game.ts does (test/supply/beer-kernel.test.ts compares them).
 *
 * Why WebAssembly: the same loop compiled by V8 from JavaScript spent ~1,100 machine instructions
 * a copy (a bounds check, index arithmetic and for float32 a conversion around each of its ~150
 * typed-array accesses); here every access is one instruction on a base register plus a constant
 * offset (memory accesses outside the module's memory trap instead of being checked).
 *
 * Every value is computed with the same IEEE operations in the same order as the reference:
 * f64.floor is Math.floor, f32.demote_f64 rounds as a Float32Array store, `select` is the ternary
 * (both arms are side-effect free), i32 arithmetic is JavaScript's `| 0` arithmetic, and the demand
 * draw is the sfc32 step of src/core/rng.ts.
 *
 * Addresses are byte offsets into the module's memory (kernel.ts lays it out):
 *   sweep(srcF, dstF, srcR, dstR, io, obs, flags, onsets, table) → number of stockout onsets
 * - srcF/dstF: copy b's Float64 record at + 8·size·b; srcR/dstR: its four stream words at + 16b.
 * - io: actions of agent i at element i·count + b, rewards at 4count + 2i·count + 2b (holding,
 *   backorder), KPIs at 12count + 5b (the engine's action/reward/KPI buffer, kernel.ts MergedOuts).
 * - obs: agent i's row for copy b at float i·8count + 8b; flags: terminated of agent i at byte
 *   i·fs + b, truncated at (4 + i)·fs + b (fs = the engine's padded flag row).
 * - onsets: the copies whose customer backlog turned positive, as int32; table: deterministic
 *   demand by period (Float64, periods 0 … horizon + 1).
 */
import { RNG_WORDS } from '../../src/core/rng.js';
import { buildModule, F64, FnBuilder, I32, V128, type ImportedFn } from '../../src/learn/wasm/emit.js';
import { NUM_STAGES } from './params.js';

/** The slice of the world's resolved params the sweep is generated from. */
export interface SweepConfig {
  readonly size: number;
  readonly shipOff: Int32Array;
  readonly orderOff: Int32Array;
  readonly orderLead: Int32Array;
  readonly shipLead: Int32Array;
  readonly holding: Float64Array;
  readonly backorder: Float64Array;
  readonly maxLevel: number;
  readonly unit: number;
  readonly horizon: number;
  readonly invScale: number;
  /**
   * How demand is drawn: `uniform` inline from the copy's stream words (low + ⌊u·span⌋, as the
   * sampler); `table` read by period up to horizon + 1, later periods through the import;
   * `call` through the imported `demand(period, copy)` every time (other stochastic kinds).
   */
  readonly demand: { readonly kind: 'uniform'; readonly low: number; readonly span: number } | { readonly kind: 'table' } | { readonly kind: 'call' };
}

/** The compiled sweep (byte offsets into its memory; see the header). */
export type WasmSweep = (
  srcF: number,
  dstF: number,
  srcR: number,
  dstR: number,
  io: number,
  obs: number,
  flags: number,
  onsets: number,
  table: number,
) => number;

// Must match beer-game.ts (BASE, STRIDE, OBS) and kernel.ts (NUM_KPIS).
const BASE = 1;
const STRIDE = 6;
const OBS = 8;
const NUM_KPIS = 5;

/** The engine's padded per-agent flag row (src/core/engine.ts flagBytesPerAgent). */
export const flagStride = (count: number): number => Math.ceil(count / 4) * 4;

const DEMAND_IMPORT: ImportedFn = { name: 'demand', params: [I32, I32], results: [F64] };

/**
 * Compile the sweep over `count` copies into an instance on `memory`. `demandAt(period, copy)`
 * draws copy `copy`'s demand for `period` from its destination stream words (already copied from
 * the source when it is called); only the `table` and `call` demand kinds call it.
 */
export function compileWasmSweep(cfg: SweepConfig, count: number, memory: WebAssembly.Memory, demandAt: (period: number, copy: number) => number): WasmSweep {
  const lit = (x: number): number => {
    if (!Number.isFinite(x)) throw new Error(`beer-game wasm sweep: non-finite constant ${x}`);
    return x;
  };
  const fn = sweepFunction(cfg, count, lit);
  const module = new WebAssembly.Module(buildModule([fn], [DEMAND_IMPORT]));
  const instance = new WebAssembly.Instance(module, { env: { memory, demand: demandAt } });
  return instance.exports.sweep as WasmSweep;
}

function sweepFunction(cfg: SweepConfig, count: number, lit: (x: number) => number): FnBuilder {
  const f = new FnBuilder('sweep', [I32, I32, I32, I32, I32, I32, I32, I32, I32], [I32]);
  const [srcF, dstF, srcR, dstR, io, obs, flags, onsets, table] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const i32 = (): number => f.local(I32);
  const f64 = (): number => f.local(F64);
  const b = i32();
  const found = i32();
  // Per-copy base addresses.
  const sF = i32();
  const dF = i32();
  const sR = i32();
  const dR = i32();
  const a8 = i32(); // io + 8b: actions
  const r16 = i32(); // io + 16b: rewards
  const k40 = i32(); // io + 40b: KPIs
  const o32 = i32(); // obs + 32b
  const fl = i32(); // flags + b
  const t = i32();
  const p = i32();
  const trunc = i32();
  const demand = f64();
  const tf = f64();
  const stBl = f.local(V128);
  const incGot = f.local(V128);
  const tmp2 = f.local(V128);
  const inv2 = f.local(V128);
  const invOne = f.local(V128);
  const teamCost = f64();
  const stockSum = f64();
  const fill = f64();
  const custBefore = f64();
  const q = f64();
  const got = f64();
  const onHand = f64();
  const onOrder = f64();
  const inc = f64();
  const bb = f64();
  const due = f64();
  const sh = f64();
  const st = f64();
  const bl = f64();
  const hc = f64();
  const bc = f64();
  const toNew = f64();
  const bl0 = f64();
  const leads = [...new Set([...cfg.orderLead, ...cfg.shipLead])].filter((L) => L > 1);
  // Byte offsets of the current period's (t mod L) and next period's (p mod L) pipe slots.
  const tm8 = new Map(leads.map((L) => [L, i32()]));
  const pm8 = new Map(leads.map((L) => [L, i32()]));
  /** Push the address of pipe slot (t or p) mod L; the pipe's start goes in the memarg offset. */
  const pipeAddr = (L: number, which: 'tm' | 'pm'): void => {
    f.get(dF);
    if (L > 1) f.get((which === 'tm' ? tm8 : pm8).get(L)!).add();
  };
  const ra = i32();
  const rb = i32();
  const rc = i32();
  const rd = i32();
  const ro = i32();

  const size8 = 8 * cfg.size;
  const fs = flagStride(count);
  const inv = lit(cfg.invScale);
  const maxLevel = lit(cfg.maxLevel);

  f.i32(0).set(found);
  f.f64(inv).f64x2Splat().set(inv2);
  f.f64(inv).f64x2Splat().f64(1).f64x2ReplaceLane(1).set(invOne);
  f.for(b, 0, count, 1, () => {
    // Base addresses of copy b.
    f.get(srcF).get(b).i32(size8).mul().add().set(sF);
    f.get(dstF).get(b).i32(size8).mul().add().set(dF);
    f.get(srcR)
      .get(b)
      .i32(4 * RNG_WORDS)
      .mul()
      .add()
      .set(sR);
    f.get(dstR)
      .get(b)
      .i32(4 * RNG_WORDS)
      .mul()
      .add()
      .set(dR);
    f.get(io).get(b).i32(3).shl().add().set(a8);
    f.get(io).get(b).i32(4).shl().add().set(r16);
    f.get(io)
      .get(b)
      .i32(NUM_KPIS * 8)
      .mul()
      .add()
      .set(k40);
    f.get(obs).get(b).i32(5).shl().add().set(o32);
    f.get(flags).get(b).add().set(fl);
    // The pipes (every slot after the stage records) as they were; the step then edits them in place.
    // (16 bytes at a time: one instruction moves two slots.)
    let k = BASE + NUM_STAGES * STRIDE;
    for (; k + 1 < cfg.size; k += 2)
      f.get(dF)
        .get(sF)
        .v128Load(8 * k)
        .v128Store(8 * k);
    if (k < cfg.size)
      f.get(dF)
        .get(sF)
        .i64Load(8 * k)
        .i64Store(8 * k);
    // t = f[0] | 0 (the period is a small whole number), p = t + 1.
    f.get(sF).f64Load(0).i32TruncSatF64S().set(t);
    f.get(t).i32(1).add().set(p);
    for (const L of leads) {
      f.get(t).i32(L).remS().i32(3).shl().set(tm8.get(L)!);
      f.get(p).i32(L).remS().i32(3).shl().set(pm8.get(L)!);
    }
    const d = cfg.demand;
    if (d.kind === 'uniform') {
      // sfc32 on the source words (src/core/rng.ts nextUint32), the result stored as the destination's.
      f.get(sR).i32Load(0).set(ra);
      f.get(sR).i32Load(4).set(rb);
      f.get(sR).i32Load(8).set(rc);
      f.get(sR).i32Load(12).set(rd);
      f.get(ra).get(rb).add().get(rd).add().set(ro);
      f.get(dR).get(rb).get(rb).i32(9).shrU().xor().i32Store(0);
      f.get(dR).get(rc).get(rc).i32(3).shl().add().i32Store(4);
      f.get(dR).get(rc).i32(21).rotl().get(ro).add().i32Store(8);
      f.get(dR).get(rd).i32(1).add().i32Store(12);
      f.f64(lit(d.low)).get(ro).f64ConvertI32U().f64(2.3283064365386963e-10).f64Mul().f64(lit(d.span)).f64Mul().f64Floor().f64Add().set(demand);
    } else {
      // The stream words as they were (the sampler advances the destination's copy).
      f.get(dR).get(sR).i64Load(0).i64Store(0);
      f.get(dR).get(sR).i64Load(8).i64Store(8);
      if (d.kind === 'table')
        // Copies never pass period horizon + 1 under the engine; later periods ask the sampler.
        f.get(p)
          .i32(cfg.horizon + 1)
          .leS()
          .ifElse(
            F64,
            () => f.get(table).get(p).i32(3).shl().add().f64Load(0),
            () => f.get(p).get(b).call(0),
          )
          .set(demand);
      else f.get(p).get(b).call(0).set(demand);
    }
    f.get(p).i32(cfg.horizon).geS().set(trunc);
    f.get(p).f64ConvertI32S().f64(lit(cfg.horizon)).f64Div().set(tf);
    f.f64(0).set(teamCost);
    f.f64(0).set(stockSum);
    f.f64(1).set(fill);
    for (let i = 0; i < NUM_STAGES; i++) {
      const r8 = 8 * (BASE + i * STRIDE);
      const lo = cfg.orderLead[i]!;
      const ls = cfg.shipLead[i]!;
      const orderOff8 = 8 * cfg.orderOff[i]!;
      const shipOff8 = 8 * cfg.shipOff[i]!;
      // q = (av in [0, max] ? ⌊av⌋ + 0 : av ≥ max ? max : 0) × unit, as pmin(max, pmax(0, ⌊av⌋)) on
      // one lane: pmax(0, x) is `0 < x ? x : 0` (NaN, negatives and −0 give +0), pmin(max, y) is
      // `y < max ? y : max`; ⌊av⌋ ≥ max exactly when av ≥ max (max is whole). No branch.
      f.f64(maxLevel).f64x2Splat();
      f.f64(0).f64x2Splat();
      f.get(a8)
        .f64Load(8 * i * count)
        .f64x2Splat()
        .f64x2Floor()
        .f64x2Pmax()
        .f64x2Pmin()
        .f64x2ExtractLane(0);
      if (cfg.unit !== 1) f.f64(lit(cfg.unit)).f64Mul(); // (x × 1 is x: whole units skip it)
      f.set(q);
      // The order leaves into this stage's order pipe (slot t mod lead).
      pipeAddr(lo, 'tm');
      f.get(q).f64Store(orderOff8);
      // (1) the shipment due arrives.
      pipeAddr(ls, 'pm');
      f.f64Load(shipOff8).set(got);
      f.get(sF).f64Load(r8).get(got).f64Add().set(onHand);
      f.get(sF)
        .f64Load(r8 + 16)
        .get(q)
        .f64Add()
        .get(got)
        .f64Sub()
        .set(onOrder);
      if (i === NUM_STAGES - 1) {
        // The factory's production request due enters its shipping pipe; the order slot empties.
        pipeAddr(ls, 'pm');
        pipeAddr(lo, 'pm');
        f.f64Load(orderOff8).f64Store(shipOff8);
        pipeAddr(lo, 'pm');
        f.f64(0).f64Store(orderOff8);
      }
      // (2) the order due from downstream (customer demand for the retailer); its slot empties.
      if (i === 0) f.get(demand).set(inc);
      else {
        const below = 8 * cfg.orderOff[i - 1]!;
        pipeAddr(cfg.orderLead[i - 1]!, 'pm');
        f.f64Load(below).set(inc);
        pipeAddr(cfg.orderLead[i - 1]!, 'pm');
        f.f64(0).f64Store(below);
      }
      // (3) ship min(onHand, backlog + incoming).
      f.get(sF)
        .f64Load(r8 + 8)
        .set(bb);
      f.get(bb).get(inc).f64Add().set(due);
      // sh = onHand < due ? onHand : due, as pmin(due, onHand) (no data-dependent branch).
      f.get(due).f64x2Splat().get(onHand).f64x2Splat().f64x2Pmin().f64x2ExtractLane(0).set(sh);
      f.get(onHand).get(sh).f64Sub().set(st);
      f.get(due).get(sh).f64Sub().set(bl);
      if (i > 0) {
        pipeAddr(cfg.shipLead[i - 1]!, 'pm');
        f.get(sh).f64Store(8 * cfg.shipOff[i - 1]!);
      } else {
        // Fill rate: the share of this period's demand shipped beyond the old backlog (1 without demand).
        f.get(bb).set(custBefore);
        f.get(bl).set(bl0);
        f.get(sh).get(bb).f64Sub().set(toNew);
        // fill = inc > 0 ? (toNew <= 0 ? 0 : toNew / inc) : fill, both selects as bit masks of the
        // comparisons on one lane (v128.bitselect): the same values without data-dependent branches.
        f.f64(0).f64x2Splat().get(toNew).get(inc).f64Div().f64x2Splat();
        f.get(toNew).f64x2Splat().f64(0).f64x2Splat().f64x2Le().v128Bitselect();
        f.get(fill).f64x2Splat();
        f.get(inc).f64x2Splat().f64(0).f64x2Splat().f64x2Gt().v128Bitselect();
        f.f64x2ExtractLane(0).set(fill);
      }
      // The stage's record, (onHand, backlog) and (lastDemand, lastReceived) as lane pairs that the
      // observations reuse.
      const pair = (lane0: number, lane1: number, into: number): void => {
        f.get(lane0).f64x2Splat().get(lane1).f64x2ReplaceLane(1).set(into);
      };
      pair(st, bl, stBl);
      pair(inc, got, incGot);
      f.get(dF).get(stBl).v128Store(r8);
      f.get(dF)
        .get(onOrder)
        .f64Store(r8 + 16);
      f.get(dF)
        .get(q)
        .f64Store(r8 + 24);
      f.get(dF)
        .get(incGot)
        .v128Store(r8 + 32);
      // (4) costs as rewards (holding, backorder), negative: (−h)·st is −(h·st) exactly (rounding is
      // symmetric in sign), and teamCost − (−hc + −bc) is teamCost + (hc + bc).
      f.f64(lit(-cfg.holding[i]!)).get(st).f64Mul().set(hc);
      f.f64(lit(-cfg.backorder[i]!)).get(bl).f64Mul().set(bc);
      f.get(r16)
        .get(hc)
        .f64Store(8 * (NUM_STAGES * count + 2 * i * count));
      f.get(r16)
        .get(bc)
        .f64Store(8 * (NUM_STAGES * count + 2 * i * count) + 8);
      f.get(teamCost).get(hc).get(bc).f64Add().f64Sub().set(teamCost);
      f.get(stockSum).get(st).f64Add().set(stockSum);
      f.get(fl)
        .i32(0)
        .i32Store8(i * fs);
      f.get(fl)
        .get(trunc)
        .i32Store8((NUM_STAGES + i) * fs);
      // Observations: onHand, backlog, pipeline, inventoryPosition, demand, received, lastOrder (÷ obsScale), timeFraction.
      const w = 4 * i * OBS * count;
      // Two values per lane pair: multiplied by (inv, inv), or (inv, 1) for (lastOrder, timeFraction),
      // rounded to float32 both at once, four floats stored at once. The same IEEE operations per
      // value as one at a time (x × 1 is x).
      const scaled = (lanes: number, by: number): void => {
        f.get(lanes).get(by).f64x2Mul().f32x4DemoteF64x2Zero();
      };
      f.get(o32);
      scaled(stBl, inv2);
      f.get(onOrder).f64x2Splat().get(st).get(bl).f64Sub().get(onOrder).f64Add().f64x2ReplaceLane(1).set(tmp2);
      scaled(tmp2, inv2);
      f.lowHalves().v128Store(w);
      f.get(o32);
      scaled(incGot, inv2);
      pair(q, tf, tmp2);
      scaled(tmp2, invOne);
      f.lowHalves().v128Store(w + 16);
    }
    f.get(dF).get(p).f64ConvertI32S().f64Store(0);
    // KPIs: teamCost, fillRate, customerBacklog, totalInventory, serviceOk.
    const kpi = 8 * 3 * NUM_STAGES * count;
    f.get(k40).get(teamCost).f64Store(kpi);
    f.get(k40)
      .get(fill)
      .f64Store(kpi + 8);
    f.get(k40)
      .get(bl0)
      .f64Store(kpi + 16);
    f.get(k40)
      .get(stockSum)
      .f64Store(kpi + 24);
    // serviceOk = cust > 0 ? 0 : 1, as the 0/1 of the negated comparison.
    f.get(k40)
      .get(bl0)
      .f64(0)
      .f64Gt()
      .eqz()
      .f64ConvertI32U()
      .f64Store(kpi + 32);
    // A stockout onset: the customer backlog turned positive this period.
    f.get(bl0)
      .f64(0)
      .f64Gt()
      .get(custBefore)
      .f64(0)
      .f64Eq()
      .and()
      .if(() => {
        f.get(onsets).get(found).i32(2).shl().add().get(b).i32Store(0);
        f.inc(found, 1);
      });
  });
  f.get(found);
  return f;
}
