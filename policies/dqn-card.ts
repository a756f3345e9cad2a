/**
 * dqn's card: its type, summary, params schema and compatibility check, without the algorithm
 * (policies/dqn.ts), so listing and validating configs never imports TensorFlow.js (see
 * src/core/lazy-policy.ts).
 */
import { z } from 'zod';
import type { PolicyCard } from '../src/core/lazy-policy.js';
import { cardinality, describeSpace, type Space } from '../src/core/spaces.js';
import type { AgentSpec, World } from '../src/core/world.js';
import { encodedSize, encodingProblem, observationEncodingParam } from '../src/learn/encode.js';
import { activationBytes, mlpParameterCount } from '../src/learn/memory.js';
import { lazySchema } from '../src/core/lazy-schema.js';

export const dqnParamsSchema = lazySchema(() =>
  z
    .object({
      shareParameters: z.boolean().default(false).describe('Agents of the same role share one Q-network, optimizer and replay buffer'),
      appendAgentId: z.boolean().default(true).describe('With shared parameters, append a one-hot agent id (position within the role) to the input'),
      hidden: z.array(z.number().int().positive()).min(1).default([64, 64]).describe('Hidden layer widths of the Q-network'),
      activation: z.enum(['tanh', 'relu']).default('relu').describe('Hidden activation'),
      learningRate: z.number().positive().default(2.5e-4).describe('Learning rate of the optimizer (Adam unless optimizer is sgd)'),
      // Opt-in (no default), so configs without it resolve and run byte for byte as before.
      optimizer: z
        .enum(['adam', 'sgd'])
        .optional()
        .describe(
          "Gradient optimizer: 'adam' (unset), or 'sgd', plain stochastic gradient descent (with momentum if set), whose step is proportional to the gradient and so shrinks as the TD errors do, where Adam's normalised step stays about learningRate on every weight (SGD needs a larger learningRate)",
        ),
      // Opt-in (no default), so configs without it resolve and run byte for byte as before.
      momentum: z.number().min(0).lt(1).optional().describe("Heavy-ball momentum μ of optimizer 'sgd' (b ← μ·b + g, step lr·b; unset: 0)"),
      // Opt-in (no default), so configs without it resolve and run byte for byte as before.
      annealSteps: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('Engine steps over which the learning rate decays linearly to 0, after which the Q-network is frozen (unset: constant)'),
      // Opt-in (no default), so configs without it resolve and run byte for byte as before.
      annealStart: z
        .number()
        .int()
        .nonnegative()
        .optional()
        .describe('Engine step from which the learning rate starts its linear decay to 0 at annealSteps (unset: 0, the decay spans the whole of annealSteps)'),
      bufferSize: z.number().int().positive().default(10_000).describe('Replay capacity in transitions (each step adds numEnvs)'),
      batchSize: z.number().int().positive().default(128).describe('Transitions per gradient step'),
      gamma: z.number().min(0).max(1).default(0.99).describe('Discount factor'),
      learningStarts: z.number().int().nonnegative().default(1000).describe('Transitions stored before training starts'),
      trainFrequency: z.number().int().positive().default(10).describe('Engine steps between training phases'),
      gradientSteps: z.number().int().positive().default(1).describe('Gradient steps per training phase'),
      targetUpdateFrequency: z.number().int().positive().default(500).describe('Engine steps between target-network updates'),
      tau: z.number().gt(0).max(1).default(1).describe('Target update rate: 1 = copy, < 1 = Polyak averaging'),
      epsilonStart: z.number().min(0).max(1).default(1).describe('Initial exploration rate'),
      epsilonEnd: z.number().min(0).max(1).default(0.05).describe('Final exploration rate'),
      epsilonDecaySteps: z.number().int().positive().default(10_000).describe('Engine steps over which ε decays from epsilonStart to epsilonEnd'),
      // Opt-in (no default), so configs without it resolve and run byte for byte as before.
      epsilonSchedule: z
        .enum(['linear', 'exponential'])
        .optional()
        .describe(
          'Shape of the ε decay: linear (unset), or exponential, ε_t = epsilonStart·exp(−β·t) with β = ln(epsilonStart/epsilonEnd)/epsilonDecaySteps (Calvano et al. 2020), then epsilonEnd',
        ),
      // Opt-in (no default), so configs without it resolve and run byte for byte as before.
      advantageLearning: z
        .number()
        .gt(0)
        .lt(1)
        .optional()
        .describe(
          'α of the advantage-learning operator (Bellemare et al. 2016): the TD target subtracts α·(max_b Q_target(s,b) − Q_target(s,a)), which keeps the greedy action and multiplies the action gaps by 1/(1−α), so they stand out of the approximation errors (unset: off)',
        ),
      // Opt-in (no default), so configs without it resolve and run byte for byte as before.
      dueling: z
        .boolean()
        .optional()
        .describe(
          'Dueling head (Wang et al. 2016): the network outputs a state value V and one advantage A per action, Q = V + A − mean(A), so the state value is learned from every action and the advantages carry only the differences between actions (unset: a plain Q head)',
        ),
      doubleDqn: z.boolean().default(false).describe('Use double-DQN targets (online net picks, target net evaluates)'),
      loss: z.enum(['mse', 'huber']).default('mse').describe('TD loss: squared error (CleanRL) or Huber (SB3)'),
      maxGradNorm: z.number().nonnegative().default(10).describe('Clip gradients to this global norm (0 = no clipping)'),
      observationEncoding: observationEncodingParam(),
      normalizeObservations: z.boolean().default(false).describe('Standardise box observations by running statistics'),
      rewardScale: z
        .number()
        .positive()
        .default(1)
        .describe('Multiply rewards by this before learning (keeps Q-values near unit scale in worlds with large costs)'),
      // Opt-in (no default), so configs without it resolve and run byte for byte as before.
      rewardCentering: z
        .number()
        .gt(0)
        .max(1)
        .optional()
        .describe(
          'Step size of a running average reward r̄ subtracted from every reward before learning (reward centering, Naik et al. 2024): the Q-values lose the constant r̄/(1−γ) and the network fits only the differences between states and actions (unset: off)',
        ),
      // Opt-in (no default), so configs without it resolve and run byte for byte as before.
      convergenceWindow: z
        .number()
        .int()
        .positive()
        .optional()
        .describe(
          "Calvano et al. (2020)'s convergence rule: converged once ε has reached epsilonEnd and the greedy action of no state (every state of the discrete observation space, read from the Q-network) has changed for this many engine steps; with run.stopWhenConverged the run stops when every learner has converged (unset: never converged)",
        ),
      // Opt-in (no default), so configs without it resolve and run byte for byte as before.
      convergenceOn: z
        .enum(['strategy', 'play'])
        .optional()
        .describe(
          "What the convergence rule requires unchanged over convergenceWindow: 'strategy' (unset), the greedy action of every state, as Calvano et al.; or 'play', the state the copies visited most between checks and the greedy action there (the price path)",
        ),
      // Opt-in (no default), so configs without it resolve and run byte for byte as before.
      convergenceCheckEvery: z
        .number()
        .int()
        .positive()
        .optional()
        .describe(
          "Engine steps between the convergence rule's checks of the greedy strategy (a forward pass over every state); a change undone within one interval goes unseen (unset: 100)",
        ),
      // Opt-in (no default), so configs without it resolve and run byte for byte as before.
      nStep: z
        .number()
        .int()
        .min(1)
        .max(100)
        .optional()
        .describe(
          'n-step returns (Sutton & Barto ch. 7; Rainbow): the TD target is Σ_{k<n} γ^k r_{t+k} + γ^n max_a Q_target(s_{t+n}, a), built per world copy from its last n steps (shorter where an episode ends), so rewards n−1 steps later enter the target directly rather than through bootstrapped values (unset: 1, the one-step target)',
        ),
      // Opt-in (no default), so configs without it resolve and run byte for byte as before.
      qInit: z
        .enum(['uniform-rivals'])
        .optional()
        .describe(
          "Q initialisation: 'uniform-rivals' starts every state's Q(s, a) at Q₀(a) = rewardScale · E[r(a, rivals uniform)]/(1 − γ), as Calvano et al.'s (and tabular-q's) firms start: the output layer's biases are set to Q₀ and its weights drawn at gain 0.01, so the state-dependent part starts near 0; needs a world that declares its stage game (World.repeatedGame) and a Discrete action space (unset: the network's random initial outputs around 0)",
        ),
      maxJointActions: z.number().int().positive().default(1024).describe('Largest flattened multi-discrete action space accepted'),
    })
    .strict(),
);

