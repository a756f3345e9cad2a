/**
 * The world contract: simultaneous-move multi-agent environments in the spirit of PettingZoo's
 * Parallel API, written for speed. A world is a set of pure-ish kernels over a plain-data state:
 *
 *   reset(state, seedWords, out)            fills `state` with a fresh episode and writes obs into `out`
 *   step(state, actions, next, out)         reads `state` (never writes it), writes the successor
 *                                            into `next` and the step's results into `out`
 *
 * `step` reads only its arguments: the world's randomness lives in the state (an sfc32 word array,
 * see rng.ts), so the same state and actions always give the same successor, a snapshot is a
 * plain copy, and a counterfactual fork ("what if agent i had acted differently?") is another call
 * to `step` on the same input state. The engine double-buffers states so nothing is allocated per
 * step. Results are written into preallocated views (`StepOut`), one Float32Array/Float64Array per
 * agent, which the engine lays out agent-major across world copies for batched policies.
 *
 * Agents are addressed by index inside kernels and by stable string id at the API boundary
 * (`ParallelEnv`, configs, results). Rewards are records of named components so reward schemes can
 * recombine them; team KPIs are reported separately and never fed to learners directly.
 */
import type { z } from 'zod';
import type { FastPath } from './fast-path.js';
import type { Space } from './spaces.js';
import type { WorldActionValues } from './world-action-values.js';
import type { WorldBatch } from './world-batch.js';
import type { WorldDecisions } from './world-decisions.js';
import type { WorldEvent } from './world-event.js';
import type { WorldProposals } from './world-proposals.js';
import type { WorldRepeatedGame } from './world-repeated-game.js';

/** A possible agent of a world. */
export interface AgentSpec {
  /** Stable string id, e.g. `firm0`, `procurement`. Used in configs and results. */
  readonly id: string;
  /** The agent's role, e.g. `firm`, `retailer`. Policies may be shared per role. */
  readonly role: string;
  /** Position of the agent in every per-agent array of the world. */
  readonly index: number;
}

/** A team KPI the world reports each step, separately from rewards. */
export interface KpiSpec {
  /** Name, e.g. `costToServe`, `fillRate`, `profitGain`. */
  readonly name: string;
  /** One line on what it measures and in which units. */
  readonly description: string;
  /** Which direction is better for the team. */
  readonly better: 'higher' | 'lower';
  /** How per-step values combine over a window or run: averaged or summed. */
  readonly aggregate: 'mean' | 'sum';
  /**
   * The value a well-coordinated team reaches, when the world knows it (an optimum such as the
   * beer game's base-stock cost, or a scripted baseline), in the KPI's units and aggregation. The
   * miscoordination detector measures the gap to it.
   */
  readonly reference?: number;
}

/**
 * A world's state: plain data that survives `structuredClone` (typed arrays and numbers). Worlds
 * declare their own shape; each field's comment gives its shape and units.
 */
export type WorldState = object;

/**
 * Where a world writes one step's results for one world copy. All arrays are preallocated views;
 * a world must assign every slot it owns each step (no stale values from the previous step).
 */
export interface StepOut {
  /** Per agent: its observation, length `observationSpaces[i].size`. Zeros for a finished agent. */
  readonly obs: Float32Array[];
  /** Per agent: this step's reward components, in `rewardComponents[i]` order. Their sum is the local reward. */
  readonly rewards: Float64Array[];
  /** This step's team KPI values, in `kpis` order. */
  readonly kpis: Float64Array;
  /** Per agent: 1 when the agent reached a terminal state this step (it takes no further actions this episode). */
  readonly terminated: Uint8Array;
  /** Per agent: 1 when the episode was cut off for this agent (time limit) without a terminal state. */
  readonly truncated: Uint8Array;
  /** Events of this step. Worlds push onto it (allocation only when something happens); the engine drains it. */
  readonly events: WorldEvent[];
}

/**
 * A world instance for fixed params. Kernels must not read globals, clocks or unseeded randomness.
 *
 * The core below is what every world has and every run needs: who acts, in which spaces, what they
 * are paid, what the team is scored on, and the kernels. What only some worlds have, or only one
 * kind of consumer asks for, is an optional capability group, each documented in its own module
 * with why it exists: `batch` (a batched kernel, for the engine), `decisions` (acting and reading
 * in natural units, for scripted policies and faults), `actionValues` (what discrete actions stand
 * for, for reports and level-ordering policies), `proposals` (observations of other agents' actions
 * this step, for the rollout loop) and `repeatedGame` (a stage game's payoffs, for tabular Q's
 * initialisation). Consumers read a group once, when they are built, never per step; the world
 * conformance suite checks every group a world declares.
 *
 * Features stay in the core rather than in a group: a world's state is opaque (`object`), and its
 * features are the one named, world-agnostic reading of it. Several unrelated readers use them
 * (potential-based shaping, `tacit describe`, world analyses, the coordination wrappers), every
 * world has meaningful ones, and an empty list is a complete declaration; as a group they would
 * add an "absent" case to every reader and let no world drop any code.
 */
