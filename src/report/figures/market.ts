/**
 * Market figures (for runs whose metrics carry price series): each firm's price path over training,
 * with the one-shot Nash and monopoly prices as reference lines when the run reports them, and the
 * deviation impulse response — prices in the periods after one firm is forced to deviate, the
 * signature of reward-punishment schemes in algorithmic collusion (Calvano et al. 2020, Fig. 4).
 *
 * Read from the results files:
 *   metrics.jsonl   `market/price/<agent>` (per-step mean price in the window) when present;
 *                   otherwise, for worlds whose actions stand for prices (World.actionValues),
 *                   `action/<agent>` (mean grid index) mapped to a price through the agent's
 *                   price grid (exact for market-v1's evenly spaced grids)
 *   summary.json    metrics[`market/benchmarks`].nashPrice / .monopolyPrice (per firm) or
 *                   metrics[`market/nashPrice`] / [`market/monopolyPrice`]; the impulse response
 *                   at metrics[`market/impulseResponse`] — market-v1's `{pre: {price: {<firm>: p}},
 *                   t00: {price: …}, t01: …}` with the deviator in metrics[`market/deviation`] — or
 *                   `{deviator, steps, prices: {<firm>: number[]}}` there or in a finding's
 *                   evidence.impulseResponse
 */
import { actionValuesFromSummary } from '../../core/world-action-values.js';
import { worlds } from '../../../envs/index.js';
import type { SeedRecord } from '../load.js';
import type { Variant } from '../variants.js';
import { baseLayout, colour, lineWithBand, MAX_POINTS, seriesAcrossSeeds, slug, type Figure, type Section } from './common.js';
import { MAX_VARIANT_FIGURES } from './curves.js';
import { metricsKey } from '../../core/metrics-row.js';

const PRICE_KEY = /^market\/price\/(.+)$/;

/** Agents with a price series in any seed's metrics. */
export function priceAgents(seeds: readonly SeedRecord[]): string[] {
  const ids = new Set<string>();
  for (const s of seeds)
    for (const row of s.metrics().slice(0, 3))
      for (const k of Object.keys(row)) {
        const m = PRICE_KEY.exec(k);
        if (m) ids.add(m[1]!);
      }
  return [...ids];
}

/**
 * Each firm's price grid when the run's world declares its actions to stand for prices
 * (World.actionValues with quantity `price`, e.g. market-v1), so `action/<firm>` (mean grid
 * index) can be read as a price; null otherwise. Read from summary.json `actionValues`; only for
 * folders written before the runner wrote them, built from the run's world for its params.
 */
export function priceGrids(variant: Variant): Record<string, ArrayLike<number>> | null {
  // The runner writes the world's action values into summary.json; folders from before it did get
  // them by building the run's world below.
  for (const run of variant.runs) {
    const written = actionValuesFromSummary(run.summary) ?? run.seeds.map((s) => actionValuesFromSummary(s.summary)).find((v) => v !== undefined);
    if (written) return written.quantity === 'price' ? written.byAgent : null;
  }
  const env = variant.runs[0]?.config['env'] as { id?: string; params?: Record<string, unknown> } | undefined;
  if (!env?.id || !worlds.has(env.id)) return null;
  const spec = worlds.get(env.id);
  try {
    const world = spec.create(spec.paramsSchema.parse(env.params ?? {}));
    const values = world.actionValues;
    if (values?.quantity !== 'price') return null;
    const grids: Record<string, ArrayLike<number>> = {};
    world.agents.forEach((a, i) => {
      const v = values.byAgent[i];
      if (v) grids[a.id] = v;
    });
    return grids;
  } catch {
    return null;
  }
}

/** The price at a fractional grid index (linear interpolation between grid points). */
export function priceAt(grid: ArrayLike<number>, index: number): number {
  const lo = Math.max(0, Math.min(grid.length - 1, Math.floor(index)));
  const hi = Math.min(grid.length - 1, lo + 1);
  return grid[lo]! + (index - lo) * (grid[hi]! - grid[lo]!);
}

