/**
 * Reliability and cascades. Each step, every agent with a criterion succeeds or fails (its raw
 * reward components / the team KPIs of that copy against the configured bounds); the team succeeds
 * when its KPI criterion holds, or when every agent with a criterion succeeded. Rates are per step
 * or per episode (an episode succeeds when at least `episodeShare` of its steps did). The
 * independence prediction is the product of the agents' measured rates.
 *
 * Cascades: each onset of an event fault at agent i opens a window of `horizon` steps (offsets
 * 0 … horizon−1) in that copy; in it we count, per other agent j, its failing steps and its first
 * failure. A window closes at the horizon, at the next onset at i, at the episode's end or at the
 * end of the run. The baseline is each agent's failure rate q_j on quiet steps (no event fault
 * anywhere in the copy in the last `horizon` steps): a window of length L would see j fail with
 * probability 1 − (1 − q_j)^L and for L·q_j steps by chance alone. The background is j's failure
 * rate r_j outside i's windows (other faults included): the excess of the measured counts over
 * it (affected agents, and failing steps of the others, per onset) is what i's faults add. With
 * frequent background failures nearly every agent fails somewhere in a long horizon by chance, so
 * the excess failing steps are the sharper figure. `meanDuration` is the offset of the last
 * failure of another agent in the window, plus one (background failures included).
 *
 * Besides the product of the measured rates, the independence prediction is also given from each
 * agent's isolated rate: its success rate on steps when no *other* agent had an event fault within
 * the horizon (its own faults included). In a chain, downstream marginals already contain upstream
 * failures, so only the isolated product is the "each agent is x % reliable" prediction.
 */
import type { VecEngine } from '../core/engine.js';
import type { World } from '../core/world.js';
import type { CompiledCondition, CompiledReliability } from './compile.js';
import type { StateArray } from './state.js';

/** A rate with its 95% Wilson interval. */
export interface Rate {
  rate: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  successes: number;
  trials: number;
}

/** Rate of `s` successes in `n` trials with its 95% Wilson score interval. */
export function wilson(s: number, n: number): Rate {
  if (n === 0) return { rate: null, ciLow: null, ciHigh: null, successes: s, trials: n };
  const z = 1.959963984540054;
  const p = s / n;
  const den = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return { rate: p, ciLow: Math.max(0, centre - half), ciHigh: Math.min(1, centre + half), successes: s, trials: n };
}

/** Success flags, rates and cascade windows of one seed run. */
export class Reliability {
  /** Per agent × copy: 1 when the agent has a criterion and failed it this step. */
  readonly fail: Uint8Array;
  private readonly nA: number;
  private readonly numEnvs: number;
  private readonly H: number;
  private readonly has: Uint8Array;
  // Rates: index nA is the team. Totals and the current window.
  private readonly succ: Float64Array;
  private readonly winSucc: Float64Array;
  private trials = 0;
  private winTrials = 0;
  private readonly epSteps: Int32Array;
  private readonly epSucc: Int32Array;
  // Cascade windows, per source i and copy b (failure counts per target j).
  private readonly open: Uint8Array;
  private readonly start: Int32Array;
  private readonly lastAny: Int32Array;
  private readonly winFail: Int32Array;
  private readonly winFirst: Int32Array;
  private readonly lastEvent: Float64Array;
  // Cascade totals per source i (and per target j).
  private readonly onsets: Float64Array;
  private readonly affected: Float64Array;
  private readonly duration: Float64Array;
  private readonly failSteps: Float64Array;
  private readonly affectedBy: Float64Array;
  private readonly firstSum: Float64Array;
  private readonly lengths: Float64Array;
  private quietSteps = 0;
  private readonly quietFail: Float64Array;
  private readonly inWinSteps: Float64Array;
  private readonly inWinFail: Float64Array;
  private readonly totalFail: Float64Array;
  private liveSteps = 0;
  private readonly agentEvent: Float64Array;
  private readonly isoTrials: Float64Array;
  private readonly isoSucc: Float64Array;

