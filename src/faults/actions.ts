/**
 * Action faults and guards: what the world receives instead of what each policy chose. Per agent
 * and copy, in this fixed order:
 *
 *   0. adversary: while the agent is compromised its decision is the adversary's (adversary.ts);
 *      shared writes: the decision reaches the world through workers' racing commitments
 *      (shared-writes.ts; an agent has either these or an action delay);
 *   1. action delay: the chosen action arrives `delay` steps late (always, or with a probability);
 *      the world gets the freshest action that has arrived (the no-op before any has); its age is
 *      the number of steps it is late;
 *   2. dropout: while out the agent gives no response and the dropout's fallback acts;
 *   3. corruption: with a probability the action is pushed out of range, garbled or randomised;
 *   4. validation (agents with corruption): an action outside the space is clamped into it or
 *      rejected (the no-op acts), and counted as such;
 *   5. timeout guard: an action older than `maxDelay` steps, or none, is replaced by its fallback;
 *   6. circuit breaker: while open, its fallback acts.
 *
 * A policy that failed to answer (an external process that timed out or crashed, see
 * Policy.unreliable) counts as out at step 2, with its own fallback.
 *
 * Policies write into `intended`; executed actions go to the engine's action buffers, which is what
 * learners are shown (the action actually taken). Agents with none of these keep writing straight
 * into the engine's buffers.
 */
import type { VecEngine } from '../core/engine.js';
import { nextFloat, nextInt, Rng } from '../core/rng.js';
import { contains, sampleInto, type Space } from '../core/spaces.js';
import type { World } from '../core/world.js';
import type { CompiledFallback, CompiledFaults } from './compile.js';
import { Fallback } from './fallback.js';
import { CircuitBreaker, COUNT } from './guards.js';
import { Adversary } from './adversary.js';
import { SharedWrites } from './shared-writes.js';
import { KIND } from './kinds.js';
import type { StateArray } from './state.js';

interface DelayPipe {
  readonly d: number;
  readonly p: number;
  readonly rng: Uint32Array;
  readonly D: number;
  readonly acts: Float64Array;
  readonly arrival: Int32Array;
  readonly produced: Int32Array;
  readonly cur: Float64Array;
  readonly curProduced: Int32Array;
}

interface Dropout {
  readonly agents: readonly number[];
  readonly window: { start: number; end: number; run: boolean } | null;
  readonly p: number;
  readonly duration: number;
  readonly correlated: boolean;
  readonly rng: Uint32Array;
  /** Per unit (agent slot, or one when correlated) and copy: 1 when out this step. */
  readonly out: Uint8Array;
  readonly remaining: Int32Array;
  readonly fallbacks: readonly Fallback[];
}

interface Corruption {
  readonly p: number;
  readonly mode: 'out-of-range' | 'garbled' | 'random';
  readonly reject: boolean;
  readonly rng: Uint32Array;
}

/** A policy that can fail to answer (Policy.unreliable), with its compiled fallback. */
export interface Responder {
  readonly noResponse: Uint8Array;
  readonly fallback: CompiledFallback;
}

/** Per-agent counters (copy-steps). */
export const ACTION_STATS = ['corrupted', 'invalid', 'clamped', 'rejected', 'noResponse', 'late', 'timeouts'] as const;

/** The action side of the fault layer. */
export class ActionFaults {
  /** Per agent: whether its actions go through a pipeline. */
  readonly piped: boolean[];
  /** Per agent: where its policy writes (the engine's buffer when not piped). */
  readonly intended: Float64Array[];
  /** Per agent: counters, in ACTION_STATS order. */
  readonly stats: Float64Array[];
  /** Per agent × copy: COUNT bits of this step (for circuit breakers). */
  readonly faultBits: Uint8Array;
  /** Per agent: its circuit breaker, if any. */
  readonly breakers: (CircuitBreaker | null)[];
  private readonly breakerFallbacks: (Fallback | null)[];
  private readonly timeouts: ({ maxDelay: number; fallback: Fallback } | null)[];
  private readonly delays: (DelayPipe | null)[];
  private readonly corruptions: Corruption[][];
  private readonly dropouts: Dropout[];
  private readonly dropoutOf: { inj: number; unit: number; fallback: Fallback }[][];
  private readonly last: Float64Array[];
  private readonly noop: Float64Array[];
  private readonly sizes: number[];
  private readonly spaces: readonly Space[];

