/**
 * One seed of an experiment: build the world, engine, policies and reward schemes from the
 * resolved config, run the act → step → shape → learn loop, and stream the dual ledger (metrics
 * windows) and events to a sink. The loop body allocates nothing per step; all per-step work is
 * in typed arrays owned by the engine, the schemes and the metrics accumulator.
 */
import type { ResolvedExperiment } from '../config/resolved.js';
import { AutoresetMode, type EngineEvent, VecEngine } from '../core/engine.js';
import { TacitError } from '../core/errors.js';
import { createPolicies } from '../core/policy.js';
import { Rollout } from '../core/rollout.js';
import { Rng } from '../core/rng.js';
import { withFaults } from '../faults/engine.js';
import { createFaultLayer } from '../faults/layer.js';
import { CoordinationLayer } from '../coordination/layer.js';
import { coordinatedOf } from '../coordination/wrap.js';
import type { RewardScheme } from '../rewards/scheme.js';
import { chooseFastPath, fastPathLoop } from './fast-path-loop.js';
import { MetricsAccumulator } from './metrics.js';
import type { SeedRunOptions } from './seed-loop.js';
import { policyStats, seedSummary, type SeedSummary } from './seed-summary.js';
import { drivePausing, driveSync, type RunLoop } from './yield.js';
import { checkFiniteObservations } from './finite.js';

/** The loop of one seed: a matching fast path when allowed, else the generic loop. */
function seedLoop(resolved: ResolvedExperiment, options: SeedRunOptions): RunLoop<SeedSummary> {
  const fast = chooseFastPath(resolved, options);
  return fast ? fastPathLoop(resolved, fast, options) : genericSeedLoop(resolved, options);
}

/** Run one seed to the end, through a matching fast path when allowed, else the generic loop. */
export function runSeed(resolved: ResolvedExperiment, options: SeedRunOptions): SeedSummary {
  return driveSync(seedLoop(resolved, options));
}

/**
 * Run one seed like `runSeed`, giving the event loop a turn at metrics windows so that a stop
 * requested by a signal handler (Ctrl-C, SIGTERM) or a message is seen while it runs.
 */
export function runSeedPausing(resolved: ResolvedExperiment, options: SeedRunOptions): Promise<SeedSummary> {
  return drivePausing(seedLoop(resolved, options));
}

/** The generic loop, run to the end: any world, any policies, any reward schemes. */
export function runGenericSeed(resolved: ResolvedExperiment, options: SeedRunOptions): SeedSummary {
  return driveSync(genericSeedLoop(resolved, options));
}

