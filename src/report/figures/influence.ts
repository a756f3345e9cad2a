/**
 * The conflict influence heatmap: how much each agent's actions move each other agent's reward
 * (row: acting agent, column: affected agent; negative = harm). Read from the conflict detector's
 * verdict (summary.json verdicts.<detector>.details.influence: a list of cells {actor, affected,
 * mean, …}), or from a finding's evidence / summary metrics[`conflict/influence`] shaped
 * `{agents: string[], influence: number[][]}`; averaged over seeds.
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

/** A matrix from a list of cells {actor, affected, mean}; agents in order of first appearance. */
function fromCells(v: unknown): InfluenceMatrix | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  const cells = v.filter(
    (c): c is { actor: string; affected: string; mean: number } =>
      !!c && typeof c === 'object' && typeof c.actor === 'string' && typeof c.affected === 'string' && typeof c.mean === 'number',
  );
  if (cells.length === 0) return null;
  const agents = [...new Set(cells.flatMap((c) => [c.actor, c.affected]))];
  const influence = agents.map(() => agents.map(() => 0));
  for (const c of cells) influence[agents.indexOf(c.actor)]![agents.indexOf(c.affected)] = c.mean;
  return { agents, influence };
}

/** A seed's influence matrix, if any. */
export function influenceOf(seed: SeedRecord): InfluenceMatrix | null {
  for (const verdict of Object.values(seed.summary.verdicts ?? {})) {
    const m = fromCells((verdict as { details?: { influence?: unknown } } | null)?.details?.influence);
    if (m) return m;
  }
  const fromMetrics = asMatrix(seed.summary.metrics?.['conflict/influence']);
  if (fromMetrics) return fromMetrics;
  let found: InfluenceMatrix | null = null;
  for (const f of seed.findings()) found = asMatrix(f.evidence) ?? found;
  return found;
}

/** Influence heatmaps, one per variant that has a matrix. */
export function influenceFigures(variants: readonly Variant[]): Section {
  const figures: Figure[] = [];
  const mats = variants.slice(0, MAX_VARIANT_FIGURES).flatMap((v, vi) => {
    const ms = v.seeds.map(influenceOf).filter((x): x is InfluenceMatrix => x !== null);
    if (ms.length === 0) return [];
    const agents = ms[0]!.agents;
    const same = ms.filter((m) => m.agents.join('\u0000') === agents.join('\u0000'));
    const z = agents.map((_, i) => agents.map((__, j) => same.reduce((s, m) => s + m.influence[i]![j]!, 0) / same.length));
    return [{ v, vi, agents, z, n: same.length }];
  });
  // One colour scale for every variant, so the same colour means the same influence across variants.
  const lim = Math.max(1e-9, ...mats.flatMap((m) => m.z.flat().map(Math.abs)));
  for (const { v, vi, agents, z, n } of mats) {
    const title = `Conflict influence — ${v.label}`;
    figures.push({
      id: `influence-${vi}-${slug(v.label)}`,
      title,
      caption: `Mean over ${n} seed(s). Row: the acting agent; column: the agent whose reward it moves (diagonal: effect on its own reward). Red: harm (negative), blue: help (positive).${
        mats.length > 1 ? ` One colour scale (±${lim.toPrecision(3)}) for all ${mats.length} variants.` : ''
      }`,
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
  }
  return {
    id: 'influence',
    title: 'Conflict influence',
    intro: 'Who moves whose reward: the influence matrix reported by the conflict detector.',
    figures,
    unavailable: figures.length
      ? null
      : 'Not available for these runs: no influence matrix was recorded — enable the conflict detector (detectors: { conflict: {} }) with fork points to get one.',
  };
}