/** DQN hyperparameters (defaults: CleanRL dqn.py, scaled to small worlds). */
export type DqnConfig = z.infer<ReturnType<typeof dqnParamsSchema>>;

/** Most observation states the convergence rule tabulates (one forward pass over all of them per check). */
export const MAX_CONVERGENCE_STATES = 4096;

/** Number of joint actions of a discrete or multi-discrete space. */
export function jointActions(space: Space): number {
  return space.kind === 'box' ? Infinity : cardinality(space);
}

function incompatibility(world: World, agent: AgentSpec, cfg: DqnConfig): string | undefined {
  const space = world.actionSpaces[agent.index]!;
  const n = jointActions(space);
  if (space.kind === 'box') return `DQN needs discrete actions, but ${agent.id}'s action space is ${describeSpace(space)}: use ppo`;
  const encoding = encodingProblem(world.observationSpaces[agent.index]!, cfg.observationEncoding, agent.id);
  if (encoding) return encoding;
  if (cfg.epsilonSchedule === 'exponential' && !(cfg.epsilonEnd > 0 && cfg.epsilonStart >= cfg.epsilonEnd))
    return `epsilonSchedule 'exponential' decays ε geometrically from epsilonStart to epsilonEnd, so it needs 0 < epsilonEnd ≤ epsilonStart (got ${cfg.epsilonStart} → ${cfg.epsilonEnd}): raise epsilonEnd, e.g. to 0.001`;
  if (cfg.momentum !== undefined && cfg.optimizer !== 'sgd')
    return `momentum (${cfg.momentum}) is the heavy-ball momentum of optimizer 'sgd' (Adam has its own), but optimizer is ${cfg.optimizer ?? "unset ('adam')"}: set optimizer: sgd, or remove momentum`;
  if (cfg.annealStart !== undefined && !(cfg.annealSteps !== undefined && cfg.annealStart < cfg.annealSteps))
    return `annealStart (${cfg.annealStart}) is the step the learning rate starts decaying toward 0 at annealSteps, so it needs annealSteps set and larger (got ${cfg.annealSteps ?? 'unset'}): set annealSteps above ${cfg.annealStart}, or remove annealStart`;
  if (cfg.convergenceWindow !== undefined || cfg.convergenceCheckEvery !== undefined || cfg.convergenceOn !== undefined) {
    const obs = world.observationSpaces[agent.index]!;
    if (cfg.convergenceWindow === undefined && cfg.convergenceOn !== undefined)
      return `convergenceOn ('${cfg.convergenceOn}') says what the convergence rule checks, so it needs convergenceWindow: set convergenceWindow, or remove convergenceOn`;
    if (cfg.convergenceWindow === undefined)
      return `convergenceCheckEvery (${cfg.convergenceCheckEvery}) sets how often the convergence rule checks the greedy strategy, so it needs convergenceWindow: set convergenceWindow, or remove convergenceCheckEvery`;
    if (obs.kind === 'box')
      return `convergenceWindow (${cfg.convergenceWindow}) checks the greedy action of every state, so it needs a Discrete or MultiDiscrete observation, but ${agent.id}'s is ${describeSpace(obs)}: remove convergenceWindow`;
    if (cardinality(obs) > MAX_CONVERGENCE_STATES)
      return `convergenceWindow (${cfg.convergenceWindow}) checks the greedy action of every state, and ${agent.id}'s observation ${describeSpace(obs)} has ${cardinality(obs)} states, more than ${MAX_CONVERGENCE_STATES}: remove convergenceWindow or use a smaller observation`;
  }
  if (cfg.qInit !== undefined) {
    if (world.repeatedGame === undefined)
      return `qInit '${cfg.qInit}' sets Q₀ from the stage game's payoffs against uniformly random rivals, which ${world.id} does not declare (World.repeatedGame): remove qInit`;
    if (space.kind !== 'discrete')
      return `qInit '${cfg.qInit}' sets one Q₀ per own action from the stage game, so it needs a Discrete action space, but ${agent.id}'s is ${describeSpace(space)}: remove qInit`;
    if (cfg.rewardCentering !== undefined)
      return `qInit '${cfg.qInit}' starts Q at the discounted payoff E[r]/(1 − γ), but rewardCentering (${cfg.rewardCentering}) removes the average reward from the Q-values, so the two disagree: remove one of them`;
  }
  if (n > cfg.maxJointActions)
    return `${agent.id}'s action space ${describeSpace(space)} has ${n} joint actions, more than maxJointActions (${cfg.maxJointActions}): raise it or use ppo`;
  return undefined;
}