  private readonly responders: ({ mask: Uint8Array; fallback: Fallback } | null)[];
  /** Per agent: its shared-writes workers, if any. */
  readonly sharedWrites: (SharedWrites | null)[];
  /** Every adversary, and per agent its adversary (if any) with a scratch row for its decisions. */
  readonly adversaries: Adversary[] = [];
  private readonly adversaryOf: ({ adv: Adversary; decisions: Float64Array } | null)[];

  constructor(
    private readonly world: World,
    private readonly engine: VecEngine,
    plan: CompiledFaults,
    seed: number,
    responders: readonly (Responder | null)[] = [],
  ) {
    const nA = world.agents.length;
    const numEnvs = engine.numEnvs;
    this.sizes = world.actionSpaces.map((s) => s.size);
    this.spaces = world.actionSpaces;
    const stream = (k: number, kind: 'injection' | 'guard'): Uint32Array => Rng.from(seed, 'faults', kind, k).state;
    this.delays = world.agents.map(() => null);
    this.corruptions = world.agents.map(() => []);
    this.dropoutOf = world.agents.map(() => []);
    this.dropouts = [];
    this.sharedWrites = world.agents.map(() => null);
    this.adversaryOf = world.agents.map(() => null);
    for (const inj of plan.injections) {
      const s = inj.spec;
      if (s.type === 'shared-writes') {
        const rng = stream(inj.k, 'injection');
        for (const i of inj.agents) this.sharedWrites[i] = new SharedWrites(s, this.sizes[i]!, numEnvs, rng);
      } else if (s.type === 'adversary' && inj.adversary) {
        for (const i of inj.agents) {
          const adv = new Adversary(s, i, inj.adversary.policy, world, numEnvs, seed);
          this.adversaries.push(adv);
          this.adversaryOf[i] = { adv, decisions: new Float64Array(numEnvs * this.sizes[i]!) };
        }
      } else if (s.type === 'action-delay') {
        const rng = stream(inj.k, 'injection');
        for (const i of inj.agents) {
          const D = s.delay + 1;
          const A = this.sizes[i]!;
          this.delays[i] = {
            d: s.delay,
            p: s.probability,
            rng,
            D,
            acts: new Float64Array(numEnvs * D * A),
            arrival: new Int32Array(numEnvs * D).fill(-1),
            produced: new Int32Array(numEnvs * D),
            cur: new Float64Array(numEnvs * A),
            curProduced: new Int32Array(numEnvs).fill(-1),
          };
        }
      } else if (s.type === 'action-corruption') {
        const c: Corruption = { p: s.probability, mode: s.mode, reject: s.onInvalid === 'reject', rng: stream(inj.k, 'injection') };
        for (const i of inj.agents) this.corruptions[i]!.push(c);
      } else if (s.type === 'dropout') {
        const units = s.correlated ? 1 : inj.agents.length;
        const w = s.window;
        const d: Dropout = {
          agents: inj.agents,
          window: w ? { start: w.start, end: w.end, run: w.clock === 'run' } : null,
          p: s.probability ?? 0,
          duration: s.duration,
          correlated: s.correlated,
          rng: stream(inj.k, 'injection'),
          out: new Uint8Array(units * numEnvs),
          remaining: new Int32Array(units * numEnvs),
          fallbacks: inj.agents.map((i) => new Fallback(inj.fallback!, world, i, numEnvs, seed)),
        };
        inj.agents.forEach((i, n) => this.dropoutOf[i]!.push({ inj: this.dropouts.length, unit: s.correlated ? 0 : n, fallback: d.fallbacks[n]! }));
        this.dropouts.push(d);
      }
    }
    this.breakers = world.agents.map(() => null);
    this.breakerFallbacks = world.agents.map(() => null);
    this.timeouts = world.agents.map(() => null);
    for (const g of plan.guards)
      for (const i of g.agents) {
        const fallback = new Fallback(g.fallback, world, i, numEnvs, seed);
        if (g.spec.type === 'circuit-breaker') {
          this.breakers[i] = new CircuitBreaker(g, numEnvs);
          this.breakerFallbacks[i] = fallback;
        } else this.timeouts[i] = { maxDelay: g.spec.maxDelay, fallback };
      }
    this.responders = world.agents.map((_, i) => {
      const r = responders[i];
      return r ? { mask: r.noResponse, fallback: new Fallback(r.fallback, world, i, numEnvs, seed) } : null;
    });
    this.piped = world.agents.map(
      (_, i) =>
        this.responders[i] !== null ||
        this.sharedWrites[i] !== null ||
        this.adversaryOf[i] !== null ||
        this.delays[i] !== null ||
        this.corruptions[i]!.length > 0 ||
        this.dropoutOf[i]!.length > 0 ||
        this.breakers[i] !== null ||
        this.timeouts[i] !== null,
    );
    this.intended = world.agents.map((_, i) => (this.piped[i] ? new Float64Array(numEnvs * this.sizes[i]!) : engine.actions[i]!));
    this.stats = world.agents.map(() => new Float64Array(ACTION_STATS.length));
    this.faultBits = new Uint8Array(nA * numEnvs);
    this.last = world.agents.map((_, i) => new Float64Array(numEnvs * this.sizes[i]!));
    this.noop = world.agents.map((_, i) => new Float64Array(this.sizes[i]!));
  }

