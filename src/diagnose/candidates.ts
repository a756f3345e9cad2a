/**
 * Candidate fixes for a diagnosis' findings, each a set of config overrides (path → value, applied
 * like a sweep grid point). What is offered depends on who is involved and what they are:
 *
 * | situation | candidates |
 * |---|---|
 * | a learning agent raises its reward at the team's cost (goodhart), lowers another's reward (conflict), or pulls against another (tug-of-war) | team reward; mixed with each chosen local weight; difference reward (with a look-ahead when every agent has a scripted continuation policy); a KPI-linked penalty on the KPI the finding names (else the team objective's heaviest KPI) |
 * | the agent is scripted | a reward change cannot change what it does, so none of those; if its policy has a budget parameter, that budget ×2 and ×4 |
 * | its actions are hit by injected faults and no breaker guards it | a circuit breaker that swaps in the no-op after repeated faults |
 * | an agent involved sees the world late, rarely or noisily (its world silo setting) | share the freshest agent's feed with it |
 * | a team KPI below its reference with no unilateral fix (miscoordination) | team reward for every learning agent |
 * | collusion among learning firms | a KPI-linked penalty on the buyers' KPI (the firms keep their profit but pay when consumer surplus falls); myopic firms (discount 0: a price war tomorrow no longer deters a cut today) |
 * | collusion among scripted firms, or in a world without a buyers' KPI | none: then the fix is market design (said so in the diagnosis) |
 *
 * The same change proposed for several findings is one candidate (one sweep variant) listing them all.
 */
import type { AgentSetup, ExperimentSetup } from './setup.js';

/** What kind of change a candidate makes. */
export type CandidateKind = 'team' | 'mixed' | 'difference' | 'kpi-linked' | 'myopic' | 'share-observation' | 'budget' | 'circuit-breaker';

/** A finding as the diagnosis tracks it across seeds and variants. */
export interface FindingRef {
  /** `detector:kind:agents`, e.g. `goodhart:reward-up-kpi-down:finance`. */
  readonly key: string;
  readonly detector: string;
  readonly kind: string;
  readonly agents: readonly string[];
  /** The team KPI the finding names (goodhart), if any. */
  readonly kpi?: string;
}

/** One candidate fix. */
export interface Candidate {
  /** Variant label in the sweep, e.g. `finance: mixed reward (w=0.5)`. */
  readonly label: string;
  readonly kind: CandidateKind;
  /** The agent (or agents) it changes. */
  readonly agents: readonly string[];
  /** Why it might help, in one sentence. */
  readonly rationale: string;
  /** Config overrides: path → value. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Keys of the findings it is proposed for. */
  readonly findings: readonly string[];
}

/** A finding for which no candidate could be generated, and why. */
export interface NoCandidate {
  readonly finding: string;
  readonly reason: string;
}

/** Options of candidate generation. */
export interface CandidateOptions {
  /** Local weights w of the mixed candidates (default [0.5]). */
  readonly mixWeights?: readonly number[];
  /** Strengths of the KPI-linked candidates as multiples of the KPI's weight in G (default [1]). */
  readonly linkStrengths?: readonly number[];
  /** Look-ahead periods of the difference candidate (default 10). */
  readonly lookAheadSteps?: number;
  /** Scripted continuation policy per learning agent id or role, for the difference look-ahead. */
  readonly continuation?: Readonly<Record<string, { readonly type: string; readonly params?: Readonly<Record<string, unknown>> }>>;
}

/** The agents whose behaviour the finding is about (the ones a fix should change). */
export function actorsOf(f: FindingRef, setup: ExperimentSetup): string[] {
  if (f.detector === 'goodhart' || (f.detector === 'conflict' && f.kind === 'harms') || f.detector === 'staleness') return f.agents.slice(0, 1);
  if (f.detector === 'conflict') return [...f.agents];
  if (f.detector === 'miscoordination') return setup.agents.filter((a) => a.learns).map((a) => a.id);
  return [];
}

