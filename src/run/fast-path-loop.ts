/**
 * The runner's side of a fast path (src/core/fast-path.ts): which of the world's declared fast
 * paths may run a seed, and the loop that drives one. The fast path yields window sums and
 * returns its end; this loop writes the metrics rows, loads the returned policy states into fresh
 * policies, runs the world's analysis and builds summary.json with the same functions as the
 * generic loop (src/core/metrics-row.ts, seed-summary.ts), so the two cannot write them
 * differently. It names no world: the world spec declares its fast paths.
 */
import type { ResolvedExperiment } from '../config/resolved.js';
import { TacitError } from '../core/errors.js';
import type { FastPath, FastPathSeed } from '../core/fast-path.js';
import { runMeans, windowRow } from '../core/metrics-row.js';
import { createPolicies } from '../core/policy.js';
import { hasCoordination } from '../coordination/wrap.js';
import { detectors } from '../detectors/index.js';
import type { SeedRunOptions } from './seed-loop.js';
import { policyStats, seedSummary, type SeedSummary } from './seed-summary.js';
import type { RunLoop } from './yield.js';
import { stageMark, stageSpan } from '../core/stage-clock.js';

/** The seed run as a fast path is offered it: plain data copied from the resolved experiment. */
export function fastPathSeed(resolved: ResolvedExperiment, seed: number): FastPathSeed {
  const run = resolved.config.run;
  return {
    seed,
    worldParams: resolved.worldParams,
    agents: resolved.assignments.map((a) => ({ policy: a.policy.id, policyParams: a.policyParams, scheme: a.scheme.id, schemeParams: a.schemeParams })),
    steps: run.steps ?? run.maxSteps,
    numEnvs: run.numEnvs,
    metricsEvery: run.metricsEvery,
    stopWhenConverged: run.stopWhenConverged,
  };
}

/**
 * The first of the world's fast paths that applies to this seed run, or undefined. None is
 * offered when `run.fastPath` is false or something hooks into the step loop (faults,
 * coordination, a detectors section that names a forking detector, `run.episodes`); a checkpoint of the generic loop cannot be continued
 * by a fast path, which is an error (the user chooses).
 */
export function chooseFastPath(resolved: ResolvedExperiment, options: SeedRunOptions): FastPath | undefined {
  const fast = offeredFastPath(resolved, options.seed);
  if (fast && options.resume)
    throw new TacitError(
      `this seed has a checkpoint of the generic loop, which the fast path '${fast.id}' cannot continue: resume with --set run.fastPath=false`,
    );
  return fast;
}

/** The fast path a fresh run of this seed takes (see chooseFastPath), or undefined for the generic loop. */
export function offeredFastPath(resolved: ResolvedExperiment, seed: number): FastPath | undefined {
  const { config } = resolved;
  if (!config.run.fastPath || config.faults !== undefined || hasCoordination(config.coordination)) return undefined;
  if (namesForkingDetector(config.detectors) || config.run.episodes !== undefined) return undefined;
  const offered = fastPathSeed(resolved, seed);
  return resolved.worldSpec.fastPaths?.find((fp) => fp.applies(offered));
}

/**
 * Whether the detectors section names, switched on, a detector whose tests fork the world
 * (DetectorSpec.probes.afterTraining: conflict, miscoordination). Naming one asks for its test, and
 * only the generic loop records fork points; a section that only switches detectors off or sets
 * the others' params keeps the fast path, whose rows and analysis are the generic loop's.
 */
function namesForkingDetector(section: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(section).some(([id, params]) => params !== false && detectors.has(id) && detectors.get(id).probes?.afterTraining !== undefined);
}

/** Run one seed through `fast` (see the module header): a generator that yields at metrics windows (see yield.ts). */
export function* fastPathLoop(resolved: ResolvedExperiment, fast: FastPath, options: SeedRunOptions): RunLoop<SeedSummary> {
  const { seed, sink } = options;
  const job = fastPathSeed(resolved, seed);
  const world = resolved.makeWorld();
  const budget = job.steps ?? 0;
  stageMark('loop-start');
  const run = fast.run(job);
  let windowIndex = 0;
  let r = run.next(false);
  while (!r.done) {
    const { sums, step } = r.value;
    const index = windowIndex++;
    sink.metrics(stageSpan('metrics-rows', () => windowRow(world, sums, job.numEnvs, step, index)));
    options.onProgress?.(step, budget);
    yield;
    r = run.next(options.signal?.stop === true);
  }
  const end = r.value;
  stageMark('loop-end');
  options.onProgress?.(end.steps, budget);

  // Fresh policies, as the generic loop creates them, holding the fast path's final states.
  const policies = createPolicies(world, resolved.assignments, job.numEnvs, seed, end.policyStates);
  policies.forEach((p, i) => {
    if (!p.load) throw new Error(`fast path ${fast.id}: policy ${resolved.assignments[i]!.policy.id} has no load() for the state the fast path hands back`);
  });
  const analysis = end.interrupted ? undefined : resolved.worldSpec.analyze?.({ world, engine: { numEnvs: job.numEnvs, obs: end.finalObs }, policies, seed });
  stageMark('analysis-end');
  for (const e of analysis?.events ?? []) sink.event({ type: 'event', step: end.steps, copy: 0, event: e });
  const statsByAgent = policyStats(world, policies);
  options.onFinalPolicies?.(policies.map((p) => p.save?.() ?? null));
  for (const p of policies) p.dispose?.();

  return seedSummary(resolved, world, {
    seed,
    steps: end.steps,
    numEnvs: job.numEnvs,
    totals: runMeans(world, end.totals, job.numEnvs),
    fastPath: fast.id,
    convergedAt: end.convergedAt,
    eventsWritten: 0,
    eventsDropped: 0,
    policies: statsByAgent,
    extraMetrics: [analysis?.metrics],
    interrupted: end.interrupted,
  });
}
