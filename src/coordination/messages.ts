/**
 * The messages wrapper: a cheap-talk channel on any world. Each sender picks, besides its action,
 * one word of a small vocabulary every period (an extra discrete action head, learned by the same
 * learner); every other agent observes each sender's word in the next period (or `delay` periods
 * later). Words are cheap talk: they change nothing in the world, only what others know.
 *
 * | sender's inner action space | wrapped action space | decoding |
 * |---|---|---|
 * | Discrete(n) | Discrete(n·V) | inner action = a mod n, word = ⌊a / n⌋ (so word 0, silence, leaves the index unchanged) |
 * | MultiDiscrete(nvec) | MultiDiscrete(nvec ++ [V]) | the last slot is the word |
 * | Box(k) | Box(k + 1), last slot in [0, V − 1] | the last slot rounded is the word |
 *
 * Observation of agent i: its inner observation followed by one slot per sender other than i (in
 * sender order), each the word that sender's message delivered now (0 = silence). Kept within
 * the inner space's kind: MultiDiscrete(… ++ [V]) or Box(… ++ [0, V − 1]); a Discrete inner
 * observation becomes MultiDiscrete([n, V, …]).
 *
 * Channel, per sender and period, in this order: the word is decoded; when the channel is cut
 * (`cutAt` ≤ the episode period) nothing is sent or charged; a non-silent word costs `cost`
 * (reward component `messageCost`, senders only) and is lost with probability `drop` (one uniform
 * from the wrapper's own stream per non-silent word, only when `drop` > 0); it then enters a
 * delay line of `delay + 1` slots whose head is what receivers see. The wrapper's stream is
 * derived at reset from the episode's seed words, and the inner world gets those seed words
 * unchanged, so a run with a silent channel replays the inner world exactly.
 *
 * Events: `message` when a sender's chosen word differs from its previous one (data: word,
 * delivered, cut), so a run's log shows what was said without one event per period.
 * The stage game's payoffs (`repeatedGame`, for tabular Q's initialisation): the inner payoff of the decoded action, minus
 * `cost` for non-silent words.
 */
import type { ConfigIssue } from '../core/errors.js';
import { deriveSeedWords, nextFloat } from '../core/rng.js';
import { box, discrete, multiDiscrete, type Space } from '../core/spaces.js';
import type { StepOut, World } from '../core/world.js';
import type { WorldEvent } from '../core/world-event.js';
import type { MessagesConfig } from './schema.js';
import { copyInnerOut, copyWrapped, scratchOut, selectAgents, type WrappedState } from './wrapped.js';

/** State of a world with a message channel. */
export interface MessagesState extends WrappedState {
  /** sfc32 words of the channel's stream (drops). */
  readonly rng: Uint32Array;
  /** [periods since reset]. */
  readonly t: Int32Array;
  /** Per sender k: the delay line, line[k·(delay+1) + d] is seen d periods from now (d = 0: now). */
  readonly line: Int32Array;
  /** Per sender k: the word chosen in the last step (−1 before the first). */
  readonly chosen: Int32Array;
  /** Per sender k: 1 when the last step's non-silent word was sent (channel open), 0 otherwise. */
  readonly sent: Uint8Array;
  /** Per sender k: 1 when the last step's non-silent word was lost. */
  readonly dropped: Uint8Array;
}

/** What the run-side accounting needs to know of a message channel. */
export interface MessagesInfo {
  /** Agent index of each sender. */
  readonly senders: readonly number[];
  readonly vocabulary: readonly string[];
  /** Per agent: the first observation slot of the message block, and the sender index (into senders) of each slot. */
  readonly slotStart: readonly number[];
  readonly slotSenders: readonly (readonly number[])[];
  /** Per agent: the inner action of a wrapped action row (decoding), for the dependence tables. */
  innerDiscrete(agent: number, action: number): number;
  /** Per agent: size of the inner observation (the prefix of its wrapped observation). */
  readonly innerObsSize: readonly number[];
}

/** A world with a message channel. */
export type MessagesWorld = World<MessagesState> & { readonly messages: MessagesInfo };