/** The scripted continuation of every agent for a look-ahead, or the learning agent that has none. */
function continuationPolicies(setup: ExperimentSetup, given: CandidateOptions['continuation']): { policies: Record<string, unknown> } | { missing: string } {
  const policies: Record<string, unknown> = {};
  for (const a of setup.agents) {
    const choice = given?.[a.id] ?? given?.[a.role];
    if (choice) policies[a.id] = { type: choice.type, params: choice.params ?? {} };
    else if (!a.learns) policies[a.id] = { type: a.policy, params: a.policyParams };
    else return { missing: a.id };
  }
  return { policies };
}

/** The KPI a KPI-linked penalty watches: the one the finding names, else the heaviest in the team objective. */
function linkedKpi(f: FindingRef, setup: ExperimentSetup): { name: string; strength: number } | null {
  const named = f.kpi !== undefined ? setup.kpis.find((k) => k.name === f.kpi) : undefined;
  const heaviest = [...setup.kpis].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))[0];
  const k = named ?? (heaviest && heaviest.weight !== 0 ? heaviest : undefined);
  if (!k) return null;
  // In the units of the team objective, so the penalty weighs what the team would lose.
  return { name: k.name, strength: k.weight !== 0 ? Math.abs(k.weight) : 1 };
}

/** The KPI-linked penalty at each chosen strength (a multiple of the KPI's weight in G; ×1 unlabelled). */
function linkedRewards(k: { name: string; strength: number }, o: CandidateOptions): { label: string; strength: number; reward: unknown }[] {
  return (o.linkStrengths ?? [1]).map((m) => {
    const strength = k.strength * m;
    return {
      label: `KPI-linked penalty on ${k.name}${m === 1 ? '' : ` (×${m})`}`,
      strength,
      reward: { scheme: 'kpi-linked', params: { kpi: k.name, mode: 'penalty', strength } },
    };
  });
}

/** The non-zero weights of an objective (what a team-paying reward's `kpis` param takes). */
const nonZero = (weights: Readonly<Record<string, number>>): Record<string, number> => Object.fromEntries(Object.entries(weights).filter(([, w]) => w !== 0));

function rewardCandidates(a: AgentSetup, f: FindingRef, setup: ExperimentSetup, o: CandidateOptions): Candidate[] {
  const path = `agents[${a.entry}].reward`;
  const shared = a.sharedEntry ? ` (its config entry covers every ${a.role}, so all of them change)` : '';
  // Agents configured by role change together: the label says so rather than naming one of them
  // (two such agents' findings then meet in one candidate, merged by label).
  const who = a.sharedEntry ? `every ${a.role}` : a.id;
  const out: Candidate[] = [];
  const add = (kind: CandidateKind, label: string, rationale: string, reward: unknown): void => {
    if (a.scheme === kind && kind === 'team') return;
    out.push({ label: `${who}: ${label}`, kind, agents: [a.id], rationale: rationale + shared, values: { [path]: reward }, findings: [f.key] });
  };
  // An experiment that names the objective diagnose judges by has the team-paying candidates pay it too.
  const kpis = setup.objective.source === 'experiment' ? { kpis: nonZero(setup.objective.weights) } : {};
  const paid = setup.objective.source === 'experiment' ? "the experiment's diagnose objective" : 'the team objective';
  add('team', 'team reward', `${a.id} is paid ${paid}, so raising its own metric at the team's cost no longer pays`, {
    scheme: 'team',
    ...(setup.objective.source === 'experiment' ? { params: kpis } : {}),
  });
  for (const w of o.mixWeights ?? [0.5])
    add('mixed', `mixed reward (w=${w})`, `${a.id} keeps ${w} of its own reward for credit and takes ${1 - w} of ${paid}`, {
      scheme: 'mixed',
      params: { localWeight: w, ...kpis },
    });
  const cont = continuationPolicies(setup, o.continuation);
  const steps = o.lookAheadSteps ?? 10;
  if ('policies' in cont)
    add('difference', `difference reward (look-ahead ${steps})`, `${a.id} is paid its marginal effect on ${paid} over the next ${steps} periods`, {
      scheme: 'difference',
      params: { lookAhead: { steps, policies: cont.policies }, ...kpis },
    });
  else
    add(
      'difference',
      'difference reward (one step)',
      `${a.id} is paid its marginal effect on this period's value of ${paid} (no look-ahead: no scripted continuation policy for ${cont.missing}; give --continuation)`,
      { scheme: 'difference', ...(setup.objective.source === 'experiment' ? { params: kpis } : {}) },
    );
  const k = linkedKpi(f, setup);
  if (k)
    for (const l of linkedRewards(k, o))
      add('kpi-linked', l.label, `${a.id} keeps its own reward but pays ${l.strength} per unit ${k.name} worsens against its recent level`, l.reward);
  return out;
}

