/**
 * PPO with an `actionMap` passes the policy conformance checks (valid world actions, seeded
 * determinism, save/load round trip, idle rows ignored) on the warehouse-v2 roles the learned
 * team maps: procurement in days of cover, inventory's allocation choice, finance's budget slack.
 */
import { beforeAll, describe, it } from 'vitest';
import { warehouseV2 } from '../../envs/warehouse/v2/warehouse-v2.js';
import { policies } from '../../policies/index.js';
import type { World } from '../../src/core/world.js';
import { initBackend } from '../../src/learn/backend.js';
import { policyChecks, type PolicyCase } from '../conformance/policy-conformance.js';

const ppo = policies.get('ppo');
const makeWorld = (): World => warehouseV2.create(warehouseV2.paramsSchema.parse({ episodeLength: 25 }));
const small = { hidden: [8], rolloutLength: 8, numMinibatches: 2 };
const cases: [string, number, Record<string, unknown>][] = [
  ['procurement, cover days', 0, { coverDays: [3, 5, 8], choices: { 'supplier/A': [0], 'supplier/B': [0, 1] } }],
  ['inventory, allocation', 1, { coverDays: [5], choices: { allocation: [0, 1] } }],
  ['finance, budget slack', 3, { choices: { budgetMultiple: [1, 1.5, 100] } }],
];

beforeAll(async () => {
  await ppo.prepare?.();
  await initBackend({ log: false });
});

describe('ppo with an actionMap conforms', () => {
  for (const [name, agent, actionMap] of cases) {
    const c: PolicyCase = { spec: ppo, params: ppo.paramsSchema.parse({ ...small, actionMap }) as Record<string, unknown>, makeWorld, agent };
    it(`${name}: actions in the world's space, deterministic, save/load, idle rows ignored`, () => {
      policyChecks.act(c, 40);
      policyChecks.determinism(c, 40);
      policyChecks.saveLoad(c, 40);
      policyChecks.actedMask(c, 40);
    });
  }
});
