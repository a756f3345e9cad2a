/**
 * item-order-up-to: base-stock and (s, S) heuristics for supply worlds with several items (e.g.
 * warehouse-v2's SKUs), by slot and decision names: for every decision `orderQuantity/<item>` (or a
 * plain `orderQuantity`) it reads `inventoryPosition/<item>`, and for every `orderUpToLevel/<item>`
 * it sets that item's target. One policy drives every item of a role, as `base-stock` and `s-s`
 * drive the single item of warehouse-v1 and the beer game.
 *
 * - Ordering role: base-stock orders max(0, S_k − IP_k); with `reorderPoints`, (s, S): order up to
 *   S_k only when IP_k ≤ s_k. S_k is `levels[k]`, or `coverDays` × observed demandAvg + safety, or
 *   (neither given) the observed `orderUpToLevel/<item>` another role sets.
 * - Target-setting role: target S_k, from `levels` or `coverDays` as above.
 */
import { z } from 'zod';
import { definePolicy } from '../src/core/policy.js';
import type { AgentSpec, World } from '../src/core/world.js';
import { decisionIndex, slotIndex, slotScale } from './supply-slots.js';
import { lazySchema } from '../src/core/lazy-schema.js';

const paramsSchema = lazySchema(() =>
  z
    .object({
      levels: z.array(z.number().nonnegative()).min(1).optional().describe('Order-up-to level S per item (units), in the world’s item order'),
      coverDays: z.number().nonnegative().optional().describe('Dynamic S = coverDays × observed demandAvg + safetyStock, per item'),
      safetyStock: z.number().default(0).describe('Units added to the dynamic level'),
      reorderPoints: z
        .array(z.number())
        .min(1)
        .optional()
        .describe('(s, S) mode: order only when the inventory position is at or below s (per item); needs levels as S'),
      supplier: z
        .number()
        .int()
        .nonnegative()
        .optional()
        .describe('Supplier index for every item (worlds with `supplier` decisions); default: the world default'),
    })
    .strict()
    .refine((p) => p.reorderPoints === undefined || p.levels !== undefined, { message: '(s, S) mode needs levels (the S of each item)', path: ['levels'] }),
);

/** Items of an agent: the suffixes of its `orderQuantity` or `orderUpToLevel` decisions ('' for a plain one). */
function itemsOf(world: World, agent: number): { kind: 'order' | 'target'; items: string[] } | undefined {
  const names = world.decisions?.[agent] ?? [];
  for (const [kind, stem] of [
    ['order', 'orderQuantity'],
    ['target', 'orderUpToLevel'],
  ] as const) {
    const items = names.filter((n) => n === stem || n.startsWith(`${stem}/`)).map((n) => n.slice(stem.length));
    if (items.length > 0) return { kind, items };
  }
  return undefined;
}

function incompatibility(world: World, agent: AgentSpec, p: z.infer<ReturnType<typeof paramsSchema>>): string | undefined {
  if (!world.encodeAction) return `world ${world.id} does not declare decisions/encodeAction`;
  const found = itemsOf(world, agent.index);
  if (!found) return `agent ${agent.id} has no orderQuantity or orderUpToLevel decisions (decisions: ${(world.decisions?.[agent.index] ?? []).join(', ')})`;
  const n = found.items.length;
  for (const [key, v] of [
    ['levels', p.levels],
    ['reorderPoints', p.reorderPoints],
  ] as const)
    if (v !== undefined && v.length !== n)
      return `params.${key} has ${v.length} entries but agent ${agent.id} has ${n} items (${found.items.map((s) => s.slice(1) || '(one)').join(', ')})`;
  const need = (slot: string): string | undefined =>
    slotIndex(world, agent.index, slot) >= 0 ? undefined : `agent ${agent.id}'s observation has no slot '${slot}'`;
  for (const item of found.items) {
    if (found.kind === 'order') {
      const m = need(`inventoryPosition${item}`);
      if (m) return m;
      if (p.levels === undefined && p.coverDays === undefined && need(`orderUpToLevel${item}`))
        return `give params.levels or coverDays: ${need(`orderUpToLevel${item}`)}`;
    } else if (p.levels === undefined && p.coverDays === undefined) return `agent ${agent.id} sets targets: give params.levels or params.coverDays`;
    if (p.coverDays !== undefined && p.levels === undefined && need(`demandAvg${item}`)) return need(`demandAvg${item}`);
  }
  return undefined;
}

/** The registered spec. */
export const itemOrderUpToPolicy = definePolicy({
  id: 'item-order-up-to',
  summary: 'Base-stock or (s, S) per item for multi-item supply worlds (warehouse-v2 SKUs): order or set targets by item',
  learns: false,
  get paramsSchema() {
    return paramsSchema();
  },
  incompatibility: (world, agent, params) => incompatibility(world, agent, params),
  create(ctx, params) {
    const { world } = ctx;
    const i = ctx.agent.index;
    const found = itemsOf(world, i)!;
    const n = found.items.length;
    const width = world.decisions![i]!.length;
    const decision = new Float64Array(width).fill(NaN);
    const slot = (name: string): number => slotIndex(world, i, name);
    const scaleOf = (k: number): number => (k >= 0 ? slotScale(world, i, k) : 1);
    const stem = found.kind === 'order' ? 'orderQuantity' : 'orderUpToLevel';
    const dIdx = Int32Array.from(found.items, (it) => decisionIndex(world, i, `${stem}${it}`));
    const ipIdx = Int32Array.from(found.items, (it) => slot(`inventoryPosition${it}`));
    const tgtIdx = Int32Array.from(found.items, (it) => slot(`orderUpToLevel${it}`));
    const demIdx = Int32Array.from(found.items, (it) => slot(`demandAvg${it}`));
    if (params.supplier !== undefined)
      for (const it of found.items) {
        const s = decisionIndex(world, i, `supplier${it}`);
        if (s >= 0) decision[s] = params.supplier;
      }
    const stride = ctx.observationSpace.size;
    const actSize = ctx.actionSpace.size;
    const level = (obs: Float32Array, o: number, k: number): number =>
      params.levels?.[k] ??
      (params.coverDays !== undefined
        ? params.coverDays * obs[o + demIdx[k]!]! * scaleOf(demIdx[k]!) + params.safetyStock
        : obs[o + tgtIdx[k]!]! * scaleOf(tgtIdx[k]!));
    return {
      act(obs, actions) {
        const rows = actions.length / actSize;
        for (let b = 0; b < rows; b++) {
          const o = b * stride;
          for (let k = 0; k < n; k++) {
            const S = level(obs, o, k);
            if (found.kind === 'target') {
              decision[dIdx[k]!] = S;
              continue;
            }
            const ip = obs[o + ipIdx[k]!]! * scaleOf(ipIdx[k]!);
            const due = params.reorderPoints === undefined || ip <= params.reorderPoints[k]!;
            const q = due ? S - ip : 0;
            decision[dIdx[k]!] = q > 0 ? q : 0;
          }
          world.encodeAction!(i, decision, actions, b * actSize);
        }
      },
    };
  },
});
