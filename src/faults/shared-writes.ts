/**
 * Passing ships (issue 18, item 3): one agent's decision is made by several workers acting on their
 * own clocks, who read shared state and write a commitment back later. The shared state is the
 * agent's action register for the step (the purchase-plan line the world executes: an order, a
 * reservation); a worker reads (what the agent observes and the register's version) at its tick and
 * its commitment lands `latency` steps later. Between the read and the write other workers may
 * commit, so the classic read-modify-write races appear:
 *
 *   lostUpdate    two commitments land in the same step: the later overwrites the earlier, which
 *                 never reaches the world;
 *   doubleOrder   a commitment reaches the world although it was made from a read older than
 *                 another commitment that did (it was sized for a gap someone already filled);
 *   conflict      a commitment refused at write time because the version moved (versioned only:
 *                 the race detected instead of suffered).
 *
 * Protocols (the fixes practitioners use):
 *
 *   none       blind writes (last writer wins);
 *   versioned  optimistic concurrency: a write succeeds only if the register's version is the one
 *              read; otherwise the worker re-reads next step and tries again, up to `maxRetries`
 *              times, then gives up (`aborted`: that commitment is never made);
 *   lock       a worker takes the register's lock to read and holds it until its write lands;
 *              others wait (`lockWaitSteps`) and read only after the release;
 *   event-log  workers append intents to a log; one reducer applies the intents landing in a step
 *              together, re-deriving the decision against the state at apply time (intents are
 *              idempotent "bring to target" commands, not deltas), so concurrent intents merge
 *              (`mergedIntents`) instead of adding up.
 *
 * A worker whose decision is the world's no-op commits nothing (nothing to write). A tick that comes
 * while the worker is still busy is skipped (`skippedTicks`). With no commitment landing, the world
 * gets the no-op. Worker w's first tick is at floor(w·cadence/workers) + jitter draw; each tick
 * schedules the next at + cadence + U{0..jitter}. All draws come from the injection's stream.
 */
import { nextInt } from '../core/rng.js';
import type { StateArray } from './state.js';

/** Concurrency control on the shared register. */
export type SharedWriteProtocol = 'none' | 'versioned' | 'lock' | 'event-log';

/** Counter names, in the order of `SharedWrites.stats`. */
export const SHARED_WRITE_STATS = [
  'reads',
  'commits',
  'lostUpdates',
  'doubleOrders',
  'conflicts',
  'retries',
  'aborted',
  'lockWaitSteps',
  'mergedIntents',
  'skippedTicks',
  'readToWriteSteps',
] as const;
const S = Object.fromEntries(SHARED_WRITE_STATS.map((n, k) => [n, k])) as Record<(typeof SHARED_WRITE_STATS)[number], number>;

const IDLE = 0;
const WAITING = 1;
const WRITING = 2;

/** Parameters of one shared-writes injection for one agent. */
export interface SharedWritesParams {
  readonly workers: number;
  readonly cadence: number;
  readonly jitter: number;
  readonly latency: number;
  readonly protocol: SharedWriteProtocol;
  readonly maxRetries: number;
}

/** One agent's workers and register, across copies. */
export class SharedWrites {
  /** Counters summed over copies, in SHARED_WRITE_STATS order. */
  readonly stats = new Float64Array(SHARED_WRITE_STATS.length);
  private readonly W: number;
  private readonly A: number;
  /** Per worker × copy: step of the next tick, phase, when its write lands, version and step it read, retries so far. */
  private readonly next: Int32Array;
  private readonly phase: Uint8Array;
  private readonly writeAt: Int32Array;
  private readonly readVer: Int32Array;
  private readonly readStep: Int32Array;
  private readonly tries: Int32Array;
  /** Per worker × copy: the commitment it will write (A values). */
  private readonly act: Float64Array;
  /** Per copy: register version, lock holder (−1: free), step of the last commitment that reached the world. */
  private readonly version: Int32Array;
  private readonly lock: Int32Array;
  private readonly lastCommit: Int32Array;
  /** Per copy: whether a lost update or double order happened this step (a fault event). */
  readonly incident: Uint8Array;

  constructor(
    private readonly p: SharedWritesParams,
    actionSize: number,
    private readonly numEnvs: number,
    private readonly rng: Uint32Array,
  ) {
    const W = p.workers;
    this.W = W;
    this.A = actionSize;
    this.next = new Int32Array(W * numEnvs);
    this.phase = new Uint8Array(W * numEnvs);
    this.writeAt = new Int32Array(W * numEnvs);
    this.readVer = new Int32Array(W * numEnvs);
    this.readStep = new Int32Array(W * numEnvs);
    this.tries = new Int32Array(W * numEnvs);
    this.act = new Float64Array(W * numEnvs * actionSize);
    this.version = new Int32Array(numEnvs);
    this.lock = new Int32Array(numEnvs);
    this.lastCommit = new Int32Array(numEnvs);
    this.incident = new Uint8Array(numEnvs);
  }

  /** Start copy b's episode: workers idle with fresh clocks, register at version 0 and unlocked. */
  resetCopy(b: number): void {
    const { W, numEnvs, p } = this;
    for (let w = 0; w < W; w++) {
      const at = w * numEnvs + b;
      this.phase[at] = IDLE;
      this.tries[at] = 0;
      this.next[at] = Math.floor((w * p.cadence) / W) + this.draw();
    }
    this.version[b] = 0;
    this.lock[b] = -1;
    this.lastCommit[b] = -1;
  }

