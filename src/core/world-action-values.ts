/**
 * `World.actionValues`: what each agent's discrete actions stand for in the world's own units (the
 * market's price grids, the beer game's order levels). Why a group of its own: readers of a run
 * show a mean action index as that quantity (the report's price figures), and scripted policies
 * that order in evenly spaced levels compute and encode in one pass (`levels`, base-stock). Both
 * ask the same question, "which quantity is action k?", so it has one answer per world. Worlds
 * whose actions stand for no single quantity (warehouse-v1's order-and-supplier menus, the sanity
 * games) do not declare it. The world conformance suite checks a declaration against the action
 * spaces and, where the world has `decisions`, against `encodeAction`.
 */
import type { ActionLevels } from './action-levels.js';

/** The quantity each agent's discrete action indices stand for. */
export interface WorldActionValues {
  /** What the values are, e.g. `price`, `orderQuantity` (the decision's name where the world has `decisions`). */
  readonly quantity: string;
  /**
   * Per agent: the value of its action 0, 1, … in order (one per action of its Discrete action
   * space); undefined for an agent whose actions stand for no single value.
   */
  readonly byAgent: readonly (ArrayLike<number> | undefined)[];
  /**
   * Optional, per agent: its unit and largest level when its values are exactly 0, unit, 2·unit, …
   * and `decisions.encodeAction` is the level quantization of action-levels.ts (one decision, one
   * action slot: level = round(decision / unit) clamped to 0 … maxLevel, NaN ordering nothing);
   * undefined for agents encoded otherwise. Lets scripted policies compute and encode in one pass.
   */
  readonly levels?: readonly (ActionLevels | undefined)[];
}

/**
 * summary.json `actionValues` (docs/results-format.md): the world's action values as the runner
 * writes them, agent id → the value of each action, so readers of a results folder (the report's
 * price figures) never rebuild the world to recover them.
 */
export interface SummaryActionValues {
  readonly quantity: string;
  readonly byAgent: Record<string, number[]>;
}

/** summary.json `actionValues` of a world, or undefined when it declares none. */
export function summaryActionValues(world: {
  readonly agents: readonly { readonly id: string }[];
  readonly actionValues?: WorldActionValues;
}): SummaryActionValues | undefined {
  const values = world.actionValues;
  if (!values) return undefined;
  const byAgent: Record<string, number[]> = {};
  world.agents.forEach((a, i) => {
    const v = values.byAgent[i];
    if (v) byAgent[a.id] = Array.from(v);
  });
  return { quantity: values.quantity, byAgent };
}

/** Read summary.json `actionValues` back; undefined when absent or not of that shape (older folders). */
export function actionValuesFromSummary(summary: unknown): SummaryActionValues | undefined {
  const raw = summary !== null && typeof summary === 'object' ? (summary as { actionValues?: unknown }).actionValues : undefined;
  if (raw === null || typeof raw !== 'object') return undefined;
  const { quantity, byAgent } = raw as { quantity?: unknown; byAgent?: unknown };
  if (typeof quantity !== 'string' || byAgent === null || typeof byAgent !== 'object' || Array.isArray(byAgent)) return undefined;
  const out: Record<string, number[]> = {};
  for (const [id, v] of Object.entries(byAgent)) {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) return undefined;
    out[id] = v as number[];
  }
  return { quantity, byAgent: out };
}
