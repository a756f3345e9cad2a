/**
 * The coordination wrappers against cases with known answers: words arrive after exactly
 * delay + 1 periods, cost what they should, are lost with drop 1 and stop at cutAt; a supervisor
 * that sees the proposal overrides exactly the proposals its rule names (one that saw only the
 * last executed action would not); an override budget and an action budget run out at exactly
 * the step they should, and an exhausted budget is a fault onset per episode. Every wrapped world
 * also passes the world conformance suite.
 */
import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import { ConfigError } from '../../src/core/errors.js';
import { allocStepOut, type World } from '../../src/core/world.js';
import { withMessages } from '../../src/coordination/messages.js';
import { coordinatedSpec } from '../../src/coordination/wrap.js';
import { coordinationSchema } from '../../src/coordination/schema.js';
import { runGenericSeed } from '../../src/run/seed-run.js';
import { worlds } from '../../envs/index.js';
import { conformanceSuite } from '../conformance/world-conformance.js';
import { expectExactResume } from '../run/exact-resume.js';

const sink = { metrics: () => {}, event: () => {} };

/** Step `world` from reset with per-step action rows; returns each step's StepOut copy. */
function rollout(world: World, actions: readonly (readonly number[])[], seed = 7): { obs: number[][]; rewards: number[][] }[] {
  let s = world.createState();
  let next = world.createState();
  const out = allocStepOut(world);
  world.reset(s, Uint32Array.from([seed, 1, 2, 3]), out);
  const rows = [];
  for (const joint of actions) {
    world.step(
      s,
      joint.map((a) => Float64Array.of(a)),
      next,
      out,
    );
    rows.push({ obs: out.obs.map((o) => Array.from(o)), rewards: out.rewards.map((r) => Array.from(r)) });
    out.events.length = 0;
    [s, next] = [next, s];
  }
  return rows;
}

const matrix = (): World => worlds.get('matrix-game-v1').create(worlds.get('matrix-game-v1').paramsSchema.parse({}) as Record<string, unknown>);

