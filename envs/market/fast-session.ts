/**
 * The fused learning kernel: one Calvano session (market-v1 + one tabular-q learner per firm) as
 * a single loop over typed arrays, with the profit table precomputed. It computes exactly what the
 * generic path computes (VecEngine stepping market-v1, tabular-q policies through the Policy
 * contract), bit for bit: same state numbers, same random streams in the same order, same
 * floating-point expressions. test/market/differential.test.ts holds it to that.
 *
 * Per period t (0-based), the draw order is:
 *   1. for each firm i in index order, from firm i's own stream: u = uniform; if u < ε_t = exp(−β_i·t)
 *      a second uniform u' gives the action ⌊u'·m⌋, else the greedy action of the current state;
 *   2. if demand shocks are on, one uniform from the world stream picks the shock level;
 * then every firm updates Q_i(s, a_i) with its profit and δ_i·max Q_i(s', ·), and the greedy table
 * and row maxima are maintained as in tabular-q (lowest index wins ties).
 *
 * Why it is fast (bench/market.ts): nothing is allocated per period; the greedy action and the
 * row maximum of every state are cached, so a period is O(n) unless a greedy entry's value drops;
 * the next state number is one multiply-add (game.ts); ε_t costs one Math.exp per 1024 periods
 * (Math.exp per period measured ~10 ns, about 15% of a period). Two firms (the paper's baseline)
 * run in a WebAssembly kernel (wasm-duopoly.ts: a branch-free rescan of a Q row, and both
 * generators in locals), the n-firm loop below otherwise.
 *
 * The duopoly kernel is called once per exploration block (≤ 1024 periods), not once per advance:
 * the host computes the block's Math.exp between calls, and V8 only swaps a WebAssembly function's
 * baseline code for its optimised code between calls (a JavaScript loop called once per session
 * had the same problem: it ran as on-stack-replacement code, ~10M periods per CPU second in a
 * fresh session after a warm-up one against ~15M in the sessions after it).
 */
import type { LedgerSums } from '../../src/core/metrics-row.js';
import { drawInitialHistory, drawShockLevel } from './market.js';
import { MARKET_KPIS, historyLength, type MarketGame } from './game.js';
import { EXPLORATION_BLOCK, explorationFactors } from '../../src/learn/tabular-q-schedule.js';
import { H, instantiateWasmDuopoly, wasmDuopolyLayout, type WasmDuopolyAdvance } from './wasm-duopoly.js';

/** One learner's hyperparameters and initial Q row. */
export interface FastLearner {
  /** α. */
  readonly learningRate: number;
  /** δ. */
  readonly discount: number;
  /** β of ε_t = exp(−β·t). */
  readonly explorationDecay: number;
  /** Periods without a greedy change after which this learner counts as converged. */
  readonly convergenceWindow: number;
  /** Initial Q value of each action (the same in every state). */
  readonly initialRow: Float64Array;
  /** This learner's sfc32 stream (4 words; copied, not advanced in place). */
  readonly rng: Uint32Array;
}

/** Input of one fused session. */
export interface FastSessionInput {
  readonly game: MarketGame;
  /** One per firm, in index order. */
  readonly learners: readonly FastLearner[];
  /** The 4 seed words the world's reset receives (see VecEngine: derived from the engine seed). */
  readonly worldSeed: Uint32Array;
  /** Stop after this many periods even if not converged. */
  readonly maxPeriods: number;
  /** If given, joint action numbers of the first `trace.length` periods are written here. */
  readonly trace?: Int32Array;
  /** 'auto' (default) uses the duopoly kernel for two firms; 'general' forces the n-firm loop (tests, bench). */
  readonly loop?: 'auto' | 'general';
}

/**
 * Per-window sums the generic runner's metrics ledger keeps, accumulated in the same order so the
 * fast path's metrics rows are bit-identical: per firm, profit and grid action; the four KPIs.
 */
export interface WindowSums {
  readonly profit: Float64Array;
  readonly action: Float64Array;
  readonly kpi: Float64Array;
}

/** Window sums as the metrics row reads them: a firm's one reward component (profit) is also its local and shaped reward. */
export function asLedgerSums(s: WindowSums, samples: number): LedgerSums {
  return { components: Array.from(s.profit, (p) => [p]), local: s.profit, shaped: s.profit, action: s.action, kpis: s.kpi, samples, episodes: 0 };
}

