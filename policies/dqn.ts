/**
 * dqn: deep Q-learning (Mnih et al. 2015) for discrete actions, following CleanRL's dqn.py: an
 * MLP Q-network, a uniform replay buffer, a target network synced every
 * `targetUpdateFrequency` steps (hard, or Polyak with `tau` < 1), and a linear ε-greedy
 * schedule. Optional double-DQN targets (van Hasselt et al. 2016), advantage learning (Bellemare
 * et al. 2016) and a dueling head (Wang et al. 2016), and Calvano et al. (2020)'s convergence rule
 * (`convergenceWindow`: the greedy action of every state unchanged for a window once ε is at its
 * floor; with run.stopWhenConverged the run ends there). Multi-discrete action spaces
 * are flattened into their joint index (up to `maxJointActions`). With `shareParameters`, all
 * agents of a role share one Q-network, target, optimizer and replay buffer (in `ctx.shared`).
 *
 * Acting is batched: one forward pass per agent per step covers all `numEnvs` world copies.
 *
 * Order: config · group (networks, buffer) · act · observe · train step · checkpoints · registration.
 */
import { TacitError } from '../src/core/errors.js';
import { definePolicy, type ActMode, type Policy, type PolicyContext, type TransitionBatch } from '../src/core/policy.js';
import { nextFloat, nextInt, type Rng } from '../src/core/rng.js';
import { Adam, clipScale, globalNorm } from '../src/learn/adam.js';
import { Sgd, type SgdState } from '../src/learn/sgd.js';
import { initBackend, requireBackend } from '../src/learn/backend.js';
import { assertFinite, DIVERGENCE_HINT, DivergenceError } from '../src/learn/divergence.js';
import { duelingBackward, duelingQ } from '../src/learn/dueling.js';
import { InputEncoder } from '../src/learn/encode.js';
import { createNet, type Net } from '../src/learn/net.js';
import { ReplayBuffer } from '../src/learn/replay.js';
import { dqnCard, jointActions, type DqnConfig } from './dqn-card.js';
import { createConvergence, type ConvergenceState } from './dqn-convergence.js';
import { NStepRings, type NStepState } from './dqn-nstep.js';

// ─── Config: policies/dqn-card.ts (DqnConfig, its schema, defaults and compatibility check) ──

// ─── Group: Q-network, target, optimizer and replay of one agent or one sharing role ───────

interface Group {
  readonly cfg: DqnConfig;
  readonly paramsKey: string;
  readonly q: Net;
  readonly target: Net;
  /** Adam, or SGD with optimizer: sgd. */
  readonly optimizer: Adam | Sgd;
  readonly encoder: InputEncoder;
  readonly replay: ReplayBuffer;
  readonly trainRng: Rng;
  readonly members: string[];
  readonly numActions: number;
  observeCalls: number;
  lastTargetUpdate: number;
  updates: number;
  /** Running average of the (scaled) reward, subtracted in the TD target with rewardCentering; NaN before the first. */
  rewardMean: number;
  lastStats: Record<string, number>;
  /** Working arrays of the train step. */
  readonly scratch: TrainScratch;
  /** With nStep > 1: γ^m and Σ_{k<m} γ^k for horizons m = 0…nStep (the bootstrap's discount and the centering's weight). */
  readonly horizonDiscount: Float64Array | undefined;
  readonly horizonWeight: Float64Array | undefined;
}

/** Preallocated arrays of one gradient step (batchSize rows). */
interface TrainScratch {
  readonly idx: Int32Array;
  readonly x: Float32Array;
  readonly nx: Float32Array;
  readonly y: Float32Array;
  readonly dQ: Float32Array;
  readonly qTarget: Float32Array;
  readonly qOnline: Float32Array;
  /** Target network's Q-values at the sampled states themselves (advantage learning). */
  readonly qTargetNow: Float32Array;
  /** The network's raw outputs and their gradient with a dueling head ([V, A…] per row). */
  readonly raw: Float32Array;
  readonly dRaw: Float32Array;
  readonly stats: Float32Array;
}

