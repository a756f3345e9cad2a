/**
 * `tacit eval`: replay a finished run's trained policies greedily (no exploration, no learning) in
 * fresh episodes and report the team KPIs and each agent's rewards. Multi-seed runs evaluate every
 * seed's policies and report the mean and 95% CI across seeds. A run trained under a `faults`
 * section is replayed under the same faults (with its reliability and cascade figures), unless
 * `faults: false` asks for the fault-free world, so a policy can be judged both ways.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedExperiment } from '../config/resolved.js';
import { VecEngine } from '../core/engine.js';
import { UsageError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { createPolicies, type ActMode, type Policy } from '../core/policy.js';
import { Rollout } from '../core/rollout.js';
import type { VecEnv } from '../core/vec-env.js';
import type { World } from '../core/world.js';
import { withFaults } from '../faults/engine.js';
import { createFaultLayer, hasFaults } from '../faults/layer.js';
import { localScheme } from '../rewards/local.js';
import { aggregateSeeds } from '../stats/t-interval.js';
import { MetricsAccumulator } from './metrics.js';
import { readBinary } from '../core/binary.js';

/** Options of an evaluation. */
export interface EvalOptions {
  /** Episodes to play (episodic worlds). */
  readonly episodes?: number;
  /** Steps to play (continuing worlds, or to cap episodes). */
  readonly steps?: number;
  /** Seed of the evaluation episodes (independent of the training seed). */
  readonly seed?: number;
  /** Replay under the run's `faults` section (default true; false: the fault-free world). */
  readonly faults?: boolean;
  /** Called every step after the policies chose, with each agent's actions for all copies (e.g. to profile decisions). */
  readonly onActions?: (actions: readonly Float64Array[]) => void;
}

/** Result of evaluating one seed's policies. */
export interface SeedEval {
  readonly seed: number;
  readonly steps: number;
  readonly episodes: number;
  /** KPIs of the evaluation: "mean" KPIs per step; "sum" KPIs per episode in episodic worlds (per copy over the steps played otherwise). */
  readonly kpis: Record<string, number>;
  readonly agents: Record<string, { meanReward: number; meanEpisodeReturn: number | null }>;
  /** Whether the run's faults were applied. */
  readonly faultsApplied: boolean;
  /** The fault layer's figures (fault rates, reliability, cascades), when faults were applied. */
  readonly metrics?: Record<string, unknown>;
}

/**
 * Copies to evaluate `episodes` episodes exactly: the largest divisor of `episodes` that is at most
 * the run's copy count, so every round of parallel episodes counts whole (8 copies and 5 episodes
 * play 5 copies once, not 8).
 */
export function evalCopies(episodes: number, numEnvs: number): number {
  for (let c = Math.min(episodes, numEnvs); c > 1; c--) if (episodes % c === 0) return c;
  return 1;
}

/**
 * "sum" KPIs of an episodic evaluation per episode: the ledger totals them per copy over all the
 * copy played, so 16 episodes on 8 copies read as two episodes' worth (e.g. two years of cost
 * as one). Mean KPIs and non-episodic worlds are unchanged.
 */
export function perEpisodeKpis(world: World, kpis: Record<string, number>, episodes: number, copies: number): Record<string, number> {
  if (world.episodeLength <= 0 || episodes <= 0) return kpis;
  const perCopy = episodes / copies;
  const out: Record<string, number> = { ...kpis };
  for (const k of world.kpis) if (k.aggregate === 'sum' && out[k.name] !== undefined) out[k.name] = out[k.name]! / perCopy;
  return out;
}

