/**
 * Observation faults: what each agent sees instead of the world's observation. Per agent, the
 * affected slots go through, in this fixed order (whatever the config order):
 *
 *   stale (k steps late) → cadence (held between refreshes) → hand-off delay/loss → dropped
 *   fields → noise → poison (an adversary's contagion, adversary.ts)
 *
 * History for delays is a ring of the last D raw observations per copy (D = longest delay + 1),
 * indexed by episode step, so the first steps of an episode show its first observation rather than
 * the previous episode's. Every buffer is allocated once; `process` allocates nothing.
 */
import { nextFloat, nextNormal, Rng } from '../core/rng.js';
import type { World } from '../core/world.js';
import type { CompiledInjection } from './compile.js';
import { KIND } from './kinds.js';
import type { StateArray } from './state.js';

type Op =
  | { readonly type: 'stale'; readonly slots: Int32Array; readonly delay: number }
  | { readonly type: 'cadence'; readonly slots: Int32Array; readonly every: number; readonly held: Float32Array }
  | {
      readonly type: 'handoff';
      readonly slots: Int32Array;
      readonly delay: number;
      readonly loss: number;
      readonly fill: number;
      readonly last: boolean;
      readonly rng: Uint32Array;
      readonly from: number;
    }
  | { readonly type: 'drop'; readonly slots: Int32Array; readonly p: number; readonly fill: number; readonly last: boolean; readonly rng: Uint32Array }
  | { readonly type: 'noise'; readonly slots: Int32Array; readonly std: number; readonly clip: boolean; readonly rng: Uint32Array }
  | { readonly type: 'poison'; readonly slots: Int32Array; readonly values: Float64Array; readonly active: Uint8Array };

const ORDER = { stale: 0, cadence: 1, handoff: 2, drop: 3, noise: 4, poison: 5 } as const;

/** Per-agent observation fault pipelines. */
export class ObservationFaults {
  /** Per agent: whether any observation fault applies (others see the engine's buffers as is). */
  readonly faulted: boolean[];
  /** Per injection index k (hand-offs only): copy-steps on which the hand-off was lost. */
  readonly handoffLost: Float64Array;
  /** Per injection index k (hand-offs only): copy-steps on which it arrived late. */
  readonly handoffDelayed: Float64Array;
  private readonly ops: Op[][];
  private readonly sizes: number[];
  private readonly depth: number[];
  private readonly history: Float32Array[];
  private readonly lo: Float64Array[];
  private readonly hi: Float64Array[];
  private readonly integer: boolean[];
  private readonly opKeys: number[][];

  constructor(world: World, numEnvs: number, injections: readonly CompiledInjection[], seed: number) {
    const nA = world.agents.length;
    this.sizes = world.observationSpaces.map((s) => s.size);
    const ops: { op: Op; order: number; k: number }[][] = world.agents.map(() => []);
    for (const inj of injections) {
      const s = inj.spec;
      const rng = (): Uint32Array => Rng.from(seed, 'faults', 'injection', inj.k).state;
      const shared = s.type === 'handoff' || s.type === 'drop-fields' || s.type === 'observation-noise' ? rng() : undefined;
      inj.agents.forEach((i, n) => {
        const slots = inj.slots[n]!;
        let op: Op | undefined;
        if (s.type === 'stale-observation') op = { type: 'stale', slots, delay: s.delay };
        else if (s.type === 'observation-cadence') op = { type: 'cadence', slots, every: s.every, held: new Float32Array(numEnvs * this.sizes[i]!) };
        else if (s.type === 'handoff')
          op = {
            type: 'handoff',
            slots,
            delay: s.delay,
            loss: s.loss,
            fill: s.fill === 'last' ? 0 : s.fill,
            last: s.fill === 'last',
            rng: shared!,
            from: inj.from,
          };
        else if (s.type === 'drop-fields')
          op = { type: 'drop', slots, p: s.probability, fill: s.fill === 'last' ? 0 : s.fill, last: s.fill === 'last', rng: shared! };
        else if (s.type === 'observation-noise') op = { type: 'noise', slots, std: s.std, clip: s.clip, rng: shared! };
        if (op) ops[i]!.push({ op, order: ORDER[op.type], k: inj.k });
      });
    }
    for (const list of ops) list.sort((a, b) => a.order - b.order || a.k - b.k);
    this.ops = ops.map((l) => l.map((x) => x.op));
    this.opKeys = ops.map((l) => l.map((x) => x.k));
    this.faulted = this.ops.map((l) => l.length > 0);
    this.depth = this.ops.map((l) => 1 + l.reduce((m, op) => Math.max(m, op.type === 'stale' || op.type === 'handoff' ? op.delay : 0), 0));
    this.history = Array.from({ length: nA }, (_, i) => new Float32Array(this.depth[i]! > 1 ? numEnvs * this.depth[i]! * this.sizes[i]! : 0));
    const bounds = (i: number, side: 'lo' | 'hi'): Float64Array => {
      const sp = world.observationSpaces[i]!;
      if (sp.kind === 'box') return side === 'lo' ? sp.low : sp.high;
      if (sp.kind === 'discrete') return Float64Array.of(side === 'lo' ? 0 : sp.n - 1);
      return Float64Array.from(sp.nvec, (n) => (side === 'lo' ? 0 : n - 1));
    };
    this.lo = world.agents.map((_, i) => bounds(i, 'lo'));
    this.hi = world.agents.map((_, i) => bounds(i, 'hi'));
    this.integer = world.observationSpaces.map((sp) => sp.kind !== 'box');
    this.handoffLost = new Float64Array(injections.length);
    this.handoffDelayed = new Float64Array(injections.length);
  }

