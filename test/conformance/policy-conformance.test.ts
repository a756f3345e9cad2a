/** Enrols every registered policy in the policy conformance suite, on every registered world it can control. */
import { beforeAll } from 'vitest';
import { worlds } from '../../envs/index.js';
import { policies } from '../../policies/index.js';
import { initBackend } from '../../src/learn/backend.js';
import { policyConformanceSuite } from './policy-conformance.js';

// Neural policies need a backend, as the runner's prepare step gives them.
beforeAll(async () => {
  for (const spec of policies.values()) await spec.prepare?.();
  await initBackend({ log: false });
});

for (const spec of policies.values()) policyConformanceSuite(spec, worlds.values());
