/** The fault layer in the runner: determinism, zero-fault equivalence, metrics and events, config errors naming the field. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { policies } from '../../policies/index.js';
import { definePolicy } from '../../src/core/policy.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { ConfigError } from '../../src/core/errors.js';
import { runGenericSeed } from '../../src/run/seed-run.js';
import type { MetricsRow } from '../../src/core/metrics-row.js';
import { relayConfig } from './harness.js';

const criteria = { relay: { component: 'forwarded', atLeast: 1 } };
const everything = {
  injections: [
    { type: 'stale-observation', agents: ['relay1'], delay: 2, fields: ['inbox'] },
    { type: 'observation-cadence', agents: ['relay2'], every: 3 },
    { type: 'observation-noise', agents: ['relay0'], std: 0.3, fields: ['clock'] },
    { type: 'drop-fields', agents: ['relay3'], fields: ['inbox'], probability: 0.1 },
    { type: 'dropout', agents: ['relay1', 'relay2'], probability: 0.05, duration: 2, fallback: 'last-action' },
    { type: 'action-delay', agents: ['relay3'], delay: 1, probability: 0.3 },
    { type: 'action-corruption', agents: ['relay0'], probability: 0.05, mode: 'garbled', onInvalid: 'clamp' },
    { type: 'handoff', from: 'relay2', to: 'relay3', fields: ['inbox'], loss: 0.1, delay: 1 },
  ],
  guards: [
    { type: 'circuit-breaker', agents: ['relay3'], maxFaults: 3, window: 10, cooldown: 5, fallback: { policy: { type: 'constant', params: { action: 1 } } } },
    { type: 'timeout', agents: ['relay1'], maxDelay: 0, fallback: 'noop' },
  ],
  reliability: { criteria, cascadeHorizon: 10 },
};

function runOf(config: unknown, seed = 5) {
  const rows: MetricsRow[] = [];
  const events: Record<string, unknown>[] = [];
  const summary = runGenericSeed(resolveExperiment(config), { seed, sink: { metrics: (r) => rows.push(r), event: (e) => events.push(e) } });
  return { rows, events, summary };
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

const cfg = (faults: unknown, numEnvs = 3) => ({
  ...relayConfig(faults, { numAgents: 4, arrivalRate: 0.8 }, undefined, numEnvs),
  run: { steps: 600, numEnvs, metricsEvery: 200 },
});

describe('fault layer in the runner', () => {
  it('gives bit-identical metrics, events and summaries for the same seed, and different ones for another seed', () => {
    const a = runOf(cfg(everything));
    const b = runOf(cfg(everything));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(runOf(cfg(everything), 6).rows)).not.toBe(JSON.stringify(a.rows));
    const faults = a.summary.metrics.faults as Record<string, Record<string, Record<string, number>>>;
    expect(Object.keys(faults.steps!).sort()).toEqual(['relay0', 'relay1', 'relay2', 'relay3']);
    // 36 episodes of 50 steps; the view is held on the 33 steps that are not multiples of 3.
    expect(faults.steps!.relay2).toMatchObject({ 'observation-cadence': 36 * 33, 'handoff-loss': expect.any(Number), 'handoff-delay': 1800 });
    expect(faults.guards!.relay1!.timeouts).toBe(faults.actions!.relay1!.noResponse);
    expect(a.rows[0]).toMatchObject({
      'faults/relay1/dropout': expect.any(Number),
      'reliability/team': expect.any(Number),
      'reliability/independence': expect.any(Number),
    });
    expect(a.events.some((e) => (e.event as { type: string }).type === 'fault')).toBe(true);
  });

  it('runs exactly like no faults section when every injection is a no-op, and adds nothing for an empty section', () => {
    const none = runOf(cfg(undefined));
    const noop = runOf(
      cfg({
        injections: [
          { type: 'dropout', probability: 0 },
          { type: 'action-corruption', probability: 0 },
          { type: 'drop-fields', probability: 0 },
          { type: 'handoff', from: 'relay0', to: 'relay1', fields: ['inbox'] },
        ],
        reliability: { criteria },
      }),
    );
    const worldKeys = (rows: MetricsRow[]) =>
      rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('faults/') && !k.startsWith('reliability/'))));
    expect(worldKeys(noop.rows)).toEqual(none.rows);
    expect(noop.summary.agents).toEqual(none.summary.agents);
    expect(noop.summary.kpis).toEqual(none.summary.kpis);
    const empty = runOf(cfg({}));
    expect(empty.rows).toEqual(none.rows);
    expect(empty.summary.metrics).toEqual(none.summary.metrics);
  });

  it('reports config errors at their field path with the valid names', () => {
    expect(
      issuesOf(
        cfg({
          injections: [
            { type: 'dropout', agents: ['relay1'], window: { start: 4, end: 2 } },
            { type: 'teleport' },
            { type: 'stale-observation', delay: 2, field: ['clock'] },
          ],
          guards: [{ type: 'circuit-breaker', maxFaults: 6, window: 5, cooldown: 3, fallback: 'retry' }],
        }),
      ),
    ).toMatchInlineSnapshot(`
      [
        "faults.injections[0].window.end: must be greater than window.start (4), got 2",
        "faults.injections[1].type: expected one of "stale-observation", "observation-cadence", "observation-noise", "drop-fields", "dropout", "action-delay", "action-corruption", "handoff", "shared-writes", "adversary", got "teleport"",
        "faults.injections[2]: unknown key 'field'; allowed keys: type, agents, fields, delay",
        "faults.guards[0].fallback: expected 'noop', 'last-action' or {policy: {type, params}}, got "retry"",
      ]
    `);
    const issues = issuesOf(
      cfg({
        injections: [
          { type: 'stale-observation', agents: ['relay9', 'relay1'], delay: 2, fields: ['demand'] },
          { type: 'handoff', from: 'relay0', to: 'relay0', fields: [7] },
          { type: 'dropout', agents: ['relay'], probability: 0.1, fallback: { policy: { type: 'threshold', params: { field: 'x' } } } },
        ],
        guards: [
          { type: 'circuit-breaker', agents: ['relay0'], maxFaults: 2, window: 5, cooldown: 3, fallback: { policy: { type: 'nope' } } },
          { type: 'circuit-breaker', agents: ['relay3'], maxFaults: 2, window: 5, cooldown: 3 },
        ],
        reliability: {
          criteria: { relay0: { component: 'profit', atLeast: 1 }, boss: { kpi: 'delivered', atLeast: 1 } },
          team: { component: 'forwarded', atLeast: 1 },
        },
      }),
    );
    // The registered policies grow over time; only check that they are listed.
    expect(issues.filter((i) => i.startsWith('faults.guards[0]'))).toEqual([
      expect.stringMatching(/^faults.guards\[0\].fallback.policy.type: unknown policy 'nope'; registered: random, constant, .*threshold/),
    ]);
    expect(issues.filter((i) => !i.startsWith('faults.guards[0]'))).toMatchInlineSnapshot(`
      [
        "faults.injections[0].agents[0]: unknown agent or role 'relay9'; agents: relay0, relay1, relay2, relay3; roles: relay",
        "faults.injections[0].fields[0]: unknown observation field "demand" of agent 'relay1'; valid: inbox, clock, position",
        "faults.injections[1].to: a hand-off needs two different agents, got from = to = 'relay0'",
        "faults.injections[1].fields[0]: unknown observation field 7 of agent 'relay0'; valid: inbox, clock, position",
        "faults.injections[2].fallback.policy.type: fallback policy 'threshold' cannot act for agent 'relay0' (and 3 more: relay1, relay2, relay3): observation field "x" is not in relay0's observation Box(3, [0, 50]) (inbox, clock, position); valid: inbox, clock, position",
        "faults.guards[1].count: 'failure' needs a success criterion for agent 'relay3' in faults.reliability.criteria; add one or drop 'failure'",
        "faults.reliability.criteria.boss: unknown agent or role 'boss'; agents: relay0, relay1, relay2, relay3; roles: relay",
        "faults.reliability.criteria.relay0.component: unknown reward component 'profit' of agent 'relay0'; valid: forwarded, wasted, lost",
        "faults.reliability.team.component: the team criterion can only use KPIs (delivered, allForwarded, lostItems); per-agent components belong in criteria",
      ]
    `);
  });
});

describe('fault layer checkpoints', () => {
  it('resumes a faulted run exactly from a checkpoint taken mid-run', async () => {
    const { deserialize, serialize } = await import('node:v8');
    const config = cfg(everything);
    const full = runOf(config);
    let saved: Buffer | undefined;
    runGenericSeed(resolveExperiment(config), {
      seed: 5,
      sink: { metrics: () => {}, event: () => {} },
      checkpointEvery: 400,
      onCheckpoint: (cp) => (saved = serialize(cp)),
    });
    const rows: MetricsRow[] = [];
    const events: Record<string, unknown>[] = [];
    const resumed = runGenericSeed(resolveExperiment(config), {
      seed: 5,
      sink: { metrics: (r) => rows.push(r), event: (e) => events.push(e) },
      resume: deserialize(saved!),
    });
    expect(rows).toEqual(full.rows.slice(2));
    expect(events).toEqual(full.events.filter((e) => (e.step as number) > 400));
    expect(resumed.metrics.faults).toEqual(full.summary.metrics.faults);
    expect(resumed.metrics.reliability).toEqual(full.summary.metrics.reliability);
  });
});

describe('learners under faults', () => {
  it('learn from what the agent actually saw: transitions carry the faulted observations, final ones included', () => {
    const acted: number[][] = [];
    const batches: { obs: number[]; nextObs: number[]; finalObs: number[]; truncated: number[] }[] = [];
    const spy = definePolicy({
      id: 'spy-learner',
      summary: 'test: records what it acts on and learns from',
      learns: true,
      paramsSchema: z.object({}).strict(),
      create: () => ({
        act(obs, actions) {
          acted.push(Array.from(obs));
          actions.fill(1);
        },
        observe(batch) {
          batches.push({
            obs: Array.from(batch.obs),
            nextObs: Array.from(batch.nextObs),
            finalObs: Array.from(batch.finalObs),
            truncated: Array.from(batch.truncated),
          });
        },
      }),
    });
    if (!policies.has('spy-learner')) policies.register(spy);
    const config = {
      ...relayConfig({ injections: [{ type: 'stale-observation', agents: ['relay1'], delay: 2, fields: ['clock'] }] }, { numAgents: 2, episodeLength: 10 }, [
        { id: 'relay0', policy: { type: 'threshold', params: { field: 'inbox' } } },
        { id: 'relay1', policy: { type: 'spy-learner' } },
      ]),
      run: { steps: 25, numEnvs: 2, metricsEvery: 25 },
    };
    runOf(config);
    expect(batches).toHaveLength(25);
    for (let t = 0; t < 25; t++) {
      expect(batches[t]!.obs).toEqual(acted[t]);
      if (t < 24) expect(batches[t]!.nextObs).toEqual(acted[t + 1]);
      // Clock slot of each copy: two steps late, the first observation at an episode's start.
      const clock = t % 10;
      expect([acted[t]![1], acted[t]![4]]).toEqual([Math.max(0, clock - 2), Math.max(0, clock - 2)]);
      if (clock === 9) {
        expect(batches[t]!.truncated).toEqual([1, 1]);
        expect([batches[t]!.finalObs[1], batches[t]!.finalObs[4]]).toEqual([8, 8]);
      }
    }
  });
});
