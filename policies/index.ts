/**
 * The policy registry: every policy type usable in an experiment config and listed by
 * `tacit policies`.
 */
import { UnknownPolicyError } from '../src/core/errors.js';
import type { PolicySpec } from '../src/core/policy.js';
import { Registry } from '../src/core/registry.js';
import { constantPolicy } from './constant.js';
import { dqnPolicy } from './dqn.js';
import { ppoPolicy } from './ppo.js';
import { randomPolicy } from './random.js';
import { tabularQPolicy } from './tabular-q.js';

/** All registered policies, by type. */
export const policies = new Registry<PolicySpec>('policy', (id, known) => new UnknownPolicyError(id, known));

const ALL: PolicySpec[] = [randomPolicy, constantPolicy as unknown as PolicySpec, tabularQPolicy as unknown as PolicySpec, ppoPolicy as unknown as PolicySpec, dqnPolicy as unknown as PolicySpec];
for (const spec of ALL) policies.register(spec.type, spec);
