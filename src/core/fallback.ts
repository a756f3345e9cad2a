/**
 * The fallback: what acts for an agent that fails to answer. The fault layer (src/faults) uses it
 * for agents that are out, timed out or swapped out by a circuit breaker; a policy that can fail
 * to answer by itself (an external process) names one in its params (PolicySpec.fallback). Its own
 * module in core so that policies can offer it without importing the fault layer, which imports
 * the policy registry to resolve fallback policies.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema.js';

/** What acts for an agent that is out, timed out or swapped out by a circuit breaker. */
export const fallbackSchema = lazySchema(() =>
  z
    .union(
      [
        z
          .enum(['noop', 'last-action'])
          .describe("'noop': the world's default (no-op) action; 'last-action': repeat the last action the world received from the agent"),
        z
          .object({
            policy: z
              .object({
                type: z.string().min(1).describe("A registered non-learning policy type (see 'tacit policies'), e.g. constant, threshold"),
                params: z.record(z.string(), z.unknown()).default({}).describe('Parameters of that policy'),
              })
              .strict()
              .describe('A scripted safe policy acting on what the agent observes'),
          })
          .strict(),
      ],
      { error: "expected 'noop', 'last-action' or {policy: {type, params}}" },
    )
    .describe("Fallback: 'noop', 'last-action', or {policy: {type, params}}"),
);
