/**
 * goodhart's run-level test for learned, lagged divergence: an agent's reward is higher at the end
 * of the run than at its start, while a team KPI is worse at the end than at its best earlier
 * stretch. Learned Goodhart is usually lagged (the reward rises early while the KPI is still
 * improving from a poor random start; the KPI collapses later, after the reward has levelled off),
 * so trends inside one window miss it; block contrasts over the whole run do not.
 *
 * At a look with n rows, blocks of m = max(minSegmentRows, segment·n) rows: the start [0, m), the
 * end [n − m, n) and the earlier blocks [0, m), [m, 2m), …. Per series, src/stats/block-contrast.ts
 * gives autocorrelation-robust (AR(1) with an upper φ bound, detrended block variances) one-sided
 * p-values: "reward end > start" and "KPI end < best earlier block" (the best block's selection
 * paid for by the max-of-B correction).
 *
 * Multiplicity without multiplying: a pair (agent reward, KPI) fires when its reward test and its
 * KPI test both reject. A false pair needs a false reward rejection or a false KPI rejection, so
 * testing the reward family (agents × signals) with Holm at α/2 and the KPI family with Holm at
 * α/2 bounds the run's false-alarm rate by α, whatever the number of pairs: the cost grows with
 * agents + KPIs, not agents × KPIs. Looks at row counts growing geometrically (plus one reserved
 * for an unplanned end) are Bonferroni-corrected; there are few of them.
 */
import { blockMean, blockNoise, dropFromBestContrast, riseContrast } from '../stats/block-contrast.js';
import { holm } from '../stats/multiple.js';
import type { Ledger } from './ledger.js';
import type { DetectorContext, Finding } from './types.js';
import { metricsKey } from '../core/metrics-row.js';

/**
 * What the contrast reads of goodhart's params (their schema and defaults: goodhartParams in
 * goodhart.ts, which passes its own params here, so the compiler keeps the two in step).
 */
export interface ContrastSettings {
  /** Agents whose rewards are tested (empty: every agent). */
  readonly agents: readonly string[];
  readonly signals: readonly ('shaped' | 'local')[];
  readonly kpis: readonly string[];
  readonly minKpiDrop: number;
  readonly alpha: number;
  readonly topComponents: number;
  readonly contrast: {
    readonly enabled: boolean;
    readonly segment: number;
    readonly minSegmentRows: number;
    readonly phiQuantile: number;
    readonly alphaShare: number;
    readonly lookGrowth: number;
  };
}

/** Whether the agent's rewards are tested (detectors.goodhart.agents; empty: every agent). */
export function testsAgent(params: Pick<ContrastSettings, 'agents'>, agent: string): boolean {
  return params.agents.length === 0 || params.agents.includes(agent);
}

/** Finding kind of the run-level contrast. */
export const CUMULATIVE = 'reward-up-kpi-down-cumulative';

/** Rows the contrast needs: three blocks. */
export function contrastMinRows(params: ContrastSettings): number {
  return 3 * params.contrast.minSegmentRows;
}

/** Row counts at which the contrast looks: from the minimum, growing by `growth`, ending at `planned`. */
export function lookRows(min: number, planned: number, growth: number): number[] {
  if (planned < min) return [];
  const out: number[] = [];
  for (let n = min; n < planned; n = Math.max(n + 1, Math.ceil(n * growth))) out.push(n);
  out.push(planned);
  return out;
}

/** The run-level contrast as an online test inside goodhart. */
export interface ContrastTest {
  push(ledger: Ledger): Finding[];
  finish(ledger: Ledger): { findings: Finding[]; looks: number; tests: number };
}

interface RewardTest {
  agent: string;
  i: number;
  signal: 'local' | 'shaped';
  p: number;
  evidence: Record<string, unknown>;
}

interface KpiTest {
  kpi: string;
  p: number;
  drop: number;
  bestEndRow: number;
  evidence: Record<string, unknown>;
}