  /** Start copy b's episode afresh (after the engine reset it): empty delay pipes, breakers closed, last action = no-op. */
  resetCopy(b: number): void {
    for (let i = 0; i < this.piped.length; i++) {
      if (!this.piped[i]) continue;
      const dp = this.delays[i];
      if (dp) {
        dp.arrival.fill(-1, b * dp.D, (b + 1) * dp.D);
        dp.curProduced[b] = -1;
      }
      this.breakers[i]?.reset(b);
      this.sharedWrites[i]?.resetCopy(b);
      this.writeNoop(i, b);
      this.last[i]!.set(this.noop[i]!, b * this.sizes[i]!);
    }
    for (const d of this.dropouts) {
      const units = d.correlated ? 1 : d.agents.length;
      for (let u = 0; u < units; u++) d.remaining[u * this.engine.numEnvs + b] = 0;
    }
  }

  /**
   * Turn intended actions into executed ones (written to the engine's buffers) for the step about
   * to be taken. `clock[b]` is copy b's episode step, `seen` what each agent observes, `mask` gets
   * the kinds active, `skip[b]` = 1 for copies the engine will reset instead of step.
   */
  beforeStep(clock: Int32Array, seen: readonly Float32Array[], mask: Uint16Array, skip: Uint8Array): void {
    const engine = this.engine;
    const numEnvs = engine.numEnvs;
    const step = engine.stepCount;
    this.drawDropouts(clock, step, numEnvs);
    for (const adv of this.adversaries) adv.update(clock, step);
    this.faultBits.fill(0);
    for (let i = 0; i < this.piped.length; i++) {
      if (!this.piped[i]) continue;
      const A = this.sizes[i]!;
      const exec = engine.actions[i]!;
      const src = this.intended[i]!;
      const last = this.last[i]!;
      const stats = this.stats[i]!;
      const dp = this.delays[i];
      const drops = this.dropoutOf[i]!;
      const corr = this.corruptions[i]!;
      const timeout = this.timeouts[i];
      const breaker = this.breakers[i];
      const responder = this.responders[i] ?? null;
      const sw = this.sharedWrites[i];
      const adv = this.adversaryOf[i] ?? null;
      for (let b = 0; b < numEnvs; b++) {
        if (skip[b] === 1) continue;
        const off = b * A;
        const t = clock[b]!;
        let bits = 0;
        let kinds = 0;
        let decided = src;
        if (adv !== null && adv.adv.active[b] === 1) {
          adv.adv.write(b, adv.decisions, off, seen[i]!, step, engine.states[b]!, this.intended);
          decided = adv.decisions;
          kinds |= KIND.adversary;
        }
        let age = 0;
        if (dp) age = this.delay(dp, decided, exec, b, t, A);
        else if (sw) {
          this.writeNoop(i, b);
          sw.step(b, t, decided, off, this.noop[i]!, 0, exec);
          if (sw.incident[b] === 1) kinds |= KIND.sharedWrites;
        } else for (let k = 0; k < A; k++) exec[off + k] = decided[off + k]!;
        let outFallback: Fallback | null = null;
        for (let n = 0; n < drops.length; n++) {
          const ref = drops[n]!;
          if (this.dropouts[ref.inj]!.out[ref.unit * numEnvs + b] === 1) {
            outFallback = ref.fallback;
            break;
          }
        }
        if (outFallback === null && responder !== null && responder.mask[b] === 1) outFallback = responder.fallback;
        if (age > 0) {
          kinds |= KIND.actionDelay;
          bits |= COUNT.late;
          stats[5]!++;
        }
        if (outFallback || age === Infinity) this.writeNoop(i, b);
        if (outFallback) {
          outFallback.write(b, exec, off, this.noop[i]!, 0, last, seen[i]!, step);
          kinds |= KIND.dropout;
          bits = COUNT.noResponse;
          stats[4]!++;
        } else if (age === Infinity) for (let k = 0; k < A; k++) exec[off + k] = this.noop[i]![k]!;
        else if (corr.length > 0) {
          for (let n = 0; n < corr.length; n++) {
            const c = corr[n]!;
            if (c.p > 0 && nextFloat(c.rng) < c.p) {
              this.corrupt(c, i, exec, off);
              kinds |= KIND.corruption;
            }
          }
          if (kinds & KIND.corruption) stats[0]!++;
          if (!contains(this.spaces[i]!, exec, off)) {
            bits |= COUNT.invalid;
            stats[1]!++;
            this.writeNoop(i, b);
            if (corr[0]!.reject) {
              for (let k = 0; k < A; k++) exec[off + k] = this.noop[i]![k]!;
              stats[3]!++;
            } else {
              this.clamp(i, exec, off);
              stats[2]!++;
            }
          }
        }
        if (timeout && (outFallback !== null || age > timeout.maxDelay)) {
          this.writeNoop(i, b);
          timeout.fallback.write(b, exec, off, this.noop[i]!, 0, last, seen[i]!, step);
          stats[6]!++;
        }
        if (breaker && breaker.open[b]! > 0) {
          this.writeNoop(i, b);
          this.breakerFallbacks[i]!.write(b, exec, off, this.noop[i]!, 0, last, seen[i]!, step);
        }
        for (let k = 0; k < A; k++) last[off + k] = exec[off + k]!;
        mask[i * numEnvs + b]! |= kinds;
        this.faultBits[i * numEnvs + b] = bits;
      }
    }
  }

