/**
 * The policy contract. Policies act in batches: for one agent, `act` reads the observations of all
 * `numEnvs` world copies (agent-major, `numEnvs * obsSize` floats) and writes all their actions
 * (`numEnvs * actionSize` slots). A learner also receives each step's transitions through
 * `observe`, with the *shaped* reward produced by the agent's reward scheme (never the raw
 * components or KPIs: that separation is what makes reward hacking observable).
 */
import type { z } from 'zod';
import { Rng } from './rng.js';
import type { Space } from './spaces.js';
import type { AgentSpec, World } from './world.js';

/** What a policy factory is given. */
export interface PolicyContext {
  /** The world the policy acts in (read spaces, params and agent roles from it). */
  readonly world: World;
  /** The agent this policy instance controls. */
  readonly agent: AgentSpec;
  /** The agent's observation space. */
  readonly observationSpace: Space;
  /** The agent's action space. */
  readonly actionSpace: Space;
  /** Number of world copies stepped at once; `act` handles that many rows. */
  readonly numEnvs: number;
  /** This policy's own random stream (exploration, initialisation), split from the run's master seed. */
  readonly rng: Rng;
  /**
   * A store shared by every policy of one run, for parameter sharing: e.g. the first PPO policy of
   * role `retailer` puts its network under a key and later ones of that role reuse it.
   */
  readonly shared: Map<string, unknown>;
}

/** One step of experience for one agent across all world copies (views into engine buffers; copy what you keep). */
export interface TransitionBatch {
  /** Observations the actions were taken on, `numEnvs * obsSize`. */
  readonly obs: Float32Array;
  /** Actions taken, `numEnvs * actionSize`. */
  readonly actions: Float64Array;
  /** Shaped reward per copy, `numEnvs`. */
  readonly rewards: Float64Array;
  /** Observations after the step, `numEnvs * obsSize`. For copies whose episode ended, the reset observation; use `finalObs` there. */
  readonly nextObs: Float32Array;
  /** For copies whose episode ended this step, the last observation of that episode. */
  readonly finalObs: Float32Array;
  /** Per copy: 1 if the agent reached a terminal state (bootstrap with 0). */
  readonly terminated: Uint8Array;
  /** Per copy: 1 if the episode was cut off (bootstrap from `finalObs`). */
  readonly truncated: Uint8Array;
  /**
   * Per copy: 1 if the agent acted in this transition (VecEngine.acted). A 0 row (the agent finished
   * earlier in the episode, or the copy was reset instead of stepped) is not a transition: learners
   * skip it. Absent means every row acted.
   */
  readonly acted?: Uint8Array;
  /** Global step counter of the run (for schedules such as ε decay). */
  readonly step: number;
  /** Index of the agent this batch belongs to. */
  readonly agent: number;
  /** Every agent's pre-step observations (index = agent), for centralised critics (MAPPO). */
  readonly allObs: readonly Float32Array[];
  /** Every agent's post-step observations (reset observations where an episode ended). */
  readonly allNextObs: readonly Float32Array[];
  /** Every agent's final observations for copies whose episode ended. */
  readonly allFinalObs: readonly Float32Array[];
}

/** Whether the policy should explore (training) or act greedily (evaluation, probes). */
export type ActMode = 'explore' | 'greedy';

/** A policy instance controlling one agent in `numEnvs` world copies. */
export interface Policy {
  /** Write actions for every copy from their observations. */
  act(obs: Float32Array, actions: Float64Array, mode: ActMode): void;
  /** Learn from one step of experience (learners only). */
  observe?(batch: TransitionBatch): void;
  /** Learned state as plain JSON (checkpoints, results); absent for stateless policies. */
  save?(): unknown;
  /** Restore state written by `save`. */
  load?(data: unknown): void;
  /** Policy-specific numbers for summary.json (e.g. final ε, table sizes). */
  stats?(): Record<string, number>;
  /** For learners with a convergence rule: whether learning has converged (the run may stop when all have). */
  converged?(): boolean;
  /** Release resources (tensors, processes). */
  dispose?(): void;
  /**
   * Optional capability of policies that can fail to answer (an external process that times out
   * or crashes): the fault layer reads it after each `act` and lets `fallback` act for the copies
   * marked, counting each as a no-response (src/faults/actions.ts).
   */
  readonly unreliable?: UnreliableActions;
}

/** See `Policy.unreliable`. */
export interface UnreliableActions {
  /** Per copy: 1 when the last `act` produced no action for that copy. */
  readonly noResponse: Uint8Array;
  /** What acts instead, in the form of a faults fallback: 'noop', 'last-action' or {policy: {type, params}}. */
  readonly fallback: unknown;
}

