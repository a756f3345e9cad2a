/**
 * The fault layer of one seed run: it sits between the engine and the policies at three points of
 * each step, which the FaultedEngine (engine.ts) calls so that loops drive it like an engine:
 *
 *   observe   after each engine step (and after reset): turns the engine's observations into what
 *             each agent sees (`obs`, double-buffered with `prevObs` so learners get what the agent
 *             actually saw; `finalObs` for episodes that ended);
 *   beforeStep  turns the actions policies wrote into `intended` into what the world receives
 *             (engine.actions): delay, dropout, corruption, validation, guards;
 *   afterStep inside the engine's post-step hook (before autoreset): success flags, circuit
 *             breakers, fault counts and onsets (events), reliability and cascade windows.
 *
 * All randomness comes from per-injection streams `Rng.from(seed, 'faults', 'injection', k)`, so
 * variants that differ in one injection share the others' realisations. Buffers are allocated
 * once; nothing is allocated per step except event objects when a fault starts.
 */
import type { EngineEvent, VecEngine } from '../core/engine.js';
import { AutoresetMode } from '../core/engine.js';
import type { World } from '../core/world.js';
import { ACTION_STATS, ActionFaults, type Responder } from './actions.js';
import type { Policy } from '../core/policy.js';
import { compileFallback, compileFaults, type CompiledFaults } from './compile.js';
import { COUNT } from './guards.js';
import { KIND, KIND_NAMES, NUM_KINDS } from './kinds.js';
import { ObservationFaults } from './observation.js';
import { Reliability } from './reliability.js';
import type { FaultsConfig } from './schema.js';
import { loadArrays, saveArrays, type StateArray } from './state.js';

/** The fields of a learner's transition batch that the layer re-points. */
export interface LearnerBatch {
  obs: Float32Array;
  nextObs: Float32Array;
  finalObs: Float32Array;
  allObs: readonly Float32Array[];
  allNextObs: readonly Float32Array[];
  allFinalObs: readonly Float32Array[];
}

const EVENT_KINDS = KIND.dropFields | KIND.handoffLoss | KIND.dropout | KIND.corruption | KIND.budgetExhausted | KIND.sharedWrites | KIND.adversary;

/** Faults raised outside the layer (exhausted budgets, src/coordination): which agents can have them, and the marks of each step. */
export interface ExternalFaults {
  /** Agents that can have the external kinds (they are accounted like configured injections). */
  faultAgents(): readonly number[];
  /** Inside the post-step hook: OR kind bits into `mask` (index agent·numEnvs + copy). */
  markFaults(engine: VecEngine, mask: Uint16Array): void;
}

/** What the layer reads of a resolved experiment (config/resolved.ts), named here so faults need not import config. */
export interface FaultLayerConfig {
  readonly config: { readonly faults?: FaultsConfig | undefined; readonly output: { readonly maxEvents: number } };
}

/** Whether a config's `faults` section does anything (an empty one runs exactly like none). */
export function hasFaults(faults: FaultsConfig | undefined): faults is FaultsConfig {
  return faults !== undefined && (faults.injections.length > 0 || faults.guards.length > 0 || faults.reliability !== undefined);
}

/**
 * The layer for one seed run, or null when the experiment configures no faults and no policy can
 * fail to answer (zero overhead). `policies` (by agent index) with the `unreliable` capability
 * (external processes) get their fallback here.
 */
