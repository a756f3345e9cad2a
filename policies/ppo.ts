/**
 * ppo: proximal policy optimisation (Schulman et al. 2017) as an actor-critic with GAE, the
 * clipped surrogate objective, a (clipped) value loss and an entropy bonus, following CleanRL's
 * ppo.py step for step. Multi-agent variants are config flags:
 *  - `critic: 'local'`  → IPPO: each agent's critic sees its own observation;
 *  - `critic: 'central'` → MAPPO: the critic sees the joint observation of every agent (the
 *    batch's `allObs`), the actor still only its own;
 *  - `shareParameters` → all agents of a role share one actor, critic, optimizer and rollout (the
 *    group lives in `ctx.shared`), optionally with a one-hot agent id appended to the inputs.
 *
 * Acting is batched: one forward pass per agent per step covers all `numEnvs` world copies.
 * Values and old log-probabilities are computed at update time in one pass over the whole
 * rollout (the networks do not change while collecting), so `act` keeps no per-step state except
 * the raw Gaussian samples of box actions.
 *
 * Order: config · group (networks, storage) · act · observe · update (GAE, epochs of minibatches)
 * · checkpoints · registration.
 */
import { TacitError } from '../src/core/errors.js';
import { definePolicy, type ActMode, type Policy, type PolicyContext, type TransitionBatch } from '../src/core/policy.js';
import { Rng } from '../src/core/rng.js';
import type { Space } from '../src/core/spaces.js';
import { makeActionHead, type ActionHead } from '../src/learn/action-head.js';
import { Adam, clipScale, flatLayout, globalNorm } from '../src/learn/adam.js';
import { initBackend, requireBackend } from '../src/learn/backend.js';
import { assertFinite, DIVERGENCE_HINT, DivergenceError } from '../src/learn/divergence.js';
import { InputEncoder } from '../src/learn/encode.js';
import { computeGae } from '../src/learn/gae.js';
import { PPO_STATS, ppoLoss, type PpoLossCoefs } from '../src/learn/ppo-loss.js';
import { createNet, type Net } from '../src/learn/net.js';
import { RewardScaler } from '../src/learn/normalize.js';
import { allocRollout, restoreRollout, saveRollout, type Rollout, type SavedRollout } from '../src/learn/rollout.js';
import { ppoCard, type PpoConfig } from './ppo-card.js';
import { createActionMap } from './supply-action-map.js';
import { decodeF32, encodeF32, encodeF64, decodeF64, type EncodedF32, type EncodedF64 } from '../src/learn/serialize.js';

// ─── Config: policies/ppo-card.ts (PpoConfig, its schema and defaults) ────────────────────────

// ─── Group: networks, optimizer and rollout of one agent or one parameter-sharing role ─────

interface Member {
  readonly agentId: string;
  readonly agentIndex: number;
  /** Position within the role (one-hot id) and within the group's storage. */
  readonly roleSlot: number;
  storageSlot: number;
  /** Steps stored in the current rollout. */
  t: number;
  readonly actRng: Rng;
  readonly rewardScaler: RewardScaler;
  /** Rewards with the rows where the agent did not act zeroed: those rows must not move the return statistics. */
  readonly liveRewards: Float64Array;
  /** Raw samples of the last `act` (box actions are stored raw, before clipping and scaling). */
  readonly raw: Float32Array;
  readonly actIn: Float32Array;
  /** Network output of the last `act`. */
  readonly actOut: Float32Array;
  /** With `actionMap`: the learner's indices of the last `act` (the map turns them into world actions). */
  readonly learnerActions: Float64Array;
}

interface Group {
  readonly cfg: PpoConfig;
  readonly paramsKey: string;
  readonly actor: Net;
  readonly critic: Net;
  readonly head: ActionHead;
  readonly adam: Adam;
  readonly actorEncoder: InputEncoder;
  /** Undefined for a local critic, which reads the actor's input. */
  readonly jointEncoder: InputEncoder | undefined;
  readonly updateRng: Rng;
  readonly members: Member[];
  storage: Rollout | undefined;
  /** Rollout contents from a checkpoint, applied when storage is allocated (all members known). */
  pendingStorage: SavedRollout | null;
  updates: number;
  lastStats: Record<string, number>;
  /** The update's working arrays, allocated at the first update. */
  scratch: Scratch | undefined;
}