/** Start the contrast with false-alarm budget `alpha` (its share of goodhart's). */
export function createContrast(params: ContrastSettings, context: DetectorContext, alpha: number): ContrastTest {
  const c = params.contrast;
  const minRows = contrastMinRows(params);
  const schedule = context.plannedRows !== undefined ? lookRows(minRows, context.plannedRows, c.lookGrowth) : [];
  // One extra look is reserved for a run that ends at a row count not on the schedule.
  const looksPlanned = schedule.length + 1;
  const level = alpha / 2 / looksPlanned;
  const open = new Map<string, Finding>();
  let looks = 0;
  let tests = 0;
  let lastLook = -1;

  const evaluate = (ledger: Ledger, n: number): Finding[] => {
    looks++;
    lastLook = n;
    const m = Math.min(Math.floor(n / 3), Math.max(c.minSegmentRows, Math.floor(c.segment * n)));
    const { agents, kpis } = ledger.meta;
    const steps = ledger.steps;
    const rewards: RewardTest[] = [];
    agents.forEach((agent, i) => {
      if (!testsAgent(params, agent)) return;
      const local = ledger.local[i]!;
      const shaped = ledger.shaped[i]!;
      const same = params.signals.length === 2 && sameOver(local, shaped, n);
      for (const signal of same ? (['local'] as const) : params.signals) {
        const x = signal === 'local' ? local : shaped;
        const noise = blockNoise(x, n, m, c.phiQuantile);
        if (!noise) continue;
        const t = riseContrast(x, n, noise);
        rewards.push({
          agent,
          i,
          signal,
          p: t.p,
          evidence: {
            series: `${signal === 'local' ? 'reward' : 'shaped'}/${agent}`,
            startMean: blockMean(x, 0, m).mean,
            endMean: blockMean(x, n - m, n).mean,
            change: t.diff,
            se: t.se,
            t: t.t,
            pOneSided: t.p,
            phiBound: noise.phi,
            startSteps: [steps[0]!, steps[m - 1]!],
            endSteps: [steps[n - m]!, steps[n - 1]!],
          },
        });
      }
    });
    const kpiTests: KpiTest[] = [];
    kpis.forEach((kpi, k) => {
      if (params.kpis.length > 0 && !params.kpis.includes(kpi.name)) return;
      const raw = ledger.kpis[k]!;
      const sign = kpi.better === 'higher' ? 1 : -1;
      const x = sign === 1 ? raw : raw.map((v) => -v);
      const noise = blockNoise(x, n, m, c.phiQuantile);
      if (!noise) return;
      const t = dropFromBestContrast(x, n, noise);
      const bestEndRow = (t.bestBlock + 1) * m - 1;
      kpiTests.push({
        kpi: kpi.name,
        p: t.p,
        drop: t.diff,
        bestEndRow,
        evidence: {
          series: metricsKey.kpi(kpi.name),
          better: kpi.better,
          bestBlock: { startStep: steps[t.bestBlock * m]!, endStep: steps[bestEndRow]!, mean: sign * t.bestMean },
          endMean: sign * t.endMean,
          change: sign * (t.endMean - t.bestMean),
          relativeChange: Math.abs(t.bestMean) > 0 ? (t.endMean - t.bestMean) / Math.abs(t.bestMean) : null,
          se: t.se,
          t: t.t,
          pMaxCorrected: t.p,
          blocksCompared: t.blocksCompared,
          phiBound: noise.phi,
        },
      });
    });
    tests = (rewards.length + kpiTests.length) * looksPlanned;
    const rAdj = holm(rewards.map((r) => r.p));
    const kAdj = holm(kpiTests.map((r) => r.p));
    const out: Finding[] = [];
    rewards.forEach((rw, a) => {
      if (rAdj[a]! > level) return;
      kpiTests.forEach((kt, b) => {
        if (kAdj[b]! > level || kt.drop < params.minKpiDrop) return;
        const key = `${rw.agent}|${rw.signal}|${kt.kpi}`;
        const pValue = Math.min(1, (Math.max(rAdj[a]!, kAdj[b]!) / level) * params.alpha);
        const finding: Finding = {
          type: 'finding',
          detector: 'goodhart',
          kind: CUMULATIVE,
          agents: [rw.agent],
          startStep: steps[kt.bestEndRow]!,
          endStep: steps[n - 1]!,
          score: (kt.evidence['relativeChange'] as number | null) === null ? kt.drop : Math.abs(kt.evidence['relativeChange'] as number),
          pValue,
          evidence: {
            signal: rw.signal,
            kpi: kt.kpi,
            kpiBetter: kt.evidence['better'],
            method: 'start-vs-end contrast',
            look: { rows: n, blockRows: m, endStep: steps[n - 1]! },
            reward: rw.evidence,
            kpiContrast: kt.evidence,
            components: componentContrasts(ledger, rw.i, n, m, params.topComponents),
            test: {
              alpha,
              level,
              looks: looksPlanned,
              rewardFamily: rewards.length,
              kpiFamily: kpiTests.length,
              method:
                'block-mean contrasts (AR(1) φ bound, detrended block variance); reward end > start, KPI end < best earlier block (max-of-B corrected); Holm at α/2 within rewards and within KPIs; Bonferroni over looks',
            },
            scoreIs: 'relative KPI change from its best block to the end',
          },
        };
        const prev = open.get(key);
        if (prev) {
          open.set(key, {
            ...finding,
            startStep: prev.startStep,
            evidence: { ...finding.evidence, firstLook: prev.evidence['firstLook'] ?? prev.evidence['look'] },
          });
        } else {
          open.set(key, finding);
          out.push(finding);
        }
      });
    });
    return out;
  };

  return {
    push(ledger) {
      const n = ledger.length;
      return schedule.includes(n) ? evaluate(ledger, n) : [];
    },
    finish(ledger) {
      const n = ledger.length;
      if (n >= minRows && lastLook !== n) evaluate(ledger, n);
      return { findings: [...open.values()], looks, tests };
    },
  };
}

/** Whether two series agree on their first n rows. */
function sameOver(a: readonly number[], b: readonly number[], n: number): boolean {
  for (let t = 0; t < n; t++) if (a[t] !== b[t] && !(Number.isNaN(a[t]) && Number.isNaN(b[t]))) return false;
  return true;
}

/** The agent's reward components with the largest change from the start block to the end block. */
function componentContrasts(
  ledger: Ledger,
  i: number,
  n: number,
  m: number,
  top: number,
): { component: string; change: number; startMean: number; endMean: number }[] {
  return ledger.meta.components[i]!.map((component, k) => {
    const x = ledger.components[i]![k]!;
    const startMean = blockMean(x, 0, m).mean;
    const endMean = blockMean(x, n - m, n).mean;
    return { component, change: endMean - startMean, startMean, endMean };
  })
    .filter((c) => Number.isFinite(c.change))
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))
    .slice(0, top);
}
