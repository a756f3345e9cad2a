/**
 * One seed of an experiment: build the world, engine, policies and reward schemes from the
 * resolved config, run the act → step → shape → learn loop, and stream the dual ledger (metrics
 * windows) and events to a sink. The loop body allocates nothing per step; all per-step work is
 * in typed arrays owned by the engine, the schemes and the metrics accumulator.
 */
import type { ResolvedExperiment } from '../config/resolve.js';
import { AutoresetMode, type EngineEvent, VecEngine } from '../core/engine.js';
import { TacitError } from '../core/errors.js';
import type { Policy, TransitionBatch } from '../core/policy.js';
import { fillProposals } from '../core/world.js';
import { Rng } from '../core/rng.js';
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

  const shared = new Map<string, unknown>();
  const policies: Policy[] = resolved.assignments.map((a) =>
    a.policy.create(
      {
        world,
        agent: a.agent,
        observationSpace: world.observationSpaces[a.agent.index]!,
        actionSpace: world.actionSpaces[a.agent.index]!,
        numEnvs,
        rng: Rng.from(seed, 'policy', a.agent.id),
        shared,
      },
      a.policyParams,
    ),
  );
  const schemes: RewardScheme[] = resolved.assignments.map((a) =>
    a.scheme.create({ world, agent: a.agent, numEnvs, rng: Rng.from(seed, 'reward', a.agent.id) }, a.schemeParams),
  );
  const shaped = world.agents.map(() => new Float64Array(numEnvs));
  const learners = policies.map((p, i) => (p.observe ? i : -1)).filter((i) => i >= 0);
  if (learners.length > 0 && autoreset !== AutoresetMode.SameStep)
    throw new TacitError(`run.autoreset: learning policies need 'same-step' autoreset (got '${run.autoreset}'): remove run.autoreset or set it to same-step`);
  const batches = world.agents.map((a) => ({
    obs: engine.prevObs[a.index]!,
    actions: engine.actions[a.index]!,
    rewards: shaped[a.index]!,
    nextObs: engine.obs[a.index]!,
    finalObs: engine.finalObs[a.index]!,
    terminated: engine.terminated[a.index]!,
    truncated: engine.truncated[a.index]!,
    acted: engine.acted[a.index]!,
    step: 0,
    agent: a.index,
    allObs: engine.prevObs,
    allNextObs: engine.obs,
    allFinalObs: engine.finalObs,
  })) satisfies TransitionBatch[];

  const ledger = new MetricsAccumulator(world, numEnvs);
  // faults (src/faults): null unless the config has a faults section or a policy that can fail to
  // answer (an external process); then policies see faults.obs,
  // write faults.intended, and the layer hooks in before, inside and after each engine step.
  const coord = coordinated ? new CoordinationLayer(coordinated, engine, seed) : null;
  const faults = createFaultLayer(resolved, engine, seed, policies, coord);
  const afterStep = (eng: VecEngine): void => {
    coord?.afterStep(eng);
    faults?.afterStep(eng);
    for (let i = 0; i < nA; i++) schemes[i]!.compute(eng, shaped[i]!);
    ledger.addStep(eng, shaped);
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

  engine.reset();
  faults?.reset();
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
    const seen = faults ? faults.obs : engine.obs;
    const chosen = faults ? faults.intended : engine.actions;
    for (let i = 0; i < nA; i++) {
      // Agents that act after others (supervisors) see their proposed actions first.
      fillProposals(world, i, seen, chosen, numEnvs);
      policies[i]!.act(seen[i]!, chosen[i]!, 'explore');
    }
    faults?.beforeStep();
    engine.step(afterStep);
    faults?.observe();
    step = engine.stepCount;
    for (let k = 0; k < learners.length; k++) {
      const i = learners[k]!;
      const batch = batches[i]!;
      batch.obs = engine.prevObs[i]!;
      batch.nextObs = engine.obs[i]!;
      batch.allObs = engine.prevObs;
      batch.allNextObs = engine.obs;
      batch.step = step;
      faults?.patchBatch(batch, i);
      policies[i]!.observe!(batch);
    }
    if (engine.events.length > 0) drain(engine.events);
    if (faults && faults.events.length > 0) drain(faults.events);
    if (step % run.metricsEvery === 0) {
      checkFiniteObservations(engine, world.id, step);
      options.forks?.recordForkPoint(engine, step);
      const row = ledger.flush(step);
      faults?.addMetrics(row);
      coord?.addMetrics(row);
      sink.metrics(row);
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
  if (ledger.pending) {
    const row = ledger.flush(step);
    faults?.addMetrics(row);
    coord?.addMetrics(row);
    sink.metrics(row);
  }
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