function createGroup(ctx: PolicyContext, cfg: PpoConfig, roleSize: number, actionSpace: Space): Group {
  const idSize = cfg.shareParameters && cfg.appendAgentId ? roleSize : 0;
  const encOpts = { normalize: cfg.normalizeObservations, idSize, discrete: cfg.observationEncoding };
  const actorEncoder = new InputEncoder([ctx.observationSpace], encOpts);
  const jointEncoder = cfg.critic === 'central' ? new InputEncoder(ctx.world.observationSpaces, encOpts) : undefined;
  const head = makeActionHead(actionSpace, cfg.initLogStd);
  const init = ctx.rng.split('init');
  const net = { hidden: cfg.hidden, activation: cfg.activation };
  const actor = createNet({ ...net, inputSize: actorEncoder.inputSize, outputSize: head.outputSize, outputGain: 0.01 }, init);
  const critic = createNet({ ...net, inputSize: (jointEncoder ?? actorEncoder).inputSize, outputSize: 1, outputGain: 1 }, init);
  const adam = new Adam([...actor.layout, ...head.params.map((p) => flatLayout(p.length)), ...critic.layout], {
    learningRate: cfg.learningRate,
    epsilon: cfg.adamEpsilon,
  });
  const paramsKey = JSON.stringify(cfg);
  return {
    cfg,
    paramsKey,
    actor,
    critic,
    head,
    adam,
    actorEncoder,
    jointEncoder,
    updateRng: ctx.rng.split('update'),
    members: [],
    storage: undefined,
    pendingStorage: null,
    updates: 0,
    lastStats: {},
    scratch: undefined,
  };
}

/** Rollout buffers, member-major then time-major: row (slot * T + t) * numEnvs + b. */
function allocStorage(g: Group, numEnvs: number): Rollout {
  const jointCritic = g.jointEncoder !== undefined;
  const s = allocRollout({
    rows: g.members.length * g.cfg.rolloutLength * numEnvs,
    actorInSize: g.actorEncoder.inputSize,
    criticInSize: (g.jointEncoder ?? g.actorEncoder).inputSize,
    rawSize: g.head.rawSize,
    jointCritic,
  });
  if (g.pendingStorage) restoreRollout(s, g.pendingStorage, jointCritic);
  g.pendingStorage = null;
  return s;
}

/** Working arrays of `update`, sized by the rollout rows R and the largest minibatch. */
type Scratch = ReturnType<typeof allocScratch>;

function allocScratch(R: number, mbSize: number, aIn: number, cIn: number, rawSize: number, outSize: number, headParams: readonly Float32Array[]) {
  const f = (k: number): Float32Array => new Float32Array(mbSize * k);
  return {
    nextValues: new Float32Array(R),
    rolloutOut: new Float32Array(R * outSize),
    rolloutEntropy: new Float32Array(R),
    perm: new Int32Array(R),
    actorIn: f(aIn),
    criticIn: f(cIn),
    raw: f(rawSize),
    oldLogProb: f(1),
    adv: f(1),
    ret: f(1),
    oldV: f(1),
    logProb: f(1),
    entropy: f(1),
    dLogProb: f(1),
    dEntropy: f(1),
    dValue: f(1),
    dOut: f(outSize),
    headGrads: headParams.map((p) => new Float32Array(p.length)),
    parts: new Float32Array(PPO_STATS.length + 1),
  };
}

// ─── The policy: act, observe ───────────────────────────────────────────────────────────────