/**
 * The team KPI tacit collusion hurts: the buyers' side of the market (consumer surplus), which the
 * colluding firms' own profit leaves out. A world without one gets no collusion reward candidate.
 */
const BUYERS_KPI = 'consumerSurplus';

/** A collusion finding names the buyers' KPI when the world has one, so a fix is judged on it too. */
export function withHarmedKpi(f: FindingRef, setup: ExperimentSetup): FindingRef {
  if (f.detector !== 'collusion' || f.kpi !== undefined || !setup.kpis.some((k) => k.name === BUYERS_KPI)) return f;
  return { ...f, kpi: BUYERS_KPI };
}

/** For a learning firm in a collusive cycle: pay linked to the buyers' KPI, and a myopic discount. */
function collusionCandidates(a: AgentSetup, f: FindingRef, setup: ExperimentSetup, o: CandidateOptions): Candidate[] {
  const shared = a.sharedEntry ? ` (its config entry covers every ${a.role}, so all of them change)` : '';
  // Firms configured by role change together: the label says so rather than naming the first.
  const who = a.sharedEntry ? `every ${a.role}` : a.id;
  const out: Candidate[] = [];
  const named = withHarmedKpi(f, setup);
  const k = named.kpi !== undefined ? linkedKpi(named, setup) : null;
  if (k)
    for (const l of linkedRewards(k, o))
      out.push({
        label: `${who}: ${l.label}`,
        kind: 'kpi-linked',
        agents: [a.id],
        rationale:
          `${a.id} keeps its profit but pays ${l.strength} per unit ${k.name} falls against its recent level, so raising prices above the competitive level pays less` +
          shared,
        values: { [`agents[${a.entry}].reward`]: l.reward },
        findings: [f.key],
      });
  // Tabular Q calls its discount `discount`, PPO and DQN call it `gamma`.
  for (const name of ['discount', 'gamma']) {
    const discount = a.policyParams[name];
    if (typeof discount === 'number' && discount > 0)
      out.push({
        label: `${who}: myopic (${name} 0)`,
        kind: 'myopic',
        agents: [a.id],
        rationale:
          `${a.id} values only this period's profit (${name} ${discount} → 0): the threat of a later price war, which holds collusion up, no longer weighs` +
          shared,
        values: { [`agents[${a.entry}].policy.params.${name}`]: 0 },
        findings: [f.key],
      });
  }
  return out;
}

function budgetCandidates(a: AgentSetup, f: FindingRef): Candidate[] {
  return Object.entries(a.policyParams)
    .filter(([name, v]) => /budget/i.test(name) && typeof v === 'number' && v > 0)
    .flatMap(([name, v]) =>
      [2, 4].map((m) => ({
        label: `${a.id}: ${name} ×${m}`,
        kind: 'budget' as const,
        agents: [a.id],
        rationale: `${a.id} is scripted, so only its rules can change: a budget ${m}× as large (${name} ${v as number} → ${(v as number) * m})`,
        values: { [`agents[${a.entry}].policy.params.${name}`]: (v as number) * m },
        findings: [f.key],
      })),
    );
}

