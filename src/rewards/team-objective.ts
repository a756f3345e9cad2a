/**
 * The team objective G: a weighted sum of the team KPIs of one step. Shared by the team, mixed,
 * difference and potential schemes so "the team's reward" means the same thing everywhere.
 */
import { z } from 'zod';
import type { ConfigIssue } from '../core/errors.js';
import type { World } from '../core/world.js';
import { unknownNames } from './scheme.js';
import { lazySchema } from '../core/lazy-schema.js';

/** Params field for KPI weights (absent: the world's default team objective). */
export const kpiWeightsField = lazySchema(() =>
  z
    .record(z.string(), z.number())
    .optional()
    .describe("KPI name → weight of the team objective G; default: the world's team objective (+1 per higher-is-better KPI, −1 per lower-is-better)"),
);

/** Resolved KPI weights, aligned with `world.kpis`. */
export function teamWeights(world: World, weights: Readonly<Record<string, number>> | undefined): Float64Array {
  const given = weights ?? world.teamObjective;
  return Float64Array.from(world.kpis, (k) => (given ? (given[k.name] ?? 0) : k.better === 'higher' ? 1 : -1));
}

/** Issues for unknown KPI names under `path`. */
export function checkKpiWeights(world: World, weights: Readonly<Record<string, number>> | undefined, path = 'kpis'): ConfigIssue[] {
  return weights
    ? unknownNames(
        Object.keys(weights),
        world.kpis.map((k) => k.name),
        path,
        'team KPI',
      )
    : [];
}

/** G for the KPI row of copy b in a KPI buffer laid out `numEnvs × nKpis`. */
export function teamValue(weights: Float64Array, kpis: Float64Array, b: number): number {
  const nK = weights.length;
  let g = 0;
  for (let k = 0; k < nK; k++) g += weights[k]! * kpis[b * nK + k]!;
  return g;
}