/** What a policy module registers. */
export interface PolicySpec<P extends Record<string, unknown> = Record<string, unknown>> {
  /** Policy id, the `policy.type` of configs, e.g. `random`, `tabular-q`. */
  readonly id: string;
  /** One line describing the policy. */
  readonly summary: string;
  /** Whether it learns (receives `observe`). */
  readonly learns: boolean;
  /** Params schema with defaults and a `.describe()` per field. */
  readonly paramsSchema: z.ZodType<P>;
  /**
   * Why this policy cannot control this agent (e.g. a tabular learner on a continuous space),
   * or undefined when it can. The config loader reports the reason at `agents[i].policy.type`.
   */
  incompatibility?(world: World, agent: AgentSpec, params: P): string | undefined;
  /**
   * For policies that can fail to answer (`Policy.unreliable`, e.g. an external process): the
   * fallback their params configure (src/core/fallback.ts). The config loader checks it against
   * the world as it checks a fault guard's fallback, and reports problems at `agents[i].policy.type`.
   */
  fallback?(params: P): unknown;
  /**
   * Async set-up the runner awaits once per process (main thread and each worker) before the
   * first `create`, e.g. loading the tfjs backend. May return facts for run.json (`backend`).
   */
  prepare?(): Promise<Readonly<Record<string, string>> | undefined>;
  /**
   * The large buffers an instance allocates for `numEnvs` world copies, each with the param that
   * drives it, so the runner can refuse a config that cannot fit in memory before allocating
   * anything (src/config/cost.ts). Small, fixed-size state need not be listed.
   */
  memory?(world: World, agent: AgentSpec, params: P, numEnvs: number): readonly MemoryPart[];
  /** Build a policy instance. */
  create(ctx: PolicyContext, params: P): Policy;
  /** Params the policy conformance suite uses (small, fast settings); defaults when absent. */
  readonly conformanceParams?: Partial<P>;
  /** Policy conformance checks this policy skips, each with a reason (declared here, never in the checker). */
  readonly conformanceSkips?: readonly PolicyConformanceSkip[];
}

/** A policy conformance check a policy may opt out of, with the reason. */
export interface PolicyConformanceSkip {
  readonly check: 'act' | 'determinism' | 'save-load' | 'acted-mask';
  readonly reason: string;
}

/** One large allocation of a policy: its size and the param that sets it. */
export interface MemoryPart {
  /** Param name (e.g. `rolloutLength`), reported as `agents[k].policy.params.<param>`. */
  readonly param: string;
  readonly bytes: number;
  /** What it is, for the message (e.g. 'rollout storage'). */
  readonly what: string;
  /** Bytes of its largest single array (Node cannot allocate one above buffer.constants.MAX_LENGTH). */
  readonly largestArray: number;
}

/** Define a policy spec with its params type inferred from the schema. */
export function definePolicy<P extends Record<string, unknown>>(spec: PolicySpec<P>): PolicySpec<P> {
  return spec;
}

/** The context of agent `agent`'s policy over `numEnvs` rows, with its random stream and the run's shared store. */
export function policyContext(world: World, agent: AgentSpec, numEnvs: number, rng: Rng, shared: Map<string, unknown> = new Map()): PolicyContext {
  return {
    world,
    agent,
    observationSpace: world.observationSpaces[agent.index]!,
    actionSpace: world.actionSpaces[agent.index]!,
    numEnvs,
    rng,
    shared,
  };
}

/** Which policy controls an agent (the shape of a resolved experiment's assignments). */
export interface PolicySeat {
  readonly agent: AgentSpec;
  readonly policy: PolicySpec;
  /** Params already parsed by the policy's schema. */
  readonly policyParams: Record<string, unknown>;
}

/**
 * One policy per seat, in seat order, as every driver builds them: each from its own stream
 * `Rng.from(seed, 'policy', agentId)`, all sharing one store (parameter sharing), and each loaded
 * from `states[i]` (saved policies) right after it is created, when given.
 */
export function createPolicies(world: World, seats: readonly PolicySeat[], numEnvs: number, seed: number | string, states: readonly unknown[] = []): Policy[] {
  const shared = new Map<string, unknown>();
  return seats.map((s, i) => {
    const p = s.policy.create(policyContext(world, s.agent, numEnvs, Rng.from(seed, 'policy', s.agent.id), shared), s.policyParams);
    const state = states[i];
    if (state !== undefined && state !== null) p.load?.(state);
    return p;
  });
}