function createGroup(ctx: PolicyContext, cfg: DqnConfig, roleSize: number, numActions: number): Group {
  const encoder = new InputEncoder([ctx.observationSpace], {
    normalize: cfg.normalizeObservations,
    discrete: cfg.observationEncoding,
    idSize: cfg.shareParameters && cfg.appendAgentId ? roleSize : 0,
  });
  const init = ctx.rng.split('init');
  const outputSize = numActions + (cfg.dueling === true ? 1 : 0);
  // With qInit the output weights start small, so the output biases (Q₀) dominate in every state.
  const outputGain = cfg.qInit !== undefined ? QINIT_OUTPUT_GAIN : 1;
  const spec = { inputSize: encoder.inputSize, hidden: cfg.hidden, outputSize, activation: cfg.activation, outputGain };
  const q = createNet(spec, init);
  const target = createNet(spec, init);
  if (cfg.qInit !== undefined) setOutputBiases(q, initialQ(ctx, cfg), cfg.dueling === true);
  target.copyFrom(q);
  const B = cfg.batchSize;
  const nStep = cfg.nStep ?? 1;
  const f = (k: number): Float32Array => new Float32Array(B * k);
  const scratch = {
    idx: new Int32Array(B),
    x: f(encoder.inputSize),
    nx: f(encoder.inputSize),
    y: f(1),
    dQ: f(numActions),
    qTarget: f(numActions),
    qOnline: f(numActions),
    qTargetNow: f(cfg.advantageLearning !== undefined ? numActions : 0),
    raw: f(cfg.dueling === true ? outputSize : 0),
    dRaw: f(cfg.dueling === true ? outputSize : 0),
    stats: new Float32Array(2),
  };
  return {
    cfg,
    paramsKey: JSON.stringify(cfg),
    q,
    target,
    optimizer:
      cfg.optimizer === 'sgd'
        ? new Sgd(q.layout, { learningRate: cfg.learningRate, momentum: cfg.momentum ?? 0 })
        : new Adam(q.layout, { learningRate: cfg.learningRate }),
    encoder,
    replay: new ReplayBuffer(cfg.bufferSize, ctx.observationSpace.size, nStep > 1),
    trainRng: ctx.rng.split('train'),
    members: [],
    numActions,
    observeCalls: 0,
    lastTargetUpdate: 0,
    updates: 0,
    rewardMean: Number.NaN,
    lastStats: {},
    scratch,
    horizonDiscount: nStep > 1 ? Float64Array.from({ length: nStep + 1 }, (_, m) => Math.pow(cfg.gamma, m)) : undefined,
    horizonWeight: nStep > 1 ? Float64Array.from({ length: nStep + 1 }, (_, m) => horizonWeight(cfg.gamma, m)) : undefined,
  };
}

/** Gain of the output layer's (orthogonal) initial weights with qInit: small against Q₀'s action gaps. */
export const QINIT_OUTPUT_GAIN = 0.01;

/** Q₀(a) = rewardScale · E[r(a, rivals uniform)]/(1 − γ): Calvano et al.'s initial Q-values (tabular-q's qInit 'uniform-rivals'). */
export function initialQ(ctx: PolicyContext, cfg: DqnConfig): Float64Array {
  const payoffs = ctx.world.repeatedGame!.payoffVsUniformRivals(ctx.agent.index);
  return Float64Array.from(payoffs, (v) => (cfg.rewardScale * v) / (1 - cfg.gamma));
}

/**
 * Set the output layer's biases so that an output of zero from the weights gives Q = q0: the biases
 * themselves, or with a dueling head V = mean(q0) and A = q0 − mean(q0) (Q = V + A − mean A).
 */
export function setOutputBiases(net: Net, q0: Float64Array, dueling: boolean): void {
  const bias = net.params[net.params.length - 1]!;
  const n = q0.length;
  let mean = 0;
  for (let j = 0; j < n; j++) mean += q0[j]! / n;
  if (dueling) {
    bias[0] = mean;
    for (let j = 0; j < n; j++) bias[1 + j] = q0[j]! - mean;
  } else for (let j = 0; j < n; j++) bias[j] = q0[j]!;
  net.commit();
}

