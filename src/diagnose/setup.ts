/**
 * What `tacit diagnose` knows about an experiment before running it: each agent's policy (does it
 * learn?), reward scheme and components, the team KPIs and the team objective's weights, and how
 * stale each agent's picture of the world is (the world's declared data-silo settings,
 * WorldSpec.informationLags, plus the observation faults of the `faults` section). Plain data, so
 * candidate generation and the report are pure functions of it.
 */
import type { ResolvedExperiment } from '../config/resolved.js';
import type { Injection } from '../faults/schema.js';
import { diagnoseObjective, type DiagnoseObjective } from '../config/diagnose-section.js';

/** One agent as the diagnosis sees it. */
export interface AgentSetup {
  readonly id: string;
  readonly role: string;
  /** Index of the `agents` entry of the config that configures it (the path candidate fixes edit). */
  readonly entry: number;
  /** Whether the entry configures several agents (by role): a fix there changes all of them. */
  readonly sharedEntry: boolean;
  readonly policy: string;
  readonly policyParams: Readonly<Record<string, unknown>>;
  /** Whether its policy learns (only then can a reward change change what it does). */
  readonly learns: boolean;
  readonly scheme: string;
  readonly schemeParams: Readonly<Record<string, unknown>>;
  /** Its raw reward components (the world's names). */
  readonly components: readonly string[];
}

/** One team KPI. */
export interface KpiSetup {
  readonly name: string;
  readonly better: 'higher' | 'lower';
  readonly description: string;
  /** Weight in the objective G diagnose judges by (0 when G ignores it): the world's team objective unless the config's `diagnose.objective` names another. */
  readonly weight: number;
}

/** One source of staleness in what an agent sees. */
export interface StaleSource {
  /** `world` (its own silo settings) or `faults.injections[k]`. */
  readonly source: string;
  readonly delay: number;
  readonly cadence: number;
  /** Relative noise (world) or noise s.d. in observation units (faults). */
  readonly noise: number;
  /** Probability per step that a field is missing or lost (faults). */
  readonly loss: number;
  readonly slots: readonly string[] | 'all';
}

/** How stale one agent's information is against the world's truth. */
export interface AgentStaleness {
  readonly agent: string;
  readonly sources: readonly StaleSource[];
  /** Mean age of what it sees, in periods: delay + (cadence − 1) / 2, summed over sources. */
  readonly meanAge: number;
  /** Oldest it can be: delay + cadence − 1, summed over sources. */
  readonly maxAge: number;
  /** Whether anything (age, noise or loss) separates its view from the truth. */
  readonly stale: boolean;
  /** World params path of its silo setting and the setting itself (to share another agent's feed). */
  readonly worldSetting: { readonly paramPath: string; readonly setting: unknown } | null;
}

/** The static part of a diagnosis. */
export interface ExperimentSetup {
  readonly experiment: string;
  readonly world: string;
  readonly agents: readonly AgentSetup[];
  readonly kpis: readonly KpiSetup[];
  /** The objective G the fixes are judged by, and where it comes from. */
  readonly objective: DiagnoseObjective;
  readonly staleness: readonly AgentStaleness[];
  /** Indices and types of the `faults.injections` entries that hit each agent's actions (circuit-breaker candidates). */
  readonly actionFaults: Readonly<Record<string, readonly string[]>>;
  /** Agents already guarded by a circuit breaker. */
  readonly guarded: readonly string[];
  /** Detectors switched off in the config. */
  readonly detectorsOff: readonly string[];
}

const ACTION_FAULTS = new Set(['dropout', 'action-delay', 'action-corruption']);

/** An injection's `agents` list (ids or roles), absent for every agent (a hand-off names `to` instead). */
function agentsOf(f: Injection): readonly string[] | undefined {
  return 'agents' in f ? f.agents : undefined;
}

/** Whether a fault entry's `agents` list (ids or roles; absent = all) names this agent. */
function hits(list: readonly string[] | undefined, agent: { id: string; role: string }): boolean {
  return list === undefined || list.includes(agent.id) || list.includes(agent.role);
}

