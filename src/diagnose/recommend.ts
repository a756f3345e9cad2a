/**
 * The recommendation of `tacit diagnose`, a pure function of what the sweep observed: for each
 * finding, which candidates remove it and which improve the team objective G, and the one to adopt.
 *
 * - Per seed a finding is `present` (in the seed's findings), `absent` (its detector tested and did
 *   not report it) or `untested` (its detector could not test or was off). Untested is never
 *   counted as absent.
 * - A candidate *removes* the finding when it is absent in at least ⌈removeShare · seeds⌉ seeds
 *   (default 4 of 5); when only untested seeds stand between it and that count the answer is
 *   "untested", not yes or no.
 * - The team objective G of a seed is Σ_k w_k · KPI_k over the summary's KPIs (the world's team
 *   objective weights, what team, mixed and difference rewards pay, unless the experiment names
 *   another in `diagnose.objective`: objective.ts). Each candidate is compared with
 *   the baseline by Welch's t-test over seeds, Holm-corrected over the candidates of the finding,
 *   with a Welch interval of the difference and a bootstrap interval of the candidate's mean.
 * - The KPI the finding names (goodhart's "reward up while stockouts got worse") is compared the
 *   same way: a fix should undo the damage the finding is about, even where G (often dominated by
 *   one large KPI such as profit) is too noisy over few seeds to show it.
 * - A candidate *fixes* the finding when it removes it and improves G significantly, or improves
 *   the finding's KPI significantly without making G significantly worse. Recommended: the fix
 *   with the best mean G; failing that, a remover without a significant change (said so). When
 *   none removes it, or every remover costs the team significantly, the answer is "no candidate
 *   helps", with the reason.
 */
import { bootstrapMeanCI, holm, mean, studentTQuantile, variance, welchTTest } from '../stats/index.js';
import type { Candidate, FindingRef } from './candidates.js';

/** A detector's outcome in one seed; `off` when the config switched it off. */
export type SeedOutcome = 'fired' | 'clear' | 'untested' | 'off';

/** What one seed of one variant showed. */
export interface SeedObservation {
  readonly seed: number;
  /** Summary KPIs. */
  readonly kpis: Readonly<Record<string, number>>;
  /** Keys of the findings reported in this seed. */
  readonly present: readonly string[];
  /** Outcome per detector. */
  readonly outcomes: Readonly<Record<string, SeedOutcome>>;
}

/** A finding's status in one seed. */
export type FindingStatus = 'present' | 'absent' | 'untested';

/** Counts of a finding's status over seeds. */
export interface StatusCounts {
  readonly present: number;
  readonly absent: number;
  readonly untested: number;
  readonly n: number;
}