// ─── The policy: act, observe ───────────────────────────────────────────────────────────────

function createDqn(ctx: PolicyContext, cfg: DqnConfig): Policy {
  requireBackend();
  const why = dqnCard.incompatibility!(ctx.world, ctx.agent, cfg);
  if (why) throw new TacitError(why);
  const space = ctx.actionSpace;
  const numActions = jointActions(space);
  const role = ctx.world.agents.filter((a) => a.role === ctx.agent.role);
  const key = `dqn/${cfg.shareParameters ? `role:${ctx.agent.role}` : `agent:${ctx.agent.id}`}`;
  let g = ctx.shared.get(key) as Group | undefined;
  if (g === undefined) ctx.shared.set(key, (g = createGroup(ctx, cfg, role.length, numActions)));
  else if (g.paramsKey !== JSON.stringify(cfg))
    throw new TacitError(
      `agent '${ctx.agent.id}' shares DQN parameters with role '${ctx.agent.role}' but its policy params differ from ${g.members[0]}'s: give every agent of the role the same params, or set shareParameters: false`,
    );
  const group = g;
  group.members.push(ctx.agent.id);
  const N = ctx.numEnvs;
  const agentId = ctx.agent.id;
  const roleSlot = role.findIndex((a) => a.id === agentId);
  const actRng = ctx.rng.split('act');
  const inSize = group.encoder.inputSize;
  const actIn = new Float32Array(N * inSize);
  const qv = new Float32Array(N * numActions);
  const actRaw = new Float32Array(cfg.dueling === true ? N * (numActions + 1) : 0);
  const obsSrc: Float32Array[] = [new Float32Array(0)];
  const nvec = space.kind === 'multi-discrete' ? space.nvec : [numActions];
  let epsilon = cfg.epsilonStart;
  // One history ring per copy of this agent (members of a sharing group each keep their own).
  const rings = (cfg.nStep ?? 1) > 1 ? new NStepRings(N, cfg.nStep!, ctx.observationSpace.size, cfg.gamma) : undefined;
  const convergence =
    cfg.convergenceWindow !== undefined
      ? createConvergence(
          {
            cfg,
            numActions: group.numActions,
            encoder: group.encoder,
            predict: (x, rows, out, raw) => predictQ(group, group.q, x, rows, out, raw),
          },
          ctx.observationSpace,
          roleSlot,
        )
      : undefined;

  function act(obs: Float32Array, actions: Float64Array, mode: ActMode): void {
    obsSrc[0] = obs;
    for (let b = 0; b < N; b++) group.encoder.encode(obsSrc, b, actIn, b * inSize, roleSlot);
    predictQ(group, group.q, actIn, N, qv, actRaw);
    for (let b = 0; b < N; b++) {
      let a: number;
      if (mode === 'explore' && nextFloat(actRng.state) < epsilon) a = nextInt(actRng.state, numActions);
      else {
        a = 0;
        for (let j = 1; j < numActions; j++) if (qv[b * numActions + j]! > qv[b * numActions + a]!) a = j;
      }
      // Joint index → one slot per sub-action (mixed radix, last slot fastest).
      for (let k = nvec.length - 1; k >= 0; k--) {
        actions[b * nvec.length + k] = a % nvec[k]!;
        a = Math.floor(a / nvec[k]!);
      }
    }
  }

  function observe(batch: TransitionBatch): void {
    assertFinite(batch.rewards, rewardName, agentId, batch.step);
    const acted = batch.acted;
    for (let b = 0; b < N; b++) {
      if (acted !== undefined && acted[b] === 0) continue; // not a transition (see TransitionBatch.acted)
      let a = 0;
      for (let k = 0; k < nvec.length; k++) a = a * nvec[k]! + batch.actions[b * nvec.length + k]!;
      const ended = batch.terminated[b] === 1 || batch.truncated[b] === 1;
      // Truncated copies bootstrap from their final observation, terminated ones not at all.
      if (rings !== undefined)
        rings.push(
          group.replay,
          b,
          batch.obs,
          a,
          batch.rewards[b]! * cfg.rewardScale,
          ended ? batch.finalObs : batch.nextObs,
          ended,
          batch.terminated[b]!,
          roleSlot,
        );
      else group.replay.add(batch.obs, ended ? batch.finalObs : batch.nextObs, b, a, batch.rewards[b]! * cfg.rewardScale, batch.terminated[b]!, roleSlot);
    }
    if (cfg.rewardCentering !== undefined) centerRewards(group, batch, N, cfg.rewardCentering);
    convergence?.visit(batch.obs, N, acted);
    obsSrc[0] = batch.nextObs;
    group.encoder.update(obsSrc, N);
    if (cfg.annealSteps !== undefined) group.optimizer.learningRate = annealedRate(cfg, batch.step);
    epsilon = explorationRate(cfg, batch.step);
    group.observeCalls++;
    const M = group.members.length;
    if (group.replay.size >= cfg.learningStarts && group.observeCalls % (cfg.trainFrequency * M) === 0)
      for (let k = 0; k < cfg.gradientSteps; k++) trainStep(group, agentId, batch.step);
    if (batch.step - group.lastTargetUpdate >= cfg.targetUpdateFrequency) {
      group.lastTargetUpdate = batch.step;
      updateTarget(group);
    }
    convergence?.check(batch.step);
  }

  return {
    act,
    observe,
    save: () => ({
      format: 'tacit-dqn/1',
      agent: agentId,
      epsilon,
      actRng: Array.from(actRng.state),
      group: saveGroup(group),
      // Only with the convergence rule, so checkpoints of configs without it stay byte for byte as before.
      ...(convergence !== undefined ? { convergence: convergence.save() } : {}),
      // Only with n-step returns, likewise: the steps not yet in the replay buffer.
      ...(rings !== undefined ? { nStep: rings.toJSON() } : {}),
    }),
    load(data) {
      const d = data as {
        format?: string;
        epsilon: number;
        actRng: number[];
        group: ReturnType<typeof saveGroup>;
        convergence?: ConvergenceState;
        nStep?: NStepState;
      };
      if (d?.format !== 'tacit-dqn/1') throw new TacitError(`checkpoint for agent '${agentId}' is not a DQN checkpoint (format ${JSON.stringify(d?.format)})`);
      epsilon = d.epsilon;
      actRng.state.set(d.actRng);
      loadGroup(group, d.group);
      if (convergence !== undefined) convergence.load(d.convergence);
      if (rings !== undefined) rings.load(d.nStep);
    },
    ...(convergence !== undefined ? { converged: () => convergence.converged() } : {}),
    // discount: the γ it plans with; the market's deviation probes value a deviation with it (envs/market/analyze.ts).
    stats: () => ({
      epsilon,
      discount: cfg.gamma,
      learningRate: group.optimizer.learningRate,
      updates: group.updates,
      bufferSize: group.replay.size,
      ...(cfg.rewardCentering !== undefined ? { rewardMean: group.rewardMean } : {}),
      ...(convergence !== undefined ? convergence.stats() : {}),
      ...group.lastStats,
    }),
    dispose() {
      const i = group.members.indexOf(agentId);
      if (i >= 0) group.members.splice(i, 1);
      if (group.members.length > 0) return;
      group.q.dispose();
      group.target.dispose();
      ctx.shared.delete(key);
    },
  };
}