  /** Push this step's action into the delay pipe and write the freshest arrived one; returns its age (Infinity: none yet). */
  private delay(dp: DelayPipe, src: Float64Array, exec: Float64Array, b: number, t: number, A: number): number {
    const late = dp.p >= 1 ? dp.d : nextFloat(dp.rng) < dp.p ? dp.d : 0;
    const D = dp.D;
    let slot = b * D + ((t + late) % D);
    dp.arrival[slot] = t + late;
    dp.produced[slot] = t;
    for (let k = 0; k < A; k++) dp.acts[slot * A + k] = src[b * A + k]!;
    slot = b * D + (t % D);
    if (dp.arrival[slot] === t && dp.produced[slot]! > dp.curProduced[b]!) {
      dp.curProduced[b] = dp.produced[slot]!;
      for (let k = 0; k < A; k++) dp.cur[b * A + k] = dp.acts[slot * A + k]!;
    }
    if (dp.curProduced[b]! < 0) return Infinity;
    for (let k = 0; k < A; k++) exec[b * A + k] = dp.cur[b * A + k]!;
    return t - dp.curProduced[b]!;
  }

  private drawDropouts(clock: Int32Array, step: number, numEnvs: number): void {
    for (let n = 0; n < this.dropouts.length; n++) {
      const d = this.dropouts[n]!;
      const units = d.correlated ? 1 : d.agents.length;
      for (let u = 0; u < units; u++)
        for (let b = 0; b < numEnvs; b++) {
          const at = u * numEnvs + b;
          if (d.window) {
            const t = d.window.run ? step : clock[b]!;
            d.out[at] = t >= d.window.start && t < d.window.end ? 1 : 0;
          } else if (d.remaining[at]! > 0) {
            d.out[at] = 1;
            d.remaining[at]!--;
          } else if (d.p > 0 && nextFloat(d.rng) < d.p) {
            d.out[at] = 1;
            d.remaining[at] = d.duration - 1;
          } else d.out[at] = 0;
        }
    }
  }