/** An estimate with its interval. */
export interface Estimate {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

/** The comparison of a variant's team objective (or one KPI) with the baseline's. */
export interface TeamComparison {
  /** `G` (the team objective) or the KPI's name. */
  readonly metric: string;
  readonly candidate: Estimate;
  readonly baseline: Estimate;
  /** candidate − baseline, with a Welch t-interval. */
  readonly diff: Estimate;
  readonly test: 'welch';
  /** Two-sided p-value (null with fewer than 2 seeds a side). */
  readonly pValue: number | null;
  /** Holm-adjusted over the finding's candidates. */
  readonly pAdjusted: number | null;
  /** Significantly better (+1), worse (−1) or neither (0) after correction. */
  readonly direction: 1 | -1 | 0;
}

/** What a candidate did to a finding. */
export type CandidateVerdict = 'fixes' | 'removes-no-gain' | 'removes-at-cost' | 'does-not-remove' | 'untested' | 'no-runs';

/** One candidate's result on one finding. */
export interface CandidateResult {
  readonly label: string;
  readonly kind: Candidate['kind'];
  readonly agents: readonly string[];
  readonly rationale: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly status: StatusCounts;
  /** Whether it removes the finding (null: untested seeds leave it open). */
  readonly removes: boolean | null;
  readonly team: TeamComparison | null;
  /** The same comparison on the KPI the finding names (null when it names none). */
  readonly findingKpi: TeamComparison | null;
  /** Per KPI: the candidate's mean and its difference from the baseline's. */
  readonly kpis: Readonly<Record<string, { readonly mean: number; readonly diff: number; readonly better: 'higher' | 'lower' }>>;
  readonly verdict: CandidateVerdict;
}

/** The diagnosis of one finding. */
export interface FindingResult {
  readonly finding: FindingRef;
  readonly baseline: StatusCounts;
  readonly candidates: readonly CandidateResult[];
  /** The recommended candidate's label, or null. */
  readonly recommended: string | null;
  /** One plain sentence: what to do, or that nothing tried helps. */
  readonly statement: string;
}

/** Options of recommend. */
export interface RecommendOptions {
  /** Share of seeds in which a candidate must remove the finding (default 0.8: 4 of 5). */
  readonly removeShare?: number;
  readonly alpha?: number;
  readonly level?: number;
}

/** A finding's status in one seed. */
export function statusIn(f: FindingRef, s: SeedObservation): FindingStatus {
  if (s.present.includes(f.key)) return 'present';
  const o = s.outcomes[f.detector];
  return o === 'fired' || o === 'clear' ? 'absent' : 'untested';
}

/** Counts of a finding's status over seeds. */
export function statusCounts(f: FindingRef, seeds: readonly SeedObservation[]): StatusCounts {
  const st = seeds.map((s) => statusIn(f, s));
  return {
    present: st.filter((x) => x === 'present').length,
    absent: st.filter((x) => x === 'absent').length,
    untested: st.filter((x) => x === 'untested').length,
    n: seeds.length,
  };
}

/** Seeds a candidate must clear the finding in: ⌈share · n⌉. */
export function seedsNeeded(n: number, share: number): number {
  return Math.max(1, Math.ceil(share * n - 1e-9));
}

/** Whether these counts remove the finding (null when untested seeds decide). */
export function removes(c: StatusCounts, share: number): boolean | null {
  if (c.n === 0) return null;
  const need = seedsNeeded(c.n, share);
  if (c.absent >= need) return true;
  if (c.absent + c.untested >= need) return null;
  return false;
}

/** G of one seed (NaN when a weighted KPI is missing). */
export function teamObjective(kpis: Readonly<Record<string, number>>, weights: Readonly<Record<string, number>>): number {
  let g = 0;
  for (const [k, w] of Object.entries(weights)) {
    if (w === 0) continue;
    const v = kpis[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) return Number.NaN;
    g += w * v;
  }
  return g;
}

function estimate(xs: readonly number[], level: number, seed: string): Estimate {
  if (xs.length === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN };
  const ci = bootstrapMeanCI(xs, { level, seed });
  return { mean: mean(xs), low: ci.low, high: ci.high };
}

function welchDiff(a: readonly number[], b: readonly number[], level: number): Estimate {
  const d = mean(a) - mean(b);
  if (a.length < 2 || b.length < 2) return { mean: d, low: Number.NaN, high: Number.NaN };
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const se2 = va + vb;
  if (se2 === 0) return { mean: d, low: d, high: d };
  const df = (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  const h = studentTQuantile(1 - (1 - level) / 2, df) * Math.sqrt(se2);
  return { mean: d, low: d - h, high: d + h };
}

function verdictOf(removal: boolean | null, team: TeamComparison | null, kpi: TeamComparison | null, runs: number): CandidateVerdict {
  if (runs === 0) return 'no-runs';
  if (removal === null) return 'untested';
  if (!removal) return 'does-not-remove';
  const g = team?.direction ?? 0;
  if (g < 0) return 'removes-at-cost';
  return g > 0 || (kpi?.direction ?? 0) > 0 ? 'fixes' : 'removes-no-gain';
}

const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2));

/** A p-value for people: two significant digits, three near 0.05 so 0.0505 never reads as 0.050. */
export function formatP(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return 'n/a';
  return p.toPrecision(p >= 0.045 && p < 0.055 ? 3 : 2);
}

function statement(f: FindingRef, rs: readonly CandidateResult[], share: number, n: number): { recommended: string | null; statement: string } {
  const need = seedsNeeded(n, share);
  const byGain = (xs: CandidateResult[]): CandidateResult[] =>
    [...xs].sort((a, b) => (b.team?.diff.mean ?? -Infinity) - (a.team?.diff.mean ?? -Infinity) || a.label.localeCompare(b.label));
  const fixes = byGain(rs.filter((r) => r.verdict === 'fixes'));
  const neutral = byGain(rs.filter((r) => r.verdict === 'removes-no-gain'));
  const costly = rs.filter((r) => r.verdict === 'removes-at-cost');
  const open = rs.filter((r) => r.verdict === 'untested');
  const one = (c: TeamComparison): string =>
    `${c.metric === 'G' ? 'team objective' : c.metric} ${fmt(c.diff.mean)} [${fmt(c.diff.low)}, ${fmt(c.diff.high)}] vs baseline, Welch p = ${formatP(c.pAdjusted)} (Holm)`;
  const gain = (r: CandidateResult): string => [r.team ? one(r.team) : 'team objective not measured', ...(r.findingKpi ? [one(r.findingKpi)] : [])].join('; ');
  const removed = (r: CandidateResult): string => `removes it in ${r.status.absent} of ${r.status.n} seeds`;
  if (fixes.length > 0) {
    const r = fixes[0]!;
    // A fix either raises G or raises the finding's own KPI with G not significantly worse; say which.
    const how =
      (r.team?.direction ?? 0) > 0
        ? 'improves the team'
        : `improves ${r.findingKpi?.metric ?? 'the KPI the finding names'} without making the team objective significantly worse`;
    return { recommended: r.label, statement: `Adopt "${r.label}": it ${removed(r)} and ${how}: ${gain(r)}.` };
  }
  if (neutral.length > 0) {
    const r = neutral[0]!;
    return {
      recommended: r.label,
      statement: `"${r.label}" ${removed(r)}, but the team KPIs do not change significantly (${gain(r)}); adopt it to remove the finding, not for a measured team gain.`,
    };
  }
  const untestedNote =
    open.length > 0
      ? ` ${open.map((r) => `"${r.label}"`).join(', ')} could not be judged: the detector could not test in enough seeds (untested is not clear).`
      : '';
  if (rs.length === 0) return { recommended: null, statement: `No candidate was run for ${f.key}.${untestedNote}` };
  if (costly.length > 0)
    return {
      recommended: null,
      statement: `No candidate helps: ${costly.map((r) => `"${r.label}" ${removed(r)} but costs the team (${gain(r)})`).join('; ')}; the rest leave it in place in more than ${n - need} of ${n} seeds.${untestedNote}`,
    };
  return { recommended: null, statement: `No candidate helps: none removes the finding in ${need} of ${n} seeds.${untestedNote}` };
}

