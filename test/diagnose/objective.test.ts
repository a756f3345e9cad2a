/** The objective diagnose judges by: the config's diagnose.objective (validated against the world's KPIs) or the world's team objective. */
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../../src/config/load.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { applyPoint } from '../../src/config/sweep-grid.js';
import { ConfigError } from '../../src/core/errors.js';
import { generateCandidates, type FindingRef } from '../../src/diagnose/candidates.js';
import { recommend, type SeedObservation } from '../../src/diagnose/recommend.js';
import { experimentSetup } from '../../src/diagnose/setup.js';
import { validCandidates } from '../../src/diagnose/diagnose.js';

/** The tabular collusion trap with its `diagnose` section replaced (undefined: removed). */
function collusion(diagnose: unknown): Record<string, unknown> {
  const { diagnose: _own, ...raw } = readConfigFile('experiments/traps/collusion-tabular.yaml') as Record<string, unknown>;
  return diagnose === undefined ? raw : { ...raw, diagnose };
}

function issuesOf(raw: unknown): string[] {
  try {
    resolveExperiment(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

const goodhartFirm: FindingRef = {
  key: 'goodhart:reward-up-kpi-down:firm0',
  detector: 'goodhart',
  kind: 'reward-up-kpi-down',
  agents: ['firm0'],
  kpi: 'meanPrice',
};

describe('diagnose.objective', () => {
  it("defaults to the world's team objective", () => {
    const setup = experimentSetup(resolveExperiment(collusion(undefined)));
    const world = { profitGain: 1, meanPrice: -1, consumerSurplus: 1, totalWelfare: 1 };
    expect(setup.objective).toEqual({ source: 'world', weights: world, worldWeights: world, reason: null });
    expect(setup.kpis.map((k) => [k.name, k.weight])).toEqual(Object.entries(world));
  });

  it('names the objective G: unnamed KPIs weigh 0, the world keeps its own team objective', () => {
    const setup = experimentSetup(resolveExperiment(collusion({ objective: { kpis: { consumerSurplus: 1 }, reason: 'consumer welfare' } })));
    expect(setup.objective.source).toBe('experiment');
    expect(setup.objective.reason).toBe('consumer welfare');
    expect(setup.kpis.map((k) => [k.name, k.weight])).toEqual([
      ['profitGain', 0],
      ['meanPrice', 0],
      ['consumerSurplus', 1],
      ['totalWelfare', 0],
    ]);
    expect(setup.objective.worldWeights).toEqual({ profitGain: 1, meanPrice: -1, consumerSurplus: 1, totalWelfare: 1 });
  });

  it('rejects unknown KPIs, no weight at all, non-numbers and unknown keys, naming the field', () => {
    expect(issuesOf(collusion({ objective: { kpis: { consumerSurplu: 1 } } }))).toEqual([
      "diagnose.objective.kpis.consumerSurplu: unknown team KPI 'consumerSurplu'; valid: profitGain, meanPrice, consumerSurplus, totalWelfare",
    ]);
    expect(issuesOf(collusion({ objective: { kpis: { consumerSurplus: 0 } } }))[0]).toMatch(
      /^diagnose\.objective\.kpis: gives no KPI a non-zero weight .*remove diagnose\.objective to use the world's team objective$/,
    );
    expect(issuesOf(collusion({ objective: { kpis: { consumerSurplus: 'high' } } }))[0]).toMatch(/^diagnose\.objective\.kpis\.consumerSurplus: /);
    expect(issuesOf(collusion({ objective: { kpis: { consumerSurplus: 1 } }, judge: 'me' }))[0]).toMatch(/^diagnose: .*judge/);
  });

  it('has the team, mixed and difference candidates pay it, and each candidate resolves', () => {
    const raw = collusion({ objective: { kpis: { consumerSurplus: 1 } } });
    const setup = experimentSetup(resolveExperiment(raw));
    const { candidates } = generateCandidates([goodhartFirm], setup, 0);
    const reward = (label: string): unknown => candidates.find((c) => c.label === label)!.values['agents[0].reward'];
    expect(reward('every firm: team reward')).toEqual({ scheme: 'team', params: { kpis: { consumerSurplus: 1 } } });
    expect(reward('every firm: mixed reward (w=0.5)')).toEqual({ scheme: 'mixed', params: { localWeight: 0.5, kpis: { consumerSurplus: 1 } } });
    expect(reward('every firm: difference reward (one step)')).toEqual({ scheme: 'difference', params: { kpis: { consumerSurplus: 1 } } });
    for (const c of candidates) expect(resolveExperiment(applyPoint(raw, { label: c.label, values: c.values })).assignments[0]!.scheme.id).toBe(c.kind);
    // Without the section they pay the world's team objective, as before.
    const plain = generateCandidates([goodhartFirm], experimentSetup(resolveExperiment(collusion(undefined))), 0).candidates;
    expect(plain.find((c) => c.label === 'every firm: team reward')!.values['agents[0].reward']).toEqual({ scheme: 'team' });
  });

  it("gives firms configured by one role entry one candidate per change, labelled for all of them, answering both firms' findings", () => {
    // The neural trap's diagnosis once named "firm0: difference reward" (a change to agents[0], which is
    // both firms) and told firm1's finding that no candidate was tried.
    const setup = experimentSetup(resolveExperiment(collusion({ objective: { kpis: { consumerSurplus: 1 } } })));
    const firm1: FindingRef = { ...goodhartFirm, key: 'goodhart:reward-up-kpi-down:firm1', agents: ['firm1'] };
    const { candidates, none } = generateCandidates([goodhartFirm, firm1], setup, 0);
    expect(none).toEqual([]);
    const rewardChanges = candidates.filter((c) => c.values['agents[0].reward'] !== undefined);
    expect(rewardChanges.length).toBeGreaterThan(0);
    for (const c of rewardChanges) {
      expect(c.label).toMatch(/^every firm: /);
      expect(c.findings).toEqual([goodhartFirm.key, firm1.key]);
    }
  });

  it('runs one change once: a candidate equal to another answers both findings, one equal to the baseline is dropped', () => {
    const raw = collusion(undefined);
    const team = { 'agents[0].reward': { scheme: 'team' } };
    const cand = (label: string, values: Record<string, unknown>, finding: string) => ({
      label,
      kind: 'team' as const,
      agents: ['firm0'],
      rationale: '',
      values,
      findings: [finding],
    });
    const { kept, rejected } = validCandidates(
      raw,
      'experiments/traps/collusion-tabular.yaml',
      [cand('a', team, 'f1'), cand('b', team, 'f2'), cand('c', { 'agents[0].reward': { scheme: 'local' } }, 'f3')],
      [0, 1],
      '/tmp/tacit-unused-runs',
    );
    expect(kept.map((c) => [c.label, c.findings])).toEqual([['a', ['f1', 'f2']]]);
    expect(rejected).toEqual([{ finding: 'f3', reason: '"c" changes nothing in the resolved config (it is the baseline)' }]);
  });

  it('judges a fix that breaks the cartel by the buyers, where the world objective calls it a cost', () => {
    // Myopic firms: consumer surplus up, the firms' profit gain down by more (the neural trap's pattern).
    const seeds = (cs: number, gain: number, price: number): SeedObservation[] =>
      [0, 1, 2, 3, 4].map((seed) => ({
        seed,
        kpis: { profitGain: gain + 0.01 * seed, meanPrice: price, consumerSurplus: cs + 0.003 * seed, totalWelfare: 1.13 + 0.002 * seed },
        present: cs < 0.66 ? ['collusion:collusive:firm0,firm1'] : [],
        outcomes: { collusion: cs < 0.66 ? 'fired' : 'clear' },
      }));
    const finding: FindingRef = {
      key: 'collusion:collusive:firm0,firm1',
      detector: 'collusion',
      kind: 'collusive',
      agents: ['firm0', 'firm1'],
      kpi: 'consumerSurplus',
    };
    const myopic = { label: 'myopic', kind: 'myopic' as const, agents: ['firm0'], rationale: '', values: {}, findings: [finding.key] };
    const variants = new Map([
      ['baseline', seeds(0.6, 0.45, 1.62)],
      ['myopic', seeds(0.67, 0.15, 1.53)],
    ]);
    const directions = { profitGain: 'higher', meanPrice: 'lower', consumerSurplus: 'higher', totalWelfare: 'higher' } as const;
    const judged = (diagnose: unknown) => {
      const weights = Object.fromEntries(experimentSetup(resolveExperiment(collusion(diagnose))).kpis.map((k) => [k.name, k.weight]));
      return recommend([finding], [myopic], 'baseline', variants, weights, directions)[0]!;
    };
    const byWorld = judged(undefined);
    expect(byWorld.candidates[0]!.verdict).toBe('removes-at-cost');
    expect(byWorld.recommended).toBeNull();
    const byBuyers = judged({ objective: { kpis: { consumerSurplus: 1 } } });
    expect(byBuyers.candidates[0]!.verdict).toBe('fixes');
    expect(byBuyers.recommended).toBe('myopic');
    expect(byBuyers.statement).toMatch(/^Adopt "myopic": it removes it in 5 of 5 seeds and improves the team: team objective 0\.070/);
  });
});
