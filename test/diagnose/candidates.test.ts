/** Candidate fixes from known findings: what is offered for learners, scripted agents, faults, stale feeds and collusion. */
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../../src/config/load.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { generateCandidates, withHarmedKpi, type FindingRef } from '../../src/diagnose/candidates.js';
import { experimentSetup } from '../../src/diagnose/setup.js';
import { applyPoint } from '../../src/config/sweep-grid.js';

/** The finance squeeze with finance on PPO (a learner) and procurement's demand feed weekly and late. */
function learnedSqueeze(extra: Record<string, unknown> = {}): ReturnType<typeof experimentSetup> {
  const raw = readConfigFile('experiments/warehouse-finance-squeeze.yaml') as Record<string, unknown>;
  const agents = structuredClone(raw['agents']) as Record<string, unknown>[];
  agents[3] = { id: 'finance', policy: { type: 'ppo', params: { rolloutLength: 60 } } };
  return experimentSetup(
    resolveExperiment({ ...raw, agents, env: { id: 'warehouse-v1', params: { observation: { procurement: { delay: 7, cadence: 7 } } } }, ...extra }),
  );
}

const goodhartFinance: FindingRef = {
  key: 'goodhart:reward-up-kpi-down:finance',
  detector: 'goodhart',
  kind: 'reward-up-kpi-down',
  agents: ['finance'],
  kpi: 'stockouts',
};

