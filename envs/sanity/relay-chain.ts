/**
 * relay-chain-v1: n agents pass items along. Each agent holds at most one item and each step either
 * forwards it or holds. In a `chain`, relay0 takes new items from a source and relay k receives
 * what relay k−1 forwarded the step before; in `parallel`, every relay has its own source, so no
 * agent's success depends on another's. The sanity world of the fault layer (src/faults): a relay
 * that fails to forward starves everyone downstream, a visible cascade of known shape.
 *
 * | agents | role | action | observation |
 * |---|---|---|---|
 * | `relay0` … `relay{n−1}` | `relay` | Discrete(2): 0 hold, 1 forward | Box(3) below |
 *
 * | slot | name | meaning |
 * |---|---|---|
 * | 0 | `inbox` | 1 when the relay holds an item, else 0 |
 * | 1 | `clock` | steps since the episode started (0 … episodeLength) |
 * | 2 | `position` | k / (n − 1): where the relay sits in the chain (0 when n = 1) |
 *
 * A step: every relay that holds an item and forwards passes it on (`forwarded` = 1); forwarding
 * with an empty inbox costs `wastePenalty`; a held item is kept (`onHold: keep`) or discarded
 * (`onHold: discard`, −1 in `lost`). Then inboxes refill: relay0 (every relay, in parallel) from
 * its source with probability `arrivalRate`, relay k from relay k−1's forward; an item arriving at
 * a relay that still holds one is lost (−1 in that relay's `lost`). Items forwarded by the last
 * relay (every relay, in parallel) leave the world: `delivered`.
 *
 * | reward component | meaning |
 * |---|---|
 * | `forwarded` | 1 when the relay passed an item on this step |
 * | `wasted` | −wastePenalty when it chose forward with an empty inbox |
 * | `lost` | −1 per item lost at the relay (discarded on hold, or arriving while full) |
 *
 * KPIs: `delivered` (items leaving the world per step, mean), `allForwarded` (1 when every relay
 * forwarded, mean), `lostItems` (items lost, sum). Episodes start with every inbox filled with
 * probability `arrivalRate` (full at the default 1: the steady state, so a fault-free chain of
 * forward-when-holding relays forwards at every step). Truncation after `episodeLength`; no
 * termination. Features: `itemsHeld`. defaultAction: hold.
 *
 * Known results: relays that forward whenever they hold an item (`threshold` on `inbox`) succeed
 * at every step when arrivalRate = 1. With independent per-step dropouts of probability qₖ (noop
 * fallback = hold), a parallel relay succeeds with probability 1 − qₖ, and all succeed with Π(1 − qₖ).
 * In a chain with `onHold: discard` an item is delivered with probability Π(1 − qₖ), the issue's
 * "five agents at 95 % complete 77 %".
 *
 * Params: numAgents 5 (1–32), topology chain, onHold discard, arrivalRate 1, wastePenalty 0.1,
 * episodeLength 100.
 *
 * Versions: v1, first version.
 */
import { z } from 'zod';
import { nextFloat } from '../../src/core/rng.js';
import { box, discrete } from '../../src/core/spaces.js';
import { copyFlatState, markTimeLimit, defineWorld, type StepOut, type World } from '../../src/core/world.js';
import { lazySchema } from '../../src/core/lazy-schema.js';

const paramsSchema = lazySchema(() =>
  z
    .object({
      numAgents: z.number().int().min(1).max(32).default(5).describe('Number of relays'),
      topology: z
        .enum(['chain', 'parallel'])
        .default('chain')
        .describe("'chain': relay k feeds relay k+1; 'parallel': every relay has its own source and sink"),
      onHold: z.enum(['keep', 'discard']).default('discard').describe('What happens to an item a relay does not forward: kept for later, or discarded (lost)'),
      arrivalRate: z.number().min(0).max(1).default(1).describe('Probability that a source offers a new item each step'),
      wastePenalty: z.number().nonnegative().default(0.1).describe('Cost of choosing forward with an empty inbox'),
      episodeLength: z.number().int().positive().default(100).describe('Steps per episode before truncation'),
    })
    .strict(),
);

type Params = z.infer<ReturnType<typeof paramsSchema>>;

interface RelayState {
  /** sfc32 words of the world's random stream (arrivals). */
  rng: Uint32Array;
  /** [step within episode]. */
  t: Int32Array;
  /** Per relay: 1 when it holds an item. Shape [n]. */
  inbox: Uint8Array;
}