function breakerCandidate(a: AgentSetup, f: FindingRef, setup: ExperimentSetup, guards: number): Candidate[] {
  const faults = setup.actionFaults[a.id];
  if (!faults || setup.guarded.includes(a.id)) return [];
  return [
    {
      label: `${a.id}: circuit breaker`,
      kind: 'circuit-breaker',
      agents: [a.id],
      rationale: `${a.id}'s actions are hit by ${faults.join(', ')}: after 3 faults in 20 steps its no-op acts for 20 steps`,
      values: {
        [`faults.guards[${guards}]`]: {
          type: 'circuit-breaker',
          agents: [a.id],
          maxFaults: 3,
          window: 20,
          cooldown: 20,
          count: ['no-response', 'late', 'invalid-action'],
          fallback: 'noop',
        },
      },
      findings: [f.key],
    },
  ];
}

function shareCandidates(f: FindingRef, setup: ExperimentSetup): Candidate[] {
  const fresh = setup.staleness.filter((s) => !s.stale && s.worldSetting).sort((a, b) => a.agent.localeCompare(b.agent))[0];
  if (!fresh) return [];
  return f.agents.flatMap((id) => {
    const s = setup.staleness.find((x) => x.agent === id);
    if (!s?.worldSetting || !s.sources.some((x) => x.source === 'world')) return [];
    return [
      {
        label: `${id}: share ${fresh.agent}'s observation`,
        kind: 'share-observation' as const,
        agents: [id],
        rationale: `${id} sees the world ${s.meanAge.toFixed(1)} periods late on average (at worst ${s.maxAge}); ${fresh.agent}'s live feed is given to it`,
        values: { [`env.params.${s.worldSetting.paramPath}`]: fresh.worldSetting!.setting },
        findings: [f.key],
      },
    ];
  });
}

/** Every candidate for these findings (merged by label) and the findings that got none, with why. */
export function generateCandidates(
  findings: readonly FindingRef[],
  setup: ExperimentSetup,
  guards: number,
  options: CandidateOptions = {},
): { candidates: Candidate[]; none: NoCandidate[] } {
  const byLabel = new Map<string, Candidate>();
  const none: NoCandidate[] = [];
  for (const f of findings) {
    const found: Candidate[] = [];
    if (f.detector === 'collusion') {
      // One per config entry: firms configured by role share one, and one change there covers them all.
      const learners = f.agents
        .map((id) => setup.agents.find((x) => x.id === id))
        .filter((a, i, all): a is AgentSetup => a?.learns === true && all.findIndex((b) => b?.entry === a.entry) === i);
      found.push(...learners.flatMap((a) => collusionCandidates(a, f, setup, options)));
      if (found.length === 0) {
        none.push({
          finding: f.key,
          reason: `no learning firm with a discount or a ${BUYERS_KPI} KPI to link its pay to; the fix is market design (number of firms, demand, monitoring), not reward design`,
        });
        continue;
      }
    }
    if (f.detector !== 'staleness' && f.detector !== 'collusion')
      for (const id of actorsOf(f, setup)) {
        const a = setup.agents.find((x) => x.id === id);
        if (!a) continue;
        found.push(...(a.learns ? rewardCandidates(a, f, setup, options) : budgetCandidates(a, f)), ...breakerCandidate(a, f, setup, guards));
      }
    found.push(...shareCandidates(f, setup));
    if (found.length === 0) {
      const actors = actorsOf(f, setup);
      const scripted = actors.filter((id) => setup.agents.find((a) => a.id === id)?.learns === false);
      none.push({
        finding: f.key,
        reason:
          scripted.length > 0
            ? `${scripted.join(', ')} ${scripted.length === 1 ? 'is' : 'are'} scripted (a reward change cannot change what ${scripted.length === 1 ? 'it does' : 'they do'}), ${scripted.length === 1 ? 'its' : 'their'} policy has no budget parameter, and no injected fault or stale feed is involved`
            : 'no learning agent, injected action fault or stale feed is involved',
      });
    }
    for (const c of found) {
      const prev = byLabel.get(c.label);
      byLabel.set(c.label, prev ? { ...prev, findings: [...new Set([...prev.findings, ...c.findings])] } : c);
    }
  }
  return { candidates: [...byLabel.values()], none };
}
