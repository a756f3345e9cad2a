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
