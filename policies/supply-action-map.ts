/**
 * Supply action maps: an opt-in learner action space for supply worlds (warehouse-v2, the beer
 * game, …) in which a learner picks *days of cover* instead of raw quantities, so every action is
 * a state-feedback base-stock rule. Why: measured on warehouse-v2 under the team reward
 * (docs/warehouse-learning.md), PPO on the raw order grid settles on near-constant order levels
 * (one SKU flooded, the other starved by the shared budget: fill rate 0.77), because a raw
 * quantity that is right on one day is wrong on the next; a cover-days choice is right on every
 * day it is right once. This is the practice of learning relative to a heuristic (the scripted
 * baseline is cover 5) instead of learning the heuristic itself.
 *
 * For an agent with decisions named by the item convention of policies/supply-slots.ts:
 *  - `orderQuantity[/<item>]`: the learner picks c from `coverDays`; order max(0, c × demandAvg −
 *    inventoryPosition) (item-order-up-to's base-stock rule with S = c × demandAvg);
 *  - `orderUpToLevel[/<item>]`: the learner picks c; target c × demandAvg;
 *  - a decision named in `choices`: the learner picks one value of its list (a one-value list
 *    fixes the decision, e.g. `supplier/A: [0]`);
 *  - any other decision stays NaN, the world's default.
 * The learner's space is MultiDiscrete: one slot per mapped decision, in decision order.
 */
import { z } from 'zod';
import type { PolicyContext } from '../src/core/policy.js';
import { multiDiscrete, type Space } from '../src/core/spaces.js';
import type { World } from '../src/core/world.js';
import { DecisionWriter, slotIndex, slotScale } from './supply-slots.js';
import { lazySchema } from '../src/core/lazy-schema.js';

/** The `actionMap` params of a learner. */
export const supplyActionMapSchema = lazySchema(() =>
  z
    .object({
      coverDays: z
        .array(z.number().nonnegative())
        .min(1)
        .optional()
        .describe('Days-of-cover grid for orderQuantity/<item> (order up to c × demandAvg) and orderUpToLevel/<item> (target c × demandAvg) decisions'),
      choices: z
        .record(z.string(), z.array(z.number()).min(1))
        .default({})
        .describe('Other decisions the learner picks from a list of values, e.g. { allocation: [0, 1] }; a one-value list fixes the decision'),
    })
    .strict()
    .describe('Learn in days of cover (and listed choices) instead of the world’s raw action grid (supply worlds)'),
);

/** Parsed `actionMap` params. */
export type SupplyActionMapSpec = z.infer<ReturnType<typeof supplyActionMapSchema>>;

/** A learner-to-world action translation. */
export interface ActionMap {
  /** The space the learner acts in (MultiDiscrete, one slot per mapped decision). */
  readonly space: Space;
  /** Write world actions for `rows` copies from the learner's indices (`rows × space.size`) and the observations. */
  apply(obs: Float32Array, learner: Float64Array, rows: number, actions: Float64Array): void;
}

const STEMS = ['orderQuantity', 'orderUpToLevel'] as const;

/** One mapped decision: what the learner's slot means. */
interface Slot {
  readonly decision: number;
  readonly kind: 'order' | 'target' | 'choice';
  readonly values: readonly number[];
  /** Observation slots (order/target): demandAvg and inventoryPosition of the item, −1 if unused. */
  readonly demand: number;
  readonly position: number;
}

function itemOf(name: string): { stem: (typeof STEMS)[number]; item: string } | undefined {
  for (const stem of STEMS) if (name === stem || name.startsWith(`${stem}/`)) return { stem, item: name.slice(stem.length) };
  return undefined;
}

/** The learner's slots for an agent, or the reason the map does not fit it. */
function plan(world: World, agent: number, spec: SupplyActionMapSpec): Slot[] | string {
  const id = world.agents[agent]?.id ?? String(agent);
  const names = world.decisions?.[agent];
  if (!world.encodeAction || !names) return `actionMap needs a world with decisions/encodeAction; ${world.id} has none`;
  for (const key of Object.keys(spec.choices))
    if (!names.includes(key)) return `actionMap.choices names '${key}', which is not a decision of agent ${id} (decisions: ${names.join(', ')})`;
  const slots: Slot[] = [];
  for (let d = 0; d < names.length; d++) {
    const name = names[d]!;
    const choice = spec.choices[name];
    if (choice !== undefined) {
      slots.push({ decision: d, kind: 'choice', values: choice, demand: -1, position: -1 });
      continue;
    }
    const found = itemOf(name);
    if (!found || spec.coverDays === undefined) continue;
    const demand = slotIndex(world, agent, `demandAvg${found.item}`);
    const position = found.stem === 'orderQuantity' ? slotIndex(world, agent, `inventoryPosition${found.item}`) : -1;
    if (demand < 0) return `actionMap.coverDays: agent ${id}'s observation has no slot 'demandAvg${found.item}' for decision ${name}`;
    if (found.stem === 'orderQuantity' && position < 0)
      return `actionMap.coverDays: agent ${id}'s observation has no slot 'inventoryPosition${found.item}' for decision ${name}`;
    slots.push({ decision: d, kind: found.stem === 'orderQuantity' ? 'order' : 'target', values: spec.coverDays, demand, position });
  }
  if (slots.length === 0)
    return `actionMap maps no decision of agent ${id} (decisions: ${names.join(', ')}): give coverDays for orderQuantity/orderUpToLevel decisions, or list decisions under choices`;
  return slots;
}

/** Why `spec` does not fit the agent, or undefined. */
export function actionMapProblem(world: World, agent: number, spec: SupplyActionMapSpec): string | undefined {
  const p = plan(world, agent, spec);
  return typeof p === 'string' ? p : undefined;
}

/** Build the map for the policy's agent (call `actionMapProblem` first: a misfit throws here). */
export function createActionMap(ctx: PolicyContext, spec: SupplyActionMapSpec): ActionMap {
  const slots = plan(ctx.world, ctx.agent.index, spec);
  if (typeof slots === 'string') throw new Error(slots);
  const writer = new DecisionWriter(ctx);
  const width = writer.decision.length;
  const stride = ctx.observationSpace.size;
  const n = slots.length;
  const scale = (k: number): number => (k >= 0 ? slotScale(ctx.world, ctx.agent.index, k) : 1);
  const demandScale = slots.map((s) => scale(s.demand));
  const positionScale = slots.map((s) => scale(s.position));
  return {
    space: multiDiscrete(
      slots.map((s) => s.values.length),
      slots.map((s) => ctx.world.decisions![ctx.agent.index]![s.decision]!),
    ),
    apply(obs, learner, rows, actions) {
      const m = writer.beginRows(rows);
      for (let b = 0; b < rows; b++) {
        const o = b * stride;
        for (let j = 0; j < n; j++) {
          const s = slots[j]!;
          const v = s.values[learner[b * n + j]!]!;
          let d = v;
          if (s.kind !== 'choice') {
            const target = v * obs[o + s.demand]! * demandScale[j]!;
            d = s.kind === 'target' ? target : Math.max(0, target - obs[o + s.position]! * positionScale[j]!);
          }
          m[b * width + s.decision] = d;
        }
      }
      writer.writeRows(actions, rows);
    },
  };
}