/** What a fused session leaves behind. */
export interface FastSessionResult {
  /** Always 'fast': lets callers and tests prove which path ran. */
  readonly path: 'fast';
  /** Which loop ran: 'duopoly' (two firms, the WebAssembly kernel) or 'general'. */
  readonly loop: 'duopoly' | 'general';
  /** Periods simulated. */
  readonly periods: number;
  /** Whether every learner met its convergence window before the cap. */
  readonly converged: boolean;
  /** Period (1-based count) of the last change in any greedy strategy (0 if none). */
  readonly lastChange: number;
  /** The state after the last period (a state number, see game.ts). */
  readonly finalState: number;
  /** Per firm: Q table, numStates × m. */
  readonly q: Float64Array[];
  /** Per firm: greedy action of every state. */
  readonly greedy: Int32Array[];
  /** Per firm: periods since its greedy strategy last changed. */
  readonly periodsUnchanged: number[];
  /** Per firm: the stream state after the session. */
  readonly rngAfter: Uint32Array[];
}

const BLOCK_MASK = EXPLORATION_BLOCK - 1;
/** The duopoly kernel's memory is at most 1 GiB (64 KiB pages); larger tables take the n-firm loop. */
const MAX_KERNEL_PAGES = 16384;

/**
 * Q(s,a) ← Q(s,a) + α(target − Q(s,a)) with the greedy table and row maxima kept current (lowest
 * index wins ties, exactly as tabular-q). Returns 1 if the greedy action of s changed, else 0.
 * Small and monomorphic so V8 inlines it into the loop (wasm-duopoly.ts has its twin).
 */
function update(Q: Float64Array, maxQ: Float64Array, greedy: Int32Array, s: number, a: number, target: number, alpha: number, m: number): number {
  const cell = s * m + a;
  const old = Q[cell]!;
  const updated = old + alpha * (target - old);
  Q[cell] = updated;
  const g = greedy[s]!;
  const top = maxQ[s]!;
  // Every comparison is evaluated on every call (no short circuit), so each has type feedback by the
  // time the loop is optimized: a tie or a drop first met late in learning otherwise found none,
  // deoptimized the loop and cost two more optimizing compiles (~80 ms of CPU in a cold CLI run;
  // --trace-deopt: "Insufficient type feedback for compare operation").
  const above = updated > top;
  const tie = updated === top;
  const lower = a < g;
  const same = a === g;
  const below = updated < top;
  if (above || (tie && lower)) {
    maxQ[s] = updated;
    if (a !== g) {
      greedy[s] = a;
      return 1;
    }
    return 0;
  }
  if (same && below) {
    const base = s * m;
    let arg = 0;
    let best = Q[base]!;
    for (let k = 1; k < m; k++) {
      const v = Q[base + k]!;
      if (v > best) ((best = v), (arg = k));
    }
    maxQ[s] = best;
    if (arg !== g) {
      greedy[s] = arg;
      return 1;
    }
  }
  return 0;
}

/**
 * A fused session that can be advanced in chunks (the runner stops at every metrics window), with
 * its whole state in typed arrays and numbers.
 */
export class FusedMarketSession {
  readonly game: MarketGame;
  readonly loop: 'duopoly' | 'general';
  /** Per firm: Q table (numStates × m), row maxima and greedy actions. */
  readonly Q: Float64Array[];
  readonly maxQ: Float64Array[];
  readonly greedy: Int32Array[];
  readonly alpha: Float64Array;
  readonly delta: Float64Array;
  readonly beta: Float64Array;
  readonly window: Float64Array;
  /** Per firm: exp(−β_i·r) for r within a block (see tabular-q explorationRate). */
  readonly factors: Float64Array[];
  /** Per firm: exp(−β_i·b) at the start b of the current block. */
  readonly blockRate: Float64Array;
  /** Per firm: periods since its greedy strategy last changed. */
  readonly unchanged: Float64Array;
  /** sfc32 words of every firm's stream, 4 per firm, advanced in place. */
  readonly rng: Int32Array;
  readonly worldRng: Uint32Array;
  readonly trace: Int32Array | undefined;
  /** Periods simulated so far. */
  t = 0;
  /** Current state number. */
  s = 0;
  /** Period (1-based) of the last change in any greedy strategy. */
  lastChange = 0;
  /** The duopoly kernel and views of its header and trace (the header holds t, s, lastChange and the counters while it runs). */
  private readonly kernel: { advance: WasmDuopolyAdvance; h32: Int32Array; h64: Float64Array; trace: Int32Array } | undefined;