function createPpo(ctx: PolicyContext, cfg: PpoConfig): Policy {
  requireBackend();
  const role = ctx.world.agents.filter((a) => a.role === ctx.agent.role);
  const key = `ppo/${cfg.shareParameters ? `role:${ctx.agent.role}` : `agent:${ctx.agent.id}`}`;
  // The learner acts in the map's space (same for every agent of a role: same decisions) or the world's.
  const map = cfg.actionMap ? createActionMap(ctx, cfg.actionMap) : undefined;
  let g = ctx.shared.get(key) as Group | undefined;
  if (g === undefined) ctx.shared.set(key, (g = createGroup(ctx, cfg, role.length, map?.space ?? ctx.actionSpace)));
  else if (g.paramsKey !== JSON.stringify(cfg))
    throw new TacitError(
      `agent '${ctx.agent.id}' shares PPO parameters with role '${ctx.agent.role}' but its policy params differ from ${g.members[0]?.agentId ?? 'the first agent'}'s: give every agent of the role the same params, or set shareParameters: false`,
    );
  if (g.storage) throw new TacitError(`agent '${ctx.agent.id}' joined PPO group '${key}' after training started`);
  const group = g;
  const N = ctx.numEnvs;
  const me: Member = {
    agentId: ctx.agent.id,
    agentIndex: ctx.agent.index,
    roleSlot: role.findIndex((a) => a.id === ctx.agent.id),
    storageSlot: group.members.length,
    t: 0,
    actRng: ctx.rng.split('act'),
    rewardScaler: new RewardScaler(N, cfg.gamma),
    liveRewards: new Float64Array(N),
    raw: new Float32Array(N * group.head.rawSize),
    actIn: new Float32Array(N * group.actorEncoder.inputSize),
    actOut: new Float32Array(N * group.head.outputSize),
    learnerActions: new Float64Array(map ? N * map.space.size : 0),
  };
  group.members.push(me);
  // Discrete world actions are the learner's own samples; mapped and box actions are stored raw.
  const discreteActions = ctx.actionSpace.kind !== 'box' && map === undefined;
  const obsSrc: Float32Array[] = [new Float32Array(0)];

  function act(obs: Float32Array, actions: Float64Array, mode: ActMode): void {
    const inSize = group.actorEncoder.inputSize;
    obsSrc[0] = obs;
    for (let b = 0; b < N; b++) group.actorEncoder.encode(obsSrc, b, me.actIn, b * inSize, me.roleSlot);
    group.actor.predict(me.actIn, N, me.actOut);
    if (map === undefined) group.head.sample(me.actOut, N, me.actRng.state, mode === 'greedy', me.raw, actions);
    else {
      group.head.sample(me.actOut, N, me.actRng.state, mode === 'greedy', me.raw, me.learnerActions);
      map.apply(obs, me.learnerActions, N, actions);
    }
  }

  function observe(batch: TransitionBatch): void {
    assertFinite(batch.rewards, rewardName, me.agentId, batch.step);
    const s = (group.storage ??= allocStorage(group, N));
    const T = cfg.rolloutLength;
    const row0 = (me.storageSlot * T + me.t) * N;
    const aIn = group.actorEncoder.inputSize;
    const acted = batch.acted;
    for (let b = 0; b < N; b++) {
      const r = row0 + b;
      // A row where the agent did not act is kept for the row layout but masked out of the update;
      // marked done so no advantage chains through it (the row before it is the agent's terminal one).
      const live = acted === undefined || acted[b] === 1;
      const ended = !live || batch.terminated[b] === 1 || batch.truncated[b] === 1;
      s.mask[r] = live ? 1 : 0;
      s.terminated[r] = live ? batch.terminated[b]! : 1;
      s.dones[r] = ended ? 1 : 0;
      obsSrc[0] = batch.obs;
      group.actorEncoder.encode(obsSrc, b, s.actorIn, r * aIn, me.roleSlot);
      // The critic bootstraps from the final observation where the episode ended (truncation).
      if (group.jointEncoder) {
        const cIn = group.jointEncoder.inputSize;
        group.jointEncoder.encode(batch.allObs, b, s.criticIn, r * cIn, me.roleSlot);
        group.jointEncoder.encode(ended ? batch.allFinalObs : batch.allNextObs, b, s.nextCriticIn, r * cIn, me.roleSlot);
      } else {
        obsSrc[0] = ended ? batch.finalObs : batch.nextObs;
        group.actorEncoder.encode(obsSrc, b, s.nextCriticIn, r * aIn, me.roleSlot);
      }
    }
    const rawSize = group.head.rawSize;
    if (discreteActions) for (let k = 0; k < N * rawSize; k++) s.raw[row0 * rawSize + k] = batch.actions[k]!;
    else s.raw.set(me.raw, row0 * rawSize);
    let rewards: Float64Array = batch.rewards;
    if (acted !== undefined) {
      for (let b = 0; b < N; b++) me.liveRewards[b] = acted[b] === 1 ? batch.rewards[b]! : 0;
      rewards = me.liveRewards;
    }
    if (cfg.normalizeRewards) me.rewardScaler.scale(rewards, s.dones.subarray(row0, row0 + N), s.rewards, row0);
    else for (let b = 0; b < N; b++) s.rewards[row0 + b] = rewards[b]!;
    obsSrc[0] = batch.nextObs;
    group.actorEncoder.update(obsSrc, N);
    if (group.jointEncoder && me.storageSlot === 0) group.jointEncoder.update(batch.allNextObs, N);
    me.t++;
    if (group.members.every((m) => m.t === T)) {
      if (cfg.annealSteps > 0) group.adam.learningRate = cfg.learningRate * Math.max(0, 1 - batch.step / cfg.annealSteps);
      update(group, s, N, me.agentId, batch.step);
      for (const m of group.members) m.t = 0;
    }
  }

  return {
    act,
    observe,
    save: () => ({ format: 'tacit-ppo/1', agent: me.agentId, group: saveGroup(group), member: saveMember(me) }),
    load(data) {
      const d = data as Checkpoint;
      if (d?.format !== 'tacit-ppo/1')
        throw new TacitError(`checkpoint for agent '${me.agentId}' is not a PPO checkpoint (format ${JSON.stringify(d?.format)})`);
      loadGroup(group, d.group);
      loadMember(me, d.member);
    },
    // discount: the γ it plans with; the market's deviation probes value a deviation with it (envs/market/analyze.ts).
    stats: () => ({ discount: cfg.gamma, updates: group.updates, learningRate: group.adam.learningRate, ...group.lastStats }),
    dispose() {
      const i = group.members.indexOf(me);
      if (i >= 0) group.members.splice(i, 1);
      if (group.members.length > 0) return;
      group.actor.dispose();
      group.critic.dispose();
      ctx.shared.delete(key);
    },
  };
}

