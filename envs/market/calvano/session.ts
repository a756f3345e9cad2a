/**
 * One Calvano et al. session end to end: resolve the market and learner params, derive the
 * session's random streams from its seed, learn until convergence (fused kernel by default, the
 * generic reference path on request), then analyse the converged greedy strategies (limit cycle,
 * deviation probes). The result is plain JSON so worker threads can return it.
 *
 * Streams of seed k (the same for both paths, which is what makes them comparable):
 *   world copy 0: VecEngine's reset stream `world/0` of engine seed k (initial prices, shocks);
 *   firm i's learner: `deriveSeedWords(k, 'policy', 'firm<i>')`.
 */
import { analyseOutcome, type MarketOutcome } from '../analysis.js';
import { runFastSession } from '../fast-session.js';
import { sessionStreams } from '../streams.js';
import type { MarketParams } from '../game.js';
import { createMarketWorld, marketParamsSchema } from '../market.js';
import { initialQRow, tabularQPolicy, type TabularQParams } from '../../../policies/tabular-q.js';
import { runReferenceSession } from './reference-session.js';

/** A session as users write it: market-v1 params, tabular-q params (one object for all firms or one per firm). */
export interface CalvanoSessionSpec {
  readonly env?: Record<string, unknown>;
  readonly learner?: Record<string, unknown> | readonly Record<string, unknown>[];
  /** Period cap (the paper stops unconverged sessions at 10⁹). Default 10⁹. */
  readonly maxPeriods?: number;
  /** Periods recorded after a probe's deviation. Default 25. */
  readonly probeHorizon?: number;
}

/** A spec with every default applied. */
export interface ResolvedSessionSpec {
  readonly env: MarketParams;
  readonly learners: TabularQParams[];
  readonly maxPeriods: number;
  readonly probeHorizon: number;
}

/** Apply defaults and validate (zod errors name the field). */
export function resolveSessionSpec(spec: CalvanoSessionSpec = {}): ResolvedSessionSpec {
  const env = marketParamsSchema().parse(spec.env ?? {});
  const raw = spec.learner ?? {};
  const list = Array.isArray(raw) ? raw : Array.from({ length: env.nFirms }, () => raw);
  if (list.length !== env.nFirms) throw new RangeError(`learner: ${list.length} entries for ${env.nFirms} firms; give one object for all or one per firm`);
  const learners = list.map((p) => tabularQPolicy.paramsSchema.parse(p));
  const maxPeriods = spec.maxPeriods ?? 1e9;
  const probeHorizon = spec.probeHorizon ?? 25;
  if (!(Number.isInteger(maxPeriods) && maxPeriods > 0)) throw new RangeError(`maxPeriods must be a positive integer, got ${maxPeriods}`);
  if (!(Number.isInteger(probeHorizon) && probeHorizon >= 1)) throw new RangeError(`probeHorizon must be a positive integer, got ${probeHorizon}`);
  return { env, learners, maxPeriods, probeHorizon };
}

/** One session's result (plain JSON). */
export interface SessionResult {
  readonly seed: number;
  /** Which implementation learned: 'fast' (fused kernel) or 'reference' (VecEngine + policies). */
  readonly path: 'fast' | 'reference';
  /** Periods simulated. */
  readonly periods: number;
  /** Whether all learners met their convergence window before the cap. */
  readonly converged: boolean;
  /** Periods until the last strategy change (the paper's time to convergence). */
  readonly periodsToConvergence: number;
  /** State at the end of learning, where the outcome analysis starts. */
  readonly finalState: number;
  /** Limit cycle and deviation probes of the greedy strategies. */
  readonly outcome: MarketOutcome;
}

/** Run session `seed` of `spec`. */
export function runCalvanoSession(spec: ResolvedSessionSpec, seed: number, path: 'fast' | 'reference' = 'fast'): SessionResult {
  const world = createMarketWorld(spec.env);
  const game = world.game;
  const streams = sessionStreams(seed, game.n);
  const discounts = spec.learners.map((l) => l.discount);
  if (path === 'fast') {
    const r = runFastSession({
      game,
      learners: spec.learners.map((l, i) => ({
        learningRate: l.learningRate,
        discount: l.discount,
        explorationDecay: l.explorationDecay,
        convergenceWindow: l.convergenceWindow,
        initialRow: initialQRow(world, i, game.m, l),
        rng: streams.agentRng[i]!,
      })),
      worldSeed: streams.worldSeed,
      maxPeriods: spec.maxPeriods,
    });
    const outcome = analyseOutcome(game, r.greedy, r.finalState, discounts, spec.probeHorizon, r.q);
    return { seed, path: 'fast', periods: r.periods, converged: r.converged, periodsToConvergence: r.lastChange, finalState: r.finalState, outcome };
  }
  const r = runReferenceSession({ world, learners: spec.learners, engineSeed: seed, agentRng: streams.agentRng, maxPeriods: spec.maxPeriods });
  const greedy = r.policies.map((p) => p.greedyActions());
  const outcome = analyseOutcome(
    game,
    greedy,
    r.finalState,
    discounts,
    spec.probeHorizon,
    r.policies.map((p) => Float64Array.from((p.save!() as { q: number[] }).q)),
  );
  const lastChange = r.periods - Math.min(...r.policies.map((p) => p.periodsUnchanged));
  return { seed, path: 'reference', periods: r.periods, converged: r.converged, periodsToConvergence: lastChange, finalState: r.finalState, outcome };
}
