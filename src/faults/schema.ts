/**
 * The `faults` section of an experiment: injections (what goes wrong), guards (per-agent wrappers
 * that contain it) and reliability (what counts as success, and how far failures cascade). Names
 * (agents, roles, observation fields, reward components, KPIs, fallback policies) are checked
 * against the world in check.ts, with the same field-path errors as the rest of the config.
 */
import { z } from 'zod';
import { fallbackSchema } from '../core/fallback.js';
import { lazySchema } from '../core/lazy-schema.js';

const agents = lazySchema(() => z.array(z.string().min(1)).min(1).optional().describe('Agent ids or roles affected; omit for every agent'));
const fields = lazySchema(() =>
  z
    .array(z.union([z.string().min(1), z.number().int().nonnegative()]))
    .min(1)
    .optional()
    .describe("Observation fields affected: slot names (see 'tacit envs') or indices; omit for every slot"),
);
const probability = lazySchema(() => z.number().min(0).max(1));
const fill = lazySchema(() =>
  z
    .union([z.number(), z.literal('last')])
    .default(0)
    .describe("Value a lost or dropped field shows: a number, or 'last' for the last value the agent saw"),
);

const staleObservation = lazySchema(() =>
  z
    .object({
      type: z.literal('stale-observation').describe('The agent sees the world `delay` steps late'),
      agents: agents(),
      fields: fields(),
      delay: z.number().int().min(1).describe('Steps of delay (the first `delay` steps of an episode show its first observation)'),
    })
    .strict(),
);

const observationCadence = lazySchema(() =>
  z
    .object({
      type: z.literal('observation-cadence').describe('The agent sees a fresh observation only every `every` steps and the held one in between'),
      agents: agents(),
      fields: fields(),
      every: z.number().int().min(2).describe('Refresh period in steps (refreshes at episode steps 0, every, 2·every, ...)'),
    })
    .strict(),
);

const observationNoise = lazySchema(() =>
  z
    .object({
      type: z.literal('observation-noise').describe('Gaussian noise added to observation fields'),
      agents: agents(),
      fields: fields(),
      std: z.number().positive().describe('Standard deviation, in observation units'),
      clip: z.boolean().default(true).describe('Clip noisy values to the observation space (and round integer spaces)'),
    })
    .strict(),
);

const dropFields = lazySchema(() =>
  z
    .object({
      type: z.literal('drop-fields').describe('Each step each listed field is independently missing with `probability`'),
      agents: agents(),
      fields: fields(),
      probability: probability().describe('Probability per step and field that the field is missing'),
      fill: fill(),
    })
    .strict(),
);

const dropout = lazySchema(() =>
  z
    .object({
      type: z.literal('dropout').describe('The agent stops responding for a window of steps, or at random; the fallback acts instead'),
      agents: agents(),
      window: z
        .object({
          start: z.number().int().nonnegative().describe('First step out'),
          end: z.number().int().positive().describe('First step back (exclusive end)'),
          clock: z
            .enum(['episode', 'run'])
            .default('episode')
            .describe("'episode': steps within each episode (repeats every episode); 'run': engine steps of the run"),
        })
        .strict()
        .optional()
        .describe('A fixed outage [start, end); give window or probability'),
      probability: probability().optional().describe('Probability per step that an outage starts; give window or probability'),
      duration: z.number().int().positive().default(1).describe('Steps a random outage lasts'),
      correlated: z.boolean().default(false).describe('One draw per step shared by all listed agents (a common cause) instead of one per agent'),
      fallback: fallbackSchema().default('noop'),
    })
    .strict()
    .superRefine((v, ctx) => {
      if ((v.window === undefined) === (v.probability === undefined))
        ctx.addIssue({ code: 'custom', path: [], input: undefined, message: 'give exactly one of window: {start, end} or probability' });
      if (v.window && v.window.end <= v.window.start)
        ctx.addIssue({ code: 'custom', path: ['window', 'end'], input: v.window.end, message: `must be greater than window.start (${v.window.start})` });
    }),
);

const actionDelay = lazySchema(() =>
  z
    .object({
      type: z
        .literal('action-delay')
        .describe("The agent's actions reach the world `delay` steps late; meanwhile the world gets the freshest action that has arrived"),
      agents: agents(),
      delay: z.number().int().min(1).describe('Steps an action is late'),
      probability: z.number().gt(0).max(1).default(1).describe('Probability that a given action is late (1: every action, a fixed lag)'),
    })
    .strict(),
);

const actionCorruption = lazySchema(() =>
  z
    .object({
      type: z.literal('action-corruption').describe('The action the world receives is corrupted with `probability`'),
      agents: agents(),
      probability: probability().describe('Probability per step of a corrupted action'),
      mode: z
        .enum(['out-of-range', 'garbled', 'random'])
        .default('out-of-range')
        .describe(
          "'out-of-range': one slot pushed outside its bounds; 'garbled': one slot NaN (or a non-integer); 'random': a uniformly random valid action (undetectable)",
        ),
      onInvalid: z
        .enum(['clamp', 'reject'])
        .default('reject')
        .describe("What the world does with an invalid action: 'clamp' it into the space, or 'reject' it (the no-op acts)"),
    })
    .strict(),
);