  /**
   * Copy b at episode step t: `decision[off..]` is what the agent's policy chooses on what it sees
   * now, `noop[noopOff..]` the world's no-op; writes the action the world executes to `out[off..]`.
   */
  step(b: number, t: number, decision: Float64Array, off: number, noop: Float64Array, noopOff: number, out: Float64Array): void {
    const { W, A, numEnvs, p, stats } = this;
    this.incident[b] = 0;
    for (let k = 0; k < A; k++) out[off + k] = noop[noopOff + k]!;
    // Reads first: what a worker sees at t does not include the commitments landing at t. Workers
    // waiting for the lock go before new ticks (in worker order), so nobody waits forever.
    for (let w = 0; w < W; w++) {
      const at = w * numEnvs + b;
      if (this.phase[at] !== WAITING) continue;
      if (this.lock[b] === -1) this.read(w, at, b, t, decision, off);
      else stats[S.lockWaitSteps]!++;
    }
    for (let w = 0; w < W; w++) {
      const at = w * numEnvs + b;
      const ph = this.phase[at]!;
      const due = this.next[at] === t;
      if (due) this.next[at] = t + p.cadence + this.draw();
      if (ph === WAITING || (ph === WRITING && this.readStep[at] === t)) {
        if (due) stats[S.skippedTicks]!++;
      } else if (due) {
        if (ph !== IDLE) stats[S.skippedTicks]!++;
        else if (p.protocol === 'lock' && this.lock[b] !== -1) {
          this.phase[at] = WAITING;
          stats[S.lockWaitSteps]!++;
        } else this.read(w, at, b, t, decision, off);
      }
    }
    let landed = -1;
    let intents = 0;
    for (let w = 0; w < W; w++) {
      const at = w * numEnvs + b;
      if (this.phase[at] !== WRITING || this.writeAt[at] !== t) continue;
      this.phase[at] = IDLE;
      if (this.lock[b] === w) this.lock[b] = -1;
      if (isNoop(this.act, at * A, noop, noopOff, A)) continue;
      if (p.protocol === 'event-log') {
        intents++;
        continue;
      }
      if (p.protocol === 'versioned' && this.readVer[at] !== this.version[b]) {
        stats[S.conflicts]!++;
        if (this.tries[at]! < p.maxRetries) {
          this.tries[at]!++;
          stats[S.retries]!++;
          this.next[at] = t + 1;
        } else {
          this.tries[at] = 0;
          stats[S.aborted]!++;
        }
        continue;
      }
      this.tries[at] = 0;
      if (landed >= 0) {
        stats[S.lostUpdates]!++;
        this.incident[b] = 1;
      }
      landed = w;
      this.version[b]!++;
      for (let k = 0; k < A; k++) out[off + k] = this.act[at * A + k]!;
    }
    if (p.protocol === 'event-log') {
      if (intents === 0) return;
      stats[S.mergedIntents]! += intents - 1;
      this.version[b]!++;
      if (isNoop(decision, off, noop, noopOff, A)) return;
      for (let k = 0; k < A; k++) out[off + k] = decision[off + k]!;
      this.commit(b, t, t);
      return;
    }
    if (landed < 0) return;
    const at = landed * numEnvs + b;
    if (this.lastCommit[b]! >= this.readStep[at]!) {
      stats[S.doubleOrders]!++;
      this.incident[b] = 1;
    }
    this.commit(b, t, this.readStep[at]!);
  }

  private commit(b: number, t: number, readAt: number): void {
    this.stats[S.commits]!++;
    this.stats[S.readToWriteSteps]! += t - readAt;
    this.lastCommit[b] = t;
  }

  private read(w: number, at: number, b: number, t: number, decision: Float64Array, off: number): void {
    const A = this.A;
    this.stats[S.reads]!++;
    if (this.p.protocol === 'lock') this.lock[b] = w;
    this.phase[at] = WRITING;
    this.writeAt[at] = t + this.p.latency;
    this.readVer[at] = this.version[b]!;
    this.readStep[at] = t;
    for (let k = 0; k < A; k++) this.act[at * A + k] = decision[off + k]!;
  }

  private draw(): number {
    return this.p.jitter > 0 ? nextInt(this.rng, this.p.jitter + 1) : 0;
  }

  /** Counters as a record (summary.json), with the mean read-to-write staleness of commitments. */
  summary(): Record<string, number | string> {
    const out: Record<string, number | string> = { protocol: this.p.protocol, workers: this.p.workers };
    SHARED_WRITE_STATS.forEach((n, k) => {
      if (n !== 'readToWriteSteps') out[n] = this.stats[k]!;
    });
    out['meanReadToWrite'] = this.stats[S.commits]! > 0 ? this.stats[S.readToWriteSteps]! / this.stats[S.commits]! : 0;
    return out;
  }

  /** Every array holding state, for checkpoints. */
  stateArrays(): StateArray[] {
    return [
      this.stats,
      this.next,
      this.phase,
      this.writeAt,
      this.readVer,
      this.readStep,
      this.tries,
      this.act,
      this.version,
      this.lock,
      this.lastCommit,
      this.incident,
      this.rng,
    ];
  }
}

function isNoop(a: Float64Array, off: number, noop: Float64Array, noopOff: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[off + k] !== noop[noopOff + k]) return false;
  return true;
}
