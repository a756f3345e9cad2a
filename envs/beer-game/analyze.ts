/**
 * beer-game-v1's end-of-run analysis for the runner (`WorldSpec.analyze`): one greedy evaluation
 * episode per world copy with the run's policies, measuring what the beer game is about: each
 * stage's cost, its order variability and the bullwhip (variance of its orders over the variance of
 * customer demand; > 1 means the stage amplifies demand swings), plus the team cost and fill rate.
 */
import { VecEngine } from '../../src/core/engine.js';
import type { WorldAnalysis, WorldAnalysisContext } from '../../src/core/world.js';
import { STAGES } from './params.js';

/** Mean and variance of a series. */
function variance(x: Float64Array): number {
  let m = 0;
  for (let k = 0; k < x.length; k++) m += x[k]!;
  m /= x.length;
  let v = 0;
  for (let k = 0; k < x.length; k++) v += (x[k]! - m) ** 2;
  return v / x.length;
}

/** Analyse greedy play of the run's policies over one episode per copy. */
export function analyzeBeerGame(ctx: WorldAnalysisContext): WorldAnalysis {
  const { world, policies } = ctx;
  const numEnvs = ctx.engine.numEnvs;
  const T = world.episodeLength;
  const unit = world.params.orderUnit as number;
  const scale = world.decisions!.observationScales[0]![4]!;
  const obsSize = world.observationSpaces[0]!.size;
  const engine = new VecEngine(world, { numEnvs, seed: `${ctx.seed}/analysis` });
  engine.reset();
  const orders = STAGES.map(() => Array.from({ length: numEnvs }, () => new Float64Array(T)));
  const demand = Array.from({ length: numEnvs }, () => new Float64Array(T));
  const stageCost = new Float64Array(STAGES.length);
  let teamCost = 0;
  let fill = 0;
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < STAGES.length; i++) {
      policies[i]!.act(engine.obs[i]!, engine.actions[i]!, 'greedy');
      for (let b = 0; b < numEnvs; b++) orders[i]![b]![t] = Math.max(0, Math.min(world.params.maxOrder as number, Math.floor(engine.actions[i]![b]!))) * unit;
    }
    engine.step();
    for (let b = 0; b < numEnvs; b++) {
      demand[b]![t] = engine.obs[0]![b * obsSize + 4]! * scale;
      teamCost += engine.kpis[b * world.kpis.length]!;
      fill += engine.kpis[b * world.kpis.length + 1]!;
      for (let i = 0; i < STAGES.length; i++) stageCost[i]! -= engine.rewards[i]![2 * b]! + engine.rewards[i]![2 * b + 1]!;
    }
  }
  const perStage = (f: (i: number) => number): Record<string, number> => Object.fromEntries(STAGES.map((s, i) => [s, f(i)]));
  const demandVar = demand.reduce((a, d) => a + variance(d), 0) / numEnvs;
  const orderVar = STAGES.map((_, i) => orders[i]!.reduce((a, o) => a + variance(o), 0) / numEnvs);
  return {
    metrics: {
      'beer/teamCostPerEpisode': teamCost / numEnvs,
      'beer/fillRate': fill / (numEnvs * T),
      'beer/stageCostPerEpisode': perStage((i) => stageCost[i]! / numEnvs),
      'beer/demandStd': Math.sqrt(demandVar),
      'beer/orderStd': perStage((i) => Math.sqrt(orderVar[i]!)),
      'beer/bullwhip': perStage((i) => (demandVar > 0 ? orderVar[i]! / demandVar : 0)),
      'beer/peakOrder': perStage((i) => Math.max(...orders[i]!.map((o) => Math.max(...o)))),
    },
  };
}

/** Lines for `tacit run`'s summary. */
export function formatBeerSummary(summary: Readonly<Record<string, unknown>>): string[] {
  const m = (summary.metrics ?? {}) as Record<string, unknown>;
  if (!('beer/teamCostPerEpisode' in m)) return [];
  const num = (v: unknown): string => {
    const x = typeof v === 'number' ? v : typeof v === 'object' && v !== null && 'mean' in v ? (v as { mean: number }).mean : NaN;
    return Number.isFinite(x) ? x.toFixed(2) : String(v);
  };
  const lines = [
    '  beer game (one greedy evaluation episode per copy):',
    `    team cost per episode  ${num(m['beer/teamCostPerEpisode'])}   fill rate ${num(m['beer/fillRate'])}   demand sd ${num(m['beer/demandStd'])}`,
    `    ${'stage'.padEnd(12)} ${'cost'.padStart(9)} ${'order sd'.padStart(9)} ${'bullwhip'.padStart(9)} ${'peak order'.padStart(11)}`,
  ];
  const get = (key: string, s: string): unknown => ((m[key] ?? {}) as Record<string, unknown>)[s];
  for (const s of STAGES)
    lines.push(
      `    ${s.padEnd(12)} ${num(get('beer/stageCostPerEpisode', s)).padStart(9)} ${num(get('beer/orderStd', s)).padStart(9)} ${num(get('beer/bullwhip', s)).padStart(9)} ${num(get('beer/peakOrder', s)).padStart(11)}`,
    );
  return lines;
}