  constructor(private readonly world: World, numEnvs: number, private readonly cfg: CompiledReliability) {
    const nA = world.agents.length;
    this.nA = nA;
    this.numEnvs = numEnvs;
    this.H = cfg.horizon;
    this.has = Uint8Array.from(cfg.criteria, (c) => (c ? 1 : 0));
    this.fail = new Uint8Array(nA * numEnvs);
    this.succ = new Float64Array(nA + 1);
    this.winSucc = new Float64Array(nA + 1);
    this.epSteps = new Int32Array(numEnvs);
    this.epSucc = new Int32Array((nA + 1) * numEnvs);
    this.open = new Uint8Array(nA * numEnvs);
    this.start = new Int32Array(nA * numEnvs);
    this.lastAny = new Int32Array(nA * numEnvs);
    this.winFail = new Int32Array(nA * nA * numEnvs);
    this.winFirst = new Int32Array(nA * nA * numEnvs);
    this.lastEvent = new Float64Array(numEnvs).fill(-Infinity);
    this.onsets = new Float64Array(nA);
    this.affected = new Float64Array(nA);
    this.duration = new Float64Array(nA);
    this.failSteps = new Float64Array(nA * nA);
    this.affectedBy = new Float64Array(nA * nA);
    this.firstSum = new Float64Array(nA * nA);
    this.lengths = new Float64Array(nA * (this.H + 1));
    this.quietFail = new Float64Array(nA);
    this.inWinSteps = new Float64Array(nA);
    this.inWinFail = new Float64Array(nA * nA);
    this.totalFail = new Float64Array(nA);
    this.agentEvent = new Float64Array(nA * numEnvs).fill(-Infinity);
    this.isoTrials = new Float64Array(nA);
    this.isoSucc = new Float64Array(nA);
  }

  private holds(conds: readonly CompiledCondition[], engine: VecEngine, i: number, b: number): boolean {
    const nK = this.world.kpis.length;
    for (let c = 0; c < conds.length; c++) {
      const cond = conds[c]!;
      const v = cond.source === 'kpi' ? engine.kpis[b * nK + cond.index]! : engine.rewards[i]![b * this.world.rewardComponents[i]!.length + cond.index]!;
      if (!(v >= cond.lo && v <= cond.hi)) return false;
    }
    return true;
  }

  /**
   * Score the step the engine just took (before autoreset). `event[i·numEnvs+b]` is 1 when an
   * event fault is active at agent i, `onset` when one starts; `clock[b]` is the step's episode step.
   */
  step(engine: VecEngine, event: Uint8Array, onset: Uint8Array, clock: Int32Array): void {
    const { nA, numEnvs, cfg } = this;
    const episode = cfg.unit === 'episode';
    for (let b = 0; b < numEnvs; b++) {
      if (engine.wasReset[b] === 1) continue;
      let all = 1;
      for (let i = 0; i < nA; i++) {
        const conds = cfg.criteria[i];
        if (!conds) continue;
        const ok = this.holds(conds, engine, i, b) ? 1 : 0;
        this.fail[i * numEnvs + b] = 1 - ok;
        all &= ok;
        if (episode) this.epSucc[i * numEnvs + b]! += ok;
        else (this.succ[i]! += ok), (this.winSucc[i]! += ok);
      }
      const team = cfg.team ? (this.holds(cfg.team, engine, 0, b) ? 1 : 0) : all;
      if (episode) {
        this.epSucc[nA * numEnvs + b]! += team;
        this.epSteps[b]!++;
      } else {
        this.succ[nA]! += team;
        this.winSucc[nA]! += team;
        this.trials++;
        this.winTrials++;
      }
      this.cascade(b, clock[b]!, event, onset);
    }
  }

