/** The verdict-rate figure keeps every detector in its own slot, so an "untested" label sits where that detector's bar would be. */
import { describe, expect, it } from 'vitest';
import type { Comparison, MetricComparison, VariantStat } from '../../src/report/compare.js';
import { comparisonSection } from '../../src/report/figures/comparison.js';

function stat(variant: string, n: number, mean: number, untested = 0): VariantStat {
  return {
    variant,
    n,
    mean,
    low: Math.max(0, mean - 0.1),
    high: Math.min(1, mean + 0.1),
    sd: 0,
    values: [],
    interval: n ? 'wilson' : 'untested',
    untested,
    ...(untested ? { untestedReason: 'too few rows' } : {}),
  };
}

function verdict(name: string, variants: VariantStat[]): MetricComparison {
  return {
    id: `verdict/${name}`,
    kind: 'verdict',
    name,
    better: 'lower',
    directionKnown: true,
    description: null,
    variants,
    ranking: [],
    best: null,
    tiedBest: [],
    letters: {},
    bestIsClear: false,
    pairs: [],
  };
}

describe('detector verdict figure', () => {
  it('puts an untested label in its own detector slot, never on another detector bar', () => {
    const c = {
      variants: [],
      options: { level: 0.95, alpha: 0.05, resamples: 100, seed: 0, correction: 'holm', test: 't', interval: 'bca' },
      metrics: [
        verdict('goodhart', [stat('a', 5, 0.2), stat('b', 5, 0)]),
        verdict('collusion', [stat('a', 5, 0.8), stat('b', 5, 0.6)]),
        verdict('conflict', [stat('a', 0, 0, 5), stat('b', 0, 0, 5)]),
      ],
    } as unknown as Comparison;
    const fig = comparisonSection(c).figures.find((f) => f.id === 'compare-verdicts')!;
    const traces = fig.data as { name: string; type: string; y: number[] }[];
    const bars = traces.filter((t) => t.type === 'bar');
    const label = traces.find((t) => t.name === 'untested')!;
    expect(label.y).toHaveLength(2);
    const barYs = bars.flatMap((t) => t.y);
    for (const y of label.y) expect(barYs.some((b) => Math.abs(b - y) < 0.1)).toBe(false);
    // Each bar trace (one per detector) sits at a distinct offset within its variant's row.
    const offsets = bars.map((t) => t.y[0]! - Math.round(t.y[0]!));
    expect(new Set(offsets.map((o) => o.toFixed(3))).size).toBe(bars.length);
    expect((fig.layout as { barmode: string }).barmode).toBe('overlay');
  });
});