const handoff = lazySchema(() =>
  z
    .object({
      type: z.literal('handoff').describe("Loss or delay of `from`'s output on its way to `to` (the named fields of to's observation)"),
      from: z.string().min(1).describe('Agent id whose output is handed off'),
      to: z.string().min(1).describe('Agent id that receives it'),
      fields: z
        .array(z.union([z.string().min(1), z.number().int().nonnegative()]))
        .min(1)
        .describe("Fields of to's observation that carry from's output (names or indices)"),
      loss: probability().default(0).describe('Probability per step that the hand-off is lost (the fields show `fill`)'),
      delay: z.number().int().nonnegative().default(0).describe('Steps the hand-off is late'),
      fill: fill(),
    })
    .strict(),
);

const sharedWrites = lazySchema(() =>
  z
    .object({
      type: z
        .literal('shared-writes')
        .describe(
          "Passing ships: the agent's decision is made by `workers` workers on their own clocks who read shared state and commit `latency` steps later (lost updates, double orders, conflicts)",
        ),
      agents: agents(),
      workers: z
        .number()
        .int()
        .min(1)
        .default(2)
        .describe("Workers sharing the agent's decision (its action register); 1 is the race-free control: one agent on its own clock"),
      cadence: z.number().int().positive().default(1).describe("Steps between a worker's ticks"),
      jitter: z.number().int().nonnegative().default(0).describe('Each tick comes up to `jitter` extra steps late (uniform, seeded)'),
      latency: z.number().int().positive().default(1).describe("Steps from a worker's read to its write landing"),
      protocol: z
        .enum(['none', 'versioned', 'lock', 'event-log'])
        .default('none')
        .describe(
          "'none': blind writes; 'versioned': optimistic writes refused when the version moved, then re-read and retried; 'lock': read and write under a lock; 'event-log': intents appended and applied by one reducer against the current state",
        ),
      maxRetries: z.number().int().nonnegative().default(3).describe("With 'versioned': retries before a worker gives up on a commitment"),
    })
    .strict(),
);

const harmTarget = lazySchema(() =>
  z
    .union([
      z
        .object({
          kpis: z.record(z.string(), z.number()).optional().describe("KPI weights of the team objective to minimise (default: the world's team objective)"),
        })
        .strict(),
      z.object({ agent: z.string().min(1).describe('Agent whose local reward (sum of its raw components) to minimise') }).strict(),
    ])
    .describe("What 'greedy-harm' minimises: {kpis: {...}} (the team objective, default weights when empty) or {agent: id}"),
);

const adversary = lazySchema(() =>
  z
    .object({
      type: z.literal('adversary').describe("Strategic fault: the agent's policy is swapped for an adversary from step `start` (to `end`)"),
      agents: agents(),
      start: z.number().int().nonnegative().describe('First step compromised'),
      end: z.number().int().positive().optional().describe("First step back to the agent's own policy (exclusive; omit: to the end)"),
      clock: z.enum(['episode', 'run']).default('run').describe("'run': engine steps of the run; 'episode': steps within each episode"),
      policy: z
        .union([
          z
            .literal('greedy-harm')
            .describe(
              'Scripted worst case: each step, the action that minimises `target` one step ahead, found by forking the world state for every action (discrete spaces)',
            ),
          z
            .object({ type: z.string().min(1), params: z.record(z.string(), z.unknown()).default({}) })
            .strict()
            .describe('A registered non-learning policy (scripted adversary)'),
          z
            .object({
              run: z
                .string()
                .min(1)
                .describe('A finished run folder whose trained policy for this agent takes over (e.g. trained with a negated team objective)'),
              agent: z.string().min(1).optional().describe('Agent of that run whose policy is used (default: the same id)'),
            })
            .strict(),
        ])
        .default('greedy-harm')
        .describe("The adversary: 'greedy-harm', {type, params} or {run, agent}"),
      target: harmTarget().default({}),
      contagion: z
        .object({
          to: z.array(z.string().min(1)).min(1).describe('Agents (ids or roles) whose observations the compromised agent poisons'),
          fields: z
            .array(z.union([z.string().min(1), z.number().int().nonnegative()]))
            .min(1)
            .describe('Observation fields of those agents that carry poisoned values'),
          value: z
            .union([z.number(), z.enum(['high', 'low'])])
            .default('high')
            .describe("What the poisoned fields show: a number, or the top ('high') or bottom ('low') of the observation space"),
        })
        .strict()
        .optional()
        .describe("Compromised outputs poisoning others' observations while the adversary is active"),
    })
    .strict()
    .superRefine((v, ctx) => {
      if (v.end !== undefined && v.end <= v.start)
        ctx.addIssue({ code: 'custom', path: ['end'], input: v.end, message: `must be greater than start (${v.start})` });
    }),
);

