/**
 * The policy registry: every policy type usable in an experiment config and listed by
 * `tacit policies`.
 */
import { UnknownPolicyError } from '../src/core/errors.js';
import type { PolicySpec } from '../src/core/policy.js';
import { lazyPolicy } from '../src/core/lazy-policy.js';
import { createRegistry } from '../src/core/registry.js';
import { baseStockPolicy } from './base-stock.js';
import { constantPolicy } from './constant.js';
import { dqnCard } from './dqn-card.js';
import { externalPolicy } from './external.js';
import { fixedBudgetPolicy, standardShippingPolicy } from './fixed-decision.js';
import { itemOrderUpToPolicy } from './item-order-up-to.js';
import { ppoCard } from './ppo-card.js';
import { randomPolicy } from './random.js';
import { thresholdPolicy } from './threshold.js';
import { sSPolicy } from './s-s.js';
import { stermanPolicy } from './sterman.js';
import { tabularQPolicy } from './tabular-q.js';

// One entry per line keeps parallel additions from conflicting.
const ALL: PolicySpec[] = [
  randomPolicy,
  constantPolicy,
  tabularQPolicy,
  // Neural: their modules (and TensorFlow.js) load only when a run uses them.
  lazyPolicy(ppoCard, async () => (await import('./ppo.js')).ppoPolicy),
  lazyPolicy(dqnCard, async () => (await import('./dqn.js')).dqnPolicy),
  baseStockPolicy,
  sSPolicy,
  stermanPolicy,
  standardShippingPolicy,
  fixedBudgetPolicy,
  thresholdPolicy,
  externalPolicy,
  itemOrderUpToPolicy,
];

/** All registered policies, by id (the `policy.type` of configs). */
export const policies = createRegistry('policy', ALL, (id, known) => new UnknownPolicyError(id, known));