  private cascade(b: number, t: number, event: Uint8Array, onset: Uint8Array): void {
    const { nA, numEnvs, H } = this;
    let anyEvent = false;
    // Isolation needs the latest event among the *other* agents: keep the two latest (O(nA), not O(nA²)).
    let top = -Infinity;
    let second = -Infinity;
    let topAgent = -1;
    this.liveSteps++;
    for (let i = 0; i < nA; i++) {
      const w = i * numEnvs + b;
      this.totalFail[i]! += this.fail[w]!;
      if (event[w] === 1) this.agentEvent[w] = t;
      const v = this.agentEvent[w]!;
      if (v > top) (second = top), (top = v), (topAgent = i);
      else if (v > second) second = v;
    }
    for (let i = 0; i < nA; i++) {
      if (this.has[i] === 0 || t - (i === topAgent ? second : top) <= H) continue;
      this.isoTrials[i]!++;
      this.isoSucc[i]! += 1 - this.fail[i * numEnvs + b]!;
    }
    for (let i = 0; i < nA; i++) {
      const w = i * numEnvs + b;
      if (event[w] === 1) anyEvent = true;
      if (onset[w] === 1) {
        if (this.open[w] === 1) this.close(i, b, t - this.start[w]!);
        this.open[w] = 1;
        this.start[w] = t;
        this.lastAny[w] = -1;
        for (let j = 0; j < nA; j++) {
          this.winFail[(i * nA + j) * numEnvs + b] = 0;
          this.winFirst[(i * nA + j) * numEnvs + b] = -1;
        }
      }
      const off = t - this.start[w]!;
      if (this.open[w] === 1 && off >= H) this.close(i, b, H);
      if (this.open[w] === 0) continue;
      this.inWinSteps[i]!++;
      for (let j = 0; j < nA; j++) {
        if (this.has[j] === 0 || this.fail[j * numEnvs + b] === 0) continue;
        this.inWinFail[i * nA + j]!++;
        const at = (i * nA + j) * numEnvs + b;
        this.winFail[at]!++;
        if (this.winFirst[at] === -1) this.winFirst[at] = off;
        if (j !== i) this.lastAny[w] = off;
      }
    }
    if (anyEvent) this.lastEvent[b] = t;
    else if (t - this.lastEvent[b]! > H) {
      this.quietSteps++;
      for (let j = 0; j < nA; j++) this.quietFail[j]! += this.fail[j * numEnvs + b]!;
    }
  }

  /** Fold copy b's window of source i (observed for `length` steps) into the totals. */
  private close(i: number, b: number, length: number): void {
    const { nA, numEnvs } = this;
    const w = i * numEnvs + b;
    this.open[w] = 0;
    this.onsets[i]!++;
    this.lengths[i * (this.H + 1) + Math.min(length, this.H)]!++;
    this.duration[i]! += this.lastAny[w]! >= 0 ? this.lastAny[w]! + 1 : 0;
    for (let j = 0; j < nA; j++) {
      const at = (i * nA + j) * numEnvs + b;
      const f = this.winFail[at]!;
      this.failSteps[i * nA + j]! += f;
      if (f > 0 && j !== i) {
        this.affected[i]!++;
        this.affectedBy[i * nA + j]!++;
        this.firstSum[i * nA + j]! += this.winFirst[at]!;
      }
    }
  }

  /** Copy b's episode ended (before autoreset): score it (episode unit) and close its windows. */
  endEpisode(b: number, t: number): void {
    const { nA, numEnvs, cfg } = this;
    if (cfg.unit === 'episode' && this.epSteps[b]! > 0) {
      const need = cfg.episodeShare * this.epSteps[b]! - 1e-9;
      let all = 1;
      for (let i = 0; i < nA; i++) {
        if (!cfg.criteria[i]) continue;
        const ok = this.epSucc[i * numEnvs + b]! >= need ? 1 : 0;
        all &= ok;
        this.succ[i]! += ok;
        this.winSucc[i]! += ok;
      }
      const team = cfg.team ? (this.epSucc[nA * numEnvs + b]! >= need ? 1 : 0) : all;
      this.succ[nA]! += team;
      this.winSucc[nA]! += team;
      this.trials++;
      this.winTrials++;
    }
    this.epSteps[b] = 0;
    for (let i = 0; i <= nA; i++) this.epSucc[i * numEnvs + b] = 0;
    for (let i = 0; i < nA; i++) if (this.open[i * numEnvs + b] === 1) this.close(i, b, t + 1 - this.start[i * numEnvs + b]!);
    this.lastEvent[b] = -Infinity;
    for (let i = 0; i < nA; i++) this.agentEvent[i * numEnvs + b] = -Infinity;
  }

