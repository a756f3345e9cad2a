/**
 * The scheme comparison: per team KPI, each variant's mean across seeds with its confidence
 * interval (error bars), the individual seeds as small dots beside it, the best variant highlighted
 * and the compact letters above (variants sharing a letter do not differ significantly); the same
 * for every agent's local reward (grouped) and for detector verdict rates. Also renders the
 * comparison tables as HTML.
 */
import type { Comparison, MetricComparison } from '../compare.js';
import { bestMark, formatCell, metricHeader, untestedNotes } from '../render-compare.js';
import { baseLayout, colour, MIN_SEEDS_FOR_INTERVALS, slug, tooFewSeedsNote, type Figure, type Section } from './common.js';

const BEST = '#E69F00';
const OTHER = '#0072B2';

/** Height of a horizontal figure with `n` variant rows. */
function rowsHeight(n: number, perRow = 44): number {
  return Math.max(240, 110 + perRow * n);
}

/** y-axis ticks: variant labels top to bottom. */
function variantAxis(labels: readonly string[]): Record<string, unknown> {
  return { tickvals: labels.map((_, i) => i), ticktext: labels, range: [labels.length - 0.5, -0.6], automargin: true, showgrid: false };
}

/**
 * Log scale for a KPI axis whose values are all positive and span at least `ratio`× (one runaway
 * seed at 6 M next to variants at 140 k flattened every other variant onto the axis's zero).
 */
export function needsLogAxis(values: readonly number[], ratio = 30): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) return false;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return values.length > 1 && hi / lo >= ratio;
}

/** Letters are shown only when every compared variant has enough seeds (see MIN_SEEDS_FOR_INTERVALS). */
function lettersShown(m: MetricComparison): boolean {
  const reported = m.variants.filter((v) => v.n > 0);
  return reported.length > 1 && reported.every((v) => v.n >= MIN_SEEDS_FOR_INTERVALS);
}

/** Whether a variant's interval is drawn. Rates keep their Wilson interval, which is honest (wide) at any n. */
function intervalShown(m: MetricComparison, n: number): boolean {
  return m.kind === 'verdict' || n >= MIN_SEEDS_FOR_INTERVALS;
}

function kpiFigure(full: MetricComparison): Figure {
  // Only the variants that report this metric (e.g. a market KPI is absent from warehouse runs).
  const m = { ...full, variants: full.variants.filter((v) => v.n > 0) };
  const ys = m.variants.map((_, i) => i);
  const isBest = m.variants.map((v) => m.tiedBest.includes(v.variant));
  const letters = lettersShown(m);
  const shown = m.variants.map((v) => intervalShown(m, v.n));
  const fewest = Math.min(...m.variants.map((v) => v.n));
  const data: Record<string, unknown>[] = [
    {
      type: 'scatter',
      mode: 'markers',
      y: m.variants.flatMap((v, i) => v.values.map((_, k) => (shown[i] ? i + 0.2 + 0.05 * (k % 3) : i))),
      x: m.variants.flatMap((v) => v.values),
      name: 'seeds',
      marker: { size: m.variants.map((_, i) => i).flatMap((i) => m.variants[i]!.values.map(() => (shown[i] ? 5 : 8))), color: 'rgba(80,80,80,0.55)' },
      hovertemplate: '%{x:.4g}<extra>seed</extra>',
    },
    {
      type: 'scatter',
      mode: 'markers+text',
      y: ys,
      x: m.variants.map((v) => v.mean),
      name: 'mean and interval',
      text: m.variants.map((v) => `${letters ? (m.letters[v.variant] ?? '') : ''}${bestMark(m, v.variant) ? ` ${bestMark(m, v.variant)}` : ''}`),
      textposition: 'top center',
      textfont: { size: 11, color: '#444' },
      error_x: {
        type: 'data',
        symmetric: false,
        array: m.variants.map((v, i) => (shown[i] ? v.high - v.mean : 0)),
        arrayminus: m.variants.map((v, i) => (shown[i] ? v.mean - v.low : 0)),
        thickness: 1.5,
        width: 5,
        color: '#555',
      },
      marker: {
        size: 11,
        color: isBest.map((b, i) => (shown[i] ? (b ? BEST : OTHER) : 'rgba(0,0,0,0)')),
        line: { color: isBest.map((b) => (b ? BEST : OTHER)), width: 2 },
        symbol: isBest.map((b) => (b ? 'star' : 'circle')),
      },
      customdata: m.variants.map((v, i) => [shown[i] ? `[${v.low.toPrecision(4)}, ${v.high.toPrecision(4)}]` : '(no interval)', v.n]),
      hovertemplate: 'mean %{x:.4g} %{customdata[0]}, n=%{customdata[1]}<extra></extra>',
    },
  ];
  const title = `${metricHeader(m)}  (${m.better} is better${m.directionKnown ? '' : ', assumed'})`;
  const log = needsLogAxis(m.variants.flatMap((v) => [...v.values, v.mean, v.low, v.high]));
  const how = shown.every(Boolean)
    ? `Mean across seeds with its interval; grey dots: single seeds; ★ best${letters ? '; letters: variants sharing one do not differ significantly' : ''}.`
    : `Open marker: the mean; dots: ${tooFewSeedsNote(fewest)}; ★ best mean.`;
  return {
    id: `compare-${slug(m.id)}`,
    title,
    caption: `${m.description ? `${m.description}. ` : ''}${how}${log ? ' Log scale: the values span more than an order of magnitude.' : ''}`,
    data,
    layout: baseLayout(title, {
      hovermode: 'closest',
      showlegend: false,
      height: rowsHeight(m.variants.length),
      margin: { l: 24, r: 24, t: 48, b: 48 },
      yaxis: variantAxis(m.variants.map((v) => v.variant)),
      xaxis: { title: { text: m.name }, ...(log ? { type: 'log' } : {}) },
    }),
  };
}