const rewardName = (b: number): string => `reward (copy ${b})`;

/**
 * The learning rate at engine step t: constant until annealStart (default 0), then linearly to 0
 * at annealSteps, as PPO's. Annealed to 0, the greedy strategy stops moving: with a network, an
 * update on the states being visited also moves the Q-values of every other state through the
 * shared weights, so under a constant rate the strategy never settles.
 */
export function annealedRate(cfg: DqnConfig, t: number): number {
  const end = cfg.annealSteps;
  if (end === undefined) return cfg.learningRate;
  // Without annealStart, exactly the original expression (so earlier runs reproduce bit for bit).
  if (cfg.annealStart === undefined) return cfg.learningRate * Math.max(0, 1 - t / end);
  return cfg.learningRate * Math.min(1, Math.max(0, (end - t) / (end - cfg.annealStart)));
}

/**
 * Reward centering (Naik, Wan, Tomar & Sutton 2024): move the running average reward toward this
 * step's mean over the copies that acted (it starts at the first step's mean). The TD target
 * subtracts it, so in a continuing task the Q-values no longer carry the constant r̄/(1−γ), which
 * at γ near 1 dwarfs the differences between actions the greedy policy is made of.
 */
function centerRewards(g: Group, batch: TransitionBatch, n: number, stepSize: number): void {
  let sum = 0;
  let count = 0;
  for (let b = 0; b < n; b++) {
    if (batch.acted !== undefined && batch.acted[b] === 0) continue;
    sum += batch.rewards[b]! * g.cfg.rewardScale;
    count++;
  }
  if (count === 0) return;
  const m = sum / count;
  g.rewardMean = Number.isNaN(g.rewardMean) ? m : g.rewardMean + stepSize * (m - g.rewardMean);
}

