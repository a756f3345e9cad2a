/**
 * The run-side accounting of the coordination wrappers, for one seed run: after each engine step
 * (inside the post-step hook, before autoreset) it reads what the wrappers recorded in each
 * copy's state (overrides, budget fallbacks, words sent and lost) and, for a message channel, the
 * receivers' (observation, action) pairs for the message–action dependence test. It writes
 *
 *   metrics rows   `coordination/overrideRate/<worker>` (overrides per supervised step in the
 *                  window), `coordination/overrideRequests/<worker>`, `coordination/refused/<worker>`,
 *                  `coordination/budgetOut/<agent>` (share of steps its fallback acted),
 *                  `coordination/messageRate/<sender>` (non-silent words per step), `coordination/dropRate/<sender>`;
 *   summary.json   `coordination/overrides`, `coordination/budgets`, `coordination/messages` and
 *                  `coordination/messageDependence` (the per-pair tests, src/detectors/message-dependence.ts);
 *   fault marks    the fault kind `budget-exhausted` for every agent-step its budget's fallback
 *                  acted, so the fault layer counts onsets, reliability and cascades (src/faults).
 *
 * Buffers are allocated once; nothing is allocated per step.
 */
import type { VecEngine } from '../core/engine.js';
import { cardinality } from '../core/spaces.js';
import { dependenceTest, channelParams, type DependenceResult } from '../detectors/message-dependence.js';
import { KIND } from '../faults/kinds.js';
import { loadArrays, saveArrays, type StateArray } from '../faults/state.js';
import type { BudgetState } from './budget.js';
import type { MessagesState } from './messages.js';
import type { SupervisorState } from './supervisor.js';
import { partState, type Coordinated } from './wrap.js';

/** Largest (strata × words × actions) table kept per sender–receiver pair; beyond it strata are dropped (one stratum). */
export const MAX_TABLE = 1 << 20;

interface Pair {
  readonly sender: number;
  readonly receiver: number;
  /** Observation slot of the receiver that shows the sender's word. */
  readonly slot: number;
  readonly strata: number;
  readonly actions: number;
  readonly counts: Float64Array;
}

/** Coordination accounting for one engine. */
export class CoordinationLayer {
  private readonly nA: number;
  private readonly numEnvs: number;
  private readonly ids: readonly string[];
  // Per supervisor (k): totals and window copies at the last flush.
  private readonly sup: { workers: readonly number[]; depth: number } | null;
  private readonly overrides: Float64Array;
  private readonly requests: Float64Array;
  private readonly refused: Float64Array;
  private readonly supSteps: Float64Array;
  private readonly bud: { agents: readonly number[]; depth: number } | null;
  private readonly budgetOut: Float64Array;
  private readonly budgetSteps: Float64Array;
  private readonly exhaustions: Float64Array;
  private readonly wasOut: Uint8Array;
  private readonly msg: { senders: readonly number[]; depth: number; vocabulary: readonly string[] } | null;
  private readonly sent: Float64Array;
  private readonly dropped: Float64Array;
  private readonly msgSteps: Float64Array;
  private readonly pairs: Pair[] = [];
  private readonly radix: (readonly number[] | null)[];
  /** The last metrics window's rates by metrics key (the run's end, for summary.json `finalRate`s). */
  private readonly lastWindow = new Map<string, number>();
  /** Totals at the last metrics flush, one array per total above, in `totals()` order. */
  private readonly flushed: Float64Array[];

