/**
 * tabular-q: independent tabular Q-learning as in Calvano et al. (2020), usable in any world whose
 * observation is Discrete or MultiDiscrete and whose action is Discrete (market-v1,
 * matrix-game-v1, ...). Read top to bottom: config, table, act, observe, convergence.
 *
 *  - State: the observation read as a big-endian mixed-radix integer (slot 0 most significant).
 *  - Q initialisation (`qInit`): `uniform-rivals` sets Q₀(s, a) = E[r(a, a₋ᵢ)]/(1 − δ), the
 *    discounted payoff of always playing a against uniformly random rivals (the paper's choice),
 *    from the world's optional `payoffVsUniformRivals` hook; `zero` sets 0; `auto` (default) uses
 *    `uniform-rivals` when the world offers the hook and `zero` otherwise.
 *  - Acting: ε-greedy with ε_t = exp(−β·t) (see explorationRate in src/learn/tabular-q-schedule.ts), t = number of exploring `act`
 *    calls so far (the period, 0 first). Draw order per `act` call, per world copy b in order: one uniform u from
 *    the policy's own stream; if u < ε_t, a second draw picks the action uniformly
 *    (⌊u'·|A|⌋); otherwise the greedy action. Greedy mode draws nothing.
 *  - Update: Q(s,a) ← Q(s,a) + α·(r + δ·max_a' Q(s',a') − Q(s,a)) (the paper's Fortran form of
 *    (1−α)Q + α(r + δ max Q)); no bootstrap at a terminal state, bootstrap from the final
 *    observation at a truncation. With several world copies, one table learns from all copies in
 *    copy order.
 *  - Ties: the greedy action is always the lowest action index among the maxima of Q(s,·). The
 *    greedy table and row maxima are maintained incrementally (a row is rescanned only when its
 *    greedy entry's value drops), so a period costs O(1) unless that happens.
 *  - Convergence: `converged()` once the greedy action of no state has changed for
 *    `convergenceWindow` consecutive `observe` calls. The run stops when every learner says so;
 *    the period cap is the run's step budget.
 */
import { z } from 'zod';
import { definePolicy, type Policy } from '../src/core/policy.js';
import { nextFloat, nextInt } from '../src/core/rng.js';
import { cardinality, describeSpace, type Space } from '../src/core/spaces.js';
import type { World } from '../src/core/world.js';
import { explorationFactors, explorationRate } from '../src/learn/tabular-q-schedule.js';
import { lazySchema } from '../src/core/lazy-schema.js';

// ---------------------------------------------------------------- config

const paramsSchema = lazySchema(() =>
  z
    .object({
      learningRate: z.number().gt(0).max(1).default(0.15).describe('α: weight of the new estimate in each Q update'),
      discount: z.number().min(0).lt(1).default(0.95).describe('δ: discount factor of future rewards (0 = myopic)'),
      explorationDecay: z.number().min(0).default(4e-6).describe('β: exploration rate ε_t = exp(−β·t) at period t'),
      convergenceWindow: z.number().int().positive().default(100_000).describe('Converged once no greedy action has changed for this many periods'),
      qInit: z
        .enum(['auto', 'uniform-rivals', 'zero'])
        .default('auto')
        .describe('Q initialisation: discounted payoff against uniformly random rivals (Calvano et al.), zeros, or auto (the former when the world offers it)'),
    })
    .strict(),
);

/** Resolved tabular-q params. */
export type TabularQParams = z.infer<ReturnType<typeof paramsSchema>>;

/** Largest Q table (states × actions) the policy will allocate. */
export const MAX_TABLE_ENTRIES = 1 << 25;

/** Per-slot counts of an observation space read as a mixed-radix integer. */
export function stateRadix(space: Space): readonly number[] {
  if (space.kind === 'discrete') return [space.n];
  if (space.kind === 'multi-discrete') return space.nvec;
  throw new RangeError(`tabular-q needs a Discrete or MultiDiscrete observation space, got ${describeSpace(space)}`);
}

/** Initial Q row (per action) for these params in this world; the same for every state. */
export function initialQRow(world: World, agent: number, numActions: number, params: TabularQParams): Float64Array {
  const useHook = params.qInit === 'uniform-rivals' || (params.qInit === 'auto' && world.payoffVsUniformRivals !== undefined);
  if (!useHook) return new Float64Array(numActions);
  const payoffs = world.payoffVsUniformRivals!(agent);
  return Float64Array.from(payoffs, (v) => v / (1 - params.discount));
}

/** A tabular-q instance: a Policy that also exposes its greedy strategy (for outcome analysis). */
export interface TabularQPolicy extends Policy {
  /** A copy of the greedy action of every state. */
  greedyActions(): Int32Array;
  /** The Q table itself, `numStates × numActions`, row per state (read-only by convention). */
  readonly q: Float64Array;
  /** Periods (observe calls) since the greedy strategy last changed. */
  readonly periodsUnchanged: number;
}

function incompatibility(world: World, agentIndex: number, params: TabularQParams): string | undefined {
  const act = world.actionSpaces[agentIndex]!;
  const obs = world.observationSpaces[agentIndex]!;
  if (act.kind !== 'discrete') return `tabular-q needs a Discrete action space, but it is ${describeSpace(act)}`;
  if (obs.kind === 'box') return `tabular-q needs a Discrete or MultiDiscrete observation space, but it is ${describeSpace(obs)}`;
  const entries = cardinality(obs) * act.n;
  if (entries > MAX_TABLE_ENTRIES)
    return `the Q table would have ${entries} entries (${cardinality(obs)} states × ${act.n} actions), more than ${MAX_TABLE_ENTRIES}: use a smaller observation (e.g. less memory or a coarser grid)`;
  if (params.qInit === 'uniform-rivals' && world.payoffVsUniformRivals === undefined)
    return `qInit 'uniform-rivals' needs a world that provides payoffVsUniformRivals, and ${world.id} does not: use qInit 'zero' or 'auto'`;
  return undefined;
}

