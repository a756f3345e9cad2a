/**
 * externality-v1: agents extract from a shared resource; extraction pays the extractor and may
 * cost others. It isolates one thing, a known influence of one agent's action on another's
 * reward, so conflict detectors can be checked against ground truth: with `structure: directed`,
 * agent 0's extraction lowers agent 1's reward by `harm` per unit and nothing else interacts;
 * with `none`, no agent's action affects another's reward.
 *
 * | agents | role | action | observation |
 * |---|---|---|---|
 * | `a0` … `a{numAgents−1}` | `extractor` | Discrete(levels): units extracted this step | Box(numAgents, [0, 1]): every agent's last extraction / (levels − 1), own first |
 *
 * | reward component | value |
 * |---|---|
 * | `gain` | `unitGain` × (units that succeed): each unit extracted succeeds with probability `successProb` |
 * | `externality` | −`harm` × (units extracted by the agents that affect this one) |
 *
 * Who affects whom (`structure`): `none` nobody; `directed` only a0 → a1; `mutual` everyone → everyone.
 * One random draw per extracted unit, in agent order: the number of draws depends on the actions,
 * so a fork that changes one agent's action also reshuffles the others' luck (the common-noise
 * shortcut is deliberately not available, which makes influence estimates a real statistical test).
 *
 * KPIs: `welfare` (sum of all rewards, mean per step, higher is better). Default action: 0 units.
 * Truncation after `episodeLength` steps; no termination. Features: `totalExtraction`.
 * A myopic learner extracts the maximum (`gain` dominates); with `mutual` harm above
 * `unitGain × successProb / (numAgents − 1)` that is a tragedy of the commons.
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
      numAgents: z.number().int().min(2).max(16).default(2).describe('Number of extracting agents'),
      levels: z.number().int().min(2).max(16).default(3).describe('Extraction choices per step: 0 … levels−1 units'),
      structure: z.enum(['none', 'directed', 'mutual']).default('directed').describe('Who harms whom: none, only a0 → a1, or everyone → everyone'),
      harm: z.number().nonnegative().default(0.5).describe('Reward lost per unit extracted by an agent that affects this one'),
      unitGain: z.number().nonnegative().default(1).describe('Reward per successful unit extracted'),
      successProb: z.number().min(0).max(1).default(0.7).describe('Probability that each extracted unit succeeds'),
      episodeLength: z.number().int().positive().default(50).describe('Steps per episode before truncation'),
    })
    .strict(),
);

type Params = z.infer<ReturnType<typeof paramsSchema>>;

interface ExternalityState {
  /** sfc32 words of the world's random stream (unit successes). */
  rng: Uint32Array;
  /** [step within episode]. */
  t: Int32Array;
  /** Last extraction of each agent, units. Shape [numAgents]. */
  last: Int32Array;
}

function create(params: Params): World<ExternalityState> {
  const n = params.numAgents;
  const scale = params.levels - 1;
  const affects = (j: number, i: number): boolean => j !== i && (params.structure === 'mutual' || (params.structure === 'directed' && j === 0 && i === 1));
  const writeObs = (s: ExternalityState, out: StepOut): void => {
    for (let i = 0; i < n; i++) {
      const o = out.obs[i]!;
      o[0] = s.last[i]! / scale;
      for (let j = 0, k = 1; j < n; j++) if (j !== i) o[k++] = s.last[j]! / scale;
    }
  };
  const obsSpace = box(0, 1, n);
  const actSpace = discrete(params.levels);
  return {
    id: 'externality-v1',
    params,
    agents: Array.from({ length: n }, (_, i) => ({ id: `a${i}`, role: 'extractor', index: i })),
    observationSpaces: Array.from({ length: n }, () => obsSpace),
    actionSpaces: Array.from({ length: n }, () => actSpace),
    rewardComponents: Array.from({ length: n }, () => ['gain', 'externality']),
    kpis: [{ name: 'welfare', description: 'sum of all agents’ rewards per step', better: 'higher', aggregate: 'mean' }],
    features: ['totalExtraction'],
    episodeLength: params.episodeLength,
    createState: () => ({ rng: new Uint32Array(4), t: new Int32Array(1), last: new Int32Array(n) }),
    reset(s, seed, out) {
      s.rng.set(seed);
      s.t[0] = 0;
      s.last.fill(0);
      writeObs(s, out);
    },
    step(s, actions, next, out) {
      next.rng.set(s.rng);
      let welfare = 0;
      for (let i = 0; i < n; i++) next.last[i] = actions[i]![0]!;
      for (let i = 0; i < n; i++) {
        let ok = 0;
        for (let u = 0; u < next.last[i]!; u++) if (nextFloat(next.rng) < params.successProb) ok++;
        let ext = 0;
        for (let j = 0; j < n; j++) if (affects(j, i)) ext += next.last[j]!;
        const r = out.rewards[i]!;
        r[0] = params.unitGain * ok;
        r[1] = -params.harm * ext;
        welfare += r[0] + r[1];
      }
      out.kpis[0] = welfare;
      next.t[0] = s.t[0]! + 1;
      markTimeLimit(out, n, next.t[0]!, params.episodeLength);
      writeObs(next, out);
    },
    copyState: copyFlatState,
    readFeatures(s, out) {
      let total = 0;
      for (let i = 0; i < n; i++) total += s.last[i]!;
      out[0] = total;
    },
    defaultAction(_agent, _s, out) {
      out[0] = 0;
    },
    isAlive: () => true,
  };
}

/** The registered spec. */
export const externality = defineWorld({
  id: 'externality-v1',
  summary: 'Shared-resource extraction with a known externality (a0 → a1, everyone, or none): ground truth for conflict detectors',
  get paramsSchema() {
    return paramsSchema();
  },
  create: (p) => create(p),
  conformanceParams: { numAgents: 3, structure: 'mutual', episodeLength: 20 },
});