// ─── Update: values, GAE, epochs of clipped-surrogate minibatch steps ──────────────────────

function update(g: Group, s: Rollout, numEnvs: number, agentId: string, step: number): void {
  const cfg = g.cfg;
  const T = cfg.rolloutLength;
  const R = s.rows;
  const aIn = g.actorEncoder.inputSize;
  const cIn = (g.jointEncoder ?? g.actorEncoder).inputSize;
  const rawSize = g.head.rawSize;
  const outSize = g.head.outputSize;
  const L0 = Math.max(1, Math.ceil(R / cfg.numMinibatches));
  const coefs = lossCoefs(cfg, step);
  const mb = (g.scratch ??= allocScratch(R, L0, aIn, cIn, rawSize, outSize, g.head.params));
  const nextValues = mb.nextValues;

  // Values, bootstrap values and old log-probabilities of the whole rollout in one pass each.
  g.critic.predict(s.criticIn, R, s.values);
  g.critic.predict(s.nextCriticIn, R, nextValues);
  g.actor.predict(s.actorIn, R, mb.rolloutOut);
  g.head.logProbEntropy(mb.rolloutOut, s.raw, R, s.oldLogProb, mb.rolloutEntropy);

  const perMember = T * numEnvs;
  for (let m = 0; m < g.members.length; m++) {
    const v = (a: Float32Array): Float32Array => a.subarray(m * perMember, (m + 1) * perMember);
    computeGae(
      {
        numSteps: T,
        numEnvs,
        rewards: v(s.rewards),
        values: v(s.values),
        nextValues: v(nextValues),
        terminated: v(s.terminated),
        dones: v(s.dones),
        gamma: cfg.gamma,
        lambda: cfg.gaeLambda,
      },
      v(s.advantages),
      v(s.returns),
    );
  }

  // Minibatches are drawn from the rows where the agent acted (all of them unless agents finish
  // before their episode does); with every row live this is exactly the usual shuffle of 0 .. R−1.
  const perm = mb.perm;
  let L = 0;
  for (let k = 0; k < R; k++) if (s.mask[k] !== 0) perm[L++] = k;
  const mbSize = Math.max(1, Math.ceil(L / cfg.numMinibatches));
  const headGrads = mb.headGrads;
  const names = [...PPO_STATS, 'gradNorm'];
  const parts = mb.parts;

  for (let epoch = 0; epoch < cfg.updateEpochs; epoch++) {
    for (let k = L - 1; k > 0; k--) {
      const j = g.updateRng.int(k + 1);
      const tmp = perm[k]!;
      perm[k] = perm[j]!;
      perm[j] = tmp;
    }
    for (let start = 0; start < L; start += mbSize) {
      const n = Math.min(mbSize, L - start);
      let mean = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const r = perm[start + i]!;
        // Element loops rather than set(subarray): no view allocated per row.
        for (let j = 0; j < aIn; j++) mb.actorIn[i * aIn + j] = s.actorIn[r * aIn + j]!;
        if (g.jointEncoder) for (let j = 0; j < cIn; j++) mb.criticIn[i * cIn + j] = s.criticIn[r * cIn + j]!;
        for (let j = 0; j < rawSize; j++) mb.raw[i * rawSize + j] = s.raw[r * rawSize + j]!;
        mb.oldLogProb[i] = s.oldLogProb[r]!;
        mb.adv[i] = s.advantages[r]!;
        mb.ret[i] = s.returns[r]!;
        mb.oldV[i] = s.values[r]!;
        mean += s.advantages[r]!;
        sq += s.advantages[r]! * s.advantages[r]!;
      }
      if (cfg.normalizeAdvantages && n > 1) {
        mean /= n;
        // torch.std is the unbiased estimator; CleanRL divides by (std + 1e-8).
        const std = Math.sqrt(Math.max(0, (sq - n * mean * mean) / (n - 1)));
        for (let i = 0; i < n; i++) mb.adv[i] = (mb.adv[i]! - mean) / (std + 1e-8);
      }
      // Forward through actor and critic; the loss and its derivatives with respect to the network
      // outputs are computed in JavaScript (src/learn/ppo-loss.ts), then backpropagated through
      // each network.
      const outData = g.actor.forward(mb.actorIn, n);
      const values = g.critic.forward(g.jointEncoder ? mb.criticIn : mb.actorIn, n);
      g.head.logProbEntropy(outData, mb.raw, n, mb.logProb, mb.entropy);
      ppoLoss(
        { n, logProb: mb.logProb, entropy: mb.entropy, oldLogProb: mb.oldLogProb, advantages: mb.adv, values, oldValues: mb.oldV, returns: mb.ret },
        coefs,
        mb.dLogProb,
        mb.dEntropy,
        mb.dValue,
        parts,
      );
      for (const d of headGrads) d.fill(0);
      g.head.backward(outData, mb.raw, n, mb.dLogProb, mb.dEntropy, mb.dOut, headGrads);
      g.actor.backward(mb.dOut);
      g.critic.backward(mb.dValue);
      // Adam's parameter order: actor, head, critic (read after the passes: a network's arrays move when its memory grows).
      const params = [...g.actor.params, ...g.head.params, ...g.critic.params];
      const grads = [...g.actor.grads, ...headGrads, ...g.critic.grads];
      parts[5] = globalNorm(grads);
      // Checked before the step so a NaN never reaches the weights.
      assertFinite(parts, names, agentId, step);
      if (!g.adam.apply(params, grads, clipScale(parts[5]!, cfg.maxGradNorm)))
        throw new DivergenceError(agentId, step, 'a weight after the optimizer step', 'not finite', DIVERGENCE_HINT);
      g.actor.commit();
      g.critic.commit();
    }
  }
  g.updates++;
  g.lastStats = Object.fromEntries(names.map((name, k) => [name, parts[k]!]));
  if (cfg.entropyAnnealSteps !== undefined) g.lastStats['entropyCoef'] = coefs.entropyCoef;
}