/** One fault injection. */
export const injectionSchema = lazySchema(() =>
  z.discriminatedUnion('type', [
    staleObservation(),
    observationCadence(),
    observationNoise(),
    dropFields(),
    dropout(),
    actionDelay(),
    actionCorruption(),
    handoff(),
    sharedWrites(),
    adversary(),
  ]),
);

const countedFaults = lazySchema(() => z.enum(['no-response', 'late', 'invalid-action', 'failure']));

const circuitBreaker = lazySchema(() =>
  z
    .object({
      type: z.literal('circuit-breaker').describe('Swap the agent for its fallback after `maxFaults` faults within `window` steps, for `cooldown` steps'),
      agents: agents(),
      maxFaults: z.number().int().positive().describe('Faults within the window that trip the breaker'),
      window: z.number().int().positive().describe('Sliding window, in steps'),
      cooldown: z.number().int().positive().describe('Steps the fallback acts once tripped; then the agent is back with a fresh window'),
      count: z
        .array(countedFaults())
        .min(1)
        .default(['no-response', 'late', 'invalid-action', 'failure'])
        .describe(
          "What counts as a fault: 'no-response' (out), 'late' (stale action), 'invalid-action' (clamped or rejected), 'failure' (missed its success criterion)",
        ),
      fallback: fallbackSchema().default('noop'),
    })
    .strict()
    .superRefine((v, ctx) => {
      if (v.maxFaults > v.window) ctx.addIssue({ code: 'custom', path: ['maxFaults'], input: v.maxFaults, message: `cannot exceed window (${v.window})` });
    }),
);

const timeout = lazySchema(() =>
  z
    .object({
      type: z.literal('timeout').describe('When the action the world would get is older than `maxDelay` steps (or missing), the fallback acts'),
      agents: agents(),
      maxDelay: z.number().int().nonnegative().describe('Oldest acceptable action age, in steps (0: only fresh actions)'),
      fallback: fallbackSchema().default('noop'),
    })
    .strict(),
);

/** One guard. */
export const guardSchema = lazySchema(() => z.discriminatedUnion('type', [circuitBreaker(), timeout()]));

/** A success condition on one reward component of the agent or one team KPI. */
export const conditionSchema = lazySchema(() =>
  z
    .object({
      component: z.string().min(1).optional().describe("One of the agent's reward components (raw, before any reward scheme)"),
      kpi: z.string().min(1).optional().describe('A team KPI'),
      atLeast: z.number().optional().describe('Success needs value >= atLeast'),
      atMost: z.number().optional().describe('Success needs value <= atMost'),
    })
    .strict()
    .superRefine((v, ctx) => {
      if ((v.component === undefined) === (v.kpi === undefined))
        ctx.addIssue({ code: 'custom', path: [], input: undefined, message: 'give exactly one of component or kpi' });
      if (v.atLeast === undefined && v.atMost === undefined)
        ctx.addIssue({ code: 'custom', path: [], input: undefined, message: 'give atLeast, atMost or both' });
    }),
);

const criterion = lazySchema(() =>
  z.union([conditionSchema(), z.array(conditionSchema()).min(1)]).describe('A condition, or a list of conditions that must all hold'),
);

/** What counts as success, and how cascades are measured. */
export const reliabilitySchema = lazySchema(() =>
  z
    .object({
      criteria: z.record(z.string(), criterion()).describe('Per agent id or role: its success condition(s), checked on each step'),
      team: criterion().optional().describe('Team success condition (KPIs only); default: every agent with a criterion succeeded'),
      unit: z.enum(['step', 'episode']).default('step').describe("'step': share of steps that succeed; 'episode': share of episodes that do"),
      episodeShare: z.number().gt(0).max(1).default(1).describe("With unit 'episode': share of the episode's steps that must succeed"),
      cascadeHorizon: z.number().int().positive().default(20).describe('Steps after a fault onset in which failures of other agents count as its cascade'),
    })
    .strict(),
);

/** The `faults` section. */
export const faultsSchema = lazySchema(() =>
  z
    .object({
      injections: z.array(injectionSchema()).default([]).describe('Faults to inject, applied in the fixed order observation → action → guards'),
      guards: z.array(guardSchema()).default([]).describe('Per-agent guards: circuit breakers and timeouts'),
      reliability: reliabilitySchema().optional().describe('Success criteria, team reliability vs the independence prediction, cascades'),
    })
    .strict(),
);

/** The `faults` section after defaults. */
export type FaultsConfig = z.infer<ReturnType<typeof faultsSchema>>;
/** One injection after defaults. */
export type Injection = z.infer<ReturnType<typeof injectionSchema>>;
/** One guard after defaults. */
export type Guard = z.infer<ReturnType<typeof guardSchema>>;
/** A fallback after defaults. */
export type Fallback = z.infer<ReturnType<typeof fallbackSchema>>;
/** One success condition. */
export type Condition = z.infer<ReturnType<typeof conditionSchema>>;
/** The reliability section after defaults. */
export type ReliabilityConfig = z.infer<ReturnType<typeof reliabilitySchema>>;
