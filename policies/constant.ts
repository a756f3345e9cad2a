/**
 * constant: a scripted policy that plays a fixed action, or cycles through a fixed sequence of
 * actions (one per step). Used for baselines, planted scenarios and detector tests.
 */
import { z } from 'zod';
import { definePolicy } from '../src/core/policy.js';
import { contains, describeSpace } from '../src/core/spaces.js';
import { lazySchema } from '../src/core/lazy-schema.js';

const action = lazySchema(() => z.union([z.number(), z.array(z.number()).min(1)]));

const paramsSchema = lazySchema(() =>
  z
    .object({
      action: action().default(0).describe('The action to play: a number (discrete) or an array (one value per action slot)'),
      sequence: z.array(action()).optional().describe('If given, actions to cycle through, one per step (overrides `action`)'),
    })
    .strict(),
);

/** The registered spec. */
export const constantPolicy = definePolicy({
  id: 'constant',
  summary: 'Scripted: plays a fixed action, or cycles through a list of actions',
  learns: false,
  get paramsSchema() {
    return paramsSchema();
  },
  incompatibility(world, agent, params) {
    const space = world.actionSpaces[agent.index]!;
    const list = params.sequence ?? [params.action];
    for (const a of list) {
      const v = typeof a === 'number' ? [a] : a;
      if (v.length !== space.size || !contains(space, v)) return `action ${JSON.stringify(a)} is outside ${agent.id}'s action space ${describeSpace(space)}`;
    }
    return undefined;
  },
  create(ctx, params) {
    const size = ctx.actionSpace.size;
    const list = (params.sequence ?? [params.action]).map((a) => Float64Array.from(typeof a === 'number' ? [a] : a));
    let t = 0;
    return {
      act(_obs, actions) {
        const a = list[t % list.length]!;
        t++;
        const rows = actions.length / size;
        for (let b = 0; b < rows; b++) actions.set(a, b * size);
      },
      save: () => ({ t }),
      load: (data) => {
        t = (data as { t: number }).t;
      },
    };
  },
});
