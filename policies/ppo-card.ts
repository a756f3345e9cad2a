/**
 * ppo's card: its type, summary and params schema, without the algorithm (policies/ppo.ts), so
 * listing and validating configs never imports TensorFlow.js (see src/core/lazy-policy.ts).
 */
import { z } from 'zod';
import type { PolicyCard } from '../src/core/lazy-policy.js';
import { encodedSize, encodingProblem, observationEncodingParam } from '../src/learn/encode.js';
import { activationBytes, mlpParameterCount } from '../src/learn/memory.js';
import { actionMapProblem, supplyActionMapSchema } from './supply-action-map.js';
import { lazySchema } from '../src/core/lazy-schema.js';

export const ppoParamsSchema = lazySchema(() =>
  z
    .object({
      critic: z
        .enum(['local', 'central'])
        .default('local')
        .describe("'local' = IPPO (critic sees own observation), 'central' = MAPPO (critic sees every agent's observation)"),
      shareParameters: z.boolean().default(false).describe('Agents of the same role share one network, optimizer and rollout'),
      appendAgentId: z.boolean().default(true).describe('With shared parameters, append a one-hot agent id (position within the role) to the inputs'),
      hidden: z.array(z.number().int().positive()).min(1).default([64, 64]).describe('Hidden layer widths of actor and critic'),
      activation: z.enum(['tanh', 'relu']).default('tanh').describe('Hidden activation'),
      learningRate: z.number().positive().default(2.5e-4).describe('Adam learning rate'),
      annealSteps: z.number().int().nonnegative().default(0).describe('Engine steps over which the learning rate decays linearly to 0 (0 = constant)'),
      adamEpsilon: z.number().positive().default(1e-5).describe('Adam epsilon'),
      rolloutLength: z.number().int().positive().default(128).describe('Steps collected per world copy between updates'),
      numMinibatches: z.number().int().positive().default(4).describe('Minibatches per epoch'),
      updateEpochs: z.number().int().positive().default(4).describe('Passes over each rollout'),
      gamma: z.number().min(0).max(1).default(0.99).describe('Discount factor'),
      gaeLambda: z.number().min(0).max(1).default(0.95).describe('GAE lambda'),
      clipCoef: z.number().positive().default(0.2).describe('Surrogate clipping range (and value clipping range)'),
      clipValueLoss: z.boolean().default(true).describe('Clip the value loss around the old values'),
      entropyCoef: z.number().nonnegative().default(0.01).describe('Entropy bonus coefficient'),
      // Opt-in (no default, so configs without them resolve and run byte for byte as before).
      entropyAnnealSteps: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('Engine steps over which the entropy coefficient moves linearly from entropyCoef to entropyCoefFinal (unset: constant)'),
      entropyCoefFinal: z.number().nonnegative().optional().describe('Entropy coefficient at the end of entropyAnnealSteps (default 0)'),
      actionMap: supplyActionMapSchema().optional(),
      valueCoef: z.number().nonnegative().default(0.5).describe('Value loss coefficient'),
      maxGradNorm: z.number().nonnegative().default(0.5).describe('Clip gradients to this global norm (0 = no clipping)'),
      normalizeAdvantages: z.boolean().default(true).describe('Standardise advantages per minibatch'),
      observationEncoding: observationEncodingParam(),
      normalizeObservations: z.boolean().default(true).describe('Standardise box observations by running statistics'),
      normalizeRewards: z.boolean().default(true).describe('Scale rewards by the running std of the discounted return'),
      initLogStd: z.number().default(0).describe('Initial log std of the Gaussian policy (box actions only)'),
    })
    .strict(),
);

/** PPO hyperparameters (defaults: CleanRL ppo.py). */
export type PpoConfig = z.infer<ReturnType<typeof ppoParamsSchema>>;

export const ppoCard: PolicyCard<PpoConfig> = {
  id: 'ppo',
  summary: 'PPO actor-critic (GAE, clipped objective): IPPO with a local critic, MAPPO with a central critic; optional parameter sharing per role',
  learns: true,
  get paramsSchema() {
    return ppoParamsSchema();
  },
  // Small enough that 40 conformance steps of 3 copies include several updates.
  conformanceParams: { hidden: [8], rolloutLength: 8, numMinibatches: 2 },
  incompatibility: (world, agent, cfg) =>
    (cfg.critic === 'central'
      ? world.agents.map((a) => encodingProblem(world.observationSpaces[a.index]!, cfg.observationEncoding, a.id)).find((p) => p !== undefined)
      : encodingProblem(world.observationSpaces[agent.index]!, cfg.observationEncoding, agent.id)) ??
    (cfg.actionMap ? actionMapProblem(world, agent.index, cfg.actionMap) : undefined),
  memory(world, agent, cfg, numEnvs) {
    const actorIn = encodedSize(world.observationSpaces[agent.index]!, cfg.observationEncoding) + world.agents.length;
    const criticIn =
      cfg.critic === 'central' ? world.observationSpaces.reduce((a, s) => a + encodedSize(s, cfg.observationEncoding), 0) + world.agents.length : actorIn;
    const out = 2 * world.actionSpaces[agent.index]!.size + encodedSize(world.actionSpaces[agent.index]!);
    const rows = cfg.rolloutLength * numEnvs;
    // Rollout buffers (actor and critic inputs, raw actions, nine per-row floats), and their copy as tensors at update time.
    const rollout = rows * (actorIn + 2 * criticIn + out + 9) * 4 * 2;
    // Weights, gradients and Adam's two moments of actor and critic; activations of one minibatch.
    const params = mlpParameterCount(actorIn, cfg.hidden, out) + mlpParameterCount(criticIn, cfg.hidden, 1);
    const minibatch = 2 * activationBytes(Math.ceil(rows / cfg.numMinibatches), cfg.hidden);
    const widest = Math.max(actorIn, criticIn, ...cfg.hidden);
    return [
      {
        param: 'rolloutLength',
        bytes: rollout + minibatch,
        what: `rollout storage (rolloutLength ${cfg.rolloutLength} × numEnvs ${numEnvs} rows)`,
        largestArray: rows * Math.max(actorIn, criticIn) * 4,
      },
      {
        param: 'hidden',
        bytes: params * 4 * 4,
        what: `actor and critic networks (${params.toPrecision(3)} weights) with optimizer state`,
        largestArray: widest * Math.max(...cfg.hidden) * 4,
      },
    ];
  },
};