export const dqnCard: PolicyCard<DqnConfig> = {
  id: 'dqn',
  summary: 'Deep Q-learning (replay buffer, target network, linear ε schedule) for discrete and small multi-discrete actions',
  learns: true,
  get paramsSchema() {
    return dqnParamsSchema();
  },
  // Small enough that 40 conformance steps of 3 copies include several training phases.
  conformanceParams: { hidden: [8], learningStarts: 12, batchSize: 8, trainFrequency: 4 },
  incompatibility,
  memory(world, agent, cfg) {
    const obs = world.observationSpaces[agent.index]!;
    const input = encodedSize(obs, cfg.observationEncoding) + world.agents.length;
    const act = world.actionSpaces[agent.index]!;
    const actions = act.kind === 'discrete' ? act.n : act.kind === 'multi-discrete' ? act.nvec.reduce((a, b) => a * b, 1) : act.size;
    const outputs = actions + (cfg.dueling === true ? 1 : 0);
    // Replay: observation and next observation per transition, plus action, reward and done.
    const replay = cfg.bufferSize * (2 * obs.size + 3 + ((cfg.nStep ?? 1) > 1 ? 1 : 0)) * 4;
    // Online and target networks, gradients, Adam's two moments; activations of one batch (and its targets).
    const params = mlpParameterCount(input, cfg.hidden, outputs);
    const nets = params * 4 * 5 + 2 * activationBytes(cfg.batchSize, cfg.hidden);
    return [
      { param: 'bufferSize', bytes: replay, what: `replay buffer (bufferSize ${cfg.bufferSize} transitions)`, largestArray: cfg.bufferSize * obs.size * 4 },
      {
        param: 'hidden',
        bytes: nets,
        what: `Q and target networks (${params.toPrecision(3)} weights each) with optimizer state`,
        largestArray: Math.max(input, outputs, ...cfg.hidden) * Math.max(...cfg.hidden) * 4,
      },
    ];
  },
};