describe('messages', () => {
  const cfg = (over: Record<string, unknown>) => coordinationSchema().parse({ messages: { vocabulary: ['quiet', 'a', 'b'], ...over } }).messages!;

  it('delivers a word delay + 1 periods after it is sent, charges cost per non-silent word and leaves actions to the inner world', () => {
    const world = withMessages(matrix(), cfg({ delay: 2, cost: 0.5 }), []);
    // firm row sends word 2 ('b') with inner action 1 (joint 2·2 + 1 = 5) once, then silence with action 0.
    const steps = rollout(world, [
      [5, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    const seenBy1 = steps.map((r) => r.obs[1]![r.obs[1]!.length - 1]);
    expect(seenBy1).toEqual([0, 0, 2, 0]);
    expect(steps.map((r) => r.rewards[0]!.at(-1))).toEqual([-0.5, -0, -0, -0].map((x) => x + 0));
    // prisoner's dilemma: row defects (1) against cooperation in step 0 → payoff 5.
    expect(steps[0]!.rewards[0]![0]).toBe(5);
  });

  it('loses every word with drop 1 and delivers nothing from cutAt on', () => {
    const lost = rollout(withMessages(matrix(), cfg({ drop: 1 }), []), [
      [2, 2],
      [4, 4],
    ]);
    expect(lost.map((r) => r.obs[1]!.at(-1))).toEqual([0, 0]);
    const cut = rollout(withMessages(matrix(), cfg({ cutAt: 2, cost: 1 }), []), [
      [2, 2],
      [2, 2],
      [2, 2],
      [2, 2],
    ]);
    expect(cut.map((r) => r.obs[0]!.at(-1))).toEqual([1, 1, 0, 0]);
    expect(cut.map((r) => r.rewards[0]!.at(-1))).toEqual([-1, -1, 0, 0]);
  });
});

describe('supervisor', () => {
  // row proposes 0, 1, 0, 1 …; col always cooperates; the operator overrides any proposal ≥ 1 with 0.
  const config = (budget: number, stepsN = 40) => ({
    name: 'supervisor-test',
    env: { id: 'matrix-game-v1', params: { episodeLength: 20 } },
    agents: [
      { id: 'row', policy: { type: 'constant', params: { sequence: [0, 1] } } },
      { id: 'col', policy: { type: 'constant', params: { action: 0 } } },
      { id: 'supervisor-row', policy: { type: 'threshold', params: { field: 'proposed/row', threshold: 1, above: 1, below: 0 } } },
    ],
    run: { steps: stepsN, numEnvs: 1, metricsEvery: 20 },
    detectors: { conflict: false, miscoordination: false, goodhart: false, collusion: false },
    coordination: { supervisors: [{ worker: 'row', replacement: { action: [0] }, budget, cost: 0.25, penalty: 1 }] },
  });

  it('sees the proposed action: it overrides every defection, so row always cooperates', () => {
    const summary = runGenericSeed(resolveExperiment(config(0)), { seed: 1, sink });
    const o = (summary.metrics['coordination/overrides'] as Record<string, { rate: number; overrides: number; refused: number }>)['row']!;
    expect(o.overrides).toBe(20);
    expect(o.rate).toBe(0.5);
    // (C, C) pays 3 every step; the penalty of 1 on half the steps: 3 − 0.5.
    expect(summary.agents['row']!.meanReward).toBeCloseTo(2.5, 12);
    expect(summary.agents['supervisor-row']!.meanReward).toBeCloseTo(-0.125, 12);
  });

  it('names the field, the value and the fix for a bad supervisor', () => {
    const bad = (sup: Record<string, unknown>) => () => resolveExperiment({ ...config(0), coordination: { supervisors: [sup] } });
    expect(bad({ worker: 'nobody' })).toThrow(/coordination\.supervisors\[0\]\.worker: unknown agent 'nobody'; this world's agents: row, col/);
    expect(bad({ worker: 'row', replacement: { action: [7] } })).toThrow(
      /coordination\.supervisors\[0\]\.replacement\.action: \[7\] is not an action of agent 'row', whose action space is Discrete\(2\); give 1 slot\(s\) inside it, or use 'noop'/,
    );
  });

  it('stops overriding once its budget is spent, and records the refused requests', () => {
    const summary = runGenericSeed(resolveExperiment(config(3)), { seed: 1, sink });
    const o = (summary.metrics['coordination/overrides'] as Record<string, { overrides: number; refused: number }>)['row']!;
    // Two episodes of 20 steps: 3 overrides each, the other 7 defections of each episode refused.
    expect(o.overrides).toBe(6);
    expect(o.refused).toBe(14);
  });
});

describe('budgets', () => {
  const config = (kind: 'actions' | 'compute') => ({
    name: 'budget-test',
    env: { id: 'relay-chain-v1', params: { numAgents: 2, arrivalRate: 1, episodeLength: 10 } },
    agents: [{ role: 'relay', policy: { type: 'threshold', params: { field: 'inbox', threshold: 0.5, above: 1, below: 0 } } }],
    run: { steps: 30, numEnvs: 2, metricsEvery: 10 },
    detectors: { conflict: false, miscoordination: false, goodhart: false, collusion: false },
    coordination: { budgets: [{ agents: ['relay0'], kind, amount: 4, fallback: 'noop' }] },
    faults: { reliability: { criteria: { relay: { component: 'forwarded', atLeast: 1 } } } },
  });

  it('an action budget of 4 lets relay0 forward 4 times per episode, then it is out: one fault onset per episode', () => {
    const summary = runGenericSeed(resolveExperiment(config('actions')), { seed: 3, sink });
    const b = (summary.metrics['coordination/budgets'] as Record<string, { outShare: number; exhaustions: number }>)['relay0']!;
    // 3 episodes × 2 copies, each: 4 forwards then 6 steps out.
    expect(b.outShare).toBeCloseTo(0.6, 12);
    expect(b.exhaustions).toBe(6);
    const faults = summary.metrics['faults'] as { onsets: Record<string, Record<string, number>>; steps: Record<string, Record<string, number>> };
    expect(faults.onsets['relay0']!['budget-exhausted']).toBe(6);
    expect(faults.steps['relay0']!['budget-exhausted']).toBe(36);
    // relay1 (last) delivers its initial item and relay0's 4 forwards: 5 per 10-step episode.
    expect(summary.kpis['delivered']).toBeCloseTo(0.5, 12);
  });

  it('rejects a budget for an unknown agent with the field path', () => {
    const bad = { ...config('compute'), coordination: { budgets: [{ agents: ['relay9'], kind: 'compute', amount: 4 }] } };
    expect(() => resolveExperiment(bad)).toThrow(ConfigError);
    expect(() => resolveExperiment(bad)).toThrow(/coordination\.budgets\[0\]\.agents\[0\]: unknown agent or role 'relay9'/);
  });
});

// Wrapped worlds are worlds: the shared conformance suite, at each inner world's conformance params.
conformanceSuite(coordinatedSpec(worlds.get('market-v1'), coordinationSchema().parse({ messages: { drop: 0.3, delay: 1, cost: 0.01 } })));
conformanceSuite(coordinatedSpec(worlds.get('matrix-game-v1'), coordinationSchema().parse({ supervisors: [{ worker: 'col', budget: 3 }] })));
conformanceSuite(
  coordinatedSpec(worlds.get('relay-chain-v1'), coordinationSchema().parse({ budgets: [{ kind: 'actions', amount: 5, fallback: 'last-action' }] })),
);

describe('coordination in a run', () => {
  it('resumes exactly: channel (with drops), supervisor and budget state are all checkpointed', async () => {
    await expectExactResume({
      name: 'resume-coordination',
      env: { id: 'matrix-game-v1', params: { episodeLength: 40 } },
      agents: [
        { role: 'player', policy: { type: 'tabular-q', params: { explorationDecay: 0.001 } } },
        { role: 'supervisor', policy: { type: 'tabular-q', params: { discount: 0, explorationDecay: 0.001 } } },
      ],
      run: { steps: 600, numEnvs: 3, metricsEvery: 100 },
      output: { checkpointEvery: 200 },
      coordination: {
        messages: { vocabulary: ['quiet', 'c', 'd'], drop: 0.3, delay: 1, cost: 0.1 },
        supervisors: [{ worker: 'row', budget: 10, cost: 0.1, penalty: 0.5 }],
        budgets: [{ agents: ['col'], kind: 'compute', amount: 30, fallback: 'last-action' }],
      },
    });
  });
});
