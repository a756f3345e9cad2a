/**
 * The conflict influence heatmap: how much each agent's actions move each other agent's reward
 * (row: acting agent, column: affected agent; negative = harm). Read from a detector finding's
 * evidence `{agents: string[], influence: number[][]}` or from summary metrics[`conflict/influence`]
 * with the same shape; averaged over seeds (the last such finding per seed is used).
 */
import type { SeedRecord } from '../load.js';
import type { Variant } from '../variants.js';
import { baseLayout, slug, type Figure, type Section } from './common.js';
import { MAX_VARIANT_FIGURES } from './curves.js';

/** An agents × agents influence matrix. */
export interface InfluenceMatrix {
  readonly agents: string[];
  readonly influence: number[][];
}

function asMatrix(v: unknown): InfluenceMatrix | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const agents = o['agents'];
  const m = o['influence'];
  if (!Array.isArray(agents) || !Array.isArray(m) || m.length !== agents.length) return null;
  if (!m.every((row) => Array.isArray(row) && row.length === agents.length && row.every((x) => typeof x === 'number'))) return null;
  return { agents: agents.map(String), influence: m as number[][] };
}

/** A seed's influence matrix, if any. */
export function influenceOf(seed: SeedRecord): InfluenceMatrix | null {
  const fromMetrics = asMatrix(seed.summary.metrics?.['conflict/influence']);
  if (fromMetrics) return fromMetrics;
  let found: InfluenceMatrix | null = null;
  for (const f of seed.findings()) found = asMatrix(f.evidence) ?? found;
  return found;
}

/** Influence heatmaps, one per variant that has a matrix. */
export function influenceFigures(variants: readonly Variant[]): Section {
  const figures: Figure[] = [];
  variants.forEach((v, vi) => {
    if (figures.length >= MAX_VARIANT_FIGURES) return;
    const ms = v.seeds.map(influenceOf).filter((x): x is InfluenceMatrix => x !== null);
    if (ms.length === 0) return;
    const agents = ms[0]!.agents;
    const same = ms.filter((m) => m.agents.join('\u0000') === agents.join('\u0000'));
    const z = agents.map((_, i) => agents.map((__, j) => same.reduce((s, m) => s + m.influence[i]![j]!, 0) / same.length));
    const lim = Math.max(1e-9, ...z.flat().map(Math.abs));
    const title = `Conflict influence — ${v.label}`;
    figures.push({
      id: `influence-${vi}-${slug(v.label)}`,
      title,
      caption: `Mean over ${same.length} seed(s). Row: the acting agent; column: the agent whose reward it moves. Red: harm (negative), blue: help (positive).`,
      data: [
        {
          type: 'heatmap',
          z,
          x: agents,
          y: agents,
          zmin: -lim,
          zmax: lim,
          colorscale: 'RdBu',
          reversescale: true,
          text: z.map((row) => row.map((x) => x.toFixed(2))),
          texttemplate: '%{text}',
          hovertemplate: '%{y} → %{x}: %{z:.3f}<extra></extra>',
          colorbar: { title: { text: 'influence' } },
        },
      ],
      layout: baseLayout(title, {
        hovermode: 'closest',
        xaxis: { title: { text: 'affected agent' }, side: 'bottom', automargin: true },
        yaxis: { title: { text: 'acting agent' }, autorange: 'reversed', automargin: true },
        height: Math.max(320, 120 + 48 * agents.length),
      }),
    });
  });
  return {
    id: 'influence',
    title: 'Conflict influence',
    intro: 'Who moves whose reward: the influence matrix reported by the conflict detector.',
    figures,
    unavailable: figures.length ? null : 'Not available for these runs: no finding carries an influence matrix (evidence.agents + evidence.influence) — run the conflict detector to get one.',
  };
}