function rewardFigure(ms: readonly MetricComparison[]): Figure {
  const variants = ms[0]!.variants.map((v) => v.variant);
  const step = 0.7 / ms.length;
  const data = ms.map((m, a) => {
    const rows = m.variants.map((v, i) => ({ v, i })).filter((r) => r.v.n > 0);
    return {
      type: 'scatter',
      mode: 'markers',
      name: m.name,
      y: rows.map((r) => r.i - 0.35 + step * (a + 0.5)),
      x: rows.map((r) => r.v.mean),
      error_x: {
        type: 'data',
        symmetric: false,
        array: rows.map((r) => (intervalShown(m, r.v.n) ? r.v.high - r.v.mean : 0)),
        arrayminus: rows.map((r) => (intervalShown(m, r.v.n) ? r.v.mean - r.v.low : 0)),
        thickness: 1.5,
        width: 3,
      },
      marker: { size: 9, color: colour(a), symbol: rows.map((r) => (m.tiedBest.includes(r.v.variant) ? 'star' : 'circle')) },
      hovertemplate: `${m.name}: %{x:.4g}<extra></extra>`,
    };
  });
  return {
    id: 'compare-local-rewards',
    title: 'Local reward per agent',
    caption: `Each agent’s mean local reward per step across seeds${
      ms.every((m) => m.variants.every((v) => v.n === 0 || v.n >= MIN_SEEDS_FOR_INTERVALS))
        ? ', with its interval'
        : ` (intervals only for variants with at least ${MIN_SEEDS_FOR_INTERVALS} seeds)`
    }; ★ the variant that pays that agent most.`,
    data,
    layout: baseLayout('Local reward per agent', {
      hovermode: 'closest',
      height: rowsHeight(variants.length, 30 + 10 * ms.length),
      margin: { l: 24, r: 24, t: 48, b: 40 },
      legend: { orientation: 'h', y: 1.0, yanchor: 'bottom', x: 1, xanchor: 'right', font: { size: 11 } },
      yaxis: variantAxis(variants),
      xaxis: { title: { text: 'local reward per step' } },
    }),
  };
}

