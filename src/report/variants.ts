/**
 * Grouping runs into variants. Two runs belong to the same variant when their resolved configs are
 * equal once the fields that only pick seeds or output (run.seed, run.seeds, run.workers, output,
 * $schema, description, and the sweep section) are removed. A variant's label is the config fields that differ between
 * variants (e.g. `scheme=team`, with `agents[*]` collapsing fields equal across agents and paths
 * shortened to their shortest unambiguous suffix), or the sweep's label when the sweep wrote one
 * (run.json `sweep.variant`). Seeds of a variant are pooled across its run folders; a seed that
 * appears twice (a rerun) is counted once, keeping the most recently finished run.
 */
import { createHash } from 'node:crypto';
import type { RunRecord, SeedRecord } from './load.js';

/** One variant: the runs and seeds that share an identity config. */
export interface Variant {
  /** Stable key (hash of the identity config). */
  readonly key: string;
  /** Human label, e.g. `scheme=team`. */
  label: string;
  /** Differing config fields and their values for this variant. */
  fields: Record<string, unknown>;
  readonly experiment: string;
  readonly envId: string | null;
  readonly runs: RunRecord[];
  readonly seeds: SeedRecord[];
}

const IGNORED = [['run', 'seed'], ['run', 'seeds'], ['run', 'workers'], ['output'], ['$schema'], ['description'], ['sweep']];

/** The config with seed/output-only fields removed. */
export function identityConfig(config: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(config);
  for (const path of IGNORED) {
    let node: Record<string, unknown> | undefined = copy;
    for (let k = 0; k < path.length - 1 && node; k++) node = node[path[k]!] as Record<string, unknown> | undefined;
    if (node && typeof node === 'object') delete node[path[path.length - 1]!];
  }
  return copy;
}

/** JSON with object keys sorted, so equal configs hash equally regardless of key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/** Short hash of a value's stable JSON. */
export function hashValue(value: unknown, length = 10): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, length);
}

/** Flatten to leaf paths like `agents[0].reward.scheme`. */
export function flatten(value: unknown, prefix = '', out: Map<string, unknown> = new Map()): Map<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix, []);
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0 && prefix) out.set(prefix, {});
    for (const k of keys) flatten((value as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, value);
  return out;
}

function showField(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined ? '∅' : JSON.stringify(v);
}

/**
 * Labels from the fields that differ between identity configs: `agents[i].x` paths collapse to
 * `agents[*].x` when every agent has the same value, and each path is shortened to its shortest
 * suffix that is unique among the differing paths.
 */
