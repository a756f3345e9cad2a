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
 * (Math.exp per period measured ~10 ns, about 15% of a period); and for two firms a specialised
 * loop keeps both sfc32 generators and every per-firm scalar in locals, measured ~1.35× faster per
 * CPU second than the n-firm loop (24M vs 18M periods per CPU second on the baseline).
 *
 * The duopoly loop is called once per exploration block (≤ 1024 periods), not once per advance:
 * called once for a whole session, V8 only ever runs it as on-stack-replacement code, compiled
 * while the loop's exit had not run yet (so it deoptimised on leaving) and slower than the
 * function's regular optimised code: a fresh session after a warm-up one ran at ~10M periods per
 * CPU second against ~15M for the sessions after it. Called per block, the regular optimised code
 * runs from the second session on (bench/vs-peers calvano: ~10 → ~14M in the timed session).
 */
import type { LedgerSums } from '../../src/core/metrics-row.js';
import { drawInitialHistory, drawShockLevel } from './market.js';
import { MARKET_KPIS, historyLength, type MarketGame } from './game.js';
import { EXPLORATION_BLOCK, explorationFactors } from '../../src/learn/tabular-q-schedule.js';

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
  /** 'auto' (default) uses the duopoly loop for two firms; 'general' forces the n-firm loop (tests, bench). */
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
  /** Which loop ran: 'duopoly' (two firms, specialised) or 'general'. */
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

/** Zero sums the duopoly loop's accumulators start from when the caller keeps none (never written). */
const NO_SUMS: WindowSums = { profit: new Float64Array(2), action: new Float64Array(2), kpi: new Float64Array(MARKET_KPIS) };

/**
 * Q(s,a) ← Q(s,a) + α(target − Q(s,a)) with the greedy table and row maxima kept current (lowest
 * index wins ties, exactly as tabular-q). Returns 1 if the greedy action of s changed, else 0.
 * Small and monomorphic so V8 inlines it into both loops.
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

  constructor(input: FastSessionInput) {
    const { game, learners } = input;
    const { n, m, numStates: S } = game;
    if (learners.length !== n) throw new RangeError(`FusedMarketSession: ${learners.length} learners for ${n} firms`);
    this.game = game;
    this.loop = n === 2 && input.loop !== 'general' ? 'duopoly' : 'general';
    this.Q = learners.map(() => new Float64Array(S * m));
    this.maxQ = learners.map(() => new Float64Array(S));
    this.greedy = learners.map(() => new Int32Array(S));
    this.alpha = Float64Array.from(learners, (l) => l.learningRate);
    this.delta = Float64Array.from(learners, (l) => l.discount);
    this.beta = Float64Array.from(learners, (l) => l.explorationDecay);
    this.window = Float64Array.from(learners, (l) => l.convergenceWindow);
    this.factors = learners.map((l) => explorationFactors(l.explorationDecay));
    this.blockRate = new Float64Array(n).fill(1);
    this.unchanged = new Float64Array(n);
    this.rng = new Int32Array(4 * n);
    this.worldRng = input.worldSeed.slice();
    this.trace = input.trace;
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
    if (this.loop === 'general') return generalLoop(this, until, stopOnConvergence, sums);
    // One call of the duopoly loop per exploration block, so V8 runs its regular optimised code (see the header).
    while (this.t < until) if (duopolyLoop(this, Math.min(until, (this.t | BLOCK_MASK) + 1), stopOnConvergence, sums)) return true;
    return false;
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

/**
 * Two firms (the paper's baseline): the same computation as generalLoop with every per-firm
 * scalar in a local, including both generators' words (see the header for the measured gain).
 */