  constructor(input: FastSessionInput) {
    const { game, learners } = input;
    const { n, m, numStates: S } = game;
    if (learners.length !== n) throw new RangeError(`FusedMarketSession: ${learners.length} learners for ${n} firms`);
    this.game = game;
    const layout =
      n === 2 && input.loop !== 'general'
        ? wasmDuopolyLayout(S, m, game.profit.length, game.kpi.length, EXPLORATION_BLOCK, input.trace?.length ?? 0)
        : undefined;
    // Tables too large for one WebAssembly memory of at most 1 GiB take the n-firm loop.
    const memory = layout && layout.pages <= MAX_KERNEL_PAGES ? new WebAssembly.Memory({ initial: layout.pages, maximum: layout.pages }) : undefined;
    this.loop = memory ? 'duopoly' : 'general';
    this.alpha = Float64Array.from(learners, (l) => l.learningRate);
    this.delta = Float64Array.from(learners, (l) => l.discount);
    this.beta = Float64Array.from(learners, (l) => l.explorationDecay);
    this.window = Float64Array.from(learners, (l) => l.convergenceWindow);
    this.blockRate = new Float64Array(n).fill(1);
    this.unchanged = new Float64Array(n);
    this.trace = input.trace;
    if (memory && layout) {
      // The duopoly kernel's state lives in its memory; the tables here are views of it.
      const buf = memory.buffer;
      this.Q = [new Float64Array(buf, layout.q0, S * m), new Float64Array(buf, layout.q1, S * m)];
      this.maxQ = [new Float64Array(buf, layout.max0, S), new Float64Array(buf, layout.max1, S)];
      this.greedy = [new Int32Array(buf, layout.greedy0, S), new Int32Array(buf, layout.greedy1, S)];
      this.factors = [new Float64Array(buf, layout.factors0, EXPLORATION_BLOCK), new Float64Array(buf, layout.factors1, EXPLORATION_BLOCK)];
      learners.forEach((l, i) => this.factors[i]!.set(explorationFactors(l.explorationDecay)));
      this.rng = new Int32Array(buf, H.rng, 4 * n);
      this.worldRng = new Uint32Array(buf, H.worldRng, 4);
      this.worldRng.set(input.worldSeed);
      new Float64Array(buf, layout.profit, game.profit.length).set(game.profit);
      new Float64Array(buf, layout.kpi, game.kpi.length).set(game.kpi);
      const h32 = new Int32Array(buf, 0, H.size / 4);
      const h64 = new Float64Array(buf, 0, H.size / 8);
      h32[H.m / 4] = m;
      h32[H.numJoint / 4] = game.numJoint;
      h32[H.leadWeight / 4] = game.leadWeight;
      h32[H.memoryOne / 4] = game.memory === 1 ? 1 : 0;
      h32[H.shocked / 4] = game.levels > 1 ? 1 : 0;
      for (const key of ['q0', 'q1', 'max0', 'max1', 'greedy0', 'greedy1', 'profit', 'kpi', 'factors0', 'factors1', 'trace'] as const)
        h32[H[key] / 4] = layout[key];
      for (let i = 0; i < 2; i++) {
        h64[(H.alpha0 + 8 * i) / 8] = this.alpha[i]!;
        h64[(H.delta0 + 8 * i) / 8] = this.delta[i]!;
        h64[(H.window0 + 8 * i) / 8] = this.window[i]!;
      }
      this.kernel = { advance: instantiateWasmDuopoly(memory), h32, h64, trace: new Int32Array(buf, layout.trace, input.trace?.length ?? 0) };
    } else {
      this.Q = learners.map(() => new Float64Array(S * m));
      this.maxQ = learners.map(() => new Float64Array(S));
      this.greedy = learners.map(() => new Int32Array(S));
      this.factors = learners.map((l) => explorationFactors(l.explorationDecay));
      this.rng = new Int32Array(4 * n);
      this.worldRng = input.worldSeed.slice();
    }
    learners.forEach((L, i) => {
      for (let w = 0; w < 4; w++) this.rng[4 * i + w] = L.rng[w]! | 0;
      let best = 0;
      for (let a = 1; a < m; a++) if (L.initialRow[a]! > L.initialRow[best]!) best = a;
      for (let s = 0; s < S; s++) this.Q[i]!.set(L.initialRow, s * m);
      this.maxQ[i]!.fill(L.initialRow[best]!);
      this.greedy[i]!.fill(best);
    });
    // The world's reset: initial history from the world stream, read as a state number.
    // (Memory 0 still draws the last prices, as the world does, but its only state is 0.)
    const hist = new Int32Array(historyLength(game));
    drawInitialHistory(this.worldRng, m, hist);
    for (let x = 0; x < n * game.memory; x++) this.s = this.s * m + hist[x]!;
    if (this.kernel) this.kernel.h32[H.s / 4] = this.s;
  }

