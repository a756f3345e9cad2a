/**
 * The metrics row: one line of metrics.jsonl (docs/results-format.md), the format every writer
 * (the runner's ledger, fast paths, planted and learned detector scenarios) and every reader
 * (detectors' ledger, reports, export) shares. This module owns its key names, their parser, the
 * row type, and the one function that turns a window's sums into a row, so the writers cannot
 * drift apart.
 *
 * Aggregation (the one semantics, for rows and run summaries alike): every value is a per-step
 * mean over the window's steps and the world copies that were stepped, except a KPI declared
 * `aggregate: 'sum'`, which is the window's (or run's) total per world copy: summed over the steps,
 * averaged over copies. A per-step sum KPI such as the beer game's `teamCost` thus reads as "cost
 * over this window", whatever `run.metricsEvery` is, while a rate such as `fillRate` stays a rate.
 */

/** A metrics row: flat, namespaced keys (`window`, `step`, `episodes`, then the keys below). */
export type MetricsRow = Record<string, number>;

/** Builders of the namespaced keys of a metrics row. */
export const metricsKey = {
  /** An agent's local reward: the sum of its raw components. */
  reward: (agent: string): string => `reward/${agent}`,
  /** One raw reward component of an agent. */
  rewardComponent: (agent: string, component: string): string => `reward/${agent}/${component}`,
  /** The shaped reward an agent's learner saw. */
  shaped: (agent: string): string => `shaped/${agent}`,
  /** An agent's first action slot. */
  action: (agent: string): string => `action/${agent}`,
  /** The mean return of an agent's episodes that ended in the window. */
  episodeReturn: (agent: string): string => `episodeReturn/${agent}`,
  /** A team KPI. */
  kpi: (name: string): string => `kpi/${name}`,
} as const;

/** A metrics key read back: which series it names. */
export type ParsedMetricsKey =
  | { readonly kind: 'reward' | 'shaped' | 'action' | 'episodeReturn'; readonly agent: string }
  | { readonly kind: 'rewardComponent'; readonly agent: string; readonly component: string }
  | { readonly kind: 'kpi'; readonly name: string };

/** Parse a metrics key built by `metricsKey`; null for any other key (`step`, `faults/…`, `market/…`). */
export function parseMetricsKey(key: string): ParsedMetricsKey | null {
  const parts = key.split('/');
  const [head, a, b] = parts;
  if (a === undefined || a === '') return null;
  if (parts.length === 2) {
    if (head === 'kpi') return { kind: 'kpi', name: a };
    if (head === 'reward' || head === 'shaped' || head === 'action' || head === 'episodeReturn') return { kind: head, agent: a };
  }
  if (parts.length === 3 && head === 'reward' && b !== undefined && b !== '') return { kind: 'rewardComponent', agent: a, component: b };
  return null;
}

/** The columns of a row: what a world declares (its agents, their reward components, its KPIs). */
export interface RowLayout {
  readonly agents: readonly { readonly id: string }[];
  readonly rewardComponents: readonly (readonly string[])[];
  readonly kpis: readonly { readonly name: string; readonly aggregate: 'mean' | 'sum' }[];
}

/** What a window (or a whole run) accumulated: sums over its steps and world copies. */
export interface LedgerSums {
  /** Per agent, per component: raw reward. */
  readonly components: readonly ArrayLike<number>[];
  /** Per agent: local reward (the components' sum). */
  readonly local: ArrayLike<number>;
  /** Per agent: shaped reward. */
  readonly shaped: ArrayLike<number>;
  /** Per agent: first action slot. */
  readonly action: ArrayLike<number>;
  /** Per KPI: value. */
  readonly kpis: ArrayLike<number>;
  /** Per agent: returns of the episodes that ended, and how many (absent: no episodes tracked). */
  readonly returns?: ArrayLike<number>;
  readonly returnCount?: ArrayLike<number>;
  /** Steps × copies accumulated: the denominator of per-step means. */
  readonly samples: number;
  /** Episodes that ended. */
  readonly episodes: number;
}

/** A KPI's value from its sum (see the module header): per-step mean, or total per copy. */
export function kpiValue(aggregate: 'mean' | 'sum', sum: number, samples: number, copies: number): number {
  return aggregate === 'sum' ? sum / copies : sum / Math.max(1, samples);
}

/** The metrics row of one window, in the key order every writer uses. */
export function windowRow(layout: RowLayout, s: LedgerSums, copies: number, step: number, window: number): MetricsRow {
  const n = Math.max(1, s.samples);
  const row: MetricsRow = { window, step, episodes: s.episodes };
  layout.agents.forEach((a, i) => {
    layout.rewardComponents[i]!.forEach((c, k) => (row[metricsKey.rewardComponent(a.id, c)] = s.components[i]![k]! / n));
    row[metricsKey.reward(a.id)] = s.local[i]! / n;
    row[metricsKey.shaped(a.id)] = s.shaped[i]! / n;
    row[metricsKey.action(a.id)] = s.action[i]! / n;
    const count = s.returnCount?.[i] ?? 0;
    if (count > 0) row[metricsKey.episodeReturn(a.id)] = s.returns![i]! / count;
  });
  layout.kpis.forEach((k, j) => (row[metricsKey.kpi(k.name)] = kpiValue(k.aggregate, s.kpis[j]!, s.samples, copies)));
  return row;
}

/** An agent's run-level means, as summary.json `agents.<id>` carries them. */
export interface AgentMeans {
  meanReward: number;
  meanShapedReward: number;
  rewardComponents: Record<string, number>;
  meanEpisodeReturn: number | null;
}

/** Run-level means from the run's sums, as summary.json carries them (same aggregation as the rows). */
export function runMeans(
  layout: RowLayout,
  s: LedgerSums,
  copies: number,
): { agents: Record<string, AgentMeans>; kpis: Record<string, number>; episodes: number } {
  const n = Math.max(1, s.samples);
  const agents: Record<string, AgentMeans> = {};
  layout.agents.forEach((a, i) => {
    const rewardComponents: Record<string, number> = {};
    layout.rewardComponents[i]!.forEach((c, k) => (rewardComponents[c] = s.components[i]![k]! / n));
    const count = s.returnCount?.[i] ?? 0;
    agents[a.id] = {
      meanReward: s.local[i]! / n,
      meanShapedReward: s.shaped[i]! / n,
      rewardComponents,
      meanEpisodeReturn: count > 0 ? s.returns![i]! / count : null,
    };
  });
  const kpis: Record<string, number> = {};
  layout.kpis.forEach((k, j) => (kpis[k.name] = kpiValue(k.aggregate, s.kpis[j]!, s.samples, copies)));
  return { agents, kpis, episodes: s.episodes };
}
