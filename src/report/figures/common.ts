/**
 * Shared pieces of the report's figures: the figure/section types the page renders, the colour
 * palette, a layout base, and aggregation of a metrics series across seeds (mean and Student-t
 * band per window, binned to a bounded number of points so reports of long runs stay small).
 */
import { mean, tInterval } from '../../stats/index.js';
import type { SeedRecord } from '../load.js';

/** One Plotly figure: traces and layout as plain JSON. */
export interface Figure {
  /** DOM id (also the PNG file name). */
  readonly id: string;
  readonly title: string;
  /** One sentence on how to read it. */
  readonly caption: string;
  readonly data: Record<string, unknown>[];
  readonly layout: Record<string, unknown>;
}

/** A report section: figures, or a note saying why there are none. */
export interface Section {
  readonly id: string;
  readonly title: string;
  readonly intro: string;
  readonly figures: Figure[];
  /** Set when the section's data does not exist for these runs. */
  readonly unavailable: string | null;
  /** Extra HTML (tables) placed after the figures. */
  readonly html?: string;
  /** Figures whose placeholders are inside `html` (drawn like the others). */
  readonly inlineFigures?: Figure[];
}

/** Colour-blind-friendly palette (Okabe–Ito without yellow, which vanishes on white; then Tableau). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#882255', '#4E79A7', '#F28E2B', '#59A14F', '#B07AA1', '#333333'];

/** The i-th palette colour. */
export function colour(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** `#rrggbb` with an alpha, as rgba(). */
export function rgba(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/** Layout shared by every figure; `extra` overrides it, merging into the axis objects. */
export function baseLayout(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const axis = { gridcolor: '#ececec', zeroline: false, automargin: true };
  const { xaxis, yaxis, ...rest } = extra as { xaxis?: Record<string, unknown>; yaxis?: Record<string, unknown> };
  return {
    title: { text: title, x: 0.01, xanchor: 'left', font: { size: 15 } },
    font: { family: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif', size: 12, color: '#222' },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    margin: { l: 64, r: 24, t: 48, b: 56 },
    height: 420,
    hovermode: 'x unified',
    // Below the x-axis title: anchored by its top edge so more rows grow downwards, not into the plot.
    legend: { orientation: 'h', y: -0.32, yanchor: 'top', x: 0, font: { size: 11 }, tracegroupgap: 0 },
    xaxis: { ...axis, ...xaxis },
    yaxis: { ...axis, ...yaxis },
    ...rest,
  };
}

/** A series aggregated across seeds: x, mean, and the band. */
export interface Series {
  readonly x: number[];
  readonly mean: number[];
  readonly low: number[];
  readonly high: number[];
  /** Seeds contributing to the series. */
  readonly seeds: number;
}

/**
 * Fewest seeds for which the report draws a mean's confidence interval, a learning-curve band or
 * significance letters. Below it a 95% t-interval is mostly its multiplier (t = 12.7 at n = 2, 4.3
 * at n = 3, 2.8 at n = 5) and pairwise tests have almost no power after a Holm correction, so
 * letters would say "no difference" for lack of data; the report shows each seed's value instead.
 */
export const MIN_SEEDS_FOR_INTERVALS = 5;

/** Why intervals are not drawn, for captions. */
export function tooFewSeedsNote(n: number): string {
  return `${n} seed${n === 1 ? '' : 's'}: each seed shown, no interval or letters (they need at least ${MIN_SEEDS_FOR_INTERVALS} seeds; below that a 95% interval is mostly its t multiplier and tests have almost no power)`;
}

/** Most points drawn per series. */
export const MAX_POINTS = 300;

/**
 * `key` of metrics.jsonl across seeds: each seed's windows are binned (mean within a bin) onto the
 * union of steps, then each bin gets the mean across seeds and a 95% t-interval. `transform` maps
 * each value first (e.g. a grid index to a price). Null when no seed has the key.
 */
export function seriesAcrossSeeds(seeds: readonly SeedRecord[], key: string, maxPoints = MAX_POINTS, transform?: (x: number) => number): Series | null {
  const perSeed = seeds.map((s) => s.metrics().filter((r) => typeof r[key] === 'number' && Number.isFinite(r[key]) && typeof r['step'] === 'number'));
  const contributing = perSeed.filter((rows) => rows.length > 0);
  if (contributing.length === 0) return null;
  const steps = [...new Set(contributing.flatMap((rows) => rows.map((r) => r['step']!)))].sort((a, b) => a - b);
  const binSize = Math.max(1, Math.ceil(steps.length / maxPoints));
  const binOf = new Map(steps.map((s, i) => [s, Math.floor(i / binSize)]));
  const nBins = Math.ceil(steps.length / binSize);
  const binned = contributing.map((rows) => {
    const sums = new Float64Array(nBins);
    const counts = new Float64Array(nBins);
    for (const r of rows) {
      const b = binOf.get(r['step']!)!;
      sums[b]! += transform ? transform(r[key]!) : r[key]!;
      counts[b]! += 1;
    }
    return Array.from(sums, (s, b) => (counts[b]! > 0 ? s / counts[b]! : Number.NaN));
  });
  const out: Series = { x: [], mean: [], low: [], high: [], seeds: contributing.length };
  for (let b = 0; b < nBins; b++) {
    const vals = binned.map((v) => v[b]!).filter(Number.isFinite);
    if (vals.length === 0) continue;
    const ci = tInterval(vals);
    out.x.push(steps[Math.min(steps.length - 1, (b + 1) * binSize - 1)]!);
    out.mean.push(mean(vals));
    out.low.push(ci.low);
    out.high.push(ci.high);
  }
  return out;
}

/** A line trace plus (with enough seeds) a translucent band polygon, sharing a legend group. */
export function lineWithBand(series: Series, name: string, col: string, extra: Record<string, unknown> = {}): Record<string, unknown>[] {
  const traces: Record<string, unknown>[] = [];
  if (series.seeds >= MIN_SEEDS_FOR_INTERVALS)
    traces.push({
      type: 'scatter',
      mode: 'lines',
      x: [...series.x, ...[...series.x].reverse()],
      y: [...series.high, ...[...series.low].reverse()],
      fill: 'toself',
      fillcolor: rgba(col, 0.15),
      line: { width: 0, color: rgba(col, 0) },
      hoverinfo: 'skip',
      showlegend: false,
      legendgroup: name,
      name: `${name} band`,
      ...(extra['yaxis'] ? { yaxis: extra['yaxis'] } : {}),
    });
  traces.push({ type: 'scatter', mode: 'lines', x: series.x, y: series.mean, name, legendgroup: name, line: { color: col, width: 2 }, ...extra });
  return traces;
}

/** Each seed's own line, thin and translucent, in the legend group of `name` (for too few seeds for a band). */
export function seedLines(seeds: readonly SeedRecord[], key: string, name: string, col: string, maxPoints = MAX_POINTS): Record<string, unknown>[] {
  if (seeds.length < 2 || seeds.length >= MIN_SEEDS_FOR_INTERVALS) return [];
  return seeds.flatMap((seed, k) => {
    const s = seriesAcrossSeeds([seed], key, maxPoints);
    return s
      ? [
          {
            type: 'scatter',
            mode: 'lines',
            x: s.x,
            y: s.mean,
            name: `${name} seed ${k}`,
            legendgroup: name,
            showlegend: false,
            hoverinfo: 'skip',
            line: { color: rgba(col, 0.35), width: 1 },
          },
        ]
      : [];
  });
}

/** Agent ids that appear in any seed summary or metrics key `reward/<agent>`, in first-seen order. */
export function agentIds(seeds: readonly SeedRecord[]): string[] {
  const ids = new Set<string>();
  for (const s of seeds) Object.keys(s.summary.agents ?? {}).forEach((a) => ids.add(a));
  return [...ids];
}

/** KPI names reported by the seeds' summaries. */
export function kpiNames(seeds: readonly SeedRecord[]): string[] {
  const names = new Set<string>();
  for (const s of seeds) Object.keys(s.summary.kpis ?? {}).forEach((k) => names.add(k));
  return [...names];
}

/** A DOM-safe id fragment. */
export function slug(s: string): string {
  return (
    s
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'x'
  );
}