export interface World<S extends WorldState = WorldState> {
  /** Versioned world id, e.g. `market-v1`. */
  readonly id: string;
  /** The fully resolved params (defaults applied). */
  readonly params: Readonly<Record<string, unknown>>;
  /** All agents that can ever take part, in index order (PettingZoo's `possible_agents`). */
  readonly agents: readonly AgentSpec[];
  /** Per agent: the observation space; the same object on every access. */
  readonly observationSpaces: readonly Space[];
  /** Per agent: the action space; the same object on every access. */
  readonly actionSpaces: readonly Space[];
  /** Per agent: names of its reward components. */
  readonly rewardComponents: readonly (readonly string[])[];
  /** Team KPIs, in the order of `StepOut.kpis`. */
  readonly kpis: readonly KpiSpec[];
  /** Names of state features, in the order `readFeatures` writes them (may be empty). */
  readonly features: readonly string[];
  /** Steps after which the world truncates an episode; 0 for an endless (continuing) world. */
  readonly episodeLength: number;
  /**
   * Default KPI weights of the team objective G used by team, mixed and difference rewards (KPI
   * name → weight). Absent: +1 for every higher-is-better KPI and −1 for every lower-is-better one.
   * Worlds whose KPIs live on very different scales should set this.
   */
  readonly teamObjective?: Readonly<Record<string, number>>;

  /** Allocate an (uninitialised) state. Called once per buffer, never per step. */
  createState(): S;
  /** Start a new episode in `state` using the 4-word seed `seed`; write each agent's first observation to `out.obs`. */
  reset(state: S, seed: Uint32Array, out: StepOut): void;
  /** Advance `state` by one joint action into `next`; `state` must be left unchanged. `actions[i]` has `actionSpaces[i].size` slots. */
  step(state: Readonly<S>, actions: readonly Float64Array[], next: S, out: StepOut): void;
  /** Copy every field of `src` into `dst` (snapshot/restore); must not allocate. */
  copyState(src: Readonly<S>, dst: S): void;
  /** Write the current value of each of `features` into `out`. */
  readFeatures(state: Readonly<S>, out: Float64Array): void;
  /** Write agent i's "no-op" action into `out` (the default that difference rewards substitute). */
  defaultAction(agent: number, state: Readonly<S>, out: Float64Array): void;
  /** Whether agent i is still acting in this episode. */
  isAlive(state: Readonly<S>, agent: number): boolean;

  /** Optional: a batched kernel over many copies (world-batch.ts). */
  readonly batch?: WorldBatch<S>;
  /** Optional: decisions and observations in natural units (world-decisions.ts). */
  readonly decisions?: WorldDecisions;
  /** Optional: the quantity each discrete action stands for (world-action-values.ts). */
  readonly actionValues?: WorldActionValues;
  /** Optional: observation slots showing other agents' actions of this step (world-proposals.ts). */
  readonly proposals?: WorldProposals;
  /** Optional: the stage game's payoffs of a repeated game (world-repeated-game.ts). */
  readonly repeatedGame?: WorldRepeatedGame;
}

/** A conformance check a world may opt out of, with the reason (declared on the world, never in the checker). */
export interface ConformanceSkip {
  readonly check: 'determinism' | 'seed-divergence' | 'no-mutation' | 'snapshot' | 'spaces';
  readonly reason: string;
}

/** What a world module registers: its id, documentation, params schema and factory. */
export interface WorldSpec<P extends Record<string, unknown> = Record<string, unknown>> {
  /** Versioned id, e.g. `market-v1`. Bump the version on any change in behaviour. */
  readonly id: string;
  /** One line describing the world. */
  readonly summary: string;
  /** Params schema with defaults and a `.describe()` per field; its output type is the resolved params. */
  readonly paramsSchema: z.ZodType<P>;
  /** Build a world for resolved params. */
  create(params: P): World;
  /** Conformance checks this world skips, each with a reason. */
  readonly conformanceSkips?: readonly ConformanceSkip[];
  /** Params used by the conformance suite (small, fast settings); defaults when absent. */
  readonly conformanceParams?: Partial<P>;
  /**
   * World-specific analysis at the end of a seed run (e.g. the market's limit cycle and deviation
   * probe), merged into summary.json `metrics`. Receives the final engine and the trained policies.
   */
  analyze?(ctx: WorldAnalysisContext): WorldAnalysis;
  /**
   * The exact optimum of this world for these params where theory gives one (`tacit optimum`):
   * plain JSON with at least the optimal decisions and their long-run value. Throws a TacitError
   * naming every reason when theory does not apply.
   */
  optimum?(params: P): Record<string, unknown>;
  /**
   * Optional: how stale each agent's picture of the world is under these params (the world's own
   * data-silo settings), for `tacit diagnose`. `paramPath` (relative to the world params) is where
   * the agent's setting lives, so a candidate fix can give the agent another agent's feed.
   */
  informationLags?(params: P): readonly InformationLag[];
  /**
   * Extra lines for `tacit run`'s text summary presenting the world's own summary.json metrics
   * (numbers there may be plain or, for multi-seed runs, {mean, ciLow, ciHigh, ...}).
   */
  formatSummary?(summary: Readonly<Record<string, unknown>>): string[];
  /**
   * Optional fused implementations of a whole seed run for configs of this world (src/core/fast-path.ts),
   * tried in order; the runner takes the first that applies unless `run.fastPath` is false.
   */
  readonly fastPaths?: readonly FastPath[];
}