/** The generic loop as a generator that yields at every metrics window (see yield.ts). */
export function* genericSeedLoop(resolved: ResolvedExperiment, options: SeedRunOptions): RunLoop<SeedSummary> {
  const { config } = resolved;
  const { seed, sink } = options;
  const run = config.run;
  // Coordination wrappers (src/coordination): the wrapped world and where each wrapper sits in it.
  const coordinated = coordinatedOf(resolved.worldSpec, resolved.worldParams);
  const world = coordinated ? coordinated.world : resolved.makeWorld();
  const numEnvs = run.numEnvs;
  const nA = world.agents.length;
  const autoreset = run.autoreset === 'next-step' ? AutoresetMode.NextStep : AutoresetMode.SameStep;
  const engine = new VecEngine(world, { numEnvs, seed, autoreset });

  const policies = createPolicies(world, resolved.assignments, numEnvs, seed);
  const schemes: RewardScheme[] = resolved.assignments.map((a) =>
    a.scheme.create({ world, agent: a.agent, numEnvs, rng: Rng.from(seed, 'reward', a.agent.id) }, a.schemeParams),
  );
  const shaped = world.agents.map(() => new Float64Array(numEnvs));
  const learners = policies.map((p, i) => (p.observe ? i : -1)).filter((i) => i >= 0);
  if (learners.length > 0 && autoreset !== AutoresetMode.SameStep)
    throw new TacitError(`run.autoreset: learning policies need 'same-step' autoreset (got '${run.autoreset}'): remove run.autoreset or set it to same-step`);

  const ledger = new MetricsAccumulator(world, numEnvs);
  // Faults (src/faults) wrap the engine when the config has a faults section or a policy can fail
  // to answer (an external process): the rollout then drives the FaultedEngine, whose observations
  // and action buffers are the layer's. The layer and the coordination accounting add their keys
  // to each metrics row and their figures to the summary.
  const coord = coordinated ? new CoordinationLayer(coordinated, engine, seed) : null;
  const faults = createFaultLayer(resolved, engine, seed, policies, coord);
  const env = withFaults(engine, faults);
  const rollout = new Rollout(env, policies, {
    modes: 'explore',
    learners,
    rewards: shaped,
    afterStep: (eng) => {
      coord?.afterStep(eng);
      for (let i = 0; i < nA; i++) schemes[i]!.compute(eng, shaped[i]!);
      ledger.addStep(eng, shaped);
    },
  });
  const accounts = [faults, coord].filter((a) => a !== null);
  const flush = (at: number): void => {
    const row = ledger.flush(at);
    for (const a of accounts) a.addMetrics(row);
    sink.metrics(row);
  };

  if (run.episodes !== undefined && world.episodeLength === 0)
    throw new TacitError(`run.episodes: world ${world.id} is continuing (it never ends an episode); give run.steps instead`);
  const budget = run.steps ?? run.maxSteps ?? (run.episodes !== undefined ? Math.max(run.episodes * world.episodeLength * 100, 1_000_000) : 0);
  const maxEvents = config.output.maxEvents;
  let eventsWritten = 0;
  let eventsDropped = 0;
  let convergedAt: number | null = null;

  const drain = (events: readonly EngineEvent[]): void => {
    for (const e of events) {
      if (eventsWritten < maxEvents) {
        sink.event({ type: 'event', step: e.step, copy: e.copy, event: e.event });
        eventsWritten++;
      } else eventsDropped++;
    }
  };

  env.reset();
  if (options.resume) {
    const cp = options.resume;
    engine.restoreCheckpoint(cp.engine as Parameters<typeof engine.restoreCheckpoint>[0]);
    ledger.restore(cp.ledger);
    policies.forEach((p, i) => p.load?.(cp.policies[i]));
    schemes.forEach((sc, i) => sc.load?.(cp.schemes[i]));
    eventsWritten = cp.eventsWritten;
    eventsDropped = cp.eventsDropped;
    options.forks?.loadForkPoints(cp.forkPoints);
    faults?.restore(cp.faults);
    coord?.restore(cp.coordination);
  }
  const checkpointEvery = options.checkpointEvery ?? 0;
  let step = engine.stepCount;
  let interrupted = false;
  while (step < budget) {
    rollout.step();
    step = env.stepCount;
    if (env.events.length > 0) drain(env.events);
    if (step % run.metricsEvery === 0) {
      checkFiniteObservations(engine, world.id, step);
      options.forks?.recordForkPoint(engine, step);
      flush(step);
      options.onProgress?.(step, budget);
      if (checkpointEvery > 0 && step % checkpointEvery === 0 && options.onCheckpoint)
        options.onCheckpoint({
          step,
          engine: engine.checkpoint(),
          ledger: ledger.checkpoint(),
          policies: policies.map((p) => p.save?.() ?? null),
          schemes: schemes.map((sc) => sc.save?.() ?? null),
          eventsWritten,
          eventsDropped,
          forkPoints: options.forks?.saveForkPoints(),
          ...(faults ? { faults: faults.checkpoint() } : {}),
          ...(coord ? { coordination: coord.checkpoint() } : {}),
        });
      yield;
      if (options.signal?.stop) {
        interrupted = true;
        break;
      }
      if (run.episodes !== undefined && ledger.episodes >= run.episodes) break;
      if (run.stopWhenConverged && learners.length > 0 && learners.every((i) => policies[i]!.converged?.() === true)) {
        convergedAt = step;
        break;
      }
    }
  }
  if (ledger.pending) flush(step);
  options.onProgress?.(step, budget);

  const totals = ledger.totals();
  const analysis = interrupted ? undefined : resolved.worldSpec.analyze?.({ world, engine, policies, seed });
  for (const e of analysis?.events ?? []) sink.event({ type: 'event', step, copy: 0, event: e });
  const statsByAgent = policyStats(world, policies);
  if (!interrupted) options.forks?.analyseForks(world, policies, numEnvs);
  options.onFinalPolicies?.(policies.map((p) => p.save?.() ?? null));
  for (const p of policies) p.dispose?.();
  const faultMetrics = faults?.summary();
  faults?.dispose();

  return seedSummary(resolved, world, {
    seed,
    steps: step,
    numEnvs,
    totals,
    fastPath: null,
    convergedAt,
    eventsWritten,
    eventsDropped,
    policies: statsByAgent,
    extraMetrics: [analysis?.metrics, faultMetrics, coord?.summary()],
    interrupted,
  });
}