  /** Every array holding state (scalars packed into one), for checkpoints; call `syncScalars` after restoring. */
  stateArrays(): StateArray[] {
    this.scalars[0] = this.trials;
    this.scalars[1] = this.winTrials;
    this.scalars[2] = this.quietSteps;
    this.scalars[3] = this.liveSteps;
    return [this.fail, this.succ, this.winSucc, this.epSteps, this.epSucc, this.open, this.start, this.lastAny, this.winFail, this.winFirst, this.lastEvent,
      this.onsets, this.affected, this.duration, this.failSteps, this.affectedBy, this.firstSum, this.lengths, this.quietFail, this.inWinSteps, this.inWinFail, this.totalFail,
      this.agentEvent, this.isoTrials, this.isoSucc, this.scalars];
  }

  /** Take the scalars back from the packed array after a restore. */
  syncScalars(): void {
    this.trials = this.scalars[0]!;
    this.winTrials = this.scalars[1]!;
    this.quietSteps = this.scalars[2]!;
    this.liveSteps = this.scalars[3]!;
  }

  private readonly scalars = new Float64Array(4);

  /** Add this window's `reliability/…` keys to a metrics row and start a new window. */
  flushWindow(row: Record<string, number>): void {
    if (this.winTrials > 0) {
      let product = 1;
      this.world.agents.forEach((a, i) => {
        if (this.has[i] === 0) return;
        const p = this.winSucc[i]! / this.winTrials;
        row[`reliability/${a.id}`] = p;
        product *= p;
      });
      row['reliability/team'] = this.winSucc[this.nA]! / this.winTrials;
      row['reliability/independence'] = product;
    }
    this.winSucc.fill(0);
    this.winTrials = 0;
  }