  /**
   * Contagion: while `active[b]` is 1, agent i's `slots` in copy b show `value` (a number, or the
   * top or bottom of its observation space). Applied last, after every other observation fault.
   */
  addPoison(i: number, slots: Int32Array, value: number | 'high' | 'low', active: Uint8Array, k: number): void {
    const pick = (slot: number): number => {
      if (typeof value === 'number') return value;
      const b = value === 'high' ? this.hi[i]! : this.lo[i]!;
      return b.length === 1 ? b[0]! : b[slot]!;
    };
    this.ops[i]!.push({ type: 'poison', slots, values: Float64Array.from(slots, pick), active });
    this.opKeys[i]!.push(k);
    this.faulted[i] = true;
  }

  /** Every array holding state (history, held values, random streams, counters), for checkpoints. */
  stateArrays(): StateArray[] {
    const out: StateArray[] = [...this.history, this.handoffLost, this.handoffDelayed];
    for (const ops of this.ops)
      for (const op of ops) {
        if (op.type === 'cadence') out.push(op.held);
        else if (op.type !== 'stale' && op.type !== 'poison') out.push(op.rng);
      }
    return out;
  }

  /**
   * Write what agent i sees in copy b at episode step `t` into `dst[dstOff..]`, from the raw
   * observation `raw[rawOff..]`; `prev[dstOff..]` is what it saw the step before (for 'last'
   * fills). With `mask`, sets the kinds that were active on `mask[agent * numEnvs + b]`.
   */
  process(
    i: number,
    b: number,
    t: number,
    raw: Float32Array,
    rawOff: number,
    dst: Float32Array,
    dstOff: number,
    prev: Float32Array,
    mask: Uint16Array | null,
    numEnvs: number,
  ): void {
    const size = this.sizes[i]!;
    const D = this.depth[i]!;
    const hist = this.history[i]!;
    const histBase = b * D * size;
    if (D > 1) {
      const at = histBase + (t % D) * size;
      for (let k = 0; k < size; k++) hist[at + k] = raw[rawOff + k]!;
    }
    for (let k = 0; k < size; k++) dst[dstOff + k] = raw[rawOff + k]!;
    const ops = this.ops[i]!;
    for (let o = 0; o < ops.length; o++) {
      const op = ops[o]!;
      const slots = op.slots;
      const n = slots.length;
      switch (op.type) {
        case 'stale': {
          const from = histBase + ((t >= op.delay ? t - op.delay : 0) % D) * size;
          for (let s = 0; s < n; s++) dst[dstOff + slots[s]!] = hist[from + slots[s]!]!;
          if (mask) mask[i * numEnvs + b]! |= KIND.stale;
          break;
        }
        case 'cadence': {
          const held = op.held;
          const base = b * size;
          if (t % op.every === 0) for (let s = 0; s < n; s++) held[base + slots[s]!] = dst[dstOff + slots[s]!]!;
          else {
            for (let s = 0; s < n; s++) dst[dstOff + slots[s]!] = held[base + slots[s]!]!;
            if (mask) mask[i * numEnvs + b]! |= KIND.cadence;
          }
          break;
        }
        case 'handoff': {
          if (op.delay > 0) {
            const from = histBase + ((t >= op.delay ? t - op.delay : 0) % D) * size;
            for (let s = 0; s < n; s++) dst[dstOff + slots[s]!] = hist[from + slots[s]!]!;
            if (mask) {
              mask[op.from * numEnvs + b]! |= KIND.handoffDelay;
              this.handoffDelayed[this.opKeys[i]![o]!]!++;
            }
          }
          if (op.loss > 0 && nextFloat(op.rng) < op.loss) {
            for (let s = 0; s < n; s++) dst[dstOff + slots[s]!] = op.last && t > 0 ? prev[dstOff + slots[s]!]! : op.fill;
            if (mask) {
              mask[op.from * numEnvs + b]! |= KIND.handoffLoss;
              this.handoffLost[this.opKeys[i]![o]!]!++;
            }
          }
          break;
        }
        case 'drop': {
          let any = false;
          for (let s = 0; s < n; s++) {
            if (nextFloat(op.rng) >= op.p) continue;
            dst[dstOff + slots[s]!] = op.last && t > 0 ? prev[dstOff + slots[s]!]! : op.fill;
            any = true;
          }
          if (any && mask) mask[i * numEnvs + b]! |= KIND.dropFields;
          break;
        }
        case 'noise': {
          const lo = this.lo[i]!;
          const hi = this.hi[i]!;
          const integer = this.integer[i]!;
          for (let s = 0; s < n; s++) {
            const slot = slots[s]!;
            let v = dst[dstOff + slot]! + op.std * nextNormal(op.rng);
            if (op.clip) {
              if (integer) v = Math.round(v);
              const l = lo.length === 1 ? lo[0]! : lo[slot]!;
              const h = hi.length === 1 ? hi[0]! : hi[slot]!;
              v = v < l ? l : v > h ? h : v;
            }
            dst[dstOff + slot] = v;
          }
          if (mask) mask[i * numEnvs + b]! |= KIND.noise;
          break;
        }
        case 'poison': {
          if (op.active[b] !== 1) break;
          for (let s = 0; s < n; s++) dst[dstOff + slots[s]!] = op.values[s]!;
          if (mask) mask[i * numEnvs + b]! |= KIND.contagion;
          break;
        }
      }
    }
  }
}
