/**
 * The budget wrapper: per-agent action or compute budgets on any world. Each budgeted agent has
 * `amount` units per episode (for a continuing world: per run):
 *
 *   actions   every action other than the world's default (no-op) action spends 1;
 *   compute   every decision spends `cost`, whatever it is.
 *
 * A decision that the remaining budget cannot pay for is not made: the fallback acts instead
 * ('noop', 'last-action' or a fixed action), and the agent stays out until the episode ends. The
 * step an agent's budget runs out emits `budget-exhausted`; the run-side accounting marks the
 * agent with the fault kind `budget-exhausted` on every step it is out, so the fault layer counts
 * its onset, its reliability effect and its cascade like any other fault (src/faults).
 * Spaces, rewards and KPIs are the inner world's.
 */
import type { ConfigIssue } from '../core/errors.js';
import type { World } from '../core/world.js';
import type { BudgetConfig } from './schema.js';
import {
  compileReplacement,
  copyInnerOut,
  copyWrapped,
  scratchOut,
  selectAgents,
  spacesOf,
  writeReplacement,
  type CompiledReplacement,
  type WrappedState,
} from './wrapped.js';

/** State of a world with budgets. */
export interface BudgetState extends WrappedState {
  /** Per agent: budget left this episode (Infinity for agents without one). */
  readonly left: Float64Array;
  /** Per agent: 1 when the fallback acted for it in the last step (its budget could not pay). */
  readonly out: Uint8Array;
  /** Per agent: units spent in the last step. */
  readonly spent: Float64Array;
  /** Per agent: its last executed action (concatenated, `offsets`). */
  readonly last: Float64Array;
}

/** What the run-side accounting needs to know of the budgets. */
export interface BudgetsInfo {
  /** Agent indices with a budget. */
  readonly agents: readonly number[];
  /** Per agent: its budget's kind, or null. */
  readonly kinds: readonly ('actions' | 'compute' | null)[];
}

/** A world with budgets. */
export type BudgetedWorld = World<BudgetState> & { readonly budgets: BudgetsInfo };

/** Wrap `inner` with budgets; problems with the config are appended to `issues`. */
export function withBudgets(inner: World, cfgs: readonly BudgetConfig[], issues: ConfigIssue[], path = 'coordination.budgets'): BudgetedWorld {
  const nA = inner.agents.length;
  const of: (BudgetConfig | null)[] = inner.agents.map(() => null);
  const fallbacks: (CompiledReplacement | null)[] = inner.agents.map(() => null);
  cfgs.forEach((c, k) => {
    for (const i of selectAgents(inner, c.agents, `${path}[${k}].agents`, issues)) {
      if (of[i]) issues.push({ path: `${path}[${k}].agents`, message: `agent '${inner.agents[i]!.id}' already has a budget; give one per agent` });
      of[i] = c;
      fallbacks[i] = compileReplacement(c.fallback, inner, i, `${path}[${k}].fallback`, issues);
    }
  });
  const budgeted = inner.agents.map((a) => a.index).filter((i) => of[i] !== null);
  const sizes = inner.actionSpaces.map((s) => s.size);
  const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const innerActs = inner.actionSpaces.map((s) => new Float64Array(s.size));
  const noop = inner.actionSpaces.map((s) => new Float64Array(s.size));
  const tmp = scratchOut(inner);

  const price = (i: number, s: Readonly<BudgetState>, a: Float64Array): number => {
    const c = of[i]!;
    if (c.kind === 'compute') return c.cost;
    inner.defaultAction(i, s.inner, noop[i]!);
    for (let x = 0; x < a.length; x++) if (a[x] !== noop[i]![x]) return 1;
    return 0;
  };

  return {
    ...spacesOf(inner),
    budgets: { agents: budgeted, kinds: of.map((c) => c?.kind ?? null) },
    createState: () => ({
      inner: inner.createState(),
      left: new Float64Array(nA),
      out: new Uint8Array(nA),
      spent: new Float64Array(nA),
      last: new Float64Array(sizes.reduce((a, b) => a + b, 0)),
    }),
    reset(s, seed, out) {
      inner.reset(s.inner, seed, tmp);
      copyInnerOut(inner, tmp, out);
      for (let i = 0; i < nA; i++) {
        s.left[i] = of[i]?.amount ?? Infinity;
        inner.defaultAction(i, s.inner, s.last.subarray(offsets[i]!, offsets[i]! + sizes[i]!));
      }
      s.out.fill(0);
      s.spent.fill(0);
    },
    step(s, actions, next, out) {
      next.left.set(s.left);
      next.last.set(s.last);
      for (let i = 0; i < nA; i++) {
        const a = actions[i]!;
        const dst = innerActs[i]!;
        next.out[i] = 0;
        next.spent[i] = 0;
        if (of[i] !== null && inner.isAlive(s.inner, i)) {
          const minCost = of[i]!.kind === 'compute' ? of[i]!.cost : 1;
          const cost = price(i, s, a);
          // Out once the budget cannot pay for any spending decision, until the episode ends.
          if (s.left[i]! < minCost || cost > s.left[i]!) {
            next.out[i] = 1;
            writeReplacement(fallbacks[i]!, inner, i, s.inner, s.last, offsets[i]!, dst);
          } else {
            dst.set(a);
            next.left[i] = s.left[i]! - cost;
            next.spent[i] = cost;
            if (cost > 0 && next.left[i]! < minCost)
              out.events.push({ type: 'budget-exhausted', agents: [inner.agents[i]!.id], data: { kind: of[i]!.kind, amount: of[i]!.amount } });
          }
        } else dst.set(a);
        next.last.set(dst, offsets[i]!);
      }
      inner.step(s.inner, innerActs, next.inner, tmp);
      copyInnerOut(inner, tmp, out);
    },
    copyState: (src, dst) => copyWrapped(inner, src, dst),
    readFeatures: (s, out) => inner.readFeatures(s.inner, out),
    defaultAction: (agent, s, out) => inner.defaultAction(agent, s.inner, out),
    isAlive: (s, agent) => inner.isAlive(s.inner, agent),
    ...(inner.repeatedGame ? { repeatedGame: inner.repeatedGame } : {}),
  };
}