  private writeNoop(i: number, b: number): void {
    this.world.defaultAction(i, this.engine.states[b]!, this.noop[i]!);
  }

  /** Corrupt one slot (or the whole action, for 'random') of agent i's action at `off`. */
  private corrupt(c: Corruption, i: number, a: Float64Array, off: number): void {
    const space = this.spaces[i]!;
    const rng = c.rng;
    if (c.mode === 'random') {
      sampleInto(space, rng, a, off);
      return;
    }
    const slot = space.size > 1 ? nextInt(rng, space.size) : 0;
    const up = nextFloat(rng) < 0.5;
    const u = nextFloat(rng);
    if (space.kind === 'box') {
      const lo = space.low[slot]!;
      const hi = space.high[slot]!;
      const span = Number.isFinite(hi - lo) && hi > lo ? hi - lo : 1;
      const value =
        c.mode === 'garbled'
          ? NaN
          : up && Number.isFinite(hi)
            ? hi + span * (0.5 + u)
            : Number.isFinite(lo)
              ? lo - span * (0.5 + u)
              : Number.isFinite(hi)
                ? hi + span * (0.5 + u)
                : NaN;
      a[off + slot] = value;
      return;
    }
    const n = space.kind === 'discrete' ? space.n : space.nvec[slot]!;
    if (c.mode === 'garbled') a[off + slot] = up ? NaN : Math.floor(u * n) + 0.5;
    else a[off + slot] = up ? n + Math.floor(u * n) : -1 - Math.floor(u * n);
  }

  /** Project agent i's action at `off` into its space (NaN slots take the no-op's value). */
  private clamp(i: number, a: Float64Array, off: number): void {
    const space = this.spaces[i]!;
    const noop = this.noop[i]!;
    for (let k = 0; k < space.size; k++) {
      let v = a[off + k]!;
      if (Number.isNaN(v)) v = noop[k]!;
      if (space.kind === 'box') v = v < space.low[k]! ? space.low[k]! : v > space.high[k]! ? space.high[k]! : v;
      else {
        const n = space.kind === 'discrete' ? space.n : space.nvec[k]!;
        v = Math.round(v);
        v = v < 0 ? 0 : v > n - 1 ? n - 1 : v;
      }
      a[off + k] = v;
    }
  }

  /** Every array holding state, for checkpoints. */
  stateArrays(): StateArray[] {
    const out: StateArray[] = [...this.last, ...this.stats];
    for (const dp of this.delays) if (dp) out.push(dp.acts, dp.arrival, dp.produced, dp.cur, dp.curProduced, dp.rng);
    for (const d of this.dropouts) out.push(d.out, d.remaining, d.rng);
    for (const cs of this.corruptions) for (const c of cs) out.push(c.rng);
    for (const br of this.breakers) if (br) out.push(...br.stateArrays());
    for (const sw of this.sharedWrites) if (sw) out.push(...sw.stateArrays());
    for (const adv of this.adversaries) out.push(...adv.stateArrays());
    return out;
  }

  /** Fallback and adversary policies' saved states (scripted ones usually have none). */
  fallbackStates(): unknown[] {
    return [...this.fallbacks(), ...this.adversaries].map((f) => f.save());
  }

  /** After restoring the arrays: breaker counters and fallback policies. */
  restoreRest(fallbackStates: readonly unknown[]): void {
    for (const br of this.breakers) br?.syncCounters();
    [...this.fallbacks(), ...this.adversaries].forEach((f, k) => f.load(fallbackStates[k]));
  }

  private fallbacks(): Fallback[] {
    const out: Fallback[] = [];
    for (const d of this.dropouts) out.push(...d.fallbacks);
    for (const f of this.breakerFallbacks) if (f) out.push(f);
    for (const t of this.timeouts) if (t) out.push(t.fallback);
    for (const r of this.responders) if (r) out.push(r.fallback);
    return out;
  }

  /** Release fallback policies. */
  dispose(): void {
    for (const d of this.dropouts) for (const f of d.fallbacks) f.dispose();
    for (const f of this.breakerFallbacks) f?.dispose();
    for (const t of this.timeouts) t?.fallback.dispose();
    for (const r of this.responders) r?.fallback.dispose();
    for (const adv of this.adversaries) adv.dispose();
  }
}
