/**
 * The experiment config schema. The zod schema is both the validator and the `ExperimentConfig`
 * type. World params, policy params, reward-scheme params and detector params are validated in a
 * second pass against the registered specs (see resolve.ts), so their errors carry full paths too.
 */
import { z } from 'zod';
import { faultsSchema } from '../faults/schema.js';
import { coordinationSchema } from '../coordination/schema.js';
import { sweepSectionSchema } from './sweep-section.js';
import { diagnoseSectionSchema } from './diagnose-section.js';
import { lazySchema } from '../core/lazy-schema.js';

const params = z.record(z.string(), z.unknown()).default({});

/** Which policy controls an agent. */
export const policyRefSchema = z
  .object({
    type: z.string().describe("Registered policy type (see 'tacit policies'), e.g. random, constant, tabular-q, ppo, dqn"),
    params: params.describe('Parameters of that policy type'),
  })
  .strict();

/** Which reward scheme turns an agent's components and the team KPIs into its learner's reward. */
export const rewardRefSchema = z
  .object({
    scheme: z.string().default('local').describe('Reward scheme: local, team, mixed, difference, potential, kpi-linked'),
    params: params.describe('Parameters of that scheme'),
  })
  .strict();

/** One agent entry: by `id`, or by `role` for every agent of that role not listed by id. */
export const agentEntrySchema = z
  .object({
    id: z.string().min(1).optional().describe("Agent id in the world (see 'tacit envs'); omit and give `role` to configure every agent of a role"),
    role: z.string().min(1).optional().describe('Role this entry applies to (all agents of the role not listed by id), or a check on the listed agent'),
    policy: policyRefSchema.describe('The policy controlling the agent(s)'),
    reward: rewardRefSchema.default({ scheme: 'local', params: {} }).describe('The reward scheme for the agent(s)'),
  })
  .strict();

/** How long and how many copies to run. */
export const runSchema = z
  .object({
    steps: z.number().int().positive().optional().describe('Engine steps to run (each advances every world copy); give steps or episodes'),
    episodes: z.number().int().positive().optional().describe('Stop after this many finished episodes across all copies; give steps or episodes'),
    maxSteps: z.number().int().positive().optional().describe('Cap on engine steps when running by episodes or until convergence'),
    seed: z.number().int().nonnegative().default(0).describe('Master seed of the first seed run; seed k of a multi-seed run uses seed + k'),
    seeds: z.number().int().positive().default(1).describe('Number of independent seeds to run'),
    numEnvs: z.number().int().positive().default(1).describe('World copies stepped together (policies act on all in one batch)'),
    metricsEvery: z.number().int().positive().default(100).describe('Engine steps per metrics window (one metrics.jsonl row each)'),
    stopWhenConverged: z.boolean().default(false).describe('Stop early when every learning policy reports convergence'),
    autoreset: z.enum(['same-step', 'next-step']).default('same-step').describe('How the engine restarts finished episodes'),
    fastPath: z.boolean().default(true).describe('Use a fused fast path when one matches the config (results are identical)'),
    workers: z.number().int().positive().optional().describe('Worker threads for multi-seed runs (default: one per core)'),
  })
  .strict();

/** Where and what to write. */
export const outputSchema = z
  .object({
    dir: z.string().default('results').describe('Parent folder of run folders (results/<experiment>/<runId>)'),
    maxEvents: z.number().int().nonnegative().default(10000).describe('Cap on world events written to events.jsonl per seed (findings are always written)'),
    report: z.boolean().default(true).describe('Write an HTML report at the end of the run'),
    checkpointEvery: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('Engine steps between checkpoints (a multiple of run.metricsEvery; 0 = never); default: about ten per run when agents learn, else never'),
  })
  .strict();

/**
 * The experiment object with the given schemas for its `faults`, `coordination` and `sweep` sections.
 * Those three are large (the faults schema alone is ~25 schemas) and most configs have none, so a
 * config is first parsed with them taken as they are (experimentShellSchema) and each section present
 * is then parsed with its own schema (resolve.ts): start-up, issue 21.
 */
function experimentObject<F extends z.ZodType, C extends z.ZodType, S extends z.ZodType>(faults: F, coordination: C, sweep: S) {
  return z
    .object({
      $schema: z.string().optional().describe('Path of the JSON Schema for editor autocompletion (ignored by tacit)'),
      name: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected letters, digits, dots, dashes or underscores (it names the results folder)')
        .describe('Experiment name; results go to <output.dir>/<name>/'),
      description: z.string().optional().describe('What the experiment shows'),
      env: z
        .object({
          id: z.string().describe("Registered world id (see 'tacit envs'), e.g. market-v1"),
          params: params.describe('World parameters'),
        })
        .strict()
        .describe('The world'),
      agents: z.array(agentEntrySchema).min(1).describe('Policy and reward scheme per agent (or per role)'),
      run: runSchema.describe('Run length, seeds and batching'),
      detectors: z
        .record(z.string(), z.union([z.literal(false), z.record(z.string(), z.unknown())]))
        .default({})
        .describe('Detector params by name; every registered detector runs with defaults unless set here, `false` switches one off'),
      faults: faults
        .optional()
        .describe('Fault injection (stale or noisy observations, dropout, action delay and corruption, lost hand-offs), guards and reliability measurement'),
      coordination: coordination
        .optional()
        .describe(
          'Coordination capabilities wrapped around the world: a message channel, supervisors with override budgets, per-agent budgets (docs/coordination.md)',
        ),
      sweep: sweep.optional().describe('Grid of config fields × seeds for tacit sweep (checked by every command; tacit run runs the base config only)'),
      diagnose: diagnoseSectionSchema
        .optional()
        .describe('Settings of tacit diagnose (the objective it judges fixes by); ignored by run and sweep (docs/diagnose.md)'),
      output: outputSchema.default({ dir: 'results', maxEvents: 10000, report: true }).describe('Output settings'),
    })
    .strict();
}

/** The experiment config file, every section spelled out: the JSON Schema (json-schema.ts) and the config type. */
export const experimentSchema = lazySchema(() => experimentObject(faultsSchema(), coordinationSchema(), sweepSectionSchema()));

/** The experiment config file with the faults, coordination and sweep sections left unparsed (see experimentObject). */
export const experimentShellSchema = lazySchema(() => experimentObject(z.unknown(), z.unknown(), z.unknown()));

/** The sections experimentShellSchema leaves unparsed, each with its schema. */
export const SEPARATE_SECTIONS = { faults: faultsSchema, coordination: coordinationSchema, sweep: sweepSectionSchema } as const;

/** An experiment config after schema defaults (params not yet resolved against the registries). */
export type ExperimentConfig = z.infer<ReturnType<typeof experimentSchema>>;
/** One agent entry after defaults. */
export type AgentEntry = z.infer<typeof agentEntrySchema>;
