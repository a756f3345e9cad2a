/**
 * warehouse-v1's end-of-run analysis for the runner (`WorldSpec.analyze`): one greedy evaluation
 * episode per world copy with the run's policies. It reports per episode what the scenarios are
 * about: each role's cost (its negated local reward) next to the team's KPIs, peak working capital
 * against the budget, days in overflow, event counts, and the KPIs inside every scheduled demand
 * shock (where a data silo shows up as stockouts).
 */
import { VecEngine } from '../../src/core/engine.js';
import type { WorldAnalysis, WorldAnalysisContext } from '../../src/core/world.js';
import { KPI_NAMES } from './day.js';
import { warehouseParamsSchema } from './params.js';

const K = Object.fromEntries(KPI_NAMES.map((n, j) => [n, j])) as Record<(typeof KPI_NAMES)[number], number>;

/** Analyse greedy play of the run's policies over one episode per copy. */
export function analyzeWarehouse(ctx: WorldAnalysisContext): WorldAnalysis {
  const { world, policies } = ctx;
  const p = warehouseParamsSchema().parse(world.params); // once per analysis: the params typed, and checked
  const numEnvs = ctx.engine.numEnvs;
  const T = world.episodeLength;
  const nK = world.kpis.length;
  const engine = new VecEngine(world, { numEnvs, seed: `${ctx.seed}/analysis` });
  engine.reset();
  const roleCost = world.agents.map(() => 0);
  const kpiSum = new Float64Array(nK);
  let peakWc = 0;
  let overflowDays = 0;
  const events: Record<string, number> = {};
  const shocks = p.demand.shocks.map((s) => ({
    from: s.startDay / p.periodDays,
    to: (s.startDay + s.days) / p.periodDays,
    fill: 0,
    stockouts: 0,
    lost: 0,
    n: 0,
  }));
  const features = new Float64Array(world.features.length);
  const overflowFeature = world.features.indexOf('overflow');
  for (let t = 1; t <= T; t++) {
    for (let i = 0; i < policies.length; i++) policies[i]!.act(engine.obs[i]!, engine.actions[i]!, 'greedy');
    engine.step();
    for (let b = 0; b < numEnvs; b++) {
      for (let i = 0; i < policies.length; i++) {
        const n = world.rewardComponents[i]!.length;
        for (let k = 0; k < n; k++) roleCost[i]! -= engine.rewards[i]![b * n + k]! / p.rewardScale;
      }
      const row = b * nK;
      for (let j = 0; j < nK; j++) kpiSum[j]! += engine.kpis[row + j]!;
      peakWc = Math.max(peakWc, engine.kpis[row + K.workingCapital]!);
      for (const s of shocks)
        if (t >= s.from && t < s.to) {
          s.fill += engine.kpis[row + K.fillRate]!;
          s.stockouts += engine.kpis[row + K.stockouts]!;
          s.lost += engine.kpis[row + K.lostSales]!;
          s.n++;
        }
      // States are final-of-episode only at t = T; read overflow before the autoreset replaces it.
      if (t < T) {
        world.readFeatures(engine.states[b]!, features);
        if (features[overflowFeature]! > 0) overflowDays++;
      }
    }
    for (const e of engine.events) events[e.event.type] = (events[e.event.type] ?? 0) + 1 / numEnvs;
  }
  const perEpisode = (j: number): number => kpiSum[j]! / numEnvs;
  const perDay = (j: number): number => kpiSum[j]! / (numEnvs * T);
  return {
    metrics: {
      'warehouse/roleCostPerEpisode': Object.fromEntries(world.agents.map((a, i) => [a.id, roleCost[i]! / numEnvs])),
      'warehouse/perEpisode': {
        costToServe: perEpisode(K.costToServe),
        profit: perEpisode(K.profit),
        stockouts: perEpisode(K.stockouts),
        lostSales: perEpisode(K.lostSales),
        fillRate: perDay(K.fillRate),
        onTimeRate: perDay(K.onTimeRate),
        serviceOk: perDay(K.serviceOk),
        meanWorkingCapital: perDay(K.workingCapital),
        meanBudgetOverrun: perDay(K.budgetOverrun),
      },
      'warehouse/peakWorkingCapital': peakWc,
      'warehouse/workingCapitalBudget': p.workingCapitalBudget,
      'warehouse/overflowDaysPerEpisode': overflowDays / numEnvs,
      'warehouse/eventsPerEpisode': events,
      'warehouse/shocks': shocks.map((s) => ({
        fromPeriod: s.from,
        toPeriod: s.to,
        fillRate: s.n > 0 ? s.fill / s.n : null,
        stockoutsPerEpisode: s.stockouts / numEnvs,
        lostSalesPerEpisode: s.lost / numEnvs,
      })),
    },
  };
}

/** Lines for `tacit run`'s summary. */
export function formatWarehouseSummary(summary: Readonly<Record<string, unknown>>): string[] {
  const m = (summary.metrics ?? {}) as Record<string, unknown>;
  if (!('warehouse/perEpisode' in m)) return [];
  const num = (v: unknown, d = 1): string => {
    const x = typeof v === 'number' ? v : typeof v === 'object' && v !== null && 'mean' in v ? (v as { mean: number }).mean : NaN;
    return Number.isFinite(x) ? x.toFixed(d) : String(v);
  };
  const ep = m['warehouse/perEpisode'] as Record<string, unknown>;
  const roles = (m['warehouse/roleCostPerEpisode'] ?? {}) as Record<string, unknown>;
  const lines = [
    '  warehouse (one greedy evaluation episode per copy):',
    `    cost to serve ${num(ep.costToServe)}, profit ${num(ep.profit)}, stockouts ${num(ep.stockouts)}, lost sales ${num(ep.lostSales)}`,
    `    fill rate ${num(ep.fillRate, 3)}, on time ${num(ep.onTimeRate, 3)}, service ok ${num(ep.serviceOk, 3)}`,
    `    working capital mean ${num(ep.meanWorkingCapital)}, peak ${num(m['warehouse/peakWorkingCapital'])} (budget ${num(m['warehouse/workingCapitalBudget'])}), overflow days ${num(m['warehouse/overflowDaysPerEpisode'])}`,
    `    role cost per episode: ${Object.entries(roles)
      .map(([r, v]) => `${r} ${num(v)}`)
      .join(', ')}`,
  ];
  const shocks = (m['warehouse/shocks'] ?? []) as Record<string, unknown>[];
  for (const s of Array.isArray(shocks) ? shocks : [])
    lines.push(
      `    shock periods ${num(s.fromPeriod, 0)}-${num(s.toPeriod, 0)}: fill rate ${num(s.fillRate, 3)}, stockouts ${num(s.stockoutsPerEpisode)}, lost sales ${num(s.lostSalesPerEpisode)}`,
    );
  return lines;
}