describe('candidate generation', () => {
  it('offers a learning agent team, mixed, difference and KPI-linked rewards, as config overrides on its entry', () => {
    const setup = learnedSqueeze();
    const { candidates, none } = generateCandidates([goodhartFinance], setup, 0, {
      mixWeights: [0.5, 0.2],
      continuation: { finance: { type: 'fixed-budget' } },
    });
    expect(none).toEqual([]);
    expect(candidates.map((c) => c.label)).toEqual([
      'finance: team reward',
      'finance: mixed reward (w=0.5)',
      'finance: mixed reward (w=0.2)',
      'finance: difference reward (look-ahead 10)',
      'finance: KPI-linked penalty on stockouts',
    ]);
    expect(candidates[0]!.values).toEqual({ 'agents[3].reward': { scheme: 'team' } });
    expect(candidates[2]!.values).toEqual({ 'agents[3].reward': { scheme: 'mixed', params: { localWeight: 0.2 } } });
    // The look-ahead continues every agent with a scripted policy: the others' own, finance's stand-in.
    const look = (candidates[3]!.values['agents[3].reward'] as { params: { lookAhead: { steps: number; policies: Record<string, { type: string }> } } }).params
      .lookAhead;
    expect(look.steps).toBe(10);
    expect(Object.fromEntries(Object.entries(look.policies).map(([a, p]) => [a, p.type]))).toEqual({
      procurement: 'base-stock',
      inventory: 'base-stock',
      logistics: 'standard-shipping',
      finance: 'fixed-budget',
    });
    // The penalty is in the team objective's units: stockouts weigh rewardScale × stockoutPenalty = 0.04.
    expect(candidates[4]!.values).toEqual({ 'agents[3].reward': { scheme: 'kpi-linked', params: { kpi: 'stockouts', mode: 'penalty', strength: 0.04 } } });
    expect(candidates.every((c) => c.findings.length === 1 && c.findings[0] === goodhartFinance.key)).toBe(true);
    // Every candidate applied to the config resolves (the sweep applies it the same way).
    const base = readConfigFile('experiments/warehouse-finance-squeeze.yaml') as { agents: Record<string, unknown>[] };
    base.agents[3] = { id: 'finance', policy: { type: 'ppo', params: { rolloutLength: 60 } } };
    for (const c of candidates) expect(resolveExperiment(applyPoint(base, { label: c.label, values: c.values })).assignments[3]!.scheme.id).toBe(c.kind);
  });

  it('falls back to a one-step difference reward, saying why, when a learner has no scripted stand-in', () => {
    const { candidates } = generateCandidates([goodhartFinance], learnedSqueeze(), 0);
    const diff = candidates.find((c) => c.kind === 'difference')!;
    expect(diff.label).toBe('finance: difference reward (one step)');
    expect(diff.rationale).toContain('no scripted continuation policy for finance');
    expect(diff.values).toEqual({ 'agents[3].reward': { scheme: 'difference' } });
  });

  it('offers a scripted agent only its budget (a reward change cannot change it), and says so when it has none', () => {
    const setup = experimentSetup(resolveExperiment(readConfigFile('experiments/warehouse-finance-squeeze.yaml')));
    const harms: FindingRef = { key: 'conflict:harms:finance>inventory', detector: 'conflict', kind: 'harms', agents: ['finance', 'inventory'] };
    const byProcurement: FindingRef = { key: 'conflict:harms:procurement>finance', detector: 'conflict', kind: 'harms', agents: ['procurement', 'finance'] };
    const { candidates, none } = generateCandidates([harms, byProcurement], setup, 0);
    expect(candidates.map((c) => [c.label, c.values])).toEqual([
      ['finance: budgetMultiple ×2', { 'agents[3].policy.params.budgetMultiple': 0.5 }],
      ['finance: budgetMultiple ×4', { 'agents[3].policy.params.budgetMultiple': 1 }],
    ]);
    expect(none).toHaveLength(1);
    expect(none[0]!.finding).toBe(byProcurement.key);
    expect(none[0]!.reason).toContain('procurement is scripted');
  });

  it("shares the freshest agent's feed with a stale one, and reports its staleness", () => {
    const setup = learnedSqueeze();
    const procurement = setup.staleness.find((s) => s.agent === 'procurement')!;
    expect(procurement).toMatchObject({ stale: true, meanAge: 10, maxAge: 13 });
    expect(setup.staleness.filter((s) => s.stale).map((s) => s.agent)).toEqual(['procurement']);
    const stale: FindingRef = { key: 'staleness:stale-view:procurement', detector: 'staleness', kind: 'stale-view', agents: ['procurement'] };
    const { candidates } = generateCandidates([stale], setup, 0);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]!.kind).toBe('share-observation');
    expect(candidates[0]!.label).toBe("procurement: share finance's observation");
    expect(candidates[0]!.values).toEqual({
      'env.params.observation.procurement': { delay: 0, cadence: 1, noise: 0, slots: ['onHand', 'backlog', 'demand', 'demandAvg', 'lateRisk', 'keyBacklog'] },
    });
  });

  it('adds a circuit breaker for an agent whose actions are hit by injected faults, unless one guards it', () => {
    const faults = { injections: [{ type: 'dropout', agents: ['finance'], probability: 0.05, duration: 5 }] };
    const { candidates } = generateCandidates([goodhartFinance], learnedSqueeze({ faults }), 0);
    const breaker = candidates.find((c) => c.kind === 'circuit-breaker')!;
    expect(breaker.values['faults.guards[0]']).toMatchObject({ type: 'circuit-breaker', agents: ['finance'], fallback: 'noop' });
    const guarded = { ...faults, guards: [{ type: 'circuit-breaker', agents: ['finance'], maxFaults: 2, window: 10, cooldown: 5, count: ['no-response'] }] };
    expect(generateCandidates([goodhartFinance], learnedSqueeze({ faults: guarded }), 1).candidates.some((c) => c.kind === 'circuit-breaker')).toBe(false);
  });

  it('offers learning firms in a collusive cycle pay linked to consumer surplus and a myopic discount', () => {
    const raw = readConfigFile('experiments/traps/collusion-tabular.yaml') as Record<string, unknown>;
    const setup = experimentSetup(resolveExperiment(raw));
    const collusive: FindingRef = { key: 'collusion:collusive:firm0,firm1', detector: 'collusion', kind: 'collusive', agents: ['firm0', 'firm1'] };
    // The finding is judged on the buyers' KPI, which the firms' own profit leaves out.
    expect(withHarmedKpi(collusive, setup).kpi).toBe('consumerSurplus');
    const { candidates, none } = generateCandidates([collusive], setup, 0);
    expect(none).toEqual([]);
    // Both firms share one config entry, so each change is one candidate on the firms' one entry.
    expect(candidates.map((c) => [c.label, c.values])).toEqual([
      [
        'every firm: KPI-linked penalty on consumerSurplus',
        { 'agents[0].reward': { scheme: 'kpi-linked', params: { kpi: 'consumerSurplus', mode: 'penalty', strength: 1 } } },
      ],
      ['every firm: myopic (discount 0)', { 'agents[0].policy.params.discount': 0 }],
    ]);
    expect(candidates[0]!.rationale).toContain('every firm');
    // --link-strength 1 3: the penalty at the KPI's weight in G and at three times it.
    const stronger = generateCandidates([collusive], setup, 0, { linkStrengths: [1, 3] }).candidates.filter((c) => c.kind === 'kpi-linked');
    expect(stronger.map((c) => [c.label, (c.values['agents[0].reward'] as { params: { strength: number } }).params.strength])).toEqual([
      ['every firm: KPI-linked penalty on consumerSurplus', 1],
      ['every firm: KPI-linked penalty on consumerSurplus (×3)', 3],
    ]);
    for (const c of candidates) expect(() => resolveExperiment(applyPoint(raw, { label: c.label, values: c.values }))).not.toThrow();
  });

  it('makes PPO firms myopic through their gamma', () => {
    const setup = experimentSetup(resolveExperiment(readConfigFile('experiments/traps/collusion-neural.yaml')));
    const collusive: FindingRef = { key: 'collusion:collusive:firm0,firm1', detector: 'collusion', kind: 'collusive', agents: ['firm0', 'firm1'] };
    const myopic = generateCandidates([collusive], setup, 0).candidates.filter((c) => c.kind === 'myopic');
    expect(myopic.map((c) => [c.label, c.values])).toEqual([['every firm: myopic (gamma 0)', { 'agents[0].policy.params.gamma': 0 }]]);
  });

  it('generates nothing for collusion among scripted firms and says why', () => {
    const collusive: FindingRef = {
      key: 'collusion:collusive:procurement,finance',
      detector: 'collusion',
      kind: 'collusive',
      agents: ['procurement', 'finance'],
    };
    const { candidates, none } = generateCandidates(
      [collusive],
      experimentSetup(resolveExperiment(readConfigFile('experiments/warehouse-finance-squeeze.yaml'))),
      0,
    );
    expect(candidates).toEqual([]);
    expect(none[0]!.reason).toContain('market design');
  });
});
