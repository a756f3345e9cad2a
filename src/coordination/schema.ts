/**
 * The `coordination` section of an experiment: capabilities that wrap any world where they make
 * sense (src/coordination/wrap.ts), each a world wrapper with its own accounting in the run:
 *
 *   messages     a cheap-talk channel: senders pick a word from a small vocabulary each period
 *                (an extra discrete action head), the others observe it next period;
 *   supervisors  a supervisor agent per worker that sees the worker's proposed action and may
 *                override it (replace it with a safe action) at a cost, within an override budget;
 *   budgets      per-agent action or compute budgets; an exhausted agent's fallback acts.
 *
 * Names (agents, roles, replacement actions) are checked against the world in wrap.ts with the
 * same field-path errors as the rest of the config.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazy-schema.js';

const agents = lazySchema(() => z.array(z.string().min(1)).min(1).optional().describe('Agent ids or roles; omit for every agent of the world'));

/** The cheap-talk channel. */
export const messagesSchema = lazySchema(() =>
  z
    .object({
      vocabulary: z
        .array(z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, dashes or underscores'))
        .min(2)
        .max(16)
        .default(['quiet', 'high'])
        .describe('Words a sender can pick each period. The first is silence: free to send, and what a lost, cut or not yet delivered message shows'),
      senders: agents().describe('Agents that may send (ids or roles); omit for every agent. Every agent observes the words of every sender but itself'),
      cost: z.number().min(0).default(0).describe('Cost per non-silent word sent on an open channel, charged to the sender as reward component messageCost'),
      delay: z.number().int().min(0).max(16).default(0).describe('Extra periods a word travels (0: the receivers see it in the next period)'),
      drop: z.number().min(0).max(1).default(0).describe('Probability that a non-silent word is lost on the way (seeded; receivers see silence)'),
      cutAt: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('Episode period from which the channel is cut: nothing is delivered and nothing is charged (for a continuing world: the run step)'),
    })
    .strict()
    .superRefine((v, ctx) => {
      const seen = new Set<string>();
      v.vocabulary.forEach((w, k) => {
        if (seen.has(w)) ctx.addIssue({ code: 'custom', path: ['vocabulary', k], input: w, message: `word '${w}' appears twice; give each word once` });
        seen.add(w);
      });
    }),
);

/** What replaces an overridden action, or acts for an agent whose budget ran out. */
const replacement = lazySchema(() =>
  z.union(
    [
      z.enum(['noop', 'last-action']),
      z.object({ action: z.array(z.number()).min(1).describe("The action's slots, as the world's action space reads them") }).strict(),
    ],
    { error: "expected 'noop', 'last-action' or {action: [slots]}" },
  ),
);

/** A supervisor of one worker. */
export const supervisorSchema = lazySchema(() =>
  z
    .object({
      worker: z.string().min(1).describe('Agent id of the worker it supervises'),
      id: z
        .string()
        .regex(/^[A-Za-z0-9_-]+$/)
        .optional()
        .describe('Id of the supervisor agent (default supervisor-<worker>); configure its policy under agents by this id or by role supervisor'),
      replacement: replacement()
        .default('noop')
        .describe(
          "What the world gets instead of an overridden action: 'noop' (the world's default action), 'last-action' (the worker's last executed action) or {action: [...]}",
        ),
      cost: z.number().min(0).default(0).describe('Cost per override, charged to the supervisor as reward component overrideCost'),
      penalty: z.number().min(0).default(0).describe('Cost per override charged to the worker as reward component overridePenalty (0: the worker is not told)'),
      budget: z
        .number()
        .int()
        .min(0)
        .default(0)
        .describe('Overrides allowed per episode (for a continuing world: per run); 0 = unlimited. Once spent, override requests are refused and recorded'),
    })
    .strict(),
);

/** A per-agent budget. */
export const budgetSchema = lazySchema(() =>
  z
    .object({
      agents: agents().describe('Agents with this budget (ids or roles); omit for every agent. Each has its own budget'),
      kind: z
        .enum(['actions', 'compute'])
        .describe("'actions': every action other than the world's default (no-op) action spends 1; 'compute': every decision spends `cost`"),
      amount: z.number().positive().describe('Budget per episode (for a continuing world: per run)'),
      cost: z.number().positive().default(1).describe("With kind 'compute': units one decision spends"),
      fallback: replacement().default('noop').describe("What acts once the budget is spent: 'noop', 'last-action' or {action: [...]}"),
    })
    .strict(),
);

/** The `coordination` section. */
export const coordinationSchema = lazySchema(() =>
  z
    .object({
      messages: messagesSchema().optional().describe('A cheap-talk channel between agents (words from a vocabulary, observed next period)'),
      supervisors: z.array(supervisorSchema()).min(1).optional().describe('Supervisor agents that see a worker’s proposed action and may override it'),
      budgets: z.array(budgetSchema()).min(1).optional().describe('Per-agent action or compute budgets; exhausting one is a recorded fault'),
    })
    .strict(),
);

/** The section after defaults. */
export type CoordinationConfig = z.infer<ReturnType<typeof coordinationSchema>>;
/** The messages part after defaults. */
export type MessagesConfig = z.infer<ReturnType<typeof messagesSchema>>;
/** One supervisor after defaults. */
export type SupervisorConfig = z.infer<ReturnType<typeof supervisorSchema>>;
/** One budget after defaults. */
export type BudgetConfig = z.infer<ReturnType<typeof budgetSchema>>;
/** A replacement or fallback after defaults. */
export type Replacement = z.infer<ReturnType<typeof replacement>>;