/** One agent's information staleness as its world declares it (WorldSpec.informationLags). */
export interface InformationLag {
  readonly agent: string;
  /** Periods by which the affected slots lag the world's truth. */
  readonly delay: number;
  /** The slots refresh every `cadence` periods (1 = every period). */
  readonly cadence: number;
  /** Relative standard deviation of the noise on the slots (0 = exact). */
  readonly noise: number;
  /** The observation slots the lag applies to. */
  readonly slots: readonly string[];
  /** Path of this agent's setting inside the world params, e.g. `observation.procurement`. */
  readonly paramPath: string;
  /** The setting's value there (copied to another agent's path to share this agent's feed). */
  readonly setting: unknown;
}

/**
 * What `WorldSpec.analyze` is given. The engine and policies are seen through the parts an
 * analysis reads (a VecEngine and Policy objects satisfy them), so the world contract imports
 * neither the engine nor the policy module.
 */
export interface WorldAnalysisContext {
  readonly world: World;
  /** The engine after the last step. */
  readonly engine: FinalEngine;
  /** The trained policies, by agent index. */
  readonly policies: readonly TrainedPolicy[];
  /** The seed run's master seed. */
  readonly seed: number;
}

/** What an analysis reads of the run's engine after its last step (a VecEngine). */
export interface FinalEngine {
  /** Number of world copies. */
  readonly numEnvs: number;
  /** Per agent: the last observations of every copy, `numEnvs * obsSize`. */
  readonly obs: readonly Float32Array[];
  /** Per copy: the final states (a VecEngine has them; analyses that roll the world on from the end read them). */
  readonly states?: readonly WorldState[];
}

/** What an analysis may ask of a trained policy (a Policy, src/core/policy.ts): greedy play and its own numbers. */
export interface TrainedPolicy {
  /** Write greedy actions for every row of `obs`, as Policy.act does. */
  act(obs: Float32Array, actions: Float64Array, mode: 'greedy'): void;
  /** As Policy.stats. */
  stats?(): Record<string, number>;
  /** As Policy.converged. */
  converged?(): boolean;
  /** As Policy.save (the market analysis reads a tabular learner's Q table from it). */
  save?(): unknown;
}

/** What `WorldSpec.analyze` returns. */
export interface WorldAnalysis {
  /** Numbers and small structures for summary.json `metrics` (namespaced by the world's own keys). */
  readonly metrics: Record<string, unknown>;
  /** Events to append to events.jsonl. */
  readonly events?: readonly WorldEvent[];
}

/** Define a world spec with its params type inferred from the schema. */
export function defineWorld<P extends Record<string, unknown>>(spec: WorldSpec<P>): WorldSpec<P> {
  return spec;
}

/**
 * Copy a state made of typed arrays and numbers field by field. Worlds whose state is such a flat
 * record can use this as `copyState`.
 */
export function copyFlatState<S extends object>(src: Readonly<S>, dst: S): void {
  const s = src as Record<string, unknown>;
  const d = dst as Record<string, unknown>;
  for (const key in s) {
    const v = s[key];
    if (ArrayBuffer.isView(v)) (d[key] as { set(a: unknown): void }).set(v);
    else d[key] = v;
  }
}

/** Allocate a StepOut for a world (used by ParallelEnv and tests; the engine builds views instead). */
export function allocStepOut(world: World): StepOut {
  return {
    obs: world.observationSpaces.map((s) => new Float32Array(s.size)),
    rewards: world.rewardComponents.map((c) => new Float64Array(c.length)),
    kpis: new Float64Array(world.kpis.length),
    terminated: new Uint8Array(world.agents.length),
    truncated: new Uint8Array(world.agents.length),
    events: [],
  };
}

/**
 * Mark every agent not terminated and truncated iff the episode reached its time limit: the step
 * ending of worlds whose agents all live until the horizon (0 = a continuing world, never cut off).
 */
export function markTimeLimit(out: StepOut, numAgents: number, stepsTaken: number, episodeLength: number): void {
  const trunc = episodeLength > 0 && stepsTaken >= episodeLength ? 1 : 0;
  for (let i = 0; i < numAgents; i++) {
    out.terminated[i] = 0;
    out.truncated[i] = trunc;
  }
}