export function diffLabels(configs: readonly Record<string, unknown>[]): { label: string; fields: Record<string, unknown> }[] {
  const flats = configs.map((c) => flatten(c));
  const paths = [...new Set(flats.flatMap((f) => [...f.keys()]))].sort();
  const differing = paths.filter((p) => flats.some((f) => stableJson(f.get(p)) !== stableJson(flats[0]!.get(p))));
  const byPattern = new Map<string, string[]>();
  for (const p of differing) {
    const pattern = p.replace(/^agents\[\d+\]/, 'agents[*]');
    byPattern.set(pattern, [...(byPattern.get(pattern) ?? []), p]);
  }
  const fieldsPer: Map<string, unknown>[] = flats.map(() => new Map());
  for (const [pattern, members] of byPattern) {
    const collapsible = members.length > 1 && flats.every((f) => members.every((m) => stableJson(f.get(m)) === stableJson(f.get(members[0]!))));
    const shown = collapsible ? [pattern] : members;
    flats.forEach((f, i) => shown.forEach((s) => fieldsPer[i]!.set(s, f.get(collapsible ? members[0]! : s))));
  }
  const allPaths = [...new Set(fieldsPer.flatMap((m) => [...m.keys()]))];
  const short = new Map<string, string>();
  for (const p of allPaths) {
    const segs = p.split('.');
    let name = p;
    for (let k = segs.length - 1; k >= 0; k--) {
      const cand = segs.slice(k).join('.');
      if (allPaths.filter((q) => q === cand || q.endsWith(`.${cand}`)).length === 1 && !/^\[/.test(cand)) {
        name = cand.replace(/^agents\[\*\]\./, '');
        break;
      }
    }
    short.set(p, name);
  }
  return fieldsPer.map((m) => {
    const fields = Object.fromEntries([...m].map(([p, v]) => [p, v]));
    const label = [...m].map(([p, v]) => `${short.get(p)}=${showField(v)}`).join(', ');
    return { label, fields };
  });
}

/** Group runs into variants (order: the sweep's grid order when run.json has it, else first appearance). */
export function groupVariants(runs: readonly RunRecord[]): Variant[] {
  const groups = new Map<string, { identity: Record<string, unknown>; runs: RunRecord[] }>();
  for (const run of runs) {
    const identity = identityConfig(run.config);
    const key = hashValue(identity);
    const g = groups.get(key) ?? { identity, runs: [] };
    g.runs.push(run);
    groups.set(key, g);
  }
  const entries = [...groups.entries()];
  // Label within each experiment by the fields that differ there; prefix the experiment name only
  // when several experiments are compared together.
  const nameOf = (g: { identity: Record<string, unknown>; runs: RunRecord[] }): string => {
    const r = g.runs[0]!;
    return String(r.run['experiment'] ?? r.config['name'] ?? r.summary['experiment'] ?? 'run');
  };
  const experiments = [...new Set(entries.map(([, g]) => nameOf(g)))];
  const labels = new Map<string, { label: string; fields: Record<string, unknown> }>();
  for (const exp of experiments) {
    const members = entries.filter(([, g]) => nameOf(g) === exp);
    const diffs = diffLabels(members.map(([, g]) => g.identity));
    members.forEach(([key], i) => {
      const d = diffs[i]!;
      const label = experiments.length > 1 ? (d.label ? `${exp}: ${d.label}` : exp) : d.label || exp;
      labels.set(key, { label, fields: d.fields });
    });
  }
  // Sweep runs carry their grid point's index: keep the sweep's order rather than the folders'.
  const sweepIndex = (g: { runs: RunRecord[] }): number => {
    const idx = g.runs.map((r) => (r.run['sweep'] as { index?: unknown } | undefined)?.index).filter((x): x is number => typeof x === 'number');
    return idx.length ? Math.min(...idx) : Number.POSITIVE_INFINITY;
  };
  entries.sort((a, b) => sweepIndex(a[1]) - sweepIndex(b[1]));
  return entries.map(([key, g]) => {
    const first = g.runs[0]!;
    const experiment = nameOf(g);
    const sweepLabels = new Set(g.runs.map((r) => (r.run['sweep'] as { variant?: string } | undefined)?.variant));
    const sweepLabel = sweepLabels.size === 1 ? [...sweepLabels][0] : undefined;
    const label = sweepLabel ?? labels.get(key)!.label;
    const env = (first.config['env'] as { id?: string } | undefined)?.id ?? (first.summary['env'] as { id?: string } | undefined)?.id ?? null;
    return { key, label, fields: labels.get(key)!.fields, experiment, envId: env, runs: g.runs, seeds: dedupeSeeds(g.runs) };
  });
}

function dedupeSeeds(runs: readonly RunRecord[]): SeedRecord[] {
  const bySeed = new Map<number, { seed: SeedRecord; finished: string }>();
  for (const run of runs) {
    const finished = String(run.run['finishedAt'] ?? '');
    for (const seed of run.seeds) {
      const prev = bySeed.get(seed.seed);
      if (!prev || finished > prev.finished) bySeed.set(seed.seed, { seed, finished });
    }
  }
  return [...bySeed.values()].map((e) => e.seed).sort((a, b) => a.seed - b.seed);
}