/**
 * Judge every candidate of every finding against the baseline. `variants` maps a label (the
 * baseline's and each candidate's) to its seeds.
 */
export function recommend(
  findings: readonly FindingRef[],
  candidates: readonly Candidate[],
  baselineLabel: string,
  variants: ReadonlyMap<string, readonly SeedObservation[]>,
  weights: Readonly<Record<string, number>>,
  kpiDirections: Readonly<Record<string, 'higher' | 'lower'>>,
  options: RecommendOptions = {},
): FindingResult[] {
  const share = options.removeShare ?? 0.8;
  const alpha = options.alpha ?? 0.05;
  const level = options.level ?? 0.95;
  const base = variants.get(baselineLabel) ?? [];
  const values = (seeds: readonly SeedObservation[], metric: string): number[] =>
    (metric === 'G' ? seeds.map((s) => teamObjective(s.kpis, weights)) : seeds.map((s) => s.kpis[metric] ?? Number.NaN)).filter((v) => Number.isFinite(v));
  const kpiMean = (seeds: readonly SeedObservation[], k: string): number => mean(values(seeds, k));
  /** Compare each candidate with the baseline on one metric (G or a KPI), Holm over the candidates. */
  const compareAll = (
    seedsOf: readonly (readonly SeedObservation[])[],
    labels: readonly string[],
    metric: string,
    better: 'higher' | 'lower',
  ): (TeamComparison | null)[] => {
    const baseX = values(base, metric);
    const baseEst = estimate(baseX, level, `diagnose/${baselineLabel}/${metric}`);
    const xs = seedsOf.map((s) => values(s, metric));
    const ps = xs.map((x) => welchTTest(x, baseX)?.pValue ?? null);
    const tested = ps.flatMap((p, i) => (p === null ? [] : [i]));
    const adjusted = holm(tested.map((i) => ps[i]!));
    const sign = better === 'higher' ? 1 : -1;
    return xs.map((x, i) => {
      if (x.length === 0) return null;
      const k = tested.indexOf(i);
      const pAdj = k >= 0 ? adjusted[k]! : null;
      const diff = welchDiff(x, baseX, level);
      const direction = pAdj !== null && pAdj < alpha && diff.mean !== 0 ? (sign * diff.mean > 0 ? 1 : -1) : 0;
      return {
        metric,
        candidate: estimate(x, level, `diagnose/${labels[i]}/${metric}`),
        baseline: baseEst,
        diff,
        test: 'welch' as const,
        pValue: ps[i]!,
        pAdjusted: pAdj,
        direction,
      };
    });
  };
  return findings.map((f) => {
    const mine = candidates.filter((c) => c.findings.includes(f.key));
    const seedsOf = mine.map((c) => variants.get(c.label) ?? []);
    const labels = mine.map((c) => c.label);
    const teams = compareAll(seedsOf, labels, 'G', 'higher');
    const kpiBetter = f.kpi !== undefined ? kpiDirections[f.kpi] : undefined;
    const findingKpis = f.kpi !== undefined && kpiBetter ? compareAll(seedsOf, labels, f.kpi, kpiBetter) : mine.map(() => null);
    const results: CandidateResult[] = mine.map((c, i) => {
      const seeds = seedsOf[i]!;
      const status = statusCounts(f, seeds);
      const removal = removes(status, share);
      const kpis = Object.fromEntries(
        Object.entries(kpiDirections).map(([k, better]) => [k, { mean: kpiMean(seeds, k), diff: kpiMean(seeds, k) - kpiMean(base, k), better }]),
      );
      const team = teams[i]!;
      const findingKpi = findingKpis[i]!;
      return {
        label: c.label,
        kind: c.kind,
        agents: c.agents,
        rationale: c.rationale,
        values: c.values,
        status,
        removes: removal,
        team,
        findingKpi,
        kpis,
        verdict: verdictOf(removal, team, findingKpi, seeds.length),
      };
    });
    const st = statement(f, results, share, base.length);
    return { finding: f, baseline: statusCounts(f, base), candidates: results, ...st };
  });
}