/** The registered spec. */
export const tabularQPolicy = definePolicy({
  id: 'tabular-q',
  summary: 'Tabular Q-learning with ε_t = exp(−βt) exploration (Calvano et al. 2020); discrete observations and actions',
  learns: true,
  get paramsSchema() {
    return paramsSchema();
  },
  incompatibility: (world, agent, params) => incompatibility(world, agent.index, params),
  create(ctx, params): TabularQPolicy {
    const problem = incompatibility(ctx.world, ctx.agent.index, params);
    if (problem !== undefined) throw new RangeError(`tabular-q for ${ctx.agent.id}: ${problem}`);
    // ------------------------------------------------------------ the table
    const radix = stateRadix(ctx.observationSpace);
    const obsSize = radix.length;
    const numActions = (ctx.actionSpace as { n: number }).n;
    const numStates = radix.reduce((x, y) => x * y, 1);
    const q = new Float64Array(numStates * numActions);
    const maxQ = new Float64Array(numStates);
    const greedy = new Int32Array(numStates);
    const row0 = initialQRow(ctx.world, ctx.agent.index, numActions, params);
    let best = 0;
    for (let a = 1; a < numActions; a++) if (row0[a]! > row0[best]!) best = a;
    for (let s = 0; s < numStates; s++) q.set(row0, s * numActions);
    maxQ.fill(row0[best]!);
    greedy.fill(best);

    const { learningRate: alpha, discount: delta, explorationDecay: beta, convergenceWindow } = params;
    const rng = ctx.rng.state;
    const factors = explorationFactors(beta);
    let t = 0;
    let periodsUnchanged = 0;

    const stateOf = (obs: Float32Array, offset: number): number => {
      let s = 0;
      for (let k = 0; k < obsSize; k++) s = s * radix[k]! + obs[offset + k]!;
      return s;
    };

    /** Rescan row s for its maximum (lowest index wins ties); returns the greedy action. */
    const rescan = (s: number): number => {
      const row = s * numActions;
      let arg = 0;
      let top = q[row]!;
      for (let a = 1; a < numActions; a++) {
        const v = q[row + a]!;
        if (v > top) ((top = v), (arg = a));
      }
      maxQ[s] = top;
      return arg;
    };

    return {
      q,
      get periodsUnchanged() {
        return periodsUnchanged;
      },
      // ---------------------------------------------------------- act
      act(obs, actions, mode) {
        const rows = actions.length;
        if (mode === 'greedy') {
          for (let b = 0; b < rows; b++) actions[b] = greedy[stateOf(obs, b * obsSize)]!;
          return;
        }
        const eps = explorationRate(beta, t, factors);
        for (let b = 0; b < rows; b++) {
          actions[b] = nextFloat(rng) < eps ? nextInt(rng, numActions) : greedy[stateOf(obs, b * obsSize)]!;
        }
        t++;
      },
      // ---------------------------------------------------------- observe (the Q update)
      observe(batch) {
        let changed = false;
        const rows = batch.rewards.length;
        const acted = batch.acted;
        for (let b = 0; b < rows; b++) {
          if (acted !== undefined && acted[b] === 0) continue; // not a transition (see TransitionBatch.acted)
          const s = stateOf(batch.obs, b * obsSize);
          const a = batch.actions[b]!;
          let target = batch.rewards[b]!;
          if (batch.terminated[b] !== 1) {
            const next = batch.truncated[b] === 1 ? batch.finalObs : batch.nextObs;
            target += delta * maxQ[stateOf(next, b * obsSize)]!;
          }
          const cell = s * numActions + a;
          const old = q[cell]!;
          const updated = old + alpha * (target - old);
          q[cell] = updated;
          const g = greedy[s]!;
          if (updated > maxQ[s]! || (updated === maxQ[s]! && a < g)) {
            maxQ[s] = updated;
            if (a !== g) ((greedy[s] = a), (changed = true));
          } else if (a === g && updated < maxQ[s]!) {
            const arg = rescan(s);
            if (arg !== g) ((greedy[s] = arg), (changed = true));
          }
        }
        periodsUnchanged = changed ? 0 : periodsUnchanged + 1;
      },
      // ---------------------------------------------------------- convergence, checkpoints, stats
      converged: () => periodsUnchanged >= convergenceWindow,
      greedyActions: () => greedy.slice(),
      // Everything the next update depends on: the table, the schedule position t, the convergence
      // counter and the exploration stream (without it a resumed run explores differently).
      save: () => ({ q: Array.from(q), t, periodsUnchanged, rng: Array.from(rng) }),
      load(data) {
        const d = data as { q: number[]; t: number; periodsUnchanged: number; rng?: number[] };
        if (!Array.isArray(d.q) || d.q.length !== q.length) throw new RangeError(`tabular-q load: expected a Q table of ${q.length} entries`);
        q.set(d.q);
        for (let s = 0; s < numStates; s++) greedy[s] = rescan(s);
        t = d.t;
        periodsUnchanged = d.periodsUnchanged;
        // Absent in states saved before the stream was checkpointed, and in the fused market kernel's hand-over.
        if (Array.isArray(d.rng) && d.rng.length === rng.length) rng.set(d.rng);
      },
      stats: () => ({
        epsilon: explorationRate(beta, t, factors),
        periods: t,
        periodsUnchanged,
        converged: periodsUnchanged >= convergenceWindow ? 1 : 0,
        discount: delta,
        tableEntries: q.length,
      }),
    };
  },
});