function duopolyLoop(k: FusedMarketSession, until: number, stopOnConvergence: boolean, sums: WindowSums | undefined): boolean {
  const { game, rng, worldRng } = k;
  const { m, numJoint, leadWeight, levels, profit, kpi } = game;
  const trace = k.trace;
  const traceLen = trace ? trace.length : 0;
  const Q0 = k.Q[0]!;
  const Q1 = k.Q[1]!;
  const M0 = k.maxQ[0]!;
  const M1 = k.maxQ[1]!;
  const G0 = k.greedy[0]!;
  const G1 = k.greedy[1]!;
  const al0 = k.alpha[0]!;
  const al1 = k.alpha[1]!;
  const de0 = k.delta[0]!;
  const de1 = k.delta[1]!;
  const b0 = k.beta[0]!;
  const b1 = k.beta[1]!;
  const w0 = k.window[0]!;
  const w1 = k.window[1]!;
  const f0 = k.factors[0]!;
  const f1 = k.factors[1]!;
  let r0 = k.blockRate[0]!;
  let r1 = k.blockRate[1]!;
  const shocked = levels > 1;
  const memoryOne = game.memory === 1;
  const acc = sums !== undefined;
  // The accumulators start from float loads whether or not sums are kept: started at the integer
  // 0 when not, they were kept boxed by the optimizing compiler, a heap number per add per period
  // (heap sampling of a 2 M-period CLI run: 36 MB allocated in this loop before, 15 MB after, the
  // rest in the periods it runs before it is optimized).
  const from = sums ?? NO_SUMS;
  let P0 = from.profit[0]!;
  let P1 = from.profit[1]!;
  let A0 = from.action[0]!;
  let A1 = from.action[1]!;
  let K0 = from.kpi[0]!;
  let K1 = from.kpi[1]!;
  let K2 = from.kpi[2]!;
  let K3 = from.kpi[3]!;
  let xa = rng[0]!;
  let xb = rng[1]!;
  let xc = rng[2]!;
  let xd = rng[3]!;
  let ya = rng[4]!;
  let yb = rng[5]!;
  let yc = rng[6]!;
  let yd = rng[7]!;
  let u0 = k.unchanged[0]!;
  let u1 = k.unchanged[1]!;
  let s = k.s;
  let t = k.t;
  let lastChange = k.lastChange;
  let converged = false;
  while (t < until) {
    const r = t & BLOCK_MASK;
    if (r === 0) ((r0 = Math.exp(-b0 * t)), (r1 = Math.exp(-b1 * t)));
    const e0 = r0 * f0[r]!;
    const e1 = r1 * f1[r]!;
    // Firm 0: exploration draw, then the action draw only when exploring (sfc32 inline).
    let o = (((xa + xb) | 0) + xd) | 0;
    xd = (xd + 1) | 0;
    xa = xb ^ (xb >>> 9);
    xb = (xc + (xc << 3)) | 0;
    xc = (((xc << 21) | (xc >>> 11)) + o) | 0;
    let a0: number;
    if ((o >>> 0) * 2.3283064365386963e-10 < e0) {
      o = (((xa + xb) | 0) + xd) | 0;
      xd = (xd + 1) | 0;
      xa = xb ^ (xb >>> 9);
      xb = (xc + (xc << 3)) | 0;
      xc = (((xc << 21) | (xc >>> 11)) + o) | 0;
      a0 = Math.floor((o >>> 0) * 2.3283064365386963e-10 * m);
    } else a0 = G0[s]!;
    // Firm 1, from its own stream.
    o = (((ya + yb) | 0) + yd) | 0;
    yd = (yd + 1) | 0;
    ya = yb ^ (yb >>> 9);
    yb = (yc + (yc << 3)) | 0;
    yc = (((yc << 21) | (yc >>> 11)) + o) | 0;
    let a1: number;
    if ((o >>> 0) * 2.3283064365386963e-10 < e1) {
      o = (((ya + yb) | 0) + yd) | 0;
      yd = (yd + 1) | 0;
      ya = yb ^ (yb >>> 9);
      yb = (yc + (yc << 3)) | 0;
      yc = (((yc << 21) | (yc >>> 11)) + o) | 0;
      a1 = Math.floor((o >>> 0) * 2.3283064365386963e-10 * m);
    } else a1 = G1[s]!;
    const j = a0 * m + a1;
    const level = shocked ? drawShockLevel(worldRng, levels) : 0;
    if (t < traceLen) trace![t] = j;
    // With memory 1 the state is the last joint action: skip a floating division.
    const s2 = memoryOne ? j : j * leadWeight + ((s / numJoint) | 0);
    const row = (level * numJoint + j) * 2;
    if (acc) {
      const kr = (level * numJoint + j) * MARKET_KPIS;
      P0 += profit[row]!;
      P1 += profit[row + 1]!;
      A0 += a0;
      A1 += a1;
      K0 += kpi[kr]!;
      K1 += kpi[kr + 1]!;
      K2 += kpi[kr + 2]!;
      K3 += kpi[kr + 3]!;
    }
    const c0 = update(Q0, M0, G0, s, a0, profit[row]! + de0 * M0[s2]!, al0, m);
    const c1 = update(Q1, M1, G1, s, a1, profit[row + 1]! + de1 * M1[s2]!, al1, m);
    u0 = c0 === 1 ? 0 : u0 + 1;
    u1 = c1 === 1 ? 0 : u1 + 1;
    if ((c0 | c1) === 1) lastChange = t + 1;
    s = s2;
    t++;
    // stopOnConvergence first: runs that do not stop (the CLI's, window by window) then never
    // evaluate the comparisons, whose first true result late in learning would find no type
    // feedback and throw the optimized loop away (a deopt and a recompile, seen with --trace-deopt).
    if (stopOnConvergence && u0 >= w0 && u1 >= w1) {
      converged = true;
      break;
    }
  }
  rng[0] = xa;
  rng[1] = xb;
  rng[2] = xc;
  rng[3] = xd;
  rng[4] = ya;
  rng[5] = yb;
  rng[6] = yc;
  rng[7] = yd;
  k.blockRate[0] = r0;
  k.blockRate[1] = r1;
  k.unchanged[0] = u0;
  k.unchanged[1] = u1;
  k.s = s;
  k.t = t;
  k.lastChange = lastChange;
  if (acc) {
    sums.profit[0] = P0;
    sums.profit[1] = P1;
    sums.action[0] = A0;
    sums.action[1] = A1;
    sums.kpi[0] = K0;
    sums.kpi[1] = K1;
    sums.kpi[2] = K2;
    sums.kpi[3] = K3;
  }
  return converged;
}