  constructor(
    private readonly coordinated: Coordinated,
    engine: VecEngine,
    private readonly seed: number,
  ) {
    const world = coordinated.world;
    this.nA = world.agents.length;
    this.numEnvs = engine.numEnvs;
    this.ids = world.agents.map((a) => a.id);
    const s = coordinated.supervisors;
    this.sup = s ? { workers: s.world.supervision.workers, depth: s.depth } : null;
    const nSup = this.sup?.workers.length ?? 0;
    [this.overrides, this.requests, this.refused, this.supSteps] = [0, 1, 2, 3].map(() => new Float64Array(nSup)) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    const b = coordinated.budgets;
    this.bud = b ? { agents: b.world.budgets.agents, depth: b.depth } : null;
    [this.budgetOut, this.budgetSteps, this.exhaustions] = [0, 1, 2].map(() => new Float64Array(this.nA)) as [Float64Array, Float64Array, Float64Array];
    this.wasOut = new Uint8Array(this.nA * this.numEnvs);
    const m = coordinated.messages;
    this.msg = m ? { senders: m.world.messages.senders, depth: m.depth, vocabulary: m.world.messages.vocabulary } : null;
    const nS = this.msg?.senders.length ?? 0;
    [this.sent, this.dropped, this.msgSteps] = [0, 1, 2].map(() => new Float64Array(nS)) as [Float64Array, Float64Array, Float64Array];
    // The receivers' strata: the inner part of their observation as a state number, when it is discrete and small.
    const inner = m?.world;
    this.radix = world.agents.map((_, j) => {
      if (!inner || j >= inner.agents.length) return null;
      const space = coordinated.base.observationSpaces[j]!;
      return space.kind === 'multi-discrete' ? space.nvec : space.kind === 'discrete' ? [space.n] : null;
    });
    if (m && inner) {
      const V = inner.messages.vocabulary.length;
      inner.agents.forEach((_, j) => {
        const act = coordinated.base.actionSpaces[j]!;
        if (act.kind !== 'discrete') return;
        inner.messages.slotSenders[j]!.forEach((k, x) => {
          const radix = this.radix[j];
          let strata = radix ? cardinality(coordinated.base.observationSpaces[j]!) : 1;
          if (strata * V * act.n > MAX_TABLE) strata = 1;
          this.pairs.push({
            sender: inner.messages.senders[k]!,
            receiver: j,
            slot: inner.messages.slotStart[j]! + x,
            strata,
            actions: act.n,
            counts: new Float64Array(strata * V * act.n),
          });
        });
      });
    }
    this.flushed = this.totals().map((t) => new Float64Array(t.length));
  }

  private totals(): Float64Array[] {
    return [this.overrides, this.requests, this.refused, this.supSteps, this.budgetOut, this.budgetSteps, this.sent, this.dropped, this.msgSteps];
  }

  /** Inside the engine's post-step hook: read what the wrappers recorded this step. */
  afterStep(engine: VecEngine): void {
    const { numEnvs } = this;
    for (let b = 0; b < numEnvs; b++) {
      if (engine.wasReset[b] === 1) continue;
      const root = engine.states[b]!;
      if (this.sup) {
        const st = partState<SupervisorState>(root, this.sup.depth);
        for (let k = 0; k < this.sup.workers.length; k++) {
          if (engine.acted[this.sup.workers[k]!]![b] !== 1) continue;
          this.supSteps[k]!++;
          this.overrides[k]! += st.overridden[k]!;
          this.requests[k]! += st.requested[k]!;
          this.refused[k]! += st.refused[k]!;
        }
      }
      if (this.bud) {
        const st = partState<BudgetState>(root, this.bud.depth);
        for (const i of this.bud.agents) {
          if (engine.acted[i]![b] !== 1) continue;
          this.budgetSteps[i]!++;
          const out = st.out[i]!;
          this.budgetOut[i]! += out;
          const w = i * numEnvs + b;
          if (out === 1 && this.wasOut[w] === 0) this.exhaustions[i]!++;
          this.wasOut[w] = out;
        }
      }
      if (this.msg) {
        const st = partState<MessagesState>(root, this.msg.depth);
        for (let k = 0; k < this.msg.senders.length; k++) {
          if (engine.acted[this.msg.senders[k]!]![b] !== 1) continue;
          this.msgSteps[k]!++;
          this.sent[k]! += st.sent[k]!;
          this.dropped[k]! += st.dropped[k]!;
        }
        this.countPairs(engine, b);
      }
    }
  }

  /** One (stratum, word, action) count per pair for copy b: what the receiver saw and did this step. */
  private countPairs(engine: VecEngine, b: number): void {
    const world = this.coordinated.world;
    const info = this.coordinated.messages!.world.messages;
    const V = info.vocabulary.length;
    for (const p of this.pairs) {
      const j = p.receiver;
      if (engine.acted[j]![b] !== 1) continue;
      const size = world.observationSpaces[j]!.size;
      const obs = engine.prevObs[j]!;
      let s = 0;
      const radix = this.radix[j];
      if (p.strata > 1 && radix) for (let x = 0; x < radix.length; x++) s = s * radix[x]! + obs[b * size + x]!;
      const word = obs[b * size + p.slot]!;
      const a = info.innerDiscrete(j, engine.actions[j]![b * world.actionSpaces[j]!.size]!);
      p.counts[(s * V + word) * p.actions + a]!++;
    }
  }

  /** Set the `budget-exhausted` fault bit (index agent·numEnvs + copy of `mask`) for agent-steps the fallback acted. */
  markFaults(engine: VecEngine, mask: Uint16Array): void {
    if (!this.bud) return;
    for (let b = 0; b < this.numEnvs; b++) {
      if (engine.wasReset[b] === 1) continue;
      const st = partState<BudgetState>(engine.states[b]!, this.bud.depth);
      for (const i of this.bud.agents) if (st.out[i] === 1) mask[i * this.numEnvs + b]! |= KIND.budgetExhausted;
    }
  }

