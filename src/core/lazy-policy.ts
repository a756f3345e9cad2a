/**
 * A policy whose implementation module is imported only when an experiment uses it. Neural
 * policies need TensorFlow.js, a large import on every command's start-up (docs/neural.md,
 * "Start-up", has the measured figures); commands that only list, validate or
 * run tabular policies must not pay it. The registry holds this light spec (type, summary, params
 * schema, compatibility check: what `tacit policies` and `validate` need); `prepare`, which every
 * runner awaits before the first `create`, imports the implementation and runs its own `prepare`.
 */
import type { z } from 'zod';
import type { AgentSpec, World } from './world.js';
import type { MemoryPart, PolicySpec } from './policy.js';
import { TacitError } from './errors.js';

/** What a policy module can say about itself without loading its implementation. */
export interface PolicyCard<P extends Record<string, unknown>> {
  readonly id: string;
  readonly summary: string;
  readonly learns: boolean;
  readonly paramsSchema: z.ZodType<P>;
  incompatibility?(world: World, agent: AgentSpec, params: P): string | undefined;
  /** Sizes of the big allocations, so the runner can refuse a config before loading anything (PolicySpec.memory). */
  memory?(world: World, agent: AgentSpec, params: P, numEnvs: number): readonly MemoryPart[];
  /** Params the policy conformance suite uses (PolicySpec.conformanceParams). */
  readonly conformanceParams?: Partial<P>;
}

/** `create` before `prepare` on a lazily loaded policy. */
export class PolicyNotPreparedError extends TacitError {}

/** The registry spec for `card`, loading the full spec with `load` on `prepare`. */
export function lazyPolicy<P extends Record<string, unknown>>(card: PolicyCard<P>, load: () => Promise<PolicySpec<P>>): PolicySpec<P> {
  let loaded: PolicySpec<P> | undefined;
  // The card's own properties are copied as descriptors, not spread: spreading would call its
  // paramsSchema getter and build the schema at registration (src/core/lazy-schema.ts).
  return Object.defineProperties(
    {
      async prepare() {
        loaded ??= await load();
        return loaded.prepare?.();
      },
      create(ctx, params) {
        if (!loaded)
          throw new PolicyNotPreparedError(`policy '${card.id}' is loaded on demand: await its prepare() (src/run/prepare.ts preparePolicies) before create`);
        return loaded.create(ctx, params);
      },
    } as PolicySpec<P>,
    Object.getOwnPropertyDescriptors(card),
  );
}