/**
 * ε at engine step t: from epsilonStart to epsilonEnd over epsilonDecaySteps, linearly or (the
 * tabular firms' Calvano schedule) geometrically, which leaves the late periods at low ε longer.
 */
export function explorationRate(cfg: DqnConfig, t: number): number {
  const frac = Math.min(1, t / cfg.epsilonDecaySteps);
  if (cfg.epsilonSchedule !== 'exponential') return cfg.epsilonStart + frac * (cfg.epsilonEnd - cfg.epsilonStart);
  return cfg.epsilonStart * Math.pow(cfg.epsilonEnd / cfg.epsilonStart, frac);
}

// ─── Training: TD targets from the target network, one gradient step ───────────────────────

function trainStep(g: Group, agentId: string, step: number): void {
  const cfg = g.cfg;
  const B = cfg.batchSize;
  const inSize = g.encoder.inputSize;
  const nA = g.numActions;
  const { idx, x, nx, y, dQ, qTarget, qOnline, qTargetNow, raw, dRaw, stats } = g.scratch;
  g.replay.sample(g.trainRng.state, idx);
  const src = [g.replay.obs];
  const nsrc = [g.replay.nextObs];
  for (let i = 0; i < B; i++) {
    const r = idx[i]!;
    g.encoder.encode(src, r, x, i * inSize, g.replay.ids[r]!);
    g.encoder.encode(nsrc, r, nx, i * inSize, g.replay.ids[r]!);
  }
  // TD targets, computed without gradient.
  predictQ(g, g.target, nx, B, qTarget, raw);
  const qo = cfg.doubleDqn ? (predictQ(g, g.q, nx, B, qOnline, raw), qOnline) : qTarget;
  const al = cfg.advantageLearning;
  if (al !== undefined) predictQ(g, g.target, x, B, qTargetNow, raw);
  tdTargets(
    {
      rows: B,
      numActions: nA,
      gamma: cfg.gamma,
      center: cfg.rewardCentering !== undefined ? g.rewardMean : 0,
      advantageLearning: al,
      idx,
      rewards: g.replay.rewards,
      terminated: g.replay.terminated,
      actions: g.replay.actions,
      nextTarget: qTarget,
      nextChooser: qo,
      nowTarget: qTargetNow,
      horizons: g.replay.horizons,
      horizonDiscount: g.horizonDiscount,
      horizonWeight: g.horizonWeight,
    },
    y,
  );
  // Loss over the taken actions' Q-values; its derivative is written out (mse: 2(q − y)/B, Huber
  // with δ = 1: clip(q − y, ±1)/B) and backpropagated through the network (and the dueling head).
  const out = g.q.forward(x, B);
  const dueling = cfg.dueling === true;
  const q = dueling ? (duelingQ(out, B, nA, qOnline), qOnline) : out;
  dQ.fill(0);
  let loss = 0;
  for (let i = 0; i < B; i++) {
    const a = g.replay.actions[idx[i]!]!;
    const d = q[i * nA + a]! - y[i]!;
    const ad = Math.abs(d);
    if (cfg.loss === 'huber') {
      loss += ad <= 1 ? 0.5 * d * d : ad - 0.5;
      dQ[i * nA + a] = (d > 1 ? 1 : d < -1 ? -1 : d) / B;
    } else {
      loss += d * d;
      dQ[i * nA + a] = (2 * d) / B;
    }
  }
  if (dueling) duelingBackward(dQ, B, nA, dRaw);
  g.q.backward(dueling ? dRaw : dQ);
  stats[0] = loss / B;
  stats[1] = globalNorm(g.q.grads);
  assertFinite(stats, STAT_NAMES, agentId, step);
  if (!g.optimizer.apply(g.q.params, g.q.grads, clipScale(stats[1]!, cfg.maxGradNorm)))
    throw new DivergenceError(agentId, step, 'a weight after the optimizer step', 'not finite', DIVERGENCE_HINT);
  g.q.commit();
  g.updates++;
  g.lastStats = { 'loss/td': stats[0]!, gradNorm: stats[1]! };
}

