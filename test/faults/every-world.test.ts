/** Every fault and guard on every registered world: the world only ever receives valid actions, and faulted runs are reproducible. */
import { describe, expect, it } from 'vitest';
import { worlds } from '../../envs/index.js';
import { contains } from '../../src/core/spaces.js';
import { harness } from './harness.js';

function config(id: string): Record<string, unknown> {
  const spec = worlds.get(id);
  const world = spec.create(spec.paramsSchema.parse(spec.conformanceParams ?? {}) as Record<string, unknown>);
  const ids = world.agents.map((a) => a.id);
  const first = ids[0]!;
  const last = ids[ids.length - 1]!;
  return {
    name: 'every-world',
    env: { id, params: spec.conformanceParams ?? {} },
    agents: world.agents.map((a) => ({ id: a.id, policy: { type: 'random' } })),
    run: { steps: 50, numEnvs: 2, metricsEvery: 25 },
    faults: {
      injections: [
        { type: 'stale-observation', delay: 2 },
        { type: 'observation-cadence', agents: [first], every: 3 },
        { type: 'observation-noise', agents: [last], std: 0.5 },
        { type: 'drop-fields', probability: 0.2, fill: 'last' },
        { type: 'dropout', probability: 0.1, duration: 2, fallback: 'last-action' },
        { type: 'dropout', agents: [first], window: { start: 5, end: 9 }, fallback: { policy: { type: 'random' } } },
        { type: 'action-delay', agents: [last], delay: 2, probability: 0.5 },
        { type: 'action-corruption', agents: [first], probability: 0.3, mode: 'out-of-range', onInvalid: 'clamp' },
        { type: 'action-corruption', agents: [last], probability: 0.3, mode: 'garbled', onInvalid: 'reject' },
        ...(ids.length > 1 ? [{ type: 'handoff', from: first, to: last, fields: [0], loss: 0.3, delay: 1 }] : []),
      ],
      guards: [
        { type: 'circuit-breaker', agents: [first], maxFaults: 2, window: 6, cooldown: 3, count: ['no-response', 'late', 'invalid-action'], fallback: 'noop' },
        { type: 'timeout', agents: [last], maxDelay: 1, fallback: 'noop' },
      ],
      reliability: { criteria: Object.fromEntries(world.agents.map((a) => [a.id, { component: world.rewardComponents[a.index]![0]!, atLeast: 0 }])) },
    },
  };
}

describe('faults on every registered world', () => {
  for (const id of worlds.ids())
    it(`${id}: the world receives only valid actions; two runs are identical`, () => {
      const trace = (): number[] => {
        const h = harness(config(id), 4);
        const out: number[] = [];
        for (let t = 0; t < 50; t++) {
          h.step(() => {
            h.world.actionSpaces.forEach((space, i) => {
              for (let off = 0; off < h.engine.actions[i]!.length; off += space.size) expect(contains(space, h.engine.actions[i]!, off)).toBe(true);
            });
          });
          for (let i = 0; i < h.world.agents.length; i++) out.push(...h.faults.obs[i]!, ...h.engine.actions[i]!, ...h.engine.rewards[i]!);
        }
        out.push(JSON.stringify(h.faults.summary()).length);
        return out;
      };
      const a = trace();
      expect(a.every((v) => !Number.isNaN(v))).toBe(true);
      expect(trace()).toEqual(a);
    });
});
