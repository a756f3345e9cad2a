/**
 * Coordination figures (src/coordination): per agent, a rate from metrics.jsonl over time, one
 * line per variant with the 95% band across seeds: "Overrides over time per agent" (how often a
 * supervisor replaced the worker's proposed action; a rising or persistent rate is a red flag that
 * the worker's incentives and the overseer's rule disagree), words sent per period on a message
 * channel, and the share of steps an agent's budget fallback acted.
 */
import type { Variant } from '../variants.js';
import { baseLayout, colour, lineWithBand, MIN_SEEDS_FOR_INTERVALS, seedLines, seriesAcrossSeeds, slug, type Figure, type Section } from './common.js';

const PANELS = [
  {
    metric: 'overrideRate',
    title: 'Overrides over time',
    y: 'overrides per supervised step',
    what: 'Share of the worker’s steps in each metrics window whose proposed action its supervisor overrode',
  },
  {
    metric: 'messageRate',
    title: 'Words sent over time',
    y: 'non-silent words per step',
    what: 'Share of the sender’s steps in each metrics window on which it sent a non-silent word',
  },
  {
    metric: 'budgetOut',
    title: 'Budget exhausted over time',
    y: 'share of steps the fallback acted',
    what: 'Share of the agent’s steps in each metrics window on which its budget was spent and its fallback acted',
  },
] as const;

/** Agents that have `coordination/<metric>/<agent>` in some seed's first metrics row. */
function agentsWith(variants: readonly Variant[], metric: string): string[] {
  const prefix = `coordination/${metric}/`;
  const ids = new Set<string>();
  for (const v of variants)
    for (const s of v.seeds) for (const key of Object.keys(s.metrics()[0] ?? {})) if (key.startsWith(prefix)) ids.add(key.slice(prefix.length));
  return [...ids];
}

/** The coordination section: one figure per (panel, agent) with data; null when no run had a coordination section (nothing to say). */
export function coordinationFigures(variants: readonly Variant[]): Section | null {
  const minSeeds = Math.min(...variants.map((v) => v.seeds.length));
  const band =
    minSeeds >= MIN_SEEDS_FOR_INTERVALS
      ? 'shaded: 95% t-interval across seeds'
      : `thin lines: each seed (bands need at least ${MIN_SEEDS_FOR_INTERVALS} seeds)`;
  const figures: Figure[] = PANELS.flatMap((p) =>
    agentsWith(variants, p.metric).flatMap((agent) => {
      const key = `coordination/${p.metric}/${agent}`;
      const data = variants.flatMap((v, i) => {
        const s = seriesAcrossSeeds(v.seeds, key);
        return s ? [...seedLines(v.seeds, key, v.label, colour(i)), ...lineWithBand(s, v.label, colour(i))] : [];
      });
      if (data.length === 0) return [];
      return [
        {
          id: `coordination-${p.metric}-${slug(agent)}`,
          title: `${p.title} — ${agent}`,
          caption: `${p.what} (${key}); ${band}.`,
          data,
          layout: baseLayout(`${p.title} — ${agent}`, {
            xaxis: { title: { text: 'engine step' }, gridcolor: '#ececec' },
            yaxis: { title: { text: p.y }, gridcolor: '#ececec', rangemode: 'tozero' },
          }),
        },
      ];
    }),
  );
  if (figures.length === 0) return null;
  return {
    id: 'coordination',
    title: 'Coordination: overrides, messages, budgets',
    intro:
      'Per agent over time: how often a supervisor overrode it, how often it spoke on a message channel, and how often its budget had run out (docs/coordination.md).',
    figures,
    unavailable: null,
  };
}
