/**
 * Test harness for the fault layer: the runner's act → beforeStep → step → observe loop on a
 * VecEngine, with a hook between the layer's action pipeline and the engine step so tests can
 * compare what policies chose (`faults.intended`) with what the world received (`engine.actions`).
 */
import { resolveExperiment } from '../../src/config/resolve.js';
import { VecEngine } from '../../src/core/engine.js';
import { createPolicies } from '../../src/core/policy.js';
import { createFaultLayer, type FaultLayer } from '../../src/faults/layer.js';

/** A relay-chain experiment config with the given faults section. */
export function relayConfig(faults: unknown, params: Record<string, unknown> = {}, agents?: unknown[], numEnvs = 2): Record<string, unknown> {
  return {
    name: 'faults-test',
    env: { id: 'relay-chain-v1', params: { numAgents: 3, episodeLength: 50, ...params } },
    agents: agents ?? [{ role: 'relay', policy: { type: 'threshold', params: { field: 'inbox' } } }],
    run: { steps: 100, numEnvs, metricsEvery: 50 },
    ...(faults === undefined ? {} : { faults }),
  };
}

/** A world, engine, policies and fault layer wired like the runner's generic loop. */
export function harness(config: unknown, seed = 1) {
  const resolved = resolveExperiment(config);
  const world = resolved.makeWorld();
  const numEnvs = resolved.config.run.numEnvs;
  const engine = new VecEngine(world, { numEnvs, seed });
  const policies = createPolicies(world, resolved.assignments, numEnvs, seed);
  const faults = createFaultLayer(resolved, engine, seed) as FaultLayer;
  engine.reset();
  faults.reset();
  return {
    world,
    engine,
    faults,
    /** One loop iteration; `beforeEngine` runs after the layer wrote the executed actions. */
    step(beforeEngine?: () => void): void {
      for (let i = 0; i < policies.length; i++) policies[i]!.act(faults.obs[i]!, faults.intended[i]!, 'explore');
      faults.beforeStep();
      beforeEngine?.();
      engine.step((e) => faults.afterStep(e));
      faults.observe();
    },
  };
}

/** Two-sided binomial bound: |k/n − p| ≤ z·sqrt(p(1−p)/n) (z = 3.29: 99.9%). */
export function withinBinomial(k: number, n: number, p: number, z = 3.29): boolean {
  return Math.abs(k / n - p) <= z * Math.sqrt((p * (1 - p)) / n) + 1e-12;
}