/** How an observation fault (injection k) makes its agents' picture stale; null for other faults. */
function faultSource(k: number, f: Injection): StaleSource | null {
  const none = { source: `faults.injections[${k}] (${f.type})`, delay: 0, cadence: 1, noise: 0, loss: 0 };
  const slots = (fields: readonly (string | number)[] | undefined): StaleSource['slots'] => (fields ? fields.map(String) : 'all');
  switch (f.type) {
    case 'stale-observation':
      return { ...none, delay: f.delay, slots: slots(f.fields) };
    case 'observation-cadence':
      return { ...none, cadence: f.every, slots: slots(f.fields) };
    case 'observation-noise':
      return { ...none, noise: f.std, slots: slots(f.fields) };
    case 'drop-fields':
      return { ...none, loss: f.probability, slots: slots(f.fields) };
    case 'handoff':
      return { ...none, delay: f.delay, loss: f.loss, slots: slots(f.fields) };
    default:
      return null;
  }
}

/** Read the static setup of a resolved experiment. */
export function experimentSetup(resolved: ResolvedExperiment): ExperimentSetup {
  const world = resolved.makeWorld();
  const objective = diagnoseObjective(world, resolved.config.diagnose);
  const entryCount = new Map<number, number>();
  for (const a of resolved.assignments) entryCount.set(a.entry, (entryCount.get(a.entry) ?? 0) + 1);
  const agents: AgentSetup[] = resolved.assignments.map((a) => ({
    id: a.agent.id,
    role: a.agent.role,
    entry: a.entry,
    sharedEntry: (entryCount.get(a.entry) ?? 0) > 1,
    policy: a.policy.id,
    policyParams: a.policyParams,
    learns: a.policy.learns,
    scheme: a.scheme.id,
    schemeParams: a.schemeParams,
    components: world.rewardComponents[a.agent.index] ?? [],
  }));
  const kpis: KpiSetup[] = world.kpis.map((k) => ({ name: k.name, better: k.better, description: k.description, weight: objective.weights[k.name]! }));
  const lags = resolved.worldSpec.informationLags?.(resolved.worldParams as never) ?? [];
  const faults = resolved.config.faults;
  const injections = faults?.injections ?? [];
  const staleness: AgentStaleness[] = world.agents.map((agent) => {
    const lag = lags.find((l) => l.agent === agent.id);
    const sources: StaleSource[] = [];
    if (lag && (lag.delay > 0 || lag.cadence > 1 || lag.noise > 0) && lag.slots.length > 0)
      sources.push({ source: 'world', delay: lag.delay, cadence: lag.cadence, noise: lag.noise, loss: 0, slots: lag.slots });
    injections.forEach((f, k) => {
      const source = faultSource(k, f);
      if (source !== null && (f.type === 'handoff' ? f.to === agent.id : hits(agentsOf(f), agent))) sources.push(source);
    });
    const meanAge = sources.reduce((s, x) => s + x.delay + (x.cadence - 1) / 2, 0);
    const maxAge = sources.reduce((s, x) => s + x.delay + x.cadence - 1, 0);
    return {
      agent: agent.id,
      sources,
      meanAge,
      maxAge,
      stale: sources.length > 0,
      worldSetting: lag ? { paramPath: lag.paramPath, setting: lag.setting } : null,
    };
  });
  const actionFaults: Record<string, string[]> = {};
  for (const agent of world.agents) {
    const list = injections.flatMap((f, k) => (ACTION_FAULTS.has(f.type) && hits(agentsOf(f), agent) ? [`faults.injections[${k}] (${f.type})`] : []));
    if (list.length > 0) actionFaults[agent.id] = list;
  }
  const guarded = world.agents.filter((agent) => (faults?.guards ?? []).some((g) => g.type === 'circuit-breaker' && hits(g.agents, agent))).map((a) => a.id);
  const detectorsOff = Object.entries(resolved.detectorParams)
    .filter(([, p]) => p === false)
    .map(([d]) => d);
  return { experiment: resolved.config.name, world: world.id, agents, kpis, objective, staleness, actionFaults, guarded, detectorsOff };
}
