/**
 * The weighted local reward shared by local, mixed, potential and kpi-linked schemes: a weight per
 * named reward component (unlisted components weigh 1) and the weighted sum for one copy.
 */
import { z } from 'zod';
import type { ConfigIssue } from '../core/errors.js';
import type { AgentSpec, World } from '../core/world.js';
import { unknownNames } from './scheme.js';
import { lazySchema } from '../core/lazy-schema.js';

/** Params field for component weights. */
export const componentWeightsField = lazySchema(() =>
  z.record(z.string(), z.number()).default({}).describe('Weight per reward component name; unlisted components weigh 1'),
);

/** Weights aligned with the agent's reward components. */
export function componentWeights(world: World, agent: AgentSpec, weights: Readonly<Record<string, number>>): Float64Array {
  return Float64Array.from(world.rewardComponents[agent.index]!, (n) => weights[n] ?? 1);
}

/** Issues for unknown component names. */
export function checkComponentWeights(world: World, agent: AgentSpec, weights: Readonly<Record<string, number>>): ConfigIssue[] {
  return unknownNames(Object.keys(weights), world.rewardComponents[agent.index]!, 'weights', 'reward component');
}

/** Weighted sum of copy b's components in an agent's reward buffer (`numEnvs × nComponents`). */
export function localValue(weights: Float64Array, rewards: Float64Array, b: number): number {
  const nC = weights.length;
  let sum = 0;
  for (let c = 0; c < nC; c++) sum += weights[c]! * rewards[b * nC + c]!;
  return sum;
}