/** The impulse response recorded for a seed, if any. */
export interface ImpulseResponse {
  readonly deviator: string;
  readonly steps: number[];
  readonly prices: Record<string, number[]>;
  readonly nashPrice?: number;
  readonly monopolyPrice?: number;
  /** Seeds averaged (for the mean response). */
  readonly seeds?: number;
}

/** Already in ImpulseResponse form (as findings' evidence carries it): steps and per-firm prices. */
function isImpulseResponse(o: object): o is ImpulseResponse {
  return 'steps' in o && Array.isArray(o.steps) && 'prices' in o && typeof o.prices === 'object' && o.prices !== null;
}

function asImpulse(v: unknown, deviator: unknown): ImpulseResponse | null {
  if (!v || typeof v !== 'object') return null;
  if (isImpulseResponse(v)) return v;
  const o = v as Record<string, unknown>;
  // market-v1: {pre: {price: {firm: p}}, t00: {price: {...}}, t01: ...}; t00 is the deviation period.
  const periods = Object.keys(o)
    .filter((k) => /^t\d+$/.test(k))
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  if (periods.length === 0) return null;
  const priceOf = (k: string): Record<string, number> | undefined => (o[k] as { price?: Record<string, number> } | undefined)?.price;
  const keys = o['pre'] ? ['pre', ...periods] : periods;
  const firms = Object.keys(priceOf(periods[0]!) ?? {});
  if (firms.length === 0) return null;
  const prices = Object.fromEntries(firms.map((f) => [f, keys.map((k) => priceOf(k)?.[f] ?? Number.NaN)]));
  const steps = keys.map((k) => (k === 'pre' ? -1 : Number(k.slice(1))));
  return { deviator: typeof deviator === 'string' ? deviator : firms[0]!, steps, prices };
}

/** A seed's impulse response from its summary metrics or its findings' evidence. */
export function impulseOf(seed: SeedRecord): ImpulseResponse | null {
  const m = seed.summary.metrics ?? {};
  const fromMetrics = asImpulse(m['market/impulseResponse'], (m['market/deviation'] as { deviator?: unknown } | undefined)?.deviator);
  if (fromMetrics) return fromMetrics;
  for (const f of seed.findings()) {
    const ir = asImpulse(f.evidence?.['impulseResponse'], undefined);
    if (ir) return ir;
  }
  return null;
}

function meanOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v && typeof v === 'object') {
    const xs = Object.values(v).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
  }
  return null;
}

function refPrice(seeds: readonly SeedRecord[], key: 'nashPrice' | 'monopolyPrice', ir: ImpulseResponse | null): number | null {
  for (const s of seeds) {
    const m = s.summary.metrics ?? {};
    const v = meanOf(m[`market/${key}`]) ?? meanOf((m['market/benchmarks'] as Record<string, unknown> | undefined)?.[key]);
    if (v !== null) return v;
  }
  return meanOf(ir?.[key]);
}

function refLines(nash: number | null, monopoly: number | null): { shapes: Record<string, unknown>[]; annotations: Record<string, unknown>[] } {
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  for (const [y, label] of [
    [nash, 'Nash'],
    [monopoly, 'monopoly'],
  ] as const) {
    if (y === null) continue;
    shapes.push({ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: y, y1: y, line: { color: '#777', width: 1, dash: 'dash' } });
    annotations.push({
      xref: 'paper',
      x: 1,
      y,
      text: `${label} ${y.toFixed(3)}`,
      showarrow: false,
      xanchor: 'right',
      yanchor: 'bottom',
      font: { size: 10, color: '#555' },
    });
  }
  return { shapes, annotations };
}