function wordSpace(inner: Space, vocabulary: readonly string[]): Space {
  const V = vocabulary.length;
  if (inner.kind === 'discrete')
    return discrete(
      inner.n * V,
      Array.from({ length: inner.n * V }, (_, a) => `${inner.labels?.[a % inner.n] ?? a % inner.n}+${vocabulary[Math.floor(a / inner.n)]}`),
    );
  if (inner.kind === 'multi-discrete') return multiDiscrete([...inner.nvec, V], inner.names ? [...inner.names, 'word'] : undefined);
  return box([...inner.low, 0], [...inner.high, V - 1], inner.size + 1, inner.names ? [...inner.names, 'word'] : undefined);
}

function observedSpace(inner: Space, from: readonly string[], V: number): Space {
  if (from.length === 0) return inner;
  const names = from.map((id) => `message/${id}`);
  if (inner.kind === 'discrete') return multiDiscrete([inner.n, ...from.map(() => V)], ['state', ...names]);
  if (inner.kind === 'multi-discrete')
    return multiDiscrete([...inner.nvec, ...from.map(() => V)], [...(inner.names ?? inner.nvec.map((_, k) => String(k))), ...names]);
  return box([...inner.low, ...from.map(() => 0)], [...inner.high, ...from.map(() => V - 1)], inner.size + from.length, [
    ...(inner.names ?? Array.from({ length: inner.size }, (_, k) => String(k))),
    ...names,
  ]);
}

