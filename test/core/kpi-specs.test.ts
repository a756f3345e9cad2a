/** summary.json `kpiSpecs`: written from the world's KpiSpecs and read back, old formats recognised as such. */
import { describe, expect, it } from 'vitest';
import { kpiSpecsFromSummary, summaryKpiSpecs } from '../../src/core/kpi-specs.js';

describe('summary kpiSpecs', () => {
  it('round-trip directions and references (null when the world knows none)', () => {
    const written = summaryKpiSpecs([
      { name: 'welfare', description: 'sum of payoffs', better: 'higher', aggregate: 'mean', reference: 8 },
      { name: 'cost', description: 'cost', better: 'lower', aggregate: 'sum' },
    ]);
    expect(written['cost']!.reference).toBeNull();
    expect(kpiSpecsFromSummary(JSON.parse(JSON.stringify({ kpiSpecs: written })))).toEqual([
      { name: 'welfare', better: 'higher', description: 'sum of payoffs', reference: 8 },
      { name: 'cost', better: 'lower', description: 'cost' },
    ]);
  });

  it('say null for summaries written before references, so readers fall back to the world', () => {
    expect(kpiSpecsFromSummary({ kpiSpecs: { welfare: { better: 'higher', aggregate: 'mean', description: 'x' } } })).toBeNull();
    expect(kpiSpecsFromSummary({ kpis: { welfare: 1 } })).toBeNull();
    expect(kpiSpecsFromSummary(null)).toBeNull();
    expect(kpiSpecsFromSummary({ kpiSpecs: { welfare: { better: 'sideways', reference: 1 } } })).toBeNull();
  });
});