  /** Agents the fault layer should account `budget-exhausted` for. */
  faultAgents(): readonly number[] {
    return this.bud?.agents ?? [];
  }

  /** Add this window's `coordination/…` keys to a metrics row. */
  addMetrics(row: Record<string, number>): void {
    const [ov, rq, rf, ss, bo, bs, se, dr, ms] = this.totals().map((t, k) => {
      const d = Float64Array.from(t, (v, i) => v - this.flushed[k]![i]!);
      this.flushed[k]!.set(t);
      return d;
    }) as Float64Array[];
    const rate = (x: number, n: number): number => (n > 0 ? x / n : 0);
    this.sup?.workers.forEach((w, k) => {
      row[`coordination/overrideRate/${this.ids[w]}`] = rate(ov![k]!, ss![k]!);
      row[`coordination/overrideRequests/${this.ids[w]}`] = rate(rq![k]!, ss![k]!);
      row[`coordination/refused/${this.ids[w]}`] = rate(rf![k]!, ss![k]!);
    });
    for (const i of this.bud?.agents ?? []) row[`coordination/budgetOut/${this.ids[i]}`] = rate(bo![i]!, bs![i]!);
    this.msg?.senders.forEach((i, k) => {
      row[`coordination/messageRate/${this.ids[i]}`] = rate(se![k]!, ms![k]!);
      row[`coordination/dropRate/${this.ids[i]}`] = rate(dr![k]!, se![k]!);
    });
    for (const key in row) if (key.startsWith('coordination/')) this.lastWindow.set(key, row[key]!);
  }

  /** summary.json `metrics` entries. */
  summary(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const rate = (x: number, n: number): number => (n > 0 ? x / n : 0);
    if (this.sup)
      out['coordination/overrides'] = Object.fromEntries(
        this.sup.workers.map((w, k) => [
          this.ids[w]!,
          {
            rate: rate(this.overrides[k]!, this.supSteps[k]!),
            finalRate: this.lastWindow.get(`coordination/overrideRate/${this.ids[w]}`) ?? null,
            requestRate: rate(this.requests[k]!, this.supSteps[k]!),
            overrides: this.overrides[k]!,
            refused: this.refused[k]!,
            steps: this.supSteps[k]!,
          },
        ]),
      );
    if (this.bud)
      out['coordination/budgets'] = Object.fromEntries(
        this.bud.agents.map((i) => [
          this.ids[i]!,
          {
            outShare: rate(this.budgetOut[i]!, this.budgetSteps[i]!),
            outSteps: this.budgetOut[i]!,
            exhaustions: this.exhaustions[i]!,
            steps: this.budgetSteps[i]!,
          },
        ]),
      );
    if (this.msg) {
      out['coordination/messages'] = Object.fromEntries(
        this.msg.senders.map((i, k) => [
          this.ids[i]!,
          {
            rate: rate(this.sent[k]!, this.msgSteps[k]!),
            finalRate: this.lastWindow.get(`coordination/messageRate/${this.ids[i]}`) ?? null,
            sent: this.sent[k]!,
            dropped: this.dropped[k]!,
            steps: this.msgSteps[k]!,
          },
        ]),
      );
      out['coordination/messageDependence'] = this.dependence();
    }
    return out;
  }

  /** The dependence test of every sender–receiver pair (default channel params; the collusion detector re-judges with its own). */
  dependence(): DependenceResult[] {
    const params = channelParams().parse({});
    const V = this.msg?.vocabulary.length ?? 0;
    return this.pairs.map((p) =>
      dependenceTest(
        { sender: this.ids[p.sender]!, receiver: this.ids[p.receiver]!, strata: p.strata, words: V, actions: p.actions, counts: p.counts },
        params,
        this.seed,
      ),
    );
  }

  private stateArrays(): StateArray[] {
    return [...this.totals(), this.exhaustions, this.wasOut, ...this.flushed, ...this.pairs.map((p) => p.counts)];
  }

  /** The layer's position, for checkpoints. */
  checkpoint(): unknown {
    return saveArrays(this.stateArrays());
  }

  /** Continue from `checkpoint()` output. */
  restore(data: unknown): void {
    if (!Array.isArray(data)) throw new Error('the checkpoint has no coordination state: it was taken without a coordination section');
    loadArrays(this.stateArrays(), data as StateArray[]);
  }
}