/** Mean impulse response across the seeds that recorded one with the same steps and deviator. */
function meanImpulse(irs: readonly ImpulseResponse[]): ImpulseResponse {
  const first = irs[0]!;
  const same = irs.filter((ir) => ir.deviator === first.deviator && ir.steps.join() === first.steps.join());
  const prices: Record<string, number[]> = {};
  for (const agent of Object.keys(first.prices))
    prices[agent] = first.steps.map((_, k) => same.reduce((s, ir) => s + (ir.prices[agent]?.[k] ?? Number.NaN), 0) / same.length);
  return { ...first, prices, seeds: same.length };
}

/** Price paths and impulse responses of the market variants. */
export function marketFigures(variants: readonly Variant[]): Section {
  const figures: Figure[] = [];
  let shown = 0;
  variants.forEach((v, vi) => {
    let agents = priceAgents(v.seeds);
    const grids = agents.length === 0 ? priceGrids(v) : null;
    if (grids) agents = Object.keys(grids);
    const irs = v.seeds.map(impulseOf).filter((x): x is ImpulseResponse => x !== null);
    if ((agents.length === 0 && irs.length === 0) || shown >= MAX_VARIANT_FIGURES) return;
    shown++;
    const ir = irs.length ? meanImpulse(irs) : null;
    const refs = refLines(refPrice(v.seeds, 'nashPrice', ir), refPrice(v.seeds, 'monopolyPrice', ir));
    if (agents.length) {
      const data = agents.flatMap((a, i) => {
        const grid = grids?.[a];
        const s = grid
          ? seriesAcrossSeeds(v.seeds, metricsKey.action(a), MAX_POINTS, (x) => priceAt(grid, x))
          : seriesAcrossSeeds(v.seeds, `market/price/${a}`);
        return s ? lineWithBand(s, a, colour(i)) : [];
      });
      figures.push({
        id: `prices-${vi}-${slug(v.label)}`,
        title: `Price paths — ${v.label}`,
        caption: `Each firm’s mean price per metrics window${grids ? ' (its mean grid index read on its price grid)' : ''} (band: 95% t-interval over ${v.seeds.length} seed(s)); dashed: one-shot Nash and monopoly prices when reported.`,
        data,
        layout: baseLayout(`Price paths — ${v.label}`, {
          xaxis: { title: { text: 'engine step' }, gridcolor: '#ececec' },
          yaxis: { title: { text: 'price' }, gridcolor: '#ececec' },
          ...refs,
        }),
      });
    }
    if (ir) {
      const data = Object.entries(ir.prices).map(([a, ys], i) => ({
        type: 'scatter',
        mode: 'lines+markers',
        x: ir.steps,
        y: ys,
        name: a === ir.deviator ? `${a} (deviator)` : a,
        line: { color: colour(i), width: 2 },
        marker: { size: 5 },
      }));
      figures.push({
        id: `impulse-${vi}-${slug(v.label)}`,
        title: `Deviation impulse response — ${v.label}`,
        caption: `Prices after ${ir.deviator} is made to deviate at period 0 (mean over ${ir.seeds ?? irs.length} seed(s)): a punishment followed by a return to high prices indicates reward-punishment collusion.`,
        data,
        layout: baseLayout(`Deviation impulse response — ${v.label}`, {
          hovermode: 'closest',
          xaxis: { title: { text: 'periods after the deviation' }, gridcolor: '#ececec', ...(ir.steps.length <= 15 ? { dtick: 1 } : {}) },
          yaxis: { title: { text: 'price' }, gridcolor: '#ececec' },
          shapes: [...refs.shapes, { type: 'line', x0: 0, x1: 0, yref: 'paper', y0: 0, y1: 1, line: { color: '#d62728', width: 1, dash: 'dot' } }],
          annotations: refs.annotations,
        }),
      });
    }
  });
  return {
    id: 'market',
    title: 'Market: prices and deviation response',
    intro: 'Price paths over training and the response of prices to a forced deviation.',
    figures,
    unavailable: figures.length
      ? null
      : 'Not available for these runs: they record no market price series (market/price/<agent>) and no deviation impulse response — these figures appear for market worlds.',
  };
}