const STAT_NAMES = ['loss/td', 'gradNorm'];

/** Q-values of `rows` encoded inputs into `out`, through the dueling head if there is one (`raw` its scratch). */
function predictQ(g: Group, net: Net, x: Float32Array, rows: number, out: Float32Array, raw: Float32Array): void {
  if (g.cfg.dueling !== true) return net.predict(x, rows, out);
  net.predict(x, rows, raw);
  duelingQ(raw, rows, g.numActions, out);
}

/** What the TD targets of one sampled batch are computed from (row i is replay entry idx[i]). */
export interface TdInputs {
  readonly rows: number;
  readonly numActions: number;
  readonly gamma: number;
  /** Subtracted from every reward (reward centering's running average; 0 without). */
  readonly center: number;
  /** α of advantage learning, or undefined for the plain Bellman target. */
  readonly advantageLearning: number | undefined;
  readonly idx: Int32Array;
  readonly rewards: Float32Array;
  readonly terminated: Float32Array;
  readonly actions: Float32Array;
  /** Target network's Q at the next states ([rows × numActions]). */
  readonly nextTarget: Float32Array;
  /** The Q-values whose argmax picks the next action: nextTarget, or the online network's (double DQN). */
  readonly nextChooser: Float32Array;
  /** Target network's Q at the states themselves (advantage learning only). */
  readonly nowTarget: Float32Array;
  /** n-step returns: each replay entry's horizon m, and by m the bootstrap's discount γ^m and the centering weight Σ_{k<m} γ^k (all absent for one-step targets). */
  readonly horizons?: Float32Array | undefined;
  readonly horizonDiscount?: Float64Array | undefined;
  readonly horizonWeight?: Float64Array | undefined;
}

/** Σ_{k<m} γ^k: the weight of a constant reward (the centering's r̄) in an m-step return. */
function horizonWeight(gamma: number, m: number): number {
  let w = 0;
  for (let k = 0, d = 1; k < m; k++, d *= gamma) w += d;
  return w;
}

/**
 * y_i = r − center + γ (1 − terminated) Q_target(s', argmax_b chooser(s', b)), and with advantage
 * learning minus α (max_b Q_target(s, b) − Q_target(s, a)). The second term lowers the target of
 * every action but the greedy one in proportion to its shortfall; iterated, the greedy action's
 * value is unchanged and each gap becomes gap/(1 − α) (Bellemare et al. 2016, Theorem 1).
 * With n-step returns, r is the entry's discounted m-step return, the bootstrap is discounted by
 * γ^m, and center is weighted by Σ_{k<m} γ^k.
 */