export function createFaultLayer(
  resolved: FaultLayerConfig,
  engine: VecEngine,
  seed: number,
  policies: readonly Policy[] = [],
  external: ExternalFaults | null = null,
): FaultLayer | null {
  const faults = resolved.config.faults;
  const unreliable = policies.some((p) => p.unreliable !== undefined);
  const raised = external !== null && external.faultAgents().length > 0;
  if (!hasFaults(faults) && !unreliable && !raised) return null;
  const issues: { path: string; message: string }[] = [];
  const plan = compileFaults(faults ?? { injections: [], guards: [] }, engine.world, issues);
  const responders = policies.map((p, i) =>
    p.unreliable ? { noResponse: p.unreliable.noResponse, fallback: compileFallback(p.unreliable.fallback, engine.world, i, issues) } : null,
  );
  if (issues.length > 0) throw new Error(`faults section was not validated: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return new FaultLayer(engine, plan, seed, resolved.config.output.maxEvents, responders, raised ? external : null);
}

/** Observation and action faults, guards, and reliability accounting for one engine. */
export class FaultLayer {
  /** Per agent: what it observes now (read after `observe`; swapped each step). */
  obs: Float32Array[];
  /** Per agent: what it observed before the last step. */
  prevObs: Float32Array[];
  /** Per agent: what it observed last in episodes that ended in the last step. */
  readonly finalObs: Float32Array[];
  /** Per agent: where its policy writes actions. */
  readonly intended: Float64Array[];
  /** Fault and guard events of the last step (drained by the runner). */
  readonly events: EngineEvent[] = [];
  private readonly world: World;
  private readonly numEnvs: number;
  private readonly nA: number;
  private readonly obsFaults: ObservationFaults;
  private readonly actions: ActionFaults;
  private readonly reliability: Reliability | null;
  private readonly clock: Int32Array;
  private readonly ended: Uint8Array;
  private readonly restarted: Uint8Array;
  private readonly finalClock: Int32Array;
  private readonly skip: Uint8Array;
  private readonly obsMask: Uint16Array;
  private readonly actMask: Uint16Array;
  private readonly prevEvent: Uint16Array;
  private readonly eventKinds: Uint16Array;
  private readonly eventFlag: Uint8Array;
  private readonly onsetFlag: Uint8Array;
  private readonly counts: Float64Array;
  private readonly onsets: Float64Array;
  private readonly flushed: Float64Array;
  private readonly flushedStats: Float64Array[];
  private readonly configured: Uint16Array;
  private readonly plan: CompiledFaults;
  private windowSteps = 0;
  private totalSteps = 0;
  private eventsLeft: number;
  private eventsDropped = 0;

  constructor(
    private readonly engine: VecEngine,
    plan: CompiledFaults,
    seed: number,
    maxEvents: number,
    responders: readonly (Responder | null)[] = [],
    private readonly external: ExternalFaults | null = null,
  ) {
    const world = engine.world;
    this.world = world;
    this.plan = plan;
    const numEnvs = engine.numEnvs;
    const nA = world.agents.length;
    this.numEnvs = numEnvs;
    this.nA = nA;
    this.eventsLeft = maxEvents;
    this.obsFaults = new ObservationFaults(world, numEnvs, plan.injections, seed);
    this.actions = new ActionFaults(world, engine, plan, seed, responders);
    // Contagion: the poisoned fields follow the adversary's own compromised flag per copy.
    for (const inj of plan.injections) {
      const c = inj.adversary?.contagion;
      const adv = this.actions.adversaries.find((a) => a.agent === inj.agents[0]);
      if (!c || !adv || inj.spec.type !== 'adversary') continue;
      const value = inj.spec.contagion!.value;
      c.agents.forEach((i, n) => this.obsFaults.addPoison(i, c.slots[n]!, value, adv.active, inj.k));
    }
    this.reliability = plan.reliability ? new Reliability(world, numEnvs, plan.reliability) : null;
    const own = (i: number): Float32Array => new Float32Array(numEnvs * world.observationSpaces[i]!.size);
    const faulted = this.obsFaults.faulted;
    this.obs = world.agents.map((_, i) => (faulted[i] ? own(i) : engine.obs[i]!));
    this.prevObs = world.agents.map((_, i) => (faulted[i] ? own(i) : engine.prevObs[i]!));
    this.finalObs = world.agents.map((_, i) => (faulted[i] ? own(i) : engine.finalObs[i]!));
    this.intended = this.actions.intended;
    this.clock = new Int32Array(numEnvs);
    this.ended = new Uint8Array(numEnvs);
    this.restarted = new Uint8Array(numEnvs);
    this.finalClock = new Int32Array(numEnvs);
    this.skip = new Uint8Array(numEnvs);
    this.obsMask = new Uint16Array(nA * numEnvs);
    this.actMask = new Uint16Array(nA * numEnvs);
    this.prevEvent = new Uint16Array(nA * numEnvs);
    this.eventKinds = new Uint16Array(nA).fill(EVENT_KINDS);
    this.configured = new Uint16Array(nA);
    for (const inj of plan.injections) {
      const s = inj.spec;
      const bit =
        s.type === 'stale-observation'
          ? KIND.stale
          : s.type === 'observation-cadence'
            ? KIND.cadence
            : s.type === 'observation-noise'
              ? KIND.noise
              : s.type === 'drop-fields'
                ? KIND.dropFields
                : s.type === 'dropout'
                  ? KIND.dropout
                  : s.type === 'action-delay'
                    ? KIND.actionDelay
                    : s.type === 'action-corruption'
                      ? KIND.corruption
                      : s.type === 'shared-writes'
                        ? KIND.sharedWrites
                        : s.type === 'adversary'
                          ? KIND.adversary
                          : 0;
      for (const i of inj.agents) this.configured[i]! |= bit;
      for (const i of inj.adversary?.contagion?.agents ?? []) this.configured[i]! |= KIND.contagion;
      if (s.type === 'handoff' && inj.from >= 0) this.configured[inj.from]! |= (s.loss > 0 ? KIND.handoffLoss : 0) | (s.delay > 0 ? KIND.handoffDelay : 0);
      if (s.type === 'action-delay' && s.probability < 1) for (const i of inj.agents) this.eventKinds[i]! |= KIND.actionDelay;
    }
    for (const i of external?.faultAgents() ?? []) this.configured[i]! |= KIND.budgetExhausted;
    // A policy that failed to answer is out, like a dropout.
    responders.forEach((r, i) => {
      if (r) this.configured[i]! |= KIND.dropout;
    });
    this.eventFlag = new Uint8Array(nA * numEnvs);
    this.onsetFlag = new Uint8Array(nA * numEnvs);
    this.counts = new Float64Array(nA * NUM_KINDS * 2);
    this.onsets = new Float64Array(nA * NUM_KINDS);
    this.flushed = new Float64Array(nA * NUM_KINDS);
    this.flushedStats = world.agents.map(() => new Float64Array(ACTION_STATS.length + 2));
  }

  /** After `engine.reset()`: start every copy's episode and compute the first observations. */
  reset(): void {
    this.clock.fill(0);
    this.prevEvent.fill(0);
    for (let b = 0; b < this.numEnvs; b++) this.actions.resetCopy(b);
    this.ended.fill(0);
    this.computeObs(false);
  }

  /** Before `engine.step`: write the executed actions into the engine's buffers. */
  beforeStep(): void {
    const engine = this.engine;
    const nextStep = engine.autoreset === AutoresetMode.NextStep;
    for (let b = 0; b < this.numEnvs; b++) this.skip[b] = nextStep && engine.episodeEnded[b] === 1 ? 1 : 0;
    this.actMask.fill(0);
    this.actions.beforeStep(this.clock, this.obs, this.actMask, this.skip);
  }

  /** Inside the engine's post-step hook (before autoreset): score the step and account for faults. */
  afterStep(engine: VecEngine): void {
    const { nA, numEnvs } = this;
    this.events.length = 0;
    const step = engine.stepCount;
    this.external?.markFaults(engine, this.actMask);
    let live = 0;
    for (let b = 0; b < numEnvs; b++) {
      this.ended[b] = engine.episodeEnded[b]!;
      if (engine.wasReset[b] === 1) continue;
      live++;
      for (let i = 0; i < nA; i++) {
        const w = i * numEnvs + b;
        const mask = this.obsMask[w]! | this.actMask[w]!;
        if (mask !== 0) for (let k = 0; k < NUM_KINDS; k++) if (mask & (1 << k)) this.counts[i * NUM_KINDS + k]!++;
        const ev = mask & this.eventKinds[i]!;
        const fresh = ev & ~this.prevEvent[w]!;
        this.eventFlag[w] = ev !== 0 ? 1 : 0;
        this.onsetFlag[w] = ev !== 0 && this.prevEvent[w] === 0 ? 1 : 0;
        this.prevEvent[w] = ev;
        if (fresh !== 0)
          for (let k = 0; k < NUM_KINDS; k++)
            if (fresh & (1 << k)) {
              this.onsets[i * NUM_KINDS + k]!++;
              this.emit(b, step, 'fault', i, KIND_NAMES[k]!);
            }
      }
    }
    this.windowSteps += live;
    this.totalSteps += live;
    const rel = this.reliability;
    if (rel) rel.step(engine, this.eventFlag, this.onsetFlag, this.clock);
    const breakers = this.actions.breakers;
    for (let i = 0; i < nA; i++) {
      const br = breakers[i];
      if (!br) continue;
      for (let b = 0; b < numEnvs; b++) {
        if (engine.wasReset[b] === 1 || this.skip[b] === 1) continue;
        const w = i * numEnvs + b;
        const wasOpen = br.open[b]! > 0;
        const change = br.record(b, this.actions.faultBits[w]! | (rel && rel.fail[w] === 1 ? COUNT.failure : 0), step);
        if (change !== 0) this.emit(b, step, 'guard', i, change > 0 ? 'circuit-breaker-open' : 'circuit-breaker-closed');
        for (const adv of this.actions.adversaries) if (adv.agent === i) adv.recordBreaker(b, wasOpen, change > 0);
      }
    }
    if (rel) for (let b = 0; b < numEnvs; b++) if (this.ended[b] === 1) rel.endEpisode(b, this.clock[b]!);
  }

  /** After `engine.step`: compute what each agent sees next, restarting copies whose episode was reset. */
  observe(): void {
    const engine = this.engine;
    const sameStep = engine.autoreset === AutoresetMode.SameStep;
    for (let b = 0; b < this.numEnvs; b++) {
      const restarted = sameStep ? this.ended[b] === 1 : engine.wasReset[b] === 1;
      this.restarted[b] = restarted ? 1 : 0;
      if (!restarted) {
        this.clock[b]!++;
        continue;
      }
      this.finalClock[b] = this.clock[b]! + 1;
      this.clock[b] = 0;
      this.actions.resetCopy(b);
      for (let i = 0; i < this.nA; i++) this.prevEvent[i * this.numEnvs + b] = 0;
    }
    this.computeObs(sameStep);
  }

  /** Write every faulted agent's observations; with `finals`, first the final ones of restarted copies. */
  private computeObs(finals: boolean): void {
    const engine = this.engine;
    const { nA, numEnvs } = this;
    const faulted = this.obsFaults.faulted;
    for (const adv of this.actions.adversaries) adv.update(this.clock, engine.stepCount);
    this.obsMask.fill(0);
    for (let i = 0; i < nA; i++) {
      if (!faulted[i]) {
        this.obs[i] = engine.obs[i]!;
        this.prevObs[i] = engine.prevObs[i]!;
        continue;
      }
      const next = this.prevObs[i]!;
      this.prevObs[i] = this.obs[i]!;
      this.obs[i] = next;
      const size = this.world.observationSpaces[i]!.size;
      for (let b = 0; b < numEnvs; b++) {
        const off = b * size;
        if (finals && this.restarted[b] === 1)
          this.obsFaults.process(i, b, this.finalClock[b]!, engine.finalObs[i]!, off, this.finalObs[i]!, off, this.prevObs[i]!, null, numEnvs);
        this.obsFaults.process(i, b, this.clock[b]!, engine.obs[i]!, off, next, off, this.prevObs[i]!, this.obsMask, numEnvs);
      }
    }
  }

  /** Point a learner's transition batch at what agent i actually saw. */
  patchBatch(batch: LearnerBatch, i: number): void {
    batch.obs = this.prevObs[i]!;
    batch.nextObs = this.obs[i]!;
    batch.finalObs = this.finalObs[i]!;
    batch.allObs = this.prevObs;
    batch.allNextObs = this.obs;
    batch.allFinalObs = this.finalObs;
  }

  /** Add this window's `faults/…` and `reliability/…` keys to a metrics row. */
  addMetrics(row: Record<string, number>): void {
    const n = Math.max(1, this.windowSteps);
    this.world.agents.forEach((a, i) => {
      const conf = this.configured[i]!;
      for (let k = 0; k < NUM_KINDS; k++) {
        if (!(conf & (1 << k))) continue;
        const at = i * NUM_KINDS + k;
        row[`faults/${a.id}/${KIND_NAMES[k]}`] = (this.counts[at]! - this.flushed[at]!) / n;
        this.flushed[at] = this.counts[at]!;
      }
      if (!this.actions.piped[i]) return;
      const stats = this.actions.stats[i]!;
      const prev = this.flushedStats[i]!;
      const br = this.actions.breakers[i];
      const values = [...ACTION_STATS.map((_, k) => stats[k]!), br?.openSteps ?? 0, br?.trips ?? 0];
      const names = [...ACTION_STATS, 'breakerOpen', 'breakerTrips'];
      for (let k = 0; k < values.length; k++) {
        if (values[k]! !== 0 || prev[k]! !== 0)
          row[`faults/${a.id}/${names[k]}`] = k === values.length - 1 ? values[k]! - prev[k]! : (values[k]! - prev[k]!) / n;
        prev[k] = values[k]!;
      }
    });
    this.windowSteps = 0;
    this.reliability?.flushWindow(row);
  }

  /** summary.json `metrics.faults` and `metrics.reliability`. */
  summary(): { faults: Record<string, unknown>; reliability?: Record<string, unknown> } {
    const ids = this.world.agents.map((a) => a.id);
    const steps: Record<string, Record<string, number>> = {};
    const rates: Record<string, Record<string, number>> = {};
    const onsets: Record<string, Record<string, number>> = {};
    const actions: Record<string, Record<string, number>> = {};
    const guards: Record<string, Record<string, number>> = {};
    ids.forEach((id, i) => {
      for (let k = 0; k < NUM_KINDS; k++) {
        if (!(this.configured[i]! & (1 << k))) continue;
        const name = KIND_NAMES[k]!;
        (((steps[id] ??= {})[name] = this.counts[i * NUM_KINDS + k]!),
          ((rates[id] ??= {})[name] = this.counts[i * NUM_KINDS + k]! / Math.max(1, this.totalSteps)));
        if (this.eventKinds[i]! & (1 << k)) (onsets[id] ??= {})[name] = this.onsets[i * NUM_KINDS + k]!;
      }
      if (!this.actions.piped[i]) return;
      actions[id] = Object.fromEntries(ACTION_STATS.map((s, k) => [s, this.actions.stats[i]![k]!]));
      const br = this.actions.breakers[i];
      if (br) guards[id] = { breakerTrips: br.trips, breakerOpenSteps: br.openSteps };
      if (this.plan.guards.some((g) => g.spec.type === 'timeout' && g.agents.includes(i))) (guards[id] ??= {}).timeouts = this.actions.stats[i]![6]!;
    });
    const links: Record<string, Record<string, number>> = {};
    for (const inj of this.plan.injections) {
      if (inj.spec.type !== 'handoff' || inj.from < 0 || inj.agents.length === 0) continue;
      links[`${ids[inj.from]}->${ids[inj.agents[0]!]}`] = { lost: this.obsFaults.handoffLost[inj.k]!, delayed: this.obsFaults.handoffDelayed[inj.k]! };
    }
    const sharedWrites: Record<string, Record<string, number | string>> = {};
    this.actions.sharedWrites.forEach((sw, i) => {
      if (sw) sharedWrites[ids[i]!] = sw.summary();
    });
    const adversaries: Record<string, Record<string, number | string | null>> = {};
    for (const adv of this.actions.adversaries) adversaries[ids[adv.agent]!] = adv.summary();
    const faults = {
      agentSteps: this.totalSteps,
      steps,
      rates,
      onsets,
      actions,
      guards,
      links,
      eventsDropped: this.eventsDropped,
      ...(Object.keys(sharedWrites).length > 0 ? { sharedWrites } : {}),
      ...(Object.keys(adversaries).length > 0 ? { adversaries } : {}),
    };
    return this.reliability ? { faults, reliability: this.reliability.summary(this.clock) } : { faults };
  }

  /** The layer's position, for checkpoints (typed arrays and plain data; v8-serialisable). */
  checkpoint(): unknown {
    return { arrays: saveArrays(this.stateArrays()), fallbacks: this.actions.fallbackStates() };
  }

  /** Continue from `checkpoint()` output, after the engine was restored. */
  restore(data: unknown): void {
    const d = data as { arrays: StateArray[]; fallbacks: unknown[] } | undefined;
    if (!d) throw new Error('the checkpoint has no fault layer state: it was taken without a faults section');
    loadArrays(this.stateArrays(), d.arrays);
    this.actions.restoreRest(d.fallbacks);
    this.reliability?.syncScalars();
    const [windowSteps = 0, totalSteps = 0, eventsLeft = 0, eventsDropped = 0] = this.scalars;
    [this.windowSteps, this.totalSteps, this.eventsLeft, this.eventsDropped] = [windowSteps, totalSteps, eventsLeft, eventsDropped];
    const faulted = this.obsFaults.faulted;
    for (let i = 0; i < this.nA; i++)
      if (!faulted[i]) {
        this.obs[i] = this.engine.obs[i]!;
        this.prevObs[i] = this.engine.prevObs[i]!;
      }
  }

  private readonly scalars = new Float64Array(4);

  private stateArrays(): StateArray[] {
    this.scalars.set([this.windowSteps, this.totalSteps, this.eventsLeft, this.eventsDropped]);
    const own = this.obs.filter((_, i) => this.obsFaults.faulted[i]);
    return [
      ...own,
      this.clock,
      this.ended,
      this.restarted,
      this.finalClock,
      this.obsMask,
      this.prevEvent,
      this.counts,
      this.onsets,
      this.flushed,
      ...this.flushedStats,
      this.scalars,
      ...this.obsFaults.stateArrays(),
      ...this.actions.stateArrays(),
      ...(this.reliability?.stateArrays() ?? []),
    ];
  }

  /** Release fallback policies. */
  dispose(): void {
    this.actions.dispose();
  }

  private emit(b: number, step: number, type: 'fault' | 'guard', i: number, kind: string): void {
    if (this.eventsLeft <= 0) {
      this.eventsDropped++;
      return;
    }
    this.eventsLeft--;
    this.events.push({ copy: b, step, event: { type, agents: [this.world.agents[i]!.id], data: { kind } } });
  }
}
