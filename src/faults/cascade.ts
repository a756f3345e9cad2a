/**
 * Cascade windows and isolated rates.
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
 * Isolated rates: each agent's success rate on steps when no *other* agent had an event fault
 * within the horizon (see reliability.ts).
 */
import type { StateArray } from './state.js';
import { wilson, type Rate } from './wilson.js';

/** Cascade accounting of one seed run. */
export class Cascade {
  private readonly nA: number;
  private readonly numEnvs: number;
  private readonly H: number;
  // Open windows, per source i and copy b (failure counts per target j).
  private readonly open: Uint8Array;
  private readonly start: Int32Array;
  private readonly lastAny: Int32Array;
  private readonly winFail: Int32Array;
  private readonly winFirst: Int32Array;
  private readonly lastEvent: Float64Array;
  private readonly agentEvent: Float64Array;
  // Totals per source i (and per target j).
  private readonly onsets: Float64Array;
  private readonly affected: Float64Array;
  private readonly duration: Float64Array;
  private readonly failSteps: Float64Array;
  private readonly affectedBy: Float64Array;
  private readonly firstSum: Float64Array;
  private readonly lengths: Float64Array;
  private readonly quietFail: Float64Array;
  private readonly inWinSteps: Float64Array;
  private readonly inWinFail: Float64Array;
  private readonly totalFail: Float64Array;
  private readonly isoTrials: Float64Array;
  private readonly isoSucc: Float64Array;
  /** quietSteps, liveSteps. */
  private readonly counters = new Float64Array(2);

  /** `has[j]` = 1 for agents with a success criterion; `fail` is shared with the caller (agent × copy). */
  constructor(
    private readonly has: Uint8Array,
    private readonly fail: Uint8Array,
    numEnvs: number,
    horizon: number,
  ) {
    const nA = has.length;
    this.nA = nA;
    this.numEnvs = numEnvs;
    this.H = horizon;
    this.open = new Uint8Array(nA * numEnvs);
    this.start = new Int32Array(nA * numEnvs);
    this.lastAny = new Int32Array(nA * numEnvs);
    this.winFail = new Int32Array(nA * nA * numEnvs);
    this.winFirst = new Int32Array(nA * nA * numEnvs);
    this.lastEvent = new Float64Array(numEnvs).fill(-Infinity);
    this.agentEvent = new Float64Array(nA * numEnvs).fill(-Infinity);
    this.onsets = new Float64Array(nA);
    this.affected = new Float64Array(nA);
    this.duration = new Float64Array(nA);
    this.failSteps = new Float64Array(nA * nA);
    this.affectedBy = new Float64Array(nA * nA);
    this.firstSum = new Float64Array(nA * nA);
    this.lengths = new Float64Array(nA * (horizon + 1));
    this.quietFail = new Float64Array(nA);
    this.inWinSteps = new Float64Array(nA);
    this.inWinFail = new Float64Array(nA * nA);
    this.totalFail = new Float64Array(nA);
    this.isoTrials = new Float64Array(nA);
    this.isoSucc = new Float64Array(nA);
  }