function create(params: Params): World<RelayState> {
  const n = params.numAgents;
  const chain = params.topology === 'chain';
  const discard = params.onHold === 'discard';
  const rate = params.arrivalRate;
  const agents = Array.from({ length: n }, (_, k) => ({ id: `relay${k}`, role: 'relay', index: k }));
  const obsSpace = box([0, 0, 0], [1, params.episodeLength, 1], 3, ['inbox', 'clock', 'position']);
  const actSpace = discrete(2, ['hold', 'forward']);
  const sent = new Uint8Array(n); // scratch, fully rewritten each step
  const arrive = (rng: Uint32Array): number => (rate >= 1 ? 1 : nextFloat(rng) < rate ? 1 : 0);
  const writeObs = (s: RelayState, out: StepOut): void => {
    for (let k = 0; k < n; k++) {
      const o = out.obs[k]!;
      o[0] = s.inbox[k]!;
      o[1] = s.t[0]!;
      o[2] = n > 1 ? k / (n - 1) : 0;
    }
  };
  return {
    id: 'relay-chain-v1',
    params,
    agents,
    observationSpaces: agents.map(() => obsSpace),
    actionSpaces: agents.map(() => actSpace),
    rewardComponents: agents.map(() => ['forwarded', 'wasted', 'lost']),
    kpis: [
      { name: 'delivered', description: 'items leaving the world per step', better: 'higher', aggregate: 'mean' },
      { name: 'allForwarded', description: '1 when every relay forwarded an item this step', better: 'higher', aggregate: 'mean' },
      { name: 'lostItems', description: 'items lost (discarded on hold or arriving at a full relay)', better: 'lower', aggregate: 'sum' },
    ],
    features: ['itemsHeld'],
    episodeLength: params.episodeLength,
    createState: () => ({ rng: new Uint32Array(4), t: new Int32Array(1), inbox: new Uint8Array(n) }),
    reset(s, seed, out) {
      s.rng.set(seed);
      s.t[0] = 0;
      for (let k = 0; k < n; k++) s.inbox[k] = arrive(s.rng);
      writeObs(s, out);
    },
    step(s, actions, next, out) {
      next.rng.set(s.rng);
      let all = 1;
      let lostItems = 0;
      let delivered = 0;
      for (let k = 0; k < n; k++) {
        const has = s.inbox[k]!;
        const fwd = actions[k]![0] === 1 ? 1 : 0;
        const r = out.rewards[k]!;
        sent[k] = has & fwd;
        r[0] = sent[k]!;
        r[1] = fwd === 1 && has === 0 ? -params.wastePenalty : 0;
        const dropped = has === 1 && fwd === 0 && discard ? 1 : 0;
        r[2] = -dropped;
        lostItems += dropped;
        next.inbox[k] = has === 1 && fwd === 0 && !discard ? 1 : 0;
        if (sent[k] === 0) all = 0;
      }
      for (let k = 0; k < n; k++) {
        const incoming = chain && k > 0 ? sent[k - 1]! : arrive(next.rng);
        if (chain ? k === n - 1 : true) delivered += sent[k]!;
        if (incoming === 0) continue;
        if (next.inbox[k] === 1) {
          out.rewards[k]![2]! -= 1;
          lostItems++;
        } else next.inbox[k] = 1;
      }
      out.kpis[0] = delivered;
      out.kpis[1] = all;
      out.kpis[2] = lostItems;
      next.t[0] = s.t[0]! + 1;
      markTimeLimit(out, n, next.t[0]!, params.episodeLength);
      writeObs(next, out);
    },
    copyState: copyFlatState,
    readFeatures(s, out) {
      let held = 0;
      for (let k = 0; k < n; k++) held += s.inbox[k]!;
      out[0] = held;
    },
    defaultAction(_agent, _s, out) {
      out[0] = 0;
    },
    isAlive: () => true,
  };
}

/** The registered spec. */
export const relayChain = defineWorld({
  id: 'relay-chain-v1',
  summary: 'n relays pass items along a chain (or side by side); an upstream failure starves everyone downstream',
  get paramsSchema() {
    return paramsSchema();
  },
  create: (p) => create(p),
  conformanceParams: { numAgents: 3, arrivalRate: 0.7, episodeLength: 20 },
});
