import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { experimentJsonSchema } from '../../src/config/json-schema.js';
import { applyOverrides, parsePath } from '../../src/config/load.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { ConfigError, UsageError } from '../../src/core/errors.js';

const good = {
  name: 't',
  env: { id: 'matrix-game-v1', params: { game: 'stag-hunt' } },
  agents: [{ role: 'player', policy: { type: 'random' } }],
  run: { steps: 10 },
};

function issuesOf(raw: unknown): string[] {
  try {
    resolveExperiment(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('experiment config resolution', () => {
  it('fills defaults everywhere and assigns role entries to every agent of the role', () => {
    const r = resolveExperiment(good);
    expect(r.config.env.params).toEqual({ game: 'stag-hunt', episodeLength: 100, payoffNoise: 0 });
    expect(r.config.run).toMatchObject({ seed: 0, seeds: 1, numEnvs: 1, metricsEvery: 100, autoreset: 'same-step' });
    expect(r.assignments.map((a) => [a.agent.id, a.policy.id, a.scheme.id])).toEqual([
      ['row', 'random', 'local'],
      ['col', 'random', 'local'],
    ]);
  });

  it('reports every problem at once with its field path, the value seen and what is allowed', () => {
    expect(
      issuesOf({
        name: 'bad name',
        env: { id: 'matrix-game-v1', params: { game: 'chicken' } },
        agents: [{ id: 'row', policy: { type: 'random' } }],
        run: { steps: -1, numEnvs: 2.5 },
        extra: true,
      }),
    ).toMatchInlineSnapshot(`
      [
        "name: expected letters, digits, dots, dashes or underscores (it names the results folder), got "bad name"",
        "run.steps: expected a positive number, got -1",
        "run.numEnvs: expected an integer, got 2.5",
        ": unknown key 'extra'; allowed keys: $schema, name, description, env, agents, run, detectors, faults, coordination, sweep, diagnose, output",
        "env.params.game: expected one of "prisoners-dilemma", "stag-hunt", "matching-pennies", "coordination", got "chicken"",
      ]
    `);
    expect(
      issuesOf({
        ...good,
        agents: [
          { id: 'row', policy: { type: 'constant', params: { action: 5 } }, reward: { scheme: 'local', params: { weights: { profit: 1 } } } },
          { id: 'nobody', policy: { type: 'random' } },
          { role: 'player', policy: { type: 'no-such-policy' } },
        ],
      }),
    ).toMatchInlineSnapshot(`
      [
        "agents[1].id: unknown agent 'nobody'; this world's agents: row, col",
        "agents[0].policy.type: policy 'constant' cannot control agent 'row': action 5 is outside row's action space Discrete(2)",
        "agents[0].reward.params.weights.profit: unknown reward component 'profit'; valid: payoff",
        "agents[2].policy.type: unknown policy 'no-such-policy'; registered: random, constant, tabular-q, ppo, dqn, base-stock, s-s, sterman, standard-shipping, fixed-budget, threshold, external, item-order-up-to",
      ]
    `);
  });

  it('still checks policies, reward schemes and detectors when the world params are wrong or the world unknown', () => {
    // Without a world, agent coverage and per-world checks cannot run; everything else is reported
    // in the same pass rather than after the user fixes the world (README: every problem at once).
    const bad = {
      name: 'staged',
      env: { id: 'market-v1', params: { priceGridSize: -3 } },
      agents: [
        {
          role: 'firm',
          policy: { type: 'tabular-q', params: { epsilonSchedule: 'geometric', discount: 1.5 } },
          reward: { scheme: 'mixed', params: { weight: 2 } },
        },
        { id: 'firm1', policy: { type: 'no-such-policy' }, reward: { scheme: 'nope' } },
      ],
      run: { steps: 1000 },
      detectors: { collusion: { window: -1 }, telepathy: {} },
    };
    expect(issuesOf(bad)).toMatchInlineSnapshot(`
      [
        "env.params.priceGridSize: expected a number >= 2, got -3",
        "agents[0].policy.params.discount: expected a number < 1, got 1.5",
        "agents[0].policy.params: unknown key 'epsilonSchedule'; allowed keys: learningRate, discount, explorationDecay, convergenceWindow, qInit",
        "agents[0].reward.params: unknown key 'weight'; allowed keys: localWeight, weights, kpis",
        "agents[1].policy.type: unknown policy 'no-such-policy'; registered: random, constant, tabular-q, ppo, dqn, base-stock, s-s, sterman, standard-shipping, fixed-budget, threshold, external, item-order-up-to",
        "agents[1].reward.scheme: unknown reward scheme 'nope'; registered: local, team, mixed, difference, potential, kpi-linked",
        "detectors.collusion.window: expected a number >= 8, got -1",
        "detectors.telepathy: unknown detector 'telepathy'; registered: goodhart, collusion, conflict, miscoordination",
      ]
    `);
    expect(issuesOf({ ...bad, env: { id: 'market-v9' } }).slice(1)).toEqual(issuesOf(bad).slice(1));
    expect(issuesOf({ ...bad, env: { id: 'market-v9' } })[0]).toMatch(/^env.id: unknown world 'market-v9'; registered: /);
  });

  it('says what a detector entry may be when it is neither false nor params', () => {
    // `true` is the natural guess for "on"; zod alone said "Invalid input".
    expect(issuesOf({ ...good, detectors: { conflict: true } })).toEqual(['detectors.conflict: expected false or a mapping (object), got true']);
    expect(issuesOf({ ...good, detectors: { goodhart: false, conflict: {} } })).toEqual([]);
  });

  it('rejects a missing agent, an unknown world and a run with neither steps nor episodes', () => {
    expect(issuesOf({ ...good, agents: [{ id: 'row', policy: { type: 'random' } }] })).toEqual([
      "agents: no entry for agent 'col' (role 'player'); add {id: col, policy: ...} or {role: player, policy: ...}",
    ]);
    expect(issuesOf({ ...good, env: { id: 'nope-v1' } })[0]).toMatch(/^env.id: unknown world 'nope-v1'; registered: matrix-game-v1, coordination-v1/);
    expect(issuesOf({ ...good, run: {} })).toEqual(['run: give run.steps (engine steps) or run.episodes (finished episodes); neither is set']);
  });

  it('applies --set overrides, validated like the file', () => {
    const raw = applyOverrides(good, ['run.steps=50', 'agents[0].policy.params.action=1', 'agents[0].policy.type=constant', 'env.params.payoffNoise=0.5']);
    const r = resolveExperiment(raw);
    expect(r.config.run.steps).toBe(50);
    expect(r.assignments[0]!.policyParams).toEqual({ action: 1 });
    expect(r.worldParams.payoffNoise).toBe(0.5);
    expect(good.run.steps).toBe(10);
    expect(issuesOf(applyOverrides(good, ['run.steps=-3']))).toEqual(['run.steps: expected a positive number, got -3']);
    expect(parsePath('agents[12].policy.params.x')).toEqual(['agents', 12, 'policy', 'params', 'x']);
    expect(() => parsePath('a..b')).toThrow(UsageError);
    expect(() => applyOverrides(good, ['run.steps'])).toThrow(/expected path=value/);
    expect(() => applyOverrides(good, ['name.x=1'])).toThrow(/not an object or list/);
  });

  it('names the list length when a --set index is past the end of a list', () => {
    expect(() => applyOverrides(good, ['agents[5].policy.type=random'])).toThrow(
      "bad --set 'agents[5].policy.type=random': 'agents' has 1 entry (indices 0..0), so [5] is out of range; use [0]..[0] to change one, or [1] to add one",
    );
    expect(() => applyOverrides(good, ['run[0]=1'])).toThrow(/'run' is not a list/);
    // Appending at the end is allowed and validated like any entry.
    const appended = applyOverrides(good, ['agents[1].role=player', 'agents[1].policy.type=random']) as { agents: unknown[] };
    expect(appended.agents).toHaveLength(2);
  });

  it('reports a schema error, a misspelled policy param and an unknown reward component in one pass', () => {
    expect(
      issuesOf({
        name: 'w',
        env: { id: 'warehouse-v1', params: {} },
        agents: [
          {
            id: 'procurement',
            policy: { type: 's-s', params: { reorderPoint: 150, orderUpTo: 300, supplir: 0 } },
            reward: { scheme: 'local', params: { weights: { purchse: 2 } } },
          },
          { id: 'inventory', policy: { type: 'base-stock', params: { level: 200 } } },
          { id: 'logistics', policy: { type: 'standard-shipping' } },
          { id: 'finance', policy: { type: 'fixed-budget', params: { budgetMultiple: 100 } } },
        ],
        run: { steps: -5 },
      }),
    ).toEqual([
      'run.steps: expected a positive number, got -5',
      "agents[0].policy.params: unknown key 'supplir'; allowed keys: reorderPoint, orderUpTo, supplier, drift",
      "agents[0].reward.params.weights.purchse: unknown reward component 'purchse'; valid: purchaseCost, stockout",
    ]);
  });

  it('ships an up-to-date JSON Schema for editors (regenerate with npm run schema)', () => {
    const committed = JSON.parse(readFileSync('experiments/tacit.schema.json', 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(experimentJsonSchema())));
  });
});