/** The loss coefficients at engine step `step`: the config's, with the entropy schedule applied when one is set. */
export function lossCoefs(cfg: PpoConfig, step: number): PpoLossCoefs {
  if (cfg.entropyAnnealSteps === undefined) return cfg;
  const done = Math.min(1, step / cfg.entropyAnnealSteps);
  return { ...cfg, entropyCoef: cfg.entropyCoef + done * ((cfg.entropyCoefFinal ?? 0) - cfg.entropyCoef) };
}

// ─── Checkpoints: weights, optimizer, normalisers, streams, partial rollout ─────────────────

function saveGroup(g: Group): SavedGroup {
  const s = g.storage;
  const enc = (a: Float32Array): EncodedF32 => encodeF32(a);
  return {
    actor: g.actor.toJSON(),
    critic: g.critic.toJSON(),
    head: g.head.params.map(enc),
    adam: g.adam.toJSON(),
    actorEncoder: g.actorEncoder.toJSON(),
    jointEncoder: g.jointEncoder?.toJSON() ?? null,
    updateRng: Array.from(g.updateRng.state),
    updates: g.updates,
    lastStats: g.lastStats,
    storage: s ? saveRollout(s, g.jointEncoder !== undefined) : g.pendingStorage,
  };
}

function loadGroup(g: Group, d: SavedGroup): void {
  g.actor.load(d.actor);
  g.critic.load(d.critic);
  g.head.params.forEach((p, k) => p.set(decodeF32(d.head[k]!)));
  g.adam.load(d.adam);
  g.actorEncoder.load(d.actorEncoder);
  if (g.jointEncoder && d.jointEncoder) g.jointEncoder.load(d.jointEncoder);
  g.updateRng.state.set(d.updateRng);
  g.updates = d.updates;
  g.lastStats = d.lastStats;
  // Applied when the rollout storage is allocated: every member of a sharing group must exist first.
  g.storage = undefined;
  g.pendingStorage = d.storage;
}