  /** Whether every learner has gone `convergenceWindow` periods without a greedy change. */
  get allConverged(): boolean {
    for (let i = 0; i < this.game.n; i++) if (this.unchanged[i]! < this.window[i]!) return false;
    return true;
  }

  /**
   * Simulate up to period `until` (a count, below 2^31). With `stopOnConvergence`, stop right after
   * the first period at which every learner has converged and return true. With `sums`, add each
   * period's profits, actions and KPIs to them.
   */
  advance(until: number, stopOnConvergence: boolean, sums?: WindowSums): boolean {
    if (!(until >= this.t && until < 2 ** 31)) throw new RangeError(`FusedMarketSession.advance: period ${until} is before ${this.t} or not below 2^31`);
    return this.kernel ? this.duopoly(this.kernel, until, stopOnConvergence, sums) : generalLoop(this, until, stopOnConvergence, sums);
  }

  /** advance() for two firms: the WebAssembly kernel, one call per exploration block (see the header). */
  private duopoly(kernel: NonNullable<FusedMarketSession['kernel']>, until: number, stopOnConvergence: boolean, sums: WindowSums | undefined): boolean {
    const { h32, h64, trace } = kernel;
    const { beta, blockRate } = this;
    const S = H.sums / 8;
    if (sums) for (let i = 0; i < 2; i++) ((h64[S + i] = sums.profit[i]!), (h64[S + 2 + i] = sums.action[i]!));
    if (sums) for (let x = 0; x < MARKET_KPIS; x++) h64[S + 4 + x] = sums.kpi[x]!;
    const from = this.t;
    let converged = false;
    let t = from;
    while (t < until) {
      if ((t & BLOCK_MASK) === 0) ((blockRate[0] = Math.exp(-beta[0]! * t)), (blockRate[1] = Math.exp(-beta[1]! * t)));
      const end = Math.min(until, (t | BLOCK_MASK) + 1);
      converged = kernel.advance(end, stopOnConvergence ? 1 : 0, sums ? 1 : 0, trace.length, blockRate[0]!, blockRate[1]!) === 1;
      t = h32[H.t / 4]!;
      if (converged) break;
    }
    this.t = t;
    this.s = h32[H.s / 4]!;
    this.lastChange = h32[H.lastChange / 4]!;
    this.unchanged[0] = h32[H.u0 / 4]!;
    this.unchanged[1] = h32[H.u1 / 4]!;
    if (sums) for (let i = 0; i < 2; i++) ((sums.profit[i] = h64[S + i]!), (sums.action[i] = h64[S + 2 + i]!));
    if (sums) for (let x = 0; x < MARKET_KPIS; x++) sums.kpi[x] = h64[S + 4 + x]!;
    if (this.trace && from < trace.length) this.trace.set(trace.subarray(from, Math.min(t, trace.length)), from);
    return converged;
  }

