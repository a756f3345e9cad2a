/**
 * The reward-scheme contract. A scheme turns one agent's named reward components and the team KPIs
 * (and, for difference rewards and potential shaping, the pre- and post-step world states) into
 * the single shaped reward its learner sees. Schemes run once per engine step for all copies,
 * inside the engine's post-step hook, before autoreset.
 */
import type { z } from 'zod';
import type { VecEngine } from '../core/engine.js';
import type { ConfigIssue } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { AgentSpec, World } from '../core/world.js';

/** What a scheme factory is given. */
export interface RewardContext {
  readonly world: World;
  readonly agent: AgentSpec;
  readonly numEnvs: number;
  /** The scheme's own random stream (e.g. for a stochastic baseline policy). */
  readonly rng: Rng;
}

/** A scheme instance for one agent. */
export interface RewardScheme {
  /** Write the shaped reward of every copy (`numEnvs` values) for the step the engine just took. */
  compute(engine: VecEngine, out: Float64Array): void;
  /** Internal state for checkpoints (schemes with memory, e.g. a moving average). */
  save?(): unknown;
  /** Restore state written by `save`. */
  load?(data: unknown): void;
}

/** What a scheme module registers. */
export interface RewardSchemeSpec<P extends Record<string, unknown> = Record<string, unknown>> {
  /** Scheme id used in configs (`agents[i].reward.scheme`). */
  readonly id: string;
  /** One line describing it. */
  readonly summary: string;
  /** Params schema (strict, defaults, `.describe()` per field). */
  readonly paramsSchema: z.ZodType<P>;
  /** Checks against the world (unknown component, KPI or feature names); paths are relative to the params object. */
  check?(world: World, agent: AgentSpec, params: P): ConfigIssue[];
  /** Build the scheme for one agent. */
  create(ctx: RewardContext, params: P): RewardScheme;
}

/** Define a scheme with its params type inferred. */
export function defineRewardScheme<P extends Record<string, unknown>>(spec: RewardSchemeSpec<P>): RewardSchemeSpec<P> {
  return spec;
}

/** Issues for names in `given` that are not in `valid`, at `path.<name>` or `path[k]`. */
export function unknownNames(given: readonly string[], valid: readonly string[], path: string, what: string, keyed = true): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  given.forEach((name, k) => {
    if (!valid.includes(name))
      issues.push({ path: keyed ? `${path}.${name}` : `${path}[${k}]`, message: `unknown ${what} '${name}'; valid: ${valid.join(', ') || '(none)'}` });
  });
  return issues;
}