function saveMember(m: Member) {
  const r = m.rewardScaler;
  return { t: m.t, actRng: Array.from(m.actRng.state), raw: encodeF32(m.raw), returns: encodeF64(r.returns), returnStats: r.rms.toJSON() };
}

function loadMember(
  m: Member,
  d: { t: number; actRng: number[]; raw: EncodedF32; returns: EncodedF64; returnStats: ReturnType<RewardScaler['rms']['toJSON']> },
): void {
  m.t = d.t;
  m.actRng.state.set(d.actRng);
  m.rewardScaler.rms.load(d.returnStats);
  // Per-copy state only fits the same number of copies; an evaluation with fewer copies (tacit eval
  // of 8 episodes after training on 16) acts greedily and never needs it.
  const raw = decodeF32(d.raw);
  const returns = decodeF64(d.returns);
  if (raw.length === m.raw.length) m.raw.set(raw);
  if (returns.length === m.rewardScaler.returns.length) m.rewardScaler.returns.set(returns);
}

/** A group's saved state. */
interface SavedGroup {
  readonly actor: EncodedF32[];
  readonly critic: EncodedF32[];
  readonly head: EncodedF32[];
  readonly adam: ReturnType<Adam['toJSON']>;
  readonly actorEncoder: unknown[];
  readonly jointEncoder: unknown[] | null;
  readonly updateRng: number[];
  readonly updates: number;
  readonly lastStats: Record<string, number>;
  readonly storage: SavedRollout | null;
}

/** What `save` returns. */
interface Checkpoint {
  readonly format: string;
  readonly agent: string;
  readonly group: SavedGroup;
  readonly member: ReturnType<typeof saveMember>;
}

const rewardName = (b: number): string => `reward (copy ${b})`;

// ─── Registration ───────────────────────────────────────────────────────────────────────────

/** The registered spec. */
export const ppoPolicy = definePolicy({
  ...ppoCard,
  prepare: async () => ({ backend: await initBackend() }),
  create: createPpo,
});

export type { PpoConfig };
