/**
 * The dual ledger detectors read: per metrics window, what each agent was paid (raw reward
 * components, their sum, and the shaped reward its learner saw), how the team did (KPIs with the
 * direction that is better), and what the agents did (mean first action slot). Stored by column,
 * one growable array per series, so a detector reads an agent's whole curve without copying and
 * an online detector appends one window at a time (`append`) and re-evaluates only its trailing
 * windows. Missing values (a key absent from a row) are NaN.
 *
 * Rows come from metrics.jsonl (docs/results-format.md): `reward/<agent>/<component>`,
 * `reward/<agent>`, `shaped/<agent>`, `kpi/<name>`, `action/<agent>`; every other numeric key
 * (`market/…`, `policy/<agent>/epsilon`, `episodeReturn/<agent>`) is kept in `extra`.
 */
import { metricsKey, parseMetricsKey, type MetricsRow } from '../core/metrics-row.js';
import type { KpiSpec } from '../core/world.js';

/** A KPI as detectors see it. */
export interface LedgerKpi {
  /** KPI name (the part after `kpi/`). */
  readonly name: string;
  /** Which direction is better for the team. */
  readonly better: 'higher' | 'lower';
  /** False when no world spec said which direction is better and `higher` was assumed. */
  readonly betterKnown: boolean;
  /** A reference value a well-coordinated team reaches (optimum or scripted baseline), if known. */
  readonly reference?: number;
}

/** What the ledger's columns are. Fixed at construction: rows with other agents or KPIs are rejected. */
export interface LedgerMeta {
  /** Agent ids, in column order. */
  readonly agents: readonly string[];
  /** Per agent: reward component names, in column order. */
  readonly components: readonly (readonly string[])[];
  /** Team KPIs, in column order. */
  readonly kpis: readonly LedgerKpi[];
}

/** The dual ledger of one run (one seed), column-oriented. */
export class Ledger {
  readonly meta: LedgerMeta;
  /** Engine steps completed at the end of each window. */
  readonly steps: number[] = [];
  /** Per agent: local reward (sum of raw components), per-step mean over the window. */
  readonly local: number[][];
  /** Per agent: shaped reward seen by the learner. */
  readonly shaped: number[][];
  /** Per agent, per component: raw reward component. */
  readonly components: number[][][];
  /** Per KPI: team KPI value. */
  readonly kpis: number[][];
  /** Per agent: mean of the first action slot. */
  readonly actions: number[][];
  /** Any other numeric key, by key. */
  readonly extra = new Map<string, number[]>();
  private readonly agentIndex: Map<string, number>;
  private readonly kpiIndex: Map<string, number>;

  constructor(meta: LedgerMeta) {
    this.meta = meta;
    const nA = meta.agents.length;
    this.local = Array.from({ length: nA }, () => []);
    this.shaped = Array.from({ length: nA }, () => []);
    this.actions = Array.from({ length: nA }, () => []);
    this.components = meta.components.map((c) => c.map(() => []));
    this.kpis = meta.kpis.map(() => []);
    this.agentIndex = new Map(meta.agents.map((a, i) => [a, i]));
    this.kpiIndex = new Map(meta.kpis.map((k, i) => [k.name, i]));
  }

  /** Number of windows recorded. */
  get length(): number {
    return this.steps.length;
  }

  /** Column index of an agent id, or −1. */
  agent(id: string): number {
    return this.agentIndex.get(id) ?? -1;
  }

  /** Column index of a KPI name, or −1. */
  kpi(name: string): number {
    return this.kpiIndex.get(name) ?? -1;
  }

  /**
   * A series by metrics key: `reward/<agent>`, `reward/<agent>/<component>`, `shaped/<agent>`,
   * `kpi/<name>`, `action/<agent>` or any extra key. Undefined when the ledger has no such column.
   */
  series(key: string): readonly number[] | undefined {
    const k = parseMetricsKey(key);
    if (k?.kind === 'kpi') return this.kpis[this.kpi(k.name)];
    const i = k === null ? -1 : this.agent(k.agent);
    if (i >= 0) {
      if (k?.kind === 'reward') return this.local[i];
      if (k?.kind === 'rewardComponent') return this.components[i]![this.meta.components[i]!.indexOf(k.component)];
      if (k?.kind === 'shaped') return this.shaped[i];
      if (k?.kind === 'action') return this.actions[i];
    }
    return this.extra.get(key);
  }

