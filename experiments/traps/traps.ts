/**
 * The trap experiments (experiments/traps/*.yaml) and how each is judged: which detector should
 * fire, on which learning agent, and the control that should make it fire much less (the same
 * config with the learner paid the team reward). One owner for this table: the full measurement
 * (experiments/validate-traps.ts, `npm run validate-traps`) and the short version in the tests
 * (test/experiments/traps.test.ts) both read it.
 */

/** One trap and how it is judged. */
export interface Trap {
  /** File name under experiments/traps/ without .yaml. */
  readonly id: string;
  /** The mission's trap it shows. */
  readonly trap: 'goal misalignment' | 'data silo' | 'reward hacking' | 'collusion';
  /** The detector that should fire under the local rewards. */
  readonly detector: 'goodhart' | 'collusion' | 'miscoordination';
  /** The agent (id or role) that learns its way in. */
  readonly learner: string;
  /** `--set` overrides of the control run: the learner paid the team's objective instead. */
  readonly control: readonly string[];
  /** What the control is, in words. */
  readonly controlText: string;
  /** A second control where the team reward is not the remedy (the data silo: a live feed). */
  readonly altControl?: { readonly sets: readonly string[]; readonly text: string };
}

const team = (agentIndex: number): string => `agents[${agentIndex}].reward={"scheme":"team"}`;
/**
 * The market's control: firms paid the consumers' surplus, the KPI a cartel takes from. (Paid total
 * welfare instead, Q-learners still ended supra-competitive in 3 of 5 seeds and collusive in 2:
 * between grid prices welfare differs only by the small deadweight loss, too weak a signal.)
 */
const consumers = ['agents[0].reward={"scheme":"team","params":{"kpis":{"consumerSurplus":1}}}'];

/** Every shipped trap. */
export const TRAPS: readonly Trap[] = [
  {
    id: 'goal-misalignment',
    trap: 'goal misalignment',
    detector: 'goodhart',
    learner: 'procurement',
    control: [team(0)],
    controlText: 'procurement paid the team objective',
  },
  {
    id: 'data-silo',
    trap: 'data silo',
    detector: 'miscoordination',
    learner: 'procurement',
    control: [team(0)],
    controlText: 'procurement paid the team objective (the silo stays)',
    altControl: {
      sets: ['env.params.observation.procurement.delay=0', 'env.params.observation.procurement.cadence=1'],
      text: 'procurement paid its local reward with a live feed (no silo)',
    },
  },
  {
    id: 'finance-squeeze',
    trap: 'reward hacking',
    detector: 'goodhart',
    learner: 'finance',
    control: [team(3)],
    controlText: 'finance paid the team objective',
  },
  {
    id: 'lean-inventory',
    trap: 'reward hacking',
    detector: 'goodhart',
    learner: 'inventory',
    control: [team(1)],
    controlText: 'inventory paid the team objective',
  },
  {
    id: 'collusion-tabular',
    trap: 'collusion',
    detector: 'collusion',
    learner: 'firm',
    control: [...consumers, 'agents[0].policy.params.qInit=zero'],
    controlText: "firms paid the consumers' surplus (Q initialised at zero: the paper's initialisation values profits)",
    altControl: { sets: ['agents[0].policy.params.discount=0'], text: 'myopic firms (δ = 0), paid their own profit: the published null' },
  },
  { id: 'collusion-neural', trap: 'collusion', detector: 'collusion', learner: 'firm', control: consumers, controlText: "firms paid the consumers' surplus" },
];

/** The config path of a trap. */
export const trapPath = (t: Pick<Trap, 'id'>): string => `experiments/traps/${t.id}.yaml`;
