/**
 * Reward interactions of a diagnosis, measured on the baseline's seeds:
 *
 * - **Component vs KPI (the ledger).** Per seed, the correlation over metrics windows between each
 *   agent's reward component (higher = better for the agent) and each team KPI oriented so that
 *   higher = better for the team. A negative correlation means the component improves when the
 *   KPI gets worse: the component pulls against the KPI. Seeds are independent, so the seeds'
 *   Fisher-z values are tested with a one-sample t-test (Bonferroni over every component × KPI
 *   pair); with one seed the windows are the sample (autocorrelated windows make that test
 *   liberal, and the result says so). Co-movement is not cause: a common driver (a demand season
 *   raising shipping cost and draining stock) correlates components and KPIs that do not act on
 *   each other, so the report presents these next to the fork-based evidence, not instead of it.
 * - **Agent vs agent (the influence matrix).** The conflict detector's fork-based influence cells
 *   (probes.json): how much agent i's actual choices changed agent j's reward against i's no-op,
 *   per seed; reported as the mean over seeds with a t-interval and the seeds where the harm was
 *   significant in the detector's own test.
 */
import { correlation, mean, normalQuantile, normalSf, sd, studentTQuantile, studentTSf } from '../stats/index.js';
import type { ExperimentSetup } from './setup.js';

/** One seed's ledger and influence matrix. */
export interface SeedLedger {
  readonly rows: readonly Readonly<Record<string, number>>[];
  readonly influence: { readonly cells: readonly { actor: string; affected: string; mean: number; pHarm: number; n: number }[] } | null;
}

/** A component that pulls against (or with) a KPI. */
export interface ComponentKpiLink {
  readonly agent: string;
  readonly component: string;
  readonly kpi: string;
  /** Mean correlation (component better ↔ KPI better) over seeds, with its interval. */
  readonly r: number;
  readonly low: number;
  readonly high: number;
  readonly seeds: number;
  /** p-value for "r ≠ 0", Bonferroni-adjusted over all pairs. */
  readonly pAdjusted: number;
  /** `against`: significantly negative; `with`: significantly positive; `unclear` otherwise. */
  readonly relation: 'against' | 'with' | 'unclear';
}

/** An agent's effect on another agent's reward. */
export interface InfluenceLink {
  readonly actor: string;
  readonly affected: string;
  /** Mean Δ of the affected agent's reward per step (actual − no-op) over seeds, with its interval. */
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly seeds: number;
  /** Seeds in which the detector's own test found the harm significant (pHarm < 0.05 / pairs). */
  readonly harmSeeds: number;
}

/** The measured interactions. */
export interface Interactions {
  readonly componentKpi: readonly ComponentKpiLink[];
  readonly influence: readonly InfluenceLink[];
  /** What a reader should know about how these were measured. */
  readonly notes: readonly string[];
}

const atanh = (r: number): number => 0.5 * Math.log((1 + r) / (1 - r));
const clampR = (r: number): number => Math.max(-0.999999, Math.min(0.999999, r));

function tSummary(xs: readonly number[], level: number): { mean: number; low: number; high: number; p: number } {
  const n = xs.length;
  const m = mean(xs);
  if (n < 2) return { mean: m, low: Number.NaN, high: Number.NaN, p: Number.NaN };
  const s = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1));
  if (s === 0) return { mean: m, low: m, high: m, p: m === 0 ? 1 : 0 };
  const se = s / Math.sqrt(n);
  const h = studentTQuantile(1 - (1 - level) / 2, n - 1) * se;
  return { mean: m, low: m - h, high: m + h, p: Math.min(1, 2 * studentTSf(Math.abs(m / se), n - 1)) };
}

/** Measure component-vs-KPI correlations and agent-vs-agent influence over the baseline seeds. */
export function measureInteractions(setup: ExperimentSetup, seeds: readonly SeedLedger[], alpha = 0.05, level = 0.95): Interactions {
  const notes: string[] = [];
  const pairs: { agent: string; component: string; kpi: string; zs: number[]; windows: number }[] = [];
  for (const a of setup.agents)
    for (const c of a.components)
      for (const k of setup.kpis) {
        const sign = k.better === 'higher' ? 1 : -1;
        const zs: number[] = [];
        let windows = 0;
        for (const s of seeds) {
          const x = s.rows.map((r) => r[`reward/${a.id}/${c}`]);
          const y = s.rows.map((r) => r[`kpi/${k.name}`]);
          if (x.some((v) => typeof v !== 'number') || y.some((v) => typeof v !== 'number') || x.length < 4) continue;
          // A constant series (a component that never pays, a KPI that never moves) says nothing either way.
          if (sd(x as number[]) === 0 || sd(y as number[]) === 0) continue;
          const r = correlation(
            x as number[],
            (y as number[]).map((v) => sign * v),
          );
          if (!Number.isFinite(r)) continue;
          zs.push(atanh(clampR(r)));
          windows = x.length;
        }
        if (zs.length > 0) pairs.push({ agent: a.id, component: c, kpi: k.name, zs, windows });
      }
  const m = Math.max(1, pairs.length);
  const componentKpi: ComponentKpiLink[] = pairs.map((p) => {
    let z: { mean: number; low: number; high: number; p: number };
    if (p.zs.length >= 2) z = tSummary(p.zs, level);
    else {
      // One seed: the windows are the sample (Fisher z has s.e. 1/√(n − 3)).
      const se = 1 / Math.sqrt(Math.max(1, p.windows - 3));
      const zq = normalQuantile(1 - (1 - level) / 2);
      const zm = p.zs[0]!;
      z = { mean: zm, low: zm - zq * se, high: zm + zq * se, p: Math.min(1, 2 * normalSf(Math.abs(zm / se))) };
    }
    const pAdjusted = Number.isFinite(z.p) ? Math.min(1, z.p * m) : 1;
    const r = Math.tanh(z.mean);
    const relation = pAdjusted < alpha ? (r < 0 ? 'against' : 'with') : 'unclear';
    return { agent: p.agent, component: p.component, kpi: p.kpi, r, low: Math.tanh(z.low), high: Math.tanh(z.high), seeds: p.zs.length, pAdjusted, relation };
  });
  if (seeds.length === 1)
    notes.push(
      'one seed: component–KPI correlations are tested over metrics windows, which are autocorrelated, so their p-values are liberal; run --seeds 5 for a test over independent seeds',
    );

  const cells = new Map<string, { actor: string; affected: string; means: number[]; harm: number }>();
  const withMatrix = seeds.filter((s) => s.influence !== null);
  for (const s of withMatrix) {
    const offDiagonal = s.influence!.cells.filter((c) => c.actor !== c.affected);
    for (const c of offDiagonal) {
      const key = `${c.actor}>${c.affected}`;
      const e = cells.get(key) ?? { actor: c.actor, affected: c.affected, means: [], harm: 0 };
      e.means.push(c.mean);
      if (c.pHarm < alpha / Math.max(1, offDiagonal.length)) e.harm++;
      cells.set(key, e);
    }
  }
  const influence: InfluenceLink[] = [...cells.values()].map((e) => {
    const t = tSummary(e.means, level);
    return { actor: e.actor, affected: e.affected, mean: t.mean, low: t.low, high: t.high, seeds: e.means.length, harmSeeds: e.harm };
  });
  if (withMatrix.length === 0)
    notes.push('no influence matrix: the conflict detector was off or had no fork points, so agent-on-agent effects are not measured (not the same as none)');
  return { componentKpi, influence, notes };
}