/** Wrap `inner` with a message channel; problems with the config are appended to `issues`. */
export function withMessages(inner: World, cfg: MessagesConfig, issues: ConfigIssue[], path = 'coordination.messages'): MessagesWorld {
  const nA = inner.agents.length;
  const V = cfg.vocabulary.length;
  const D = cfg.delay;
  const senders = selectAgents(inner, cfg.senders, `${path}.senders`, issues);
  const senderOf = new Int32Array(nA).fill(-1);
  senders.forEach((a, k) => (senderOf[a] = k));
  const nS = senders.length;
  const slotSenders = inner.agents.map((a) => senders.map((_, k) => k).filter((k) => senders[k] !== a.index));
  const innerObsSize = inner.observationSpaces.map((s) => s.size);
  const slotStart = innerObsSize.slice();
  const observationSpaces = inner.agents.map((_, i) =>
    observedSpace(
      inner.observationSpaces[i]!,
      slotSenders[i]!.map((k) => inner.agents[senders[k]!]!.id),
      V,
    ),
  );
  const actionSpaces = inner.agents.map((_, i) => (senderOf[i]! >= 0 ? wordSpace(inner.actionSpaces[i]!, cfg.vocabulary) : inner.actionSpaces[i]!));
  const rewardComponents = inner.rewardComponents.map((c, i) => (senderOf[i]! >= 0 ? [...c, 'messageCost'] : [...c]));
  const innerActs = inner.actionSpaces.map((s) => new Float64Array(s.size));
  const words = new Int32Array(nS);
  const tmp = scratchOut(inner);
  const cut = cfg.cutAt ?? Infinity;
  const lineLen = D + 1;

  /** Split sender i's wrapped action into its inner action (into innerActs[i]) and its word. */
  const decode = (i: number, a: Float64Array): number => {
    const space = inner.actionSpaces[i]!;
    const dst = innerActs[i]!;
    if (senderOf[i]! < 0) {
      dst.set(a);
      return 0;
    }
    if (space.kind === 'discrete') {
      const v = a[0]!;
      dst[0] = v % space.n;
      return Math.floor(v / space.n);
    }
    for (let k = 0; k < space.size; k++) dst[k] = a[k]!;
    const w = Math.round(a[space.size]!);
    return w < 0 ? 0 : w >= V ? V - 1 : w;
  };
  const writeObs = (s: MessagesState, out: StepOut): void => {
    for (let i = 0; i < nA; i++) {
      const o = out.obs[i]!;
      const ks = slotSenders[i]!;
      for (let x = 0; x < ks.length; x++) o[slotStart[i]! + x] = s.line[ks[x]! * lineLen]!;
    }
  };
  const innerOf = (a: number, action: number): number => {
    const space = inner.actionSpaces[a]!;
    return senderOf[a]! >= 0 && space.kind === 'discrete' ? action % space.n : action;
  };

  const innerDecisions = inner.decisions;
  const innerGame = inner.repeatedGame;
  const world: MessagesWorld = {
    id: inner.id,
    params: inner.params,
    agents: inner.agents,
    observationSpaces,
    actionSpaces,
    rewardComponents,
    kpis: inner.kpis,
    features: inner.features,
    episodeLength: inner.episodeLength,
    ...(inner.teamObjective ? { teamObjective: inner.teamObjective } : {}),
    // Decisions are the inner world's: message slots read in their own units (scale 1), and
    // silence is word 0, so a Discrete action's index is unchanged; other kinds get a 0 word slot.
    // No batched encodeActions (it would write inner-sized rows) and no action values (a sender's
    // actions stand for an inner action and a word).
    ...(innerDecisions
      ? {
          decisions: {
            names: innerDecisions.names,
            observationScales: innerDecisions.observationScales.map((sc, i) => Float64Array.from([...sc, ...slotSenders[i]!.map(() => 1)])),
            encodeAction(agent: number, decision: Float64Array, out: Float64Array, offset: number) {
              innerDecisions.encodeAction(agent, decision, out, offset);
              const space = inner.actionSpaces[agent]!;
              if (senderOf[agent]! >= 0 && space.kind !== 'discrete') out[offset + space.size] = 0;
            },
          },
        }
      : {}),
    messages: { senders, vocabulary: cfg.vocabulary, slotStart, slotSenders, innerDiscrete: innerOf, innerObsSize },
    createState: () => ({
      inner: inner.createState(),
      rng: new Uint32Array(4),
      t: new Int32Array(1),
      line: new Int32Array(nS * lineLen),
      chosen: new Int32Array(nS),
      sent: new Uint8Array(nS),
      dropped: new Uint8Array(nS),
    }),
    reset(s, seed, out) {
      inner.reset(s.inner, seed, tmp);
      copyInnerOut(inner, tmp, out);
      s.rng.set(deriveSeedWords(Array.from(seed).join('.'), 'coordination', 'messages'));
      s.t[0] = 0;
      s.line.fill(0);
      s.chosen.fill(-1);
      s.sent.fill(0);
      s.dropped.fill(0);
      writeObs(s, out);
    },
    step(s, actions, next, out) {
      for (let i = 0; i < nA; i++) {
        const w = decode(i, actions[i]!);
        if (senderOf[i]! >= 0) words[senderOf[i]!] = w;
      }
      inner.step(s.inner, innerActs, next.inner, tmp);
      copyInnerOut(inner, tmp, out);
      next.rng.set(s.rng);
      const open = s.t[0]! < cut;
      for (let k = 0; k < nS; k++) {
        const i = senders[k]!;
        const w = words[k]!;
        let delivered = open ? w : 0;
        const talks = open && w !== 0;
        const lost = talks && cfg.drop > 0 && nextFloat(next.rng) < cfg.drop;
        if (lost) delivered = 0;
        const base = k * lineLen;
        for (let d = 0; d < D; d++) next.line[base + d] = s.line[base + d + 1]!;
        next.line[base + D] = delivered;
        next.sent[k] = talks ? 1 : 0;
        next.dropped[k] = lost ? 1 : 0;
        next.chosen[k] = w;
        const r = out.rewards[i]!;
        r[r.length - 1] = talks ? -cfg.cost : 0;
        if (w !== s.chosen[k]) out.events.push(messageEvent(inner.agents[i]!.id, cfg.vocabulary[w]!, !lost && open, !open));
      }
      next.t[0] = s.t[0]! + 1;
      writeObs(next, out);
    },
    copyState: (src, dst) => copyWrapped(inner, src, dst),
    readFeatures: (s, out) => inner.readFeatures(s.inner, out),
    defaultAction(agent, s, out) {
      inner.defaultAction(agent, s.inner, out);
      const space = inner.actionSpaces[agent]!;
      if (senderOf[agent]! >= 0 && space.kind !== 'discrete') out[space.size] = 0;
    },
    isAlive: (s, agent) => inner.isAlive(s.inner, agent),
    ...(innerGame
      ? {
          repeatedGame: {
            payoffVsUniformRivals(agent: number) {
              const base = innerGame.payoffVsUniformRivals(agent);
              if (senderOf[agent]! < 0) return base;
              return Float64Array.from({ length: base.length * V }, (_, a) => base[a % base.length]! - (a >= base.length ? cfg.cost : 0));
            },
          },
        }
      : {}),
  };
  return world;
}

function messageEvent(from: string, word: string, delivered: boolean, cut: boolean): WorldEvent {
  return { type: 'message', agents: [from], data: { word, delivered, cut } };
}