  /** summary.json `metrics.reliability`; closes windows still open at `clock`. */
  summary(clock: Int32Array): Record<string, unknown> {
    const { nA, numEnvs, H } = this;
    for (let b = 0; b < numEnvs; b++)
      for (let i = 0; i < nA; i++) if (this.open[i * numEnvs + b] === 1) this.close(i, b, clock[b]! - this.start[i * numEnvs + b]!);
    const ids = this.world.agents.map((a) => a.id);
    const agents: Record<string, Rate> = {};
    let product = 1;
    for (let i = 0; i < nA; i++) {
      if (this.has[i] === 0) continue;
      agents[ids[i]!] = wilson(this.succ[i]!, this.trials);
      product *= this.trials > 0 ? this.succ[i]! / this.trials : NaN;
    }
    const team = wilson(this.succ[nA]!, this.trials);
    const q = Array.from(this.quietFail, (f) => (this.quietSteps > 0 ? f / this.quietSteps : NaN));
    const sources: Record<string, unknown> = {};
    let onsets = 0;
    let affected = 0;
    let duration = 0;
    let baselineAffected = 0;
    let backgroundAffected = 0;
    let othersFail = 0;
    let backgroundFail = 0;
    for (let i = 0; i < nA; i++) {
      const n = this.onsets[i]!;
      if (n === 0) continue;
      onsets += n;
      affected += this.affected[i]!;
      duration += this.duration[i]!;
      const others: Record<string, unknown> = {};
      let base = 0;
      let back = 0;
      let fails = 0;
      let backFails = 0;
      const bg = this.liveSteps - this.inWinSteps[i]!;
      for (let j = 0; j < nA; j++) {
        if (this.has[j] === 0 || j === i) continue;
        const r = bg > 0 ? (this.totalFail[j]! - this.inWinFail[i * nA + j]!) / bg : NaN;
        let pAny = 0;
        let steps = 0;
        let bAny = 0;
        let bSteps = 0;
        for (let L = 1; L <= H; L++) {
          const c = this.lengths[i * (H + 1) + L]!;
          pAny += c * (1 - (1 - q[j]!) ** L);
          steps += c * L * q[j]!;
          bAny += c * (1 - (1 - r) ** L);
          bSteps += c * L * r;
        }
        base += pAny / n;
        back += bAny / n;
        fails += this.failSteps[i * nA + j]! / n;
        backFails += bSteps / n;
        others[ids[j]!] = {
          affectedShare: this.affectedBy[i * nA + j]! / n,
          quietAffectedShare: this.quietSteps > 0 ? pAny / n : null,
          backgroundAffectedShare: bg > 0 ? bAny / n : null,
          meanFailureSteps: this.failSteps[i * nA + j]! / n,
          quietFailureSteps: this.quietSteps > 0 ? steps / n : null,
          backgroundFailureSteps: bg > 0 ? bSteps / n : null,
          meanFirstFailure: this.affectedBy[i * nA + j]! > 0 ? this.firstSum[i * nA + j]! / this.affectedBy[i * nA + j]! : null,
        };
      }
      baselineAffected += base * n;
      backgroundAffected += back * n;
      othersFail += fails * n;
      backgroundFail += backFails * n;
      sources[ids[i]!] = {
        onsets: n,
        meanAffected: this.affected[i]! / n,
        quietAffected: this.quietSteps > 0 ? base : null,
        backgroundAffected: bg > 0 ? back : null,
        excessAffected: bg > 0 ? this.affected[i]! / n - back : null,
        meanFailureSteps: fails,
        backgroundFailureSteps: bg > 0 ? backFails : null,
        excessFailureSteps: bg > 0 ? fails - backFails : null,
        meanDuration: this.duration[i]! / n,
        meanSelfFailureSteps: this.has[i] === 1 ? this.failSteps[i * nA + i]! / n : null,
        others,
      };
    }
    const pred = this.trials > 0 ? product : null;
    const isolated: Record<string, Rate> = {};
    let isoProduct: number | null = this.cfg.unit === 'step' ? 1 : null;
    for (let i = 0; i < nA; i++) {
      if (this.has[i] === 0) continue;
      isolated[ids[i]!] = wilson(this.isoSucc[i]!, this.isoTrials[i]!);
      if (isoProduct !== null) isoProduct = this.isoTrials[i]! > 0 ? isoProduct * (this.isoSucc[i]! / this.isoTrials[i]!) : null;
    }
    return {
      unit: this.cfg.unit,
      agents,
      team,
      independencePrediction: pred,
      teamMinusPrediction: pred !== null && team.rate !== null ? team.rate - pred : null,
      teamOverPrediction: pred !== null && pred > 0 && team.rate !== null ? team.rate / pred : null,
      isolated,
      isolatedPrediction: isoProduct,
      teamMinusIsolatedPrediction: isoProduct !== null && team.rate !== null ? team.rate - isoProduct : null,
      cascade: {
        horizon: H,
        onsets,
        meanAffected: onsets > 0 ? affected / onsets : null,
        quietAffected: onsets > 0 && this.quietSteps > 0 ? baselineAffected / onsets : null,
        backgroundAffected: onsets > 0 ? backgroundAffected / onsets : null,
        excessAffected: onsets > 0 ? (affected - backgroundAffected) / onsets : null,
        meanFailureSteps: onsets > 0 ? othersFail / onsets : null,
        backgroundFailureSteps: onsets > 0 ? backgroundFail / onsets : null,
        excessFailureSteps: onsets > 0 ? (othersFail - backgroundFail) / onsets : null,
        meanDuration: onsets > 0 ? duration / onsets : null,
        quietSteps: this.quietSteps,
        quietFailureRate: Object.fromEntries(ids.flatMap((id, j) => (this.has[j] === 1 ? [[id, this.quietSteps > 0 ? q[j]! : null]] : []))),
        sources,
      },
    };
  }
}