  /** Append one metrics row. Unknown agents or KPIs (not in `meta`) go to `extra`. */
  append(row: Readonly<MetricsRow>): void {
    const n = this.steps.length;
    const num = (key: string): number => {
      const v: unknown = row[key];
      return typeof v === 'number' ? v : NaN;
    };
    this.steps.push(num('step'));
    this.meta.agents.forEach((id, i) => {
      this.local[i]!.push(num(metricsKey.reward(id)));
      this.shaped[i]!.push(num(metricsKey.shaped(id)));
      this.actions[i]!.push(num(metricsKey.action(id)));
      this.meta.components[i]!.forEach((c, k) => this.components[i]![k]!.push(num(metricsKey.rewardComponent(id, c))));
    });
    this.meta.kpis.forEach((k, i) => this.kpis[i]!.push(num(metricsKey.kpi(k.name))));
    for (const [key, v] of Object.entries(row) as [string, unknown][]) {
      if (typeof v !== 'number' || key === 'step' || key === 'window' || key === 'episodes' || isCoreKey(key, this)) continue;
      let col = this.extra.get(key);
      if (!col) {
        col = new Array<number>(n).fill(NaN);
        this.extra.set(key, col);
      }
      col.push(v);
    }
    for (const col of this.extra.values()) if (col.length === n) col.push(NaN);
  }
}

/** Whether a key is one of the ledger's own columns. */
function isCoreKey(key: string, ledger: Ledger): boolean {
  const k = parseMetricsKey(key);
  if (k === null || k.kind === 'episodeReturn') return false;
  if (k.kind === 'kpi') return ledger.kpi(k.name) >= 0;
  const i = ledger.agent(k.agent);
  if (i < 0) return false;
  return k.kind !== 'rewardComponent' || ledger.meta.components[i]!.includes(k.component);
}

/**
 * Infer the ledger's columns from metrics rows: agents from `reward/<agent>`, `shaped/<agent>` and
 * `action/<agent>` keys, components from `reward/<agent>/<component>`, KPIs from `kpi/<name>`. KPI
 * directions come from `kpiSpecs` (the world's KpiSpec list) where given, else `higher` with
 * `betterKnown: false`. Order follows first appearance.
 */
export function inferLedgerMeta(
  rows: readonly MetricsRow[],
  kpiSpecs: readonly Pick<KpiSpec, 'name' | 'better' | 'reference'>[] = [],
  references: Readonly<Record<string, number>> = {},
): LedgerMeta {
  const agents: string[] = [];
  const comps = new Map<string, string[]>();
  const kpiNames: string[] = [];
  const addAgent = (a: string): void => {
    if (!comps.has(a)) {
      agents.push(a);
      comps.set(a, []);
    }
  };
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      const k = parseMetricsKey(key);
      if (k === null || k.kind === 'episodeReturn') continue;
      if (k.kind === 'kpi') {
        if (!kpiNames.includes(k.name)) kpiNames.push(k.name);
        continue;
      }
      addAgent(k.agent);
      const c = comps.get(k.agent)!;
      if (k.kind === 'rewardComponent' && !c.includes(k.component)) c.push(k.component);
    }
  }
  const specs = new Map(kpiSpecs.map((k) => [k.name, k]));
  const kpis = kpiNames.map((name): LedgerKpi => {
    const spec = specs.get(name);
    const reference = references[name] ?? spec?.reference;
    return { name, better: spec?.better ?? 'higher', betterKnown: spec !== undefined, ...(reference !== undefined ? { reference } : {}) };
  });
  return { agents, components: agents.map((a) => comps.get(a)!), kpis };
}

/** Parse metrics.jsonl text into a ledger (columns inferred from the rows unless `meta` is given). */
export function ledgerFromJsonl(
  text: string,
  options: { meta?: LedgerMeta; kpiSpecs?: readonly Pick<KpiSpec, 'name' | 'better' | 'reference'>[]; references?: Readonly<Record<string, number>> } = {},
): Ledger {
  const rows = parseJsonl(text);
  return ledgerFromRows(rows, options);
}

/** Build a ledger from parsed rows. */
export function ledgerFromRows(
  rows: readonly MetricsRow[],
  options: { meta?: LedgerMeta; kpiSpecs?: readonly Pick<KpiSpec, 'name' | 'better' | 'reference'>[]; references?: Readonly<Record<string, number>> } = {},
): Ledger {
  const ledger = new Ledger(options.meta ?? inferLedgerMeta(rows, options.kpiSpecs, options.references));
  for (const row of rows) ledger.append(row);
  return ledger;
}

/** Parse JSON Lines, naming the line of a malformed row. */
export function parseJsonl(text: string): MetricsRow[] {
  const rows: MetricsRow[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
      rows.push(v as MetricsRow);
    } catch (e) {
      throw new SyntaxError(`line ${i + 1}: ${(e as Error).message}`);
    }
  });
  return rows;
}