  /** The session's outcome so far. */
  result(converged: boolean): FastSessionResult {
    const n = this.game.n;
    return {
      path: 'fast',
      loop: this.loop,
      periods: this.t,
      converged,
      lastChange: this.lastChange,
      finalState: this.s,
      q: this.Q,
      greedy: this.greedy,
      periodsUnchanged: Array.from(this.unchanged),
      rngAfter: Array.from({ length: n }, (_, i) => Uint32Array.from(this.rng.subarray(4 * i, 4 * i + 4))),
    };
  }
}

/** Run one session through the fused kernel until convergence or `maxPeriods`. */
export function runFastSession(input: FastSessionInput): FastSessionResult {
  const k = new FusedMarketSession(input);
  return k.result(k.advance(input.maxPeriods, true));
}

/** Any number of firms: per-firm state in small typed arrays. */
function generalLoop(k: FusedMarketSession, until: number, stopOnConvergence: boolean, sums: WindowSums | undefined): boolean {
  const { game, Q, maxQ, greedy, alpha, delta, beta, window, factors, blockRate, unchanged, rng, worldRng } = k;
  const { n, m, numJoint, leadWeight, levels, profit, kpi } = game;
  const trace = k.trace;
  const traceLen = trace ? trace.length : 0;
  const eps = new Float64Array(n);
  const acts = new Int32Array(n);
  let s = k.s;
  let t = k.t;
  let lastChange = k.lastChange;
  let converged = false;
  while (t < until) {
    // explorationRate(β_i, t): one Math.exp per block, a table factor within it.
    const r = t & BLOCK_MASK;
    if (r === 0) for (let i = 0; i < n; i++) blockRate[i] = Math.exp(-beta[i]! * t);
    for (let i = 0; i < n; i++) eps[i] = blockRate[i]! * factors[i]![r]!;
    let j = 0;
    for (let i = 0; i < n; i++) {
      const w = 4 * i;
      // sfc32, inline (see src/core/rng.ts nextUint32).
      let ra = rng[w]!;
      let rb = rng[w + 1]!;
      let rc = rng[w + 2]!;
      let rd = rng[w + 3]!;
      let out = (((ra + rb) | 0) + rd) | 0;
      rd = (rd + 1) | 0;
      ra = rb ^ (rb >>> 9);
      rb = (rc + (rc << 3)) | 0;
      rc = (((rc << 21) | (rc >>> 11)) + out) | 0;
      let a: number;
      if ((out >>> 0) * 2.3283064365386963e-10 < eps[i]!) {
        out = (((ra + rb) | 0) + rd) | 0;
        rd = (rd + 1) | 0;
        ra = rb ^ (rb >>> 9);
        rb = (rc + (rc << 3)) | 0;
        rc = (((rc << 21) | (rc >>> 11)) + out) | 0;
        a = Math.floor((out >>> 0) * 2.3283064365386963e-10 * m);
      } else a = greedy[i]![s]!;
      rng[w] = ra;
      rng[w + 1] = rb;
      rng[w + 2] = rc;
      rng[w + 3] = rd;
      acts[i] = a;
      j = j * m + a;
    }
    const level = levels > 1 ? drawShockLevel(worldRng, levels) : 0;
    if (t < traceLen) trace![t] = j;
    const s2 = j * leadWeight + ((s / numJoint) | 0);
    const row = (level * numJoint + j) * n;
    if (sums !== undefined) {
      for (let i = 0; i < n; i++) ((sums.profit[i]! += profit[row + i]!), (sums.action[i]! += acts[i]!));
      const kr = (level * numJoint + j) * MARKET_KPIS;
      for (let x = 0; x < MARKET_KPIS; x++) sums.kpi[x]! += kpi[kr + x]!;
    }
    let all = true;
    for (let i = 0; i < n; i++) {
      const mq = maxQ[i]!;
      const changed = update(Q[i]!, mq, greedy[i]!, s, acts[i]!, profit[row + i]! + delta[i]! * mq[s2]!, alpha[i]!, m);
      const u = changed === 1 ? 0 : unchanged[i]! + 1;
      unchanged[i] = u;
      if (changed === 1) lastChange = t + 1;
      if (u < window[i]!) all = false;
    }
    s = s2;
    t++;
    if (all && stopOnConvergence) {
      converged = true;
      break;
    }
  }
  k.s = s;
  k.t = t;
  k.lastChange = lastChange;
  return converged;
}
