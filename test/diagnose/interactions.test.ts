/** Component-vs-KPI links and the influence summary on synthetic ledgers with known relations. */
import { describe, expect, it } from 'vitest';
import { measureInteractions, type SeedLedger } from '../../src/diagnose/interactions.js';
import type { ExperimentSetup } from '../../src/diagnose/setup.js';

const setup = {
  experiment: 'x',
  world: 'w',
  agents: [
    {
      id: 'fin',
      role: 'fin',
      entry: 0,
      sharedEntry: false,
      policy: 'ppo',
      policyParams: {},
      learns: true,
      scheme: 'local',
      schemeParams: {},
      components: ['capital', 'flat'],
    },
  ],
  kpis: [
    { name: 'stockouts', better: 'lower', description: '', weight: -1 },
    { name: 'noise', better: 'higher', description: '', weight: 0 },
  ],
  objective: { source: 'world', weights: { stockouts: -1, noise: 0 }, worldWeights: { stockouts: -1, noise: 0 }, reason: null },
  staleness: [],
  actionFaults: {},
  guarded: [],
  detectorsOff: [],
} satisfies ExperimentSetup;

/** 40 windows: capital cost saved (component up) exactly when stockouts rise; `noise` unrelated (a fixed pseudo-random sequence). */
function ledger(seed: number): SeedLedger {
  const rows = Array.from({ length: 40 }, (_, t) => {
    const squeeze = Math.sin((t + seed) / 3);
    return {
      'reward/fin/capital': squeeze,
      'reward/fin/flat': 0,
      'kpi/stockouts': 100 + 50 * squeeze + ((t * 7919 + seed) % 13) / 13,
      'kpi/noise': ((t * 104729 + seed * 31) % 97) / 97,
    };
  });
  const cell = (actor: string, affected: string, mean: number, pHarm: number) => ({ actor, affected, mean, pHarm, n: 64 });
  return { rows, influence: { cells: [cell('fin', 'fin', 0, 1), cell('fin', 'inv', -1 - seed / 10, seed < 3 ? 1e-6 : 0.5)] } };
}

describe('interactions', () => {
  it('finds the component that pulls against a KPI, tested over seeds, and skips constant series', () => {
    const out = measureInteractions(setup, [0, 1, 2, 3, 4].map(ledger));
    const capital = out.componentKpi.find((c) => c.component === 'capital' && c.kpi === 'stockouts')!;
    expect(capital.relation).toBe('against');
    expect(capital.r).toBeLessThan(-0.95);
    expect(capital.seeds).toBe(5);
    expect(out.componentKpi.find((c) => c.component === 'capital' && c.kpi === 'noise')!.relation).not.toBe('against');
    expect(out.componentKpi.some((c) => c.component === 'flat')).toBe(false);
    expect(out.notes).toEqual([]);
  });

  it('averages the influence matrix over seeds and counts the seeds with significant harm', () => {
    const out = measureInteractions(setup, [0, 1, 2, 3, 4].map(ledger));
    expect(out.influence).toHaveLength(1);
    expect(out.influence[0]).toMatchObject({ actor: 'fin', affected: 'inv', seeds: 5, harmSeeds: 3 });
    expect(out.influence[0]!.mean).toBeCloseTo(-1.2);
    expect(out.influence[0]!.high).toBeLessThan(0);
  });

  it('says when there is one seed (liberal window test) and when no influence matrix exists', () => {
    const out = measureInteractions(setup, [{ rows: ledger(0).rows, influence: null }]);
    expect(out.notes.join(' ')).toContain('one seed');
    expect(out.notes.join(' ')).toContain('no influence matrix');
  });
});