export function tdTargets(t: TdInputs, y: Float32Array): void {
  const nA = t.numActions;
  const qo = t.nextChooser;
  for (let i = 0; i < t.rows; i++) {
    let best = 0;
    for (let j = 1; j < nA; j++) if (qo[i * nA + j]! > qo[i * nA + best]!) best = j;
    const r = t.idx[i]!;
    // One-step targets keep exactly their original expression (earlier runs reproduce bit for bit).
    const m = t.horizons !== undefined ? t.horizons[r]! : 0;
    const bellman =
      t.horizons === undefined
        ? t.rewards[r]! - t.center + t.gamma * (1 - t.terminated[r]!) * t.nextTarget[i * nA + best]!
        : t.rewards[r]! - t.center * t.horizonWeight![m]! + t.horizonDiscount![m]! * (1 - t.terminated[r]!) * t.nextTarget[i * nA + best]!;
    if (t.advantageLearning === undefined) {
      y[i] = bellman;
      continue;
    }
    let v = -Infinity;
    for (let j = 0; j < nA; j++) v = Math.max(v, t.nowTarget[i * nA + j]!);
    y[i] = bellman - t.advantageLearning * (v - t.nowTarget[i * nA + t.actions[r]!]!);
  }
}

function updateTarget(g: Group): void {
  if (g.cfg.tau >= 1) return g.target.copyFrom(g.q);
  const tau = g.cfg.tau;
  g.target.params.forEach((t, k) => {
    const online = g.q.params[k]!;
    for (let i = 0; i < t.length; i++) t[i] = tau * online[i]! + (1 - tau) * t[i]!;
  });
  g.target.commit();
}

// ─── Checkpoints ────────────────────────────────────────────────────────────────────────────

function saveGroup(g: Group) {
  return {
    q: g.q.toJSON(),
    target: g.target.toJSON(),
    // Adam's state under its original key (checkpoints of earlier configs byte for byte as before); SGD's under its own.
    ...(g.optimizer instanceof Sgd ? { sgd: g.optimizer.toJSON() } : { adam: g.optimizer.toJSON() }),
    encoder: g.encoder.toJSON(),
    replay: g.replay.toJSON(),
    trainRng: Array.from(g.trainRng.state),
    observeCalls: g.observeCalls,
    lastTargetUpdate: g.lastTargetUpdate,
    updates: g.updates,
    lastStats: g.lastStats,
    // Only with centering, so checkpoints of configs without it stay byte for byte as before.
    ...(g.cfg.rewardCentering !== undefined ? { rewardMean: g.rewardMean } : {}),
  };
}

function loadGroup(g: Group, d: ReturnType<typeof saveGroup>): void {
  g.q.load(d.q);
  g.target.load(d.target);
  const saved = d as { adam?: ReturnType<Adam['toJSON']>; sgd?: SgdState };
  if (g.optimizer instanceof Sgd) {
    if (saved.sgd === undefined)
      throw new TacitError(`checkpoint has Adam's optimizer state, but this DQN uses optimizer 'sgd': resume with the config the run started with`);
    g.optimizer.load(saved.sgd);
  } else {
    if (saved.adam === undefined)
      throw new TacitError(`checkpoint has SGD's optimizer state, but this DQN uses Adam: resume with the config the run started with`);
    g.optimizer.load(saved.adam);
  }
  g.encoder.load(d.encoder);
  g.replay.load(d.replay);
  g.trainRng.state.set(d.trainRng);
  g.observeCalls = d.observeCalls;
  g.lastTargetUpdate = d.lastTargetUpdate;
  g.updates = d.updates;
  g.lastStats = d.lastStats;
  if (g.cfg.rewardCentering !== undefined) g.rewardMean = d.rewardMean ?? Number.NaN;
}

// ─── Registration ───────────────────────────────────────────────────────────────────────────

/** The registered spec. */
export const dqnPolicy = definePolicy({
  ...dqnCard,
  prepare: async () => ({ backend: await initBackend() }),
  create: createDqn,
});

export type { DqnConfig };