/** Evaluate the policies stored in one seed folder. */
export function evaluateSeedFolder(dir: string, resolve: (config: unknown) => ResolvedExperiment, options: EvalOptions): SeedEval {
  const config = JSON.parse(readFileSync(join(dir, 'config.resolved.json'), 'utf8')) as { run: { seed: number; numEnvs: number } };
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { seed: number };
  const resolved = resolve(config);
  const world = resolved.makeWorld();
  const policyPath = join(dir, 'policies.bin');
  const states = existsSync(policyPath) ? readBinary<unknown[]>(policyPath) : [];
  const episodic = world.episodeLength > 0;
  const numEnvs = episodic && options.steps === undefined ? evalCopies(options.episodes ?? 10, resolved.config.run.numEnvs) : resolved.config.run.numEnvs;
  const evalSeed = options.seed ?? summary.seed;
  const engine = new VecEngine(world, { numEnvs, seed: `eval-${evalSeed}` });
  const policies = createPolicies(world, resolved.assignments, numEnvs, `eval-${evalSeed}`, states);
  const episodes = options.episodes ?? (episodic ? 10 : 0);
  const budget = options.steps ?? (episodic ? Math.ceil(episodes / numEnvs) * world.episodeLength : 1000);
  // Under the run's faults the policies play the faulted engine, as in training (seed-run.ts).
  const faults = options.faults !== false && hasFaults(resolved.config.faults) ? createFaultLayer(resolved, engine, evalSeed, policies) : null;
  const played = playPolicies(withFaults(engine, faults), policies, {
    budget,
    episodes: episodic && options.steps === undefined ? episodes : 0,
    ...(options.onActions ? { onActions: options.onActions } : {}),
  });
  for (const p of policies) p.dispose?.();
  const faultMetrics = faults?.summary();
  faults?.dispose();
  const { step, totals } = played;
  const agents: SeedEval['agents'] = {};
  for (const [id, a] of Object.entries(totals.agents)) agents[id] = { meanReward: a.meanReward, meanEpisodeReturn: a.meanEpisodeReturn };
  return {
    seed: summary.seed,
    steps: step,
    episodes: totals.episodes,
    kpis: perEpisodeKpis(world, totals.kpis, totals.episodes, numEnvs),
    agents,
    faultsApplied: faults !== null,
    ...(faultMetrics ? { metrics: faultMetrics } : {}),
  };
}

/** What `playPolicies` plays: a step budget, stopping early after `episodes` episodes (0: never), after `learnSteps` learning steps. */
export interface PlayOptions {
  readonly budget: number;
  readonly episodes: number;
  /** Steps played first with `learners` exploring and learning from their local reward (not measured). */
  readonly learnSteps?: number;
  /** Agent indices that learn during `learnSteps`. */
  readonly learners?: readonly number[];
  /** Called with every agent's chosen actions each measured step, before the engine steps (decision profiles). */
  readonly onActions?: (actions: readonly Float64Array[]) => void;
}

/**
 * Play `policies` (by agent index) in `env` (an engine, or one wrapped in faults), from a reset:
 * an optional learning phase (the listed learners explore and learn from their local reward, the
 * others act greedily), then greedy play measured by the dual ledger. The loop of evaluation,
 * cross-play and new entrants.
 */
export function playPolicies(
  env: VecEnv,
  policies: readonly Policy[],
  options: PlayOptions,
): { step: number; totals: ReturnType<MetricsAccumulator['totals']> } {
  const world = env.world;
  const numEnvs = env.numEnvs;
  const schemes = world.agents.map((a) => localScheme.create({ world, agent: a, numEnvs, rng: Rng.from(0) }, { weights: {} }));
  const shaped = world.agents.map(() => new Float64Array(numEnvs));
  const reward = (e: VecEngine): void => {
    for (let i = 0; i < schemes.length; i++) schemes[i]!.compute(e, shaped[i]!);
  };
  env.reset();
  const learners = options.learnSteps ? (options.learners ?? []) : [];
  if (learners.length > 0) {
    const modes = policies.map((_, i): ActMode => (learners.includes(i) ? 'explore' : 'greedy'));
    new Rollout(env, policies, { modes, learners, rewards: shaped, afterStep: reward }).run(options.learnSteps!);
  }
  const ledger = new MetricsAccumulator(world, numEnvs);
  const measured = new Rollout(env, policies, {
    modes: 'greedy',
    afterStep: (e) => {
      reward(e);
      ledger.addStep(e, shaped);
    },
    ...(options.onActions ? { onActions: options.onActions } : {}),
  });
  const step = measured.run(options.budget, () => options.episodes > 0 && ledger.episodes >= options.episodes);
  ledger.flush(step);
  return { step, totals: ledger.totals() };
}

/** Evaluate a run folder (single- or multi-seed). */
export function evaluateRun(runDir: string, resolve: (config: unknown) => ResolvedExperiment, options: EvalOptions): Record<string, unknown> {
  if (!existsSync(join(runDir, 'config.resolved.json'))) throw new UsageError(`${runDir} is not a tacit run folder (no config.resolved.json)`);
  const seedsDir = join(runDir, 'seeds');
  if (!existsSync(seedsDir)) {
    if (!existsSync(join(runDir, 'summary.json')))
      throw new UsageError(`${runDir} has no summary.json: the run did not finish (resume it with tacit run --resume)`);
    return { ...evaluateSeedFolder(runDir, resolve, options) };
  }
  const dirs = readdirSync(seedsDir)
    .filter((d) => /^seed-\d+$/.test(d))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  const perSeed = dirs.map((d) => evaluateSeedFolder(join(seedsDir, d), resolve, options));
  const strip = ({ seed: _s, ...rest }: SeedEval): Record<string, unknown> => rest;
  return { seeds: perSeed.map((p) => p.seed), ...(aggregateSeeds(perSeed.map(strip)) as Record<string, unknown>), perSeed };
}