function verdictFigure(ms: readonly MetricComparison[]): Figure {
  const variants = ms[0]!.variants.map((v) => v.variant);
  // Each detector keeps its own slot inside a variant's row (plotly's 'group' mode closes the gap of
  // a detector with no tested seed, which put the "untested" label on another detector's bar).
  const step = 0.8 / ms.length;
  const slot = (i: number, d: number): number => i - 0.4 + step * (d + 0.5);
  const data = ms.map((m, d) => {
    const rows = m.variants.map((v, i) => ({ v, i })).filter((r) => r.v.n > 0);
    return {
      type: 'bar',
      orientation: 'h',
      name: m.name,
      y: rows.map((r) => slot(r.i, d)),
      x: rows.map((r) => r.v.mean),
      width: step * 0.9,
      error_x: {
        type: 'data',
        symmetric: false,
        array: rows.map((r) => r.v.high - r.v.mean),
        arrayminus: rows.map((r) => r.v.mean - r.v.low),
        thickness: 1.2,
        width: 3,
      },
      marker: { color: colour(d + 3) },
      hovertemplate: `${m.name}: %{x:.0%}<extra></extra>`,
    };
  });
  // A variant where a detector could not test in any seed gets a label in that detector's slot, not an empty bar.
  const untested = ms.flatMap((m, d) => m.variants.map((v, i) => ({ m, v, y: slot(i, d) })).filter((r) => r.v.n === 0 && (r.v.untested ?? 0) > 0));
  if (untested.length > 0) {
    data.push({
      type: 'scatter',
      mode: 'text',
      name: 'untested',
      y: untested.map((r) => r.y),
      x: untested.map(() => 0.01),
      text: untested.map((r) => `${r.m.name}: untested (${r.v.untested} seeds)`),
      textposition: 'middle right',
      textfont: { size: 10 },
      hovertext: untested.map((r) => r.v.untestedReason ?? 'could not test'),
      hoverinfo: 'text',
    } as never);
  }
  return {
    id: 'compare-verdicts',
    title: 'Detector verdict rates',
    caption:
      'Share of tested seeds in which each detector fired, with a 95% Wilson interval (lower is better). Seeds where a detector could not test are excluded; a variant with none tested is labelled untested.',
    data,
    layout: baseLayout('Detector verdict rates', {
      barmode: 'overlay',
      hovermode: 'closest',
      height: rowsHeight(variants.length, 26 + 12 * ms.length),
      margin: { l: 24, r: 24, t: 48, b: 40 },
      legend: { orientation: 'h', y: 1.0, yanchor: 'bottom', x: 1, xanchor: 'right', font: { size: 11 } },
      yaxis: variantAxis(variants),
      xaxis: { title: { text: 'share of seeds fired' }, range: [0, 1.05], tickformat: '.0%' },
    }),
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The comparison tables as HTML (one per metric kind). */
export function comparisonTablesHtml(c: Comparison): string {
  const parts: string[] = [];
  const groups: [MetricComparison['kind'], string][] = [
    ['kpi', 'Team KPIs'],
    ['reward', 'Local reward per agent'],
    ['verdict', 'Detector verdict rates'],
  ];
  for (const [kind, title] of groups) {
    const ms = c.metrics.filter((m) => m.kind === kind);
    if (ms.length === 0) continue;
    parts.push(
      `<h3>${title}</h3><div class="table-wrap"><table><thead><tr><th>variant</th><th>n</th>${ms.map((m) => `<th>${escapeHtml(metricHeader(m))}</th>`).join('')}</tr></thead><tbody>`,
    );
    for (const v of c.variants) {
      const cells = ms.map((m) => {
        const st = m.variants.find((s) => s.variant === v.label)!;
        const mark = bestMark(m, v.label);
        const letters = lettersShown(m) && st.n > 0 ? `<span class="letters">${escapeHtml(m.letters[v.label] ?? '')}</span>` : '';
        const cell =
          intervalShown(m, st.n) || st.n === 0
            ? formatCell(m, st)
            : `${formatCell(m, { ...st, low: st.mean, high: st.mean }).replace(/ \[.*\]$/, '')} (seeds: ${st.values.map((x) => x.toPrecision(4)).join(', ')})`;
        return `<td class="${mark ? 'best' : ''}">${escapeHtml(cell)} ${letters}${mark ? ` <span class="star">${mark}</span>` : ''}</td>`;
      });
      parts.push(`<tr><td class="variant">${escapeHtml(v.label)}</td><td>${v.seeds.length}</td>${cells.join('')}</tr>`);
    }
    parts.push('</tbody></table></div>');
  }
  const fewest = Math.min(...c.variants.map((v) => v.seeds.length));
  if (fewest < MIN_SEEDS_FOR_INTERVALS)
    parts.push(
      `<p class="note">Means with fewer than ${MIN_SEEDS_FOR_INTERVALS} seeds: ${tooFewSeedsNote(fewest)}. Run more seeds (--seeds ${MIN_SEEDS_FOR_INTERVALS}) to compare variants.</p>`,
    );
  const untested = untestedNotes(c);
  if (untested.length > 0)
    parts.push(
      `<p class="note">Untested (not a negative; excluded from rates and rankings):</p><ul class="note">${untested.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`,
    );
  parts.push(
    `<p class="note">Mean across seeds [${Math.round(c.options.level * 100)}% interval: bootstrap BCa for means, Wilson for rates]. Variants sharing a letter do not differ significantly (Welch t-test, Fisher’s exact test for rates; Holm-corrected over the pairs of each metric, α = ${c.options.alpha}). ★ best mean; ★★ best and significantly better than every other variant.</p>`,
  );
  return parts.join('\n');
}

/** The comparison section: KPI interval plots, local rewards, verdict rates and the tables. */
export function comparisonSection(c: Comparison): Section {
  const figures: Figure[] = c.metrics.filter((m) => m.kind === 'kpi').map(kpiFigure);
  const rewards = c.metrics.filter((m) => m.kind === 'reward');
  if (rewards.length) figures.push(rewardFigure(rewards));
  const verdicts = c.metrics.filter((m) => m.kind === 'verdict');
  if (verdicts.length) figures.push(verdictFigure(verdicts));
  return {
    id: 'comparison',
    title: c.variants.length > 1 ? 'Scheme comparison' : 'Results across seeds',
    intro:
      c.variants.length > 1
        ? `${c.variants.length} variants compared across seeds.`
        : 'One variant, so nothing to compare yet: sweep reward schemes with tacit sweep (see docs/report.md) to rank them.',
    figures,
    unavailable: figures.length ? null : 'Not available for these runs: their summaries report no KPIs, agent rewards or verdicts.',
    html: comparisonTablesHtml(c),
  };
}

export { escapeHtml };
