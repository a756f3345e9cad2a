/**
 * The per-seed summary (summary.json of a single-seed run, docs/results-format.md), built by one
 * function for every loop that runs a seed (the generic loop and each fast path), so they cannot
 * write it differently.
 */
import type { ResolvedExperiment } from '../config/resolved.js';
import { summaryKpiSpecs, type SummaryKpiSpec } from '../core/kpi-specs.js';
import { summaryActionValues, type SummaryActionValues } from '../core/world-action-values.js';
import type { AgentMeans, runMeans } from '../core/metrics-row.js';
import type { Policy } from '../core/policy.js';
import type { World } from '../core/world.js';
import type { Finding, Verdict } from '../detectors/types.js';

/**
 * The per-seed summary (summary.json of a single-seed run). A type, not an interface, so it is a
 * plain record for the code that reads summary.json whichever run wrote it.
 */
export type SeedSummary = {
  experiment: string;
  runId?: string;
  seed: number;
  seeds: number[];
  steps: number;
  env: { id: string; params: Record<string, unknown> };
  agents: Record<string, { role: string; policy: string; rewardScheme: string } & AgentMeans>;
  kpis: Record<string, number>;
  kpiSpecs: Record<string, SummaryKpiSpec>;
  /** What each agent's actions stand for, when the world declares it (src/core/world-action-values.ts). */
  actionValues?: SummaryActionValues;
  metrics: Record<string, unknown>;
  detections: readonly Finding[];
  verdicts: Readonly<Record<string, Verdict>>;
  interrupted: boolean;
};

/** What a seed loop hands to `seedSummary` when it ends. */
export interface SeedOutcome {
  readonly seed: number;
  /** Engine steps taken. */
  readonly steps: number;
  /** World copies stepped at once. */
  readonly numEnvs: number;
  /** Run-level means (runMeans in src/core/metrics-row.ts). */
  readonly totals: ReturnType<typeof runMeans>;
  /** Id of the fast path that ran the seed, or null for the generic loop. */
  readonly fastPath: string | null;
  readonly convergedAt: number | null;
  readonly eventsWritten: number;
  readonly eventsDropped: number;
  /** Per agent id: its policy's `stats()` (policyStats below). */
  readonly policies: Record<string, Record<string, number>>;
  /** Further `metrics` entries (the world's analysis, the fault layer's summary), in order. */
  readonly extraMetrics: readonly (Record<string, unknown> | undefined)[];
  readonly interrupted: boolean;
}

/** Each policy's `stats()` by agent id (call before the policies are disposed). */
export function policyStats(world: World, policies: readonly Policy[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  world.agents.forEach((a, i) => {
    const s = policies[i]!.stats?.();
    if (s) out[a.id] = s;
  });
  return out;
}

/** The summary.json of one seed. */
export function seedSummary(resolved: ResolvedExperiment, world: World, o: SeedOutcome): SeedSummary {
  const agents: SeedSummary['agents'] = {};
  resolved.assignments.forEach((a) => {
    agents[a.agent.id] = { role: a.agent.role, policy: a.policy.id, rewardScheme: a.scheme.id, ...o.totals.agents[a.agent.id]! };
  });
  let metrics: Record<string, unknown> = {
    episodes: o.totals.episodes,
    agentSteps: o.steps * o.numEnvs * world.agents.length,
    fastPath: o.fastPath,
    convergedAt: o.convergedAt,
    eventsWritten: o.eventsWritten,
    eventsDropped: o.eventsDropped,
    policies: o.policies,
  };
  for (const extra of o.extraMetrics) metrics = { ...metrics, ...(extra ?? {}) };
  const actionValues = summaryActionValues(world);
  return {
    experiment: resolved.config.name,
    seed: o.seed,
    seeds: [o.seed],
    steps: o.steps,
    env: { id: world.id, params: resolved.worldParams },
    agents,
    kpis: o.totals.kpis,
    kpiSpecs: summaryKpiSpecs(world.kpis),
    ...(actionValues ? { actionValues } : {}),
    metrics,
    detections: [],
    verdicts: {},
    interrupted: o.interrupted,
  };
}