  /** Account copy b's step at episode step t (after the failure flags were set). */
  step(b: number, t: number, event: Uint8Array, onset: Uint8Array): void {
    const { nA, numEnvs, H } = this;
    let anyEvent = false;
    // Isolation needs the latest event among the *other* agents: keep the two latest (O(nA), not O(nA²)).
    let top = -Infinity;
    let second = -Infinity;
    let topAgent = -1;
    this.counters[1]!++;
    for (let i = 0; i < nA; i++) {
      const w = i * numEnvs + b;
      this.totalFail[i]! += this.fail[w]!;
      if (event[w] === 1) this.agentEvent[w] = t;
      const v = this.agentEvent[w]!;
      if (v > top) ((second = top), (top = v), (topAgent = i));
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
      this.counters[0]!++;
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

  /** Copy b's episode ended at episode step t: close its windows; the next episode starts quiet. */
  endEpisode(b: number, t: number): void {
    const { nA, numEnvs } = this;
    for (let i = 0; i < nA; i++) if (this.open[i * numEnvs + b] === 1) this.close(i, b, t + 1 - this.start[i * numEnvs + b]!);
    this.lastEvent[b] = -Infinity;
    for (let i = 0; i < nA; i++) this.agentEvent[i * numEnvs + b] = -Infinity;
  }

  /** Every array holding state, for checkpoints. */
  stateArrays(): StateArray[] {
    return [
      this.open,
      this.start,
      this.lastAny,
      this.winFail,
      this.winFirst,
      this.lastEvent,
      this.agentEvent,
      this.onsets,
      this.affected,
      this.duration,
      this.failSteps,
      this.affectedBy,
      this.firstSum,
      this.lengths,
      this.quietFail,
      this.inWinSteps,
      this.inWinFail,
      this.totalFail,
      this.isoTrials,
      this.isoSucc,
      this.counters,
    ];
  }

  /** Isolated rates and their product (null for episode units, where steps are not the unit). */
  isolated(ids: readonly string[], stepUnit: boolean): { isolated: Record<string, Rate>; isolatedPrediction: number | null } {
    const { nA } = this;
    const isolated: Record<string, Rate> = {};
    let isoProduct: number | null = stepUnit ? 1 : null;
    for (let i = 0; i < nA; i++) {
      if (this.has[i] === 0) continue;
      isolated[ids[i]!] = wilson(this.isoSucc[i]!, this.isoTrials[i]!);
      if (isoProduct !== null) isoProduct = this.isoTrials[i]! > 0 ? isoProduct * (this.isoSucc[i]! / this.isoTrials[i]!) : null;
    }
    return { isolated, isolatedPrediction: isoProduct };
  }

  /** summary.json `metrics.reliability.cascade`; first closes windows still open at `clock`. */
  summary(ids: readonly string[], clock: Int32Array): Record<string, unknown> {
    const { nA, numEnvs, H } = this;
    for (let b = 0; b < numEnvs; b++)
      for (let i = 0; i < nA; i++) if (this.open[i * numEnvs + b] === 1) this.close(i, b, clock[b]! - this.start[i * numEnvs + b]!);
    const quietSteps = this.counters[0]!;
    const liveSteps = this.counters[1]!;
    const q = Array.from(this.quietFail, (f) => (quietSteps > 0 ? f / quietSteps : NaN));
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
      const bg = liveSteps - this.inWinSteps[i]!;
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
          quietAffectedShare: quietSteps > 0 ? pAny / n : null,
          backgroundAffectedShare: bg > 0 ? bAny / n : null,
          meanFailureSteps: this.failSteps[i * nA + j]! / n,
          quietFailureSteps: quietSteps > 0 ? steps / n : null,
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
        quietAffected: quietSteps > 0 ? base : null,
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
    return {
      horizon: H,
      onsets,
      meanAffected: onsets > 0 ? affected / onsets : null,
      quietAffected: onsets > 0 && quietSteps > 0 ? baselineAffected / onsets : null,
      backgroundAffected: onsets > 0 ? backgroundAffected / onsets : null,
      excessAffected: onsets > 0 ? (affected - backgroundAffected) / onsets : null,
      meanFailureSteps: onsets > 0 ? othersFail / onsets : null,
      backgroundFailureSteps: onsets > 0 ? backgroundFail / onsets : null,
      excessFailureSteps: onsets > 0 ? (othersFail - backgroundFail) / onsets : null,
      meanDuration: onsets > 0 ? duration / onsets : null,
      quietSteps,
      quietFailureRate: Object.fromEntries(ids.flatMap((id, j) => (this.has[j] === 1 ? [[id, quietSteps > 0 ? q[j]! : null]] : []))),
      sources,
    };
  }
}
